"""Recurrence rules in the group's own time zone, with python-dateutil's rrule.

A series stores an RRULE and a local start time. Each occurrence is computed as a local wall-clock
time and only then given its zone, so a 7 pm meeting stays 7 pm across daylight-saving changes.
"""

import zoneinfo
from datetime import date, datetime, time, timedelta

from dateutil.rrule import rrulestr
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from groups.enums import Cadence
from meetings.enums import RecurrenceKind

WEEKDAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
# Translated when a rule is described (``describe``), in the reader's language.
ORDINALS = {
    1: gettext_noop("1st"),
    2: gettext_noop("2nd"),
    3: gettext_noop("3rd"),
    4: gettext_noop("4th"),
    -1: gettext_noop("last"),
}


class RecurrenceError(ValueError):
    """A rule that cannot be built or yields nothing; the message is shown beside the form.
    ``about_a_choice``: the message asks for a choice in the form, so it goes beside that
    field rather than above the form."""

    def __init__(self, message: str, *, about_a_choice: bool = False):
        super().__init__(message)
        self.about_a_choice = about_a_choice


def build_rule(
    *,
    kind: str,
    interval: int = 1,
    weekdays: list[int] | None = None,
    ordinals: list[int] | None = None,
    weekday: int | None = None,
    month_day: int | None = None,
) -> str:
    if kind == RecurrenceKind.WEEKLY:
        if not weekdays:
            raise RecurrenceError(_("Choose at least one weekday."), about_a_choice=True)
        if not 1 <= interval <= 8:
            raise RecurrenceError(_("Repeat every 1 to 8 weeks."))
        days = ",".join(WEEKDAY_CODES[d] for d in sorted(set(weekdays)))
        return f"FREQ=WEEKLY;INTERVAL={interval};BYDAY={days}"
    if kind == RecurrenceKind.MONTHLY_NTH:
        if not ordinals or weekday is None:
            raise RecurrenceError(
                _("Choose which weeks of the month and the weekday."), about_a_choice=True
            )
        days = ",".join(f"{n:+d}{WEEKDAY_CODES[weekday]}" for n in sorted(set(ordinals)))
        return f"FREQ=MONTHLY;INTERVAL={max(interval, 1)};BYDAY={days}"
    if kind == RecurrenceKind.MONTHLY_DAY:
        if month_day is None or not 1 <= month_day <= 31:
            raise RecurrenceError(_("Choose a day of the month from 1 to 31."), about_a_choice=True)
        return f"FREQ=MONTHLY;INTERVAL={max(interval, 1)};BYMONTHDAY={month_day}"
    raise RecurrenceError(_("Choose how the meetings repeat."), about_a_choice=True)


def local_datetimes(
    *,
    rule: str,
    starts_on: date,
    start_time: time,
    window_start: date,
    window_end: date,
    ends_on: date | None = None,
) -> list[datetime]:
    """Naive local datetimes of the rule's occurrences between two dates (inclusive)."""
    try:
        recurrence = rrulestr(f"RRULE:{rule}", dtstart=datetime.combine(starts_on, start_time))
    except (ValueError, TypeError) as exc:
        raise RecurrenceError(
            _("That repeat rule is not valid: %(error)s") % {"error": exc}
        ) from exc
    last = min(window_end, ends_on) if ends_on else window_end
    first = max(window_start, starts_on)
    if last < first:
        return []
    return list(
        recurrence.between(
            datetime.combine(first, time.min), datetime.combine(last, time.max), inc=True
        )
    )


def to_aware(local: datetime, tz_name: str) -> datetime:
    return local.replace(tzinfo=zoneinfo.ZoneInfo(tz_name))


def first_occurrence(*, rule: str, starts_on: date, start_time: time, ends_on: date | None):
    """The first occurrence within two years, or a RecurrenceError if there is none."""
    found = local_datetimes(
        rule=rule,
        starts_on=starts_on,
        start_time=start_time,
        window_start=starts_on,
        window_end=starts_on + timedelta(days=731),
        ends_on=ends_on,
    )
    if not found:
        raise RecurrenceError(
            _(
                "These settings give no meeting at all. Check the start date, the end date and "
                "the weekdays."
            )
        )
    return found[0]


def describe(rule: str) -> str:
    """A plain-language summary of a rule built by ``build_rule``."""
    parts = dict(part.split("=", 1) for part in rule.split(";"))
    interval = int(parts.get("INTERVAL", "1"))
    names = dict(zip(WEEKDAY_CODES, _day_names(), strict=True))
    if parts.get("FREQ") == "WEEKLY":
        days = _join([names[d] for d in parts.get("BYDAY", "").split(",") if d])
        if interval == 1:
            return _("Every week on %(days)s") % {"days": days}
        return _("Every %(count)s weeks on %(days)s") % {"count": interval, "days": days}
    if parts.get("FREQ") == "MONTHLY" and "BYDAY" in parts:
        items = parts["BYDAY"].split(",")
        ordinals = [
            _(ORDINALS[int(item[:-2])]) if int(item[:-2]) in ORDINALS else item[:-2]
            for item in items
        ]
        return _("Monthly on the %(ordinals)s %(weekday)s") % {
            "ordinals": _join(ordinals),
            "weekday": names[items[0][-2:]],
        }
    if parts.get("FREQ") == "MONTHLY" and "BYMONTHDAY" in parts:
        return _("Monthly on day %(day)s") % {"day": parts["BYMONTHDAY"]}
    return rule


def _day_names() -> list[str]:
    return [
        pgettext("a weekday in a sentence", "Monday"),
        pgettext("a weekday in a sentence", "Tuesday"),
        pgettext("a weekday in a sentence", "Wednesday"),
        pgettext("a weekday in a sentence", "Thursday"),
        pgettext("a weekday in a sentence", "Friday"),
        pgettext("a weekday in a sentence", "Saturday"),
        pgettext("a weekday in a sentence", "Sunday"),
    ]


def _join(items: list[str]) -> str:
    """“A”, “A and B”, “A, B and C”."""
    if len(items) <= 1:
        return "".join(items)
    return _("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


# --- what a rule means for the group's shown schedule ---------------------------------------------

WEEKS_PER_MONTH = 4.35


def parts_of(rule: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in rule.split(";") if "=" in part)


def weekdays_of(rule: str) -> set[int]:
    """The weekdays a rule meets on (Monday = 0); none for a day of the month, which moves."""
    codes = [item[-2:] for item in parts_of(rule).get("BYDAY", "").split(",") if item]
    return {WEEKDAY_CODES.index(code) for code in codes if code in WEEKDAY_CODES}


def meetings_per_week(rule: str) -> float:
    """How many meetings a rule gives in an average week."""
    parts = parts_of(rule)
    interval = max(int(parts.get("INTERVAL", "1") or 1), 1)
    days = [item for item in parts.get("BYDAY", "").split(",") if item]
    if parts.get("FREQ") == "WEEKLY":
        return max(len(days), 1) / interval
    if parts.get("FREQ") == "MONTHLY":
        per_month = len(days) if days else len(parts.get("BYMONTHDAY", "1").split(","))
        return per_month / interval / WEEKS_PER_MONTH
    if parts.get("FREQ") == "DAILY":
        return 7 / interval
    return 0.0


def cadence_of(rules: list[str]) -> str:
    """The group cadence (``groups.enums.Cadence``) that a set of running rules amounts to."""
    per_week = sum(meetings_per_week(rule) for rule in rules)
    monthly = any(parts_of(rule).get("FREQ") == "MONTHLY" for rule in rules)
    if per_week > 1.25:
        return Cadence.SEVERAL_WEEKLY
    if per_week >= 0.75:
        return Cadence.WEEKLY
    if per_week >= 0.35:
        return Cadence.TWICE_MONTHLY if monthly else Cadence.BIWEEKLY
    if per_week > 0:
        return Cadence.MONTHLY
    return Cadence.AS_NEEDED
