"""List pages that had no query-count test: the same number of queries at 1 and at 20 items."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from groups import services as group_services
from groups.enums import Role
from meetings.models import Attendance
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def _group_with(count: int):
    group = GroupFactory(capacity=30)
    organizer = MembershipFactory(group=group, role=Role.ORGANIZER).user
    members = [MembershipFactory(group=group).user for _ in range(count)]
    return group, organizer, members


def _past_meetings(group, users, count):
    for i in range(count):
        meeting = MeetingFactory(group=group, starts_at=timezone.now() - timedelta(days=i + 2))
        for user in users:
            Attendance.objects.create(meeting=meeting, user=user, status="present")


def _invitations(group, organizer, count):
    for i in range(count):
        group_services.invite_by_email(actor=organizer, group=group, email=f"guest{i}@example.org")


QUERIES = {
    "manage_members": 4,
    "invite": 3,
    "audit": 4,
    "group_attendance": 4,
    "my_attendance": 2,
}


def _setup(page_name, count):
    page = page_name
    group, organizer, members = _group_with(count)
    if page == "manage_members":
        return organizer, reverse("groups:manage_members", args=[group.slug])
    if page == "invite":
        _invitations(group, organizer, count)
        return organizer, reverse("groups:invite", args=[group.slug])
    if page == "audit":
        _invitations(group, organizer, count)  # each writes an audit entry
        return organizer, reverse("groups:audit", args=[group.slug])
    if page == "group_attendance":
        _past_meetings(group, members, 2)
        return organizer, reverse("meetings:group_attendance", args=[group.slug])
    _past_meetings(group, members[:1], count)
    return members[0], reverse("meetings:my_attendance")


@pytest.mark.parametrize("count", [1, 20])
@pytest.mark.parametrize("page_name", sorted(QUERIES))
def test_list_page_query_count_does_not_grow(client, page_name, count, django_assert_num_queries):
    viewer, url = _setup(page_name, count)
    client.force_login(viewer)
    with django_assert_num_queries(QUERIES[page_name]):
        response = client.get(url)
    items = {
        "manage_members": lambda c: len(c["members"]) - 1,  # without the organizer
        "invite": lambda c: len(c["invitations"]),
        "audit": lambda c: len(c["page"].object_list),
        "group_attendance": lambda c: len(c["rows"]) - 1,
        "my_attendance": lambda c: len(c["records"]),
    }[page_name](response.context)
    assert items == count
