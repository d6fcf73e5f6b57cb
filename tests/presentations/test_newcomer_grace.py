"""Newcomers settle in: for their first ``newcomer_meetings`` meetings, the rotation does not
ask them to present or facilitate (presentations/services/rotation.py ``settling_in``). The
founders of a group, who joined in its first week, are never "new"."""

from datetime import timedelta

import pytest
from django.utils import timezone

from groups.enums import LeadershipModel, Role
from groups.models import Group
from meetings.enums import MeetingStatus
from presentations import services
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


@pytest.fixture
def group():
    """A rotating group that has met weekly for six weeks; its founders joined before."""
    now = timezone.now()
    group = GroupFactory(leadership_model=LeadershipModel.ROTATING, newcomer_meetings=2)
    Group.objects.filter(pk=group.pk).update(created_at=now - timedelta(weeks=10))
    group.refresh_from_db()
    for weeks in range(6, 0, -1):
        MeetingFactory(group=group, starts_at=now - timedelta(weeks=weeks))
    for role in (Role.ORGANIZER, Role.MEMBER):
        MembershipFactory(group=group, role=role, joined_at=now - timedelta(weeks=8))
    return group


def _joined(group, days_ago: float):
    return MembershipFactory(group=group, joined_at=timezone.now() - days_ago * DAY).user


def _queue(meeting) -> list[int]:
    return [m.user_id for m in services.presenter_queue(meeting)]


def test_a_newcomer_is_not_in_the_queue_until_they_have_been_to_enough_meetings(group):
    next_meeting = MeetingFactory(group=group)
    fresh = _joined(group, 3)  # no meeting since they joined
    one = _joined(group, 10)  # one meeting since
    two = _joined(group, 17)  # two meetings since: settled
    queue = _queue(next_meeting)
    assert fresh.pk not in queue and one.pk not in queue and two.pk in queue
    group.newcomer_meetings = 0
    group.save(update_fields=["newcomer_meetings"])
    next_meeting.refresh_from_db()
    assert {fresh.pk, one.pk} <= set(_queue(next_meeting))


def test_cancelled_meetings_do_not_count(group):
    two_ago = _joined(group, 17)
    group.meetings.filter(starts_at__gt=timezone.now() - 10 * DAY).update(
        status=MeetingStatus.CANCELLED
    )
    assert two_ago.pk not in _queue(MeetingFactory(group=group))


def test_founders_of_a_group_that_has_not_met_yet_are_asked_at_once():
    group = GroupFactory(newcomer_meetings=3)
    founder = MembershipFactory(group=group, role=Role.ORGANIZER).user
    member = MembershipFactory(group=group).user
    assert set(_queue(MeetingFactory(group=group))) == {founder.pk, member.pk}


def test_the_facilitator_rotation_skips_newcomers_too(group):
    fresh = _joined(group, 3)
    meeting = MeetingFactory(group=group)
    services.assign_facilitators(group=group)
    meeting.refresh_from_db()
    assert fresh.pk not in {meeting.facilitator_id, meeting.backup_facilitator_id}
    assert meeting.facilitator_id is not None
