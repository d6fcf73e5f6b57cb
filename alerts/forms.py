"""The saved-search form: its name, how often to e-mail, and the filters themselves, which are
browse's own filter fields (``groups.filters.GroupFilter``), so a search is checked and edited
exactly as browse reads it.

The name is the owner's own label, shown to them alone (never to anyone else), so it is not a
text the de-identification guard reads (tests/test_free_text_guard.py lists it as exempt); so
are the search words and places of the filters, which browse itself never stores."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from alerts.enums import Frequency
from alerts.models import NAME_MAX
from alerts.searches import ORDER_ONLY
from groups.filters import GroupFilter
from groups.models import Group


class SavedSearchForm(forms.Form):
    name = forms.CharField(
        label=_("Name (optional)"),
        max_length=NAME_MAX,
        required=False,
        help_text=_("Only you see it. Leave it empty to name the search after its filters."),
        error_messages={"max_length": _("Keep the name to %(limit_value)d characters.")},
    )
    frequency = forms.ChoiceField(
        label=_("E-mail me"),
        choices=Frequency.choices,
        initial=Frequency.IMMEDIATE,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose how often we e-mail you.")},
    )

    def __init__(self, data=None, *, initial=None):
        # Browse's FilterSet reads the parameters first ("any" orientation, the default
        # distance), then its form's fields join this form's, checked as browse checks them.
        filterset = GroupFilter(data, queryset=Group.objects.none())
        super().__init__(filterset.data if data is not None else None, initial=initial)
        self.filter_names = [name for name in filterset.form.fields if name not in ORDER_ONLY]
        for name in self.filter_names:
            self.fields[name] = filterset.form.fields[name]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(_("Your alert"), "name", "frequency"),
            Fieldset(_("Filters: the groups to tell you about"), *self.filter_names),
        )

    def service_data(self) -> dict:
        """What the services take: the name, the frequency and browse's parameters (the
        services keep only the filters, checked again by browse's FilterSet)."""
        return {
            "name": self.cleaned_data["name"],
            "frequency": self.cleaned_data["frequency"],
            "data": self.data,
        }
