import pytest
from django.urls import reverse

from groups.enums import GroupStatus, MembershipPolicy, Role, VenueKind
from tests.factories import (
    AdminFactory,
    ApplicationFactory,
    GroupFactory,
    MembershipFactory,
    UserFactory,
    WaitlistEntryFactory,
)

pytestmark = pytest.mark.django_db

STREET = "1234 Hidden Lane, Suite 5"
LINK = "https://video.example.com/room-secret-42"


@pytest.fixture
def group():
    group = GroupFactory(
        name="Front Range Consult",
        tagline="Case consultation for Denver clinicians",
        venue_kind=VenueKind.HYBRID,
        street_address=STREET,
        address_public=False,
        online_link=LINK,
    )
    MembershipFactory(
        group=group, user=UserFactory(profile__display_name="Olga Organizer"), role=Role.ORGANIZER
    )
    MembershipFactory(group=group, user=UserFactory(profile__display_name="Mia Member"))
    return group


def _get(client, group, user=None):
    if user is not None:
        client.force_login(user)
    return client.get(reverse("groups:detail", args=[group.slug]))


def _text(response) -> str:
    return " ".join(response.content.decode().split())


def test_detail_anonymous_is_asked_to_sign_in_and_sees_no_members_only_detail(client, group):
    response = _get(client, group)

    assert response.status_code == 200
    assert response.context["membership"] is None
    assert "members" not in response.context
    body = _text(response)
    assert "Sign in to join this group." in body
    assert f"{reverse('account_login')}?next=/groups/{group.slug}/" in body
    assert STREET not in body
    assert LINK not in body
    assert "Mia Member" not in body
    assert "Members only" not in body
    assert "Organizer tools" not in body
    # the organizers are public
    assert "Olga Organizer" in body


def test_detail_anonymous_closed_group_is_asked_to_sign_in_to_apply(client):
    group = GroupFactory(membership_policy=MembershipPolicy.CLOSED)

    body = _text(_get(client, group))

    assert "Sign in to apply to this group." in body


def test_detail_outsider_is_offered_to_join(client, group):
    response = _get(client, group, UserFactory())

    body = _text(response)
    assert response.context["membership"] is None
    assert "Join this group" in body
    assert "6 seats left." in body
    assert f'href="{reverse("groups:join", args=[group.slug])}"' in body
    assert STREET not in body
    assert LINK not in body
    assert "Mia Member" not in body
    assert "Organizer tools" not in body


def test_detail_outsider_of_full_group_is_offered_the_waitlist(client):
    group = GroupFactory(capacity=2)
    MembershipFactory(group=group, role=Role.ORGANIZER)
    MembershipFactory(group=group)

    body = _text(_get(client, group, UserFactory()))

    assert "The group is full" in body
    assert "Join the waitlist" in body
    assert "2 of 2 seats taken (full — waitlist open)" in body


def test_detail_outsider_of_closed_group_is_offered_to_apply(client):
    group = GroupFactory(membership_policy=MembershipPolicy.CLOSED)

    body = _text(_get(client, group, UserFactory()))

    assert "Apply to join" in body
    assert f'href="{reverse("groups:apply", args=[group.slug])}"' in body


def test_detail_applicant_sees_pending_application_and_withdraw(client):
    group = GroupFactory(membership_policy=MembershipPolicy.CLOSED)
    application = ApplicationFactory(group=group)

    response = _get(client, group, application.applicant)

    assert response.context["application"] == application
    body = _text(response)
    assert "Application pending" in body
    assert "Withdraw my application" in body
    assert f'action="{reverse("groups:withdraw", args=[group.slug])}"' in body
    assert "Apply to join" not in body


def test_detail_waitlisted_user_sees_position(client):
    group = GroupFactory(capacity=2)
    MembershipFactory(group=group, role=Role.ORGANIZER)
    MembershipFactory(group=group)
    WaitlistEntryFactory(group=group)
    second = WaitlistEntryFactory(group=group)

    response = _get(client, group, second.user)

    assert response.context["waitlist_entry"] == second
    assert response.context["waitlist_position"] == 2
    body = _text(response)
    assert "You are on the waitlist" in body
    assert "Your position: <strong>2</strong>" in body
    assert "Leave the waitlist" in body
    assert STREET not in body


def test_detail_user_with_open_offer_sees_accept_and_decline(client):
    group = GroupFactory(capacity=3)
    MembershipFactory(group=group, role=Role.ORGANIZER)
    MembershipFactory(group=group)
    entry = WaitlistEntryFactory(group=group, offered=True)

    response = _get(client, group, entry.user)

    assert response.context["offer_open"] is True
    assert response.context["waitlist_position"] == 1
    body = _text(response)
    assert "A seat is yours" in body
    assert "Accept the seat" in body
    assert f'action="{reverse("groups:waitlist_accept", args=[group.slug])}"' in body
    assert f'action="{reverse("groups:waitlist_decline", args=[group.slug])}"' in body


def test_detail_member_sees_members_address_and_link(client, group):
    member = group.memberships.get(role=Role.MEMBER)

    response = _get(client, group, member.user)

    assert response.context["membership"] == member
    assert [m.user.profile.display_name for m in response.context["members"]] == [
        "Olga Organizer",
        "Mia Member",
    ]
    body = _text(response)
    assert "You are a member" in body
    assert "Leave group" in body
    assert "Members only" in body
    assert "Members (2)" in body
    assert STREET in body
    assert LINK in body
    assert "Manage the group" not in body
    assert "Organizer tools" not in body


def test_detail_organizer_sees_manage_tools(client, group):
    organizer = group.memberships.get(role=Role.ORGANIZER)

    response = _get(client, group, organizer.user)

    body = _text(response)
    assert "You are organizer" in body
    assert "Manage the group" in body
    assert "Organizer tools" in body
    assert f'href="{reverse("groups:edit", args=[group.slug])}"' in body
    assert STREET in body
    assert LINK in body


def test_detail_co_organizer_sees_manage_tools(client, group):
    co = MembershipFactory(group=group, role=Role.CO_ORGANIZER)

    body = _text(_get(client, group, co.user))

    assert "You are co-organizer" in body
    assert "Organizer tools" in body


@pytest.mark.parametrize("superuser", [True, False])
def test_detail_site_admin_sees_organizer_tools_but_not_members_only_section(
    client, group, superuser
):
    """The tools are the pages ``groups.view_management`` opens to site admins, staff
    accounts whether superusers or not; scheduling meetings is the members' own."""
    response = _get(client, group, AdminFactory(is_superuser=superuser))

    body = _text(response)
    assert response.context["membership"] is None
    assert "Organizer tools" in body
    assert f'href="{reverse("groups:manage_members", args=[group.slug])}"' in body
    assert f'href="{reverse("meetings:create", args=[group.slug])}"' not in body
    assert "Join this group" in body
    assert STREET not in body
    assert LINK not in body


def test_detail_public_street_address_shows_to_everyone(client):
    group = GroupFactory(street_address=STREET, address_public=True)

    body = _text(_get(client, group))

    assert STREET in body


def test_detail_open_graph_tags(client, group):
    response = _get(client, group)

    body = response.content.decode()
    share_url = f"http://testserver/groups/{group.slug}/"
    assert response.context["share_url"] == share_url
    assert '<meta property="og:title" content="Front Range Consult · PeerCircle">' in body
    assert f'<meta property="og:url" content="{share_url}">' in body
    assert (
        '<meta property="og:description" content="Case consultation for Denver clinicians">' in body
    )
    assert f'<link rel="canonical" href="{share_url}">' in body


def test_detail_paused_group_is_public_but_not_taking_members(client):
    group = GroupFactory(status=GroupStatus.PAUSED)

    response = _get(client, group, UserFactory())

    assert response.status_code == 200
    assert "Not taking members" in _text(response)


@pytest.mark.parametrize("viewer", [None, "outsider"])
def test_detail_archived_group_is_404_to_outsiders(client, viewer):
    group = GroupFactory(status=GroupStatus.ARCHIVED)

    response = _get(client, group, UserFactory() if viewer else None)

    assert response.status_code == 404


@pytest.mark.parametrize("viewer", ["member", "admin"])
def test_detail_archived_group_is_visible_to_members_and_admins(client, viewer):
    group = GroupFactory(name="Old circle", status=GroupStatus.ARCHIVED)
    member = MembershipFactory(group=group).user
    user = member if viewer == "member" else AdminFactory()

    response = _get(client, group, user)

    assert response.status_code == 200
    assert response.context["group"] == group
    assert "Archived" in _text(response)


def test_detail_unknown_slug_is_404(client):
    client.force_login(UserFactory())
    assert client.get(reverse("groups:detail", args=["no-such-group"])).status_code == 404


def _group_with_members(count: int):
    group = GroupFactory(street_address=STREET, online_link=LINK, capacity=30)
    viewer = MembershipFactory(group=group).user
    for i in range(count - 1):
        MembershipFactory(group=group, role=Role.ORGANIZER if i < 2 else Role.MEMBER)
    return group, viewer


def test_detail_query_count_one_member(client, django_assert_num_queries):
    group, viewer = _group_with_members(1)
    client.force_login(viewer)
    url = reverse("groups:detail", args=[group.slug])
    with django_assert_num_queries(9):
        response = client.get(url)
    assert len(response.context["members"]) == 1


def test_detail_query_count_twenty_members(client, django_assert_num_queries):
    group, viewer = _group_with_members(20)
    client.force_login(viewer)
    url = reverse("groups:detail", args=[group.slug])
    with django_assert_num_queries(9):
        response = client.get(url)
    assert len(response.context["members"]) == 20


def test_very_long_descriptions_are_rendered_but_not_kept():
    from groups.templatetags import groups_tags

    groups_tags._markdown_to_clean_html.cache_clear()
    short = groups_tags.markdown_safe("**Short** text")
    long_text = "word " * (groups_tags.MARKDOWN_CACHE_MAX_CHARS // 4)
    rendered = groups_tags.markdown_safe(long_text)
    assert short == "<p><strong>Short</strong> text</p>"
    assert rendered.startswith("<p>word word")
    assert groups_tags._markdown_to_clean_html.cache_info().currsize == 1  # only the short one
