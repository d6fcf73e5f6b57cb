from datetime import timedelta

import pytest
from django.utils import timezone

from groups.enums import MembershipPolicy, Role
from tests.factories import GroupFactory, MembershipFactory, UserFactory

JOINED = timedelta(days=30)


@pytest.fixture
def group():
    """A closed group: an organizer, a co-organizer and two members, who joined a month ago."""
    group = GroupFactory(name="Mile High Consult", membership_policy=MembershipPolicy.CLOSED)
    joined = timezone.now() - JOINED
    for name, role in (
        ("Olga Organizer", Role.ORGANIZER),
        ("Cal Co", Role.CO_ORGANIZER),
        ("Mia Member", Role.MEMBER),
        ("Max Member", Role.MEMBER),
    ):
        user = UserFactory(profile__display_name=name)
        MembershipFactory(
            group=group,
            user=user,
            role=role,
            joined_at=joined,
            rules_version=group.rules_versions.first(),
            rules_accepted_at=joined,
        )
    return group


def person(group, name: str):
    return group.memberships.get(user__profile__display_name=name).user


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
