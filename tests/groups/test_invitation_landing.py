"""An invitee who is not signed in lands on a page that names the group and who invited them,
says what accepting means, and leads to sign-up (address filled in) or sign-in; both come back
to the invitation, through allauth's e-mail confirmation too."""

import re
from html import unescape
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from groups.enums import MembershipPolicy, Role
from groups.models import Membership
from tests.factories import (
    PASSWORD,
    GroupFactory,
    InvitationFactory,
    ProfileFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation():
    organizer = ProfileFactory(display_name="Dana Whitfield, LMFT").user
    group = GroupFactory(name="Mile High Consult", membership_policy=MembershipPolicy.CLOSED)
    return InvitationFactory(group=group, email="robin.hale@example.com", invited_by=organizer)


def _text(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def _href(response, label: str) -> str:
    body = response.content.decode()
    match = re.search(rf'href="([^"]+)"[^>]*>\s*{re.escape(label)}\s*<', body)
    assert match, label
    return unescape(match.group(1))


def test_anonymous_invitee_sees_group_inviter_and_what_accepting_means(client, invitation):
    response = client.get(invitation.get_absolute_url())

    assert response.status_code == 200
    assert next(t.name for t in response.templates) == "groups/invitation_welcome.html"
    text = _text(response)
    assert "You're invited to join Mile High Consult" in text
    assert (
        "Dana Whitfield, LMFT, an organizer of the group, invited you at robin.hale@example.com."
        in text
    )
    assert "What accepting means" in text
    assert "You join Mile High Consult without sending an application" in text
    assert "Welcome back" not in text


def test_anonymous_invitee_gets_sign_up_with_the_address_and_sign_in_both_coming_back(
    client, invitation
):
    response = client.get(invitation.get_absolute_url())

    back = urlencode({"next": invitation.get_absolute_url()})
    signup = _href(response, "Create your account")
    login = _href(response, "Sign in to accept the invitation")
    assert signup == (
        f"{reverse('account_signup')}?{urlencode({'email': 'robin.hale@example.com'})}&{back}"
    )
    assert login == f"{reverse('account_login')}?{back}"

    form = client.get(signup).context["form"]
    assert form.initial["email"] == "robin.hale@example.com"
    assert client.get(signup).context["redirect_field_value"] == invitation.get_absolute_url()


def test_new_account_comes_back_to_the_invitation_after_confirming_the_address(
    client, invitation, mailoutbox
):
    signup = _href(client.get(invitation.get_absolute_url()), "Create your account")
    client.post(
        signup,
        {
            "email": "robin.hale@example.com",
            "password1": "a-long-unusual-passphrase-42",
            "password2": "a-long-unusual-passphrase-42",
            "display_name": "Robin Hale, LPC",
            "time_zone": "America/Denver",
            "next": invitation.get_absolute_url(),
        },
    )
    [message] = mailoutbox
    confirm = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", message.body).group(1)

    response = client.post(confirm)

    assert response.status_code == 302
    assert response.url == invitation.get_absolute_url()
    page = client.get(response.url)
    assert next(t.name for t in page.templates) == "groups/invitation.html"
    joined = client.post(invitation.get_absolute_url(), {"accept_rules": "on"})
    assert joined.url == reverse("groups:welcome", args=[invitation.group.slug])
    assert Membership.objects.get(group=invitation.group, user__email=message.to[0]).role == (
        Role.MEMBER
    )


def test_existing_account_signs_in_and_comes_back_to_the_invitation(client, invitation):
    user = UserFactory(email="robin.hale@example.com")
    login = _href(client.get(invitation.get_absolute_url()), "Sign in to accept the invitation")

    response = client.post(
        login, {"login": user.email, "password": PASSWORD, "next": invitation.get_absolute_url()}
    )

    assert response.status_code == 302
    assert response.url == invitation.get_absolute_url()
    page = client.get(response.url)
    assert page.context["invitation"] == invitation
    assert next(t.name for t in page.templates) == "groups/invitation.html"


def test_anonymous_post_goes_to_sign_in_and_joins_nobody(client, invitation):
    response = client.post(invitation.get_absolute_url(), {"accept_rules": "on"})

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={invitation.get_absolute_url()}"
    invitation.refresh_from_db()
    assert invitation.used_at is None
    assert not Membership.objects.filter(group=invitation.group, role=Role.MEMBER).exists()


def test_anonymous_visitor_with_a_dead_link_is_told_it_no_longer_works(client):
    response = client.get(reverse("groups:invitation", args=["not-a-real-token"]))

    assert response.status_code == 404
    assert "This invitation link no longer works" in _text(response)
