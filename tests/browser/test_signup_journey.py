"""A newcomer signs up through the real pages in Chromium, verifies, and edits the profile."""

import re

import pytest
from django.core import mail

from members.models import TherapistProfile, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_signup_verify_and_edit_profile(live_server, page, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    page.goto(f"{live_server.url}/accounts/signup/")
    page.get_by_label("Email").fill("browser.person@example.com")
    page.get_by_label("Your name as colleagues will see it").fill("Avery Browser")
    page.get_by_label("Time zone").select_option("Europe/Berlin")
    page.locator("#id_password1").fill("a-long-unusual-passphrase-42")
    page.locator("#id_password2").fill("a-long-unusual-passphrase-42")
    page.get_by_role("button", name=re.compile("Sign up|Create", re.I)).click()

    page.wait_for_url(re.compile(r"/accounts/confirm-email/$"))
    assert len(mail.outbox) == 1
    link = re.search(r"(/accounts/confirm-email/[^\s]+/)", mail.outbox[0].body).group(1)

    page.goto(f"{live_server.url}{link}")
    page.get_by_role("button", name=re.compile("Confirm", re.I)).click()
    page.wait_for_url(re.compile(r"/me/$"))

    page.goto(f"{live_server.url}/me/profile/")
    page.get_by_label("City").fill("Leipzig")
    page.get_by_label("Credential type").select_option("lpc")
    page.get_by_role("button", name="Save profile").click()
    page.wait_for_url(re.compile(r"/therapists/\d+/$"))

    assert page.get_by_role("heading", level=1).inner_text() == "Avery Browser"
    profile = TherapistProfile.objects.get(
        user=User.objects.get(email="browser.person@example.com")
    )
    assert (profile.city, profile.credential_type, profile.time_zone) == (
        "Leipzig",
        "lpc",
        "Europe/Berlin",
    )
