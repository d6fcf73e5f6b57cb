"""A group's page as visitors see it is cached whole (groups.cache.public_page_key), and every
change that shows on it invalidates it: the group, its seats, its organizers and their names,
its next meeting, its ground rules. Members never get the visitors' copy."""

import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from groups import services
from groups.cache import PUBLIC_PAGE_SECONDS, keep_public_page
from groups.enums import GroupStatus, Role
from groups.models import Group
from meetings import services as meeting_services
from members import services as member_services
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def group():
    group = GroupFactory(name="Harbor Circle", capacity=4, ground_rules="Be kind.")
    MembershipFactory(group=group, role=Role.ORGANIZER, user__profile__display_name="Dr Ada Lee")
    return group


def page(client, group, query="") -> str:
    response = client.get(group.get_absolute_url() + query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_second_visit_is_served_from_the_cache(client, group, django_assert_num_queries):
    first = page(client, group)
    with django_assert_num_queries(0):
        second = page(client, group)
    assert second == first
    assert "Harbor Circle" in second


def test_an_edited_group_shows_at_once(client, group, django_capture_on_commit_callbacks):
    page(client, group)
    organizer = group.memberships.get().user
    with django_capture_on_commit_callbacks(execute=True):
        services.update_group(actor=organizer, group=group, data={"tagline": "Tides and turns"})
    assert "Tides and turns" in page(client, group)


def test_seats_show_at_once_when_someone_joins(client, group, django_capture_on_commit_callbacks):
    assert "1 of 4 seats taken" in page(client, group)
    with django_capture_on_commit_callbacks(execute=True):
        services.join_group(user=UserFactory(), group=group, accepted_rules=True)
    assert "2 of 4 seats taken" in page(client, group)


def test_a_new_organizer_and_a_renamed_one_show_at_once(
    client, group, django_capture_on_commit_callbacks
):
    organizer = group.memberships.get().user
    member = MembershipFactory(group=group, user__profile__display_name="Dr Bo Kim")
    assert "Dr Bo Kim" not in page(client, group)
    with django_capture_on_commit_callbacks(execute=True):
        services.change_role(
            actor=organizer, group=group, membership_id=member.pk, role=Role.ORGANIZER
        )
    assert "Dr Bo Kim" in page(client, group)
    with django_capture_on_commit_callbacks(execute=True):
        member_services.update_profile(
            actor=member.user, profile=member.user.profile, data={"display_name": "Dr Bo Kim-Ortiz"}
        )
    assert "Dr Bo Kim-Ortiz" in page(client, group)


def test_a_new_next_meeting_shows_at_once(client, group, django_capture_on_commit_callbacks):
    organizer = group.memberships.get().user
    assert "Next meeting" not in page(client, group)
    starts = timezone.now() + timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        meeting = meeting_services.create_meeting(
            actor=organizer,
            group=group,
            title="Harbor meeting",
            starts_at=starts,
            duration_minutes=90,
        )
    assert "Next meeting" in page(client, group)
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.cancel_meeting(actor=organizer, meeting=meeting)
    assert "Next meeting" not in page(client, group)


def test_new_ground_rules_show_at_once(client, group, django_capture_on_commit_callbacks):
    organizer = group.memberships.get().user
    assert "Be kind." in page(client, group)
    with django_capture_on_commit_callbacks(execute=True):
        services.update_group(
            actor=organizer, group=group, data={"ground_rules": "Be kind and be brief."}
        )
    assert "Be kind and be brief." in page(client, group)


def test_a_group_that_stops_being_public_answers_404_at_once(
    client, group, django_capture_on_commit_callbacks
):
    page(client, group)
    with django_capture_on_commit_callbacks(execute=True):
        group.status = GroupStatus.ARCHIVED
        group.save()
    assert client.get(group.get_absolute_url()).status_code == 404


def test_members_never_get_the_visitors_copy(client, group):
    member = MembershipFactory(
        group=group, rules_version=group.rules_versions.first(), rules_accepted_at=timezone.now()
    ).user
    visitor_html = page(client, group)
    client.force_login(member)
    member_html = page(client, group)
    assert member_html != visitor_html
    client.logout()
    assert page(client, group) == visitor_html


def test_each_language_and_zone_has_its_own_copy(client, group):
    MeetingFactory(group=group, starts_at=timezone.now() + timedelta(days=2))
    english = page(client, group)
    client.cookies["pc_lang"] = "es"
    spanish = page(client, group)
    assert spanish != english
    assert 'lang="es"' in spanish
    del client.cookies["pc_lang"]
    client.cookies["pc_tz"] = "Asia/Tokyo"
    tokyo = page(client, group)
    assert tokyo != english
    assert "Tokyo" in tokyo


def test_a_visit_with_a_message_waiting_is_neither_served_nor_kept(client, group):
    page(client, group)  # a visitor's copy is cached
    client.force_login(UserFactory())
    client.post(reverse("account_logout"))  # leaves "You have signed out." for the next page
    assert "You have signed out." in page(client, group)
    assert "You have signed out." not in page(client, group)


def test_the_copy_lives_until_the_next_meeting_starts(group, monkeypatch):
    kept = {}
    monkeypatch.setattr(cache, "set", lambda key, value, seconds: kept.update({key: seconds}))
    soon = timezone.now() + timedelta(minutes=5)
    past = timezone.now() - timedelta(minutes=1)
    for key, next_meeting_at in (("k-soon", soon), ("k-none", None), ("k-past", past)):
        started = time.time_ns()  # each page is made after the last one was kept
        keep_public_page(
            key, b"x", group_id=group.pk, started=started, next_meeting_at=next_meeting_at
        )
    assert 290 <= kept["k-soon"] <= 300
    assert kept["k-none"] == PUBLIC_PAGE_SECONDS == 15 * 60
    assert "k-past" not in kept


def test_an_address_with_a_query_string_is_never_kept(client, group):
    for n in range(3):
        page(client, group, f"?x={n}")
    assert not [key for key in cache._cache if "group-page:" in key]
    page(client, group)
    assert [key for key in cache._cache if "group-page:" in key]


def test_a_bulk_write_to_the_group_shows_at_once(client, group):
    assert "1 of 4 seats taken" in page(client, group)
    Group.objects.filter(pk=group.pk).update(capacity=6)
    assert "1 of 6 seats taken" in page(client, group)
