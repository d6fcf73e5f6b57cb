"""A visitor never reads an unlabelled UTC: the group page and the browse cards show a group's
times in the visitor's zone (the browser's, from the pc_tz cookie), else in the group's, labelled."""

import datetime

import pytest
from django.urls import reverse

from tests.factories import GroupFactory, MeetingFactory, UserFactory

pytestmark = pytest.mark.django_db

# 02:30 UTC on Tuesday 15 January 2030: 19:30 on Monday the 14th in Denver.
STARTS = datetime.datetime(2030, 1, 15, 2, 30, tzinfo=datetime.UTC)


@pytest.fixture
def group():
    group = GroupFactory(time_zone="America/Denver")
    MeetingFactory(group=group, starts_at=STARTS, ends_at=STARTS + datetime.timedelta(hours=1))
    return group


def _text(response) -> str:
    return " ".join(response.content.decode().split())


def test_a_visitor_sees_the_group_pages_next_meeting_in_the_groups_zone(client, group):
    response = client.get(reverse("groups:detail", args=[group.slug]))
    assert response.context["next_meeting_at"] == STARTS
    page = _text(response)
    assert (
        'Next meeting: <time datetime="2030-01-14T19:30:00-07:00">'
        "Monday 14 January 2030, 19:30 Denver time</time>"
    ) in page
    assert "UTC" not in page


def test_a_visitor_with_the_browser_zone_sees_the_group_page_in_their_zone(client, group):
    client.cookies["pc_tz"] = "Europe/Berlin"
    page = _text(client.get(reverse("groups:detail", args=[group.slug])))
    assert (
        'Next meeting: <time datetime="2030-01-15T03:30:00+01:00">'
        "Tuesday 15 January 2030, 03:30 Berlin time</time>"
    ) in page


def test_a_visitor_with_a_bad_cookie_sees_the_group_page_in_the_groups_zone(client, group):
    client.cookies["pc_tz"] = "Nowhere/Land"
    page = _text(client.get(reverse("groups:detail", args=[group.slug])))
    assert "Monday 14 January 2030, 19:30 Denver time" in page


def test_the_group_pages_usual_time_names_the_groups_zone(client, group):
    page = _text(client.get(reverse("groups:detail", args=[group.slug])))
    assert f"at {group.usual_time:%H:%M} Denver time" in page


def test_a_signed_in_person_sees_the_group_page_in_their_own_zone(client, group):
    client.force_login(UserFactory())  # profile zone: New York
    page = _text(client.get(reverse("groups:detail", args=[group.slug])))
    assert "Monday 14 January 2030, 21:30 New York time" in page


def _card_time(response, group) -> str:
    page = _text(response)
    start = page.index(group.name)
    return page[page.index("Next meeting", start) :].split("</time>")[0] + "</time>"


def test_a_visitors_browse_card_shows_each_groups_times_in_its_own_zone(client, group):
    berlin = GroupFactory(time_zone="Europe/Berlin")
    MeetingFactory(group=berlin, starts_at=STARTS, ends_at=STARTS + datetime.timedelta(hours=1))
    response = client.get(reverse("groups:browse"))
    assert _card_time(response, group) == (
        'Next meeting <time datetime="2030-01-14T19:30:00-07:00">'
        "Mon 14 Jan 2030, 19:30 Denver time</time>"
    )
    assert _card_time(response, berlin) == (
        'Next meeting <time datetime="2030-01-15T03:30:00+01:00">'
        "Tue 15 Jan 2030, 03:30 Berlin time</time>"
    )


def test_a_visitors_browse_card_with_the_browser_zone_shows_their_zone(client, group):
    client.cookies["pc_tz"] = "America/New_York"
    response = client.get(reverse("groups:browse"))
    assert _card_time(response, group) == (
        'Next meeting <time datetime="2030-01-14T21:30:00-05:00">'
        "Mon 14 Jan 2030, 21:30 New York time</time>"
    )


def test_a_cached_browse_page_is_never_served_to_a_visitor_in_another_zone(client, group):
    url = reverse("groups:browse")
    client.get(url)  # a visitor whose zone is not known: each group's own zone, cached
    client.cookies["pc_tz"] = "America/New_York"
    assert "21:30 New York time" in _card_time(client.get(url), group)
    client.cookies["pc_tz"] = "UTC"
    assert "02:30 UTC" in _card_time(client.get(url), group)
    del client.cookies["pc_tz"]
    assert "19:30 Denver time" in _card_time(client.get(url), group)
