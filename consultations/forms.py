import zoneinfo
from datetime import datetime, time, timedelta

from django import forms
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from config.guard import DeidentifiedFormMixin, GuardedCharField
from consultations.enums import Urgency
from consultations.services import HUDDLE_WINDOW
from meetings.forms import DATE, TIME
from meetings.services import HUDDLE_MINUTES
from members.timezones import zone_label
from presentations.forms import case_format_form

HUDDLE_DEFAULT_TIME = time(12, 0)  # when the group's usual time is at night or at dawn
LINK_MESSAGE = _("Enter the full video link, starting with https://.")


class RequestForm(case_format_form()):
    """A consultation request in the group's standard case format, and how soon."""

    urgency = forms.ChoiceField(
        label=_("How soon do you need it?"),
        choices=Urgency.choices,
        initial=Urgency.ROUTINE,
        widget=forms.RadioSelect,
    )


class ReplyForm(DeidentifiedFormMixin, forms.Form):
    body = GuardedCharField(
        label=_("Your reply"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Only members of the group can read it. No client identifiers, please."),
        error_messages={"required": _("Write your reply first.")},
    )


class CloseForm(forms.Form):
    """Close as answered, thanking any of the colleagues who replied."""

    thanked = forms.TypedMultipleChoiceField(
        label=_("Thank the colleagues who helped (optional)"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each colleague you tick gets a short thank-you e-mail from you."),
    )

    def __init__(self, *args, repliers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["thanked"].choices = [(person.pk, str(person)) for person in repliers]


def _default_start(group, now: datetime) -> tuple:
    """Tomorrow in the group's zone, at its usual meeting time if that is a waking hour."""
    local = now.astimezone(zoneinfo.ZoneInfo(group.time_zone))
    usual = group.usual_time
    clock = usual if time(7, 0) <= usual <= time(21, 0) else HUDDLE_DEFAULT_TIME
    return local.date() + timedelta(days=1), clock


class HuddleForm(forms.Form):
    """When and where (online) the huddle is: a date and time in the group's time zone."""

    date = forms.DateField(label=_("Date"), widget=DATE)
    start_time = forms.TimeField(label=_("Start time"), widget=TIME)
    duration_minutes = forms.IntegerField(
        label=_("Length (minutes)"),
        min_value=HUDDLE_MINUTES[0],
        max_value=HUDDLE_MINUTES[1],
        initial=30,
    )
    online_link = forms.CharField(
        label=_("Video link"),
        max_length=200,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        validators=[URLValidator(schemes=["http", "https"], message=LINK_MESSAGE)],
        error_messages={"required": _("Add the video link colleagues will join with.")},
        help_text=_("The group's own video service: PeerCircle only links to it."),
    )

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        day, clock = _default_start(group, timezone.now())
        self.fields["date"].initial = day
        self.fields["start_time"].initial = clock
        self.fields["start_time"].help_text = gettext("In the group's time zone (%(zone)s).") % {
            "zone": zone_label(group.time_zone)
        }
        self.fields["online_link"].initial = group.online_link

    def clean(self):
        cleaned = super().clean()
        day, clock = cleaned.get("date"), cleaned.get("start_time")
        if day is None or clock is None:
            return cleaned
        starts_at = datetime.combine(day, clock, tzinfo=zoneinfo.ZoneInfo(self.group.time_zone))
        now = timezone.now()
        if starts_at <= now:
            self.add_error("date", gettext("Choose a date and time in the future."))
        elif starts_at > now + HUDDLE_WINDOW:
            self.add_error("date", gettext("Choose a time within the next seven days."))
        cleaned["starts_at"] = starts_at
        return cleaned
