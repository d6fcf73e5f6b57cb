"""The rules of meetings/rules.py, asked directly: who may see, answer, schedule, change, take
attendance, read the attendance record and revoke a certificate. A site admin here is also a
Django superuser: the rules must not let them through where the group's organizers alone act."""

import pytest
from django.contrib.auth.models import AnonymousUser

from config import access
from config.errors import NotAllowed
from groups.enums import Role
from meetings.models import Meeting
from meetings.rules import is_meeting_facilitator
from tests.factories import (
    AdminFactory,
    GroupFactory,
    MeetingFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PEOPLE = ["anonymous", "outsider", "member", "facilitator", "co_organizer", "organizer", "admin"]


@pytest.fixture
def world():
    group = GroupFactory()
    people = {
        "anonymous": AnonymousUser(),
        "outsider": UserFactory(),
        "admin": AdminFactory(),
    }
    for role in (Role.MEMBER, Role.CO_ORGANIZER, Role.ORGANIZER):
        people[str(role)] = MembershipFactory(group=group, role=role).user
    people["facilitator"] = MembershipFactory(group=group).user
    meeting = MeetingFactory(group=group, facilitator=people["facilitator"])
    return {"group": group, "meeting": meeting, "people": people}


def _who_may(world, rule: str, obj_name: str) -> set[str]:
    """Everyone the rule lets through, each asked about a freshly read object (so that no
    answer rides on what an earlier person's check remembered on it)."""
    allowed = set()
    for name in PEOPLE:
        obj = {
            "meeting": lambda: Meeting.objects.get(pk=world["meeting"].pk),
            "group": lambda: type(world["group"]).objects.get(pk=world["group"].pk),
            "none": lambda: None,
        }[obj_name]()
        if access.allowed(world["people"][name], rule, obj):
            allowed.add(name)
    return allowed


MEMBERS = {"member", "facilitator", "co_organizer", "organizer"}
MANAGERS = {"co_organizer", "organizer"}


@pytest.mark.parametrize(
    ("rule", "obj", "expected"),
    [
        ("meetings.view_meeting", "meeting", MEMBERS),
        ("meetings.answer_rsvp", "meeting", MEMBERS),
        ("meetings.add_meeting", "group", MANAGERS),
        ("meetings.change_agenda_template", "group", MANAGERS),
        ("meetings.change_meeting", "meeting", MANAGERS),
        ("meetings.take_attendance", "meeting", MANAGERS | {"facilitator"}),
        ("meetings.view_group_attendance", "group", MANAGERS | {"admin"}),
        ("meetings.export_group_records", "group", MANAGERS),
        ("meetings.revoke_certificate", "none", {"admin"}),
    ],
)
def test_rule_lets_through_exactly(world, rule, obj, expected):
    assert _who_may(world, rule, obj) == expected


def test_every_meetings_rule_is_checked_by_this_file():
    declared = {name for name in access.declared() if name.startswith("meetings.")}

    assert declared == {
        "meetings.view_meeting",
        "meetings.answer_rsvp",
        "meetings.add_meeting",
        "meetings.change_agenda_template",
        "meetings.change_meeting",
        "meetings.take_attendance",
        "meetings.view_group_attendance",
        "meetings.export_group_records",
        "meetings.revoke_certificate",
        # tested in tests/meetings/test_notes_rules.py
        "meetings.view_notes",
        "meetings.write_notes",
        "meetings.mark_action_item",
        "meetings.change_action_item",
    }


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("anonymous", False),
        ("outsider", False),
        ("member", False),
        ("facilitator", True),
        ("co_organizer", False),
        ("organizer", False),
        ("admin", False),
    ],
)
def test_is_meeting_facilitator(world, name, expected):
    meeting = Meeting.objects.get(pk=world["meeting"].pk)

    assert is_meeting_facilitator(world["people"][name], meeting) is expected


def test_a_facilitator_who_left_the_group_is_no_longer_its_facilitator(world):
    facilitator = world["people"]["facilitator"]
    world["group"].memberships.filter(user=facilitator).delete()
    meeting = Meeting.objects.get(pk=world["meeting"].pk)

    assert is_meeting_facilitator(facilitator, meeting) is False
    assert access.allowed(facilitator, "meetings.take_attendance", meeting) is False


def test_is_meeting_facilitator_without_a_meeting_is_false(world):
    assert is_meeting_facilitator(world["people"]["facilitator"], None) is False


def test_a_refusal_says_why_in_plain_words(world):
    meeting = Meeting.objects.get(pk=world["meeting"].pk)

    with pytest.raises(NotAllowed) as refused:
        access.check(world["people"]["member"], "meetings.change_meeting", meeting)

    assert str(refused.value) == "Only the group's organizers can change or cancel a meeting."
