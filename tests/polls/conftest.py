import pytest

from groups.enums import MembershipPolicy, Role
from tests.factories import group_of, person


@pytest.fixture
def group():
    """A closed group in Denver time: Olga organizes; Dana, Mia and Max are members."""
    return group_of(
        [
            ("Olga Organizer", Role.ORGANIZER),
            ("Dana Member", Role.MEMBER),
            ("Mia Member", Role.MEMBER),
            ("Max Member", Role.MEMBER),
        ],
        name="Mile High Consult",
        membership_policy=MembershipPolicy.CLOSED,
        time_zone="America/Denver",
    )


@pytest.fixture
def organizer(group):
    return person(group, "Olga Organizer")


@pytest.fixture
def dana(group):
    return person(group, "Dana Member")


@pytest.fixture
def mia(group):
    return person(group, "Mia Member")


@pytest.fixture
def max_(group):
    return person(group, "Max Member")
