"""The two follow-up rules, asked directly of each kind of person (the table and the world of
tests/presentations/test_rules.py): the presenter asks about their case, organizers and
co-organizers decide on a meeting's follow-ups; nobody else, site admins included."""

import pytest

from config import access
from tests.presentations.test_rules import (  # noqa: F401 - world is a fixture
    MANAGERS,
    PEOPLE,
    PRESENTER,
    _fresh,
    world,
)

pytestmark = pytest.mark.django_db

RULES = {
    "presentations.ask_follow_up": ("presentation", PRESENTER),
    "presentations.decide_follow_up": ("meeting", MANAGERS),
}


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("rule", sorted(RULES))
def test_rule(world, rule, who):  # noqa: F811 - the fixture imported above
    kind, passes = RULES[rule]

    assert access.allowed(world["people"][who], rule, _fresh(world, kind)) is passes[who]


def test_each_rule_has_a_sentence_for_the_person_refused():
    refusals = {name: access.declared()[name] for name in RULES}

    assert refusals == {
        "presentations.ask_follow_up": (
            "Only the member who presented this case can ask to report back on it."
        ),
        "presentations.decide_follow_up": (
            "Only the group's organizers can accept or remove a case follow-up."
        ),
    }
