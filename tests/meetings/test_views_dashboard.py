"""The personal pages about meetings: the dashboard ("My circle") and calendar settings."""

import html
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from groups.enums import MembershipPolicy, Role
from meetings.enums import MeetingStatus, RsvpAnswer
from meetings.models import CalendarFeedToken, Meeting
from tests.factories import (
    ApplicationFactory,
    GroupFactory,
    MeetingFactory,
    MembershipFactory,
    RsvpFactory,
    UserFactory,
    WaitlistEntryFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def group():
    return GroupFactory(name="Front Range Consult")


@pytest.fixture
def user(group):
    return MembershipFactory(group=group, user=UserFactory(profile__display_name="Mia")).user


def _text(response) -> str:
    return " ".join(html.unescape(strip_tags(response.content.decode())).split())


def _in(days: float) -> dict:
    start = (timezone.now() + timedelta(days=days)).replace(microsecond=0)
    return {"starts_at": start, "ends_at": start + timedelta(minutes=90)}


def _dashboard(client, user):
    client.force_login(user)
    return client.get(reverse("members:dashboard"))


# --- upcoming meetings ------------------------------------------------------------------------


def test_dashboard_upcoming_lists_my_groups_meetings_with_my_answer(client, group, user):
    answered = MeetingFactory(group=group, title="Answered", **_in(3))
    unanswered = MeetingFactory(group=group, title="Unanswered", **_in(10))
    MeetingFactory(group=GroupFactory(), title="Not my group", **_in(2))
    past = MeetingFactory(group=group, title="Long ago", **_in(-3))
    rsvp = RsvpFactory(meeting=answered, user=user, answer=RsvpAnswer.GOING)
    RsvpFactory(meeting=unanswered, user=MembershipFactory(group=group).user)  # someone else's
    RsvpFactory(meeting=past, user=user)

    response = _dashboard(client, user)

    upcoming = response.context["upcoming"]
    assert upcoming == [answered, unanswered]
    assert [m.my_answer for m in upcoming] == [rsvp.answer, None]
    body = _text(response)
    assert "Answered Front Range Consult You: Going" in body
    assert "Unanswered Front Range Consult Not answered" in body
    assert "Not my group" not in body
    assert "Long ago" not in body


def test_dashboard_upcoming_shows_my_roles_and_cancellations(client, group, user):
    MeetingFactory(group=group, title="I facilitate", facilitator=user, **_in(1))
    MeetingFactory(group=group, title="I keep time", timekeeper=user, **_in(2))
    MeetingFactory(group=group, title="Called off", status=MeetingStatus.CANCELLED, **_in(3))

    body = _text(_dashboard(client, user))

    assert "I facilitate Front Range Consult Not answered Facilitator" in body
    assert "I keep time Front Range Consult Not answered Timekeeper" in body
    assert "Called off Front Range Consult Cancelled" in body
    assert body.count("Facilitator") == 1
    assert body.count("Timekeeper") == 1


def test_dashboard_without_groups_has_nothing_coming_up(client):
    response = _dashboard(client, UserFactory())

    assert response.context["upcoming"] == []
    assert response.context["awaiting_rsvp"] == []
    body = _text(response)
    assert "No meetings coming up in your groups." in body
    assert "Nothing right now. All caught up." in body


# --- waiting for me -------------------------------------------------------------------------------


def test_dashboard_awaiting_rsvp_lists_unanswered_meetings_in_the_next_four_weeks(
    client, group, user
):
    soon = MeetingFactory(group=group, **_in(2))
    later = MeetingFactory(group=group, **_in(20))
    answered = MeetingFactory(group=group, **_in(5))
    RsvpFactory(meeting=answered, user=user, answer=RsvpAnswer.CANT)
    MeetingFactory(group=group, **_in(40))  # beyond four weeks
    MeetingFactory(group=group, status=MeetingStatus.CANCELLED, **_in(4))
    MeetingFactory(group=GroupFactory(), **_in(3))  # not my group

    response = _dashboard(client, user)

    assert response.context["awaiting_rsvp"] == [soon, later]
    assert "Meetings to answer" in _text(response)


def test_dashboard_vetting_lists_pending_applications_for_an_organizer(client):
    group = GroupFactory(name="Closed Circle", membership_policy=MembershipPolicy.CLOSED)
    organizer = MembershipFactory(group=group, role=Role.ORGANIZER).user
    application = ApplicationFactory(
        group=group, applicant=UserFactory(profile__display_name="Ana Applicant")
    )
    ApplicationFactory(group=group, status="declined")
    ApplicationFactory()  # another closed group's

    response = _dashboard(client, organizer)

    assert response.context["vetting"] == [application]
    body = _text(response)
    assert "Applications to review Ana Applicant for Closed Circle" in body


def test_dashboard_vetting_is_empty_for_a_plain_member(client):
    group = GroupFactory(membership_policy=MembershipPolicy.CLOSED)
    member = MembershipFactory(group=group).user
    ApplicationFactory(group=group)

    response = _dashboard(client, member)

    assert response.context["vetting"] == []
    assert "Applications to review" not in _text(response)


def test_dashboard_offers_lists_my_open_waitlist_offers(client, user):
    offer = WaitlistEntryFactory(user=user, offered=True, group=GroupFactory(name="Full Circle"))
    WaitlistEntryFactory(user=user)  # still waiting, nothing offered
    WaitlistEntryFactory(offered=True)  # someone else's offer

    response = _dashboard(client, user)

    assert response.context["offers"] == [offer]
    assert "Seats offered to you Full Circle until" in _text(response)


def _upcoming_across_groups(user, count: int) -> None:
    groups = [GroupFactory() for _ in range(min(count, 4))]
    for group in groups:
        MembershipFactory(group=group, user=user)
    for i in range(count):
        group = groups[i % len(groups)]
        meeting = MeetingFactory(
            group=group,
            facilitator=user if i % 3 == 0 else None,
            timekeeper=MembershipFactory(group=group).user if i % 3 == 1 else None,
            **_in(1 + i),
        )
        if i % 2:
            RsvpFactory(meeting=meeting, user=user, answer=RsvpAnswer.MAYBE)


@pytest.mark.parametrize("count", [1, 20])
@pytest.mark.parametrize(("role", "queries"), [(Role.MEMBER, 13), (Role.ORGANIZER, 14)])
def test_dashboard_query_count_does_not_grow_with_meetings(
    client, count, role, queries, django_assert_num_queries
):
    user = UserFactory()
    _upcoming_across_groups(user, count)
    closed = GroupFactory(membership_policy=MembershipPolicy.CLOSED)
    MembershipFactory(group=closed, user=user, role=role)  # organizers also get the vetting queue
    WaitlistEntryFactory(user=user, offered=True)
    client.force_login(user)

    with django_assert_num_queries(queries):
        response = client.get(reverse("members:dashboard"))

    assert len(response.context["upcoming"]) == min(count, 10)
    assert Meeting.objects.count() == count


# --- calendar settings ------------------------------------------------------------------------


def test_calendar_settings_show_my_feed_addresses(client, group, user):
    client.force_login(user)

    response = client.get(reverse("meetings:calendar_settings"))

    token = CalendarFeedToken.objects.get(user=user).token
    assert response.context["feed_url"] == f"http://testserver/calendar/{token}.ics"
    assert response.context["webcal_url"] == f"webcal://testserver/calendar/{token}.ics"
    body = response.content.decode()
    assert f'value="http://testserver/calendar/{token}.ics"' in body
    assert f'value="http://testserver/calendar/{token}/{group.slug}.ics"' in body
    # the address is stable from one visit to the next
    assert client.get(reverse("meetings:calendar_settings")).context["token"].token == token


def test_calendar_settings_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("meetings:calendar_settings"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_calendar_new_address_replaces_the_token_and_the_old_feed_is_gone(client, group, user):
    client.force_login(user)
    old = client.get(reverse("meetings:calendar_settings")).context["token"].token

    response = client.post(reverse("meetings:calendar_regenerate"))

    assert response.url == reverse("meetings:calendar_settings")
    new = CalendarFeedToken.objects.get(user=user).token
    assert new != old
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Your calendar address is new. The old one no longer works: update your calendar app."
    ]
    client.logout()
    assert client.get(reverse("meetings:feed", args=[old])).status_code == 404
    assert client.get(reverse("meetings:group_feed", args=[old, group.slug])).status_code == 404
    assert client.get(reverse("meetings:feed", args=[new])).status_code == 200


def test_calendar_new_address_needs_post(client, user):
    client.force_login(user)

    assert client.get(reverse("meetings:calendar_regenerate")).status_code == 405
    assert CalendarFeedToken.objects.filter(user=user).count() == 0


def test_dashboard_shows_presenter_role(client):
    from meetings.models import AgendaSegment
    from presentations.models import Presentation
    from tests.factories import GroupFactory, MeetingFactory, MembershipFactory

    group = GroupFactory()
    user = MembershipFactory(group=group).user
    meeting = MeetingFactory(group=group)
    segment = AgendaSegment.objects.create(meeting=meeting, kind="case", minutes=20)
    Presentation.objects.create(segment=segment, meeting=meeting, presenter=user)
    client.force_login(user)
    response = client.get("/me/")
    assert response.context["upcoming"][0].my_roles == ["Presenter"]
    assert ">Presenter</span>" in response.content.decode()
