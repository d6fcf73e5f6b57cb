"""Failed sign-ins are throttled per client address and per (account, address): a stranger
elsewhere cannot lock a therapist out, and guessing from one address is still stopped."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

OWNER_IP, STRANGER_IP = "198.51.100.7", "203.0.113.9"


def _login(client, email, password, ip, **extra):
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=ip, **extra
    )


def test_a_stranger_elsewhere_cannot_lock_the_account(client):
    user = UserFactory()
    stranger = [_login(client, user.email, "guess", STRANGER_IP).status_code for _ in range(8)]
    assert stranger == [200] * 5 + [429] * 3
    owner = _login(client, user.email, PASSWORD, OWNER_IP)
    assert owner.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_guessing_from_one_address_is_stopped_even_with_the_right_password(client):
    user = UserFactory()
    statuses = [_login(client, user.email, "guess", STRANGER_IP).status_code for _ in range(5)]
    assert statuses == [200] * 5
    response = _login(client, user.email, PASSWORD, STRANGER_IP)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_one_address_guessing_across_many_accounts_is_stopped(client):
    users = [UserFactory() for _ in range(6)]
    statuses = []
    for user in users:
        for _ in range(4):
            statuses.append(_login(client, user.email, "guess", STRANGER_IP).status_code)
    assert statuses[:20] == [200] * 20
    assert statuses[20:] == [429] * 4
    # Another address is not affected.
    assert _login(client, users[0].email, PASSWORD, OWNER_IP).status_code == 302


def test_the_owners_own_typos_lock_only_their_own_address(client):
    user = UserFactory()
    for _ in range(5):
        _login(client, user.email, "typo", OWNER_IP)
    assert _login(client, user.email, PASSWORD, OWNER_IP).status_code == 429
    assert _login(client, user.email, PASSWORD, "192.0.2.44").status_code == 302


def test_behind_a_trusted_proxy_the_forwarded_address_counts(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    user = UserFactory()
    proxy = "10.0.0.2"
    for _ in range(6):
        _login(client, user.email, "guess", proxy, HTTP_X_FORWARDED_FOR=STRANGER_IP)
    response = _login(client, user.email, PASSWORD, proxy, HTTP_X_FORWARDED_FOR=OWNER_IP)
    assert response.status_code == 302


def test_ipv6_neighbours_in_one_64_count_as_one_address(client):
    user = UserFactory()
    for n in range(5):
        _login(client, user.email, "guess", f"2001:db8:1:1::{n + 1}")
    assert _login(client, user.email, PASSWORD, "2001:db8:1:1::99").status_code == 429
    assert _login(client, user.email, PASSWORD, "2001:db8:2:2::1").status_code == 302
