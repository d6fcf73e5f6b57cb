"""Reads about presentations, scoped to the group's members."""

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.http import Http404

from groups.models import Membership
from groups.selectors import require_current_rules
from meetings.enums import PRESENTATION_KINDS
from meetings.models import Meeting
from presentations.enums import SwapStatus
from presentations.models import Election, Nomination, Presentation, RecognitionFlag, SwapOffer


def presentations_by_segment(meeting: Meeting) -> dict[int, Presentation]:
    return {
        p.segment_id: p
        for p in Presentation.objects.filter(meeting=meeting).select_related("presenter__profile")
    }


def open_swaps_for(user, meeting: Meeting) -> list[SwapOffer]:
    return list(
        SwapOffer.objects.filter(
            meeting=meeting, to_user=user, status=SwapStatus.PENDING
        ).select_related("from_user__profile", "presentation__segment")
    )


def my_pending_offers(user, meeting: Meeting) -> list[SwapOffer]:
    return list(
        SwapOffer.objects.filter(
            meeting=meeting, from_user=user, status=SwapStatus.PENDING
        ).select_related("to_user__profile")
    )


def get_presentation_for_member(user, pk: int) -> tuple[Presentation, Membership, bool]:
    """A presentation, the viewer's membership, and whether the viewer flagged recognition.

    404 for anyone who is not a member of the meeting's group.
    """
    if not user.is_authenticated:
        raise Http404("No such page.")
    presentation = (
        Presentation.objects.select_related("meeting__group", "segment", "presenter__profile")
        .filter(
            pk=pk,
            meeting__group__in=Membership.objects.filter(user=user).values("group_id"),
        )
        .annotate(
            flagged_by_me=Exists(
                RecognitionFlag.objects.filter(presentation=OuterRef("pk"), user=user)
            ),
            flag_count=Count("recognition_flags"),
        )
        .first()
    )
    if presentation is None:
        raise Http404("No such page.")
    membership = Membership.objects.select_related("group").get(
        group=presentation.meeting.group_id, user=user
    )
    require_current_rules(membership)
    return presentation, membership, presentation.flagged_by_me


def presentation_slots(meeting: Meeting) -> int:
    return meeting.segments.filter(kind__in=PRESENTATION_KINDS).count()


def elections_of(group) -> QuerySet[Election]:
    return group.elections.select_related("winner__profile").order_by("-created_at")


def get_election_for_member(user, pk: int) -> tuple[Election, Membership]:
    if not user.is_authenticated:
        raise Http404("No such page.")
    election = (
        Election.objects.select_related("group", "winner__profile")
        .filter(pk=pk, group__in=Membership.objects.filter(user=user).values("group_id"))
        .first()
    )
    if election is None:
        raise Http404("No such page.")
    return election, Membership.objects.get(group=election.group_id, user=user)


def nominations_of(election: Election) -> list[Nomination]:
    return list(
        election.nominations.select_related("nominee__profile", "nominated_by__profile").order_by(
            "created_at"
        )
    )


def has_voted(user, election: Election) -> bool:
    return election.ballots.filter(voter=user).exists()


def held_by(user, segment) -> Presentation:
    """The presentation in this slot if the user holds it; 404 otherwise."""
    presentation = Presentation.objects.filter(segment=segment, presenter=user).first()
    if presentation is None:
        raise Http404("You do not hold that slot.")
    return presentation
