"""What meetings send: changes at once, and reminders, nudges and warnings when they are due."""

from datetime import datetime, timedelta

from django.db.models import Q

from groups.enums import MANAGING_ROLES
from groups.models import Membership
from meetings.enums import MeetingStatus, RsvpAnswer
from meetings.models import Meeting, Rsvp
from members.enums import LEAD_TIME_CHOICES
from members.enums import NotificationKind as Kind
from members.models import Delivery
from members.notifications import (
    builder,
    notify,
    object_key,
    planner,
    preferences_for,
    record_planned,
    wants,
)

CATCH_UP = timedelta(hours=6)  # a reminder missed while the dispatcher was down, still sent
NUDGE_BEFORE = timedelta(hours=48)
ROLE_BEFORE = timedelta(hours=48)


def _members(meeting) -> list:
    return [
        m.user for m in Membership.objects.filter(group=meeting.group_id).select_related("user")
    ]


def meeting_changed(meeting: Meeting, change: str, message: str = "") -> None:
    """Cancelled, rescheduled or changed: every member is told at once (once per version)."""
    notify(
        kind=Kind.MEETING_CHANGED,
        template=f"meeting_{change}",
        obj=meeting,
        recipients=_members(meeting),
        dedupe_key=f"seq{meeting.sequence}",
        context={"message": message[:1000]},
    )


def low_rsvp(meeting: Meeting) -> None:
    organizers = [
        m.user
        for m in Membership.objects.filter(
            group=meeting.group_id, role__in=MANAGING_ROLES
        ).select_related("user")
    ]
    notify(kind=Kind.LOW_RSVP, template="low_rsvp_warning", obj=meeting, recipients=organizers)


# --- building ----------------------------------------------------------------------------------


def _meeting(delivery) -> Meeting | None:
    return (
        Meeting.objects.select_related("group", "series")
        .prefetch_related("segments")
        .filter(pk=delivery.object_id)
        .first()
    )


def _ics(meeting, user):
    from meetings.calendar import alarm_minutes_for, build_calendar

    body = build_calendar(
        [meeting], name=meeting.group.name, member=True, alarm_minutes=alarm_minutes_for(user)
    )
    return [("meeting.ics", body, "text/calendar; method=PUBLISH")]


def _is_member(meeting, user) -> bool:
    return (
        user is not None and Membership.objects.filter(group=meeting.group_id, user=user).exists()
    )


def _change_builder(change: str):
    def build(delivery):
        meeting = _meeting(delivery)
        if meeting is None or not _is_member(meeting, delivery.recipient):
            return None
        return {
            "meeting": meeting,
            "group": meeting.group,
            "message": delivery.context.get("message", ""),
            "attachments": _ics(meeting, delivery.recipient),
        }

    return build


for _change in ("cancelled", "rescheduled", "changed"):
    builder(f"meeting_{_change}")(_change_builder(_change))


@builder("low_rsvp_warning")
def build_low_rsvp(delivery):
    meeting = _meeting(delivery)
    if meeting is None or meeting.is_cancelled:
        return None
    going = meeting.rsvps.filter(answer=RsvpAnswer.GOING).count()
    return {"meeting": meeting, "group": meeting.group, "going": going}


def _upcoming_ok(delivery):
    meeting = _meeting(delivery)
    if meeting is None or meeting.is_cancelled or meeting.has_started:
        return None
    if not _is_member(meeting, delivery.recipient):
        return None
    # A reminder planned for an earlier time of a rescheduled meeting is not sent.
    if delivery.context.get("starts_at") and delivery.context["starts_at"] != (
        meeting.starts_at.isoformat()
    ):
        return None
    return meeting


@builder("meeting_reminder")
def build_meeting_reminder(delivery):
    meeting = _upcoming_ok(delivery)
    if meeting is None:
        return None
    rsvp = meeting.rsvps.filter(user=delivery.recipient).first()
    if rsvp is not None and rsvp.answer == RsvpAnswer.CANT:
        return None
    return {
        "meeting": meeting,
        "group": meeting.group,
        "rsvp": rsvp,
        "attachments": _ics(meeting, delivery.recipient),
    }


@builder("rsvp_nudge")
def build_rsvp_nudge(delivery):
    meeting = _upcoming_ok(delivery)
    if meeting is None or meeting.rsvps.filter(user=delivery.recipient).exists():
        return None
    return {"meeting": meeting, "group": meeting.group}


@builder("role_reminder")
def build_role_reminder(delivery):
    meeting = _upcoming_ok(delivery)
    if meeting is None:
        return None
    role = delivery.context.get("role")
    holder = meeting.facilitator_id if role == "facilitator" else meeting.timekeeper_id
    if holder != delivery.recipient_id:
        return None
    return {
        "meeting": meeting,
        "group": meeting.group,
        "role": role,
        "attachments": _ics(meeting, delivery.recipient),
    }


# --- planning: what is due by time ------------------------------------------------------------------


def _window(now: datetime, before: timedelta) -> Q:
    """Meetings whose reminder ``before`` their start fell due in the catch-up window."""
    return Q(starts_at__gt=now + before - CATCH_UP, starts_at__lte=now + before) & Q(
        starts_at__gt=now
    )


def _scheduled():
    return Meeting.objects.filter(status=MeetingStatus.SCHEDULED)


@planner
def plan_meeting_reminders(now: datetime) -> int:
    """Each member's chosen lead times, for members going or maybe (or not answered, if asked)."""
    windows = Q()
    for minutes, _label in LEAD_TIME_CHOICES:
        windows |= _window(now, timedelta(minutes=minutes))
    meetings = list(_scheduled().filter(windows).only("pk", "group_id", "starts_at"))
    if not meetings:
        return 0
    memberships = Membership.objects.filter(
        group__in={m.group_id for m in meetings}
    ).select_related("user__profile")
    by_group: dict[int, list] = {}
    for membership in memberships:
        by_group.setdefault(membership.group_id, []).append(membership.user)
    answers = {
        (r.meeting_id, r.user_id): r.answer
        for r in Rsvp.objects.filter(meeting__in=meetings).only("meeting_id", "user_id", "answer")
    }
    users = {u.pk: u for group_users in by_group.values() for u in group_users}
    prefs = preferences_for(users.values(), Kind.MEETING_REMINDER)
    rows = []
    for meeting in meetings:
        object_type, object_id = object_key(meeting)
        for user in by_group.get(meeting.group_id, []):
            if not wants(prefs.get(user.pk), Kind.MEETING_REMINDER):
                continue
            answer = answers.get((meeting.pk, user.pk))
            profile = getattr(user, "profile", None)
            if answer == RsvpAnswer.CANT or (
                answer is None and not getattr(profile, "remind_when_unanswered", False)
            ):
                continue
            for lead in getattr(profile, "reminder_lead_minutes", None) or []:
                due = meeting.starts_at - timedelta(minutes=int(lead))
                if not (now - CATCH_UP < due <= now):
                    continue
                rows.append(
                    Delivery(
                        recipient=user,
                        email=user.email,
                        kind=Kind.MEETING_REMINDER,
                        template="meeting_reminder",
                        object_type=object_type,
                        object_id=object_id,
                        dedupe_key=f"{int(lead)}m@{meeting.starts_at.isoformat()}",
                        due_at=due,
                        context={"starts_at": meeting.starts_at.isoformat()},
                    )
                )
    return record_planned(rows)


@planner
def plan_rsvp_nudges_and_roles(now: datetime) -> int:
    rows = []
    nudge = list(
        _scheduled().filter(_window(now, NUDGE_BEFORE)).only("pk", "group_id", "starts_at")
    )
    if nudge:
        answered = set(Rsvp.objects.filter(meeting__in=nudge).values_list("meeting_id", "user_id"))
        members = Membership.objects.filter(group__in={m.group_id for m in nudge}).select_related(
            "user"
        )
        prefs = preferences_for([m.user for m in members], Kind.RSVP_NUDGE)
        for meeting in nudge:
            object_type, object_id = object_key(meeting)
            for membership in members:
                if membership.group_id != meeting.group_id:
                    continue
                if (meeting.pk, membership.user_id) in answered:
                    continue
                if not wants(prefs.get(membership.user_id), Kind.RSVP_NUDGE):
                    continue
                rows.append(
                    Delivery(
                        recipient=membership.user,
                        email=membership.user.email,
                        kind=Kind.RSVP_NUDGE,
                        template="rsvp_nudge",
                        object_type=object_type,
                        object_id=object_id,
                        dedupe_key=meeting.starts_at.isoformat(),
                        due_at=meeting.starts_at - NUDGE_BEFORE,
                        context={"starts_at": meeting.starts_at.isoformat()},
                    )
                )
    roles = (
        _scheduled()
        .filter(_window(now, ROLE_BEFORE))
        .filter(Q(facilitator__isnull=False) | Q(timekeeper__isnull=False))
        .select_related("facilitator", "timekeeper")
    )
    for meeting in roles:
        object_type, object_id = object_key(meeting)
        for role, user in (
            ("facilitator", meeting.facilitator),
            ("timekeeper", meeting.timekeeper),
        ):
            if user is None:
                continue
            if not wants(
                preferences_for([user], Kind.ROLE_REMINDER).get(user.pk), Kind.ROLE_REMINDER
            ):
                continue
            rows.append(
                Delivery(
                    recipient=user,
                    email=user.email,
                    kind=Kind.ROLE_REMINDER,
                    template="role_reminder",
                    object_type=object_type,
                    object_id=object_id,
                    dedupe_key=f"{role}@{meeting.starts_at.isoformat()}",
                    due_at=meeting.starts_at - ROLE_BEFORE,
                    context={"starts_at": meeting.starts_at.isoformat(), "role": role},
                )
            )
    return record_planned(rows)
