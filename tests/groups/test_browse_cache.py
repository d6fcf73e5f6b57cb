"""The anonymous browse page is cached, and every change that shows on it invalidates it."""

import pytest
from django.urls import reverse

from groups import services
from tests.factories import GroupFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_second_anonymous_request_is_served_from_the_cache(client, django_assert_num_queries):
    GroupFactory(name="Cached Circle")
    url = reverse("groups:browse") + "?sort=name&purpose=consultation"
    first = client.get(url)
    with django_assert_num_queries(0):
        second = client.get(reverse("groups:browse") + "?purpose=consultation&sort=name")
    assert second.content == first.content
    assert "Cached Circle" in second.content.decode()


def test_a_new_group_shows_at_once(client, django_capture_on_commit_callbacks):
    url = reverse("groups:browse")
    client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        services.create_group(
            actor=UserFactory(), data={"name": "Brand New Circle", "purposes": ["support"]}
        )
    assert "Brand New Circle" in client.get(url).content.decode()


def test_seats_left_update_when_someone_joins(client, django_capture_on_commit_callbacks):
    group = GroupFactory(name="Seat Circle", capacity=3)
    MembershipFactory(group=group)
    url = reverse("groups:browse")
    assert "2 seats left" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.join_group(user=UserFactory(), group=group, accepted_rules=True)
    assert "1 seat left" in client.get(url).content.decode()


def test_signed_in_visitors_are_never_served_a_cached_page(client, django_assert_num_queries):
    GroupFactory()
    client.force_login(UserFactory())
    client.get(reverse("groups:browse"))
    response = client.get(reverse("groups:browse"))
    assert response.context is not None  # rendered, not from the cache


def test_a_page_with_a_pending_message_is_neither_served_nor_stored(client):
    GroupFactory()
    url = reverse("groups:browse")
    client.get(url)  # an anonymous copy is cached
    client.force_login(UserFactory())
    client.post(reverse("account_logout"))  # leaves "You have signed out." for the next page
    with_message = client.get(url).content.decode()
    assert "You have signed out." in with_message
    assert "You have signed out." not in client.get(url).content.decode()
