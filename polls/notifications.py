"""What scheduling polls send, each once per person through the delivery records: a new poll
(every member but its organizer), a reminder a day before it closes (members who have not
answered), the poll closed (the organizers: time to choose) and the chosen time (every member
but the organizer who chose it). Times are written in each recipient's own zone."""

from datetime import datetime, timedelta

from django.utils.translation import gettext_lazy as _

from groups.enums import MANAGING_ROLES, GroupStatus
from groups.models import Membership
from members.enums import NotificationKind as Kind
from members.models import Delivery, User
from members.notifications import (
    builder,
    notify,
    object_key,
    planner,
    preferences_for,
    record_planned,
    wants,
)
from polls.models import Poll
from polls.selectors import members_waiting

REMIND_BEFORE = timedelta(hours=24)
# A poll opened less than two days before its deadline is not reminded of: the invitation to
# answer is recent enough.
REMIND_ONLY_AFTER = timedelta(hours=48)


def _members(group_id: int, *, managers: bool = False) -> list[User]:
    memberships = Membership.objects.filter(group=group_id).select_related("user")
    if managers:
        memberships = memberships.filter(role__in=MANAGING_ROLES)
    return [m.user for m in memberships]


def poll_opened(poll: Poll, *, actor: User) -> None:
    notify(
        kind=Kind.POLL,
        template="poll_opened",
        obj=poll,
        actor=actor,
        recipients=_members(poll.group_id),
        context={"organizer": actor.pk},
    )


def poll_closed(poll: Poll, *, actor: User | None) -> None:
    notify(
        kind=Kind.POLL,
        template="poll_closed",
        obj=poll,
        actor=actor,
        recipients=_members(poll.group_id, managers=True),
        context={"closed_by": getattr(actor, "pk", None)},
    )


def poll_scheduled(poll: Poll, *, actor: User) -> None:
    notify(
        kind=Kind.POLL,
        template="poll_scheduled",
        obj=poll,
        actor=actor,
        recipients=_members(poll.group_id),
    )


@planner
def plan_poll_reminders(now: datetime) -> int:
    """A day before an open poll closes: the members who have not answered (those who joined
    since it opened too), once each."""
    rows = []
    polls = Poll.objects.filter(
        closed_at__isnull=True,
        closes_at__gt=now,
        closes_at__lte=now + REMIND_BEFORE,
        group__status=GroupStatus.ACTIVE,
    ).order_by("pk")
    for poll in polls:
        if poll.closes_at - poll.created_at < REMIND_ONLY_AFTER:
            continue
        waiting = members_waiting(poll)
        prefs = preferences_for(waiting, Kind.POLL)
        object_type, object_id = object_key(poll)
        rows += [
            Delivery(
                recipient=user,
                email=user.email,
                kind=Kind.POLL,
                template="poll_closing",
                object_type=object_type,
                object_id=object_id,
                dedupe_key="",
                due_at=poll.closes_at - REMIND_BEFORE,
            )
            for user in waiting
            if wants(prefs.get(user.pk), Kind.POLL)
        ]
    return record_planned(rows)


# --- building -----------------------------------------------------------------------------------


def _poll(delivery) -> Poll | None:
    """The poll, while the recipient is still a member of its group."""
    poll = (
        Poll.objects.select_related("group", "created_by__profile", "meeting", "series")
        .filter(pk=delivery.object_id)
        .first()
    )
    if poll is None or poll.group.status != GroupStatus.ACTIVE:
        return None  # gone, or its group paused or archived meanwhile
    if not Membership.objects.filter(group=poll.group_id, user=delivery.recipient_id).exists():
        return None
    return poll


def _name(user_id, default) -> str:
    person = User.objects.select_related("profile").filter(pk=user_id).first()
    return str(person) if person is not None else default


def _context(poll: Poll) -> dict:
    options = list(poll.options.all())
    return {"poll": poll, "group": poll.group, "options": options}


@builder("poll_opened")
def build_poll_opened(delivery):
    poll = _poll(delivery)
    if poll is None or not poll.is_open():
        return None
    # Lazy: the e-mail is written later, in the recipient's language.
    organizer = _name(delivery.context.get("organizer"), _("An organizer"))
    return {**_context(poll), "organizer": organizer}


@builder("poll_closing")
def build_poll_closing(delivery):
    poll = _poll(delivery)
    if poll is None or not poll.is_open() or poll.answers.filter(user=delivery.recipient).exists():
        return None
    return _context(poll)


@builder("poll_closed")
def build_poll_closed(delivery):
    poll = _poll(delivery)
    if poll is None or poll.closed_at is None or poll.scheduled_at is not None:
        return None
    if not Membership.objects.filter(
        group=poll.group_id, user=delivery.recipient_id, role__in=MANAGING_ROLES
    ).exists():
        return None  # no longer an organizer: choosing is not theirs
    closed_by = delivery.context.get("closed_by")
    return {**_context(poll), "closed_by": _name(closed_by, "") if closed_by else ""}


@builder("poll_scheduled")
def build_poll_scheduled(delivery):
    poll = _poll(delivery)
    if poll is None or poll.meeting is None or poll.meeting.is_cancelled:
        return None
    return {"poll": poll, "group": poll.group, "meeting": poll.meeting, "series": poll.series}
