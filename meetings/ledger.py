"""Reads for the consultation-hours ledger: a member's present attendance, summed by group,
month and year in the viewer's time zone, and the member's attendance certificates.

Everything comes from one query of the attendance register (read from the meeting side,
``present_meetings``); the sums are made in Python so that months and years follow the viewer's
time zone on every database.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import dateformat, timezone

from groups.filters import EqualsAny
from groups.models import Group
from meetings.enums import AttendanceStatus, MeetingStatus
from meetings.models import Attendance, Certificate, Meeting, OutsideHours
from members import dates

CHART_MONTHS = 12
# The chart's drawing box, in SVG user units; the template scales it to the page width.
CHART_WIDTH = 720
CHART_HEIGHT = 240
CHART_TOP = 24  # room for the value over the tallest bar
CHART_BOTTOM = 28  # room for the month labels
CHART_GAP = 12
# The phone's drawing of the same months: a row per month, bars growing sideways, so the labels
# keep their size in a 340-unit box that a 390 px screen shows at about its own scale.
ROW_CHART_WIDTH = 340
ROW_HEIGHT = 26
ROW_LABEL_WIDTH = 72  # "Jan 2026" at 14 units
ROW_VALUE_WIDTH = 44  # room for the figure after the longest bar

CODE_MAX = 32
CODE_RE = re.compile(r"^[A-Z0-9]{6,16}$")


def minutes_between(starts_at: datetime, ends_at: datetime) -> int:
    """A meeting's length in whole minutes, as ``Meeting.duration_minutes`` counts it."""
    return int((ends_at - starts_at).total_seconds() // 60)


def hours(minutes: int) -> float:
    return round(minutes / 60, 2)


@dataclass
class Tally:
    """Meetings attended and minutes of contact in one bucket (a group, a month, a year)."""

    key: object
    label: str
    meetings: int = 0
    minutes: int = 0
    reported_minutes: int = 0  # hours the member logged themselves (self-reported)

    @property
    def hours(self) -> float:
        return hours(self.minutes)

    @property
    def reported_hours(self) -> float:
        return hours(self.reported_minutes)

    def add(self, minutes: int) -> None:
        self.meetings += 1
        self.minutes += minutes


@dataclass(frozen=True)
class Bar:
    """One month of the chart, with its geometry already worked out for the SVG."""

    month: date
    label: str
    meetings: int
    minutes: int
    x: int
    y: int
    width: int
    height: int
    row: int = 0  # its place in the phone's drawing, top to bottom
    length: int = 0  # its bar's length there
    reported_minutes: int = 0  # self-reported, drawn on top of the recorded part
    reported_height: int = 0
    reported_length: int = 0

    @property
    def reported_hours(self) -> float:
        return hours(self.reported_minutes)

    @property
    def reported_y(self) -> int:
        return self.y - self.reported_height

    @property
    def reported_x(self) -> int:
        """Where the self-reported part starts in the phone's drawing (after the recorded)."""
        return ROW_LABEL_WIDTH + self.length

    @property
    def total_hours(self) -> float:
        return hours(self.minutes + self.reported_minutes)

    @property
    def hours(self) -> float:
        return hours(self.minutes)

    @property
    def row_y(self) -> int:
        return self.row * ROW_HEIGHT

    @property
    def row_bar_y(self) -> int:
        return self.row_y + 5

    @property
    def row_text_y(self) -> int:
        """The baseline of the row's label and figure."""
        return self.row_y + 18

    @property
    def row_value_x(self) -> int:
        return ROW_LABEL_WIDTH + self.length + self.reported_length + 6

    @property
    def center(self) -> int:
        return self.x + self.width // 2

    @property
    def value_y(self) -> int:
        """Where the figure over the bar (recorded and self-reported) sits."""
        return self.y - self.reported_height - 6


@dataclass
class Ledger:
    meetings: int = 0
    minutes: int = 0
    by_group: list[Tally] = field(default_factory=list)
    by_month: list[Tally] = field(default_factory=list)
    by_year: list[Tally] = field(default_factory=list)
    chart: list[Bar] = field(default_factory=list)

    @property
    def hours(self) -> float:
        return hours(self.minutes)

    reported_minutes: int = 0

    @property
    def reported_hours(self) -> float:
        return hours(self.reported_minutes)

    @property
    def chart_minutes(self) -> int:
        return sum(bar.minutes for bar in self.chart)

    @property
    def chart_reported_hours(self) -> float:
        return hours(sum(bar.reported_minutes for bar in self.chart))

    @property
    def chart_hours(self) -> float:
        return hours(self.chart_minutes)


# --- attendance ---------------------------------------------------------------------------


def present_attendance(user) -> QuerySet[Attendance]:
    """The user's present marks at meetings that took place (a cancelled meeting counts for
    nothing, even if someone marked it), oldest first."""
    if not user.is_authenticated:
        return Attendance.objects.none()
    return (
        Attendance.objects.filter(user=user, status=AttendanceStatus.PRESENT)
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .order_by("meeting__starts_at", "meeting_id")
    )


def present_meetings(user) -> QuerySet[Meeting]:
    """The meetings of ``present_attendance``, read from the meeting side, oldest first.

    On PostgreSQL the marks' meeting ids are gathered first (``id = ANY(ARRAY(...))``) and each
    meeting is then fetched by its key: a plan that does not hang on the planner's estimate of
    how many marks a member has. Joined instead, a stale estimate turns the join into a walk
    along the key of every meeting there is (tens of milliseconds on the benchmark's data).
    """
    if not user.is_authenticated:
        return Meeting.objects.none()
    marks = (
        Attendance.objects.filter(user=user, status=AttendanceStatus.PRESENT)
        .order_by()
        .values("meeting_id")
    )
    if connection.vendor == "postgresql":
        among = Q(EqualsAny(F("pk"), ArraySubquery(marks)))
    else:
        among = Q(pk__in=marks)
    return (
        Meeting.objects.filter(among)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("starts_at", "pk")
    )


def groups_with_attendance(user) -> QuerySet[Group]:
    """The groups where the user was present at least once: the ones a certificate can be for.

    Leaving a group does not take away the hours spent in it, so this does not ask for a
    current membership.
    """
    group_ids = present_meetings(user).order_by().values("group_id")
    return Group.objects.filter(pk__in=group_ids).only("pk", "name", "time_zone").order_by("name")


def groups_in(ledger: Ledger) -> QuerySet[Group]:
    """The groups of ``ledger``'s by-group tallies: ``groups_with_attendance`` for the same
    user, from the attendance already read instead of a second pass over it."""
    group_ids = [tally.key for tally in ledger.by_group]
    return Group.objects.filter(pk__in=group_ids).only("pk", "name", "time_zone").order_by("name")


def ledger_for_user(user, *, tz: tzinfo | None = None, today: date | None = None) -> Ledger:
    """The user's contact hours by group, by month and by year in ``tz`` (default: the active
    time zone), and a bar for each of the last twelve months up to ``today``."""
    tz = tz or timezone.get_current_timezone()
    today = today or timezone.localdate(timezone=tz)
    rows = present_meetings(user).values_list("group_id", "group__name", "starts_at", "ends_at")
    ledger = Ledger()
    groups: dict[int, Tally] = {}
    months: dict[date, Tally] = {}
    years: dict[int, Tally] = {}
    # A bucket's label is made once, when the bucket is (not for every row that falls in it).
    for group_id, group_name, starts_at, ends_at in rows:
        minutes = minutes_between(starts_at, ends_at)
        local = starts_at.astimezone(tz)
        month = date(local.year, local.month, 1)
        ledger.meetings += 1
        ledger.minutes += minutes
        if group_id not in groups:
            groups[group_id] = Tally(group_id, group_name)
        groups[group_id].add(minutes)
        _bucket(months, month, dates.month).add(minutes)
        _bucket(years, local.year, str).add(minutes)
    for day, amount in OutsideHours.objects.filter(user=user).values_list("day", "hours"):
        minutes = int(amount * 60)
        ledger.reported_minutes += minutes
        _bucket(months, date(day.year, day.month, 1), dates.month).reported_minutes += minutes
        _bucket(years, day.year, str).reported_minutes += minutes
    ledger.by_group = sorted(groups.values(), key=lambda t: (-t.minutes, t.label.casefold()))
    ledger.by_month = [months[key] for key in sorted(months, reverse=True)]
    ledger.by_year = [years[key] for key in sorted(years, reverse=True)]
    ledger.chart = chart_bars(months, today=today)
    return ledger


def _bucket(buckets: dict, key, label) -> Tally:
    """The tally for ``key``, made (labelled ``label(key)``) the first time it is asked for."""
    tally = buckets.get(key)
    if tally is None:
        tally = buckets[key] = Tally(key, label(key))
    return tally


def last_months(today: date, count: int = CHART_MONTHS) -> list[date]:
    """The first days of the ``count`` months up to and including today's, oldest first."""
    index = today.year * 12 + today.month - 1
    return [date(i // 12, i % 12 + 1, 1) for i in range(index - count + 1, index + 1)]


def chart_bars(months: dict[date, Tally], *, today: date) -> list[Bar]:
    """A bar per month for the last twelve months, scaled so the tallest fills the chart."""
    window = last_months(today)
    tallest = max(
        (months[m].minutes + months[m].reported_minutes for m in window if m in months),
        default=0,
    )
    plot_height = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    row_room = ROW_CHART_WIDTH - ROW_LABEL_WIDTH - ROW_VALUE_WIDTH
    slot = CHART_WIDTH // len(window)
    bars = []
    for i, month in enumerate(window):
        tally = months.get(month)
        minutes = tally.minutes if tally else 0
        reported = tally.reported_minutes if tally else 0
        height = _scaled(minutes, tallest, plot_height)
        length = _scaled(minutes, tallest, row_room)
        bars.append(
            Bar(
                month=month,
                # "Jan", "Feb" ... and "Jan 2026": the month's short name in the reader's language
                label=dateformat.format(month, "M" if month.month != 1 else "M Y"),
                meetings=tally.meetings if tally else 0,
                minutes=minutes,
                x=i * slot + CHART_GAP // 2,
                y=CHART_TOP + plot_height - height,
                width=slot - CHART_GAP,
                height=height,
                row=i,
                length=length,
                reported_minutes=reported,
                reported_height=_scaled(minutes + reported, tallest, plot_height) - height
                if reported
                else 0,
                reported_length=_scaled(minutes + reported, tallest, row_room) - length
                if reported
                else 0,
            )
        )
    return bars


def _scaled(minutes: int, tallest: int, room: int) -> int:
    """A bar's size in ``room`` units, the tallest filling it; a month with any hours stays
    visible (at least 2 units)."""
    size = round(room * minutes / tallest) if tallest else 0
    return max(size, 2) if minutes else 0


def chart_geometry() -> dict[str, int]:
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "baseline": CHART_HEIGHT - CHART_BOTTOM,
        "label_y": CHART_HEIGHT - CHART_BOTTOM + 18,
        "row_width": ROW_CHART_WIDTH,
        "row_height": CHART_MONTHS * ROW_HEIGHT,
        "row_axis_x": ROW_LABEL_WIDTH,
    }


# --- certificates -------------------------------------------------------------------------


def certificates_for_user(user) -> QuerySet[Certificate]:
    if not user.is_authenticated:
        return Certificate.objects.none()
    return Certificate.objects.filter(user=user).order_by("-issued_at", "-id")


def get_certificate_for_owner(user, code: str) -> Certificate:
    """The user's own certificate with this code; 404 for anyone else's or an unknown code."""
    certificate = certificates_for_user(user).filter(code=normalize_code(code)).first()
    if certificate is None:
        raise Http404("No such certificate.")
    return certificate


def find_certificate(code: str) -> Certificate | None:
    """Any certificate by its code, for the public verification page (which shows only the
    certificate's own snapshot, never the user or group rows; only the group's time zone, as
    ``group_time_zone``, to show the issue date in)."""
    code = normalize_code(code)
    if not CODE_RE.match(code):
        return None
    return (
        Certificate.objects.filter(code=code)
        .annotate(group_time_zone=F("group__time_zone"))
        .first()
    )


def normalize_code(code: str) -> str:
    """Codes are printed in capitals; accept them typed in any case, with spaces or dashes
    (anything but ASCII letters and digits is dropped)."""
    return re.sub(r"[^0-9A-Za-z]", "", code or "")[:CODE_MAX].upper()
