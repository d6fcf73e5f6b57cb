import pytest

from groups.enums import MembershipPolicy, Role
from tests.factories import GroupFactory, MembershipFactory, UserFactory


@pytest.fixture
def group():
    """A closed group: Olga organizes; Dana, Mia and Max are members."""
    group = GroupFactory(
        name="Mile High Consult",
        membership_policy=MembershipPolicy.CLOSED,
        online_link="https://video.example.org/mile-high",
        case_retention_days=30,
    )
    for name, role in [
        ("Olga Organizer", Role.ORGANIZER),
        ("Dana Asker", Role.MEMBER),
        ("Mia Member", Role.MEMBER),
        ("Max Member", Role.MEMBER),
    ]:
        MembershipFactory(group=group, role=role, user=UserFactory(profile__display_name=name))
    return group


def person(group, name: str):
    """The member of ``group`` with that display name."""
    return (
        group.memberships.select_related("user__profile").get(user__profile__display_name=name).user
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
