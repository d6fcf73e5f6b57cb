from datetime import date, timedelta

import pytest
from django.utils import timezone

from presentations import services
from presentations.models import Ballot, Election, LeadershipTerm, Vote
from presentations.services import PresentationError
from tests.factories import MeetingFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def elected_group(group):
    type(group).objects.filter(pk=group.pk).update(leadership_model="elected")
    group.refresh_from_db()
    return group


def _open(group, organizer):
    now = timezone.now()
    return services.open_election(
        actor=organizer,
        group=group,
        term_starts_on=timezone.localdate(),
        term_ends_on=timezone.localdate() + timedelta(days=180),
        nominations_close_at=now + timedelta(days=2),
        voting_closes_at=now + timedelta(days=4),
    )


def _to_voting(election):
    Election.objects.filter(pk=election.pk).update(
        nominations_close_at=timezone.now() - timedelta(minutes=1)
    )
    election.refresh_from_db()


def _to_closed(election):
    Election.objects.filter(pk=election.pk).update(
        voting_closes_at=timezone.now() - timedelta(seconds=1)
    )
    election.refresh_from_db()


def test_election_in_a_group_that_does_not_elect_is_refused(group, organizer):
    type(group).objects.filter(pk=group.pk).update(leadership_model="appointed")
    group.refresh_from_db()
    with pytest.raises(PresentationError, match="does not elect"):
        _open(group, organizer)


def test_full_election_with_secret_ballots(elected_group, organizer, members):
    election = _open(elected_group, organizer)
    a = services.nominate(user=members[0], election=election, nominee_id=members[0].pk)
    b = services.nominate(user=organizer, election=election, nominee_id=members[1].pk)
    with pytest.raises(PresentationError, match="Voting is not open"):
        services.cast_vote(user=members[2], election=election, nomination_id=a.pk)
    _to_voting(election)
    services.cast_vote(user=members[2], election=election, nomination_id=a.pk)
    services.cast_vote(user=members[3], election=election, nomination_id=a.pk)
    services.cast_vote(user=organizer, election=election, nomination_id=b.pk)
    with pytest.raises(PresentationError, match="already voted"):
        services.cast_vote(user=members[2], election=election, nomination_id=b.pk)
    assert Ballot.objects.filter(election=election).count() == 3
    assert not hasattr(Vote, "voter")
    meeting = MeetingFactory(group=elected_group, starts_at=timezone.now() + timedelta(days=7))
    _to_closed(election)
    services.close_election(election=election)
    election.refresh_from_db()
    assert election.winner == members[0]
    assert election.results == [
        {"nominee": str(members[0]), "votes": 2},
        {"nominee": str(members[1]), "votes": 1},
    ]
    assert LeadershipTerm.objects.get(election=election).leader == members[0]
    meeting.refresh_from_db()
    assert meeting.facilitator == members[0]


def test_nominating_a_non_member_or_twice_is_refused(elected_group, organizer, members):
    election = _open(elected_group, organizer)
    with pytest.raises(PresentationError, match="member of the group"):
        services.nominate(user=organizer, election=election, nominee_id=UserFactory().pk)
    services.nominate(user=organizer, election=election, nominee_id=members[0].pk)
    with pytest.raises(PresentationError, match="already nominated"):
        services.nominate(user=members[1], election=election, nominee_id=members[0].pk)


def test_voting_outside_the_period_is_refused(elected_group, organizer, members):
    election = _open(elected_group, organizer)
    nomination = services.nominate(user=organizer, election=election, nominee_id=members[0].pk)
    _to_voting(election)
    _to_closed(election)
    with pytest.raises(PresentationError, match="Voting is not open"):
        services.cast_vote(user=members[1], election=election, nomination_id=nomination.pk)


def test_tie_goes_to_fewer_past_terms(elected_group, organizer, members):
    LeadershipTerm.objects.create(
        group=elected_group,
        leader=members[0],
        starts_on=date(2025, 1, 1),
        ends_on=date(2025, 6, 30),
    )
    election = _open(elected_group, organizer)
    a = services.nominate(user=organizer, election=election, nominee_id=members[0].pk)
    b = services.nominate(user=organizer, election=election, nominee_id=members[1].pk)
    _to_voting(election)
    services.cast_vote(user=members[2], election=election, nomination_id=a.pk)
    services.cast_vote(user=members[3], election=election, nomination_id=b.pk)
    _to_closed(election)
    services.close_election(election=election)
    election.refresh_from_db()
    assert election.winner == members[1]
    assert "fewer past terms" in election.result_note


def test_tie_with_equal_terms_is_decided_by_lot(elected_group, organizer, members):
    election = _open(elected_group, organizer)
    a = services.nominate(user=organizer, election=election, nominee_id=members[0].pk)
    b = services.nominate(user=organizer, election=election, nominee_id=members[1].pk)
    _to_voting(election)
    services.cast_vote(user=members[2], election=election, nomination_id=a.pk)
    services.cast_vote(user=members[3], election=election, nomination_id=b.pk)
    _to_closed(election)
    services.close_election(election=election)
    election.refresh_from_db()
    assert election.winner in (members[0], members[1])
    assert "by lot" in election.result_note


def test_close_due_elections_counts_once(elected_group, organizer, members):
    election = _open(elected_group, organizer)
    _to_voting(election)
    _to_closed(election)
    assert services.close_due_elections() == 1
    assert services.close_due_elections() == 0
    election.refresh_from_db()
    assert election.result_note == "No votes were cast, so nobody was elected."
