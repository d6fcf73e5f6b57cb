"""Elections for the leader role: nominations, one secret ballot per member, results at close."""

import random
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from groups.enums import LeadershipModel
from groups.models import Group, Membership
from meetings.enums import MeetingStatus
from meetings.models import Meeting
from members.services import record_audit
from presentations.enums import ElectionPhase
from presentations.models import Ballot, Election, LeadershipTerm, Nomination, Vote
from presentations.services.base import PresentationError


def _member(group_id: int, user_id: int) -> Membership | None:
    return Membership.objects.filter(group=group_id, user_id=user_id).select_related("user").first()


@transaction.atomic
def open_election(
    *,
    actor,
    group: Group,
    term_starts_on: date,
    term_ends_on: date,
    nominations_close_at: datetime,
    voting_closes_at: datetime,
    title: str = "Group leader",
) -> Election:
    if group.leadership_model != LeadershipModel.ELECTED:
        raise PresentationError(
            "This group does not elect its leader. Change the leadership model to “Elected "
            "leader” first."
        )
    now = timezone.now()
    if nominations_close_at <= now:
        raise PresentationError("Nominations must close in the future.")
    if voting_closes_at <= nominations_close_at:
        raise PresentationError("Voting must close after nominations close.")
    if term_ends_on <= term_starts_on:
        raise PresentationError("The term must end after it starts.")
    if Election.objects.filter(group=group, closed_at__isnull=True).exists():
        raise PresentationError("An election is already under way in this group.")
    election = Election.objects.create(
        group=group,
        title=title.strip() or "Group leader",
        term_starts_on=term_starts_on,
        term_ends_on=term_ends_on,
        nominations_close_at=nominations_close_at,
        voting_closes_at=voting_closes_at,
        opened_by=actor,
    )
    record_audit(actor=actor, verb="election.opened", group=group, obj=election)
    from presentations import notifications

    notifications.election_opened(election)
    return election


@transaction.atomic
def nominate(*, user, election: Election, nominee_id: int) -> Nomination:
    election = Election.objects.select_for_update(of=("self",)).get(pk=election.pk)
    if election.phase() != ElectionPhase.NOMINATING:
        raise PresentationError("Nominations are closed.")
    if _member(election.group_id, user.pk) is None:
        raise PresentationError("Only members can nominate.")
    nominee = _member(election.group_id, nominee_id)
    if nominee is None:
        raise PresentationError("You can only nominate a member of the group.")
    try:
        with transaction.atomic():
            nomination = Nomination.objects.create(
                election=election, nominee=nominee.user, nominated_by=user
            )
    except IntegrityError as exc:
        raise PresentationError(f"{nominee.user} is already nominated.") from exc
    record_audit(
        actor=user,
        verb="election.nominated",
        subject=nominee.user,
        group=election.group,
        obj=election,
    )
    return nomination


@transaction.atomic
def cast_vote(*, user, election: Election, nomination_id: int) -> None:
    """One secret ballot per member: the ballot records that they voted, the vote what."""
    election = Election.objects.select_for_update(of=("self",)).get(pk=election.pk)
    if election.phase() != ElectionPhase.VOTING:
        raise PresentationError("Voting is not open.")
    if _member(election.group_id, user.pk) is None:
        raise PresentationError("Only members can vote.")
    nomination = Nomination.objects.filter(pk=nomination_id, election=election).first()
    if nomination is None:
        raise PresentationError("Choose one of the nominees.")
    try:
        with transaction.atomic():
            Ballot.objects.create(election=election, voter=user)
    except IntegrityError as exc:
        raise PresentationError("You have already voted in this election.") from exc
    Vote.objects.create(election=election, nomination=nomination)


def _tie_break(election: Election, tied: list[Nomination]) -> tuple[Nomination, str]:
    """Fewer past terms wins; if still tied, lots are drawn (recorded in the result note)."""
    terms = dict(
        LeadershipTerm.objects.filter(
            group=election.group_id, leader__in=[n.nominee_id for n in tied]
        )
        .values("leader_id")
        .annotate(n=Count("id"))
        .values_list("leader_id", "n")
    )
    fewest = min(terms.get(n.nominee_id, 0) for n in tied)
    remaining = [n for n in tied if terms.get(n.nominee_id, 0) == fewest]
    names = ", ".join(str(n.nominee) for n in tied)
    if len(remaining) == 1:
        return remaining[0], f"Tie between {names}; decided by fewer past terms."
    winner = random.SystemRandom().choice(remaining)
    return winner, f"Tie between {names}; same number of past terms, so decided by lot."


@transaction.atomic
def close_election(*, election: Election, now=None) -> Election:
    """Count the votes once voting has closed; the winner leads for the term."""
    now = now or timezone.now()
    election = Election.objects.select_for_update(of=("self",)).get(pk=election.pk)
    if election.closed_at:
        return election
    if now < election.voting_closes_at:
        raise PresentationError("Voting is still open.")
    tally = list(
        Nomination.objects.filter(election=election)
        .annotate(n=Count("votes"))
        .select_related("nominee__profile")
        .order_by("-n", "created_at")
    )
    election.results = [{"nominee": str(n.nominee), "votes": n.n} for n in tally]
    election.closed_at = now
    if not tally or tally[0].n == 0:
        election.result_note = "No votes were cast, so nobody was elected."
    else:
        top = [n for n in tally if n.n == tally[0].n]
        if len(top) == 1:
            winner, note = top[0], f"{top[0].nominee} won with {top[0].n} votes."
        else:
            winner, note = _tie_break(election, top)
        election.winner = winner.nominee
        election.result_note = note
        LeadershipTerm.objects.create(
            group=election.group,
            leader=winner.nominee,
            starts_on=election.term_starts_on,
            ends_on=election.term_ends_on,
            election=election,
        )
        Meeting.objects.filter(
            group=election.group,
            status=MeetingStatus.SCHEDULED,
            starts_at__date__gte=election.term_starts_on,
            starts_at__date__lte=election.term_ends_on,
        ).update(facilitator=winner.nominee)
    election.save(update_fields=["results", "closed_at", "winner", "result_note"])
    from presentations import notifications

    notifications.election_closed(election)
    record_audit(
        actor=None,
        verb="election.closed",
        subject=election.winner,
        group=election.group,
        obj=election,
        data={"results": election.results, "note": election.result_note},
    )
    return election


def close_due_elections(*, now=None) -> int:
    now = now or timezone.now()
    due = Election.objects.filter(closed_at__isnull=True, voting_closes_at__lte=now)
    count = 0
    for election in due:
        close_election(election=election, now=now)
        count += 1
    return count
