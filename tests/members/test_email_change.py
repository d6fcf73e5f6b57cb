"""Changing one's e-mail address asks for the password again, and tells the old address."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from members.models import AuditEntry, User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW = "new-address@example.org"


def _change(client):
    return client.post(reverse("account_email"), {"action_add": "", "email": NEW})


def _reauthenticate(client, password=PASSWORD):
    return client.post(reverse("account_reauthenticate"), {"password": password})


def test_changing_the_address_asks_for_the_password_first(client, mailoutbox):
    user = UserFactory()
    client.force_login(user)  # signed in earlier, not just now
    response = _change(client)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert list(EmailAddress.objects.filter(user=user).values_list("email", flat=True)) == [
        user.email
    ]
    assert mailoutbox == []


def test_a_wrong_password_is_refused_beside_the_field_and_changes_nothing(client, mailoutbox):
    user = UserFactory()
    client.force_login(user)
    response = _reauthenticate(client, "not-my-password")
    assert response.status_code == 200
    errors = response.context["form"].errors["password"]
    assert errors == ["Incorrect password."]
    assert "Incorrect password." in response.content.decode()
    assert _change(client)["Location"].startswith(reverse("account_reauthenticate"))
    assert not EmailAddress.objects.filter(email=NEW).exists()
    assert mailoutbox == []


def test_after_the_password_the_change_is_started_and_confirmed_at_the_new_address(
    client, mailoutbox
):
    user = UserFactory()
    old = user.email
    client.force_login(user)
    assert _reauthenticate(client).status_code == 302
    response = _change(client)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email=NEW).verified is False
    assert [m.to for m in mailoutbox] == [[NEW]]
    link = re.search(r"/accounts/confirm-email/[^\s]+/", mailoutbox[0].body).group(0)
    client.post(link)
    user.refresh_from_db()
    assert user.email == NEW
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "primary")) == [
        (NEW, True)
    ]
    # One notice, to the OLD address, naming the site and both addresses.
    notices = [m for m in mailoutbox if m.to == [old]]
    assert len(notices) == 1
    notice = notices[0]
    assert notice.subject == "[PeerCircle] Your PeerCircle email address was changed"
    assert f"from {old} to {NEW}" in notice.body
    assert "PeerCircle" in notice.body
    assert "example.com!" not in notice.body
    assert "If you did not make this change" in notice.body
    assert User.objects.filter(email=old).count() == 0
    assert list(AuditEntry.objects.filter(subject=user).values_list("verb", "actor")) == [
        ("account.email_changed", user.pk)
    ]


def test_account_emails_carry_the_site_name_not_example_com(client, mailoutbox):
    user = UserFactory()
    client.post(reverse("account_reset_password"), {"email": user.email})
    body = mailoutbox[0].body
    assert body.startswith("Hello from PeerCircle!")
    assert "example.com!" not in body
    assert "Hello from example.com" not in body
