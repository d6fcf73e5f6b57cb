"""Elections for the leader role: nominations, one secret ballot per member, results at close."""

import logging
import random
import zoneinfo
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Case, Count, F, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.models import Group, Membership
from meetings.enums import MeetingStatus
from meetings.models import Meeting
from members.services import record_audit
from presentations import notifications
from presentations.enums import ElectionPhase
from presentations.models import Ballot, Election, LeadershipTerm, Nomination, VoteTally
from presentations.selectors import in_electorate
from presentations.services.base import PresentationError, check

logger = logging.getLogger(__name__)


def _member(group_id: int, user_id: int) -> Membership | None:
    return Membership.objects.filter(group=group_id, user_id=user_id).select_related("user").first()


def term_window(starts_on: date, ends_on: date, group: Group) -> tuple[datetime, datetime]:
    """From the start of the term's first day to the end of its last, in the group's zone."""
    tz = zoneinfo.ZoneInfo(group.time_zone)
    return (
        datetime.combine(starts_on, time.min, tzinfo=tz),
        datetime.combine(ends_on + timedelta(days=1), time.min, tzinfo=tz),
    )


def lead_meetings(*, group: Group, leader, starts: datetime, ends: datetime, only_unset: bool):
    """Make the leader facilitate the group's scheduled meetings that start between ``starts``
    and ``ends`` (and have not started yet). Never leaves them backup of the same meeting."""
    meetings = Meeting.objects.select_for_update(of=("self",)).filter(
        group=group,
        status=MeetingStatus.SCHEDULED,
        starts_at__gt=max(starts, timezone.now()),
        starts_at__lt=ends,
    )
    if only_unset:
        meetings = meetings.filter(facilitator__isnull=True)
    changed = []
    for meeting in meetings.order_by("starts_at"):
        if meeting.facilitator_id == leader.pk and meeting.backup_facilitator_id != leader.pk:
            continue
        meeting.facilitator = leader
        if meeting.backup_facilitator_id == leader.pk:
            meeting.backup_facilitator = None
        meeting.save(update_fields=["facilitator", "backup_facilitator", "updated_at"])
        changed.append(meeting)
    return changed


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
    """An organizer of a group that elects its leader opens nominations; every other member
    is told."""
    check(actor, "presentations.hold_election", group)
    now = timezone.now()
    if nominations_close_at <= now:
        raise PresentationError(_("Nominations must close in the future."))
    if voting_closes_at <= nominations_close_at:
        raise PresentationError(_("Voting must close after nominations close."))
    if term_ends_on <= term_starts_on:
        raise PresentationError(_("The term must end after it starts."))
    if Election.objects.filter(group=group, closed_at__isnull=True).exists():
        raise PresentationError(_("An election is already under way in this group."))
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
    notifications.election_opened(election, actor=actor)
    return election


@transaction.atomic
def nominate(*, user, election: Election, nominee_id: int) -> Nomination:
    election = Election.objects.select_for_update(of=("self",)).get(pk=election.pk)
    check(user, "presentations.nominate", election)
    if election.phase() != ElectionPhase.NOMINATING:
        raise PresentationError(_("Nominations are closed."))
    if not in_electorate(election, _member(election.group_id, user.pk)):
        raise PresentationError(
            _(
                "Only those who were members when the election opened can nominate: you joined "
                "the group after it opened."
            )
        )
    nominee = _member(election.group_id, nominee_id)
    if nominee is None:
        raise PresentationError(_("You can only nominate a member of the group."))
    if not in_electorate(election, nominee):
        raise PresentationError(
            _(
                "%(name)s joined after the election opened; only those who were members when the "
                "election opened can be nominated."
            )
            % {"name": nominee.user}
        )
    try:
        with transaction.atomic():
            nomination = Nomination.objects.create(
                election=election, nominee=nominee.user, nominated_by=user
            )
    except IntegrityError as exc:
        raise PresentationError(
            _("%(name)s is already nominated.") % {"name": nominee.user}
        ) from exc
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
    check(user, "presentations.vote", election)
    if election.phase() != ElectionPhase.VOTING:
        raise PresentationError(_("Voting is not open."))
    if not in_electorate(election, _member(election.group_id, user.pk)):
        raise PresentationError(
            _(
                "Only those who were members when the election opened can vote: you joined the "
                "group after it opened."
            )
        )
    nomination = Nomination.objects.filter(pk=nomination_id, election=election).first()
    if nomination is None:
        raise PresentationError(_("Choose one of the nominees."))
    try:
        with transaction.atomic():
            Ballot.objects.create(election=election, voter=user)
    except IntegrityError as exc:
        raise PresentationError(_("You have already voted in this election.")) from exc
    _count_vote(election, nomination)


def _count_vote(election: Election, nomination: Nomination) -> None:
    """Add one to the nominee's tally, with the election locked.

    Every tally of the election is rewritten (one for the choice, nought for the others), so
    a reader of the database sees the same transaction id on all of them: which count went up
    is not written anywhere next to the ballot. The tallies are made once, all together, at
    the first vote (nominations are closed by then)."""
    tallies = VoteTally.objects.filter(election=election)
    if not tallies.exists():
        VoteTally.objects.bulk_create(
            VoteTally(election=election, nomination_id=pk)
            for pk in Nomination.objects.filter(election=election)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    tallies.update(
        votes=F("votes") + Case(When(nomination_id=nomination.pk, then=Value(1)), default=Value(0))
    )


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
def close_election(*, election: Election, actor=None, now=None) -> Election:
    """Count the votes once voting has closed; the winner leads for the term.

    ``actor``: the organizer who closes it (``presentations.close_election``); None when the
    schedule closes it (``close_due_elections``)."""
    now = now or timezone.now()
    election = Election.objects.select_for_update(of=("self",)).get(pk=election.pk)
    if actor is not None:
        check(actor, "presentations.close_election", election)
    if election.closed_at:
        return election
    if now < election.voting_closes_at:
        raise PresentationError(_("Voting is still open."))
    tally = list(
        Nomination.objects.filter(election=election)
        .annotate(n=Coalesce("tally__votes", 0))
        .select_related("nominee__profile")
        .order_by("-n", "created_at")
    )
    election.results = [
        {"nominee": str(n.nominee), "votes": n.n, "nominee_id": n.nominee_id} for n in tally
    ]
    election.closed_at = now
    # Only a nominee who is still a member can lead; votes for one who left count for nobody.
    members_now = set(
        Membership.objects.filter(group=election.group_id).values_list("user_id", flat=True)
    )
    eligible = [n for n in tally if n.n > 0 and n.nominee_id in members_now]
    left = [n for n in tally if n.n > 0 and n.nominee_id not in members_now]
    if not tally or tally[0].n == 0:
        election.result_note = "No votes were cast, so nobody was elected."
    elif not eligible:
        election.result_note = "Nobody who received votes is still a member, so nobody was elected."
    else:
        top = [n for n in eligible if n.n == eligible[0].n]
        if len(top) == 1:
            votes = "1 vote" if top[0].n == 1 else f"{top[0].n} votes"
            winner, note = top[0], f"{top[0].nominee} won with {votes}."
        else:
            winner, note = _tie_break(election, top)
        ahead = [n for n in left if n.n > top[0].n]
        if ahead:
            names = ", ".join(str(n.nominee) for n in ahead)
            verb = "has" if len(ahead) == 1 else "have"
            note = f"{note[:-1]}; {names}, with more votes, {verb} left the group."
        election.winner = winner.nominee
        election.result_note = note
        LeadershipTerm.objects.create(
            group=election.group,
            leader=winner.nominee,
            starts_on=election.term_starts_on,
            ends_on=election.term_ends_on,
            election=election,
        )
        starts, ends = term_window(election.term_starts_on, election.term_ends_on, election.group)
        lead_meetings(
            group=election.group, leader=winner.nominee, starts=starts, ends=ends, only_unset=False
        )
    election.save(update_fields=["results", "closed_at", "winner", "result_note"])
    notifications.election_closed(election)
    record_audit(
        actor=actor,
        verb="election.closed",
        subject=election.winner,
        group=election.group,
        obj=election,
        data={"results": election.results, "note": election.result_note},
    )
    return election


def close_due_elections(*, now=None) -> int:
    """Close every election whose voting time is over; return how many closed.

    Each closes in its own transaction: one that fails is logged by id (and tried again on the
    next run) and stops none of the others.
    """
    now = now or timezone.now()
    due = Election.objects.filter(closed_at__isnull=True, voting_closes_at__lte=now).order_by("pk")
    count = 0
    for election in due:
        try:
            close_election(election=election, now=now)
        except Exception:
            logger.exception("closing election %s failed", election.pk)
            continue
        count += 1
    return count
