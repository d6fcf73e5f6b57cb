"""Who may read and write meeting notes and action items (meetings/rules.py)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from config.access import allowed
from groups.services.membership import leave_group
from meetings.rules import manages_action_item, owns_action_item, writes_action_item
from tests.factories import AdminFactory
from tests.meetings.notes_support import make_circle

pytestmark = pytest.mark.django_db

PEOPLE = ("organizer", "co_organizer", "facilitator", "member", "other", "outsider", "admin")


@pytest.fixture
def circle():
    return make_circle()


def _person(circle, who):
    return AdminFactory() if who == "admin" else getattr(circle, who)


def _answers(circle, rule, obj) -> set[str]:
    return {who for who in PEOPLE if allowed(_person(circle, who), rule, obj)}


def test_every_member_reads_the_notes(circle):
    assert _answers(circle, "meetings.view_notes", circle.meeting) == {
        "organizer",
        "co_organizer",
        "facilitator",
        "member",
        "other",
    }


def test_the_facilitator_and_organizers_write_the_notes(circle):
    assert _answers(circle, "meetings.write_notes", circle.meeting) == {
        "organizer",
        "co_organizer",
        "facilitator",
    }


def test_the_owner_and_organizers_mark_an_item_done(circle):
    assert _answers(circle, "meetings.mark_action_item", circle.item()) == {
        "organizer",
        "co_organizer",
        "member",
    }


def test_the_facilitator_and_organizers_change_an_item(circle):
    assert _answers(circle, "meetings.change_action_item", circle.item()) == {
        "organizer",
        "co_organizer",
        "facilitator",
    }


def test_former_members_lose_every_right(circle):
    item = circle.item(owner=circle.facilitator)
    leave_group(user=circle.facilitator, group=circle.group)
    item.owner = circle.facilitator  # as the page loaded before they left still has it

    for rule, obj in (
        ("meetings.view_notes", circle.meeting),
        ("meetings.write_notes", circle.meeting),
        ("meetings.mark_action_item", item),
        ("meetings.change_action_item", item),
    ):
        assert not allowed(circle.facilitator, rule, obj), rule


def test_item_predicates_refuse_without_an_item_or_a_signed_in_person(circle):
    item = circle.item()
    for predicate in (owns_action_item, manages_action_item, writes_action_item):
        assert predicate(circle.organizer, None) is False
    assert owns_action_item(AnonymousUser(), item) is False
    assert owns_action_item(circle.other, item) is False
