"""A site admin is sent to set up two-step sign-in, scans (reads) the key, turns it on with a
code computed here, then signs in again with password and code, in Chromium, under the CSP."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail

from tests.browser.support import A11yAudit, log_out, screenshots
from tests.factories import PASSWORD, AdminFactory
from tests.support.totp import totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, base_url, email, *, next_path=""):
    page.goto(f"{base_url}/accounts/login/{next_path}")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form").filter(has=page.locator("#id_login")).locator(
        "button[type=submit]"
    ).first.click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_admin_enrols_then_signs_in_with_a_code(live_server, page, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    csp_violations: list[str] = []
    page.on(
        "console",
        lambda m: csp_violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    audit = A11yAudit(page)
    admin = AdminFactory(email="root.admin@example.com")
    base = live_server.url

    # Signing in with the password only: sent to set up the app before anything else.
    _sign_in(page, base, admin.email)
    assert "Site admins sign in with two steps" in page.content()
    if "/accounts/reauthenticate/" in page.url:  # the password is confirmed first
        page.locator("#id_password").fill(PASSWORD)
        page.get_by_role("button", name="Confirm and continue").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    qr = page.get_by_role("img", name=re.compile("QR code"))
    assert qr.get_attribute("src").startswith("data:image/svg+xml;base64,")
    assert qr.evaluate("img => img.naturalWidth > 0")
    audit.check("set up two-step sign-in")
    screenshots(page, "mfa-activate")

    # A wrong code: told beside the field, nothing saved.
    page.get_by_label("Code from the app").fill("000000")
    page.get_by_role("button", name="Turn on").click()
    page.wait_for_load_state("load")
    if "/accounts/reauthenticate/" in page.url:
        page.locator("#id_password").fill(PASSWORD)
        page.get_by_role("button", name="Confirm and continue").click()
        page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/$"))
        page.get_by_label("Code from the app").fill("000000")
        page.get_by_role("button", name="Turn on").click()
        page.wait_for_load_state("load")
    assert "That code is not right" in page.locator(".invalid-feedback").inner_text()
    assert not Authenticator.objects.filter(user=admin).exists()

    # The key as the app would read it from the QR code; the code as the app would show it.
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Code from the app").fill(totp(secret))
    page.get_by_role("button", name="Turn on").click()
    page.wait_for_url(lambda url: "/totp/activate/" not in url)
    assert Authenticator.objects.filter(user=admin, type="totp").exists()

    # Setting it up was the second step: the Django admin opens.
    page.goto(f"{base}/admin/")
    assert page.get_by_role("heading", name="Site administration").is_visible()

    # Next time: password, then a code.
    log_out(page, base)
    _sign_in(page, base, admin.email, next_path="?next=/admin/")
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/$"))
    audit.check("sign-in code")
    screenshots(page, "mfa-authenticate")
    page.get_by_label("Code").fill(totp(secret, step_offset=1))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    assert page.get_by_role("heading", name="Site administration").is_visible()

    page.goto(f"{base}/accounts/2fa/")
    assert "You sign in with a code from your app." in page.content()
    audit.check("two-step overview")

    audit.assert_clean()
    assert csp_violations == []
