"""Who may do what with consultation requests (consultations/rules.py), for every kind of
person: the members' own, so a site admin who is not a member is refused like an outsider."""

import pytest
from django.contrib.auth.models import AnonymousUser

from config.access import allowed, declared
from groups.enums import Role
from groups.services.membership import leave_group
from tests.consultations.factories import ConsultationReplyFactory, ConsultationRequestFactory
from tests.factories import AdminFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PEOPLE = ["asker", "replier", "member", "co_organizer", "organizer", "outsider", "admin", "former"]


@pytest.fixture
def people(group, asker, mia, max_, organizer):
    former = MembershipFactory(group=group).user
    leave_group(user=former, group=group)
    return {
        "asker": asker,
        "replier": mia,
        "member": max_,
        "co_organizer": MembershipFactory(group=group, role=Role.CO_ORGANIZER).user,
        "organizer": organizer,
        "outsider": UserFactory(),
        "admin": AdminFactory(),
        "former": former,
    }


@pytest.fixture
def request_(group, asker):
    return ConsultationRequestFactory(group=group, asker=asker)


@pytest.fixture
def reply(request_, mia):
    return ConsultationReplyFactory(request=request_, author=mia)


def _who(people, rule, obj) -> list[str]:
    return [name for name in PEOPLE if allowed(people[name], rule, obj)]


MEMBERS = ["asker", "replier", "member", "co_organizer", "organizer"]


def test_group_rules_are_for_members_only(group, people):
    assert _who(people, "consultations.view_requests", group) == MEMBERS
    assert _who(people, "consultations.ask", group) == MEMBERS


def test_request_rules(people, request_):
    assert _who(people, "consultations.view_requests", request_) == MEMBERS
    assert _who(people, "consultations.reply", request_) == MEMBERS
    assert _who(people, "consultations.close_request", request_) == ["asker"]
    assert _who(people, "consultations.call_huddle", request_) == [
        "asker",
        "co_organizer",
        "organizer",
    ]


def test_a_reply_is_changed_by_its_author_only(people, reply):
    assert _who(people, "consultations.change_reply", reply) == ["replier"]


def test_an_asker_who_left_may_no_longer_close_or_call_a_huddle(group, people, request_):
    leave_group(user=people["asker"], group=group)

    assert not allowed(people["asker"], "consultations.close_request", request_)
    assert not allowed(people["asker"], "consultations.call_huddle", request_)


def test_anonymous_and_missing_objects_are_refused(request_, reply):
    anonymous = AnonymousUser()
    for rule, obj in [
        ("consultations.view_requests", request_),
        ("consultations.close_request", request_),
        ("consultations.call_huddle", request_),
        ("consultations.change_reply", reply),
        ("consultations.close_request", None),
        ("consultations.change_reply", None),
    ]:
        assert allowed(anonymous, rule, obj) is False


def test_every_rule_has_a_refusal_sentence():
    ours = {name: text for name, text in declared().items() if name.startswith("consultations.")}

    assert sorted(ours) == [
        "consultations.ask",
        "consultations.call_huddle",
        "consultations.change_reply",
        "consultations.close_request",
        "consultations.reply",
        "consultations.view_requests",
    ]
    assert all(text.endswith(".") for text in ours.values())
