"""Reads of the board, scoped to who is asking. A post the viewer may not see is a 404.

Unread, in SQL: a topic is unread for a member when its last activity is after their read mark
(or, without one, after the day they joined: what was there before counts as read). Posting
marks the thread read for its author, so one's own activity never makes a topic unread.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from board.enums import DEFAULT_FREQUENCY, OFF, TopicKind
from board.models import DigestPreference, ReadMark, Reply, Report, Topic
from groups.enums import MANAGING_ROLES
from groups.models import Group
from groups.selectors import for_viewer, group_for
from meetings.enums import MeetingStatus
from meetings.models import Meeting
from members.enums import NotificationKind
from members.models import NotificationPreference, User

PAGE_SIZE = 20
DASHBOARD_LIMIT = 5

__all__ = [
    "authored_by",
    "board_page",
    "board_url",
    "digest_frequency",
    "latest_for_dashboard",
    "meeting_to_nudge",
    "open_reports",
    "post_for",
    "read_until",
    "replies_of",
    "report_for",
    "topic_for",
    "unread_counts",
]


# --- loaders of permission_required (404 to outsiders; the rule decides the rest) -------------


def topic_for(user, slug: str, pk: int) -> Topic:
    """A topic of the board of a group ``user`` belongs to (``group_for``); 404 for a topic of
    another group or none at all. The membership is recorded on the topic and its group."""
    group = group_for(user, slug)
    topic = (
        group.board_topics.select_related("author__profile", "hidden_by__profile")
        .filter(pk=pk)
        .first()
    )
    if topic is None:
        raise Http404("No such topic.")
    return for_viewer(topic, user, group.viewer_membership)


def post_for(user, slug: str, post_type: str, pk: int) -> Topic | Reply:
    """A topic or a reply (``post_type``: "topic" or "reply", from the URL) of the board of a
    group ``user`` belongs to; 404 otherwise. A reply comes with its topic and group."""
    if post_type == "topic":
        return topic_for(user, slug, pk)
    group = group_for(user, slug)
    reply = (
        Reply.objects.select_related("topic", "author__profile")
        .filter(topic__group=group, pk=pk)
        .first()
    )
    if reply is None:
        raise Http404("No such reply.")
    reply.topic.group = group
    for_viewer(reply.topic, user, group.viewer_membership)
    return for_viewer(reply, user, group.viewer_membership)


def report_for(user, slug: str, pk: int) -> Report:
    """An open or closed report about a post of this group's board; 404 otherwise."""
    group = group_for(user, slug)
    report = Report.objects.filter(group=group, pk=pk).first()
    if report is None:
        raise Http404("No such report.")
    report.group = group
    return for_viewer(report, user, group.viewer_membership)


# --- the board --------------------------------------------------------------------------------


def _visible_replies(*, prefix: str = "") -> Q:
    return Q(**{f"{prefix}hidden_at__isnull": True, f"{prefix}deleted_at__isnull": True})


def _seen_by(user, *, manages: bool) -> Q:
    """Topics a member sees: all for organizers, else any not hidden or written by them."""
    return Q() if manages else Q(hidden_at__isnull=True) | Q(author=user)


def _still_there() -> Q:
    """A topic its author deleted stays only while colleagues' replies hang on it."""
    live_reply = Reply.objects.filter(_visible_replies(), topic=OuterRef("pk"))
    return Q(deleted_at__isnull=True) | Q(Exists(live_reply))


def _read_mark(user) -> Subquery:
    return Subquery(
        ReadMark.objects.filter(topic=OuterRef("pk"), user=user).values("read_at")[:1],
        output_field=DateTimeField(),
    )


def _reply_count() -> Subquery:
    visible = (
        Reply.objects.filter(_visible_replies(), topic=OuterRef("pk"))
        .order_by()
        .values("topic")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Subquery(visible, output_field=IntegerField())


UNREAD = Case(
    When(last_activity_at__gt=F("read_until"), then=Value(True)),
    default=Value(False),
    output_field=BooleanField(),
)


def board_page(
    group: Group, user, *, kind: str = "", since: datetime | None = None
) -> QuerySet[Topic]:
    """The board as ``user`` (a member, recorded on ``group``) sees it: pinned first, then by
    latest activity; each topic with its author's profile, its visible replies counted,
    ``unread`` and (when ``since`` is given) ``is_new`` computed in the same query."""
    membership = group.viewer_membership
    qs = (
        group.board_topics.filter(_seen_by(user, manages=membership.manages), _still_there())
        .select_related("author__profile")
        .annotate(
            # A correlated count, not a join: no GROUP BY over every reply row, so the read
            # mark's subquery runs once per topic (bench/web.py, the "board" scenario).
            reply_count=Coalesce(_reply_count(), 0),
            read_until=Coalesce(
                _read_mark(user), Value(membership.joined_at, output_field=DateTimeField())
            ),
            unread=UNREAD,
            is_new=_after(since),
        )
    )
    if kind in TopicKind.values:
        qs = qs.filter(kind=kind)
    return qs.order_by("-pinned", "-last_activity_at", "-id")


def _after(since: datetime | None):
    if since is None:
        return Value(False, output_field=BooleanField())
    return Case(
        When(last_activity_at__gt=since, then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def replies_of(topic: Topic, user) -> list[Reply]:
    """The thread's replies, oldest first, each with its author's profile. Hidden replies only
    for the organizers and their author (marked hidden)."""
    manages = topic.viewer_membership is not None and topic.viewer_membership.manages
    replies = list(
        topic.replies.filter(_seen_by(user, manages=manages)).select_related(
            "author__profile", "hidden_by__profile"
        )
    )
    for reply in replies:
        reply.topic = topic  # for the rules asked on each reply (its group, the viewer)
        for_viewer(reply, user, topic.viewer_membership)
    return replies


def open_reports(group: Group) -> list[Report]:
    """Reports the organizers have not dismissed yet, oldest first, with the post reported."""
    return list(
        Report.objects.filter(group=group, resolved_at__isnull=True).select_related(
            "reporter__profile", "topic__author__profile", "reply__topic", "reply__author__profile"
        )
    )


def read_until(topic: Topic, user) -> datetime:
    """Until when ``user`` (a member, recorded on ``topic``) has read the thread."""
    mark = ReadMark.objects.filter(topic=topic, user=user).values_list("read_at", flat=True)
    return mark.first() or topic.viewer_membership.joined_at


# --- for the group page and the dashboard (the lead wires them in) -----------------------------


def _across_groups(user, groups: Iterable[Group | int] | None = None) -> QuerySet[Topic]:
    """Topics of every group ``user`` belongs to (or only of ``groups``) that they can see,
    each with ``unread``."""
    topics = Topic.objects.filter(group__memberships__user=user)
    if groups is not None:
        topics = topics.filter(group__in=list(groups))
    # The person's membership, joined by the filter above (annotations reuse that join; a
    # second filter() would join every membership of the group): when they joined, their role.
    return topics.annotate(
        read_until=Coalesce(_read_mark(user), F("group__memberships__joined_at")),
        viewer_role=F("group__memberships__role"),
        unread=UNREAD,
    ).filter(
        Q(hidden_at__isnull=True) | Q(author=user) | Q(viewer_role__in=MANAGING_ROLES),
        _still_there(),
    )


def unread_counts(user, *, groups: Iterable[Group | int] | None = None) -> dict[int, int]:
    """{group id: topics with something unread} for every group of ``user`` (or only for
    ``groups``, e.g. ``[group]`` on the group page), in one query. Groups with nothing unread
    are left out."""
    if not user.is_authenticated:
        return {}
    rows = (
        _across_groups(user, groups)
        .filter(unread=True)
        .order_by()
        .values("group_id")
        .annotate(count=Count("pk"))
    )
    return {row["group_id"]: row["count"] for row in rows}


def latest_for_dashboard(user, *, limit: int = DASHBOARD_LIMIT) -> list[Topic]:
    """The most recently active topics across ``user``'s groups (each with ``group``, its
    author's profile and ``unread``), newest first."""
    if not user.is_authenticated:
        return []
    return list(
        _across_groups(user)
        .select_related("group", "author__profile")
        .order_by("-last_activity_at", "-id")[:limit]
    )


# --- the person's own ----------------------------------------------------------------------------


def digest_frequency(user: User) -> str:
    """ "daily", "weekly" or "off" (the board digest's notification preference turned off)."""
    pref = NotificationPreference.objects.filter(
        user=user, kind=NotificationKind.BOARD_DIGEST
    ).first()
    if pref is not None and not pref.enabled:
        return OFF
    chosen = DigestPreference.objects.filter(user=user).values_list("frequency", flat=True)
    return chosen.first() or DEFAULT_FREQUENCY


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def authored_by(user: User) -> dict[str, list[dict[str, Any]]]:
    """Everything ``user`` wrote on any board, with its text (for "My data": the export)."""
    topics = Topic.objects.filter(author=user).select_related("group").order_by("created_at")
    replies = (
        Reply.objects.filter(author=user).select_related("topic__group").order_by("created_at")
    )
    return {
        "topics": [
            {
                "group": t.group.name,
                "kind": t.kind,
                "title": t.title,
                "body": t.body,
                "created_at": _iso(t.created_at),
                "edited_at": _iso(t.edited_at),
                "hidden_at": _iso(t.hidden_at),
                "deleted_at": _iso(t.deleted_at),
            }
            for t in topics
        ],
        "replies": [
            {
                "group": r.topic.group.name,
                "topic": r.topic.title,
                "body": r.body,
                "created_at": _iso(r.created_at),
                "edited_at": _iso(r.edited_at),
                "hidden_at": _iso(r.hidden_at),
                "deleted_at": _iso(r.deleted_at),
            }
            for r in replies
        ],
    }


def board_url(group: Group) -> str:
    return reverse("board:index", kwargs={"slug": group.slug})


def meeting_to_nudge(group: Group, pk: int) -> Meeting | None:
    """A meeting of ``group`` (already scoped to the organizer asking) that has not started and
    is not cancelled: what "message the group" from a meeting may start from; None otherwise."""
    return group.meetings.filter(
        pk=pk, status=MeetingStatus.SCHEDULED, starts_at__gt=timezone.now()
    ).first()
