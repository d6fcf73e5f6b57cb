"""Every ``?next=`` the project follows stays on this site; a bad one falls back, never a 500."""

import pytest
from django.urls import reverse

from groups import services
from groups.enums import Role
from groups.models import Membership
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(client):
    """A member whose group changed its rules, signed in, on the acceptance page."""
    group = GroupFactory(ground_rules="1. Confidentiality.")
    group.rules_versions.update(text=group.ground_rules)
    organizer = MembershipFactory(group=group, role=Role.ORGANIZER).user
    member = MembershipFactory(group=group).user
    Membership.objects.filter(group=group).update(rules_version=group.rules_versions.get())
    services.update_group(actor=organizer, group=group, data={"ground_rules": "2. New rules."})
    client.force_login(member)
    return group, member, reverse("groups:accept_rules", args=[group.slug])


def _accept(client, url, next_value):
    return client.post(url, {"accept_rules": "on"}, query_params={"next": next_value})


@pytest.mark.parametrize(
    "next_value",
    [
        "https://evil.example.com/phish",
        "//evil.example.com/phish",
        "/\\evil.example.com",
        "\\\\evil.example.com",
        "javascript:alert(1)",
        "http://[::1",  # not even a URL: used to be a 500
        "https:///evil.example.com",
        "ftp://evil.example.com/",
    ],
)
def test_accept_rules_refuses_offsite_or_broken_next(client, pending, next_value):
    group, member, url = pending
    response = _accept(client, url, next_value)
    assert response.status_code == 302
    assert response["Location"] == group.get_absolute_url()
    assert Membership.objects.get(group=group, user=member).rules_version.number == 2


def test_accept_rules_follows_a_local_next(client, pending):
    group, _member, url = pending
    meeting = MeetingFactory(group=group)
    target = reverse("meetings:detail", args=[meeting.pk]) + "?tab=agenda"
    response = _accept(client, url, target)
    assert response.status_code == 302
    assert response["Location"] == target


def test_accept_rules_without_next_goes_to_the_group(client, pending):
    group, _member, url = pending
    response = client.post(url, {"accept_rules": "on"})
    assert response["Location"] == group.get_absolute_url()


def test_accept_rules_follows_next_to_this_host_with_scheme(client, pending):
    _group, _member, url = pending
    response = client.post(
        url, {"accept_rules": "on"}, query_params={"next": "http://testserver/me/"}
    )
    assert response["Location"] == "http://testserver/me/"
