"""Form fields that refuse impossible primary keys with the normal "invalid choice" error.

Django's model choice fields pass any digits to the database; a value beyond a 64-bit integer
then raises OverflowError (a 500) instead of a form error.
"""

from django import forms

MAX_PK = 2**63 - 1


def _plausible_pk(value) -> bool:
    text = str(value).strip()
    # ASCII digits only: "²" and "١٢" are digits to str.isdigit() but not to int().
    return text.isascii() and text.isdigit() and int(text) <= MAX_PK


class SafeModelChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not _plausible_pk(value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for item in value:
            if not _plausible_pk(item):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": item},
                )
        return super()._check_values(value)
