"""Forms of the pages that compose several apps."""

from django import forms

from config.guard import DeidentifiedFormMixin, GuardedCharField
from members import dates
from portal.health import DRIFT_DEFAULT, DRIFT_MAX, DRIFT_MIN
from portal.nudges import MAX_LENGTH


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


class WeMissYouForm(DeidentifiedFormMixin, forms.Form):
    """The note to a member who has stopped coming; it travels by e-mail, so it is guarded."""

    message = GuardedCharField(
        label="Your note",
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="It goes by e-mail to this member only, from you, with your address to reply "
        "to. Keep it warm and short, and leave out anything about clients or cases.",
        error_messages={
            "required": "Please write a few words before sending.",
            "max_length": f"Please keep the note to {MAX_LENGTH:,} characters or fewer "
            "(it has %(show_value)d).",
        },
    )


def we_miss_you_text(*, member, group, sender, next_meeting_at) -> str:
    """The note the form starts from; the organizer changes it as they like."""
    first = str(member).split(" ")[0]
    lines = [
        f"Hello {first},",
        "",
        f"We have missed you at {group.name} lately, and I hope you are well.",
    ]
    if next_meeting_at is not None:
        when = dates.when(next_meeting_at, zone=group.time_zone)
        lines.append(f"Our next meeting is on {when}.")
    lines += [
        "No need to explain anything: we would be glad to see you whenever you can come.",
        "",
        str(sender),
    ]
    return "\n".join(lines)
