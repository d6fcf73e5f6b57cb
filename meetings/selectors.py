"""Reads about meetings, scoped to the user: members see their groups' meetings, nobody else."""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

from django.db import connection
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextField,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Now
from django.http import Http404
from django.utils import timezone

from groups.enums import GroupStatus
from groups.models import Group, Membership
from groups.selectors import (
    attach_loaded,
    for_viewer,
    members_of,
    with_latest_rules,
)
from meetings import recurrence
from meetings.enums import AttendanceStatus, MeetingKind, MeetingStatus, RsvpAnswer
from meetings.models import (
    AgendaSegment,
    Attendance,
    CalendarFeedToken,
    Meeting,
    MeetingSeries,
    Rsvp,
)

FEED_PAST = timedelta(days=31)


def meetings_for_user(user) -> QuerySet[Meeting]:
    if not user.is_authenticated:
        return Meeting.objects.none()
    return Meeting.objects.filter(group__in=Membership.objects.filter(user=user).values("group_id"))


def meeting_for(user, pk: int) -> Meeting:
    """A meeting of a group ``user`` belongs to; 404 to anyone else (site admins included:
    meetings are the members' own). The loader of ``groups.access.permission_required``; the
    membership (with the latest ground rules, for the gate) is recorded on the meeting and on
    its group (``for_viewer``).

    The meeting is fetched by key and the membership checked in a second, tiny query: folding
    the membership test (and the facilitator's and timekeeper's profiles) into one seven-table
    join made PostgreSQL spend longer planning that query than these two take to run. Pages
    that show the roles take the people from the members they list
    (``groups.selectors.attach_loaded``).
    """
    if not user.is_authenticated:
        raise Http404("No such meeting.")
    meeting = Meeting.objects.select_related("group", "series").filter(pk=pk).first()
    membership = (
        None
        if meeting is None
        else with_latest_rules(
            Membership.objects.filter(group_id=meeting.group_id, user=user)
        ).first()
    )
    if membership is None:
        raise Http404("No such meeting.")
    membership.group = meeting.group
    for_viewer(meeting.group, user, membership)
    return for_viewer(meeting, user, membership)


def segments_of(meeting: Meeting) -> list[AgendaSegment]:
    return list(meeting.segments.all())


@dataclass
class RsvpSummary:
    answers: list[Rsvp]  # everyone's, by answer then e-mail address
    counts: dict[str, int]
    mine: Rsvp | None


def rsvp_summary(user, meeting: Meeting, people: dict) -> RsvpSummary:
    """Every answer to a meeting, the counts and the viewer's own, in one query; the people
    come from the members already on the page (``groups.selectors.people_of``)."""
    answers = list(meeting.rsvps.all())
    attach_loaded(answers, people, "user")
    answers.sort(key=lambda rsvp: (rsvp.answer, rsvp.user.email))
    counts = Counter(rsvp.answer for rsvp in answers)
    return RsvpSummary(
        answers=answers,
        counts={answer: counts.get(answer, 0) for answer in RsvpAnswer.values},
        mine=next((rsvp for rsvp in answers if rsvp.user_id == user.pk), None),
    )


def attach_groups(meetings: list[Meeting], groups: dict[int, Group]) -> list[Meeting]:
    for meeting in meetings:
        meeting.group = groups[meeting.group_id]
    return meetings


def rsvps_awaiting(user, groups: dict[int, Group]) -> list[Meeting]:
    """Scheduled meetings of the viewer's groups in the next four weeks that they have not
    answered."""
    now = timezone.now()
    meetings = list(
        Meeting.objects.filter(
            group_id__in=list(groups),
            status=MeetingStatus.SCHEDULED,
            starts_at__gt=now,
            starts_at__lte=now + timedelta(weeks=4),
        )
        .exclude(rsvps__user=user)
        .order_by("starts_at")[:10]
    )
    return attach_groups(meetings, groups)


# What the group page's meeting lists and month grid show of each meeting.
LIST_FIELDS = ("id", "group_id", "title", "starts_at", "ends_at", "status")


def group_upcoming(group: Group, *, limit: int = 8) -> list[Meeting]:
    return list(
        group.meetings.only(*LIST_FIELDS)
        .filter(ends_at__gt=timezone.now())
        .annotate(going=Count("rsvps", filter=Q(rsvps__answer=RsvpAnswer.GOING)))
        .order_by("starts_at")[:limit]
    )


def group_past(group: Group, *, limit: int = 8) -> list[Meeting]:
    return list(
        group.meetings.only(*LIST_FIELDS)
        .filter(ends_at__lte=timezone.now(), status=MeetingStatus.SCHEDULED)
        .annotate(
            present=Count("attendance", filter=Q(attendance__status=AttendanceStatus.PRESENT))
        )
        .order_by("-starts_at")[:limit]
    )


def group_month(group: Group, first: datetime, last: datetime) -> list[Meeting]:
    return list(
        group.meetings.only(*LIST_FIELDS)
        .filter(starts_at__gte=first, starts_at__lt=last)
        .order_by("starts_at")
    )


def my_attendance(user) -> QuerySet[Attendance]:
    return (
        Attendance.objects.filter(user=user)
        .select_related("meeting__group")
        .order_by("-meeting__starts_at")
    )


def members_at(meeting: Meeting) -> QuerySet[Membership]:
    """The members whose attendance a meeting takes: those who had joined by its start.
    Someone who joined later was not expected there, so is neither listed nor marked absent."""
    return members_of(meeting.group).filter(joined_at__lte=meeting.starts_at)


# The mark a member's attendance starts from when none is recorded yet: what they answered.
ATTENDANCE_FROM_RSVP = {
    RsvpAnswer.GOING: AttendanceStatus.PRESENT,
    RsvpAnswer.MAYBE: AttendanceStatus.PRESENT,
    RsvpAnswer.CANT: AttendanceStatus.EXCUSED,
}


@dataclass
class AttendanceSheet:
    members: list[Membership]  # those whose attendance the meeting takes (``members_at``)
    marks: dict[int, str]  # user id -> the mark the form starts from
    recorded: bool  # attendance was taken before


def attendance_sheet(meeting: Meeting) -> AttendanceSheet:
    """The attendance form of a meeting: each member's recorded mark; where none is recorded
    yet, what their RSVP suggests (going or maybe: present; can't go: excused), else absent."""
    members = list(members_at(meeting))
    recorded = dict(meeting.attendance.values_list("user_id", "status"))
    answers = dict(meeting.rsvps.values_list("user_id", "answer"))
    marks = {
        m.user_id: recorded.get(m.user_id)
        or ATTENDANCE_FROM_RSVP.get(answers.get(m.user_id), AttendanceStatus.ABSENT)
        for m in members
    }
    return AttendanceSheet(members=members, marks=marks, recorded=bool(recorded))


def attendance_rates(group: Group) -> list[dict]:
    """Each member's record over the group's meetings with attendance taken since they joined
    (a mark at a meeting before their joining, however it got there, does not count)."""
    member_then = Membership.objects.filter(
        group=group, user=OuterRef("user_id"), joined_at__lte=OuterRef("meeting__starts_at")
    )
    rows = (
        Attendance.objects.filter(meeting__group=group)
        .filter(Exists(member_then))
        .values("user_id")
        .annotate(
            present=Count("id", filter=Q(status=AttendanceStatus.PRESENT)),
            excused=Count("id", filter=Q(status=AttendanceStatus.EXCUSED)),
            total=Count("id"),
        )
    )
    by_user = {row["user_id"]: row for row in rows}
    result = []
    for membership in group.memberships.select_related("user__profile").order_by("joined_at"):
        row = by_user.get(membership.user_id, {"present": 0, "excused": 0, "total": 0})
        rate = round(100 * row["present"] / row["total"]) if row["total"] else None
        result.append({"membership": membership, **row, "rate": rate})
    return result


# Every value of a meeting, its group and its agenda that a feed's calendar shows
# (meetings/calendar.py), and nothing else: ``feed_meetings`` loads only these, and the feed's
# ETag is a digest of them (``feed_digest``). A value the calendar reads that is not listed here
# costs a query per meeting (the feed's query-count tests fail) and would not change the ETag:
# add it here. The group's status is not shown; it is in the digest to be on the safe side.
FEED_MEETING_FIELDS = (
    "id",
    "title",
    "starts_at",
    "ends_at",
    "status",
    "status_message",
    "venue_kind",
    "venue_name",
    "street_address",
    "online_link",
    "sequence",
    "created_at",
    "updated_at",
)
FEED_GROUP_FIELDS = (
    "name",
    "time_zone",
    "venue_kind",
    "venue_name",
    "street_address",
    "city",
    "address_public",
    "online_link",
    "status",
)
FEED_SEGMENT_FIELDS = ("id", "position", "kind", "title", "minutes")


def _feed_since():
    return timezone.now() - FEED_PAST


def feed_meetings(user, *, group: Group | None = None) -> QuerySet[Meeting]:
    """The meetings of a personal (or one group's) feed: from a month ago onwards, with only
    what the calendar shows (``FEED_MEETING_FIELDS``)."""
    queryset = meetings_for_user(user).filter(starts_at__gte=_feed_since())
    if group is not None:
        queryset = queryset.filter(group=group)
    segments = AgendaSegment.objects.only("meeting_id", *FEED_SEGMENT_FIELDS)
    return (
        queryset.select_related("group")
        .only("group", *FEED_MEETING_FIELDS, *(f"group__{name}" for name in FEED_GROUP_FIELDS))
        .prefetch_related(Prefetch("segments", queryset=segments))
        .order_by("starts_at", "id")
    )


def _columns(model, alias: str, names: tuple[str, ...]) -> list[str]:
    return [f'{alias}."{model._meta.get_field(name).column}"' for name in names]


@cache
def _feed_digest_sql(meetings_of: str, vendor: str) -> str:
    columns = [
        *_columns(Meeting, "feed_m", FEED_MEETING_FIELDS),
        *_columns(Group, "feed_g", FEED_GROUP_FIELDS),
        *_columns(AgendaSegment, "feed_s", FEED_SEGMENT_FIELDS),
    ]
    # Made of the models' own table and column names, never of anything a request sends (S608).
    rows = (
        f'FROM "{Meeting._meta.db_table}" feed_m '
        f'JOIN "{Group._meta.db_table}" feed_g ON feed_g."id" = feed_m."group_id" '
        f'LEFT JOIN "{AgendaSegment._meta.db_table}" feed_s ON feed_s."meeting_id" = feed_m."id" '
        f'WHERE feed_m."starts_at" >= %s AND {meetings_of}'
    )
    if vendor == "postgresql":
        return (
            "SELECT COUNT(*) || ':' || COALESCE(SUM("
            f"HASH_RECORD_EXTENDED(ROW({', '.join(columns)}), 0)::numeric), 0) {rows}"
        )
    # SQLite (local development): an MD5 (Django's own SQLite function) of the rows' text, in
    # the feed's order. Should SQLite ever concatenate them in another order, the ETag changes
    # for nothing (a 200), never the other way round.
    text = " || ',' || ".join(f"QUOTE({column})" for column in columns)
    order = 'feed_m."starts_at", feed_m."id", feed_s."position", feed_s."id"'
    return (
        "SELECT COUNT(*) || ':' || COALESCE(MD5(GROUP_CONCAT(feed_row, ';')), '') "  # noqa: S608
        f"FROM (SELECT {text} AS feed_row {rows} ORDER BY {order})"
    )


def feed_digest(meetings_of: str) -> RawSQL:
    """A subquery for an annotation: a digest of every value a feed shows (``FEED_*_FIELDS``) of
    the meetings in the feed's window that ``meetings_of`` (SQL about ``feed_m``, the meeting,
    which may refer to the outer query) selects: how many rows (a meeting with each of its
    agenda segments) and the sum of their 64-bit hashes (PostgreSQL's ``hash_record_extended``;
    on SQLite, in local development, an MD5 of their text).
    Every row carries the values the feed is ordered by, so the set of rows is the feed.

    What a feed's ETag is made of (``meetings.calendar.feed_etag``). The database reads the
    values themselves, not an ``updated_at`` (agenda segments have none, and services bump
    ``sequence`` with ``QuerySet.update()``): any change to what is shown, a meeting added,
    moved, cancelled or gone, a membership that brings or takes a group's meetings, a meeting
    leaving the window, changes it at once, and nothing has to remember to invalidate it.

    Written in SQL (made once, from the models' column names) because the same subquery built
    with the ORM's expressions took about 2.5 ms per request to resolve and compile, more than
    the whole of a trivial page; the point of it is an unchanged feed answered cheaply. Hashing
    the rows takes about half the time of an MD5 of their text in the feed's order.
    """
    sql = _feed_digest_sql(meetings_of, connection.vendor)
    since = connection.ops.adapt_datetimefield_value(_feed_since())
    return RawSQL(sql, (since,), output_field=TextField())  # noqa: S611 - no input in it


# The outer queries' own tables, as Django names them in the queries below.
_OWNERS_MEETINGS = (
    f'feed_m."group_id" IN (SELECT "group_id" FROM "{Membership._meta.db_table}" '  # noqa: S608
    f'WHERE "user_id" = "{CalendarFeedToken._meta.db_table}"."user_id")'
)
_GROUPS_MEETINGS = f'feed_m."group_id" = "{Group._meta.db_table}"."id"'


def get_feed_owner(token: str, *, with_digest: bool = False):
    """The user a feed token belongs to; 404 for an unknown or revoked token.

    ``with_digest``: the same query brings ``user.feed_digest``, the ``feed_digest`` of their
    personal feed (every meeting of their groups), so an unchanged feed costs one query."""
    queryset = CalendarFeedToken.objects.select_related("user__profile")
    if with_digest:
        queryset = queryset.annotate(digest=feed_digest(_OWNERS_MEETINGS))
    feed = queryset.filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise Http404("No such calendar.")
    if with_digest:
        feed.user.feed_digest = feed.digest
    return feed.user


def get_feed_group(user, slug: str) -> Group:
    """A group of a feed's owner, for its own feed; 404 for any group they do not belong to.
    It carries ``feed_digest``: the ``feed_digest`` of its meetings, from the same query."""
    group = (
        Group.objects.filter(slug=slug, memberships__user=user)
        .annotate(feed_digest=feed_digest(_GROUPS_MEETINGS))
        .first()
    )
    if group is None:
        raise Http404("No such calendar.")
    return group


def open_series(group: Group, today: date) -> QuerySet[MeetingSeries]:
    """The group's series with no end, or an end not yet passed on ``today``."""
    return MeetingSeries.objects.filter(group=group).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    )


def running_series(*, group: Group, today: date | None = None) -> list[MeetingSeries]:
    """The series that make the group's schedule from here on.

    Open series (no end, or an end not yet passed), as they stand on the latest of today and
    the newest series' first day: so a series split by a "this and all following" change counts
    once (its first part ends before the second part begins).
    """
    today = today or timezone.localdate()
    series = list(open_series(group, today).order_by("starts_on", "pk"))
    if not series:
        return []
    reference = max(today, series[-1].starts_on)
    return [
        s
        for s in series
        if s.starts_on <= reference and (s.ends_on is None or s.ends_on >= reference)
    ]


def running_schedule(group: Group) -> list[str]:
    """The plain-language rules of the series that make the group's schedule (none: the
    organizer's own words stand)."""
    return [recurrence.describe(series.rule) for series in running_series(group=group)]


def upcoming_count(group: Group) -> int:
    """The group's scheduled meetings still to come: what a change of time zone affects."""
    return group.meetings.filter(
        status=MeetingStatus.SCHEDULED, starts_at__gt=timezone.now()
    ).count()


def browsable_groups() -> QuerySet[Group]:
    """Every active group, as anybody may see it in the browse list, with its next meeting."""
    next_meeting = (
        Meeting.objects.filter(
            group=OuterRef("pk"),
            status=MeetingStatus.SCHEDULED,
            kind=MeetingKind.REGULAR,  # a huddle is not the group's next meeting to newcomers
            starts_at__gt=Now(),
        )
        .order_by("starts_at")
        .values("starts_at")[:1]
    )
    return (
        Group.objects.filter(status=GroupStatus.ACTIVE)
        .defer("description", "ground_rules", "eligibility_criteria")
        .annotate(next_meeting_at=Subquery(next_meeting))
        .prefetch_related("focus_specialties")
    )
