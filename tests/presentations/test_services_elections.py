from datetime import date, timedelta

import pytest
from django.utils import timezone

from config.errors import NotAllowed
from groups.enums import LeadershipModel
from presentations import services
from presentations.models import Ballot, Election, LeadershipTerm, VoteTally
from presentations.services import PresentationError
from tests.factories import AdminFactory, MeetingFactory, UserFactory

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
    type(group).objects.filter(pk=group.pk).update(leadership_model=LeadershipModel.APPOINTED)
    group.refresh_from_db()
    with pytest.raises(NotAllowed, match=r"^Only the organizers of a group that elects its leader"):
        _open(group, organizer)
    assert Election.objects.filter(group=group).count() == 0


@pytest.mark.parametrize("who", ["member", "outsider", "admin"])
def test_only_an_organizer_opens_an_election(elected_group, members, who):
    actor = {"member": members[0], "outsider": UserFactory(), "admin": AdminFactory()}[who]
    with pytest.raises(NotAllowed, match=r"^Only the organizers of a group that elects"):
        _open(elected_group, actor)
    assert Election.objects.filter(group=elected_group).count() == 0


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
    assert not hasattr(VoteTally, "voter")
    assert sorted(VoteTally.objects.values_list("nomination", "votes")) == [(a.pk, 2), (b.pk, 1)]
    meeting = MeetingFactory(group=elected_group, starts_at=timezone.now() + timedelta(days=7))
    _to_closed(election)
    services.close_election(election=election)
    election.refresh_from_db()
    assert election.winner == members[0]
    assert election.results == [
        {"nominee": str(members[0]), "votes": 2, "nominee_id": members[0].pk},
        {"nominee": str(members[1]), "votes": 1, "nominee_id": members[1].pk},
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


# --- who may take part: members when the election opened (issue 12, seam 3) ----------------------


def _join_late(group):
    from tests.factories import MembershipFactory

    return MembershipFactory(group=group, joined_at=timezone.now() + timedelta(seconds=1)).user


def test_member_who_joined_after_opening_cannot_nominate(elected_group, organizer, members):
    election = _open(elected_group, organizer)
    late = _join_late(elected_group)

    with pytest.raises(PresentationError, match="members when the election opened"):
        services.nominate(user=late, election=election, nominee_id=members[0].pk)

    assert election.nominations.count() == 0


def test_member_who_joined_after_opening_cannot_be_nominated(elected_group, organizer, members):
    election = _open(elected_group, organizer)
    late = _join_late(elected_group)

    with pytest.raises(PresentationError, match="members when the election opened"):
        services.nominate(user=organizer, election=election, nominee_id=late.pk)

    assert election.nominations.count() == 0


def test_member_who_joined_after_opening_cannot_vote(elected_group, organizer, members):
    election = _open(elected_group, organizer)
    nomination = services.nominate(user=organizer, election=election, nominee_id=members[0].pk)
    late = _join_late(elected_group)
    _to_voting(election)

    with pytest.raises(PresentationError, match="members when the election opened"):
        services.cast_vote(user=late, election=election, nomination_id=nomination.pk)

    assert (Ballot.objects.count(), VoteTally.objects.count()) == (0, 0)


def test_member_who_left_and_rejoined_after_opening_cannot_vote(elected_group, organizer, members):
    from groups.models import Membership
    from tests.factories import MembershipFactory

    election = _open(elected_group, organizer)
    nomination = services.nominate(user=organizer, election=election, nominee_id=members[0].pk)
    Membership.objects.filter(group=elected_group, user=members[3]).delete()
    MembershipFactory(
        group=elected_group, user=members[3], joined_at=timezone.now() + timedelta(seconds=1)
    )
    _to_voting(election)

    with pytest.raises(PresentationError, match="members when the election opened"):
        services.cast_vote(user=members[3], election=election, nomination_id=nomination.pk)

    assert Ballot.objects.count() == 0


# --- the result sets the leader and facilitation ---------------------------------------------------


def _elect(group, organizer, winner, voter):
    election = _open(group, organizer)
    nomination = services.nominate(user=organizer, election=election, nominee_id=winner.pk)
    _to_voting(election)
    services.cast_vote(user=voter, election=election, nomination_id=nomination.pk)
    _to_closed(election)
    return services.close_election(election=election)


def test_close_election_never_makes_the_winner_facilitator_and_backup(
    elected_group, organizer, members
):
    meeting = MeetingFactory(
        group=elected_group,
        starts_at=timezone.now() + timedelta(days=7),
        facilitator=members[1],
        backup_facilitator=members[0],
    )

    _elect(elected_group, organizer, members[0], members[2])

    meeting.refresh_from_db()
    assert (meeting.facilitator, meeting.backup_facilitator) == (members[0], None)


def test_close_election_leaves_meetings_that_already_happened_alone(
    elected_group, organizer, members
):
    past = MeetingFactory(
        group=elected_group,
        starts_at=timezone.now() - timedelta(hours=3),
        facilitator=members[1],
    )

    _elect(elected_group, organizer, members[0], members[2])

    past.refresh_from_db()
    assert past.facilitator == members[1]


def test_meeting_created_later_in_the_term_gets_the_leader_as_facilitator(
    elected_group, organizer, members
):
    _elect(elected_group, organizer, members[0], members[2])
    later = MeetingFactory(
        group=elected_group,
        starts_at=timezone.now() + timedelta(days=100),
        backup_facilitator=members[0],
    )
    outside = MeetingFactory(group=elected_group, starts_at=timezone.now() + timedelta(days=200))

    assigned = services.assign_facilitators(group=elected_group)

    later.refresh_from_db()
    outside.refresh_from_db()
    assert assigned == [later]
    assert (later.facilitator, later.backup_facilitator) == (members[0], None)
    assert (outside.facilitator, outside.backup_facilitator) == (None, None)


def test_assign_facilitators_in_elected_group_keeps_a_facilitator_an_organizer_named(
    elected_group, organizer, members
):
    _elect(elected_group, organizer, members[0], members[2])
    named = MeetingFactory(
        group=elected_group, starts_at=timezone.now() + timedelta(days=30), facilitator=members[3]
    )

    assert services.assign_facilitators(group=elected_group) == []
    named.refresh_from_db()
    assert named.facilitator == members[3]


def test_daily_task_assigns_leaders_in_elected_groups(elected_group, organizer, members):
    from presentations.tasks import task_assign_facilitators

    _elect(elected_group, organizer, members[0], members[2])
    later = MeetingFactory(group=elected_group, starts_at=timezone.now() + timedelta(days=20))

    assert task_assign_facilitators() == 1
    later.refresh_from_db()
    assert later.facilitator == members[0]


def test_close_election_records_who_each_result_row_is(elected_group, organizer, members):
    election = _elect(elected_group, organizer, members[0], members[2])

    assert election.results == [
        {"nominee": str(members[0]), "votes": 1, "nominee_id": members[0].pk}
    ]


def test_closing_reminder_goes_only_to_members_who_may_vote(elected_group, organizer, members):
    from members.models import Delivery
    from presentations.notifications import plan_presentation_notices

    election = _open(elected_group, organizer)
    services.nominate(user=organizer, election=election, nominee_id=members[0].pk)
    late = _join_late(elected_group)
    now = timezone.now()
    Election.objects.filter(pk=election.pk).update(
        nominations_close_at=now - timedelta(hours=1), voting_closes_at=now + timedelta(hours=2)
    )

    plan_presentation_notices(now)

    reminded = set(
        Delivery.objects.filter(template="election_closing").values_list("recipient", flat=True)
    )
    assert reminded == {organizer.pk, *(m.pk for m in members)}
    assert late.pk not in reminded


# --- one person is never facilitator and backup of one meeting --------------------------------------


def test_set_facilitator_refuses_the_same_person_as_backup(elected_group, organizer, members):
    meeting = MeetingFactory(group=elected_group)

    with pytest.raises(PresentationError, match="backup must be someone else"):
        services.set_facilitator(
            actor=organizer, meeting=meeting, user_id=members[0].pk, backup_id=members[0].pk
        )


def test_facilitation_swap_to_the_backup_swaps_their_roles(elected_group, organizer, members):
    meeting = MeetingFactory(
        group=elected_group, facilitator=members[0], backup_facilitator=members[1]
    )
    offer = services.offer_swap(
        user=members[0], meeting=meeting, role="facilitator", to_user_id=members[1].pk
    )

    services.answer_swap(user=members[1], offer_id=offer.pk, accept=True)

    meeting.refresh_from_db()
    assert (meeting.facilitator, meeting.backup_facilitator) == (members[1], members[0])


def test_a_nominee_who_left_the_group_before_the_count_cannot_win(
    elected_group, organizer, members
):
    from groups.models import Membership

    election = _open(elected_group, organizer)
    gone = services.nominate(user=organizer, election=election, nominee_id=members[0].pk)
    stays = services.nominate(user=organizer, election=election, nominee_id=members[1].pk)
    _to_voting(election)
    services.cast_vote(user=members[2], election=election, nomination_id=gone.pk)
    services.cast_vote(user=members[3], election=election, nomination_id=gone.pk)
    services.cast_vote(user=organizer, election=election, nomination_id=stays.pk)
    Membership.objects.filter(group=elected_group, user=members[0]).delete()
    meeting = MeetingFactory(group=elected_group, starts_at=timezone.now() + timedelta(days=7))
    _to_closed(election)

    election = services.close_election(election=election)

    meeting.refresh_from_db()
    assert (election.winner, meeting.facilitator) == (members[1], members[1])
    assert election.result_note == (
        f"{members[1]} won with 1 vote; {members[0]}, with more votes, has left the group."
    )


def test_a_leader_who_left_the_group_is_not_made_facilitator(elected_group, organizer, members):
    from groups.models import Membership

    _elect(elected_group, organizer, members[0], members[2])
    Membership.objects.filter(group=elected_group, user=members[0]).delete()
    later = MeetingFactory(group=elected_group, starts_at=timezone.now() + timedelta(days=20))

    assert services.assign_facilitators(group=elected_group) == []
    later.refresh_from_db()
    assert later.facilitator is None
