"""Forms of the pages that compose several apps."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from config.guard import DeidentifiedFormMixin, GuardedCharField
from members import dates
from portal.health import DRIFT_DEFAULT, DRIFT_MAX, DRIFT_MIN
from portal.nudges import MAX_LENGTH


class DriftForm(forms.Form):
    """How many missed meetings in a row count as drifting away (a GET form)."""

    missed = forms.TypedChoiceField(
        label=_("Missed in a row"),
        choices=[(n, str(n)) for n in range(DRIFT_MIN, DRIFT_MAX + 1)],
        coerce=int,
        initial=DRIFT_DEFAULT,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Written in the language of the request ("3 meetings"), so here rather than above.
        missed = self.fields["missed"]
        missed.choices = [
            (n, ngettext("%(count)d meeting", "%(count)d meetings", n) % {"count": n})
            for n in range(DRIFT_MIN, DRIFT_MAX + 1)
        ]
        missed.error_messages["invalid_choice"] = gettext(
            "Choose between %(min)d and %(max)d meetings."
        ) % {"min": DRIFT_MIN, "max": DRIFT_MAX}


class WeMissYouForm(DeidentifiedFormMixin, forms.Form):
    """The note to a member who has stopped coming; it travels by e-mail, so it is guarded."""

    message = GuardedCharField(
        label=_("Your note"),
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "It goes by e-mail to this member only, from you, with your address to reply to. "
            "Keep it warm and short, and leave out anything about clients or cases."
        ),
        error_messages={
            "required": _("Please write a few words before sending."),
            # {limit} is filled in here, %(show_value)d by the length validator.
            "max_length": format_lazy(
                _("Please keep the note to {limit} characters or fewer (it has %(show_value)d)."),
                limit=f"{MAX_LENGTH:,}",
            ),
        },
    )


def we_miss_you_text(*, member, group, sender, next_meeting_at) -> str:
    """The note the form starts from (in the organizer's language); they change it as they
    like."""
    first = str(member).split(" ")[0]
    lines = [
        gettext("Hello %(name)s,") % {"name": first},
        "",
        gettext("We have missed you at %(group)s lately, and I hope you are well.")
        % {"group": group.name},
    ]
    if next_meeting_at is not None:
        when = dates.when(next_meeting_at, zone=group.time_zone)
        lines.append(gettext("Our next meeting is on %(when)s.") % {"when": when})
    lines += [
        gettext("No need to explain anything: we would be glad to see you whenever you can come."),
        "",
        str(sender),
    ]
    return "\n".join(lines)
