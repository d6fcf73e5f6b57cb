"""Forms of the pages that compose several apps."""

from django import forms

from portal.health import DRIFT_DEFAULT, DRIFT_MAX, DRIFT_MIN


class DriftForm(forms.Form):
    """How many missed meetings in a row count as drifting away (a GET form)."""

    missed = forms.TypedChoiceField(
        label="Missed in a row",
        choices=[(n, f"{n} meetings") for n in range(DRIFT_MIN, DRIFT_MAX + 1)],
        coerce=int,
        initial=DRIFT_DEFAULT,
        error_messages={
            "invalid_choice": f"Choose between {DRIFT_MIN} and {DRIFT_MAX} meetings.",
        },
    )
