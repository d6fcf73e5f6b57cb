"""config.errors, config.access and the one place a refusal becomes a response."""

import pytest
import rules
from django.contrib.messages import get_messages
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import RequestFactory

from config import access
from config.errors import DomainError, NotAllowed
from config.middleware import DomainErrorMiddleware
from tests.factories import UserFactory


def _request(method="get", path="/somewhere/", **headers):
    request = getattr(RequestFactory(), method)(path, **headers)
    SessionMiddleware(lambda r: None).process_request(request)
    MessageMiddleware(lambda r: None).process_request(request)
    return request


def _middleware():
    return DomainErrorMiddleware(lambda request: None)


@pytest.mark.django_db
def test_a_refused_post_goes_back_where_the_person_acted_with_the_message():
    request = _request("post", HTTP_REFERER="http://testserver/groups/quiet-room/")

    response = _middleware().process_exception(request, DomainError("The group is full."))

    assert (response.status_code, response["Location"]) == (
        303,
        "http://testserver/groups/quiet-room/",
    )
    assert [str(m) for m in get_messages(request)] == ["The group is full."]


@pytest.mark.django_db
def test_a_refused_post_never_follows_a_referer_to_another_site():
    request = _request("post", HTTP_REFERER="https://evil.example/phish")

    response = _middleware().process_exception(request, NotAllowed("No."))

    assert (response.status_code, response["Location"]) == (303, "/me/")


@pytest.mark.django_db
@pytest.mark.parametrize(("error", "status"), [(NotAllowed, 403), (DomainError, 409)])
def test_a_refused_page_load_says_why_with_its_status(error, status):
    request = _request()
    request.user = UserFactory()

    response = _middleware().process_exception(request, error("Only organizers can see this."))

    assert response.status_code == status
    assert "Only organizers can see this." in response.content.decode()


def test_other_errors_are_not_the_middlewares_business():
    assert _middleware().process_exception(_request(), ValueError("x")) is None


def test_check_raises_the_rules_own_sentence_and_allowed_answers_the_rule(monkeypatch):
    monkeypatch.setattr(access, "_REFUSALS", {})
    access.declare("tests.always", rules.always_allow, refusal="never shown")
    access.declare("tests.never", rules.always_deny, refusal="You may not.")
    try:
        assert (access.allowed(None, "tests.always"), access.allowed(None, "tests.never")) == (
            True,
            False,
        )
        access.check(None, "tests.always")
        with pytest.raises(NotAllowed, match=r"^You may not\.$"):
            access.check(None, "tests.never")
    finally:
        rules.remove_rule("tests.always")
        rules.remove_rule("tests.never")


def test_asking_an_undeclared_rule_is_a_programming_error():
    with pytest.raises(KeyError, match=r"tests\.nobody"):
        access.allowed(None, "tests.nobody")


def test_every_declared_rule_has_a_sentence_for_the_person_refused():
    declared = access.declared()
    assert declared, "the apps' rules.py files declare their rules at start-up"
    assert {name for name, refusal in declared.items() if len(refusal) < 10} == set()
