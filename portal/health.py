"""A group's health, for its organizers: how attendance goes meeting by meeting, how RSVPs match
who came, how turns at presenting and facilitating are spread, who joins and leaves, and who
seems to be drifting away. Reads only; each figure from a fixed number of queries, however many
meetings or members there are (the page's query-count test holds it).

The charts are drawn by the server as SVG (templates/portal/includes/_bars.html) from the rows
built here: a row per meeting, member or quarter, each with its bars already scaled.
"""

import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from groups.enums import DepartureReason
from groups.models import Group
from groups.selectors import members_of
from groups.services.membership import ENDED_VERBS
from meetings.enums import AttendanceStatus, MeetingStatus, RsvpAnswer
from meetings.models import Attendance, Meeting, Rsvp
from members import dates
from members.models import AuditEntry
from presentations.enums import PresentationStatus
from presentations.models import Presentation

# Meetings shown in the attendance charts: the last this many held.
RECENT_MEETINGS = 12
# Quarters shown in the joins-and-leaves chart.
QUARTERS = 6
# "Drifting away": not present at any of the last this many meetings where attendance was taken.
DRIFT_DEFAULT, DRIFT_MIN, DRIFT_MAX = 3, 2, 6
# The audit verbs of a membership that begins (groups.services: creating a group, joining an
# open group, an approved application, an accepted invitation or seat offer).
JOIN_VERBS = (
    "group.created",
    "member.joined",
    "application.admitted",
    "invitation.accepted",
    "waitlist.accepted",
)
LEAVE_VERBS = tuple(ENDED_VERBS[reason] for reason in DepartureReason)


# The drawing box of every chart, in SVG units: a phone shows it at about its own scale (labels
# stay near 13 px); wider screens cap it (peercircle.css .health-chart).
CHART_WIDTH = 340
LABEL_WIDTH = 112
VALUE_WIDTH = 52
BAR_HEIGHT = 12
BAR_GAP = 3
ROW_PADDING = 6


@dataclass
class Bar:
    value: int
    share: int  # per cent of the chart's largest value (the bar's length)
    text: str  # the figure written after the bar
    y: int = 0
    length: int = 0

    @property
    def text_x(self) -> int:
        return LABEL_WIDTH + self.length + 4

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT - 2


@dataclass
class Row:
    label: str
    bars: list[Bar]
    note: str = ""
    y: int = 0
    height: int = 0

    @property
    def label_y(self) -> int:
        return self.y + self.height // 2 + 5


@dataclass
class Chart:
    rows: list[Row]
    height: int
    width: int = CHART_WIDTH
    axis_x: int = LABEL_WIDTH


def chart(rows: list[Row]) -> Chart:
    """Place the rows one under the other, each bar under the one before, scaled to the room
    between the labels and the figures."""
    room = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    y = 0
    for row in rows:
        row.y = y
        row.height = 2 * ROW_PADDING + len(row.bars) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP
        for i, bar in enumerate(row.bars):
            bar.y = y + ROW_PADDING + i * (BAR_HEIGHT + BAR_GAP)
            bar.length = max(round(room * bar.share / 100), 2) if bar.value else 0
        y += row.height
    return Chart(rows=rows, height=y)


@dataclass
class Health:
    attendance: list[Row] = field(default_factory=list)  # present / marked, per meeting
    rsvp: list[Row] = field(default_factory=list)  # going, then present, per meeting
    no_show_rate: int | None = None  # % of "going" answers marked absent, over those meetings
    turns: list[Row] = field(default_factory=list)  # presenting, then facilitating, per member
    quarters: list[Row] = field(default_factory=list)  # joins, then leaves, per quarter
    charts: dict[str, Chart] = field(default_factory=dict)
    drifting: list = field(default_factory=list)  # memberships
    drift_meetings: int = DRIFT_DEFAULT
    drift_window: int = 0  # meetings with attendance taken that the drift counts (<= the above)


def _bars(values: list[int], largest: int, texts: list[str] | None = None) -> list[Bar]:
    texts = texts or [str(value) for value in values]
    return [
        Bar(value, round(100 * value / largest) if largest else 0, text)
        for value, text in zip(values, texts, strict=True)
    ]


def _held(group: Group, now: datetime):
    return group.meetings.filter(starts_at__lt=now).exclude(status=MeetingStatus.CANCELLED)


def _meeting_rows(group: Group, now: datetime) -> list[Meeting]:
    """The last held meetings, oldest first, with their counts (one query)."""
    went_missing = Attendance.objects.filter(
        meeting=OuterRef("meeting"), user=OuterRef("user"), status=AttendanceStatus.ABSENT
    )
    no_show = Rsvp.objects.filter(meeting=OuterRef("pk"), answer=RsvpAnswer.GOING).filter(
        Exists(went_missing)
    )
    meetings = (
        _held(group, now)
        .annotate(
            marked=Count("attendance", distinct=True),
            present=Count(
                "attendance",
                filter=Q(attendance__status=AttendanceStatus.PRESENT),
                distinct=True,
            ),
            going=Count("rsvps", filter=Q(rsvps__answer=RsvpAnswer.GOING), distinct=True),
        )
        .annotate(no_shows=Count("rsvps", filter=Q(rsvps__in=no_show), distinct=True))
        .only("pk", "title", "starts_at", "group_id")
        .order_by("-starts_at", "-pk")[:RECENT_MEETINGS]
    )
    return list(reversed(meetings))


def _quarter(moment: datetime, tz) -> date:
    local = moment.astimezone(tz)
    return date(local.year, 3 * ((local.month - 1) // 3) + 1, 1)


def _quarter_label(start: date) -> str:
    return _("%(year)s Q%(quarter)s") % {"year": start.year, "quarter": (start.month - 1) // 3 + 1}


def _last_quarters(today: date) -> list[date]:
    current = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    quarters = []
    year, month = current.year, current.month
    for _n in range(QUARTERS):
        quarters.append(date(year, month, 1))
        month -= 3
        if month < 1:
            month += 12
            year -= 1
    return list(reversed(quarters))


def _present_note(meeting: Meeting) -> str:
    """The note "3 of 8 present" beside a meeting's attendance rate; nothing where none was taken."""
    if not meeting.marked:
        return ""
    return ngettext(
        "%(present)d of %(marked)d present", "%(present)d of %(marked)d present", meeting.present
    ) % {"present": meeting.present, "marked": meeting.marked}


def _no_show_note(meeting: Meeting) -> str:
    if not meeting.no_shows:
        return ""
    return ngettext(
        "%(count)d said going and did not come",
        "%(count)d said going and did not come",
        meeting.no_shows,
    ) % {"count": meeting.no_shows}


def group_health(group: Group, *, drift_meetings: int = DRIFT_DEFAULT, now=None) -> Health:
    now = now or timezone.now()
    tz = zoneinfo.ZoneInfo(group.time_zone)
    health = Health(drift_meetings=drift_meetings)
    meetings = _meeting_rows(group, now)

    for meeting in meetings:
        label = dates.date_short(meeting.starts_at, zone=tz)
        rate = round(100 * meeting.present / meeting.marked) if meeting.marked else None
        health.attendance.append(
            Row(
                label,
                _bars([rate or 0], 100, [f"{rate}%" if rate is not None else _("not taken")]),
                note=_present_note(meeting),
            )
        )
    largest = max([m.going for m in meetings] + [m.present for m in meetings] + [0])
    for meeting in meetings:
        health.rsvp.append(
            Row(
                dates.date_short(meeting.starts_at, zone=tz),
                _bars([meeting.going, meeting.present], largest),
                note=_no_show_note(meeting),
            )
        )
    going_then = sum(m.going for m in meetings if m.marked)
    if going_then:
        health.no_show_rate = round(100 * sum(m.no_shows for m in meetings) / going_then)

    memberships = list(members_of(group))
    since = meetings[0].starts_at if meetings else now
    presented = dict(
        Presentation.objects.filter(
            meeting__group=group,
            meeting__starts_at__gte=since,
            meeting__starts_at__lt=now,
            status=PresentationStatus.CONFIRMED,
        )
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .values_list("presenter_id")
        .annotate(n=Count("id"))
    )
    facilitated = dict(
        _held(group, now)
        .filter(starts_at__gte=since, facilitator__isnull=False)
        .values_list("facilitator_id")
        .annotate(n=Count("id"))
    )
    largest = max([*presented.values(), *facilitated.values(), 0])
    for membership in memberships:
        uid = membership.user_id
        health.turns.append(
            Row(
                str(membership.user),
                _bars([presented.get(uid, 0), facilitated.get(uid, 0)], largest),
            )
        )

    quarters = _last_quarters(timezone.localdate(now, timezone=tz))
    entries = AuditEntry.objects.filter(
        group=group, created_at__gte=datetime.combine(quarters[0], datetime.min.time(), tzinfo=tz)
    ).filter(
        Q(verb="group.created")  # the founder's membership (the entry is about the group)
        | Q(verb__in=JOIN_VERBS, object_type="groups.membership")
        | Q(verb__in=LEAVE_VERBS)
    )
    joins = dict.fromkeys(quarters, 0)
    leaves = dict.fromkeys(quarters, 0)
    for verb, created_at in entries.values_list("verb", "created_at"):
        quarter = _quarter(created_at, tz)
        if quarter in joins:
            (leaves if verb in LEAVE_VERBS else joins)[quarter] += 1
    largest = max([*joins.values(), *leaves.values(), 0])
    health.quarters = [
        Row(_quarter_label(q), _bars([joins[q], leaves[q]], largest)) for q in quarters
    ]

    health.charts = {
        name: chart(getattr(health, name)) for name in ("attendance", "rsvp", "turns", "quarters")
    }
    health.drifting, health.drift_window = drifting_members(
        group, memberships, drift_meetings=drift_meetings, now=now
    )
    return health


def drifting_members(group: Group, memberships, *, drift_meetings: int, now) -> tuple[list, int]:
    """Members who joined before the last ``drift_meetings`` meetings where attendance was
    taken and were present at none of them. Nobody drifts before the group has that many such
    meetings. One query: every mark at those meetings (a meeting with marks is one where
    attendance was taken), with the meeting's start."""
    taken = (
        _held(group, now)
        .filter(Exists(Attendance.objects.filter(meeting=OuterRef("pk"))))
        .order_by("-starts_at", "-pk")
        .values("pk")[:drift_meetings]
    )
    marks = list(
        Attendance.objects.filter(meeting_id__in=taken).values_list(
            "meeting_id", "meeting__starts_at", "user_id", "status"
        )
    )
    starts = {meeting_id: starts_at for meeting_id, starts_at, _user, _status in marks}
    if len(starts) < drift_meetings:
        return [], len(starts)
    earliest = min(starts.values())
    came = {
        user_id for _meeting, _start, user_id, status in marks if status == AttendanceStatus.PRESENT
    }
    return [m for m in memberships if m.joined_at <= earliest and m.user_id not in came], len(
        starts
    )


def member_of(group: Group, membership_id: int):
    """A member of ``group`` for the "we miss you" page; 404 for anyone else."""
    membership = group.memberships.select_related("user__profile").filter(pk=membership_id).first()
    if membership is None:
        raise Http404("No such member.")
    return membership


def next_meeting_at(group: Group, now=None):
    """When the group's next scheduled meeting starts, if one is planned."""
    return (
        group.meetings.filter(starts_at__gt=now or timezone.now(), status=MeetingStatus.SCHEDULED)
        .order_by("starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
