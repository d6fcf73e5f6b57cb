from datetime import timedelta

import pytest
from django.utils import timezone

from groups.enums import Role
from meetings.models import AgendaSegment
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory


@pytest.fixture
def group():
    return GroupFactory(time_zone="America/New_York", leadership_model="rotating")


@pytest.fixture
def organizer(group):
    return MembershipFactory(group=group, role=Role.ORGANIZER).user


@pytest.fixture
def members(group):
    return [MembershipFactory(group=group).user for _ in range(4)]


@pytest.fixture
def meeting(group):
    """A meeting in five days (sign-up open) with check-in, two case slots and a topic slot."""
    meeting = MeetingFactory(
        group=group, starts_at=(timezone.now() + timedelta(days=5)).replace(microsecond=0)
    )
    for position, (kind, minutes) in enumerate(
        [("check_in", 10), ("case", 20), ("case", 20), ("topic", 15), ("wrap_up", 5)]
    ):
        AgendaSegment.objects.create(meeting=meeting, position=position, kind=kind, minutes=minutes)
    return meeting


def slots(meeting, kind=None):
    qs = meeting.segments.filter(kind__in=["case", "topic"]).order_by("position")
    return list(qs.filter(kind=kind) if kind else qs)
