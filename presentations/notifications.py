"""What presentations send. Never case content: only the slot's label and the meeting."""

from datetime import datetime, timedelta

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from groups.enums import MANAGING_ROLES, DepartureReason
from groups.models import Group, Membership
from groups.selectors import organizers_of
from meetings.enums import PRESENTATION_KINDS, MeetingStatus
from meetings.models import Meeting
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
from presentations.enums import ElectionPhase, Opening, PresentationStatus, SwapStatus
from presentations.models import (
    Election,
    FollowUp,
    FollowUpReason,
    FollowUpStatus,
    Presentation,
    SwapOffer,
)
from presentations.selectors import electorate
from presentations.signup import case_ready_by

CATCH_UP = timedelta(hours=6)
PRESENTER_BEFORE = timedelta(days=3)
ELECTION_CLOSING_BEFORE = timedelta(hours=24)

# The words the builders add are lazy: the e-mail is written later, in the recipient's language
# (members.emails.send_templated_mail), not in whatever language builds its context.
_interpolate = lazy(lambda message, values: str(message) % values, str)


# ``actor``: the person whose action an e-mail tells of, None when the system acted. ``notify``
# never sends it to them; nothing here filters recipients by hand.


def swap_offered(offer: SwapOffer) -> None:
    notify(
        kind=Kind.SWAP,
        template="swap_offer",
        obj=offer,
        actor=offer.from_user,
        recipients=[offer.to_user],
    )


def slot_assigned(presentation: Presentation, *, actor, key: int) -> None:
    """An organizer put a member in a slot: one e-mail to them, none if they did it themselves.
    ``key`` (the action's audit entry) makes each assignment its own e-mail."""
    notify(
        kind=Kind.SWAP,
        template="slot_assigned",
        obj=presentation,
        actor=actor,
        recipients=[presentation.presenter],
        dedupe_key=f"a{key}",
        context={"actor": getattr(actor, "pk", None)},
    )


def slot_released(
    *, meeting: Meeting, slots: list[str], user, actor, why: str, kept_draft: bool, key: int
) -> None:
    """A member lost a slot through someone else's action (unassigned, given to someone else,
    removed from the agenda): one e-mail to them, none to the person who acted. The slot is
    often gone by the time it is sent, so the e-mail is about the meeting; it names the slot,
    never what the member wrote."""
    notify(
        kind=Kind.SWAP,
        template="slot_released",
        obj=meeting,
        actor=actor,
        recipients=[user],
        dedupe_key=f"a{key}",
        context={
            "actor": getattr(actor, "pk", None),
            "slots": list(slots),
            "why": why,
            "kept_draft": kept_draft,
        },
    )


def rotation_invited(presentation: Presentation, *, actor=None) -> None:
    """The next in line is invited to a slot; not if they are the organizer filling the slots
    (``actor``: they see the invitation on the page). None when the system filled them."""
    notify(
        kind=Kind.SWAP,
        template="rotation_invitation",
        obj=presentation,
        actor=actor,
        recipients=[presentation.presenter],
        dedupe_key=f"user{presentation.presenter_id}",
    )


def recognition_flagged(presentation: Presentation) -> None:
    """The flag names nobody, not even here (the service refuses a presenter's own flag)."""
    notify(
        kind=Kind.RECOGNITION,
        template="recognition_flag",
        obj=presentation,
        actor=None,
        recipients=[presentation.presenter],
        dedupe_key=f"n{presentation.recognition_flags.count()}",
    )


def _members(group_id) -> list:
    return [m.user for m in Membership.objects.filter(group=group_id).select_related("user")]


def _electorate(election: Election) -> list:
    """Members when the election opened: only they may vote (joined later: not reminded)."""
    return [m.user for m in electorate(election)]


def election_opened(election: Election, actor=None) -> None:
    """Every member but the organizer who opened it is invited to nominate."""
    notify(
        kind=Kind.ELECTION,
        template="election_opened",
        obj=election,
        actor=actor,
        recipients=_members(election.group_id),
    )


def election_closed(election: Election) -> None:
    """The result goes to every member, the organizer who closed it included: it is the
    group's record, not news of their own action."""
    notify(
        kind=Kind.ELECTION,
        template="election_result",
        obj=election,
        actor=None,
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


def _actor_name(delivery) -> str:
    actor = User.objects.select_related("profile").filter(pk=delivery.context.get("actor")).first()
    return str(actor) if actor is not None else _("An organizer")


@builder("slot_assigned")
def build_slot_assigned(delivery):
    presentation = (
        Presentation.objects.select_related("meeting__group", "segment")
        .filter(pk=delivery.object_id, presenter=delivery.recipient)
        .first()
    )
    if presentation is None or presentation.meeting.is_cancelled:
        return None
    meeting = presentation.meeting
    return {
        "presentation": presentation,
        "meeting": meeting,
        "group": meeting.group,
        "slot": presentation.segment.label,
        "actor": _actor_name(delivery),
        "ready_by": case_ready_by(meeting) if presentation.is_case else None,
    }


@builder("slot_released")
def build_slot_released(delivery):
    meeting = Meeting.objects.select_related("group").filter(pk=delivery.object_id).first()
    if meeting is None:
        return None
    return {
        "meeting": meeting,
        "group": meeting.group,
        "slots": delivery.context.get("slots") or [_("Presentation")],
        "actor": _actor_name(delivery),
        "why": delivery.context.get("why", "unassigned"),
        "kept_draft": bool(delivery.context.get("kept_draft")),
    }


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
    if election is None or election.closed_at or election.phase() != ElectionPhase.VOTING:
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
        members = [u for u in _electorate(election) if u.pk not in voted]
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


# --- a member deleted their account: the organizers learn which roles and slots opened ----------

MEETING_OPENINGS = (Opening.FACILITATOR, Opening.BACKUP, Opening.TIMEKEEPER)


def roles_opened(
    *,
    former,
    organizer,
    openings: list[dict],
    reason: str = DepartureReason.ACCOUNT_DELETED,
    stamp: str = "",
    actor=None,
) -> None:
    """One e-mail to one organizer listing what a member who left (or was removed, or deleted
    their account) left open in the groups they run (one e-mail per person, however many
    groups). The openings are ids and labels only (groups, meetings, slot labels, election
    titles): never case content. ``stamp`` tells one departure from the next. ``actor``: the
    organizer who removed the member, if one did (never told of their own action)."""
    if not openings:
        return
    notify(
        kind=Kind.MEETING_CHANGED,
        template="roles_opened",
        obj=former,
        actor=actor,
        recipients=[organizer],
        dedupe_key=f"{reason}:{stamp}" if stamp else "",
        context={"openings": openings, "reason": reason},
    )


def _opening_line(opening: dict, meeting) -> str | None:
    role = opening.get("role")
    if role in MEETING_OPENINGS and meeting is not None:
        return _interpolate(
            _("%(role)s of %(meeting)s"), {"role": Opening(role).label, "meeting": meeting.title}
        )
    if role == Opening.SLOT and meeting is not None:
        return _interpolate(
            _("%(slot)s slot in %(meeting)s"),
            {"slot": opening.get("slot"), "meeting": meeting.title},
        )
    if role == Opening.LEADER:
        return _("Group leader: the term ended today")
    if role == Opening.NOMINEE:
        return _interpolate(
            _("A nomination in the %(election)s election"), {"election": opening.get("election")}
        )
    return None


@builder("roles_opened")
def build_roles_opened(delivery):
    openings = (delivery.context or {}).get("openings") or []
    # Only the groups the recipient still runs.
    groups = {
        g.pk: g
        for g in Group.objects.filter(
            pk__in={o.get("group") for o in openings},
            memberships__user=delivery.recipient,
            memberships__role__in=MANAGING_ROLES,
        )
    }
    meetings = {
        m.pk: m
        for m in Meeting.objects.filter(
            pk__in={o.get("meeting") for o in openings if o.get("meeting")}, group__in=groups
        )
    }
    by_group: dict[int, list[dict]] = {}
    for opening in openings:
        meeting = meetings.get(opening.get("meeting"))
        what = _opening_line(opening, meeting) if opening.get("group") in groups else None
        if what is not None:
            by_group.setdefault(opening["group"], []).append({"what": what, "meeting": meeting})
    if not by_group:
        return None
    sections = [{"group": groups[pk], "lines": lines} for pk, lines in by_group.items()]
    reason = (delivery.context or {}).get("reason", DepartureReason.ACCOUNT_DELETED)
    former = User.objects.select_related("profile").filter(pk=delivery.object_id).first()
    return {
        "sections": sections,
        "reason": reason,
        "former": str(former) if former else _("A member"),
    }


# --- case follow-ups: who asked, at which meeting, what the organizers decided ------------------
# Never the case: the presenter's name, the meeting and, on removal, a reason from a list.


def follow_up_requested(follow_up: FollowUp) -> None:
    """The group's organizers (and co-organizers) learn that a presenter asked to report back
    at a meeting; one e-mail each per meeting the request is placed on, never to the presenter
    (an organizer themselves, perhaps)."""
    notify(
        kind=Kind.FOLLOW_UP,
        template="follow_up_requested",
        obj=follow_up,
        actor=follow_up.presenter,
        recipients=[m.user for m in organizers_of(follow_up.meeting.group)],
        dedupe_key=f"m{follow_up.meeting_id}",
        context={"meeting": follow_up.meeting_id},
    )


def follow_up_accepted(follow_up: FollowUp, *, actor) -> None:
    notify(
        kind=Kind.FOLLOW_UP,
        template="follow_up_accepted",
        obj=follow_up,
        actor=actor,
        recipients=[follow_up.presenter],
        dedupe_key=f"m{follow_up.meeting_id}",
        context={"meeting": follow_up.meeting_id},
    )


def follow_up_removed(follow_up: FollowUp, *, actor) -> None:
    """Taken off the agenda by an organizer (``actor``), on the meeting page or in the agenda
    editor; ``actor`` None when its segment went some other way and the services learn of it
    afterwards."""
    notify(
        kind=Kind.FOLLOW_UP,
        template="follow_up_removed",
        obj=follow_up,
        actor=actor,
        recipients=[follow_up.presenter],
        dedupe_key=f"m{follow_up.meeting_id}",
        context={"meeting": follow_up.meeting_id, "actor": getattr(actor, "pk", None)},
    )


def _follow_up(delivery, **filters) -> FollowUp | None:
    """The follow-up as it stands, still about the meeting the e-mail was recorded for."""
    return (
        FollowUp.objects.select_related("meeting__group", "presenter__profile", "segment")
        .filter(pk=delivery.object_id, meeting_id=delivery.context.get("meeting"), **filters)
        .first()
    )


@builder("follow_up_requested")
def build_follow_up_requested(delivery):
    follow_up = _follow_up(delivery, status=FollowUpStatus.PROPOSED, segment__isnull=False)
    if follow_up is None or follow_up.meeting.is_cancelled or follow_up.meeting.has_started:
        return None
    still_organizer = Membership.objects.filter(
        group=follow_up.group_id, user=delivery.recipient, role__in=MANAGING_ROLES
    ).exists()
    if not still_organizer:
        return None
    meeting = follow_up.meeting
    return {"presenter": str(follow_up.presenter), "meeting": meeting, "group": meeting.group}


@builder("follow_up_accepted")
def build_follow_up_accepted(delivery):
    follow_up = _follow_up(
        delivery,
        status=FollowUpStatus.ACCEPTED,
        presenter=delivery.recipient,
        segment__isnull=False,
    )
    if follow_up is None or follow_up.meeting.is_cancelled:
        return None
    meeting = follow_up.meeting
    return {
        "follow_up": follow_up,
        "meeting": meeting,
        "group": meeting.group,
        "minutes": follow_up.segment.minutes,
    }


@builder("follow_up_removed")
def build_follow_up_removed(delivery):
    follow_up = _follow_up(delivery, status=FollowUpStatus.REMOVED, presenter=delivery.recipient)
    if follow_up is None:
        return None
    meeting = follow_up.meeting
    return {
        "follow_up": follow_up,
        "meeting": meeting,
        "group": meeting.group,
        "actor": _actor_name(delivery),
        "reason": FollowUpReason(follow_up.reason).label if follow_up.reason else "",
    }
