"""A site admin adds a security key instead of an authenticator app, then signs in again with
password and key, in Chromium, under the CSP. The key is Chromium's virtual authenticator
(DevTools protocol, WebAuthn domain): the browser runs allauth's own scripts and the server
checks real signatures."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail

from tests.browser.support import A11yAudit, log_out, screenshots
from tests.factories import PASSWORD, AdminFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, base_url, email, *, next_path=""):
    page.goto(f"{base_url}/accounts/login/{next_path}")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form").filter(has=page.locator("#id_login")).locator(
        "button[type=submit]"
    ).first.click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def _virtual_authenticator(page) -> tuple:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def test_admin_adds_a_security_key_then_signs_in_with_it(live_server, page, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    problems: list[str] = []  # CSP violations, script errors, failed requests

    def console(message):
        where = (message.location or {}).get("url", "")
        if where.endswith("/favicon.ico"):  # the site has no favicon; not this journey's
            return
        if "Content Security Policy" in message.text or message.type == "error":
            problems.append(f"{message.text} ({where})")

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    audit = A11yAudit(page)
    admin = AdminFactory(email="key.admin@example.com")
    base = live_server.url
    assert base.startswith("http://localhost:")  # the relying party a key accepts over http
    cdp, authenticator_id = _virtual_authenticator(page)

    # Password only: sent to set up two-step; the page offers a security key instead.
    _sign_in(page, base, admin.email)
    if "/accounts/reauthenticate/" in page.url:
        page.locator("#id_password").fill(PASSWORD)
        page.get_by_role("button", name="Confirm and continue").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    page.get_by_role("link", name="Add a security key instead").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/webauthn/add/$"))
    audit.check("add a security key")
    screenshots(page, "webauthn-add")

    page.get_by_label("Name of the key").fill("Virtual key")
    page.get_by_role("button", name="Add this key").click()
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)
    keys = Authenticator.objects.filter(user=admin, type="webauthn")
    assert [k.wrap().name for k in keys] == ["Virtual key"]
    stored = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})
    assert len(stored["credentials"]) == 1

    # Adding the key was the second step: the Django admin opens.
    page.goto(f"{base}/admin/")
    assert page.get_by_role("heading", name="Site administration").is_visible()

    page.goto(f"{base}/accounts/2fa/")
    assert "Virtual key" in page.locator("#security-keys + p + ul").inner_text()
    audit.check("two-step overview with a key")
    screenshots(page, "webauthn-index")

    # Next time: password, then the key.
    log_out(page, base)
    _sign_in(page, base, admin.email, next_path="?next=/admin/")
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/$"))
    audit.check("sign-in with a key")
    screenshots(page, "webauthn-authenticate")
    page.get_by_role("button", name="Use a security key").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    assert page.get_by_role("heading", name="Site administration").is_visible()
    keys = Authenticator.objects.filter(user=admin, type="webauthn")
    assert keys.get().last_used_at is not None

    audit.assert_clean()
    assert problems == []
