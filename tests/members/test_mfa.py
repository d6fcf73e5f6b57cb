"""Two-step sign-in (allauth.mfa): required for site admins, the Django admin included;
offered to everyone from the profile; recommended to organizers of closed groups."""

import json
import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core.management import CommandError, call_command
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from groups.enums import MembershipPolicy, Role
from members.models import AuditEntry
from portal.management.commands.seed_demo import DEMO_ADMIN_TOTP_SECRET
from portal.management.commands.seed_demo import Command as SeedDemo
from tests.factories import PASSWORD, AdminFactory, GroupFactory, MembershipFactory, UserFactory
from tests.support.totp import totp

pytestmark = pytest.mark.django_db

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DP"


@pytest.fixture(autouse=True)
def _shortcut_logins_of_site_admins_include_the_second_step():
    """Here the test client's logins are what they are: no second step (see tests/conftest.py)."""
    yield


def _enrolled(user, secret=SECRET):
    TOTP.activate(user, secret)
    return user


def _location(response) -> str:
    return response.get("Location", "")


# --- Site admins -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/me/", "/groups/", "/admin/", "/admin/groups/group/"])
def test_admin_without_an_app_is_sent_to_set_one_up_first(client, path):
    client.force_login(AdminFactory())
    response = client.get(path)
    assert (response.status_code, _location(response)) == (302, reverse("mfa_activate_totp"))


def test_staff_without_superuser_is_held_too(client):
    client.force_login(AdminFactory(is_superuser=False))
    assert _location(client.get("/me/")) == reverse("mfa_activate_totp")


def test_admin_is_told_why_once(client):
    client.force_login(AdminFactory())
    page = client.get("/me/", follow=True)
    assert "Site admins sign in with two steps" in page.content.decode()


def test_admin_whose_session_has_not_passed_the_second_step_is_asked_for_a_code(client):
    admin = _enrolled(AdminFactory())
    client.force_login(admin)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert _location(response) == reverse("mfa_reauthenticate") + "?next=%2Fadmin%2F"
    wrong = client.post(_location(response), {"code": "000000"})
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["code"] == [
        "That code is not right. Check the six digits in your app and try again."
    ]
    assert client.get("/admin/").status_code == 302
    right = client.post(_location(response), {"code": totp(SECRET)})
    assert (right.status_code, _location(right)) == (302, "/admin/")
    admin_page = client.get("/admin/")
    assert admin_page.status_code == 200
    assert "PeerCircle administration" in admin_page.content.decode()


def test_admin_sign_in_asks_for_the_code_then_opens_the_admin(client):
    admin = _enrolled(AdminFactory())
    response = client.post(
        reverse("account_login") + "?next=/admin/", {"login": admin.email, "password": PASSWORD}
    )
    assert _location(response) == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session  # not signed in before the code
    wrong = client.post(reverse("mfa_authenticate"), {"code": "123456"})
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.content.decode()
    assert "_auth_user_id" not in client.session
    right = client.post(reverse("mfa_authenticate"), {"code": totp(SECRET)})
    assert (right.status_code, _location(right)) == (302, "/admin/")
    assert client.get("/admin/").status_code == 200
    assert client.get("/me/").status_code == 200


def test_a_recovery_code_also_passes_the_second_step(client):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    admin = _enrolled(AdminFactory())
    codes = RecoveryCodes.activate(admin).generate_codes()
    client.post(reverse("account_login"), {"login": admin.email, "password": PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    # Each recovery code works once.
    client.logout()
    client.post(reverse("account_login"), {"login": admin.email, "password": PASSWORD})
    again = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert again.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db(transaction=True)  # on_commit runs as in production, inside the view
def test_admin_sets_up_the_app_and_that_counts_as_the_second_step(client):
    admin = AdminFactory()
    client.force_login(admin)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret
    html = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html
    assert "<script" not in html.split("</main>")[0].split("<main")[-1]
    assert secret in html
    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["code"] == [
        "That code is not right. Check the six digits in your app and try again."
    ]
    assert not Authenticator.objects.filter(user=admin).exists()
    done = client.post(reverse("mfa_activate_totp"), {"code": totp(secret)})
    assert done.status_code == 302
    assert sorted(Authenticator.objects.filter(user=admin).values_list("type", flat=True)) == [
        "recovery_codes",
        "totp",
    ]
    assert client.get("/admin/").status_code == 200
    assert client.get("/me/").status_code == 200


def test_site_admin_cannot_turn_it_off(client):
    admin = _enrolled(AdminFactory())
    client.post(reverse("account_login"), {"login": admin.email, "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": totp(SECRET)})
    client.post(reverse("mfa_reauthenticate"), {"code": totp(SECRET, step_offset=1)})
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 200
    assert "Site admins must keep two-step sign-in on." in response.content.decode()
    assert Authenticator.objects.filter(user=admin, type="totp").exists()


# --- Everyone else -----------------------------------------------------------------------------


def test_members_are_not_held(client):
    client.force_login(UserFactory())
    assert client.get("/me/").status_code == 200


def test_profile_page_offers_two_step_sign_in(client):
    user = UserFactory()
    client.force_login(user)
    page = client.get(reverse("members:profile_edit")).content.decode()
    section = page.split('id="two-step"')[1].split("</section>")[0]
    assert "Two-step sign-in" in section
    assert "Off" in section
    assert reverse("mfa_activate_totp") in section
    _enrolled(user)
    section = client.get(reverse("members:profile_edit")).content.decode()
    section = section.split('id="two-step"')[1].split("</section>")[0]
    assert "On" in section
    assert reverse("mfa_index") in section


def test_member_turns_it_on_signs_in_with_it_and_turns_it_off(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    secret = client.get(reverse("mfa_activate_totp")).context["form"].secret
    with django_capture_on_commit_callbacks(execute=True):
        activated = client.post(reverse("mfa_activate_totp"), {"code": totp(secret)})
    assert activated.status_code == 302
    index = client.get(reverse("mfa_index")).content.decode()
    assert "You sign in with a code from your app." in index
    client.logout()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert _location(response) == reverse("mfa_authenticate")
    client.post(reverse("mfa_authenticate"), {"code": totp(secret, step_offset=1)})
    assert int(client.session["_auth_user_id"]) == user.pk
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})  # asked first
    off = client.post(reverse("mfa_deactivate_totp"))
    assert off.status_code == 302
    assert not Authenticator.objects.filter(user=user, type="totp").exists()
    assert list(
        AuditEntry.objects.filter(subject=user).order_by("pk").values_list("verb", flat=True)
    ) == ["account.two_step_on", "account.two_step_off"]
    # The owner is told about each change, and the mail names the site.
    subjects = [m.subject for m in mailoutbox if m.to == [user.email]]
    assert len(subjects) == 2
    assert all(s.startswith("[PeerCircle] ") for s in subjects)


def test_recovery_codes_page_lists_codes_without_scripts(client):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    user = _enrolled(UserFactory())
    codes = RecoveryCodes.activate(user).generate_codes()
    client.force_login(user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(reverse("mfa_view_recovery_codes"))
    html = page.content.decode()
    listed = re.findall(r"<li>(\w+)</li>", html.split('id="recovery_codes"')[1].split("</ul>")[0])
    assert listed == codes
    assert "recovery_codes.js" not in html
    assert "onload.js" not in html


# --- The nudge for organizers of closed groups -------------------------------------------------


def _nudge(user) -> str:
    request = RequestFactory().get("/me/")
    request.user = user
    return render_to_string("mfa/includes/_recommend_two_step.html", request=request).strip()


def test_organizer_of_a_closed_group_is_nudged_until_they_set_it_up():
    group = GroupFactory(membership_policy=MembershipPolicy.CLOSED)
    organizer = MembershipFactory(group=group, role=Role.ORGANIZER).user
    assert "Set up two-step sign-in" in _nudge(organizer)
    assert reverse("mfa_index") in _nudge(organizer)
    _enrolled(organizer)
    assert _nudge(organizer) == ""


def test_members_and_open_group_organizers_are_not_nudged():
    closed = GroupFactory(membership_policy=MembershipPolicy.CLOSED)
    open_group = GroupFactory(membership_policy=MembershipPolicy.OPEN)
    member = MembershipFactory(group=closed, role=Role.MEMBER).user
    organizer = MembershipFactory(group=open_group, role=Role.ORGANIZER).user
    assert _nudge(member) == ""
    assert _nudge(organizer) == ""


def test_pages_without_the_nudge_pay_no_query(client, django_assert_num_queries):
    """The context processor's value is lazy: a page that does not include the nudge does not
    run its query."""
    from config.context_processors import two_step

    request = RequestFactory().get("/")
    request.user = UserFactory()
    with django_assert_num_queries(0):
        two_step(request)


# --- The demo admin ----------------------------------------------------------------------------


def test_seeded_demo_admin_signs_in_with_the_documented_key_and_demo_code(client, settings, capsys):
    admin = AdminFactory(email="admin@example.com")
    SeedDemo().seed_admin_two_step(admin)
    SeedDemo().seed_admin_two_step(admin)  # idempotent
    assert Authenticator.objects.filter(user=admin, type="totp").count() == 1
    settings.DEBUG = True
    call_command("demo_code")
    code = capsys.readouterr().out.strip().splitlines()[-1]
    assert code == totp(DEMO_ADMIN_TOTP_SECRET)
    client.post(reverse("account_login"), {"login": admin.email, "password": PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_demo_code_refuses_without_debug(settings):
    _enrolled(AdminFactory(email="admin@example.com"))
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo_code")


# --- The Django admin never shows a key ------------------------------------------------------


def test_admin_lists_authenticators_without_their_keys_and_can_remove_a_lost_one(client):
    member = _enrolled(UserFactory())
    totp_row = Authenticator.objects.get(user=member, type="totp")
    admin = _enrolled(AdminFactory(), secret="KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF")
    client.post(reverse("account_login"), {"login": admin.email, "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": totp("KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF")})
    listing = client.get(reverse("admin:mfa_authenticator_changelist"))
    assert listing.status_code == 200
    page = client.get(reverse("admin:mfa_authenticator_change", args=[totp_row.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert str(member) in html
    assert SECRET not in html
    assert '"secret"' not in html
    assert client.get(reverse("admin:mfa_authenticator_add")).status_code == 403
    removed = client.post(
        reverse("admin:mfa_authenticator_delete", args=[totp_row.pk]), {"post": "yes"}
    )
    assert removed.status_code == 302
    assert not Authenticator.objects.filter(pk=totp_row.pk).exists()


# --- Security keys (WebAuthn) ------------------------------------------------------------------
#
# A software security key: the same bytes a browser and a key send (a "none" attestation and an
# ES256 signature), built with the fido2 and cryptography packages, so the tests check allauth's
# verification for real rather than mocking it.

ORIGIN = "http://localhost"


class SoftKey:
    def __init__(self):
        import os

        from cryptography.hazmat.primitives.asymmetric import ec
        from fido2.cose import ES256

        self.private = ec.generate_private_key(ec.SECP256R1())
        self.cose = ES256.from_cryptography_key(self.private.public_key())
        self.credential_id = os.urandom(32)
        self.counter = 0

    @staticmethod
    def _rp_hash(rp_id: str) -> bytes:
        import hashlib

        return hashlib.sha256(rp_id.encode()).digest()

    def register(self, creation_options: dict) -> dict:
        from fido2.utils import websafe_encode
        from fido2.webauthn import (
            Aaguid,
            AttestationObject,
            AttestedCredentialData,
            AuthenticatorData,
            CollectedClientData,
        )

        options = creation_options["publicKey"]
        client_data = CollectedClientData.create(
            type="webauthn.create", challenge=options["challenge"], origin=ORIGIN
        )
        flags = AuthenticatorData.FLAG.UP | AuthenticatorData.FLAG.UV | AuthenticatorData.FLAG.AT
        auth_data = AuthenticatorData.create(
            self._rp_hash(options["rp"]["id"]),
            flags,
            self.counter,
            AttestedCredentialData.create(Aaguid.NONE, self.credential_id, self.cose),
        )
        attestation = AttestationObject.create("none", auth_data, {})
        return {
            "id": websafe_encode(self.credential_id),
            "rawId": websafe_encode(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": websafe_encode(client_data),
                "attestationObject": websafe_encode(attestation),
            },
            "clientExtensionResults": {"credProps": {"rk": False}},
        }

    def sign(self, request_options: dict, *, rp_id: str = "localhost") -> dict:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec
        from fido2.utils import websafe_encode
        from fido2.webauthn import AuthenticatorData, CollectedClientData

        options = request_options["publicKey"]
        client_data = CollectedClientData.create(
            type="webauthn.get", challenge=options["challenge"], origin=ORIGIN
        )
        self.counter += 1
        auth_data = AuthenticatorData.create(
            self._rp_hash(options.get("rpId") or rp_id),
            AuthenticatorData.FLAG.UP | AuthenticatorData.FLAG.UV,
            self.counter,
        )
        signature = self.private.sign(
            bytes(auth_data) + client_data.hash, ec.ECDSA(hashes.SHA256())
        )
        return {
            "id": websafe_encode(self.credential_id),
            "rawId": websafe_encode(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": websafe_encode(client_data),
                "authenticatorData": websafe_encode(auth_data),
                "signature": websafe_encode(signature),
            },
            "clientExtensionResults": {},
        }


@pytest.fixture
def key_client():
    """The test client on http://localhost: the host a security key may be used on without
    https (the relying party is the host name)."""
    from django.test import Client

    return Client(HTTP_HOST="localhost")


def _add_key(client, key: SoftKey, name: str = "Blue USB key"):
    """Open the add page (after the password, if asked) and post what the key answers."""
    page = client.get(reverse("mfa_add_webauthn"))
    if page.status_code == 302:
        client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        page = client.get(reverse("mfa_add_webauthn"))
    assert page.status_code == 200
    credential = key.register(page.context["js_data"]["creation_options"])
    return client.post(
        reverse("mfa_add_webauthn"), {"name": name, "credential": json.dumps(credential)}
    )


def _keyed(user, key: SoftKey | None = None, name: str = "Blue USB key"):
    """A user with a registered security key, written straight through allauth's model."""
    from allauth.mfa.webauthn.internal.auth import WebAuthn

    key = key or SoftKey()
    options = {
        "publicKey": {
            "challenge": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "rp": {"id": "localhost"},
        }
    }
    WebAuthn.add(user, name, key.register(options))
    return key


@pytest.mark.django_db(transaction=True)
def test_member_adds_a_security_key_from_the_two_step_page(key_client, mailoutbox):
    user = UserFactory()
    key_client.force_login(user)
    index = key_client.get(reverse("mfa_index")).content.decode()
    section = index.split('id="security-keys"')[1].split("<h2")[0]
    assert "You have not added a security key." in section
    assert reverse("mfa_add_webauthn") in section
    key = SoftKey()
    added = _add_key(key_client, key)
    assert added.status_code == 302
    rows = Authenticator.objects.filter(user=user, type="webauthn")
    assert [a.wrap().name for a in rows] == ["Blue USB key"]
    index = key_client.get(reverse("mfa_index")).content.decode()
    section = index.split('id="security-keys"')[1].split("<h2")[0]
    assert "Blue USB key" in section
    assert reverse("mfa_remove_webauthn", kwargs={"pk": rows[0].pk}) in section
    assert list(AuditEntry.objects.filter(subject=user).values_list("verb", "data")) == [
        ("account.security_key_added", {"type": "webauthn"})
    ]
    # The owner is told, once, and the mail names the site.
    assert [(m.to, m.subject) for m in mailoutbox] == [
        ([user.email], "[PeerCircle] Security Key Added")
    ]
    # No name given: a plain default, and the next one is numbered.
    key_client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert _add_key(key_client, SoftKey(), name="").status_code == 302
    names = sorted(a.wrap().name for a in Authenticator.objects.filter(user=user, type="webauthn"))
    assert names == ["Blue USB key", "Security key 2"]


def test_add_page_runs_only_the_apps_own_scripts(key_client):
    user = UserFactory()
    key_client.force_login(user)
    key_client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    html = key_client.get(reverse("mfa_add_webauthn")).content.decode()
    main = html.split("<main")[1].split("</main>")[0]
    scripts = re.findall(r"<script([^>]*)>", main)
    sources = [re.search(r'src="([^"]+)"', s).group(1) for s in scripts if "src=" in s]
    assert sources == [
        "/static/mfa/js/webauthn-json.js",
        "/static/mfa/js/webauthn.js",
        "/static/account/js/onload.js",
    ]
    inline = [s for s in scripts if "src=" not in s]
    assert inline and all('type="application/json"' in s for s in inline)
    assert 'id="mfa_webauthn_add"' in main
    assert "Name of the key" in main
    assert 'value="Security key"' in main  # not allauth's "Master key"


def test_a_key_the_browser_did_not_confirm_is_not_added(key_client):
    user = UserFactory()
    key_client.force_login(user)
    key_client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = key_client.get(reverse("mfa_add_webauthn"))
    credential = SoftKey().register(page.context["js_data"]["creation_options"])
    credential["response"]["clientDataJSON"] = credential["response"]["attestationObject"]
    for bad in [json.dumps(credential), "{}", "[]", "null", "0", "false", '"x"', "not json", ""]:
        response = key_client.post(reverse("mfa_add_webauthn"), {"name": "Key", "credential": bad})
        assert response.status_code == 200
        assert "The key was not added" in response.content.decode()
    assert not Authenticator.objects.filter(user=user).exists()


def test_a_too_long_key_name_is_refused_beside_the_field(key_client):
    user = UserFactory()
    key_client.force_login(user)
    response = _add_key(key_client, SoftKey(), name="x" * 101)
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        "Ensure this value has at most 100 characters (it has 101)."
    ]
    assert 'id="id_name_error"' in response.content.decode()
    assert not Authenticator.objects.filter(user=user, type="webauthn").exists()


def test_member_with_a_key_signs_in_with_it(key_client):
    user = UserFactory()
    key = _keyed(user)
    response = key_client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD}
    )
    assert _location(response) == reverse("mfa_authenticate")
    page = key_client.get(reverse("mfa_authenticate"))
    html = page.content.decode()
    assert "Use a security key" in html
    assert 'data-allauth-onload="allauth.webauthn.forms.authenticateForm"' in html
    assert "_auth_user_id" not in key_client.session
    assertion = key.sign(page.context["js_data"]["request_options"])
    done = key_client.post(reverse("mfa_authenticate"), {"credential": json.dumps(assertion)})
    assert done.status_code == 302
    assert int(key_client.session["_auth_user_id"]) == user.pk


def test_a_wrong_key_at_sign_in_is_refused_with_a_plain_message(key_client):
    user = UserFactory()
    _keyed(user)
    key_client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    page = key_client.get(reverse("mfa_authenticate"))
    stranger = SoftKey().sign(page.context["js_data"]["request_options"])
    response = key_client.post(reverse("mfa_authenticate"), {"credential": json.dumps(stranger)})
    assert response.status_code == 200
    assert "That security key was not accepted." in response.content.decode()
    assert "_auth_user_id" not in key_client.session


def test_garbled_key_answers_at_sign_in_are_refused_never_a_500(key_client):
    user = UserFactory()
    key = _keyed(user)
    key_client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    page = key_client.get(reverse("mfa_authenticate"))
    forged = key.sign(page.context["js_data"]["request_options"])
    forged["response"]["signature"] = forged["response"]["clientDataJSON"]
    tampered = json.loads(json.dumps(forged))
    tampered["response"]["authenticatorData"] = "AAAA"
    for bad in [
        json.dumps(forged),
        json.dumps(tampered),
        "{}",
        "[]",
        "null",
        "0",
        "false",
        "garbage",
    ]:
        response = key_client.post(reverse("mfa_authenticate"), {"credential": bad})
        assert response.status_code == 200, bad
        assert "_auth_user_id" not in key_client.session


def test_the_key_button_is_offered_only_to_someone_with_a_key(key_client):
    user = _enrolled(UserFactory())
    key_client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    html = key_client.get(reverse("mfa_authenticate")).content.decode()
    assert "Use a security key" not in html
    assert "webauthn.js" not in html
    assert "Open your authenticator app" in html


def test_admin_with_only_a_key_counts_as_having_two_step(key_client):
    admin = AdminFactory()
    key = _keyed(admin)
    key_client.force_login(admin)
    response = key_client.get("/admin/")
    assert _location(response) == reverse("mfa_reauthenticate_webauthn") + "?next=%2Fadmin%2F"
    page = key_client.get(_location(response))
    assert page.status_code == 200
    assertion = key.sign(page.context["js_data"]["request_options"])
    done = key_client.post(
        _location(response), {"credential": json.dumps(assertion), "next": "/admin/"}
    )
    assert (done.status_code, _location(done)) == (302, "/admin/")
    assert key_client.get("/admin/").status_code == 200


def test_admin_signs_in_with_password_and_key_and_the_admin_opens(key_client):
    admin = AdminFactory()
    key = _keyed(admin)
    key_client.post(
        reverse("account_login") + "?next=/admin/", {"login": admin.email, "password": PASSWORD}
    )
    page = key_client.get(reverse("mfa_authenticate"))
    assertion = key.sign(page.context["js_data"]["request_options"])
    done = key_client.post(reverse("mfa_authenticate"), {"credential": json.dumps(assertion)})
    assert (done.status_code, _location(done)) == (302, "/admin/")
    assert key_client.get("/admin/").status_code == 200


def test_admin_adding_a_key_counts_as_the_second_step(key_client):
    admin = AdminFactory()
    key_client.force_login(admin)
    assert _location(key_client.get("/me/")) == reverse("mfa_activate_totp")
    key_client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    activate = key_client.get(reverse("mfa_activate_totp")).content.decode()
    assert reverse("mfa_add_webauthn") in activate  # offered instead of an app
    assert _add_key(key_client, SoftKey()).status_code == 302
    assert key_client.get("/admin/").status_code == 200


def test_admin_cannot_remove_the_key_that_is_their_only_second_step(key_client):
    admin = AdminFactory()
    key = _keyed(admin)
    row = Authenticator.objects.get(user=admin, type="webauthn")
    key_client.force_login(admin)
    page = key_client.get(reverse("mfa_reauthenticate_webauthn"))
    key_client.post(
        reverse("mfa_reauthenticate_webauthn"),
        {"credential": json.dumps(key.sign(page.context["js_data"]["request_options"]))},
    )
    url = reverse("mfa_remove_webauthn", kwargs={"pk": row.pk})
    refused = key_client.post(url, follow=True)
    assert refused.redirect_chain == [(reverse("mfa_list_webauthn"), 302)]
    assert "Site admins must keep two-step sign-in on." in refused.content.decode()
    assert Authenticator.objects.filter(pk=row.pk).exists()
    # With a second key, the first one can go.
    _keyed(admin, name="Spare key")
    removed = key_client.post(url)
    assert _location(removed) == reverse("mfa_list_webauthn")
    assert not Authenticator.objects.filter(pk=row.pk).exists()


def test_member_renames_and_removes_a_key(key_client, mailoutbox):
    user = UserFactory()
    _keyed(user)
    row = Authenticator.objects.get(user=user, type="webauthn")
    key_client.force_login(user)
    key_client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    edit = reverse("mfa_edit_webauthn", kwargs={"pk": row.pk})
    blank = key_client.post(edit, {"name": "   "})
    assert blank.status_code == 200
    assert blank.context["form"].errors["name"] == ["This field is required."]
    assert key_client.post(edit, {"name": "Office key"}).status_code == 302
    row.refresh_from_db()
    assert row.wrap().name == "Office key"
    remove = reverse("mfa_remove_webauthn", kwargs={"pk": row.pk})
    confirm = key_client.get(remove).content.decode()
    assert "Remove “Office key”?" in confirm
    assert key_client.post(remove).status_code == 302
    assert not Authenticator.objects.filter(user=user, type="webauthn").exists()
    assert list(AuditEntry.objects.filter(subject=user).values_list("verb", flat=True)) == [
        "account.security_key_removed"
    ]


@pytest.mark.parametrize(
    ("name", "owner_status", "other_status"),
    [
        ("mfa_list_webauthn", 200, 200),  # each sees only their own keys
        ("mfa_add_webauthn", 200, 200),
        ("mfa_reauthenticate_webauthn", 200, 302),  # no key: to the password instead
        ("mfa_edit_webauthn", 200, 404),
        ("mfa_remove_webauthn", 200, 404),
    ],
)
def test_security_key_pages_answer_only_their_owner(key_client, name, owner_status, other_status):
    """The WebAuthn URLs (under accounts/, outside tests/test_authorization_matrix.py's walk):
    anonymous visitors are sent to sign in; someone else's key is a 404, as if it did not
    exist."""
    owner = UserFactory()
    _keyed(owner)
    row = Authenticator.objects.get(user=owner, type="webauthn")
    kwargs = {"pk": row.pk} if name in {"mfa_edit_webauthn", "mfa_remove_webauthn"} else {}
    url = reverse(name, kwargs=kwargs)
    anonymous = key_client.get(url)
    assert anonymous.status_code == 302
    assert reverse("account_login") in _location(anonymous)
    for user, want in [(owner, owner_status), (UserFactory(), other_status)]:
        key_client.force_login(user)
        key_client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        response = key_client.get(url)
        assert response.status_code == want, (user, response.get("Location"))
        if name == "mfa_list_webauthn" and user != owner:
            assert list(response.context["authenticators"]) == []
        key_client.logout()
    assert Authenticator.objects.filter(pk=row.pk).exists()


def test_passkey_login_stays_off():
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        reverse("mfa_login_webauthn")
    with pytest.raises(NoReverseMatch):
        reverse("mfa_signup_webauthn")


def test_profile_page_says_on_for_a_member_with_only_a_security_key(client):
    user = UserFactory()
    _keyed(user)
    client.force_login(user)
    page = client.get(reverse("members:profile_edit")).content.decode()
    section = page.split('id="two-step"')[1].split("</section>")[0]
    assert "On" in section
    assert "security key" in section
