"""Methods no view handles (TRACE, CONNECT, PUT, DELETE, made-up ones) answer 405 everywhere."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import GroupFactory, UserFactory

pytestmark = pytest.mark.django_db


def _urls():
    group = GroupFactory()
    return [
        "/",
        reverse("groups:browse"),
        reverse("groups:detail", args=[group.slug]),
        reverse("members:dashboard"),
        reverse("account_login"),
        "/admin/",
        "/no-such-page/",
    ]


@pytest.mark.parametrize("method", ["TRACE", "CONNECT", "PUT", "PATCH", "DELETE", "FOO"])
def test_unexpected_methods_answer_405(client, method):
    for url in _urls():
        response = client.generic(method, url)
        assert (url, response.status_code) == (url, 405)
        assert response["Allow"] == "GET, HEAD, POST"


def test_trace_as_a_signed_in_member_is_405_too(client):
    client.force_login(UserFactory())
    response = client.generic("TRACE", reverse("members:dashboard"))
    assert response.status_code == 405
    assert b"TRACE" not in response.content  # no echo of the request


def test_ordinary_methods_still_work():
    client = Client()
    assert client.get("/").status_code == 200
    assert client.head("/").status_code == 200
    assert client.post(reverse("account_login"), {}).status_code == 200
