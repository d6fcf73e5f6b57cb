"""What the board e-mails. Titles, names, counts and links only: never what anyone wrote in a
post or a report (it may be case material).

* An announcement goes at once to every other member (``ANNOUNCEMENT``).
* New discussions and replies come as a digest (``BOARD_DIGEST``): once a day or once a week
  (Monday), at 07:00 in each person's own time zone, only when colleagues wrote something new
  in their groups in the period before. The planner records one delivery per person and period
  (``dedupe_key`` like ``daily:2026-12-03``); the unique constraint on deliveries makes a
  second dispatcher's row the same row, so it is sent once.
* Moderation (``BOARD_MODERATION``, always sent): the author of a post an organizer hid, and
  the organizers when a member reports a post.

Every builder reads the data again at send time and returns None when nothing is left to say.
"""

import zoneinfo
from datetime import datetime, time, timedelta

from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from board.enums import DEFAULT_FREQUENCY, DigestFrequency, TopicKind
from board.models import Reply, Report, Topic
from board.selectors import board_url
from groups.enums import MANAGING_ROLES
from groups.models import Membership
from members.enums import NotificationKind as Kind
from members.models import Delivery, User
from members.notifications import (
    builder,
    notify,
    object_key,
    planner,
    record_planned,
)

DIGEST_HOUR = 7
CATCH_UP = timedelta(hours=6)  # a digest missed while the dispatcher was down, still sent
PERIODS = {DigestFrequency.DAILY: timedelta(days=1), DigestFrequency.WEEKLY: timedelta(days=7)}


# --- recording (called by the services, inside their transactions) ---------------------------


def announcement_posted(topic: Topic) -> None:
    members = [m.user for m in Membership.objects.filter(group=topic.group).select_related("user")]
    notify(
        kind=Kind.ANNOUNCEMENT,
        template="board_announcement",
        obj=topic,
        actor=topic.author,
        recipients=members,
    )


def post_hidden(post: Topic | Reply, *, actor: User) -> None:
    """Tell the author (never the organizer who hid their own post). Each hiding is its own
    e-mail: shown again and hidden again is a second one."""
    if post.author is None:
        return
    notify(
        kind=Kind.BOARD_MODERATION,
        template="board_post_hidden",
        obj=post,
        actor=actor,
        recipients=[post.author],
        dedupe_key=f"hidden:{post.hidden_at.isoformat()}",
    )


def post_reported(report: Report) -> None:
    managers = [
        m.user
        for m in Membership.objects.filter(
            group=report.group_id, role__in=MANAGING_ROLES
        ).select_related("user")
    ]
    notify(
        kind=Kind.BOARD_MODERATION,
        template="board_report",
        obj=report,
        actor=report.reporter,
        recipients=managers,
    )


# --- the digest ---------------------------------------------------------------------------------


def digest_due(frequency: str, tz, now: datetime) -> datetime | None:
    """When this period's digest fell due (07:00 local, daily or on Monday), if that was
    within the catch-up window before ``now``; else None."""
    day = now.astimezone(tz).date()
    if frequency == DigestFrequency.WEEKLY:
        day -= timedelta(days=day.weekday())
    due = datetime.combine(day, time(DIGEST_HOUR), tzinfo=tz)
    return due if due <= now < due + CATCH_UP else None


def _new_for(user, start: datetime, end: datetime):
    """Colleagues' new discussions and replies in ``user``'s groups (``user``: a user or an
    ``OuterRef``) between ``start`` and ``end``, written after ``user`` joined, not hidden or
    deleted: two querysets (topics, replies)."""
    topics = Topic.objects.filter(
        ~Q(author=user),
        kind=TopicKind.DISCUSSION,
        hidden_at__isnull=True,
        deleted_at__isnull=True,
        created_at__gte=start,
        created_at__lt=end,
        group__memberships__user=user,
        created_at__gt=F("group__memberships__joined_at"),
    )
    replies = Reply.objects.filter(
        ~Q(author=user),
        hidden_at__isnull=True,
        deleted_at__isnull=True,
        topic__hidden_at__isnull=True,
        created_at__gte=start,
        created_at__lt=end,
        topic__group__memberships__user=user,
        created_at__gt=F("topic__group__memberships__joined_at"),
    )
    return topics, replies


def _zones() -> list[str | None]:
    """The time zones of everyone who belongs to a group (None: people without a profile)."""
    zones = set(Membership.objects.values_list("user__profile__time_zone", flat=True).distinct())
    return sorted(zones, key=lambda zone: zone or "")


def _zone(name: str | None) -> zoneinfo.ZoneInfo:
    """The zone the e-mails use for people of this zone name (UTC when unknown or none), as
    ``members.emails.recipient_timezone`` does."""
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _in_zone(zone: str | None) -> Q:
    return Q(profile__isnull=True) if zone is None else Q(profile__time_zone=zone)


def _wants(frequency: str) -> Q:
    chosen = Q(board_digest__frequency=frequency)
    if frequency == DEFAULT_FREQUENCY:
        chosen |= Q(board_digest__isnull=True)
    return chosen


@planner
def plan_board_digests(now: datetime) -> int:
    """For each time zone and frequency whose 07:00 has come: one delivery per person who
    wants the digest, has none for this period yet, and has something new to read."""
    rows = []
    for zone in _zones():
        tz = _zone(zone)
        for frequency, period in PERIODS.items():
            due = digest_due(frequency, tz, now)
            if due is None:
                continue
            key = f"{frequency}:{due.date().isoformat()}"
            topics, replies = _new_for(OuterRef("pk"), due - period, due)
            people = (
                User.objects.filter(_in_zone(zone), _wants(frequency), is_active=True)
                .exclude(
                    notification_prefs__kind=Kind.BOARD_DIGEST, notification_prefs__enabled=False
                )
                .exclude(deliveries__template="board_digest", deliveries__dedupe_key=key)
                .filter(Exists(topics) | Exists(replies))
            )
            rows += [_digest_row(user, key, due) for user in people]
    return record_planned(rows)


def _digest_row(user: User, key: str, due: datetime) -> Delivery:
    object_type, object_id = object_key(user)
    return Delivery(
        recipient=user,
        email=user.email,
        kind=Kind.BOARD_DIGEST,
        template="board_digest",
        object_type=object_type,
        object_id=object_id,
        dedupe_key=key,
        due_at=due,
    )


@builder("board_digest")
def build_board_digest(delivery):
    """What is new for the recipient in the period before the digest fell due, by group:
    the new discussions' titles, and how many new replies each topic has."""
    user = delivery.recipient
    frequency = delivery.dedupe_key.split(":")[0]
    if user is None or frequency not in PERIODS:
        return None
    topics, replies = _new_for(user, delivery.due_at - PERIODS[frequency], delivery.due_at)
    groups: dict[int, dict] = {}

    def entry(group) -> dict:
        return groups.setdefault(
            group.pk, {"group": group, "url": board_url(group), "topics": [], "replies": {}}
        )

    for topic in topics.select_related("group").order_by("created_at", "pk"):
        entry(topic.group)["topics"].append({"title": topic.title, "url": topic.get_absolute_url()})
    for reply in replies.select_related("topic__group").order_by("created_at", "pk"):
        topic = reply.topic
        replied = entry(topic.group)["replies"]
        if topic.pk not in replied:
            replied[topic.pk] = {
                "title": _title(topic),
                "url": topic.get_absolute_url(),
                "count": 0,
            }
        replied[topic.pk]["count"] += 1
    if not groups:
        return None
    for group in groups.values():
        group["replies"] = list(group["replies"].values())
    return {
        "groups": sorted(groups.values(), key=lambda g: g["group"].name),
        "weekly": frequency == DigestFrequency.WEEKLY,
        "settings_url": reverse("board:settings"),
    }


def _title(topic: Topic) -> str:
    # Lazy: the e-mail is written later, in the recipient's language.
    return topic.title or _("A topic deleted by its author")


# --- the e-mails sent at once ---------------------------------------------------------------------


def _is_member(user_id, group_id, *, manager: bool = False) -> bool:
    memberships = Membership.objects.filter(group=group_id, user=user_id)
    if manager:
        memberships = memberships.filter(role__in=MANAGING_ROLES)
    return user_id is not None and memberships.exists()


@builder("board_announcement")
def build_board_announcement(delivery):
    topic = (
        Topic.objects.select_related("group", "author__profile")
        .filter(pk=delivery.object_id, hidden_at__isnull=True, deleted_at__isnull=True)
        .first()
    )
    if topic is None or not _is_member(delivery.recipient_id, topic.group_id):
        return None
    return {
        "group": topic.group,
        "title": topic.title,
        "author": str(topic.author) if topic.author else _("An organizer"),
        "url": topic.get_absolute_url(),
    }


@builder("board_post_hidden")
def build_board_post_hidden(delivery):
    model = Reply if delivery.object_type == Reply._meta.label_lower else Topic
    related = "group" if model is Topic else "topic__group"
    post = (
        model.objects.select_related(related)
        .filter(pk=delivery.object_id, hidden_at__isnull=False, deleted_at__isnull=True)
        .first()
    )
    if post is None or not _is_member(delivery.recipient_id, post.topic.group_id):
        return None  # shown again, deleted, or they left the group
    return {
        "group": post.topic.group,
        "is_reply": model is Reply,
        "title": _title(post.topic),
        "url": post.topic.get_absolute_url(),
    }


@builder("board_report")
def build_board_report(delivery):
    report = (
        Report.objects.select_related("group", "topic", "reply__topic")
        .filter(pk=delivery.object_id, resolved_at__isnull=True)
        .first()
    )
    if report is None or not _is_member(delivery.recipient_id, report.group_id, manager=True):
        return None
    return {
        "group": report.group,
        "is_reply": report.reply_id is not None,
        "title": _title(report.thread),
        "url": board_url(report.group) + "#reports",
    }
