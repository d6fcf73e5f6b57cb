"""The welcome page (portal/views/welcome.py), where a new member lands after joining: the
organizers' welcome (or ours), the next meeting, what to expect, their buddy, the ground rules;
and the buddy offer on it. Members only."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from groups.enums import MembershipPolicy, Role
from groups.models import Group, Membership
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def group():
    founded = timezone.now() - timedelta(days=60)
    group = GroupFactory(
        name="Harbor Peer Circle",
        membership_policy=MembershipPolicy.OPEN,
        capacity=30,
        newcomer_meetings=3,
        welcome_message="We start with a round of check-ins.\nTea is on the house.",
    )
    Group.objects.filter(pk=group.pk).update(created_at=founded)
    group.refresh_from_db()
    MembershipFactory(
        group=group,
        role=Role.ORGANIZER,
        joined_at=founded,
        user=UserFactory(profile__display_name="Olga Organizer"),
    )
    return group


def _member(group, **kwargs) -> Membership:
    """A membership that has accepted the group's current ground rules."""
    return MembershipFactory(
        group=group,
        rules_version=group.rules_versions.order_by("-number").first(),
        rules_accepted_at=timezone.now(),
        **kwargs,
    )


def _url(group, name="welcome"):
    return reverse(f"groups:{name}", args=[group.slug])


def _text(response) -> str:
    """The page's words, without the markup."""
    return " ".join(strip_tags(response.content.decode()).split())


def test_joining_lands_on_the_welcome_page(client, group):
    newcomer = UserFactory()
    client.force_login(newcomer)
    response = client.post(reverse("groups:join", args=[group.slug]), {"accept_rules": "on"})
    assert response["Location"] == _url(group)


def test_welcome_page_shows_the_welcome_next_meeting_expectations_and_buddy(client, group):
    buddy = _member(group, user=UserFactory(profile__display_name="Bea Buddy"))
    client.force_login(buddy.user)
    client.post(_url(group, "buddy"), {"willing": "on"})
    meeting = MeetingFactory(group=group, title="Monthly circle")
    newcomer = UserFactory()
    client.force_login(newcomer)
    client.post(reverse("groups:join", args=[group.slug]), {"accept_rules": "on"})
    text = _text(client.get(_url(group)))
    assert "We start with a round of check-ins. Tea is on the house." in text
    assert "Organized by Olga Organizer." in text
    assert (
        "Monthly circle" in text
        and meeting.get_absolute_url() in client.get(_url(group)).content.decode()
    )
    assert "For your first 3 meetings nobody will ask you to present" in text
    assert "Bea Buddy offered to be your person to ask" in text


def test_welcome_page_without_a_message_or_meeting_or_buddy(client, group):
    Group.objects.filter(pk=group.pk).update(welcome_message="", newcomer_meetings=0)
    newcomer = _member(group)
    client.force_login(newcomer.user)
    text = _text(client.get(_url(group)))
    assert "We are glad you are here." in text
    assert "No meeting is scheduled yet" in text
    assert "No one is free to be your buddy just yet" in text
    assert "nobody will ask you to present" not in text


def test_offering_from_the_page_pairs_a_waiting_newcomer_and_says_so(client, group):
    newcomer = _member(group, user=UserFactory(profile__display_name="Nia New"))
    volunteer = _member(group, joined_at=timezone.now() - timedelta(days=50))
    client.force_login(volunteer.user)
    response = client.post(_url(group, "buddy"), {"willing": "on"})
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Thank you. You are now the buddy of Nia New."
    ]
    assert Membership.objects.get(pk=newcomer.pk).buddy == volunteer
    assert "You look after Nia New." in _text(client.get(_url(group)))
    client.post(_url(group, "buddy"), {"willing": ""})
    assert not Membership.objects.get(pk=volunteer.pk).buddy_volunteer


def test_group_page_marks_new_members_and_welcomes_them(client, group):
    newcomer = _member(group)
    client.force_login(newcomer.user)
    text = _text(client.get(group.get_absolute_url()))
    assert "Welcome! Your welcome page has the next meeting" in text
    assert client.get(group.get_absolute_url()).content.decode().count(">New</span>") == 1


def test_dashboard_shows_my_buddy_and_whom_i_look_after(client, group):
    volunteer = _member(
        group,
        joined_at=timezone.now() - timedelta(days=50),
        user=UserFactory(profile__display_name="Bea Buddy"),
    )
    client.force_login(volunteer.user)
    client.post(_url(group, "buddy"), {"willing": "on"})
    newcomer = UserFactory(profile__display_name="Nia New")
    client.force_login(newcomer)
    client.post(reverse("groups:join", args=[group.slug]), {"accept_rules": "on"})
    assert "your buddy is Bea Buddy" in _text(client.get(reverse("members:dashboard")))
    client.force_login(volunteer.user)
    assert "You are the buddy of Nia New." in _text(client.get(reverse("members:dashboard")))


def test_outsiders_get_404(client, group):
    client.force_login(UserFactory())
    assert client.get(_url(group)).status_code == 404
    assert client.post(_url(group, "buddy"), {"willing": "on"}).status_code == 404


@pytest.mark.parametrize("count", [1, 20])
def test_welcome_query_count_does_not_grow(client, group, count, django_assert_num_queries):
    for n in range(count):
        _member(group, role=Role.CO_ORGANIZER if n % 2 else Role.MEMBER)
        MeetingFactory(group=group, starts_at=timezone.now() + timedelta(days=n + 1))
    newcomer = _member(group)
    client.force_login(newcomer.user)
    with django_assert_num_queries(7):
        client.get(_url(group))


def test_the_next_meeting_is_never_a_cancelled_one(client, group):
    cancelled = MeetingFactory(group=group, title="Called off", status="cancelled")
    MeetingFactory(
        group=group, title="The real one", starts_at=cancelled.starts_at + timedelta(days=7)
    )
    newcomer = _member(group)
    client.force_login(newcomer.user)
    text = _text(client.get(_url(group)))
    assert "The real one" in text and "Called off" not in text


def test_a_buddy_who_stepped_back_still_sees_their_newcomers(client, group):
    volunteer = _member(group, joined_at=timezone.now() - timedelta(days=50))
    newcomer = _member(group, user=UserFactory(profile__display_name="Nia New"))
    client.force_login(volunteer.user)
    client.post(_url(group, "buddy"), {"willing": "on"})
    client.post(_url(group, "buddy"), {"willing": ""})
    assert Membership.objects.get(pk=newcomer.pk).buddy == volunteer
    assert "You look after Nia New." in _text(client.get(_url(group)))
