"""The rules of members/rules.py, asked directly: who sees a licence number, who verifies a
licence, and who counts as a site admin. The site admin here is also a Django superuser, and a
superuser who is not staff is asked too: rules never let a superuser through as such."""

import pytest
from django.contrib.auth.models import AnonymousUser

from config import access
from groups.enums import Role
from members.models import TherapistProfile
from members.rules import is_profile_owner, is_site_admin
from tests.factories import AdminFactory, GroupFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PEOPLE = [
    "anonymous",
    "outsider",
    "owner",
    "member",
    "organizer",
    "superuser_not_staff",
    "inactive_admin",
    "admin",
]


@pytest.fixture
def world():
    """The owner of the profile is a member of a group with a member and an organizer."""
    group = GroupFactory()
    owner = MembershipFactory(group=group, role=Role.MEMBER).user
    people = {
        "anonymous": AnonymousUser(),
        "outsider": UserFactory(),
        "owner": owner,
        "member": MembershipFactory(group=group, role=Role.MEMBER).user,
        "organizer": MembershipFactory(group=group, role=Role.ORGANIZER).user,
        "superuser_not_staff": UserFactory(is_superuser=True),
        "inactive_admin": AdminFactory(is_active=False),
        "admin": AdminFactory(),
    }
    return {"people": people, "profile": owner.profile}


def _who(world, test) -> set[str]:
    """Everyone ``test(user, profile)`` lets through, each asked about a fresh profile."""
    passed = set()
    for name in PEOPLE:
        profile = TherapistProfile.objects.get(pk=world["profile"].pk)
        if test(world["people"][name], profile):
            passed.add(name)
    return passed


def test_is_site_admin_is_an_active_staff_account(world):
    assert _who(world, lambda user, _profile: is_site_admin(user)) == {"admin"}


def test_is_profile_owner_is_the_profile_s_own_account(world):
    assert _who(world, is_profile_owner) == {"owner"}


def test_is_profile_owner_of_no_profile_is_nobody(world):
    assert [is_profile_owner(world["people"][name], None) for name in PEOPLE] == [False] * len(
        PEOPLE
    )


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("members.view_licence_number", {"owner", "admin"}),
        ("members.verify_licence", {"admin"}),
    ],
)
def test_rule_lets_through_exactly(world, rule, expected):
    assert _who(world, lambda user, profile: access.allowed(user, rule, profile)) == expected


def test_every_members_rule_is_checked_by_this_file():
    declared = {name for name in access.declared() if name.startswith("members.")}
    assert declared == {"members.view_licence_number", "members.verify_licence"}


def test_the_refusal_says_who_may():
    assert access.declared()["members.verify_licence"] == "Only site admins verify licences."
