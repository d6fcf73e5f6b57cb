"""The doors of the pages that compose several apps: each members-only page goes through
``groups.access.permission_required`` (the scoped loader, the rule, the ground-rules gate), and
the public group page records the viewer's membership for the rules through its selector."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from groups import services as group_services
from groups.enums import Role
from groups.models import Membership
from portal.selectors import group_for_page, vetting_preview
from tests.factories import (
    AdminFactory,
    ApplicationFactory,
    GroupFactory,
    MeetingFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def group():
    return GroupFactory(membership_policy="closed")


@pytest.fixture
def organizer(group):
    return MembershipFactory(group=group, role=Role.ORGANIZER).user


@pytest.fixture
def co_organizer(group):
    return MembershipFactory(group=group, role=Role.CO_ORGANIZER).user


@pytest.fixture
def member(group):
    return MembershipFactory(group=group).user


def _accept_rules_url(group, next_url: str) -> str:
    return (
        f"{reverse('groups:accept_rules', args=[group.slug])}?next={next_url.replace('/', '%2F')}"
    )


# --- the group page (public) ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "role"),
    [("anonymous", None), ("outsider", None), ("member", Role.MEMBER), ("admin", None)],
)
def test_group_page_selector_records_the_viewer_s_membership(group, member, who, role):
    viewer = {
        "anonymous": AnonymousUser(),
        "outsider": UserFactory(),
        "member": member,
        "admin": AdminFactory(),
    }[who]

    loaded = group_for_page(viewer, group.slug)

    assert loaded == group
    assert loaded.viewer_id == viewer.pk
    recorded = loaded.viewer_membership.role if loaded.viewer_membership else None
    assert recorded == role


def test_group_page_shows_organizer_tools_from_the_recorded_membership(client, group, organizer):
    client.force_login(organizer)

    response = client.get(group.get_absolute_url())

    assert response.context["group"].viewer_membership == Membership.objects.get(user=organizer)
    assert reverse("groups:manage_members", args=[group.slug]) in response.content.decode()


def test_group_page_of_a_site_admin_shows_organizers_not_the_members_part(
    client, group, organizer, member
):
    client.force_login(AdminFactory())

    response = client.get(group.get_absolute_url())

    assert (response.status_code, response.context["membership"]) == (200, None)
    assert "members" not in response.context
    assert [m.user for m in response.context["organizers"]] == [organizer]


# --- the group's settings ---------------------------------------------------------------------------


def test_group_settings_ask_for_new_ground_rules_first(client, group, organizer, co_organizer):
    """The one gate of every members-only page now stands before the settings too."""
    group_services.update_group(actor=organizer, group=group, data={"ground_rules": "New."})
    client.force_login(co_organizer)
    url = reverse("groups:edit", args=[group.slug])

    response = client.get(url)

    assert (response.status_code, response.url) == (302, _accept_rules_url(group, url))


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_group_settings_are_404_to_members_and_outsiders(client, group, member, who):
    client.force_login(member if who == "member" else UserFactory())
    assert client.get(reverse("groups:edit", args=[group.slug])).status_code == 404


# --- the meeting page and the agenda editor ----------------------------------------------------------


def test_meeting_page_asks_for_new_ground_rules_first(client, group, organizer, member):
    meeting = MeetingFactory(group=group)
    group_services.update_group(actor=organizer, group=group, data={"ground_rules": "New."})
    client.force_login(member)
    url = reverse("meetings:detail", args=[meeting.pk])

    response = client.get(url)

    assert (response.status_code, response.url) == (302, _accept_rules_url(group, url))


@pytest.mark.parametrize(
    ("who", "sees_answers"), [("member", False), ("co_organizer", True), ("organizer", True)]
)
def test_meeting_page_shows_organizers_the_answers_and_slot_forms(
    client, group, organizer, co_organizer, member, who, sees_answers
):
    meeting = MeetingFactory(group=group)
    client.force_login(
        {"member": member, "co_organizer": co_organizer, "organizer": organizer}[who]
    )

    response = client.get(reverse("meetings:detail", args=[meeting.pk]))

    shown = {"rsvps", "assign_form", "facilitator_form"} & set(response.context.keys())
    assert shown == ({"rsvps", "assign_form", "facilitator_form"} if sees_answers else set())


@pytest.mark.parametrize("who", ["member", "admin", "outsider"])
def test_agenda_editor_is_404_to_all_but_organizers(client, group, member, who):
    meeting = MeetingFactory(group=group)
    client.force_login({"member": member, "admin": AdminFactory(), "outsider": UserFactory()}[who])
    assert client.get(reverse("meetings:agenda", args=[meeting.pk])).status_code == 404


# --- the dashboard's vetting preview --------------------------------------------------------------


def test_vetting_preview_asks_nothing_of_plain_members(group, member, django_assert_num_queries):
    ApplicationFactory(group=group)
    memberships = list(Membership.objects.filter(user=member))
    with django_assert_num_queries(0):
        assert vetting_preview(member, memberships) == []


@pytest.mark.parametrize("who", ["organizer", "admin"])
def test_vetting_preview_lists_waiting_applications_for_those_who_decide(group, organizer, who):
    application = ApplicationFactory(group=group)
    user = organizer if who == "organizer" else AdminFactory()
    memberships = list(Membership.objects.filter(user=user))
    assert vetting_preview(user, memberships) == [application]
