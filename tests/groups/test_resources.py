from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from config.errors import NotAllowed
from groups import services
from groups.enums import MembershipPolicy, ResourceCategory, Role
from groups.models import GroundRulesVersion, Resource
from members.models import AuditEntry
from tests.factories import (
    AdminFactory,
    ApplicationFactory,
    GroupFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

VALID = {
    "title": "Ethics of dual relationships in small towns",
    "url": "https://www.example.org/ethics/dual-relationships",
    "category": ResourceCategory.CONTINUING_EDUCATION,
    "note": "Three CE hours, free for members of the state association.",
}


@pytest.fixture
def group():
    group = GroupFactory(name="Mile High Consult", membership_policy=MembershipPolicy.CLOSED)
    MembershipFactory(
        group=group, role=Role.ORGANIZER, user=UserFactory(profile__display_name="Olga Organizer")
    )
    MembershipFactory(
        group=group, role=Role.CO_ORGANIZER, user=UserFactory(profile__display_name="Cal Co")
    )
    MembershipFactory(group=group, user=UserFactory(profile__display_name="Mia Member"))
    MembershipFactory(group=group, user=UserFactory(profile__display_name="Max Member"))
    return group


def _user(group, role, index=0):
    return group.memberships.filter(role=role).order_by("id")[index].user


def _member(group):
    return _user(group, Role.MEMBER, 0)


def _other_member(group):
    return _user(group, Role.MEMBER, 1)


def _organizer(group):
    return _user(group, Role.ORGANIZER)


def _resource(group, *, added_by=None, **fields) -> Resource:
    data = {
        "title": "A useful link",
        "url": "https://www.example.org/",
        "category": ResourceCategory.ARTICLE,
        **fields,
    }
    return Resource.objects.create(group=group, added_by=added_by or _member(group), **data)


def _url(name, group, *args):
    return reverse(f"groups:{name}", args=[group.slug, *args])


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _text(response) -> str:
    return " ".join(response.content.decode().split())


def _titles(response) -> list[str]:
    return [r.title for r in response.context["page"].object_list]


# --- who may see the library --------------------------------------------------------------


def test_library_anonymous_redirects_to_login(client, group):
    response = client.get(_url("resources", group))

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={_url('resources', group)}"


def test_library_actions_anonymous_redirect_to_login_and_change_nothing(client, group):
    resource = _resource(group)

    responses = [
        client.post(_url("resources", group), VALID),
        client.post(_url("resource_pin", group, resource.pk), {"pinned": "1"}),
        client.post(_url("resource_remove", group, resource.pk)),
    ]

    assert [r.status_code for r in responses] == [302, 302, 302]
    assert [r.url.startswith(reverse("account_login")) for r in responses] == [True] * 3
    assert list(Resource.objects.values_list("title", "pinned")) == [("A useful link", False)]


@pytest.mark.parametrize("who", ["outsider", "applicant", "site_admin"])
def test_library_is_404_to_non_members(client, group, who):
    resource = _resource(group)
    if who == "applicant":
        viewer = ApplicationFactory(group=group).applicant
    elif who == "site_admin":
        viewer = AdminFactory()
    else:
        viewer = UserFactory()
    client.force_login(viewer)

    responses = [
        client.get(_url("resources", group)),
        client.post(_url("resources", group), VALID),
        client.post(_url("resource_pin", group, resource.pk), {"pinned": "1"}),
        client.post(_url("resource_remove", group, resource.pk)),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    assert list(Resource.objects.values_list("title", "pinned")) == [("A useful link", False)]
    assert not AuditEntry.objects.filter(verb__startswith="resource.").exists()


@pytest.mark.parametrize("role", [Role.MEMBER, Role.CO_ORGANIZER, Role.ORGANIZER])
def test_library_is_open_to_members(client, group, role):
    _resource(group, title="Denver trauma conference", category=ResourceCategory.CONFERENCE)
    client.force_login(_user(group, role))

    response = client.get(_url("resources", group))

    assert response.status_code == 200
    assert response.context["group"] == group
    assert _titles(response) == ["Denver trauma conference"]
    assert "Share a link" in _text(response)


def test_library_member_with_new_ground_rules_is_sent_to_accept_them(client, group):
    GroundRulesVersion.objects.create(group=group, number=2, text="New rules.")
    client.force_login(_member(group))

    response = client.get(_url("resources", group))

    assert response.status_code == 302
    assert response.url.startswith(_url("accept_rules", group))


def test_group_page_links_members_to_the_library(client, group):
    client.force_login(_member(group))

    response = client.get(group.get_absolute_url())

    assert f'href="{_url("resources", group)}"' in response.content.decode()


def test_group_page_does_not_link_outsiders_to_the_library(client, group):
    client.force_login(UserFactory())

    response = client.get(group.get_absolute_url())

    assert _url("resources", group) not in response.content.decode()


# --- adding --------------------------------------------------------------------------------


def test_add_resource_valid_saves_it_and_writes_an_audit_entry(client, group):
    member = _member(group)
    client.force_login(member)

    response = client.post(_url("resources", group), VALID)

    assert response.status_code == 302
    assert response.url == _url("resources", group)
    resource = Resource.objects.get()
    assert (resource.group, resource.added_by, resource.title, resource.url) == (
        group,
        member,
        VALID["title"],
        VALID["url"],
    )
    assert (resource.category, resource.note, resource.pinned) == (
        ResourceCategory.CONTINUING_EDUCATION,
        VALID["note"],
        False,
    )
    entry = AuditEntry.objects.get(verb="resource.added")
    assert (entry.actor, entry.group, entry.object_type, entry.object_id) == (
        member,
        group,
        "groups.resource",
        str(resource.pk),
    )
    assert entry.data == {"title": VALID["title"], "category": "ce"}
    assert _messages(response) == [f"Thank you for sharing “{VALID['title']}”."]


def test_add_resource_shows_it_with_safe_link_badge_note_and_author(client, group):
    client.force_login(_member(group))
    client.post(_url("resources", group), VALID)

    response = client.get(_url("resources", group))

    html = response.content.decode()
    assert (
        f'<a href="{VALID["url"]}" rel="noopener noreferrer nofollow">{VALID["title"]}</a>' in html
    )
    text = _text(response)
    assert "Continuing-education opportunity" in text
    assert VALID["note"] in text
    assert "Shared by Mia Member on" in text
    assert "Pinned" not in text


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "notaurl",
        "example.org/no-scheme",
        "ftp://files.example.org/handout.pdf",
        "data:text/html,<script>alert(1)</script>",
        "https://",
    ],
)
def test_add_resource_invalid_url_shows_error_and_saves_nothing(client, group, url):
    client.force_login(_member(group))

    response = client.post(_url("resources", group), {**VALID, "url": url})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "url": [
            "Enter a full web address that starts with https:// or http://, "
            "for example https://www.example.org/article."
        ]
    }
    assert "Enter a full web address" in _text(response)
    assert not Resource.objects.exists()
    assert not AuditEntry.objects.filter(verb="resource.added").exists()


def test_add_resource_missing_title_and_category_saves_nothing(client, group):
    client.force_login(_member(group))

    response = client.post(_url("resources", group), {**VALID, "title": "", "category": ""})

    assert response.status_code == 200
    assert sorted(response.context["form"].errors) == ["category", "title"]
    assert not Resource.objects.exists()


def test_add_resource_service_refuses_non_http_url(group):
    with pytest.raises(ValidationError) as exc:
        services.add_resource(
            actor=_member(group), group=group, **{**VALID, "url": "javascript:alert(1)"}
        )

    assert list(exc.value.message_dict) == ["url"]
    assert not Resource.objects.exists()


def test_add_resource_service_refuses_outsiders(group):
    with pytest.raises(NotAllowed) as refused:
        services.add_resource(actor=UserFactory(), group=group, **VALID)
    assert str(refused.value) == "Only members of the group can add to its library."

    assert not Resource.objects.exists()


# --- search and filter ---------------------------------------------------------------------


@pytest.fixture
def library(group):
    now = timezone.now()
    _resource(
        group,
        title="Motivational interviewing refresher",
        note="Online, six CE hours.",
        category=ResourceCategory.CONTINUING_EDUCATION,
        created_at=now - timedelta(days=3),
    )
    _resource(
        group,
        title="Rocky Mountain trauma conference",
        note="Early-bird pricing ends in March.",
        category=ResourceCategory.CONFERENCE,
        created_at=now - timedelta(days=2),
    )
    _resource(
        group,
        title="Sliding-scale clinics in Denver",
        note="For clients who need a lower fee; some offer trauma groups.",
        category=ResourceCategory.REFERRAL,
        created_at=now - timedelta(days=1),
    )
    return group


def test_library_search_matches_title_or_note_case_insensitively(client, library):
    client.force_login(_member(library))

    response = client.get(_url("resources", library), {"q": "TRAUMA"})

    assert _titles(response) == [
        "Sliding-scale clinics in Denver",
        "Rocky Mountain trauma conference",
    ]
    assert "2 links match" in _text(response)


def test_library_filter_by_category(client, library):
    client.force_login(_member(library))

    response = client.get(_url("resources", library), {"category": ResourceCategory.CONFERENCE})

    assert _titles(response) == ["Rocky Mountain trauma conference"]
    assert "1 link matches" in _text(response)


def test_library_search_and_category_together(client, library):
    client.force_login(_member(library))

    response = client.get(
        _url("resources", library), {"q": "trauma", "category": ResourceCategory.REFERRAL}
    )

    assert _titles(response) == ["Sliding-scale clinics in Denver"]
    assert 'value="trauma"' in response.content.decode()
    assert '<option value="referral" selected>' in response.content.decode()


def test_library_search_without_matches_says_so(client, library):
    client.force_login(_member(library))

    response = client.get(_url("resources", library), {"q": "hypnosis"})

    assert _titles(response) == []
    assert "Nothing matches that search" in _text(response)


def test_library_unknown_category_shows_everything(client, library):
    client.force_login(_member(library))

    response = client.get(_url("resources", library), {"category": "nonsense"})

    assert len(_titles(response)) == 3


def test_library_paginates_by_twenty_and_keeps_the_search(client, group):
    for n in range(25):
        _resource(group, title=f"Article {n:02d}", note="on burnout")
    client.force_login(_member(group))

    first = client.get(_url("resources", group), {"q": "burnout"})
    second = client.get(_url("resources", group), {"q": "burnout", "page": 2})

    assert len(_titles(first)) == 20
    assert len(_titles(second)) == 5
    assert 'href="?q=burnout&amp;page=2"' in first.content.decode()


# --- pinning -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ORGANIZER, Role.CO_ORGANIZER])
def test_pin_and_unpin_by_organizers(client, group, role):
    organizer = _user(group, role)
    older = _resource(group, title="Older", created_at=timezone.now() - timedelta(days=5))
    _resource(group, title="Newer")
    client.force_login(organizer)

    pinned = client.post(
        _url("resource_pin", group, older.pk), {"pinned": "1", "state": "q=&category=article"}
    )

    assert pinned.status_code == 302
    assert pinned.url == f"{_url('resources', group)}?category=article"
    older.refresh_from_db()
    assert older.pinned is True
    assert _messages(pinned) == ["“Older” is pinned to the top."]
    listing = client.get(_url("resources", group))
    assert _titles(listing) == ["Older", "Newer"]
    assert "Pinned" in _text(listing)

    unpinned = client.post(_url("resource_pin", group, older.pk), {"pinned": "0"})

    assert unpinned.url == _url("resources", group)
    older.refresh_from_db()
    assert older.pinned is False
    assert _titles(client.get(_url("resources", group))) == ["Newer", "Older"]
    entries = AuditEntry.objects.filter(verb__startswith="resource.").order_by("id")
    assert [(e.verb, e.actor, e.object_id) for e in entries] == [
        ("resource.pinned", organizer, str(older.pk)),
        ("resource.unpinned", organizer, str(older.pk)),
    ]


def test_pin_twice_writes_one_audit_entry(client, group):
    resource = _resource(group)
    client.force_login(_organizer(group))

    client.post(_url("resource_pin", group, resource.pk), {"pinned": "1"})
    client.post(_url("resource_pin", group, resource.pk), {"pinned": "1"})

    assert AuditEntry.objects.filter(verb="resource.pinned").count() == 1


def test_pin_by_member_is_404_and_changes_nothing(client, group):
    resource = _resource(group)
    client.force_login(_member(group))

    response = client.post(_url("resource_pin", group, resource.pk), {"pinned": "1"})

    assert response.status_code == 404
    resource.refresh_from_db()
    assert resource.pinned is False
    assert not AuditEntry.objects.filter(verb="resource.pinned").exists()


def test_pin_buttons_only_for_organizers(client, group):
    _resource(group)
    client.force_login(_member(group))
    as_member = _text(client.get(_url("resources", group)))
    client.force_login(_organizer(group))
    as_organizer = _text(client.get(_url("resources", group)))

    assert "Pin to the top" not in as_member
    assert "Pin to the top" in as_organizer


def test_pin_is_post_only(client, group):
    resource = _resource(group)
    client.force_login(_organizer(group))

    assert client.get(_url("resource_pin", group, resource.pk)).status_code == 405
    assert client.get(_url("resource_remove", group, resource.pk)).status_code == 405


def test_pin_resource_of_another_group_is_404(client, group):
    other_group = GroupFactory()
    MembershipFactory(group=other_group, role=Role.ORGANIZER)
    elsewhere = _resource(other_group, added_by=UserFactory())
    client.force_login(_organizer(group))

    response = client.post(_url("resource_pin", group, elsewhere.pk), {"pinned": "1"})

    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.pinned is False


def test_set_pinned_service_refuses_members(group):
    resource = _resource(group)

    with pytest.raises(NotAllowed) as refused:
        services.set_pinned(actor=_member(group), group=group, resource_id=resource.pk, pinned=True)
    assert str(refused.value) == "Only the group's organizers can pin links."

    resource.refresh_from_db()
    assert resource.pinned is False
    assert not AuditEntry.objects.filter(verb="resource.pinned").exists()


# --- removing ------------------------------------------------------------------------------


def test_remove_own_resource_by_member(client, group):
    member = _member(group)
    resource = _resource(group, added_by=member, title="My old link")
    client.force_login(member)

    response = client.post(_url("resource_remove", group, resource.pk), {"state": "q=old"})

    assert response.status_code == 302
    assert response.url == f"{_url('resources', group)}?q=old"
    assert not Resource.objects.exists()
    assert _messages(response) == ["“My old link” is no longer in the library."]
    entry = AuditEntry.objects.get(verb="resource.removed")
    assert (entry.actor, entry.subject, entry.object_id) == (member, None, str(resource.pk))
    assert entry.data == {"title": "My old link", "url": "https://www.example.org/"}


@pytest.mark.parametrize("role", [Role.ORGANIZER, Role.CO_ORGANIZER])
def test_remove_anyones_resource_by_organizers(client, group, role):
    member = _member(group)
    resource = _resource(group, added_by=member)
    organizer = _user(group, role)
    client.force_login(organizer)

    response = client.post(_url("resource_remove", group, resource.pk))

    assert response.status_code == 302
    assert not Resource.objects.exists()
    entry = AuditEntry.objects.get(verb="resource.removed")
    assert (entry.actor, entry.subject) == (organizer, member)


def test_remove_someone_elses_resource_by_member_is_refused(client, group):
    resource = _resource(group, added_by=_other_member(group))
    client.force_login(_member(group))

    response = client.post(_url("resource_remove", group, resource.pk))

    assert response.status_code == 302
    assert response.url == _url("resources", group)
    assert _messages(response) == [
        "Only the colleague who shared this link, or an organizer, can remove it."
    ]
    assert Resource.objects.get() == resource
    assert not AuditEntry.objects.filter(verb="resource.removed").exists()


def test_remove_buttons_for_the_adder_and_organizers_only(client, group):
    theirs = _resource(group, added_by=_other_member(group), title="Link from Max")
    mine = _resource(group, added_by=_member(group), title="Link from Mia")
    client.force_login(_member(group))
    as_member = client.get(_url("resources", group)).content.decode()
    client.force_login(_organizer(group))
    as_organizer = client.get(_url("resources", group)).content.decode()

    assert _url("resource_remove", group, mine.pk) in as_member
    assert _url("resource_remove", group, theirs.pk) not in as_member
    assert _url("resource_remove", group, mine.pk) in as_organizer
    assert _url("resource_remove", group, theirs.pk) in as_organizer


def test_remove_resource_of_another_group_is_404(client, group):
    elsewhere = _resource(GroupFactory(), added_by=_organizer(group))
    client.force_login(_organizer(group))

    response = client.post(_url("resource_remove", group, elsewhere.pk))

    assert response.status_code == 404
    assert Resource.objects.get() == elsewhere


def test_remove_state_keeps_only_library_parameters(client, group):
    resource = _resource(group, added_by=_member(group))
    client.force_login(_member(group))

    response = client.post(
        _url("resource_remove", group, resource.pk),
        {"state": "next=https://evil.example&category=tool&page=2"},
    )

    assert response.url == f"{_url('resources', group)}?category=tool&page=2"


# --- queries -------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 20])
def test_library_query_count_is_constant(client, group, django_assert_num_queries, count):
    adders = [_member(group), _other_member(group), _organizer(group)]
    for n in range(count):
        _resource(group, added_by=adders[n % 3], title=f"Link {n}", pinned=n % 4 == 0)
    client.force_login(_organizer(group))

    with django_assert_num_queries(4):
        response = client.get(_url("resources", group), {"q": "link"})

    assert len(_titles(response)) == count
