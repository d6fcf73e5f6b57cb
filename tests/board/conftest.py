from datetime import timedelta

import pytest
from django.utils import timezone

from groups.enums import MembershipPolicy, Role
from tests.factories import group_of, person

JOINED = timedelta(days=30)


@pytest.fixture
def group():
    """A closed group: an organizer, a co-organizer and two members, who joined a month ago."""
    return group_of(
        [
            ("Olga Organizer", Role.ORGANIZER),
            ("Cal Co", Role.CO_ORGANIZER),
            ("Mia Member", Role.MEMBER),
            ("Max Member", Role.MEMBER),
        ],
        name="Mile High Consult",
        membership_policy=MembershipPolicy.CLOSED,
        joined_at=timezone.now() - JOINED,
    )


@pytest.fixture
def organizer(group):
    return person(group, "Olga Organizer")


@pytest.fixture
def co_organizer(group):
    return person(group, "Cal Co")


@pytest.fixture
def member(group):
    return person(group, "Mia Member")


@pytest.fixture
def other_member(group):
    return person(group, "Max Member")
