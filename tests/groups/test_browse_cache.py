"""The browse page is cached (whole for visitors, below the navigation for members), and
every change that shows on it invalidates it."""

import re
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from groups import cache as group_cache
from groups import services
from meetings.models import Meeting
from portal.views import browse as browse_views
from tests.factories import (
    GroupFactory,
    MeetingFactory,
    MembershipFactory,
    ProfileFactory,
    SpecialtyFactory,
    UserFactory,
)

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


def _without_form_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_signed_in_visitors_get_their_own_navigation_around_the_cached_results(
    client, django_assert_num_queries
):
    GroupFactory(name="Shared Circle")
    url = reverse("groups:browse") + "?sort=name"
    client.force_login(ProfileFactory(display_name="Dr Ana Ruiz").user)
    first = client.get(url).content.decode()
    with django_assert_num_queries(0):  # the user (members.backends) and results: the cache
        second = client.get(url).content.decode()
    # Equal but for the form token of "Save this search" (outside the cache, masked anew for
    # every response).
    assert _without_form_tokens(second) == _without_form_tokens(first)
    assert "Dr Ana Ruiz" in second and "Shared Circle" in second

    client.force_login(ProfileFactory(display_name="Dr Ben Okafor").user)
    third = client.get(url).content.decode()
    assert "Dr Ben Okafor" in third and "Dr Ana Ruiz" not in third
    assert "Shared Circle" in third


def test_visitors_and_members_never_share_a_cached_copy(client):
    url = reverse("groups:browse")  # no groups: the empty state differs by audience
    assert "Join PeerCircle to start a group" in client.get(url).content.decode()
    client.force_login(UserFactory())
    assert "Join PeerCircle to start a group" not in client.get(url).content.decode()
    client.logout()
    assert "Join PeerCircle to start a group" in client.get(url).content.decode()


def test_a_new_group_shows_at_once_for_members_too(client, django_capture_on_commit_callbacks):
    url = reverse("groups:browse")
    client.force_login(UserFactory())
    client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        services.create_group(
            actor=UserFactory(), data={"name": "Fresh Member Circle", "purposes": ["support"]}
        )
    assert "Fresh Member Circle" in client.get(url).content.decode()


def test_next_meeting_time_is_shown_in_each_readers_time_zone(client):
    group = GroupFactory(name="Zone Circle", time_zone="UTC")
    starts = (timezone.now() + timedelta(days=3)).replace(
        hour=12, minute=0, second=0, microsecond=0
    )
    MeetingFactory(group=group, starts_at=starts)
    assert Meeting.objects.filter(group=group).count() == 1
    url = reverse("groups:browse")
    client.force_login(ProfileFactory(time_zone="Asia/Tokyo").user)
    assert "21:00" in client.get(url).content.decode()  # 12:00 UTC is 21:00 in Tokyo
    client.force_login(ProfileFactory(time_zone="America/New_York").user)
    new_york = client.get(url).content.decode()
    assert "21:00" not in new_york
    assert ("07:00" in new_york) or ("08:00" in new_york)  # EST or EDT


def test_a_page_with_a_pending_message_is_neither_served_nor_stored(client):
    GroupFactory()
    url = reverse("groups:browse")
    client.get(url)  # an anonymous copy is cached
    client.force_login(UserFactory())
    client.post(reverse("account_logout"))  # leaves "You have signed out." for the next page
    with_message = client.get(url).content.decode()
    assert "You have signed out." in with_message
    assert "You have signed out." not in client.get(url).content.decode()


def test_the_filter_sidebar_is_shared_by_every_page_of_a_search(client):
    for i in range(25):
        GroupFactory(name=f"Paged Circle {i:02d}")
    client.force_login(UserFactory())
    url = reverse("groups:browse")
    first = client.get(url, {"sort": "name"})
    with CaptureQueriesContext(connection) as captured:
        second = client.get(url, {"sort": "name", "page": 2})
    assert "Paged Circle 20" in second.content.decode()
    # The focus choices were read for page 1 only; page 2 took the sidebar from the cache.
    assert not any('FROM "members_specialty" ORDER BY' in q["sql"] for q in captured)
    sidebar = 'role="search"'
    assert sidebar in first.content.decode() and sidebar in second.content.decode()


def test_renaming_a_focus_term_in_the_admin_shows_at_once(
    client, django_capture_on_commit_callbacks
):
    term = SpecialtyFactory(name="Grief")
    GroupFactory(name="Loss Circle").focus_specialties.add(term)
    url = reverse("groups:browse")
    client.force_login(UserFactory())
    assert ">Grief</span>" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        term.name = "Grief and loss"
        term.save()  # as the site admin does: no service involved
    page = client.get(url).content.decode()
    assert ">Grief and loss</span>" in page
    assert ">Grief</span>" not in page


def test_a_value_containing_an_ampersand_cannot_pass_for_another_search(client):
    url = reverse("groups:browse")
    client.get(url + "?q=x%26city%3DParis")  # one search box value: "x&city=Paris"
    page = client.get(url + "?city=Paris&q=x").content.decode()
    assert 'value="x"' in page and 'value="Paris"' in page
    assert "x&amp;city=Paris" not in page


def test_admin_edits_of_a_group_show_at_once(client, django_capture_on_commit_callbacks):
    group = GroupFactory(name="Old Name Circle")
    url = reverse("groups:browse")
    assert "Old Name Circle" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        group.name = "New Name Circle"
        group.save()  # as the site admin does
    assert "New Name Circle" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        group.focus_specialties.add(SpecialtyFactory(name="Perinatal"))
    assert ">Perinatal</span>" in client.get(url).content.decode()


def test_a_group_archived_by_its_last_member_leaving_leaves_browse(
    client, django_capture_on_commit_callbacks
):
    from portal import privacy

    group = GroupFactory(name="Last One Circle", capacity=3)
    last = MembershipFactory(group=group, role="organizer").user
    url = reverse("groups:browse")
    assert "Last One Circle" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        privacy.delete_account(user=last)
    assert "Last One Circle" not in client.get(url).content.decode()


def test_results_are_kept_until_the_first_next_meeting_on_them_begins(client, monkeypatch):
    """What browse shows changes with writes (they bump the version), and with the clock only
    where a card's next meeting begins: the copy lives until then, at most 15 minutes."""
    kept = []

    def keep(key, html, seconds):
        kept.append(seconds)
        return time.time() + seconds

    monkeypatch.setattr(browse_views, "keep_results", keep)
    GroupFactory(name="No Meeting Circle")
    client.get(reverse("groups:browse") + "?sort=name")
    MeetingFactory(
        group=GroupFactory(name="Soon Circle"), starts_at=timezone.now() + timedelta(minutes=5)
    )
    client.get(reverse("groups:browse") + "?sort=newest")

    assert kept[0] == group_cache.RESULTS_SECONDS == 15 * 60
    assert 290 <= kept[1] <= 301


def test_results_seconds_never_reach_zero_or_past_the_limit():
    now = timezone.now()
    started = SimpleNamespace(next_meeting_at=now - timedelta(seconds=5))
    later = SimpleNamespace(next_meeting_at=now + timedelta(hours=3))
    none = SimpleNamespace(next_meeting_at=None)

    assert group_cache.results_seconds([started, later]) == 1
    assert group_cache.results_seconds([later, none]) == group_cache.RESULTS_SECONDS
    assert group_cache.results_seconds([]) == group_cache.RESULTS_SECONDS
