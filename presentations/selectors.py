"""Reads about presentations, scoped to the group's members."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from groups.models import Group, Membership
from groups.selectors import attach_loaded, for_viewer, with_latest_rules
from meetings import selectors as meeting_selectors
from meetings.enums import RsvpAnswer
from meetings.models import AgendaSegment, Meeting, Rsvp
from presentations.enums import SwapStatus
from presentations.models import (
    Ballot,
    CaseDraft,
    Election,
    LeadershipTerm,
    Nomination,
    Presentation,
    RecognitionFlag,
    SwapOffer,
)


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


def presentation_for(user, pk: int) -> Presentation:
    """A presentation of a group ``user`` belongs to; 404 to anyone else (site admins too:
    case material is the members' own).

    The loader of ``groups.access.permission_required``: the membership (with the latest ground
    rules, for the gate) is recorded on the presentation, its meeting and its group
    (``for_viewer``), and ``flagged_by_me`` says whether the viewer flagged that they may know
    the client (``presentations.view_case`` reads it).
    """
    if not user.is_authenticated:
        raise Http404("No such page.")
    presentation = (
        Presentation.objects.select_related("meeting__group", "segment", "presenter__profile")
        .filter(pk=pk)
        .annotate(
            flagged_by_me=Exists(
                RecognitionFlag.objects.by_member(user, pk).filter(presentation=OuterRef("pk"))
            ),
            flag_count=Count("recognition_flags"),
        )
        .first()
    )
    membership = (
        None
        if presentation is None
        else with_latest_rules(
            Membership.objects.filter(group_id=presentation.meeting.group_id, user=user)
        ).first()
    )
    if membership is None:
        raise Http404("No such page.")
    meeting = presentation.meeting
    membership.group = meeting.group
    for_viewer(meeting.group, user, membership)
    for_viewer(meeting, user, membership)
    return for_viewer(presentation, user, membership)


def segment_of(meeting: Meeting, segment_id: int) -> AgendaSegment:
    """One segment of this meeting's agenda; 404 for a segment of any other meeting."""
    segment = meeting.segments.filter(pk=segment_id).first()
    if segment is None:
        raise Http404("No such slot.")
    return segment


def elections_of(group) -> QuerySet[Election]:
    return group.elections.select_related("winner__profile").order_by("-created_at")


def election_for(user, pk: int) -> Election:
    """An election of a group ``user`` belongs to; 404 to anyone else (site admins too).

    The loader of ``groups.access.permission_required``: the membership (with the latest ground
    rules, for the gate) is recorded on the election and its group (``for_viewer``).
    """
    if not user.is_authenticated:
        raise Http404("No such page.")
    election = Election.objects.select_related("group", "winner__profile").filter(pk=pk).first()
    membership = (
        None
        if election is None
        else with_latest_rules(
            Membership.objects.filter(group_id=election.group_id, user=user)
        ).first()
    )
    if membership is None:
        raise Http404("No such page.")
    membership.group = election.group
    for_viewer(election.group, user, membership)
    return for_viewer(election, user, membership)


def electorate(election: Election) -> QuerySet[Membership]:
    """The memberships that may nominate, be nominated and vote: members when it opened.

    A membership row is made anew on every join, so someone who left and came back after the
    opening is not in it, and neither is someone who joined to vote and leave."""
    return Membership.objects.filter(
        group=election.group_id, joined_at__lte=election.created_at
    ).select_related("user__profile")


def in_electorate(election: Election, membership: Membership | None) -> bool:
    return membership is not None and membership.joined_at <= election.created_at


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
        meeting.my_roles = [gettext("Presenter")] if meeting.presenting else []
    return meeting_selectors.attach_groups(meetings, groups)
