"""Forms of scheduling polls. Times are typed in the group's zone; each member reads and answers
them in their own."""

import zoneinfo
from datetime import UTC, datetime, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from config.guard import DeidentifiedFormMixin, GuardedCharField
from members import dates
from members.timezones import zone_label
from polls.enums import Availability, Repeat
from polls.services import MAX_OPTIONS, MIN_OPTIONS

OPTION_ROWS = MAX_OPTIONS
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _aware(day, clock, zone: str) -> datetime:
    return datetime.combine(day, clock, tzinfo=zoneinfo.ZoneInfo(zone))


def exists(day, clock, zone: str) -> bool:
    """Whether the wall-clock time happens in ``zone`` that day (not skipped when the clocks
    go forward)."""
    there = _aware(day, clock, zone)
    return there.astimezone(UTC).astimezone(there.tzinfo).replace(tzinfo=None) == datetime.combine(
        day, clock
    )


class PollForm(DeidentifiedFormMixin, forms.Form):
    """The title, a note, how long the meeting lasts, the deadline and up to ``OPTION_ROWS``
    proposed times (a date and a start time each; empty rows are ignored)."""

    title = GuardedCharField(max_length=150, initial=_("Our next meeting"), label=_("Title"))
    note = GuardedCharField(
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("A note to the members (optional)"),
        help_text=_("For example what the meeting is for. Members read it on the poll's page."),
    )
    duration_minutes = forms.IntegerField(
        label=_("Length of the meeting (minutes)"), min_value=15, max_value=480, initial=90
    )
    closes_on = forms.DateField(label=_("Answers close on"), widget=DATE)
    closes_time = forms.TimeField(
        label=pgettext_lazy("the time answers close on that day", "at"),
        widget=TIME,
        initial="18:00",
    )

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        zone = zone_label(group.time_zone)
        self.fields["duration_minutes"].initial = group.meeting_minutes
        self.fields["closes_time"].help_text = gettext("In the group's time zone (%(zone)s).") % {
            "zone": zone
        }
        self.fields["closes_on"].initial = timezone.localdate() + timedelta(days=7)
        for n in range(1, OPTION_ROWS + 1):
            self.fields[f"day_{n}"] = forms.DateField(
                label=gettext("Time %(number)s: date") % {"number": n}, required=False, widget=DATE
            )
            self.fields[f"time_{n}"] = forms.TimeField(
                label=gettext("Time %(number)s: start") % {"number": n}, required=False, widget=TIME
            )

    def option_rows(self):
        """(number, date field, time field) for each row, for the template."""
        return [(n, self[f"day_{n}"], self[f"time_{n}"]) for n in range(1, OPTION_ROWS + 1)]

    def clean(self):
        cleaned = super().clean()
        zone = self.group.time_zone
        now = timezone.now()
        options = []
        for n in range(1, OPTION_ROWS + 1):
            day, clock = cleaned.get(f"day_{n}"), cleaned.get(f"time_{n}")
            if f"day_{n}" in self.errors or f"time_{n}" in self.errors:
                continue
            if day is None and clock is None:
                continue
            if day is None:
                self.add_error(
                    f"day_{n}", gettext("Choose the date for this time, or clear its start.")
                )
                continue
            if clock is None:
                self.add_error(
                    f"time_{n}", gettext("Choose the start for this date, or clear the date.")
                )
                continue
            starts_at = _aware(day, clock, zone).astimezone(UTC)
            if not exists(day, clock, zone):
                self.add_error(
                    f"time_{n}",
                    gettext(
                        "This time does not exist in the group's time zone: the clocks go "
                        "forward that night. Choose another."
                    ),
                )
                continue
            if starts_at <= now:
                self.add_error(
                    f"day_{n}", gettext("This time has passed: choose one in the future.")
                )
                continue
            if starts_at in options:
                self.add_error(f"day_{n}", gettext("This time is proposed twice."))
                continue
            options.append(starts_at)
        if self.errors:
            return cleaned
        if len(options) < MIN_OPTIONS:
            self.add_error(
                "day_1",
                ngettext(
                    "Propose at least %(count)s different time.",
                    "Propose at least %(count)s different times.",
                    MIN_OPTIONS,
                )
                % {"count": MIN_OPTIONS},
            )
            return cleaned
        if cleaned.get("closes_on") and cleaned.get("closes_time"):
            closes_at = _aware(cleaned["closes_on"], cleaned["closes_time"], zone)
            if closes_at <= now:
                self.add_error("closes_on", gettext("The poll must close in the future."))
            elif closes_at > min(options):
                self.add_error(
                    "closes_on", gettext("Answers must close before the first proposed time.")
                )
            cleaned["closes_at"] = closes_at
        cleaned["options"] = sorted(options)
        return cleaned

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "note": data["note"],
            "duration_minutes": data["duration_minutes"],
            "closes_at": data["closes_at"],
            "options": data["options"],
        }


class AnswerForm(forms.Form):
    """Yes / if need be / no for each proposed time, labelled in the member's own zone."""

    def __init__(self, *args, options, mine: dict[int, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        mine = mine or {}
        for option in options:
            self.fields[f"option_{option.pk}"] = forms.ChoiceField(
                label=dates.when(option.starts_at),
                choices=Availability.choices,
                widget=forms.RadioSelect,
                initial=mine.get(option.pk),
                error_messages={"required": gettext("Answer yes, if need be or no for this time.")},
            )
        self.options = list(options)

    def answers(self) -> dict[int, str]:
        return {o.pk: self.cleaned_data[f"option_{o.pk}"] for o in self.options}


def _option_label(row, zone: str) -> str:
    """A proposed time in the group's zone with its answers: "…: 3 yes, 1 if need be, 0 no"."""
    values = {
        "when": dates.when(row.option.starts_at, zone=zone),
        "yes": row.yes,
        "maybe": row.if_need_be,
        "no": row.no,
    }
    if row.best:
        return gettext("%(when)s: %(yes)s yes, %(maybe)s if need be, %(no)s no (best)") % values
    return gettext("%(when)s: %(yes)s yes, %(maybe)s if need be, %(no)s no") % values


class ScheduleForm(DeidentifiedFormMixin, forms.Form):
    """Which proposed time becomes a meeting, and whether it repeats."""

    option = forms.TypedChoiceField(
        label=_("The time"), coerce=int, widget=forms.RadioSelect, empty_value=None
    )
    repeat = forms.ChoiceField(
        label=_("It becomes"),
        choices=Repeat.choices,
        initial=Repeat.ONCE,
        widget=forms.RadioSelect,
    )
    title = GuardedCharField(max_length=150, label=_("Meeting title"))

    def __init__(self, *args, poll, results, **kwargs):
        super().__init__(*args, **kwargs)
        zone = poll.group.time_zone
        future = [row for row in results.options if row.option.starts_at > timezone.now()]
        self.fields["option"].choices = [
            (row.option.pk, _option_label(row, zone)) for row in future
        ]
        best = next((row for row in future if row.best), future[0] if future else None)
        self.fields["option"].initial = best.option.pk if best else None
        self.fields["title"].initial = poll.title
