"""What meetings send: changes at once, and reminders, nudges and warnings when they are due."""

from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from groups.enums import MANAGING_ROLES
from groups.models import Group, Membership
from meetings.calendar import alarm_minutes_for, build_calendar
from meetings.enums import MeetingRole, MeetingStatus, RsvpAnswer
from meetings.models import ActionItem, Meeting, Rsvp
from members.emails import recipient_timezone
from members.enums import LEAD_TIME_CHOICES, DeliveryStatus
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


def _members(group_id: int) -> list:
    """The group's members. ``notify(actor=...)`` leaves out the one who acted."""
    return [m.user for m in Membership.objects.filter(group=group_id).select_related("user")]


def meeting_changed(meeting: Meeting, change: str, message: str = "", *, actor=None) -> None:
    """Cancelled, rescheduled or changed: every other member is told at once (once per
    version)."""
    notify(
        kind=Kind.MEETING_CHANGED,
        template=f"meeting_{change}",
        obj=meeting,
        actor=actor,
        recipients=_members(meeting.group_id),
        dedupe_key=f"seq{meeting.sequence}",
        context={"message": message[:1000]},
    )


# What a series-wide change tells members, by the meeting fields it touched: kept in English in
# the delivery, translated into the recipient's language when the e-mail is built.
CHANGE_LABELS = {
    "starts_at": gettext_noop("the start time"),
    "duration": gettext_noop("the length"),
    "title": gettext_noop("the title"),
    "venue_kind": gettext_noop("the place"),
    "venue_name": gettext_noop("the place"),
    "street_address": gettext_noop("the place"),
    "online_link": gettext_noop("the online link"),
}


def series_changed(*, series, meetings: list[Meeting], fields: list[str], message, actor) -> None:
    """A change to this and all following meetings: one summary per member, not one e-mail per
    meeting, and none to the person who made it."""
    labels = list(dict.fromkeys(CHANGE_LABELS[f] for f in fields if f in CHANGE_LABELS))
    first = min(meetings, key=lambda m: m.starts_at)
    notify(
        kind=Kind.MEETING_CHANGED,
        template="series_changed",
        obj=series,
        actor=actor,
        recipients=_members(series.group_id),
        context={
            "group_id": series.group_id,
            "title": series.title,
            "meeting_ids": [m.pk for m in meetings][:200],
            "count": len(meetings),
            "first": first.starts_at.isoformat(),
            "labels": labels,
            "message": message[:1000],
        },
    )


def group_time_zone_changed(*, group, old_zone: str, moved: int, keep_local: bool, actor) -> None:
    """One notice per member (not the organizer who did it) that the group's zone changed and
    whether its meetings moved."""
    notify(
        kind=Kind.MEETING_CHANGED,
        template="group_time_zone_changed",
        obj=group,
        actor=actor,
        recipients=_members(group.pk),
        dedupe_key=f"tz:{old_zone}>{group.time_zone}@{timezone.now().isoformat()}",
        context={
            "old_zone": old_zone,
            "new_zone": group.time_zone,
            "moved": moved,
            "keep_local": keep_local,
        },
    )


def low_rsvp(meeting: Meeting) -> None:
    organizers = [
        m.user
        for m in Membership.objects.filter(
            group=meeting.group_id, role__in=MANAGING_ROLES
        ).select_related("user")
    ]
    notify(
        kind=Kind.LOW_RSVP,
        template="low_rsvp_warning",
        obj=meeting,
        actor=None,
        recipients=organizers,
    )


# --- building ----------------------------------------------------------------------------------


def _meeting(delivery) -> Meeting | None:
    return (
        Meeting.objects.select_related("group", "series")
        .prefetch_related("segments")
        .filter(pk=delivery.object_id)
        .first()
    )


def _ics(meeting, user):
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


@builder("series_changed")
def build_series_changed(delivery):
    """Built from the meetings themselves (a later change may have split the series again), as
    they stand when the e-mail goes out."""
    group_id = delivery.context.get("group_id")
    if delivery.recipient is None or not (
        Membership.objects.filter(group=group_id, user=delivery.recipient).exists()
    ):
        return None
    meetings = list(
        Meeting.objects.select_related("group")
        .prefetch_related("segments")
        .filter(
            group=group_id,
            pk__in=delivery.context.get("meeting_ids", []),
            status=MeetingStatus.SCHEDULED,
        )
        .order_by("starts_at")
    )
    if not meetings:
        return None
    group = meetings[0].group
    body = build_calendar(
        meetings,
        name=group.name,
        member=True,
        alarm_minutes=alarm_minutes_for(delivery.recipient),
    )
    return {
        "title": delivery.context.get("title", meetings[0].title),
        "group": group,
        "meetings": meetings,
        "first": meetings[0],
        "count": delivery.context.get("count", len(meetings)),
        "labels": [_(label) for label in delivery.context.get("labels", [])],
        "message": delivery.context.get("message", ""),
        "attachments": [("meetings.ics", body, "text/calendar; method=PUBLISH")],
    }


@builder("group_time_zone_changed")
def build_group_time_zone_changed(delivery):
    group = Group.objects.filter(pk=delivery.object_id).first()
    if group is None or delivery.recipient is None:
        return None
    if not Membership.objects.filter(group=group, user=delivery.recipient).exists():
        return None
    upcoming = list(
        Meeting.objects.filter(
            group=group, status=MeetingStatus.SCHEDULED, starts_at__gt=timezone.now()
        ).order_by("starts_at")[:3]
    )
    return {"group": group, "upcoming": upcoming, **delivery.context}


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
    holder = meeting.facilitator_id if role == MeetingRole.FACILITATOR else meeting.timekeeper_id
    if holder != delivery.recipient_id:
        return None
    return {
        "meeting": meeting,
        "group": meeting.group,
        "role": role,
        # "facilitator" or "timekeeper" in the recipient's language, for the e-mail's sentences
        "role_label": str(MeetingRole(role).label).lower() if role in MeetingRole.values else "",
        "attachments": _ics(meeting, delivery.recipient),
    }


# --- planning: what is due by time ------------------------------------------------------------------


SUPERSEDED = {
    "status": DeliveryStatus.SKIPPED,
    "last_error": "Overtaken by a nearer reminder of the same meeting, due at the same time.",
}


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
    meetings = list(
        _scheduled().filter(windows).only("pk", "group_id", "starts_at", "kind", "created_at")
    )
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
    superseded = Q()
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
            leads = sorted(
                {int(lead) for lead in getattr(profile, "reminder_lead_minutes", None) or []}
            )
            overdue = [
                lead
                for lead in leads
                if now - CATCH_UP < meeting.starts_at - timedelta(minutes=lead) <= now
                and not meeting.announced_before(meeting.starts_at - timedelta(minutes=lead))
            ]
            # Several reminders due at once (after a late change or RSVP): only the nearest to
            # the meeting is sent; the earlier ones are recorded as skipped, never sent later.
            for lead in overdue:
                rows.append(
                    Delivery(
                        recipient=user,
                        email=user.email,
                        kind=Kind.MEETING_REMINDER,
                        template="meeting_reminder",
                        object_type=object_type,
                        object_id=object_id,
                        dedupe_key=f"{lead}m@{meeting.starts_at.isoformat()}",
                        due_at=meeting.starts_at - timedelta(minutes=lead),
                        context={"starts_at": meeting.starts_at.isoformat()},
                        **({} if lead == overdue[0] else SUPERSEDED),
                    )
                )
            if len(overdue) > 1:
                nearest_due = meeting.starts_at - timedelta(minutes=overdue[0])
                superseded |= Q(object_id=object_id, email=user.email, due_at__lt=nearest_due)
    recorded = record_planned(rows)
    if superseded:
        # An earlier reminder recorded but not sent yet (a dispatcher or mail server was down)
        # is overtaken too.
        Delivery.objects.filter(
            superseded,
            template="meeting_reminder",
            object_type=Meeting._meta.label_lower,
            status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED],
        ).update(**SUPERSEDED)
    return recorded


@planner
def plan_rsvp_nudges_and_roles(now: datetime) -> int:
    rows = []
    nudge = list(
        _scheduled()
        .filter(_window(now, NUDGE_BEFORE))
        .only("pk", "group_id", "starts_at", "kind", "created_at")
    )
    if nudge:
        answered = set(Rsvp.objects.filter(meeting__in=nudge).values_list("meeting_id", "user_id"))
        members = Membership.objects.filter(group__in={m.group_id for m in nudge}).select_related(
            "user"
        )
        prefs = preferences_for([m.user for m in members], Kind.RSVP_NUDGE)
        for meeting in nudge:
            if meeting.announced_before(meeting.starts_at - NUDGE_BEFORE):
                continue
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
            (MeetingRole.FACILITATOR, meeting.facilitator),
            (MeetingRole.TIMEKEEPER, meeting.timekeeper),
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


# --- action items (meetings/notes.py) ---------------------------------------------------------
# The e-mails say which meeting an item is from, when it is due, and where to read it: never the
# item's own text (member-written, like everything in the notes).

ACTION_ITEM_REMIND_AT = time(9, 0)  # the day before the item is due, in the owner's time zone


def action_item_given(item: ActionItem, *, actor) -> None:
    """Tell the member an item was given to them (once per giving; never the one who gave it)."""
    notify(
        kind=Kind.ACTION_ITEM,
        template="action_item_given",
        obj=item,
        actor=actor,
        recipients=[item.owner],
        dedupe_key=f"owner{item.owner_id}@{timezone.now().isoformat()}",
    )


def action_item_taken(item: ActionItem, *, owner, actor, removed: bool) -> None:
    """Tell the member an item is no longer theirs: removed from the notes (``removed``) or
    given to someone else; never the one who did it, nor anyone if it had no owner. The item
    may be gone when this is sent, so the e-mail is about the meeting and says when the item
    was due."""
    if owner is None:
        return
    notify(
        kind=Kind.ACTION_ITEM,
        template="action_item_taken",
        obj=item.meeting,
        actor=actor,
        recipients=[owner],
        dedupe_key=f"item{item.pk}@{timezone.now().isoformat()}",
        context={"item": item.pk, "due_on": item.due_on.isoformat(), "removed": removed},
    )


def _open_item_of(delivery) -> ActionItem | None:
    """The delivery's item, while it is open, still the recipient's, and they are a member."""
    item = ActionItem.objects.select_related("meeting__group").filter(pk=delivery.object_id).first()
    if item is None or item.is_done or item.owner_id != delivery.recipient_id:
        return None
    if not _is_member(item.meeting, delivery.recipient):
        return None
    return item


def _action_item_context(item: ActionItem) -> dict:
    return {"meeting": item.meeting, "group": item.meeting.group, "due_on": item.due_on}


@builder("action_item_given")
def build_action_item_given(delivery):
    item = _open_item_of(delivery)
    return None if item is None else _action_item_context(item)


@builder("action_item_reminder")
def build_action_item_reminder(delivery):
    item = _open_item_of(delivery)
    # A reminder for a due date since moved is not sent: the new date has its own.
    if item is None or item.due_on.isoformat() != delivery.context.get("due_on"):
        return None
    return _action_item_context(item)


@builder("action_item_taken")
def build_action_item_taken(delivery):
    meeting = Meeting.objects.select_related("group").filter(pk=delivery.object_id).first()
    if meeting is None or not _is_member(meeting, delivery.recipient):
        return None
    item = delivery.context.get("item")
    if ActionItem.objects.filter(pk=item, owner=delivery.recipient).exists():
        return None  # given back to them since
    return {
        "meeting": meeting,
        "group": meeting.group,
        "due_on": date.fromisoformat(delivery.context["due_on"]),
        "removed": bool(delivery.context.get("removed")),
    }


def _reminder_at(item: ActionItem) -> datetime:
    """09:00 the day before the item is due, in its owner's time zone."""
    day = item.due_on - timedelta(days=1)
    return datetime.combine(day, ACTION_ITEM_REMIND_AT, tzinfo=recipient_timezone(item.owner))


@planner
def plan_action_item_reminders(now: datetime) -> int:
    """One reminder per open item and due date, to its owner, the day before it is due at 09:00
    in their time zone (a moved due date gets its own). An item given after that moment was just
    announced with its date, so it gets no reminder on top."""
    today = now.date()
    items = list(
        ActionItem.objects.filter(
            done_at__isnull=True,
            owner__isnull=False,
            due_on__gte=today - timedelta(days=1),
            due_on__lte=today + timedelta(days=2),
        ).select_related("owner__profile")
    )
    prefs = preferences_for({item.owner for item in items}, Kind.ACTION_ITEM)
    rows = []
    for item in items:
        due_at = _reminder_at(item)
        if not (now - CATCH_UP < due_at <= now) or item.created_at >= due_at:
            continue
        if not wants(prefs.get(item.owner_id), Kind.ACTION_ITEM):
            continue
        object_type, object_id = object_key(item)
        rows.append(
            Delivery(
                recipient=item.owner,
                email=item.owner.email,
                kind=Kind.ACTION_ITEM,
                template="action_item_reminder",
                object_type=object_type,
                object_id=object_id,
                dedupe_key=item.due_on.isoformat(),
                due_at=due_at,
                context={"due_on": item.due_on.isoformat()},
            )
        )
    return record_planned(rows)
