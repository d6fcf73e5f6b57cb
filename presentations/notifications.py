"""What presentations send. Never case content: only the slot's label and the meeting."""

from datetime import datetime, timedelta

from groups.models import Membership
from meetings.enums import PRESENTATION_KINDS, MeetingStatus
from meetings.models import Meeting
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
from presentations.enums import PresentationStatus, SwapStatus
from presentations.models import Election, Presentation, SwapOffer

CATCH_UP = timedelta(hours=6)
PRESENTER_BEFORE = timedelta(days=3)
ELECTION_CLOSING_BEFORE = timedelta(hours=24)


def swap_offered(offer: SwapOffer) -> None:
    notify(kind=Kind.SWAP, template="swap_offer", obj=offer, recipients=[offer.to_user])


def rotation_invited(presentation: Presentation) -> None:
    notify(
        kind=Kind.SWAP,
        template="rotation_invitation",
        obj=presentation,
        recipients=[presentation.presenter],
        dedupe_key=f"user{presentation.presenter_id}",
    )


def recognition_flagged(presentation: Presentation) -> None:
    notify(
        kind=Kind.RECOGNITION,
        template="recognition_flag",
        obj=presentation,
        recipients=[presentation.presenter],
        dedupe_key=f"n{presentation.recognition_flags.count()}",
    )


def _members(group_id) -> list:
    return [m.user for m in Membership.objects.filter(group=group_id).select_related("user")]


def election_opened(election: Election) -> None:
    notify(
        kind=Kind.ELECTION,
        template="election_opened",
        obj=election,
        recipients=_members(election.group_id),
    )


def election_closed(election: Election) -> None:
    notify(
        kind=Kind.ELECTION,
        template="election_result",
        obj=election,
        recipients=_members(election.group_id),
    )


# --- building -----------------------------------------------------------------------------------


@builder("swap_offer")
def build_swap_offer(delivery):
    offer = (
        SwapOffer.objects.select_related(
            "meeting__group", "from_user__profile", "presentation__segment"
        )
        .filter(pk=delivery.object_id, status=SwapStatus.PENDING)
        .first()
    )
    if offer is None:
        return None
    return {"offer": offer, "meeting": offer.meeting, "group": offer.meeting.group}


@builder("rotation_invitation")
def build_rotation_invitation(delivery):
    presentation = (
        Presentation.objects.select_related("meeting__group", "segment")
        .filter(
            pk=delivery.object_id, status=PresentationStatus.INVITED, presenter=delivery.recipient
        )
        .first()
    )
    if presentation is None:
        return None
    return {
        "presentation": presentation,
        "meeting": presentation.meeting,
        "group": presentation.meeting.group,
        "slot": presentation.segment.label,
    }


@builder("recognition_flag")
def build_recognition(delivery):
    presentation = (
        Presentation.objects.select_related("meeting__group").filter(pk=delivery.object_id).first()
    )
    if presentation is None:
        return None
    return {
        "presentation": presentation,
        "meeting": presentation.meeting,
        "group": presentation.meeting.group,
    }


@builder("presenter_reminder")
def build_presenter_reminder(delivery):
    presentation = (
        Presentation.objects.select_related("meeting__group", "segment")
        .filter(
            pk=delivery.object_id, presenter=delivery.recipient, status=PresentationStatus.CONFIRMED
        )
        .first()
    )
    if (
        presentation is None
        or presentation.meeting.is_cancelled
        or (presentation.meeting.has_started)
    ):
        return None
    return {
        "presentation": presentation,
        "meeting": presentation.meeting,
        "group": presentation.meeting.group,
        # The title of what they signed up for, nothing more.
        "what": presentation.topic_title or presentation.segment.label,
    }


@builder("signup_opened")
def build_signup_opened(delivery):
    meeting = Meeting.objects.select_related("group").filter(pk=delivery.object_id).first()
    if meeting is None or meeting.is_cancelled or meeting.has_started:
        return None
    open_slots = meeting.segments.filter(
        kind__in=PRESENTATION_KINDS, presentation__isnull=True
    ).count()
    if not open_slots:
        return None
    return {"meeting": meeting, "group": meeting.group, "open_slots": open_slots}


def _election(delivery) -> Election | None:
    return Election.objects.select_related("group", "winner").filter(pk=delivery.object_id).first()


@builder("election_opened")
def build_election_opened(delivery):
    election = _election(delivery)
    if election is None or election.closed_at:
        return None
    return {"election": election, "group": election.group}


@builder("election_closing")
def build_election_closing(delivery):
    election = _election(delivery)
    if election is None or election.closed_at or election.phase() != "voting":
        return None
    if election.ballots.filter(voter=delivery.recipient).exists():
        return None
    return {"election": election, "group": election.group}


@builder("election_result")
def build_election_result(delivery):
    election = _election(delivery)
    if election is None or not election.closed_at:
        return None
    return {"election": election, "group": election.group}


# --- planning ------------------------------------------------------------------------------------


def _row(user, kind, template, obj, dedupe_key, due_at, context=None) -> Delivery:
    object_type, object_id = object_key(obj)
    return Delivery(
        recipient=user,
        email=user.email,
        kind=kind,
        template=template,
        object_type=object_type,
        object_id=object_id,
        dedupe_key=dedupe_key,
        due_at=due_at,
        context=context or {},
    )


@planner
def plan_presentation_notices(now: datetime) -> int:
    rows = []
    # Presenters, three days before.
    presentations = Presentation.objects.filter(
        status=PresentationStatus.CONFIRMED,
        meeting__status=MeetingStatus.SCHEDULED,
        meeting__starts_at__gt=max(now, now + PRESENTER_BEFORE - CATCH_UP),
        meeting__starts_at__lte=now + PRESENTER_BEFORE,
    ).select_related("presenter", "meeting")
    prefs = preferences_for([p.presenter for p in presentations], Kind.PRESENTER_REMINDER)
    for p in presentations:
        if wants(prefs.get(p.presenter_id), Kind.PRESENTER_REMINDER):
            rows.append(
                _row(
                    p.presenter,
                    Kind.PRESENTER_REMINDER,
                    "presenter_reminder",
                    p,
                    f"user{p.presenter_id}",
                    p.meeting.starts_at - PRESENTER_BEFORE,
                )
            )
    # Sign-up opened: the day the group's sign-up window opens, for meetings with slots.
    for meeting in (
        Meeting.objects.filter(
            status=MeetingStatus.SCHEDULED,
            starts_at__gt=now,
            starts_at__lte=now + timedelta(days=120),
            segments__kind__in=PRESENTATION_KINDS,
        )
        .select_related("group")
        .distinct()
    ):
        opens = meeting.starts_at - timedelta(days=meeting.group.signup_opens_days)
        if not (now - CATCH_UP < opens <= now):
            continue
        members = _members(meeting.group_id)
        prefs = preferences_for(members, Kind.SIGNUP_OPENED)
        rows += [
            _row(u, Kind.SIGNUP_OPENED, "signup_opened", meeting, "", opens)
            for u in members
            if wants(prefs.get(u.pk), Kind.SIGNUP_OPENED)
        ]
    # Elections closing within a day: a reminder to members who have not voted.
    for election in Election.objects.filter(
        closed_at__isnull=True,
        nominations_close_at__lte=now,
        voting_closes_at__gt=now,
        voting_closes_at__lte=now + ELECTION_CLOSING_BEFORE,
    ):
        voted = set(election.ballots.values_list("voter_id", flat=True))
        members = [u for u in _members(election.group_id) if u.pk not in voted]
        prefs = preferences_for(members, Kind.ELECTION)
        rows += [
            _row(
                u,
                Kind.ELECTION,
                "election_closing",
                election,
                "",
                election.voting_closes_at - ELECTION_CLOSING_BEFORE,
            )
            for u in members
            if wants(prefs.get(u.pk), Kind.ELECTION)
        ]
    return record_planned(rows)
