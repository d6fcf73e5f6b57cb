"""Reads about presentations, scoped to the group's members."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from groups.models import Group, Membership
from groups.selectors import attach_loaded, require_current_rules, with_latest_rules
from meetings import selectors as meeting_selectors
from meetings.enums import PRESENTATION_KINDS, RsvpAnswer
from meetings.models import Meeting, Rsvp
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
                RecognitionFlag.objects.by_member(user, pk).filter(presentation=OuterRef("pk"))
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


def held_slots(meeting: Meeting) -> dict[int, Presentation]:
    """The meeting's held slots by segment id, with their presenters (the agenda page)."""
    return {
        p.segment_id: p
        for p in Presentation.objects.filter(meeting=meeting).select_related("presenter__profile")
    }


def drafts_of(user) -> QuerySet:
    """The author's own drafts, newest first. Nobody else's, ever."""
    from presentations.models import CaseDraft

    if not user.is_authenticated:
        return CaseDraft.objects.none()
    return CaseDraft.objects.filter(author=user).select_related("group", "source_meeting")


def get_draft_for_author(user, pk: int):
    """One of the author's drafts; 404 for anyone else, as for a draft that does not exist."""
    draft = drafts_of(user).filter(pk=pk).first()
    if draft is None:
        raise Http404("No such page.")
    return draft


def held_by(user, segment) -> Presentation:
    """The presentation in this slot if the user holds it; 404 otherwise."""
    presentation = Presentation.objects.filter(segment=segment, presenter=user).first()
    if presentation is None:
        raise Http404("You do not hold that slot.")
    return presentation


# --- leadership and elections on the group page and the dashboard ----------------------------------


def current_and_next_terms(group, today) -> tuple:
    """The term leading the group today and the next one elected, if any (former members'
    terms end when they delete their account and are not shown)."""
    from presentations.models import LeadershipTerm

    terms = list(
        LeadershipTerm.objects.filter(
            group=group,
            ends_on__gte=today,
            leader__is_active=True,
            leader__memberships__group=group,
        )
        .select_related("leader__profile")
        .order_by("starts_on", "pk")[:2]
    )
    current = next((t for t in terms if t.starts_on <= today), None)
    upcoming = next((t for t in terms if t.starts_on > today), None)
    return current, upcoming


def elections_waiting_for(user) -> list[tuple[Election, str]]:
    """Open elections where the member still has something to do: (election, "nominate" or
    "vote"). Only elections the member may take part in (a member when it opened)."""
    from django.utils import timezone

    from presentations.models import Ballot

    now = timezone.now()
    memberships = Membership.objects.filter(user=user, joined_at__lte=OuterRef("created_at"))
    elections = (
        Election.objects.filter(closed_at__isnull=True, voting_closes_at__gt=now)
        .filter(Exists(memberships.filter(group=OuterRef("group"))))
        .annotate(
            nominated_by_me=Exists(
                Nomination.objects.filter(election=OuterRef("pk"), nominated_by=user)
            ),
            voted=Exists(Ballot.objects.filter(election=OuterRef("pk"), voter=user)),
            has_nominees=Exists(Nomination.objects.filter(election=OuterRef("pk"))),
        )
        .select_related("group")
        .order_by("voting_closes_at", "pk")
    )
    waiting = []
    for election in elections:
        if now < election.nominations_close_at:
            if not election.nominated_by_me:
                waiting.append((election, "nominate"))
        elif election.has_nominees and not election.voted:
            waiting.append((election, "vote"))
    return waiting


def upcoming_for_user(user, groups: dict[int, Group], *, limit: int = 20) -> list[Meeting]:
    """The next meetings of the viewer's groups (``groups``: already loaded, by id), each with
    the viewer's own answer and whether they present.

    Both come as annotations of the one meeting query (``my_answer``, ``presenting``) and are
    turned into ``my_rsvp_label`` and ``my_roles`` for the page.
    """
    now = timezone.now()
    mine = Rsvp.objects.filter(meeting=OuterRef("pk"), user=user)
    meetings = list(
        Meeting.objects.filter(group_id__in=list(groups), ends_at__gt=now)
        .annotate(
            my_answer=Subquery(mine.values("answer")[:1]),
            presenting=Exists(Presentation.objects.filter(meeting=OuterRef("pk"), presenter=user)),
        )
        .order_by("starts_at", "id")[:limit]
    )
    for meeting in meetings:
        meeting.my_rsvp_label = RsvpAnswer(meeting.my_answer).label if meeting.my_answer else None
        meeting.my_roles = ["Presenter"] if meeting.presenting else []
    return meeting_selectors.attach_groups(meetings, groups)
