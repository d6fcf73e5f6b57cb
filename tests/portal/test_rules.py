"""The rules of portal/rules.py, asked directly: who may open a therapist's profile and who
may write to them. Colleagues are people who share a group; the site admin here is also a
Django superuser, who may open any profile but is no colleague to write to."""

import pytest
from django.contrib.auth.models import AnonymousUser

from config import access
from groups.enums import Role
from members.models import TherapistProfile
from portal import colleagues
from portal.rules import has_active_account, record_colleague, shares_a_group
from tests.factories import AdminFactory, GroupFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PEOPLE = ["anonymous", "outsider", "owner", "member", "co_organizer", "organizer", "admin"]
COLLEAGUES = {"member", "co_organizer", "organizer"}


@pytest.fixture
def world():
    """The profile's owner is a member of a group with a member, a co-organizer and an
    organizer; the outsider belongs to another group only."""
    group = GroupFactory()
    owner = MembershipFactory(group=group, role=Role.MEMBER).user
    people = {
        "anonymous": AnonymousUser(),
        "outsider": MembershipFactory(group=GroupFactory(), role=Role.ORGANIZER).user,
        "owner": owner,
        "admin": AdminFactory(),
    }
    for role in (Role.MEMBER, Role.CO_ORGANIZER, Role.ORGANIZER):
        people[str(role)] = MembershipFactory(group=group, role=role).user
    return {"people": people, "profile": owner.profile}


def _who(world, test) -> set[str]:
    """Everyone ``test(user, profile)`` lets through, each asked about a freshly read profile
    (so that no answer rides on what an earlier person's check remembered on it)."""
    passed = set()
    for name in PEOPLE:
        profile = TherapistProfile.objects.select_related("user").get(pk=world["profile"].pk)
        if test(world["people"][name], profile):
            passed.add(name)
    return passed


def test_shares_a_group_is_a_colleague_and_never_oneself(world):
    assert _who(world, shares_a_group) == COLLEAGUES


def test_shares_a_group_of_no_profile_is_nobody(world):
    assert {name for name in PEOPLE if shares_a_group(world["people"][name], None)} == set()


def test_shares_a_group_reads_what_the_loader_recorded(world, django_assert_num_queries):
    member = world["people"]["member"]
    profile = colleagues.get_colleague_profile(member, world["profile"].pk)
    with django_assert_num_queries(0):
        assert shares_a_group(member, profile) is True


def test_a_record_for_someone_else_is_not_taken_for_mine(world):
    """A profile loaded for one member and asked about by an outsider is read again."""
    profile = TherapistProfile.objects.get(pk=world["profile"].pk)
    record_colleague(profile, world["people"]["member"], shares_a_group=True)
    assert shares_a_group(world["people"]["outsider"], profile) is False


def test_has_active_account_follows_the_owner(world):
    profile = world["profile"]
    assert has_active_account(world["people"]["member"], profile) is True
    profile.user.is_active = False
    profile.user.save(update_fields=["is_active"])
    assert has_active_account(world["people"]["member"], profile) is False


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("portal.view_profile", COLLEAGUES | {"owner", "admin"}),
        ("portal.message_colleague", COLLEAGUES),
    ],
)
def test_rule_lets_through_exactly(world, rule, expected):
    assert _who(world, lambda user, profile: access.allowed(user, rule, profile)) == expected


def test_nobody_may_write_to_a_deactivated_account(world):
    world["profile"].user.is_active = False
    world["profile"].user.save(update_fields=["is_active"])
    allowed = _who(world, lambda u, p: access.allowed(u, "portal.message_colleague", p))
    assert allowed == set()


def test_every_portal_rule_is_checked_by_this_file():
    declared = {name for name in access.declared() if name.startswith("portal.")}
    assert declared == {
        "portal.view_profile",
        "portal.message_colleague",
        "portal.send_we_miss_you",  # below
    }


def test_only_a_groups_organizers_send_a_note_from_it():
    group = GroupFactory()
    people = {role: MembershipFactory(group=group, role=role).user for role in Role}
    people |= {"outsider": UserFactory(), "admin": AdminFactory()}

    allowed = {
        who
        for who, user in people.items()
        if access.allowed(user, "portal.send_we_miss_you", group)
    }

    assert allowed == {Role.ORGANIZER, Role.CO_ORGANIZER}
