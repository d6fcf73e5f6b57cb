import zoneinfo
from datetime import date, datetime
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from config.fields import SafeModelChoiceField
from config.guard import DeidentifiedFormMixin, GuardedCharField
from config.uploads import CERTIFICATE_KINDS, CheckedFileField
from meetings import recurrence
from meetings.enums import (
    AttendanceStatus,
    EditScope,
    HoursCategory,
    RecurrenceKind,
    RsvpAnswer,
    SegmentKind,
    VenueOverride,
)
from meetings.models import MeetingNotes
from members.timezones import zone_label

WEEKDAYS = [
    (0, _("Mon")),
    (1, _("Tue")),
    (2, _("Wed")),
    (3, _("Thu")),
    (4, _("Fri")),
    (5, _("Sat")),
    (6, _("Sun")),
]
WEEKDAY_NAMES = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]
ORDINAL_CHOICES = [(1, _("1st")), (2, _("2nd")), (3, _("3rd")), (4, _("4th")), (-1, _("Last"))]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _aware(day, clock, tz_name: str) -> datetime:
    return datetime.combine(day, clock, tzinfo=zoneinfo.ZoneInfo(tz_name))


class MeetingCreateForm(DeidentifiedFormMixin, forms.Form):
    title = GuardedCharField(label=_("Title"), max_length=150, initial=_("Group meeting"))
    kind = forms.ChoiceField(
        label=_("How often"),
        choices=RecurrenceKind.choices,
        initial=RecurrenceKind.ONCE,
        widget=forms.RadioSelect,
    )
    starts_on = forms.DateField(label=_("Date (or first date of the series)"), widget=DATE)
    start_time = forms.TimeField(label=_("Start time"), widget=TIME)
    duration_minutes = forms.IntegerField(
        label=_("Length (minutes)"), min_value=15, max_value=480, initial=90
    )
    interval = forms.IntegerField(
        label=_("Repeat every … weeks (weekly) or months (monthly)"),
        min_value=1,
        max_value=8,
        initial=1,
        required=False,
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("On these weekdays (weekly)"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    ordinals = forms.TypedMultipleChoiceField(
        label=_("Which weeks of the month (monthly on the nth weekday)"),
        choices=ORDINAL_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    weekday = forms.TypedChoiceField(
        label=_("Weekday (monthly on the nth weekday)"),
        choices=[("", "—"), *WEEKDAY_NAMES],
        coerce=int,
        required=False,
        empty_value=None,
    )
    month_day = forms.IntegerField(
        label=_("Day of the month (monthly on a day)"), min_value=1, max_value=31, required=False
    )
    ends_on = forms.DateField(
        label=_("Last date (optional)"),
        required=False,
        widget=DATE,
        help_text=_("Leave empty to keep the series going."),
    )

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        self.fields["start_time"].initial = group.usual_time
        self.fields["duration_minutes"].initial = group.meeting_minutes
        self.fields["weekdays"].initial = group.weekday_list
        self.fields["start_time"].help_text = gettext("In the group's time zone (%(zone)s).") % {
            "zone": zone_label(group.time_zone)
        }

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        starts_on, start_time = cleaned.get("starts_on"), cleaned.get("start_time")
        if not (kind and starts_on and start_time):
            return cleaned
        ends_on = cleaned.get("ends_on")
        if ends_on and ends_on < starts_on:
            self.add_error("ends_on", gettext("The last date cannot be before the first."))
            return cleaned
        if kind == RecurrenceKind.ONCE:
            starts_at = _aware(starts_on, start_time, self.group.time_zone)
            if starts_at <= timezone.now():
                self.add_error("starts_on", gettext("Choose a date and time in the future."))
            cleaned["starts_at"] = starts_at
            return cleaned
        try:
            cleaned["rule"] = recurrence.build_rule(
                kind=kind,
                interval=cleaned.get("interval") or 1,
                weekdays=cleaned.get("weekdays"),
                ordinals=cleaned.get("ordinals"),
                weekday=cleaned.get("weekday"),
                month_day=cleaned.get("month_day"),
            )
            recurrence.first_occurrence(
                rule=cleaned["rule"], starts_on=starts_on, start_time=start_time, ends_on=ends_on
            )
        except recurrence.RecurrenceError as exc:
            field = {
                RecurrenceKind.WEEKLY: "weekdays",
                RecurrenceKind.MONTHLY_NTH: "ordinals",
                RecurrenceKind.MONTHLY_DAY: "month_day",
            }.get(kind)
            self.add_error(field if exc.about_a_choice else None, str(exc))
        return cleaned


class MeetingEditForm(DeidentifiedFormMixin, forms.Form):
    scope = forms.ChoiceField(
        label=_("Apply the change to"),
        choices=EditScope.choices,
        initial=EditScope.THIS,
        widget=forms.RadioSelect,
    )
    title = GuardedCharField(label=_("Title"), max_length=150)
    date = forms.DateField(label=_("Date"), widget=DATE)
    start_time = forms.TimeField(label=_("Start time"), widget=TIME)
    duration_minutes = forms.IntegerField(label=_("Length (minutes)"), min_value=15, max_value=480)
    venue_kind = forms.ChoiceField(label=_("Where"), choices=VenueOverride.choices, required=False)
    venue_name = forms.CharField(max_length=150, required=False, label=_("Venue name"))
    street_address = forms.CharField(
        label=_("Street address"),
        max_length=250,
        required=False,
        help_text=_("Members only, like the group's address."),
    )
    online_link = forms.URLField(
        required=False,
        label=_("Online meeting link"),
        help_text=_("Only members ever see it."),
        error_messages={"invalid": _("Enter a full link starting with https://")},
    )
    timekeeper = forms.TypedChoiceField(
        label=_("Timekeeper"), coerce=int, required=False, empty_value=None
    )
    message = GuardedCharField(
        label=_("Message to members (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Sent with the e-mail that tells members about the change."),
    )

    def __init__(self, *args, meeting, members, **kwargs):
        self.meeting = meeting
        tz = zoneinfo.ZoneInfo(meeting.group.time_zone)
        local = meeting.starts_at.astimezone(tz)
        kwargs.setdefault(
            "initial",
            {
                "title": meeting.title,
                "date": local.date(),
                "start_time": local.time().replace(tzinfo=None),
                "duration_minutes": meeting.duration_minutes,
                "venue_kind": meeting.venue_kind,
                "venue_name": meeting.venue_name,
                "street_address": meeting.street_address,
                "online_link": meeting.online_link,
                "timekeeper": meeting.timekeeper_id,
            },
        )
        super().__init__(*args, **kwargs)
        self.members = {m.user_id: m.user for m in members}
        self.fields["timekeeper"].choices = [("", gettext("No timekeeper"))] + [
            (m.user_id, str(m.user)) for m in members
        ]
        self.fields["start_time"].help_text = gettext("In the group's time zone (%(zone)s).") % {
            "zone": zone_label(meeting.group.time_zone)
        }
        if not meeting.series_id:
            del self.fields["scope"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date") and cleaned.get("start_time"):
            starts_at = _aware(cleaned["date"], cleaned["start_time"], self.meeting.group.time_zone)
            if starts_at <= timezone.now():
                self.add_error("date", gettext("Choose a date and time in the future."))
            cleaned["starts_at"] = starts_at
        if cleaned.get("scope") == EditScope.FOLLOWING and cleaned.get("date"):
            tz = zoneinfo.ZoneInfo(self.meeting.group.time_zone)
            if cleaned["date"] != self.meeting.starts_at.astimezone(tz).date():
                self.add_error(
                    "date",
                    gettext(
                        "A change for all following meetings keeps each one on its own day; to "
                        "move this meeting to another day, choose “Only this meeting”."
                    ),
                )
        if cleaned.get("timekeeper") and cleaned["timekeeper"] not in self.members:
            self.add_error("timekeeper", gettext("Choose a member of the group."))
        return cleaned

    def service_data(self) -> dict:
        data = {
            key: self.cleaned_data[key]
            for key in (
                "title",
                "duration_minutes",
                "venue_kind",
                "venue_name",
                "street_address",
                "online_link",
                "starts_at",
            )
        }
        data["timekeeper"] = self.members.get(self.cleaned_data.get("timekeeper"))
        return data


class CancelForm(DeidentifiedFormMixin, forms.Form):
    message = GuardedCharField(
        label=_("Message to members (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


STALE_SEGMENT = _("This segment is no longer on the agenda. Reload the page and try again.")


class SegmentForm(DeidentifiedFormMixin, forms.Form):
    # The segment this row edits in place (empty for a new row); kept segments keep their id,
    # and with it the presentation a member holds in it.
    id = forms.IntegerField(
        required=False,
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": STALE_SEGMENT,
            "min_value": STALE_SEGMENT,
            "max_value": STALE_SEGMENT,
        },
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", "—"), *SegmentKind.choices], required=False
    )
    title = GuardedCharField(max_length=120, required=False, label=_("Title (optional)"))
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=480, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A case follow-up comes from its presenter asking to report back: its row keeps its
        # kind, but no row becomes one (and the standard agenda never offers it).
        if self.initial.get("kind") != SegmentKind.FOLLOW_UP:
            self.fields["kind"].choices = [
                choice
                for choice in self.fields["kind"].choices
                if choice[0] != SegmentKind.FOLLOW_UP
            ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") and not cleaned.get("minutes"):
            self.add_error("minutes", gettext("How many minutes?"))
        # An existing segment set to "—" is being removed; only a new row needs a kind.
        if cleaned.get("minutes") and not cleaned.get("kind") and not cleaned.get("id"):
            self.add_error("kind", gettext("Choose what this segment is."))
        return cleaned


class BaseAgendaFormSet(forms.BaseFormSet):
    def __init__(self, *args, minutes_available: int, segment_ids=None, **kwargs):
        """``segment_ids``: the meeting's current segments, which rows may edit in place
        (None for the standard agenda, whose rows carry no ids)."""
        self.minutes_available = minutes_available
        self.segment_ids = set(segment_ids) if segment_ids is not None else None
        super().__init__(*args, **kwargs)

    def _check_ids(self) -> None:
        seen = set()
        for form in self.forms:
            segment_id = form.cleaned_data.get("id") if hasattr(form, "cleaned_data") else None
            if segment_id is None:
                continue
            if self.segment_ids is None or segment_id not in self.segment_ids or segment_id in seen:
                form.add_error("id", STALE_SEGMENT)
            seen.add(segment_id)

    def clean(self):
        self._check_ids()
        if any(self.errors):
            return
        total = sum(
            f.cleaned_data.get("minutes") or 0 for f in self.forms if f.cleaned_data.get("kind")
        )
        if total > self.minutes_available:
            raise forms.ValidationError(
                gettext(
                    "The agenda adds up to %(total)s minutes, but the meeting lasts "
                    "%(available)s. Shorten a segment or lengthen the meeting."
                )
                % {"total": total, "available": self.minutes_available}
            )

    def segments(self) -> list[dict]:
        return [
            {
                "id": f.cleaned_data.get("id"),
                "kind": f.cleaned_data["kind"],
                "title": f.cleaned_data.get("title", ""),
                "minutes": f.cleaned_data["minutes"],
            }
            for f in self.forms
            if f.cleaned_data.get("kind")
        ]


# absolute_max: a form claiming more rows (TOTAL_FORMS) is refused with a message instead of
# Django building up to max_num + 1,000 forms for it (what made a hostile post slow).
AgendaFormSet = forms.formset_factory(
    SegmentForm,
    formset=BaseAgendaFormSet,
    extra=2,
    max_num=20,
    validate_max=True,
    absolute_max=25,
)


class RsvpForm(DeidentifiedFormMixin, forms.Form):
    answer = forms.ChoiceField(
        choices=RsvpAnswer.choices,
        widget=forms.RadioSelect,
        label=_("Are you coming?"),
        error_messages={
            "required": _("Choose going, maybe or can't go."),
            "invalid_choice": _("Choose going, maybe or can't go."),
        },
    )
    note = GuardedCharField(
        label=_("Note to the organizers (optional)"),
        max_length=300,
        required=False,
    )


class AttendanceForm(forms.Form):
    def __init__(self, *args, members, initial_marks, **kwargs):
        super().__init__(*args, **kwargs)
        self.member_fields = []
        for membership in members:
            name = f"member_{membership.user_id}"
            self.fields[name] = forms.ChoiceField(
                label=str(membership.user),
                choices=AttendanceStatus.choices,
                widget=forms.RadioSelect,
                initial=initial_marks.get(membership.user_id),
                error_messages={
                    "required": gettext("Mark this member present, absent or excused.")
                },
            )
            self.member_fields.append((membership, name))

    def marks(self) -> dict[int, str]:
        return {m.user_id: self.cleaned_data[name] for m, name in self.member_fields}


class CertificateForm(forms.Form):
    """Which group and which period a certificate of attendance is for."""

    group = SafeModelChoiceField(
        queryset=None,
        label=_("Group"),
        empty_label=_("Choose a group"),
        error_messages={
            "required": _("Choose the group the certificate is for."),
            "invalid_choice": _("Choose a group whose meetings you were at."),
        },
    )
    start = forms.DateField(
        label=_("First day"),
        widget=DATE,
        error_messages={"required": _("Enter the first day of the period.")},
    )
    end = forms.DateField(
        label=_("Last day"),
        widget=DATE,
        help_text=_("Both days are included, as dates in the group's time zone."),
        error_messages={"required": _("Enter the last day of the period.")},
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", gettext("The last day cannot be before the first day."))
        return cleaned


class ExportPeriodForm(forms.Form):
    """The days an organizer's export covers (a GET form): both optional, both included."""

    EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)

    start = forms.DateField(label=_("From"), required=False, widget=DATE)
    end = forms.DateField(
        label=_("To"),
        required=False,
        widget=DATE,
        help_text=_(
            "Both days are included, as dates in the group's time zone. Leave both empty "
            "for every meeting."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        for name in ("start", "end"):
            day = cleaned.get(name)
            if day and not self.EARLIEST <= day <= self.LATEST:
                self.add_error(name, gettext("Enter a date between the years 2000 and 2100."))
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start and not self.errors:
            self.add_error("end", gettext("The last day cannot be before the first day."))
        return cleaned


def segments_initial(segments, *, with_ids: bool = False):
    """Initial rows of an AgendaFormSet from saved segments (with their ids when editing)."""
    return [
        {
            **({"id": s.pk} if with_ids else {}),
            "kind": s.kind,
            "title": s.title,
            "minutes": s.minutes,
        }
        for s in segments
    ]


# --- notes and action items (meetings/notes.py) -----------------------------------------------


class NotesForm(DeidentifiedFormMixin, forms.Form):
    """A meeting's notes. Case notes are left out once they were purged after the group's
    retention period (they are not written again). ``version``: the notes' version the form
    was opened on, so a save over someone else's newer one is refused (``NotesConflict``)."""

    discussed = GuardedCharField(
        label=_("What was discussed"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "You can use Markdown: **bold**, *italics*, and lists starting with “-”. No client "
            "names or details that could identify a client."
        ),
    )
    decisions = GuardedCharField(
        label=_("Decisions"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One decision per line."),
    )
    case_notes = GuardedCharField(
        label=_("Notes on the cases presented"),
        required=False,
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    # Compared, never stored: any text will do (a stale or forged one is refused as a conflict).
    version = forms.Field(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, notes, group, **kwargs):
        initial = {field: getattr(notes, field) for field in MeetingNotes.PARTS} if notes else {}
        kwargs.setdefault("initial", initial | {"version": notes.version if notes else ""})
        super().__init__(*args, **kwargs)
        self.saved_meanwhile = None
        if notes is not None and notes.case_notes_purged_at:
            del self.fields["case_notes"]
            return
        days = group.case_retention_days
        self.fields["case_notes"].help_text = (
            ngettext(
                "They are removed %(days)s day after the meeting, with the details of the "
                "cases. No client names or details that could identify a client.",
                "They are removed %(days)s days after the meeting, with the details of the "
                "cases. No client names or details that could identify a client.",
                days,
            )
            % {"days": days}
            if days
            else gettext(
                "The group keeps case details, so these stay until you remove them. No client "
                "names or details that could identify a client."
            )
        )

    def service_data(self) -> dict:
        parts = {field: self.cleaned_data.get(field, "") for field in MeetingNotes.PARTS}
        return parts | {"version": self.cleaned_data["version"] or ""}

    def catch_up(self, saved) -> None:
        """After ``NotesConflict``: keep what this writer typed, show them ``saved`` (the notes
        as they now stand) and carry its version, so saving again goes over it knowingly."""
        self.saved_meanwhile = saved
        self.data = self.data.copy()
        self.data["version"] = saved.version if saved else ""


class ActionItemForm(DeidentifiedFormMixin, forms.Form):
    """An action item: what, who (a member of the group) and by when."""

    text = GuardedCharField(
        label=_("What is to be done"),
        max_length=300,
        help_text=_("A short line. No client names or details that could identify a client."),
        error_messages={"required": _("Say what is to be done.")},
    )
    owner = forms.TypedChoiceField(
        label=_("Who does it"),
        coerce=int,
        error_messages={
            "required": _("Choose who does it."),
            "invalid_choice": _("Choose a member of the group."),
        },
    )
    due_on = forms.DateField(
        label=_("Due by"),
        widget=DATE,
        error_messages={
            "required": _("Choose the date it is due."),
            "invalid": _("Enter a date."),
        },
    )

    def __init__(self, *args, members, item=None, **kwargs):
        if item is not None:
            kwargs.setdefault(
                "initial", {"text": item.text, "owner": item.owner_id, "due_on": item.due_on}
            )
        super().__init__(*args, **kwargs)
        self.people = {m.user_id: m.user for m in members}
        self.fields["owner"].choices = [("", gettext("Choose a member"))] + [
            (m.user_id, str(m.user)) for m in members
        ]

    def service_data(self) -> dict:
        return {
            "text": self.cleaned_data["text"],
            "owner": self.people[self.cleaned_data["owner"]],
            "due_on": self.cleaned_data["due_on"],
        }


class ConfirmRemovalForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, remove this action item."),
        error_messages={"required": _("Tick the box to confirm you want to remove it.")},
    )


class OutsideHoursForm(forms.Form):
    """Hours logged by the member themselves (their own record: seen by them, in their exports),
    with the certificate they were given if they wish (checked from its content)."""

    day = forms.DateField(label=_("Date"), widget=DATE)
    category = forms.ChoiceField(label=_("Kind of hours"), choices=HoursCategory.choices)
    provider = forms.CharField(
        label=_("Provider"),
        max_length=200,
        help_text=_("Who gave it: the CE provider, the consultant or the group."),
    )
    title = forms.CharField(label=_("Course or topic (optional)"), max_length=200, required=False)
    hours = forms.DecimalField(
        label=_("Hours"),
        min_value=Decimal("0.25"),
        max_value=Decimal("200"),
        decimal_places=2,
        help_text=_("For example 1.5 for an hour and a half."),
    )
    certificate = CheckedFileField(
        words=False,  # only its owner sees it
        kinds=CERTIFICATE_KINDS,
        required=False,
        label=_("Certificate (optional)"),
    )

    def clean_day(self):
        day = self.cleaned_data["day"]
        if day > timezone.localdate():
            raise forms.ValidationError(
                gettext("Log hours once they have happened: today or earlier.")
            )
        if day.year < 1950:
            raise forms.ValidationError(gettext("Choose a date from 1950 on."))
        return day


class RenewalPlanForm(forms.Form):
    """The licence renewal period and the hours it asks for (0 where it asks for none)."""

    starts_on = forms.DateField(label=_("The renewal period starts"), widget=DATE)
    ends_on = forms.DateField(label=_("and ends"), widget=DATE)
    required_total = forms.IntegerField(
        label=_("Hours required in all"), min_value=0, max_value=500
    )
    required_consultation = forms.IntegerField(
        label=_("Of them, consultation"), min_value=0, max_value=500, initial=0
    )
    required_ce = forms.IntegerField(
        label=_("Of them, continuing education"), min_value=0, max_value=500, initial=0
    )
    required_ethics = forms.IntegerField(
        label=_("Of the continuing education, ethics"), min_value=0, max_value=500, initial=0
    )

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends <= starts:
            self.add_error("ends_on", gettext("The period must end after it starts."))
        if starts and starts.year < 1950:
            self.add_error("starts_on", gettext("Choose a date from 1950 on."))
        if ends and ends.year > 2200:
            self.add_error("ends_on", gettext("Choose a date before 2200."))
        return cleaned
