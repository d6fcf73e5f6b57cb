"""When someone stops being part of a group, everything they held in its future ends.

One mechanism for every way out: leaving, being removed by an organizer, deleting the account.
``end_roles`` clears what the person held (meeting roles, future slots, pending swaps, a
leadership term, nominations in open elections, requests to report back on a case) and returns,
by group, what opened; the organizers are told once each. What the person wrote for a slot they lose is kept as their
private draft, unless they are deleting their account (then it leaves with them).
"""

import zoneinfo

from django.db.models import Q
from django.utils import timezone

from groups.enums import MANAGING_ROLES, DepartureReason
from groups.models import Membership
from meetings.enums import MeetingStatus
from meetings.models import Meeting
from members.models import User
from presentations import notifications
from presentations.enums import Opening, SwapStatus
from presentations.models import (
    CaseDraft,
    DraftReason,
    LeadershipTerm,
    Nomination,
    Presentation,
    SwapOffer,
)
from presentations.services.cases import release_presentation_content
from presentations.services.followups import end_follow_ups

MEETING_ROLES = (
    ("facilitator", Opening.FACILITATOR),
    ("backup_facilitator", Opening.BACKUP),
    ("timekeeper", Opening.TIMEKEEPER),
)
DRAFT_REASONS = {
    DepartureReason.LEFT: DraftReason.LEFT_GROUP,
    DepartureReason.REMOVED: DraftReason.REMOVED_FROM_GROUP,
}


def end_roles(
    *, user: User, now=None, group_ids: set[int] | None = None, reason: str
) -> dict[int, list[dict]]:
    """End every role, term and future slot of ``user`` (in ``group_ids``, or everywhere) and
    return, by group, what opened (ids and labels only, never a name or case content)."""
    now = now or timezone.now()
    openings: dict[int, list[dict]] = {}
    in_groups = Q() if group_ids is None else Q(group__in=group_ids)

    def opened(group_id: int, **what) -> None:
        openings.setdefault(group_id, []).append(what)

    meetings = (
        Meeting.objects.select_for_update(of=("self",))
        .filter(in_groups, starts_at__gt=now)
        .filter(Q(facilitator=user) | Q(backup_facilitator=user) | Q(timekeeper=user))
        .order_by("starts_at", "pk")
    )
    for meeting in meetings:
        changed = []
        for field, role in MEETING_ROLES:
            if getattr(meeting, f"{field}_id") == user.pk:
                setattr(meeting, field, None)
                changed.append(field)
                if meeting.status == MeetingStatus.SCHEDULED:
                    opened(meeting.group_id, role=role, meeting=meeting.pk)
        meeting.save(update_fields=[*changed, "updated_at"])
    meeting_scope = Q() if group_ids is None else Q(meeting__group__in=group_ids)
    for presentation in (
        Presentation.objects.select_for_update(of=("self",))
        .filter(meeting_scope, presenter=user, meeting__starts_at__gt=now)
        .select_related("segment", "meeting")
        .order_by("meeting__starts_at", "segment__position")
    ):
        if presentation.meeting.status == MeetingStatus.SCHEDULED:
            opened(
                presentation.meeting.group_id,
                role=Opening.SLOT,
                meeting=presentation.meeting_id,
                slot=presentation.segment.label,
            )
        if reason in DRAFT_REASONS:  # they did not ask to delete what they wrote
            release_presentation_content(presentation=presentation, reason=DRAFT_REASONS[reason])
        presentation.delete()
    SwapOffer.objects.filter(
        meeting_scope, Q(from_user=user) | Q(to_user=user), status=SwapStatus.PENDING
    ).update(status=SwapStatus.WITHDRAWN, answered_at=now)
    for term in (
        LeadershipTerm.objects.select_for_update(of=("self",))
        .filter(in_groups, leader=user)
        .select_related("group")
    ):
        # Today where the group is, or the server's today if that is earlier.
        today = min(
            timezone.localdate(now, timezone=zoneinfo.ZoneInfo(term.group.time_zone)),
            timezone.localdate(now),
        )
        if term.starts_on > today:
            term.delete()  # a term that has not started is not history
        elif term.ends_on > today:
            term.ends_on = today
            term.save(update_fields=["ends_on"])
            opened(term.group_id, role=Opening.LEADER)
    election_scope = Q() if group_ids is None else Q(election__group__in=group_ids)
    for nomination in Nomination.objects.filter(
        election_scope, nominee=user, election__closed_at__isnull=True
    ).select_related("election"):
        opened(
            nomination.election.group_id, role=Opening.NOMINEE, election=nomination.election.title
        )
        nomination.delete()  # and the secret votes for it
    # Their requests to report back on a case end, and leave the agendas (nobody is e-mailed).
    end_follow_ups(user=user, reason=reason, now=now, group_ids=group_ids)
    if reason == DepartureReason.ACCOUNT_DELETED:
        # What they wrote leaves with them: drafts, and the case text of past slots (the slots
        # themselves stay in the group's history).
        CaseDraft.objects.filter(author=user).delete()
        Presentation.objects.filter(presenter=user, case_purged_at__isnull=True).update(
            case_question="",
            case_background="",
            case_tried="",
            case_help_wanted=[],
            case_confirmed_findings=[],
            topic_title="",
            topic_summary="",
            topic_links=[],
            case_purged_at=now,
        )
    return openings


def tell_organizers(
    *, user: User, openings: dict[int, list[dict]], reason: str, actor: User | None = None
) -> None:
    """One e-mail per organizer (or co-organizer), listing what opened in the groups they run;
    never to the person who left, nor to the organizer who acted."""
    per_organizer: dict[int, tuple[User, list[dict]]] = {}
    excluded = {user.pk}  # the person who left is the subject; notify() leaves out the actor
    for membership in (
        Membership.objects.filter(group__in=list(openings), role__in=MANAGING_ROLES)
        .exclude(user__in=excluded)
        .select_related("user__profile")
        .order_by("group_id", "pk")
    ):
        _person, listed = per_organizer.setdefault(membership.user_id, (membership.user, []))
        listed += [{"group": membership.group_id, **o} for o in openings[membership.group_id]]
    stamp = timezone.now().isoformat()
    for organizer, listed in per_organizer.values():
        notifications.roles_opened(
            former=user,
            organizer=organizer,
            openings=listed,
            reason=reason,
            stamp=stamp,
            actor=actor,
        )


def on_membership_ended(sender, *, group, user, actor, reason, **kwargs) -> None:
    """Receiver of ``groups.signals.membership_ended``: the person's future in the group ends.
    Account deletion ends everything itself first (one e-mail for all groups), so nothing is
    left here then."""
    if reason == DepartureReason.ACCOUNT_DELETED:
        return
    openings = end_roles(user=user, group_ids={group.pk}, reason=reason)
    if openings:
        tell_organizers(user=user, openings=openings, reason=reason, actor=actor)
