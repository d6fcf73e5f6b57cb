"""One rule: co-organizers cannot remove or demote organizers (nor make anyone organizer).

The predicate lives in groups/rules.py; the services check it and the manage-members page shows
nobody a button the rule would refuse."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from config import access
from config.errors import NotAllowed
from groups import services
from groups.enums import Role
from groups.models import Membership
from members.models import AuditEntry
from tests.factories import GroupFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

REFUSAL = "Only an organizer can remove or change the role of an organizer."
GIVE_REFUSAL = "Only an organizer can make someone an organizer or hand the organizer role over."
MEMBERS_REFUSAL = "Only the group's organizers can change its members."


@pytest.fixture
def team():
    group = GroupFactory(name="Two Organizers")
    people = {
        "olga": MembershipFactory(
            group=group, role=Role.ORGANIZER, user=UserFactory(profile__display_name="Olga")
        ),
        "otto": MembershipFactory(
            group=group, role=Role.ORGANIZER, user=UserFactory(profile__display_name="Otto")
        ),
        "cal": MembershipFactory(
            group=group, role=Role.CO_ORGANIZER, user=UserFactory(profile__display_name="Cal")
        ),
        "cora": MembershipFactory(
            group=group, role=Role.CO_ORGANIZER, user=UserFactory(profile__display_name="Cora")
        ),
        "mia": MembershipFactory(group=group, user=UserFactory(profile__display_name="Mia")),
    }
    group.refresh_from_db()
    return group, people


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _fresh(membership):
    return Membership.objects.filter(pk=membership.pk).first()


# --- the predicate ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "target", "allowed"),
    [
        ("olga", "otto", True),
        ("olga", "cal", True),
        ("olga", "mia", True),
        ("cal", "otto", False),
        ("cal", "olga", False),
        ("cal", "cora", True),
        ("cal", "mia", True),
        ("mia", "cal", False),
        ("olga", "olga", False),  # oneself: "Leave group" or "hand over" instead
    ],
)
def test_manage_member_predicate(team, actor, target, allowed):
    _group, people = team
    user = people[actor].user
    membership = people[target]

    assert access.allowed(user, "groups.manage_member", membership) is allowed


def test_manage_member_predicate_refuses_outsiders_and_site_admins(team):
    _group, people = team
    outsider = UserFactory(is_staff=True, is_superuser=True)

    assert access.allowed(outsider, "groups.manage_member", people["mia"]) is False


# --- the services -------------------------------------------------------------------------


def test_co_organizer_cannot_remove_an_organizer(team):
    group, people = team

    with pytest.raises(NotAllowed) as refused:
        services.remove_member(
            actor=people["cal"].user, group=group, membership_id=people["otto"].pk
        )
    assert str(refused.value) == REFUSAL

    assert _fresh(people["otto"]).role == Role.ORGANIZER
    group.refresh_from_db()
    assert group.member_count == 5
    assert not AuditEntry.objects.filter(verb="member.removed").exists()


def test_co_organizer_cannot_demote_an_organizer(team):
    group, people = team

    with pytest.raises(NotAllowed) as refused:
        services.change_role(
            actor=people["cal"].user,
            group=group,
            membership_id=people["otto"].pk,
            role=Role.CO_ORGANIZER,
        )
    assert str(refused.value) == REFUSAL

    assert _fresh(people["otto"]).role == Role.ORGANIZER
    assert not AuditEntry.objects.filter(verb="member.role_changed").exists()


def test_co_organizer_cannot_make_anyone_organizer(team):
    group, people = team

    with pytest.raises(NotAllowed) as refused:
        services.change_role(
            actor=people["cal"].user,
            group=group,
            membership_id=people["mia"].pk,
            role=Role.ORGANIZER,
        )
    assert str(refused.value) == GIVE_REFUSAL
    with pytest.raises(NotAllowed) as refused:
        services.hand_over_organizer(
            actor=people["cal"].user, group=group, membership_id=people["mia"].pk
        )
    assert str(refused.value) == GIVE_REFUSAL

    assert (_fresh(people["mia"]).role, _fresh(people["cal"]).role) == (
        Role.MEMBER,
        Role.CO_ORGANIZER,
    )
    assert not AuditEntry.objects.exists()


def test_co_organizer_may_remove_members_and_co_organizers(team):
    group, people = team

    services.remove_member(actor=people["cal"].user, group=group, membership_id=people["mia"].pk)
    services.remove_member(actor=people["cal"].user, group=group, membership_id=people["cora"].pk)

    assert _fresh(people["mia"]) is None
    assert _fresh(people["cora"]) is None
    group.refresh_from_db()
    assert group.member_count == 3
    assert AuditEntry.objects.filter(verb="member.removed", actor=people["cal"].user).count() == 2


def test_organizer_may_remove_and_demote_another_organizer(team):
    group, people = team

    services.change_role(
        actor=people["olga"].user, group=group, membership_id=people["otto"].pk, role=Role.MEMBER
    )
    services.remove_member(actor=people["olga"].user, group=group, membership_id=people["otto"].pk)

    assert _fresh(people["otto"]) is None
    assert list(AuditEntry.objects.values_list("verb", flat=True).order_by("pk")) == [
        "member.role_changed",
        "member.removed",
    ]


def test_plain_member_cannot_use_the_services(team):
    group, people = team

    with pytest.raises(NotAllowed) as refused:
        services.remove_member(
            actor=people["mia"].user, group=group, membership_id=people["cal"].pk
        )
    assert str(refused.value) == MEMBERS_REFUSAL
    with pytest.raises(NotAllowed) as refused:
        services.change_role(
            actor=people["mia"].user, group=group, membership_id=people["cal"].pk, role=Role.MEMBER
        )
    assert str(refused.value) == MEMBERS_REFUSAL
    with pytest.raises(NotAllowed) as refused:
        services.hand_over_organizer(
            actor=people["mia"].user, group=group, membership_id=people["cal"].pk
        )
    assert str(refused.value) == MEMBERS_REFUSAL

    assert _fresh(people["cal"]).role == Role.CO_ORGANIZER
    group.refresh_from_db()
    assert group.member_count == 5
    assert not AuditEntry.objects.exists()


# --- the page -----------------------------------------------------------------------------


def _actions(response) -> dict[str, set[str]]:
    """For each member row: which controls the page offers ("remove", "role" and the roles)."""
    html = response.content.decode()
    group = response.context["group"]
    result = {}
    for m in response.context["members"]:
        controls = set()
        if reverse("groups:remove_member", args=[group.slug, m.pk]) in html:
            controls.add("remove")
        if reverse("groups:change_role", args=[group.slug, m.pk]) in html:
            controls.add("role")
        result[m.user.profile.display_name] = controls
    return result


def test_manage_page_co_organizer_sees_no_controls_for_organizers(client, team):
    group, people = team
    client.force_login(people["cal"].user)

    response = client.get(reverse("groups:manage_members", args=[group.slug]))

    assert _actions(response) == {
        "Olga": set(),
        "Otto": set(),
        "Cal": set(),
        "Cora": {"remove", "role"},
        "Mia": {"remove", "role"},
    }
    assert '<option value="organizer"' not in response.content.decode()


def test_manage_page_organizer_sees_controls_for_everyone_else(client, team):
    group, people = team
    client.force_login(people["olga"].user)

    response = client.get(reverse("groups:manage_members", args=[group.slug]))

    assert _actions(response) == {
        "Olga": set(),
        "Otto": {"remove", "role"},
        "Cal": {"remove", "role"},
        "Cora": {"remove", "role"},
        "Mia": {"remove", "role"},
    }
    assert '<option value="organizer"' in response.content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_remove_page_refuses_a_co_organizer_removing_an_organizer(client, team, method):
    group, people = team
    client.force_login(people["cal"].user)
    url = reverse("groups:remove_member", args=[group.slug, people["otto"].pk])

    response = getattr(client, method)(url, {"reason": "x"} if method == "post" else None)

    assert response.status_code == 302
    assert response.url == reverse("groups:manage_members", args=[group.slug])
    assert _messages(response) == [REFUSAL]
    assert _fresh(people["otto"]).role == Role.ORGANIZER


def test_change_role_page_refuses_a_co_organizer_demoting_an_organizer(client, team):
    group, people = team
    client.force_login(people["cal"].user)

    response = client.post(
        reverse("groups:change_role", args=[group.slug, people["otto"].pk]), {"role": Role.MEMBER}
    )

    assert _messages(response) == [REFUSAL]
    assert _fresh(people["otto"]).role == Role.ORGANIZER
