"""Conditional requests to the calendar subscription feeds (meetings/views/calendar.py).

Every answer carries an ETag and a Last-Modified; a poll whose copy is current gets a 304 with no
body after one small query (two for a group's feed). Everything the feed shows changes the ETag
at once: each test below makes one such change through the project's services and checks that
the old ETag now gets a 200 with the change in it.
"""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import http_date, parse_http_date
from ical.calendar_stream import IcsCalendarStream

from config import pagecache
from groups import services as group_services
from groups.enums import GroupStatus, Role
from meetings import selectors, services
from meetings.models import AgendaSegment, Meeting
from meetings.views import calendar as calendar_views
from members import services as member_services
from presentations.services import slots
from tests.factories import (
    AgendaSegmentFactory,
    GroupFactory,
    MeetingFactory,
    MembershipFactory,
    RsvpFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def group():
    return GroupFactory(
        name="Evening circle",
        time_zone="America/New_York",
        venue_kind="hybrid",
        venue_name="Library room",
        street_address="1 Main St",
        city="Denver",
        online_link="https://meet.example.org/circle",
    )


@pytest.fixture
def organizer(group):
    return MembershipFactory(group=group, role=Role.ORGANIZER).user


@pytest.fixture
def owner(group):
    """The feed's owner: a plain member (so they may leave)."""
    return MembershipFactory(group=group).user


@pytest.fixture
def meeting(group):
    meeting = MeetingFactory(group=group, title="Consultation")
    AgendaSegmentFactory(meeting=meeting, position=0, kind="check_in", minutes=10)
    AgendaSegmentFactory(meeting=meeting, position=1, kind="case", minutes=30)
    return meeting


def _token(user) -> str:
    return services.get_or_create_feed_token(user=user).token


@pytest.fixture(params=["personal", "group"])
def feed_url(request, owner, group, meeting):
    if request.param == "personal":
        return reverse("meetings:feed", args=[_token(owner)])
    return reverse("meetings:group_feed", args=[_token(owner), group.slug])


def _events(response) -> list:
    return IcsCalendarStream.calendar_from_ics(response.content.decode()).events


def _current_etag(client, url) -> str:
    """The feed's ETag now, checked to give a 304 while nothing changes."""
    etag = client.get(url)["ETag"]
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    return etag


def _refetch(client, url, etag) -> list:
    """The feed fetched after a change, whole and with a copy's ETag: a 200 with a new ETag
    both times (the calendar kept with the old one is not served); its events."""
    whole = client.get(url)
    response = client.get(url, headers={"if-none-match": etag})
    assert (whole.status_code, response.status_code) == (200, 200)
    assert whole["ETag"] == response["ETag"] != etag
    assert whole.content == response.content
    return _events(response)


# --- the conditional answers ----------------------------------------------------------------


def test_feed_answer_carries_validators_and_revalidation_headers(client, feed_url):
    response = client.get(feed_url)
    assert response.status_code == 200
    assert response["ETag"].startswith('W/"') and response["ETag"].endswith('"')
    assert parse_http_date(response["Last-Modified"]) <= timezone.now().timestamp() + 1
    assert response["Cache-Control"] == "private, no-cache"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    assert [e.summary for e in _events(response)] == ["Consultation · Evening circle"]


def test_feed_with_matching_etag_is_304_without_body(client, feed_url):
    first = client.get(feed_url)
    response = client.get(feed_url, headers={"if-none-match": first["ETag"]})
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == first["ETag"]
    assert response["Last-Modified"] == first["Last-Modified"]
    assert response["Cache-Control"] == "private, no-cache"


def test_feed_with_current_if_modified_since_is_304(client, feed_url):
    first = client.get(feed_url)
    response = client.get(feed_url, headers={"if-modified-since": first["Last-Modified"]})
    assert response.status_code == 304
    assert response.content == b""


def test_feed_modified_since_an_older_date_is_200(client, feed_url):
    first = client.get(feed_url)
    older = http_date(parse_http_date(first["Last-Modified"]) - 60)
    response = client.get(feed_url, headers={"if-modified-since": older})
    assert response.status_code == 200
    assert len(_events(response)) == 1


def test_feed_with_stale_etag_is_200_even_with_current_date(client, feed_url):
    """If-None-Match decides when it is sent; a current If-Modified-Since does not override it."""
    first = client.get(feed_url)
    response = client.get(
        feed_url,
        headers={"if-none-match": 'W/"stale"', "if-modified-since": first["Last-Modified"]},
    )
    assert response.status_code == 200
    assert response["ETag"] == first["ETag"]
    assert len(_events(response)) == 1


def test_feed_head_answers_conditionally_too(client, feed_url):
    head = client.head(feed_url)
    assert head.status_code == 200
    assert head["ETag"] == client.get(feed_url)["ETag"]
    again = client.head(feed_url, headers={"if-none-match": head["ETag"]})
    assert again.status_code == 304


def test_feed_stale_etag_gets_the_new_body(client, feed_url, organizer, meeting):
    etag = _current_etag(client, feed_url)
    services.update_meeting(actor=organizer, meeting=meeting, data={"title": "Ethics round"})
    events = _refetch(client, feed_url, etag)
    assert [e.summary for e in events] == ["Ethics round · Evening circle"]


def test_feed_last_modified_moves_forward_with_a_change(client, feed_url, organizer, meeting):
    """Even within the same second: a client's If-Modified-Since never matches new content."""
    first = client.get(feed_url)
    services.cancel_meeting(actor=organizer, meeting=meeting)
    response = client.get(feed_url, headers={"if-modified-since": first["Last-Modified"]})
    assert response.status_code == 200
    assert parse_http_date(response["Last-Modified"]) > parse_http_date(first["Last-Modified"])
    assert [e.status for e in _events(response)] == ["CANCELLED"]


# --- every change the feed shows gives a new ETag -------------------------------------------


def test_feed_changes_when_a_meeting_is_created(client, feed_url, organizer, group):
    etag = _current_etag(client, feed_url)
    services.create_meeting(
        actor=organizer,
        group=group,
        title="Extra session",
        starts_at=timezone.now() + timedelta(days=10),
        duration_minutes=60,
    )
    events = _refetch(client, feed_url, etag)
    assert [e.summary.split(" · ")[0] for e in events] == ["Consultation", "Extra session"]


def test_feed_changes_when_a_meeting_moves(client, feed_url, organizer, meeting):
    etag = _current_etag(client, feed_url)
    later = meeting.starts_at + timedelta(hours=2)
    services.update_meeting(actor=organizer, meeting=meeting, data={"starts_at": later})
    assert [e.dtstart for e in _refetch(client, feed_url, etag)] == [later]


def test_feed_changes_when_a_meeting_gets_its_own_venue(client, feed_url, organizer, meeting):
    etag = _current_etag(client, feed_url)
    services.update_meeting(
        actor=organizer, meeting=meeting, data={"venue_kind": "online", "online_link": ""}
    )
    assert [e.location for e in _refetch(client, feed_url, etag)] == ["Online"]


def test_feed_changes_when_a_meeting_is_cancelled(client, feed_url, organizer, meeting):
    etag = _current_etag(client, feed_url)
    services.cancel_meeting(actor=organizer, meeting=meeting, message="Snow day")
    events = _refetch(client, feed_url, etag)
    assert [e.status for e in events] == ["CANCELLED"]
    assert "Snow day" in events[0].description


def test_feed_changes_when_a_meeting_is_deleted(client, feed_url, meeting):
    """No service deletes a meeting (the admin or a group's deletion does): the row goes."""
    etag = _current_etag(client, feed_url)
    meeting.delete()
    assert _refetch(client, feed_url, etag) == []


def test_feed_changes_when_a_huddle_is_called(client, feed_url, organizer, group):
    etag = _current_etag(client, feed_url)
    services.create_huddle(
        actor=organizer,
        group=group,
        title="Quick huddle",
        starts_at=timezone.now() + timedelta(days=1),
        duration_minutes=30,
        online_link="https://video.example.org/huddle",
    )
    events = _refetch(client, feed_url, etag)
    assert [e.summary.split(" · ")[0] for e in events] == ["Quick huddle", "Consultation"]


def test_feed_changes_when_the_agenda_is_edited(client, feed_url, organizer, meeting):
    etag = _current_etag(client, feed_url)
    services.set_agenda(
        actor=organizer, meeting=meeting, segments=[{"kind": "discussion", "minutes": 45}]
    )
    description = _refetch(client, feed_url, etag)[0].description
    assert "Discussion (45 min)" in description
    assert "Case presentation" not in description


def test_feed_changes_when_the_agenda_is_reordered(client, feed_url, organizer, meeting):
    """``reorder_agenda`` moves segments with ``QuerySet.update()``: no ``updated_at`` changes."""
    etag = _current_etag(client, feed_url)
    ids = list(meeting.segments.order_by("position").values_list("pk", flat=True))
    slots.reorder_agenda(actor=organizer, meeting=meeting, segment_ids=ids[::-1])
    description = _refetch(client, feed_url, etag)[0].description
    assert description.index("Case presentation") < description.index("Check-in")


def test_feed_changes_when_a_segment_is_renamed_without_the_meeting(client, feed_url, meeting):
    """A write that touches only a segment (no sequence, no ``updated_at``) still shows."""
    etag = _current_etag(client, feed_url)
    AgendaSegment.objects.filter(meeting=meeting, kind="case").update(title="Case: the move")
    assert "Case: the move (30 min)" in _refetch(client, feed_url, etag)[0].description


def test_feed_changes_when_the_group_is_renamed(client, feed_url, organizer, group):
    etag = _current_etag(client, feed_url)
    group_services.update_group(actor=organizer, group=group, data={"name": "Morning circle"})
    assert [e.summary for e in _refetch(client, feed_url, etag)] == [
        "Consultation · Morning circle"
    ]


def test_feed_changes_when_the_group_venue_changes(client, feed_url, organizer, group):
    etag = _current_etag(client, feed_url)
    group_services.update_group(
        actor=organizer,
        group=group,
        data={"venue_name": "Clinic library", "online_link": "https://meet.example.org/new"},
    )
    event = _refetch(client, feed_url, etag)[0]
    assert event.location == "Clinic library, 1 Main St, Denver (and online)"
    assert "https://meet.example.org/new" in event.description


def test_feed_changes_when_the_group_time_zone_changes(client, feed_url, organizer, group):
    etag = _current_etag(client, feed_url)
    services.change_group_time_zone(
        actor=organizer, group=group, time_zone="America/Denver", keep_local_times=False
    )
    event = _refetch(client, feed_url, etag)[0]
    assert str(event.dtstart.tzinfo) == "America/Denver"


def test_feed_changes_when_the_group_status_changes(client, feed_url, organizer, group):
    """The feed shows nothing of the status today; it is in the ETag to be on the safe side."""
    etag = _current_etag(client, feed_url)
    group_services.update_group(actor=organizer, group=group, data={"status": GroupStatus.ARCHIVED})
    assert len(_refetch(client, feed_url, etag)) == 1


def test_feed_changes_with_the_owner_language(client, feed_url, owner):
    etag = _current_etag(client, feed_url)
    member_services.set_language(user=owner, language="es")
    description = _refetch(client, feed_url, etag)[0].description
    assert "Orden del día:" in description
    assert "Unirse en línea: https://meet.example.org/circle" in description


def test_feed_in_the_browser_language_differs_by_language(client, feed_url):
    """An owner with no chosen language: the fixed words follow the caller's language."""
    etag = _current_etag(client, feed_url)
    response = client.get(feed_url, headers={"if-none-match": etag, "accept-language": "es"})
    assert response.status_code == 200
    assert "Orden del día:" in _events(response)[0].description


def test_feed_changes_with_the_owner_reminder_time(client, feed_url, owner):
    etag = _current_etag(client, feed_url)
    member_services.update_notification_preferences(
        user=owner, enabled={}, digest={}, lead_minutes=[15], remind_when_unanswered=False
    )
    event = _refetch(client, feed_url, etag)[0]
    assert event.alarm[0].trigger == -timedelta(minutes=15)


def test_feed_changes_when_a_meeting_leaves_the_window(client, feed_url, group, monkeypatch):
    """Time alone changes a feed: a meeting more than FEED_PAST ago drops out. (The window is
    shortened here rather than the clock moved.)"""
    MeetingFactory(group=group, title="Last week", starts_at=timezone.now() - timedelta(days=3))
    etag = _current_etag(client, feed_url)
    monkeypatch.setattr(selectors, "FEED_PAST", timedelta(days=2))
    # Nothing was written: the validators kept for a minute still answer (config.pagecache)...
    assert client.get(feed_url, headers={"if-none-match": etag}).status_code == 304
    cache.clear()  # ... until the minute is over
    assert [e.summary.split(" · ")[0] for e in _refetch(client, feed_url, etag)] == ["Consultation"]


def test_feed_keeps_its_etag_for_what_it_does_not_show(client, feed_url, owner, meeting):
    """An RSVP or a role is not in the calendar: the calendar app keeps its copy (304)."""
    etag = _current_etag(client, feed_url)
    RsvpFactory(meeting=meeting, user=owner)
    services.set_rsvp(user=owner, meeting=meeting, answer="cant")
    assert client.get(feed_url, headers={"if-none-match": etag}).status_code == 304


# --- memberships ----------------------------------------------------------------------------


def test_personal_feed_changes_when_the_owner_joins_a_group(client, owner, meeting):
    url = reverse("meetings:feed", args=[_token(owner)])
    other = GroupFactory(name="Second circle")
    MeetingFactory(group=other, title="Second meeting")
    etag = _current_etag(client, url)
    group_services.join_group(user=owner, group=other, accepted_rules=True)
    summaries = sorted(e.summary for e in _refetch(client, url, etag))
    assert summaries == ["Consultation · Evening circle", "Second meeting · Second circle"]


def test_personal_feed_changes_when_the_owner_leaves_a_group(client, owner, group, meeting):
    url = reverse("meetings:feed", args=[_token(owner)])
    etag = _current_etag(client, url)
    group_services.leave_group(user=owner, group=group)
    assert _refetch(client, url, etag) == []


def test_personal_feed_changes_when_the_owner_is_removed(client, owner, organizer, group, meeting):
    url = reverse("meetings:feed", args=[_token(owner)])
    etag = _current_etag(client, url)
    membership = group.memberships.get(user=owner)
    group_services.remove_member(actor=organizer, group=group, membership_id=membership.pk)
    assert _refetch(client, url, etag) == []


def test_group_feed_of_a_group_the_owner_left_is_404(client, owner, group, meeting):
    url = reverse("meetings:group_feed", args=[_token(owner), group.slug])
    etag = _current_etag(client, url)
    group_services.leave_group(user=owner, group=group)
    assert client.get(url, headers={"if-none-match": etag}).status_code == 404
    assert client.get(url).status_code == 404


def test_group_feed_of_a_group_the_owner_was_removed_from_is_404(
    client, owner, organizer, group, meeting
):
    url = reverse("meetings:group_feed", args=[_token(owner), group.slug])
    etag = _current_etag(client, url)
    membership = group.memberships.get(user=owner)
    group_services.remove_member(actor=organizer, group=group, membership_id=membership.pk)
    assert client.get(url, headers={"if-none-match": etag}).status_code == 404


# --- the token decides, not the cache -------------------------------------------------------


def test_feed_with_a_regenerated_token_is_404_with_any_etag(client, feed_url, owner):
    etag = _current_etag(client, feed_url)
    services.regenerate_feed_token(user=owner)
    assert client.get(feed_url, headers={"if-none-match": etag}).status_code == 404
    assert client.get(feed_url, headers={"if-none-match": "*"}).status_code == 404


def test_feed_of_a_deactivated_owner_is_404(client, feed_url, owner):
    etag = _current_etag(client, feed_url)
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    assert client.get(feed_url, headers={"if-none-match": etag}).status_code == 404


def test_two_owners_of_the_same_meetings_never_share_an_etag(client, group, owner, meeting):
    other = MembershipFactory(group=group).user
    mine = reverse("meetings:feed", args=[_token(owner)])
    theirs = reverse("meetings:feed", args=[_token(other)])
    etag = client.get(mine)["ETag"]
    response = client.get(theirs, headers={"if-none-match": etag})
    assert response.status_code == 200
    assert response["ETag"] != etag
    group_url = reverse("meetings:group_feed", args=[_token(owner), group.slug])
    assert client.get(group_url)["ETag"] != etag  # and a group's feed is another one


def test_feed_without_the_cache_still_answers_by_etag(client, feed_url):
    """Only Last-Modified is remembered in the cache; the ETag comes from the database, so a
    lost cache (evicted, or Redis unreachable) still answers a current copy with a 304."""
    first = client.get(feed_url)
    cache.clear()
    assert client.get(feed_url, headers={"if-none-match": first["ETag"]}).status_code == 304


# --- what a 304 costs -----------------------------------------------------------------------


def _owner_of(groups: int, meetings: int):
    """A member of ``groups`` groups with ``meetings`` upcoming meetings each, one agenda
    segment apiece."""
    user = UserFactory()
    start = timezone.now() + timedelta(days=1)
    for _ in range(groups):
        group = GroupFactory()
        MembershipFactory(group=group, user=user)
        rows = Meeting.objects.bulk_create(
            Meeting(
                group=group,
                title="Weekly",
                starts_at=start + timedelta(days=d),
                ends_at=start + timedelta(days=d, minutes=60),
            )
            for d in range(meetings)
        )
        AgendaSegment.objects.bulk_create(
            AgendaSegment(meeting=m, kind="discussion", minutes=30) for m in rows
        )
    return user, group


@pytest.mark.parametrize("count", [1, 20])
def test_personal_feed_304_takes_no_query_or_two(client, count, django_assert_num_queries):
    user, _group = _owner_of(count, count)
    url = reverse("meetings:feed", args=[_token(user)])
    first = client.get(url)
    assert len(_events(first)) == count * count
    with django_assert_num_queries(0):  # the validators kept with the versions (pagecache)
        response = client.get(url, headers={"if-none-match": first["ETag"]})
    assert response.status_code == 304
    cache.clear()  # not kept: the owner with the digest, and the owner's groups
    with django_assert_num_queries(2):
        response = client.get(url, headers={"if-none-match": first["ETag"]})
    assert response.status_code == 304


@pytest.mark.parametrize("count", [1, 20])
def test_group_feed_304_takes_no_query_or_two(client, count, django_assert_num_queries):
    user, group = _owner_of(count, count)
    url = reverse("meetings:group_feed", args=[_token(user), group.slug])
    first = client.get(url)
    assert len(_events(first)) == count
    with django_assert_num_queries(0):  # the validators kept with the versions (pagecache)
        response = client.get(url, headers={"if-none-match": first["ETag"]})
    assert response.status_code == 304
    cache.clear()  # not kept: the owner, and the group with the digest
    with django_assert_num_queries(2):
        response = client.get(url, headers={"if-none-match": first["ETag"]})
    assert response.status_code == 304


@pytest.mark.parametrize("feed", ["personal", "group"])
@pytest.mark.parametrize("count", [1, 20])
def test_a_feed_fetched_whole_again_takes_no_query(client, feed, count, django_assert_num_queries):
    """A calendar app that never sends If-None-Match gets the kept calendar while nothing it
    shows has been written."""
    user, group = _owner_of(count, count)
    token = _token(user)
    url = (
        reverse("meetings:feed", args=[token])
        if feed == "personal"
        else (reverse("meetings:group_feed", args=[token, group.slug]))
    )
    first = client.get(url)
    with django_assert_num_queries(0):
        again = client.get(url)
    assert (again.status_code, again.content, again["ETag"]) == (200, first.content, first["ETag"])
    assert again["Cache-Control"] == "private, no-cache"
    assert again["Content-Disposition"] == first["Content-Disposition"]


def test_the_kept_calendar_is_sealed(client, owner, meeting):
    """The cache holds the calendar encrypted: a feed names the owner's online meeting links."""
    token = _token(owner)
    body = client.get(reverse("meetings:feed", args=[token])).content
    with translation.override("en"):
        key = calendar_views._kept_key(None, token)
    kept = cache.get(key)
    assert b"meet.example.org" in body
    assert b"meet.example.org" not in kept["body"]
    assert pagecache.unseal(key, kept["body"]) == body


@pytest.mark.parametrize("count", [1, 20])
def test_group_feed_200_query_count_does_not_grow(client, count, django_assert_num_queries):
    """The feed loads only what the ETag covers (``selectors.FEED_*_FIELDS``): a value read
    outside them would cost a query per meeting here."""
    user, group = _owner_of(1, count)
    url = reverse("meetings:group_feed", args=[_token(user), group.slug])
    with django_assert_num_queries(4):
        response = client.get(url)
    assert len(_events(response)) == count
