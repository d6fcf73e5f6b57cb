"""The meeting page, RSVPs, and the meetings on the group page, as members and outsiders see them."""

import html
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from groups.enums import MembershipPolicy, Role, VenueKind
from meetings.enums import AttendanceStatus, MeetingStatus, RsvpAnswer, SegmentKind
from meetings.models import Meeting, Rsvp
from tests.factories import (
    AgendaSegmentFactory,
    ApplicationFactory,
    AttendanceFactory,
    GroupFactory,
    MeetingFactory,
    MembershipFactory,
    RsvpFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LINK = "https://video.example.com/room-secret-42"
NY = ZoneInfo("America/New_York")


@pytest.fixture
def group():
    return GroupFactory(
        name="Front Range Consult",
        time_zone="America/New_York",
        venue_kind=VenueKind.HYBRID,
        online_link=LINK,
    )


@pytest.fixture
def organizer(group):
    return MembershipFactory(
        group=group, role=Role.ORGANIZER, user=UserFactory(profile__display_name="Olga Organizer")
    ).user


@pytest.fixture
def member(group):
    return MembershipFactory(group=group, user=UserFactory(profile__display_name="Mia Member")).user


@pytest.fixture
def meeting(group):
    return MeetingFactory(group=group, title="February consult")


def _text(response) -> str:
    return " ".join(html.unescape(strip_tags(response.content.decode())).split())


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _detail(meeting) -> str:
    return reverse("meetings:detail", args=[meeting.pk])


def _rsvp(client, meeting, **data):
    return client.post(reverse("meetings:rsvp", args=[meeting.pk]), data)


def _to_past(meeting) -> Meeting:
    start = timezone.now() - timedelta(days=2)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=start, ends_at=start + timedelta(minutes=90)
    )
    meeting.refresh_from_db()
    return meeting


# --- the meeting page -------------------------------------------------------------------------


def test_detail_anonymous_is_sent_to_sign_in(client, meeting):
    response = client.get(_detail(meeting))

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={_detail(meeting)}"


def test_detail_outsider_is_404(client, meeting):
    client.force_login(UserFactory())

    assert client.get(_detail(meeting)).status_code == 404


def test_detail_applicant_with_pending_application_is_404(client):
    group = GroupFactory(membership_policy=MembershipPolicy.CLOSED)
    meeting = MeetingFactory(group=group)
    application = ApplicationFactory(group=group)
    client.force_login(application.applicant)

    assert client.get(_detail(meeting)).status_code == 404


def test_detail_unknown_meeting_is_404(client, member):
    client.force_login(member)

    assert client.get(reverse("meetings:detail", args=[999_999])).status_code == 404


def test_detail_member_sees_agenda_times_in_own_time_zone(client, group):
    viewer = UserFactory(profile__time_zone="Europe/Berlin")
    MembershipFactory(group=group, user=viewer)
    start = datetime(2031, 1, 15, 18, 0, tzinfo=UTC)  # 19:00 in Berlin, 13:00 in New York
    meeting = MeetingFactory(group=group, starts_at=start, ends_at=start + timedelta(minutes=90))
    for position, (kind, minutes) in enumerate(
        [(SegmentKind.CHECK_IN, 10), (SegmentKind.CASE, 20), (SegmentKind.DISCUSSION, 30)]
    ):
        AgendaSegmentFactory(meeting=meeting, position=position, kind=kind, minutes=minutes)
    client.force_login(viewer)

    response = client.get(_detail(meeting))

    body = _text(response)
    assert "19:00 Check-in 10 min" in body
    assert "19:10 Case presentation 20 min" in body
    assert "19:30 Discussion 30 min" in body
    assert "Wednesday 15 January 2031, 19:00\u201320:30 Berlin time" in body
    assert "13:10" not in body
    assert [row["starts_at"] for row in response.context["agenda"]] == [
        start,
        start + timedelta(minutes=10),
        start + timedelta(minutes=30),
    ]


def test_detail_member_sees_rsvp_counts_and_online_link(client, group, member, meeting):
    for answer in [RsvpAnswer.GOING, RsvpAnswer.GOING, RsvpAnswer.MAYBE, RsvpAnswer.CANT]:
        RsvpFactory(meeting=meeting, user=MembershipFactory(group=group).user, answer=answer)
    client.force_login(member)

    response = client.get(_detail(meeting))

    assert response.status_code == 200
    assert response.context["counts"] == {"going": 2, "maybe": 1, "cant": 1}
    assert response.context["my_rsvp"] is None
    body = _text(response)
    assert "2 going · 1 maybe · 1 can\u2019t go" in body
    assert f'href="{LINK}"' in response.content.decode()


def test_detail_member_sees_own_answer_prefilled(client, member, meeting):
    rsvp = RsvpFactory(meeting=meeting, user=member, answer=RsvpAnswer.MAYBE, note="Running late")
    client.force_login(member)

    response = client.get(_detail(meeting))

    assert response.context["my_rsvp"] == rsvp
    assert response.context["rsvp_form"].initial == {"answer": "maybe", "note": "Running late"}


def test_detail_organizer_sees_who_is_coming(client, group, organizer, member, meeting):
    cant = RsvpFactory(meeting=meeting, user=member, answer=RsvpAnswer.CANT, note="Away")
    going = RsvpFactory(meeting=meeting, user=organizer, answer=RsvpAnswer.GOING)
    client.force_login(organizer)

    response = client.get(_detail(meeting))

    assert response.context["rsvps"] == [cant, going]
    body = _text(response)
    assert "Who is coming" in body
    assert "Mia Member: Can't go — “Away”" in body
    assert "Edit or reschedule" in body


def test_detail_member_does_not_see_who_is_coming(client, organizer, member, meeting):
    RsvpFactory(meeting=meeting, user=organizer, answer=RsvpAnswer.CANT, note="Away")
    client.force_login(member)

    response = client.get(_detail(meeting))

    assert "rsvps" not in response.context
    body = _text(response)
    assert "Who is coming" not in body
    assert "Away" not in body
    assert "Edit or reschedule" not in body


def _meeting_with(group, organizer, *, segments: int, rsvps: int) -> Meeting:
    meeting = MeetingFactory(
        group=group, facilitator=organizer, timekeeper=MembershipFactory(group=group).user
    )
    for position in range(segments):
        AgendaSegmentFactory(meeting=meeting, position=position, minutes=2)
    for _ in range(rsvps):
        RsvpFactory(meeting=meeting, user=MembershipFactory(group=group).user)
    return meeting


@pytest.mark.parametrize(("segments", "rsvps"), [(1, 1), (20, 1), (1, 20), (20, 20)])
def test_detail_query_count_does_not_grow_with_agenda_or_rsvps(
    client, group, organizer, segments, rsvps, django_assert_num_queries
):
    group.capacity = 30
    group.save(update_fields=["capacity"])
    meeting = _meeting_with(group, organizer, segments=segments, rsvps=rsvps)
    client.force_login(organizer)

    with django_assert_num_queries(9):
        response = client.get(_detail(meeting))

    assert len(response.context["agenda"]) == segments
    assert len(response.context["rsvps"]) == rsvps


# --- RSVPs ----------------------------------------------------------------------------------------


def test_rsvp_member_saves_going(client, member, meeting):
    client.force_login(member)

    response = _rsvp(client, meeting, answer="going")

    assert response.status_code == 302
    assert response.url == _detail(meeting)
    assert list(Rsvp.objects.values_list("meeting", "user", "answer", "note")) == [
        (meeting.pk, member.pk, "going", "")
    ]
    assert _messages(response) == ["Thanks — your answer is saved."]


def test_rsvp_member_changes_to_cant_with_note(client, member, meeting):
    RsvpFactory(meeting=meeting, user=member, answer=RsvpAnswer.GOING)
    client.force_login(member)

    _rsvp(client, meeting, answer="cant", note="  A client emergency  ")

    assert list(Rsvp.objects.values_list("user", "answer", "note")) == [
        (member.pk, "cant", "A client emergency")
    ]


def test_rsvp_invalid_answer_saves_nothing(client, member, meeting):
    client.force_login(member)

    response = _rsvp(client, meeting, answer="perhaps")

    assert response.url == _detail(meeting)
    assert _messages(response) == ["Choose going, maybe or can't go."]
    assert Rsvp.objects.count() == 0


def _rsvp_from_the_meeting_page(client, meeting, **data):
    """As a browser posts the form: from the meeting's page, which it names as the referer."""
    page = "http://testserver" + reverse("meetings:detail", args=[meeting.pk])
    return client.post(reverse("meetings:rsvp", args=[meeting.pk]), data, headers={"referer": page})


def test_rsvp_cancelled_meeting_is_refused_on_the_meeting_page(client, member, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.CANCELLED)
    client.force_login(member)

    response = _rsvp_from_the_meeting_page(client, meeting, answer="going")

    assert (response.status_code, response.url) == (
        303,
        "http://testserver" + reverse("meetings:detail", args=[meeting.pk]),
    )
    assert _messages(response) == ["This meeting is cancelled, so there is nothing to answer."]
    assert Rsvp.objects.count() == 0


def test_rsvp_past_meeting_is_refused_on_the_meeting_page(client, member, meeting):
    _to_past(meeting)
    client.force_login(member)

    response = _rsvp_from_the_meeting_page(client, meeting, answer="going")

    assert (response.status_code, response.url) == (
        303,
        "http://testserver" + reverse("meetings:detail", args=[meeting.pk]),
    )
    assert _messages(response) == ["This meeting has already started; RSVPs are closed."]
    assert Rsvp.objects.count() == 0


def test_rsvp_outsider_is_404(client, meeting):
    client.force_login(UserFactory())

    response = _rsvp(client, meeting, answer="going")

    assert response.status_code == 404
    assert Rsvp.objects.count() == 0


def test_rsvp_get_is_not_allowed(client, member, meeting):
    client.force_login(member)

    assert client.get(reverse("meetings:rsvp", args=[meeting.pk])).status_code == 405


# --- meetings on the group page ---------------------------------------------------------------


def _group_page(client, group, **params):
    return client.get(reverse("groups:detail", args=[group.slug]), params)


def test_group_page_member_sees_upcoming_meetings_with_going_counts(client, group, member):
    now = timezone.now().replace(microsecond=0)
    later = MeetingFactory(group=group, starts_at=now + timedelta(days=14))
    sooner = MeetingFactory(group=group, starts_at=now + timedelta(days=3))
    _to_past(MeetingFactory(group=group))
    for answer in [RsvpAnswer.GOING, RsvpAnswer.GOING, RsvpAnswer.MAYBE]:
        RsvpFactory(meeting=sooner, user=MembershipFactory(group=group).user, answer=answer)
    client.force_login(member)

    response = _group_page(client, group)

    upcoming = response.context["upcoming"]
    assert [(m, m.going) for m in upcoming] == [(sooner, 2), (later, 0)]
    assert "2 going" in _text(response)


def test_group_page_member_sees_past_meetings_with_present_counts(client, group, member):
    attended = _to_past(MeetingFactory(group=group, title="Attended"))
    for status in [AttendanceStatus.PRESENT, AttendanceStatus.PRESENT, AttendanceStatus.ABSENT]:
        AttendanceFactory(meeting=attended, user=MembershipFactory(group=group).user, status=status)
    cancelled = _to_past(MeetingFactory(group=group))
    Meeting.objects.filter(pk=cancelled.pk).update(status=MeetingStatus.CANCELLED)
    MeetingFactory(group=group)  # upcoming
    client.force_login(member)

    response = _group_page(client, group)

    assert [(m, m.present) for m in response.context["past"]] == [(attended, 2)]
    assert "2 present" in _text(response)


def test_group_page_month_puts_meeting_on_its_local_day(client, group, member):
    # 03:00 UTC on the 11th is 22:00 on the 10th for a viewer in New York
    start = datetime(2027, 2, 11, 3, 0, tzinfo=UTC)
    meeting = MeetingFactory(group=group, starts_at=start, ends_at=start + timedelta(minutes=90))
    # the first is still February for the viewer, the second still January
    last_day = MeetingFactory(group=group, starts_at=datetime(2027, 3, 1, 3, 0, tzinfo=UTC))
    MeetingFactory(group=group, starts_at=datetime(2027, 2, 1, 3, 0, tzinfo=UTC))
    client.force_login(member)

    response = _group_page(client, group, month="2027-02")

    month = response.context["month"]
    assert month["first_day"] == date(2027, 2, 1)
    assert (month["prev"], month["next"]) == ("2027-01", "2027-03")
    days = {cell["day"]: cell["meetings"] for week in month["weeks"] for cell in week}
    assert days[date(2027, 2, 10)] == [meeting]
    assert days[date(2027, 2, 11)] == []
    assert days[date(2027, 2, 28)] == [last_day]
    assert [d for d, meetings in days.items() if meetings] == [date(2027, 2, 10), date(2027, 2, 28)]
    assert "February 2027" in _text(response)


def test_group_page_month_defaults_to_the_current_month(client, group, member):
    client.force_login(member)

    response = _group_page(client, group)

    assert response.context["month"]["first_day"] == timezone.localdate(timezone=NY).replace(day=1)


@pytest.mark.parametrize("param", ["garbage", "2027-13", "2027-02-05", "", "-"])
def test_group_page_month_garbage_falls_back_to_current_month(client, group, member, param):
    client.force_login(member)

    response = _group_page(client, group, month=param)

    assert response.status_code == 200
    assert response.context["month"]["first_day"] == timezone.localdate(timezone=NY).replace(day=1)


@pytest.mark.parametrize("param", ["0001-01", "9999-12"])
def test_group_page_month_at_the_edge_of_the_calendar_falls_back(client, group, member, param):
    # APP BUG: month_grid catches ValueError/TypeError only; date arithmetic at year 1 or
    # 9999 raises OverflowError, so these URLs give a 500.
    client.force_login(member)

    response = _group_page(client, group, month=param)

    assert response.status_code == 200
    assert response.context["month"]["first_day"] == timezone.localdate(timezone=NY).replace(day=1)


def test_group_page_outsider_sees_no_meetings(client, group, meeting):
    client.force_login(UserFactory())

    response = _group_page(client, group)

    assert response.status_code == 200
    assert "upcoming" not in response.context
    assert "past" not in response.context
    assert "month" not in response.context
    assert "February consult" not in _text(response)
