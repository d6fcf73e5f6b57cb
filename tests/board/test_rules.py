"""Who may do what on the board, asked of the rules directly."""

import pytest

from board import services
from board.rules import may_see_post, wrote_the_post
from config.access import allowed, declared
from tests.factories import AdminFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = ("organizer", "co_organizer", "member", "other_member", "outsider", "admin")


@pytest.fixture
def people(group, organizer, co_organizer, member, other_member):
    return {
        "organizer": organizer,
        "co_organizer": co_organizer,
        "member": member,
        "other_member": other_member,
        "outsider": UserFactory(),
        "admin": AdminFactory(),
    }


def _who(people, rule, obj) -> set[str]:
    return {name for name, user in people.items() if allowed(user, rule, obj)}


def test_every_board_rule_has_a_refusal():
    board = {name: text for name, text in declared().items() if name.startswith("board.")}

    assert sorted(board) == [
        "board.change_post",
        "board.moderate",
        "board.post_announcement",
        "board.reply",
        "board.report",
        "board.see_post",
        "board.start_discussion",
        "board.view",
    ]
    assert all(text.endswith(".") for text in board.values())


def test_group_rules(group, people):
    members = {"organizer", "co_organizer", "member", "other_member"}

    assert _who(people, "board.view", group) == members
    assert _who(people, "board.start_discussion", group) == members
    assert _who(people, "board.post_announcement", group) == {"organizer", "co_organizer"}
    assert _who(people, "board.moderate", group) == {"organizer", "co_organizer"}


def test_post_rules(group, people, member):
    topic = services.start_discussion(actor=member, group=group, title="Fees", body="x")
    members = {"organizer", "co_organizer", "member", "other_member"}

    assert _who(people, "board.see_post", topic) == members
    assert _who(people, "board.reply", topic) == members
    assert _who(people, "board.report", topic) == members
    assert _who(people, "board.change_post", topic) == {"member"}


def test_a_hidden_post_is_seen_by_organizers_and_its_author_only(
    group, people, member, other_member, organizer
):
    topic = services.start_discussion(actor=member, group=group, title="Fees", body="x")
    reply = services.post_reply(actor=other_member, topic=topic, body="y")
    services.hide_post(actor=organizer, post=topic)
    topic.refresh_from_db()
    reply.refresh_from_db()

    assert _who(people, "board.see_post", topic) == {"organizer", "co_organizer", "member"}
    # a reply is seen only with its topic: by the topic's author, no longer by its own
    assert _who(people, "board.see_post", reply) == {"organizer", "co_organizer", "member"}


def test_predicates_refuse_without_a_post_or_a_person(member):
    anonymous = type("Anonymous", (), {"is_authenticated": False, "pk": None})()

    assert wrote_the_post(member, None) is False
    assert wrote_the_post(anonymous, object()) is False
    assert may_see_post(member, None) is False
