import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from members.models import TherapistProfile, User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "new.therapist@example.com",
    "password1": "a-long-unusual-passphrase-42",
    "password2": "a-long-unusual-passphrase-42",
    "display_name": "Robin Hale, LPC",
    "time_zone": "Europe/London",
}


def _confirmation_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_signup_sends_verification_and_creates_profile(client, mailoutbox):
    response = client.post(reverse("account_signup"), SIGNUP)

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    user = User.objects.get(email=SIGNUP["email"])
    assert user.profile.display_name == "Robin Hale, LPC"
    assert user.profile.time_zone == "Europe/London"
    assert EmailAddress.objects.get(user=user).verified is False
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [SIGNUP["email"]]


def test_login_refused_until_email_verified_then_allowed(client, mailoutbox):
    client.post(reverse("account_signup"), SIGNUP)
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": SIGNUP["email"], "password": SIGNUP["password1"]}
    )
    assert response.url == reverse("account_email_verification_sent")

    link = _confirmation_link(mailoutbox[-1])
    client.get(link)
    response = client.post(link)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email=SIGNUP["email"]).verified is True

    client.logout()
    response = client.post(
        reverse("account_login"), {"login": SIGNUP["email"], "password": SIGNUP["password1"]}
    )
    assert response.status_code == 302
    assert response.url == reverse("members:dashboard")
    dashboard = client.get(reverse("members:dashboard"))
    assert dashboard.context["profile"].display_name == "Robin Hale, LPC"


def test_signup_with_taken_email_is_refused_without_a_second_account(client, mailoutbox):
    UserFactory(email=SIGNUP["email"])

    response = client.post(reverse("account_signup"), SIGNUP)

    # Enumeration protection: the page looks like a normal sign-up, the owner is told by mail.
    assert User.objects.filter(email=SIGNUP["email"]).count() == 1
    assert TherapistProfile.objects.filter(user__email=SIGNUP["email"]).count() == 1
    assert response.status_code == 302
    assert "already" in mailoutbox[-1].body.lower()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("time_zone", "Mars/Olympus_Mons", "is not a time zone we know"),
        ("display_name", "   ", "Please enter the name colleagues will see."),
        ("email", "not-an-email", "Enter a valid email address."),
    ],
)
def test_signup_bad_input_shows_field_error_and_saves_nothing(client, field, value, message):
    response = client.post(reverse("account_signup"), {**SIGNUP, field: value})

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert message in response.content.decode()
    assert not User.objects.exists()


def test_sixth_wrong_password_for_one_account_is_rate_limited(client):
    user = UserFactory()
    statuses = []
    for _ in range(6):
        response = client.post(
            reverse("account_login"), {"login": user.email, "password": "wrong-password"}
        )
        statuses.append(response.status_code)

    assert statuses == [200, 200, 200, 200, 200, 429]
    assert "Too many attempts" in response.content.decode()


def test_correct_password_logs_in(client):
    user = UserFactory()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_admin_login_goes_through_the_rate_limited_login(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_admin_login_is_throttled_like_the_site(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    login_url = client.get("/admin/login/?next=/admin/").url
    statuses = [
        client.post(login_url, {"login": admin.email, "password": "nope"}).status_code
        for _ in range(6)
    ]
    assert statuses[-1] == 429


def test_password_reset_sends_a_link(client, mailoutbox):
    user = UserFactory()
    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "/accounts/password/reset/key/" in mailoutbox[0].body


def test_logout_ends_the_session(client):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_change_email_adds_an_unverified_address_and_sends_verification(client, mailoutbox):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})  # asked first
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "second@example.com"}
    )
    assert response.status_code == 302
    address = EmailAddress.objects.get(email="second@example.com")
    assert (address.user_id, address.verified) == (user.pk, False)
    assert mailoutbox[-1].to == ["second@example.com"]
