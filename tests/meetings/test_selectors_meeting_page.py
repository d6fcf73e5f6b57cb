"""The meeting page's one-query reads: answers, roles and swap offers with people attached."""

import pytest

from groups import selectors as group_selectors
from meetings import selectors
from meetings.enums import RsvpAnswer
from presentations import selectors as presentation_selectors
from presentations.enums import SwapRole, SwapStatus
from presentations.models import SwapOffer
from tests.factories import (
    MeetingFactory,
    MembershipFactory,
    ProfileFactory,
    RsvpFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting():
    return MeetingFactory()


def _people(meeting):
    return group_selectors.people_of(group_selectors.members_of(meeting.group))


def test_rsvp_summary_counts_answers_and_finds_mine_in_one_query(
    meeting, django_assert_num_queries
):
    me, ana, ben = (
        MembershipFactory(group=meeting.group, user=ProfileFactory(display_name=n).user).user
        for n in ("Me", "Ana", "Ben")
    )
    RsvpFactory(meeting=meeting, user=me, answer=RsvpAnswer.MAYBE)
    RsvpFactory(meeting=meeting, user=ana, answer=RsvpAnswer.GOING)
    RsvpFactory(meeting=meeting, user=ben, answer=RsvpAnswer.GOING)
    people = _people(meeting)
    with django_assert_num_queries(1):
        summary = selectors.rsvp_summary(me, meeting, people)
        names = [str(rsvp.user) for rsvp in summary.answers]
    assert summary.counts == {RsvpAnswer.GOING: 2, RsvpAnswer.MAYBE: 1, RsvpAnswer.CANT: 0}
    assert summary.mine.user == me and summary.mine.answer == RsvpAnswer.MAYBE
    assert sorted(names[:2]) == ["Ana", "Ben"] and names[2] == "Me"  # going before maybe


def test_rsvp_summary_still_names_someone_who_left(meeting):
    former = ProfileFactory(display_name="Former Colleague").user
    RsvpFactory(meeting=meeting, user=former, answer=RsvpAnswer.CANT)
    summary = selectors.rsvp_summary(UserFactory(), meeting, _people(meeting))
    assert [str(rsvp.user) for rsvp in summary.answers] == ["Former Colleague"]
    assert summary.mine is None


def test_roles_are_taken_from_the_members_list(meeting, django_assert_num_queries):
    facilitator = MembershipFactory(
        group=meeting.group, user=ProfileFactory(display_name="Fay").user
    )
    left = ProfileFactory(display_name="Tim Left").user  # timekeeper no longer a member
    meeting.facilitator = facilitator.user
    meeting.timekeeper = left
    meeting.save()
    fresh = type(meeting).objects.get(pk=meeting.pk)
    people = _people(meeting)
    with django_assert_num_queries(0):
        group_selectors.attach_loaded(
            [fresh], people, "facilitator", "backup_facilitator", "timekeeper"
        )
        assert str(fresh.facilitator) == "Fay"
    assert str(fresh.timekeeper) == "Tim Left"  # loaded on first use


def test_pending_swaps_splits_offers_to_and_from_me(meeting, django_assert_num_queries):
    me, ana, ben = (MembershipFactory(group=meeting.group).user for _ in range(3))
    to_me = SwapOffer.objects.create(
        meeting=meeting, role=SwapRole.FACILITATOR, from_user=ana, to_user=me
    )
    from_me = SwapOffer.objects.create(
        meeting=meeting, role=SwapRole.FACILITATOR, from_user=me, to_user=ben
    )
    SwapOffer.objects.create(  # not mine
        meeting=meeting, role=SwapRole.FACILITATOR, from_user=ben, to_user=ana
    )
    SwapOffer.objects.create(  # answered
        meeting=meeting,
        role=SwapRole.FACILITATOR,
        from_user=ben,
        to_user=me,
        status=SwapStatus.DECLINED,
    )
    people = _people(meeting)
    with django_assert_num_queries(1):
        mine, offered = presentation_selectors.pending_swaps(me, meeting, people, {})
        assert [str(o.from_user) for o in mine] == [str(ana)]
    assert mine == [to_me] and offered == [from_me]
