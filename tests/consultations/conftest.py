import pytest

from groups.enums import MembershipPolicy, Role
from tests.factories import group_of, person


@pytest.fixture
def group():
    """A closed group: Olga organizes; Dana, Mia and Max are members."""
    return group_of(
        [
            ("Olga Organizer", Role.ORGANIZER),
            ("Dana Asker", Role.MEMBER),
            ("Mia Member", Role.MEMBER),
            ("Max Member", Role.MEMBER),
        ],
        name="Mile High Consult",
        membership_policy=MembershipPolicy.CLOSED,
        online_link="https://video.example.org/mile-high",
        case_retention_days=30,
    )


@pytest.fixture
def organizer(group):
    return person(group, "Olga Organizer")


@pytest.fixture
def asker(group):
    return person(group, "Dana Asker")


@pytest.fixture
def mia(group):
    return person(group, "Mia Member")


@pytest.fixture
def max_(group):
    return person(group, "Max Member")
