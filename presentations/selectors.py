"""Reads about presentations, scoped to the group's members."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from groups.models import Membership
from groups.selectors import attach_loaded, require_current_rules, with_latest_rules
from meetings.enums import PRESENTATION_KINDS
from meetings.models import Meeting
from presentations.enums import SwapStatus
from presentations.models import Election, Nomination, Presentation, RecognitionFlag, SwapOffer


def presentations_by_segment(
    meeting: Meeting, people: dict, segments: list
) -> dict[int, Presentation]:
    """The meeting's presentations by agenda segment, with presenters and segments taken from
    the members and agenda already loaded."""
    by_segment = {segment.pk: segment for segment in segments}
    presentations = list(Presentation.objects.filter(meeting=meeting))
    attach_loaded(presentations, people, "presenter")
    attach_loaded(presentations, by_segment, "segment")
    return {presentation.segment_id: presentation for presentation in presentations}


def pending_swaps(
    user, meeting: Meeting, people: dict, presentations: dict[int, Presentation]
) -> tuple[list[SwapOffer], list[SwapOffer]]:
    """The meeting's open swap offers to the viewer and from the viewer, in one query; people
    and slots come from what the meeting page has already loaded."""
    offers = list(
        SwapOffer.objects.filter(meeting=meeting, status=SwapStatus.PENDING)
        .filter(Q(to_user=user) | Q(from_user=user))
        .order_by("-created_at", "-id")
    )
    attach_loaded(offers, people, "from_user", "to_user")
    attach_loaded(offers, {p.pk: p for p in presentations.values()}, "presentation")
    to_me = [offer for offer in offers if offer.to_user_id == user.pk]
    from_me = [offer for offer in offers if offer.from_user_id == user.pk]
    return to_me, from_me


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
    membership = with_latest_rules(
        Membership.objects.filter(group_id=presentation.meeting.group_id, user=user)
    ).get()
    membership.group = presentation.meeting.group
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
