"""Every service that changes state asks the rule its page declares (presentations/rules.py):
a refused actor gets ``NotAllowed`` (with the rule's sentence) and nothing changes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from config.errors import NotAllowed
from groups.enums import LeadershipModel, Role
from meetings.models import Meeting
from members.models import AuditEntry
from presentations import services
from presentations.models import (
    Ballot,
    Election,
    LeadershipTerm,
    Nomination,
    Presentation,
    RecognitionFlag,
    SwapOffer,
)
from presentations.services import PresentationError, PresentationNotAllowed
from tests.factories import (
    AdminFactory,
    AgendaSegmentFactory,
    MeetingFactory,
    MembershipFactory,
    UserFactory,
)
from tests.presentations.conftest import slots

pytestmark = pytest.mark.django_db

ORGANIZERS_ONLY = "Only the group's organizers can do that."


@pytest.fixture
def outsider():
    return MembershipFactory().user  # a member of another group


def _order(meeting) -> list[int]:
    return list(meeting.segments.order_by("position", "id").values_list("pk", flat=True))


def test_a_refusal_is_both_not_allowed_and_this_apps_error():
    assert issubclass(PresentationNotAllowed, NotAllowed)
    assert issubclass(PresentationNotAllowed, PresentationError)


# --- the organizers' slot tools ---------------------------------------------------------------


@pytest.mark.parametrize("who", ["member", "outsider", "admin"])
def test_only_organizers_fill_slots_from_the_queue(meeting, members, outsider, who):
    actor = {"member": members[0], "outsider": outsider, "admin": AdminFactory()}[who]

    with pytest.raises(NotAllowed) as refused:
        services.fill_slots_from_queue(actor=actor, meeting=meeting)

    assert str(refused.value) == ORGANIZERS_ONLY
    assert Presentation.objects.filter(meeting=meeting).count() == 0
    assert not AuditEntry.objects.filter(verb="rotation.filled").exists()


def test_only_organizers_rotate_facilitators(group, meeting, members):
    group.memberships.update(facilitates=True)

    with pytest.raises(NotAllowed) as refused:
        services.rotate_facilitators(actor=members[0], meeting=meeting)

    assert str(refused.value) == ORGANIZERS_ONLY
    meeting.refresh_from_db()
    assert (meeting.facilitator_id, meeting.backup_facilitator_id) == (None, None)


def test_an_organizer_rotates_facilitators_from_a_meeting(group, meeting, organizer, members):
    group.memberships.update(facilitates=True)

    assigned = services.rotate_facilitators(actor=organizer, meeting=meeting)

    meeting.refresh_from_db()
    assert [m.pk for m in assigned] == [meeting.pk]
    assert meeting.facilitator_id is not None
    assert meeting.backup_facilitator_id not in (None, meeting.facilitator_id)


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_only_organizers_name_the_facilitator(meeting, members, outsider, who):
    actor = {"member": members[0], "outsider": outsider}[who]

    with pytest.raises(NotAllowed):
        services.set_facilitator(actor=actor, meeting=meeting, user_id=members[0].pk)

    meeting.refresh_from_db()
    assert meeting.facilitator_id is None


def test_only_organizers_unassign(meeting, members):
    case = slots(meeting, "case")[0]
    services.claim_slot(user=members[1], segment_id=case.pk)

    with pytest.raises(NotAllowed):
        services.unassign_slot(actor=members[0], segment_id=case.pk)

    assert Presentation.objects.get(segment=case).presenter == members[1]


def test_only_organizers_reorder_the_agenda(meeting, members):
    before = _order(meeting)

    with pytest.raises(NotAllowed):
        services.reorder_agenda(actor=members[0], meeting=meeting, segment_ids=before[::-1])

    assert _order(meeting) == before


def test_only_organizers_edit_the_agenda(meeting, members):
    before = _order(meeting)

    with pytest.raises(NotAllowed):
        services.edit_agenda(actor=members[0], meeting=meeting, segments=[])

    assert _order(meeting) == before


# --- moving one segment (the run of show's up and down buttons) ----------------------------------


@pytest.mark.parametrize(("index", "up", "moved"), [(1, True, 0), (1, False, 2), (4, False, 4)])
def test_move_segment(meeting, organizer, index, up, moved):
    before = _order(meeting)
    sequence = Meeting.objects.get(pk=meeting.pk).sequence

    services.move_segment(actor=organizer, meeting=meeting, segment_id=before[index], up=up)

    after = _order(meeting)
    assert after.index(before[index]) == moved
    assert sorted(after) == sorted(before)
    assert Meeting.objects.get(pk=meeting.pk).sequence == sequence + 1
    assert AuditEntry.objects.filter(verb="agenda.reordered", actor=organizer).count() == 1


def test_move_first_segment_up_keeps_the_order(meeting, organizer):
    before = _order(meeting)

    services.move_segment(actor=organizer, meeting=meeting, segment_id=before[0], up=True)

    assert _order(meeting) == before


def test_move_segment_of_another_meeting_is_refused(meeting, organizer, group):
    segment = AgendaSegmentFactory(meeting=MeetingFactory(group=group), kind="discussion")
    before = _order(meeting)

    with pytest.raises(PresentationError, match="not on this meeting's agenda"):
        services.move_segment(actor=organizer, meeting=meeting, segment_id=segment.pk, up=True)

    assert _order(meeting) == before


def test_only_organizers_move_segments(meeting, members):
    before = _order(meeting)

    with pytest.raises(NotAllowed) as refused:
        services.move_segment(actor=members[0], meeting=meeting, segment_id=before[1], up=True)

    assert str(refused.value) == ORGANIZERS_ONLY
    assert _order(meeting) == before


# --- members' own actions ----------------------------------------------------------------------


def test_an_outsider_cannot_claim(meeting, outsider):
    with pytest.raises(NotAllowed) as refused:
        services.claim_slot(user=outsider, segment_id=slots(meeting, "case")[0].pk)

    assert str(refused.value) == "Only members of the group can sign up to present."
    assert Presentation.objects.count() == 0


def test_a_facilitator_who_is_no_longer_a_member_cannot_offer_a_swap(meeting, members, outsider):
    Meeting.objects.filter(pk=meeting.pk).update(facilitator=outsider)
    meeting.refresh_from_db()

    with pytest.raises(NotAllowed) as refused:
        services.offer_swap(
            user=outsider, meeting=meeting, role="facilitator", to_user_id=members[0].pk
        )

    assert str(refused.value) == "Only members of the group can swap slots or facilitation."
    assert SwapOffer.objects.count() == 0


def test_an_outsider_cannot_flag_a_case(meeting, members, outsider):
    case = services.claim_slot(user=members[0], segment_id=slots(meeting, "case")[0].pk)

    with pytest.raises(NotAllowed) as refused:
        services.flag_recognition(user=outsider, presentation_id=case.pk)

    assert str(refused.value) == "Only members of the group can flag a case."
    assert RecognitionFlag.objects.count() == 0


# --- elections ---------------------------------------------------------------------------------


@pytest.fixture
def election(group, organizer, members):
    group.leadership_model = LeadershipModel.ELECTED
    group.save(update_fields=["leadership_model"])
    now = timezone.now()
    return services.open_election(
        actor=organizer,
        group=group,
        term_starts_on=timezone.localdate() + timedelta(days=10),
        term_ends_on=timezone.localdate() + timedelta(days=190),
        nominations_close_at=now + timedelta(days=2),
        voting_closes_at=now + timedelta(days=4),
    )


def _after_voting(election) -> Election:
    Election.objects.filter(pk=election.pk).update(
        nominations_close_at=timezone.now() - timedelta(days=2),
        voting_closes_at=timezone.now() - timedelta(minutes=1),
    )
    election.refresh_from_db()
    return election


def test_an_outsider_cannot_nominate_or_vote(election, members, outsider):
    with pytest.raises(NotAllowed) as nominating:
        services.nominate(user=outsider, election=election, nominee_id=members[0].pk)
    nomination = services.nominate(user=members[1], election=election, nominee_id=members[0].pk)
    Election.objects.filter(pk=election.pk).update(
        nominations_close_at=timezone.now() - timedelta(minutes=1)
    )

    with pytest.raises(NotAllowed) as voting:
        services.cast_vote(user=outsider, election=election, nomination_id=nomination.pk)

    assert (str(nominating.value), str(voting.value)) == (
        "Only members can nominate.",
        "Only members can vote.",
    )
    assert list(Nomination.objects.values_list("nominee", "nominated_by")) == [
        (members[0].pk, members[1].pk)
    ]
    assert Ballot.objects.count() == 0


@pytest.mark.parametrize("who", ["member", "outsider", "admin"])
def test_only_organizers_close_an_election(election, members, outsider, who):
    actor = {"member": members[0], "outsider": outsider, "admin": AdminFactory()}[who]
    nomination = services.nominate(user=members[1], election=election, nominee_id=members[0].pk)
    Election.objects.filter(pk=election.pk).update(
        nominations_close_at=timezone.now() - timedelta(minutes=1)
    )
    services.cast_vote(user=members[2], election=election, nomination_id=nomination.pk)
    election = _after_voting(election)

    with pytest.raises(NotAllowed) as refused:
        services.close_election(actor=actor, election=election)

    assert str(refused.value) == "Only the group's organizers can close an election."
    election.refresh_from_db()
    assert (election.closed_at, election.winner, election.results) == (None, None, [])
    assert LeadershipTerm.objects.count() == 0


@pytest.mark.parametrize("role", [Role.ORGANIZER, Role.CO_ORGANIZER])
def test_an_organizer_closes_an_election_and_the_log_names_them(election, members, role):
    closer = MembershipFactory(group=election.group, role=role).user
    nomination = services.nominate(user=members[1], election=election, nominee_id=members[0].pk)
    Election.objects.filter(pk=election.pk).update(
        nominations_close_at=timezone.now() - timedelta(minutes=1)
    )
    services.cast_vote(user=members[2], election=election, nomination_id=nomination.pk)

    closed = services.close_election(actor=closer, election=_after_voting(election))

    assert (closed.winner, closed.closed_at is not None) == (members[0], True)
    entry = AuditEntry.objects.get(verb="election.closed")
    assert (entry.actor, entry.subject) == (closer, members[0])


def test_the_schedule_closes_an_election_without_an_actor(election, members):
    closed = services.close_election(election=_after_voting(election))

    assert closed.closed_at is not None
    assert AuditEntry.objects.get(verb="election.closed").actor is None


def test_a_non_member_cannot_hold_an_election(election):
    stranger = UserFactory()
    Election.objects.filter(pk=election.pk).update(closed_at=timezone.now())  # none under way
    now = timezone.now()

    with pytest.raises(NotAllowed):
        services.open_election(
            actor=stranger,
            group=election.group,
            term_starts_on=timezone.localdate() + timedelta(days=200),
            term_ends_on=timezone.localdate() + timedelta(days=300),
            nominations_close_at=now + timedelta(days=2),
            voting_closes_at=now + timedelta(days=4),
        )

    assert Election.objects.filter(group=election.group).count() == 1
