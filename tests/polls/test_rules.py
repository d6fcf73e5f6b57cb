"""Who may do what with polls (polls/rules.py), for every kind of person: members see and
answer, organizers and co-organizers start, close and schedule; a site admin who is not a member
is refused like an outsider, and so is a former member."""

import pytest
from django.contrib.auth.models import AnonymousUser

from config.access import allowed, declared
from groups.enums import Role
from groups.services.membership import leave_group
from tests.factories import AdminFactory, MembershipFactory, UserFactory
from tests.polls.helpers import open_poll

pytestmark = pytest.mark.django_db

PEOPLE = ["member", "co_organizer", "organizer", "outsider", "admin", "former"]
MEMBERS = ["member", "co_organizer", "organizer"]
MANAGERS = ["co_organizer", "organizer"]


@pytest.fixture
def people(group, organizer, dana):
    former = MembershipFactory(group=group).user
    leave_group(user=former, group=group)
    return {
        "member": dana,
        "co_organizer": MembershipFactory(group=group, role=Role.CO_ORGANIZER).user,
        "organizer": organizer,
        "outsider": UserFactory(),
        "admin": AdminFactory(),
        "former": former,
    }


def _who(people, rule, obj) -> list[str]:
    return [name for name in PEOPLE if allowed(people[name], rule, obj)]


def test_group_rules(group, people):
    assert _who(people, "polls.view_polls", group) == MEMBERS
    assert _who(people, "polls.add_poll", group) == MANAGERS


def test_poll_rules(group, organizer, people):
    poll = open_poll(organizer, group)
    assert _who(people, "polls.view_polls", poll) == MEMBERS
    assert _who(people, "polls.answer_poll", poll) == MEMBERS
    assert _who(people, "polls.close_poll", poll) == MANAGERS
    assert _who(people, "polls.schedule_poll", poll) == MANAGERS


def test_anonymous_and_missing_objects_are_refused(group, organizer):
    poll = open_poll(organizer, group)
    for rule in ("polls.view_polls", "polls.answer_poll", "polls.close_poll"):
        assert allowed(AnonymousUser(), rule, poll) is False
        assert allowed(organizer, rule, None) is False


def test_every_rule_has_a_refusal_sentence():
    ours = {name: text for name, text in declared().items() if name.startswith("polls.")}
    assert sorted(ours) == [
        "polls.add_poll",
        "polls.answer_poll",
        "polls.close_poll",
        "polls.schedule_poll",
        "polls.view_polls",
    ]
    assert all(text.endswith(".") for text in ours.values())
