"""Calendar output, parsed back with an independent parser (the ``ical`` library)."""

from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from ical.calendar_stream import IcsCalendarStream

from groups.enums import Role
from meetings import calendar as calendar_module
from meetings import services
from meetings.calendar import build_calendar
from meetings.models import Meeting
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

NY = ZoneInfo("America/New_York")


@pytest.fixture
def group():
    return GroupFactory(
        time_zone="America/New_York",
        venue_kind="hybrid",
        venue_name="Library room",
        street_address="1 Main St",
        city="Denver",
        online_link="https://meet.example.org/x",
    )


@pytest.fixture
def organizer(group):
    return MembershipFactory(group=group, role=Role.ORGANIZER).user


def _parse(body: bytes):
    return IcsCalendarStream.calendar_from_ics(body.decode())


def test_events_keep_local_time_across_dst_and_carry_the_agenda(group, organizer):
    services.set_agenda_template(
        actor=organizer,
        group=group,
        segments=[{"kind": "check_in", "minutes": 10}, {"kind": "case", "minutes": 20}],
    )
    series = services.create_series(
        actor=organizer,
        group=group,
        title="Consult",
        rule="FREQ=WEEKLY;INTERVAL=1;BYDAY=TH",
        starts_on=date(2027, 3, 4),
        start_time=time(19),
        duration_minutes=90,
        today=date(2027, 3, 1),
    )
    meetings = list(series.meetings.order_by("starts_at").prefetch_related("segments")[:3])
    parsed = _parse(build_calendar(meetings, name="Test", member=True, alarm_minutes=60))

    events = parsed.events
    starts = [e.dtstart for e in events]
    assert [s.astimezone(NY).hour for s in starts] == [19, 19, 19]
    assert [s.astimezone(ZoneInfo("UTC")).hour for s in starts] == [0, 0, 23]
    assert [e.uid for e in events] == [f"meeting-{m.pk}@127.0.0.1" for m in meetings]
    assert events[0].description.count("Check-in") == 1
    assert "19:10 Case presentation (20 min)" in events[0].description
    assert "https://meet.example.org/x" in events[0].description
    assert events[0].location == "Library room, 1 Main St, Denver (and online)"
    assert events[0].alarm[0].trigger == -timedelta(minutes=60)
    assert [tz.tz_id for tz in parsed.timezones] == ["America/New_York"]


def test_cancelled_meeting_has_status_cancelled_and_higher_sequence(group, organizer):
    meeting = MeetingFactory(group=group)
    before = _parse(build_calendar([meeting], name="x", member=True, alarm_minutes=None))
    services.cancel_meeting(actor=organizer, meeting=meeting)
    meeting.refresh_from_db()
    after = _parse(build_calendar([meeting], name="x", member=True, alarm_minutes=None))
    assert before.events[0].uid == after.events[0].uid
    assert (before.events[0].sequence, after.events[0].sequence) == (0, 1)
    assert after.events[0].status == "CANCELLED"
    assert after.events[0].alarm == []


def test_online_meeting_location_and_no_link_for_non_members(group):
    meeting = MeetingFactory(group=group, venue_kind="online")
    event = _parse(build_calendar([meeting], name="x", member=False, alarm_minutes=None)).events[0]
    assert event.location == "Online"
    assert "meet.example.org" not in event.description


def test_meeting_ics_download_is_for_members_only(client, group, organizer):
    meeting = MeetingFactory(group=group)
    url = reverse("meetings:ics", args=[meeting.pk])
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(organizer)
    response = client.get(url)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert _parse(response.content).events[0].summary == f"Group meeting · {group.name}"


def test_personal_feed_lists_only_my_groups_and_revoked_token_is_404(client, group, organizer):
    mine = MeetingFactory(group=group)
    MeetingFactory(group=GroupFactory())  # another group's meeting
    token = services.get_or_create_feed_token(user=organizer).token
    response = client.get(reverse("meetings:feed", args=[token]))
    uids = [e.uid for e in _parse(response.content).events]
    assert uids == [f"meeting-{mine.pk}@127.0.0.1"]

    services.regenerate_feed_token(user=organizer)
    assert client.get(reverse("meetings:feed", args=[token])).status_code == 404
    assert client.get(reverse("meetings:feed", args=["not-a-token"])).status_code == 404


def test_group_feed_only_for_a_group_the_token_owner_belongs_to(client, group, organizer):
    MeetingFactory(group=group)
    other = GroupFactory()
    token = services.get_or_create_feed_token(user=organizer).token
    ok = client.get(reverse("meetings:group_feed", args=[token, group.slug]))
    assert len(_parse(ok.content).events) == 1
    assert client.get(reverse("meetings:group_feed", args=[token, other.slug])).status_code == 404


@pytest.mark.parametrize("count", [1, 20])
def test_personal_feed_query_count_does_not_grow(
    client, group, organizer, count, django_assert_num_queries
):
    start = timezone.now() + timedelta(days=1)
    for i in range(count):
        meeting = MeetingFactory(group=group, starts_at=start + timedelta(days=i))
        meeting.segments.create(kind="discussion", minutes=30)
    token = services.get_or_create_feed_token(user=organizer).token
    with django_assert_num_queries(4):  # ... and the owner's groups, for the kept validators
        response = client.get(reverse("meetings:feed", args=[token]))
    assert len(_parse(response.content).events) == count


def test_feed_for_five_groups_and_a_year_of_meetings_has_no_query_per_meeting(
    client, django_assert_num_queries
):
    user = UserFactory()
    start = timezone.now() + timedelta(days=1)
    for _ in range(5):
        group = GroupFactory()
        MembershipFactory(group=group, user=user)
        Meeting.objects.bulk_create(
            Meeting(
                group=group,
                title="Weekly",
                starts_at=start + timedelta(weeks=w),
                ends_at=start + timedelta(weeks=w, minutes=60),
            )
            for w in range(52)
        )
    token = services.get_or_create_feed_token(user=user).token
    with django_assert_num_queries(4):  # one of them: the owner's groups, for the kept validators
        response = client.get(reverse("meetings:feed", args=[token]))
    assert len(_parse(response.content).events) == 260


def test_an_unchanged_calendar_is_served_from_the_cache(group, organizer, monkeypatch):
    meeting = MeetingFactory(group=group, title="Cached consult")
    first = build_calendar([meeting], name="x", member=True, alarm_minutes=30)
    renders = []
    monkeypatch.setattr(
        calendar_module, "_render_calendar", lambda *a, **k: renders.append(1) or b"fresh"
    )
    assert build_calendar([meeting], name="x", member=True, alarm_minutes=30) == first
    assert renders == []
    # Another reader setting, another calendar: rendered, not taken from the cache.
    assert build_calendar([meeting], name="x", member=True, alarm_minutes=60) == b"fresh"
    assert build_calendar([meeting], name="x", member=False, alarm_minutes=30) == b"fresh"
    assert len(renders) == 2


def test_the_feed_shows_an_agenda_change_at_once(client, group, organizer):
    meeting = MeetingFactory(group=group, starts_at=timezone.now() + timedelta(days=2))
    url = reverse("meetings:feed", args=[services.get_or_create_feed_token(user=organizer).token])
    assert "Agenda:" not in _parse(client.get(url).content).events[0].description
    services.set_agenda(
        actor=organizer, meeting=meeting, segments=[{"kind": "case", "minutes": 25}]
    )
    assert "Case presentation (25 min)" in _parse(client.get(url).content).events[0].description
    meeting.refresh_from_db()
    services.cancel_meeting(actor=organizer, meeting=meeting)
    assert _parse(client.get(url).content).events[0].status == "CANCELLED"
