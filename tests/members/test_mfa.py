"""Two-step sign-in (allauth.mfa): required for site admins, the Django admin included;
offered to everyone from the profile; recommended to organizers of closed groups."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core.management import CommandError, call_command
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from groups.enums import MembershipPolicy, Role
from members.management.commands.seed_demo import DEMO_ADMIN_TOTP_SECRET
from members.management.commands.seed_demo import Command as SeedDemo
from members.models import AuditEntry
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
