import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.enums import Role
from groups.models import Group, Membership
from meetings.models import Attendance
from members.models import AuditEntry, TherapistProfile, User
from tests.factories import (
    PASSWORD,
    AttendanceFactory,
    GroupFactory,
    MeetingFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_export_contains_my_data_and_only_mine(client):
    me = UserFactory(profile__display_name="Jo Export", profile__licence_number="LPC-1")
    other = UserFactory(profile__display_name="Somebody Else")
    group = GroupFactory(name="Export Circle")
    MembershipFactory(group=group, user=me)
    MembershipFactory(group=group, user=other)
    client.force_login(me)
    response = client.get(reverse("members:export"))
    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = json.loads(response.content)
    assert data["account"]["email"] == me.email
    assert data["profile"]["display_name"] == "Jo Export"
    assert data["profile"]["licence_number"] == "LPC-1"
    assert [m["group"] for m in data["memberships"]] == ["Export Circle"]
    assert "Somebody Else" not in response.content.decode()
    assert other.email not in response.content.decode()


def test_export_requires_login(client):
    assert client.get(reverse("members:export")).status_code == 302


def test_delete_account_keeps_history_as_former_member(client):
    group = GroupFactory(capacity=5)
    MembershipFactory(group=group, role=Role.ORGANIZER)
    me = MembershipFactory(group=group).user
    past = MeetingFactory(group=group, starts_at=timezone.now() - timedelta(days=7))
    AttendanceFactory(meeting=past, user=me, status="present")
    client.force_login(me)
    response = client.post(
        reverse("members:delete_account"), {"password": PASSWORD, "confirm": "on"}
    )
    assert response.status_code == 302
    me.refresh_from_db()
    assert (me.is_active, str(me)) == (False, "Former member")
    assert me.email == f"former-{me.pk}@deleted.invalid"
    assert not TherapistProfile.objects.filter(user=me).exists()
    assert not Membership.objects.filter(user=me).exists()
    assert Attendance.objects.get(meeting=past).user == me
    group.refresh_from_db()
    assert group.member_count == 1
    assert AuditEntry.objects.filter(verb="account.deleted", subject=me).exists()
    assert "_auth_user_id" not in client.session


def test_last_organizer_is_asked_to_hand_over_first(client):
    group = GroupFactory(name="Only Me Leads")
    me = MembershipFactory(group=group, role=Role.ORGANIZER).user
    MembershipFactory(group=group)
    client.force_login(me)
    page = client.get(reverse("members:my_data"))
    assert [g.name for g in page.context["blocking"]] == ["Only Me Leads"]
    response = client.post(
        reverse("members:delete_account"), {"password": PASSWORD, "confirm": "on"}
    )
    assert response.status_code == 200
    assert "only organizer of Only Me Leads" in response.content.decode()
    me.refresh_from_db()
    assert me.is_active is True


def test_sole_member_organizer_can_delete_and_group_is_archived(client):
    group = GroupFactory()
    me = MembershipFactory(group=group, role=Role.ORGANIZER).user
    client.force_login(me)
    client.post(reverse("members:delete_account"), {"password": PASSWORD, "confirm": "on"})
    assert Group.objects.get(pk=group.pk).status == "archived"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"password": "wrong", "confirm": "on"}, "That is not your password."),
        ({"password": PASSWORD}, "Tick the box to confirm."),
    ],
)
def test_delete_account_bad_input_changes_nothing(client, data, message):
    me = UserFactory()
    client.force_login(me)
    response = client.post(reverse("members:delete_account"), data)
    assert message in response.content.decode()
    assert User.objects.get(pk=me.pk).is_active is True
