"""The fair rotation: inviting presenters from the queue, and rotating facilitators."""

import zoneinfo
from bisect import bisect_left
from datetime import timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.enums import LeadershipModel
from groups.models import FOUNDING_PERIOD, Group, Membership
from meetings.enums import PRESENTATION_KINDS, MeetingStatus, RsvpAnswer
from meetings.models import Meeting, Rsvp
from members.services import record_audit
from presentations import notifications
from presentations.enums import PresentationStatus, SwapRole
from presentations.models import DraftReason, LeadershipTerm, Presentation, RotationDecline
from presentations.rotation import Candidate, next_in_line, order_queue
from presentations.services.base import PresentationError, check
from presentations.services.cases import release_presentation_content
from presentations.services.elections import lead_meetings, term_window

INVITATION_HOURS = 48
FACILITATION_HORIZON = timedelta(weeks=6)


def _candidates(group_id: int, *, last_by_user: dict) -> list[tuple[Candidate, Membership]]:
    memberships = Membership.objects.filter(group=group_id).select_related("user__profile")
    return [
        (Candidate(m.user_id, m.joined_at, last_by_user.get(m.user_id)), m) for m in memberships
    ]


def last_presenting_turns(group_id: int) -> dict[int, tuple]:
    """Each member's most recent presenting turn in the group: (meeting start, slot position)."""
    last: dict[int, tuple] = {}
    rows = Presentation.objects.filter(meeting__group=group_id).values_list(
        "presenter_id", "meeting__starts_at", "segment__position"
    )
    for user_id, starts_at, position in rows:
        turn = (starts_at, position)
        if user_id not in last or turn > last[user_id]:
            last[user_id] = turn
    return last


def _skipped(meeting: Meeting, role: str) -> set[int]:
    cant = set(
        Rsvp.objects.filter(meeting=meeting, answer=RsvpAnswer.CANT).values_list(
            "user_id", flat=True
        )
    )
    declined = set(
        RotationDecline.objects.filter(meeting=meeting, role=role).values_list("user_id", flat=True)
    )
    return cant | declined


def meeting_starts(group: Group, before) -> list:
    """The starts of the group's meetings (cancelled ones aside) before ``before``, sorted."""
    return sorted(
        Meeting.objects.filter(group=group, starts_at__lt=before)
        .exclude(status=MeetingStatus.CANCELLED)
        .values_list("starts_at", flat=True)
    )


def settling_in(group: Group, memberships, at, *, starts: list | None = None) -> set[int]:
    """The user ids among ``memberships`` still settling in at ``at``: newcomers
    (``Membership.is_new``'s rule: not among those who founded the group in its first week)
    with fewer of the group's meetings (cancelled ones aside) begun since they joined than its
    ``newcomer_meetings``. The rotation does not ask them to present or facilitate; they may
    still sign up. ``starts``: the group's meeting starts, when the caller has them."""
    grace = group.newcomer_meetings
    founded = group.created_at + FOUNDING_PERIOD
    newcomers = [m for m in memberships if m.joined_at > founded]
    if not grace or not newcomers:
        return set()
    starts = [t for t in (starts if starts is not None else meeting_starts(group, at)) if t < at]
    return {m.user_id for m in newcomers if len(starts) - bisect_left(starts, m.joined_at) < grace}


def presenter_queue(meeting: Meeting) -> list[Membership]:
    """Members in presenting order for this meeting: never presented first, then least recently,
    ties by join date; without those who can't go, declined, already present this time, or are
    still settling in (``settling_in``)."""
    pairs = _candidates(meeting.group_id, last_by_user=last_presenting_turns(meeting.group_id))
    by_id = {c.user_id: m for c, m in pairs}
    skip = _skipped(meeting, SwapRole.PRESENTER) | set(
        Presentation.objects.filter(meeting=meeting).values_list("presenter_id", flat=True)
    )
    skip |= settling_in(meeting.group, by_id.values(), meeting.starts_at)
    return [by_id[c.user_id] for c in order_queue(c for c, _ in pairs) if c.user_id not in skip]


def _invite_next(meeting: Meeting, segment, now, actor=None) -> Presentation | None:
    """Invite the next in line to ``segment``. The invitee is e-mailed, unless they are the
    organizer filling the slots themselves (they see the invitation on the page)."""
    queue = presenter_queue(meeting)
    if not queue:
        return None
    presentation = Presentation.objects.create(
        segment=segment,
        meeting=meeting,
        presenter=queue[0].user,
        status=PresentationStatus.INVITED,
        invited_until=now + timedelta(hours=INVITATION_HOURS),
    )
    notifications.rotation_invited(presentation, actor=actor)
    return presentation


@transaction.atomic
def fill_slots_from_queue(*, actor, meeting: Meeting) -> list[Presentation]:
    """Invite the next members in line to this meeting's open slots (48 hours to answer)."""
    meeting = (
        Meeting.objects.select_for_update(of=("self",)).select_related("group").get(pk=meeting.pk)
    )
    check(actor, "presentations.manage_slots", meeting)
    if meeting.is_cancelled or meeting.has_started:
        raise PresentationError(_("This meeting has started or is cancelled."))
    open_slots = (
        meeting.segments.select_for_update(of=("self",))
        .filter(kind__in=PRESENTATION_KINDS, presentation__isnull=True)
        .order_by("position")
    )
    now = timezone.now()
    invited = []
    for segment in open_slots:
        presentation = _invite_next(meeting, segment, now, actor=actor)
        if presentation is None:
            break
        invited.append(presentation)
    record_audit(
        actor=actor,
        verb="rotation.filled",
        group=meeting.group,
        obj=meeting,
        data={"invited": [p.presenter_id for p in invited]},
    )
    return invited


def _own_invitation(user, presentation_id: int) -> Presentation:
    presentation = (
        Presentation.objects.select_for_update(of=("self",))
        .select_related("meeting__group", "segment")
        .filter(pk=presentation_id, presenter=user, status=PresentationStatus.INVITED)
        .first()
    )
    if presentation is None:
        raise PresentationError(_("There is no open invitation for you to answer."))
    return presentation


@transaction.atomic
def accept_rotation_invitation(*, user, presentation_id: int) -> Presentation:
    presentation = _own_invitation(user, presentation_id)
    if presentation.invited_until <= timezone.now():
        raise PresentationError(_("This invitation has expired and passed to the next member."))
    presentation.status = PresentationStatus.CONFIRMED
    presentation.invited_until = None
    presentation.save(update_fields=["status", "invited_until"])
    record_audit(
        actor=user,
        verb="rotation.accepted",
        subject=user,
        group=presentation.meeting.group,
        obj=presentation,
    )
    return presentation


def _pass_on(presentation: Presentation, *, verb: str, actor=None) -> Presentation | None:
    meeting, segment, user = presentation.meeting, presentation.segment, presentation.presenter
    RotationDecline.objects.get_or_create(meeting=meeting, user=user, role=SwapRole.PRESENTER)
    # Anything they began writing stays theirs; the next member in line starts blank.
    draft = release_presentation_content(presentation=presentation, reason=DraftReason.PASSED_ON)
    presentation.delete()
    record_audit(
        actor=actor,
        verb=verb,
        subject=user,
        group=meeting.group,
        obj=meeting,
        data={"kept_as_draft": draft is not None} if draft is not None else None,
    )
    return _invite_next(meeting, segment, timezone.now())


@transaction.atomic
def decline_rotation_invitation(*, user, presentation_id: int) -> Presentation | None:
    presentation = _own_invitation(user, presentation_id)
    return _pass_on(presentation, verb="rotation.declined", actor=user)


def expire_rotation_invitations(*, now=None) -> int:
    """Invitations not answered in 48 hours pass to the next member. Safe to run twice."""
    now = now or timezone.now()
    expired = 0
    due = Presentation.objects.filter(
        status=PresentationStatus.INVITED, invited_until__lte=now
    ).values_list("pk", flat=True)
    for presentation_id in list(due):
        with transaction.atomic():
            presentation = (
                Presentation.objects.select_for_update(of=("self",))
                .select_related("meeting__group", "segment", "presenter")
                .filter(
                    pk=presentation_id, status=PresentationStatus.INVITED, invited_until__lte=now
                )
                .first()
            )
            if presentation is not None:
                _pass_on(presentation, verb="rotation.expired")
                expired += 1
    return expired


def _assign_elected_leaders(group: Group) -> list[Meeting]:
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(group.time_zone))
    terms = (
        LeadershipTerm.objects.filter(
            group=group,
            ends_on__gte=today,
            leader__is_active=True,
            leader__memberships__group=group,
        )
        .select_related("leader")
        .order_by("starts_on")
    )
    assigned = []
    for term in terms:
        starts, ends = term_window(term.starts_on, term.ends_on, group)
        assigned += lead_meetings(
            group=group, leader=term.leader, starts=starts, ends=ends, only_unset=True
        )
    if assigned:
        record_audit(
            actor=None,
            verb="rotation.facilitators_assigned",
            group=group,
            data={"meetings": len(assigned)},
        )
    return assigned


@transaction.atomic
def assign_facilitators(*, group: Group, today=None) -> list[Meeting]:
    """Rotating leadership: give each upcoming meeting without one a facilitator and a backup,
    round-robin among members who opted in, skipping those who can't go.

    Elected leadership: the leader of each current or coming term facilitates every scheduled
    meeting of the term that has no facilitator yet, meetings created after the election too."""
    if group.leadership_model == LeadershipModel.ELECTED:
        return _assign_elected_leaders(group)
    if group.leadership_model != LeadershipModel.ROTATING:
        return []
    now = timezone.now()
    meetings = list(
        Meeting.objects.select_for_update(of=("self",))
        .filter(
            group=group,
            status=MeetingStatus.SCHEDULED,
            starts_at__gt=now,
            starts_at__lte=now + FACILITATION_HORIZON,
            facilitator__isnull=True,
        )
        .order_by("starts_at")
    )
    last = {
        user_id: (starts_at, 0)
        for user_id, starts_at in Meeting.objects.filter(group=group, facilitator__isnull=False)
        .values("facilitator_id")
        .annotate(last=Max("starts_at"))
        .values_list("facilitator_id", "last")
    }
    willing = list(Membership.objects.filter(group=group, facilitates=True))
    candidates = {
        m.user_id: Candidate(m.user_id, m.joined_at, last.get(m.user_id)) for m in willing
    }
    assigned = []
    starts = meeting_starts(group, now + FACILITATION_HORIZON) if meetings else []
    for meeting in meetings:
        skip = _skipped(meeting, SwapRole.FACILITATOR) | settling_in(
            group, willing, meeting.starts_at, starts=starts
        )
        chosen = next_in_line(candidates.values(), skip=skip, count=2)
        if not chosen:
            continue
        meeting.facilitator_id = chosen[0].user_id
        meeting.backup_facilitator_id = chosen[1].user_id if len(chosen) > 1 else None
        meeting.save(update_fields=["facilitator", "backup_facilitator", "updated_at"])
        first = chosen[0]
        candidates[first.user_id] = Candidate(
            first.user_id, first.joined_at, (meeting.starts_at, 0)
        )
        assigned.append(meeting)
    if assigned:
        record_audit(
            actor=None,
            verb="rotation.facilitators_assigned",
            group=group,
            data={"meetings": len(assigned)},
        )
    return assigned


@transaction.atomic
def rotate_facilitators(*, actor, meeting: Meeting) -> list[Meeting]:
    """An organizer asks, from a meeting's page, for the rotation (or the elected leader) to
    give the group's upcoming meetings their facilitators now rather than on the next
    scheduled run. Returns the meetings that were given one."""
    check(actor, "presentations.manage_slots", meeting)
    return assign_facilitators(group=meeting.group)
