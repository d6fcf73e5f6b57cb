"""Reads about meetings, scoped to the user: members see their groups' meetings, nobody else."""

from datetime import datetime, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from groups.enums import MANAGING_ROLES
from groups.models import Group, Membership
from groups.selectors import require_current_rules
from meetings.enums import AttendanceStatus, MeetingStatus, RsvpAnswer
from meetings.models import AgendaSegment, Attendance, CalendarFeedToken, Meeting, Rsvp

FEED_PAST = timedelta(days=31)


def meetings_for_user(user) -> QuerySet[Meeting]:
    if not user.is_authenticated:
        return Meeting.objects.none()
    return Meeting.objects.filter(group__in=Membership.objects.filter(user=user).values("group_id"))


def get_meeting_for_member(user, pk: int) -> tuple[Meeting, Membership]:
    """A meeting and the viewer's membership of its group; 404 for anyone else."""
    meeting = (
        meetings_for_user(user)
        .select_related("group", "series", "timekeeper__profile", "facilitator__profile")
        .filter(pk=pk)
        .first()
    )
    if meeting is None:
        raise Http404("No such meeting.")
    membership = Membership.objects.select_related("group").get(group=meeting.group_id, user=user)
    require_current_rules(membership)
    return meeting, membership


def get_meeting_for_manager(user, pk: int) -> tuple[Meeting, Membership]:
    meeting, membership = get_meeting_for_member(user, pk)
    if membership.role not in MANAGING_ROLES:
        raise Http404("No such page.")
    return meeting, membership


def segments_of(meeting: Meeting) -> list[AgendaSegment]:
    return list(meeting.segments.all())


def rsvp_counts(meeting: Meeting) -> dict[str, int]:
    counts = dict(
        meeting.rsvps.order_by()
        .values_list("answer")
        .annotate(n=Count("id"))
        .values_list("answer", "n")
    )
    return {answer: counts.get(answer, 0) for answer in RsvpAnswer.values}


def rsvps_of(meeting: Meeting) -> QuerySet[Rsvp]:
    return meeting.rsvps.select_related("user__profile").order_by("answer", "user__email")


def my_rsvp(user, meeting: Meeting) -> Rsvp | None:
    return meeting.rsvps.filter(user=user).first()


def _with_my_rsvp(queryset: QuerySet[Meeting], user) -> QuerySet[Meeting]:
    from presentations.models import Presentation

    return queryset.prefetch_related(
        Prefetch("rsvps", queryset=Rsvp.objects.filter(user=user), to_attr="my_rsvps"),
        Prefetch(
            "presentations",
            queryset=Presentation.objects.filter(presenter=user),
            to_attr="my_presentations",
        ),
    )


def upcoming_for_user(user, *, limit: int = 20) -> list[Meeting]:
    now = timezone.now()
    meetings = list(
        _with_my_rsvp(
            meetings_for_user(user)
            .filter(ends_at__gt=now)
            .select_related("group", "timekeeper__profile", "facilitator__profile"),
            user,
        ).order_by("starts_at", "id")[:limit]
    )
    for meeting in meetings:
        meeting.my_rsvp = meeting.my_rsvps[0] if meeting.my_rsvps else None
        meeting.my_roles = ["Presenter"] if meeting.my_presentations else []
    return meetings


def rsvps_awaiting(user) -> list[Meeting]:
    """Scheduled meetings in the next four weeks that the user has not answered."""
    now = timezone.now()
    return list(
        meetings_for_user(user)
        .filter(
            status=MeetingStatus.SCHEDULED,
            starts_at__gt=now,
            starts_at__lte=now + timedelta(weeks=4),
        )
        .exclude(rsvps__user=user)
        .select_related("group")
        .order_by("starts_at")[:10]
    )


def group_upcoming(group: Group, *, limit: int = 8) -> list[Meeting]:
    return list(
        group.meetings.filter(ends_at__gt=timezone.now())
        .annotate(going=Count("rsvps", filter=Q(rsvps__answer=RsvpAnswer.GOING)))
        .order_by("starts_at")[:limit]
    )


def group_past(group: Group, *, limit: int = 8) -> list[Meeting]:
    return list(
        group.meetings.filter(ends_at__lte=timezone.now(), status=MeetingStatus.SCHEDULED)
        .annotate(
            present=Count("attendance", filter=Q(attendance__status=AttendanceStatus.PRESENT))
        )
        .order_by("-starts_at")[:limit]
    )


def group_month(group: Group, first: datetime, last: datetime) -> list[Meeting]:
    return list(
        group.meetings.filter(starts_at__gte=first, starts_at__lt=last).order_by("starts_at")
    )


def attendance_of(meeting: Meeting) -> dict[int, str]:
    return dict(meeting.attendance.values_list("user_id", "status"))


def my_attendance(user) -> QuerySet[Attendance]:
    return (
        Attendance.objects.filter(user=user)
        .select_related("meeting__group")
        .order_by("-meeting__starts_at")
    )


def attendance_rates(group: Group) -> list[dict]:
    """Each member's record over the group's meetings with attendance taken."""
    taken = Meeting.objects.filter(group=group, attendance__isnull=False).distinct().values("pk")
    rows = (
        Attendance.objects.filter(meeting__in=taken)
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


def feed_meetings(user, *, group: Group | None = None) -> QuerySet[Meeting]:
    """The meetings of a personal (or one group's) feed: from a month ago onwards."""
    queryset = meetings_for_user(user).filter(starts_at__gte=timezone.now() - FEED_PAST)
    if group is not None:
        queryset = queryset.filter(group=group)
    return queryset.select_related("group").prefetch_related("segments").order_by("starts_at", "id")


def get_feed_owner(token: str):
    """The user a feed token belongs to; 404 for an unknown or revoked token."""
    feed = CalendarFeedToken.objects.select_related("user__profile").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise Http404("No such calendar.")
    return feed.user
