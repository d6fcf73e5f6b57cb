"""Pages shown to a signed-in person are never stored by a browser or a shared cache;
public pages for anonymous visitors stay cacheable as they were."""

import pytest
from django.urls import reverse

from tests.factories import GroupFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _directives(response) -> set[str]:
    value = response.get("Cache-Control", "")
    return {part.strip() for part in value.split(",") if part.strip()}


@pytest.mark.parametrize(
    "name", ["members:dashboard", "members:profile_edit", "members:notifications", "landing"]
)
def test_signed_in_pages_are_private_and_not_stored(client, name):
    client.force_login(UserFactory())
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert {"private", "no-store"} <= _directives(response)
    assert "public" not in _directives(response)


def test_members_only_group_page_is_not_stored(client):
    membership = MembershipFactory()
    client.force_login(membership.user)
    response = client.get(reverse("groups:resources", args=[membership.group.slug]))
    assert response.status_code == 200
    assert {"private", "no-store"} <= _directives(response)


def test_signed_in_browse_page_is_not_stored(client):
    GroupFactory(name="Visible Circle")
    client.force_login(UserFactory())
    response = client.get(reverse("groups:browse"))
    assert "Visible Circle" in response.content.decode()
    assert {"private", "no-store"} <= _directives(response)


def test_signed_in_redirects_are_not_stored_either(client):
    client.force_login(UserFactory())
    response = client.post(reverse("members:notifications"), {})
    assert {"private", "no-store"} <= _directives(response)


@pytest.mark.parametrize("name", ["landing", "groups:browse", "meetings:verify_lookup"])
def test_anonymous_public_pages_stay_cacheable(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "no-store" not in _directives(response)
    assert "private" not in _directives(response)


def test_anonymous_browse_page_is_still_served_from_the_server_cache(
    client, django_assert_num_queries
):
    GroupFactory(name="Cached Circle")
    first = client.get(reverse("groups:browse"))
    with django_assert_num_queries(0):
        second = client.get(reverse("groups:browse"))
    assert second.content == first.content
    assert "no-store" not in _directives(second)
