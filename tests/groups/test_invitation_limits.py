"""Invitations by e-mail: a limit per organizer and per address, and organizers can revoke a
link. A revoked link shows a plain "withdrawn" page and admits nobody."""

import zoneinfo
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from groups import services
from groups.enums import MembershipPolicy, Role
from groups.models import Invitation, Membership
from groups.services import GroupActionError
from members import dates
from members.models import AuditEntry
from tests.factories import (
    AdminFactory,
    GroupFactory,
    InvitationFactory,
    MembershipFactory,
    UserFactory,
)
from tests.race import race

pytestmark = pytest.mark.django_db

INVITATIONS_PER_DAY = 20  # per organizer and group, in any 24 hours
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")  # the organizers' time zone (ProfileFactory)


@pytest.fixture
def group():
    group = GroupFactory(name="Mile High Consult", membership_policy=MembershipPolicy.CLOSED)
    MembershipFactory(group=group, role=Role.ORGANIZER)
    MembershipFactory(group=group, role=Role.CO_ORGANIZER)
    MembershipFactory(group=group)
    return group


def _user(group, role):
    return group.memberships.get(role=role).user


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _text(response) -> str:
    return " ".join(response.content.decode().split())


def _when(moment) -> str:
    """As the organizer reads it: in their zone (New York), in the site's one date format."""
    return dates.when(moment, zone=NEW_YORK)


def _invite_url(group):
    return reverse("groups:invite", args=[group.slug])


def _revoke_url(invitation):
    return reverse("groups:invitation_revoke", args=[invitation.group.slug, invitation.pk])


def _sent(group, sender, count, *, ago=timedelta(minutes=5)):
    """``count`` invitations ``sender`` sent ``ago``, to different addresses."""
    return [
        InvitationFactory(
            group=group,
            invited_by=sender,
            created_at=timezone.now() - ago,
            expires_at=timezone.now() - ago + timedelta(days=14),
        )
        for _ in range(count)
    ]


# --- per organizer ------------------------------------------------------------------------


def test_organizer_limit_per_day_refuses_one_more(client, group, mailoutbox):
    organizer = _user(group, Role.ORGANIZER)
    first = _sent(group, organizer, INVITATIONS_PER_DAY, ago=timedelta(hours=3))[0]
    client.force_login(organizer)

    response = client.post(_invite_url(group), {"email": "one.more@example.com"})

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        f"You have sent {INVITATIONS_PER_DAY} invitations for this group in the last 24 hours, "
        "the most we allow, so that nobody can use PeerCircle to send bulk e-mail. You can "
        f"send more from {_when(first.created_at + timedelta(days=1))}."
    ]
    assert Invitation.objects.filter(group=group).count() == INVITATIONS_PER_DAY
    assert not Invitation.objects.filter(email="one.more@example.com").exists()
    assert mailoutbox == []


def test_organizer_limit_counts_only_the_last_24_hours(group):
    organizer = _user(group, Role.ORGANIZER)
    _sent(group, organizer, INVITATIONS_PER_DAY, ago=timedelta(hours=24, minutes=1))

    invitation = services.invite_by_email(actor=organizer, group=group, email="new@example.com")

    assert invitation.invited_by == organizer


def test_organizer_limit_is_per_organizer_and_per_group(group):
    organizer = _user(group, Role.ORGANIZER)
    _sent(group, organizer, INVITATIONS_PER_DAY)
    other_group = GroupFactory()
    MembershipFactory(group=other_group, user=organizer, role=Role.ORGANIZER)

    by_co = services.invite_by_email(
        actor=_user(group, Role.CO_ORGANIZER), group=group, email="a@example.com"
    )
    elsewhere = services.invite_by_email(actor=organizer, group=other_group, email="b@example.com")

    assert (by_co.group, elsewhere.group) == (group, other_group)
    with pytest.raises(GroupActionError, match="the most we allow"):
        services.invite_by_email(actor=organizer, group=group, email="c@example.com")


# --- per address --------------------------------------------------------------------------


def test_same_address_again_within_a_week_is_refused_and_says_when(client, group, mailoutbox):
    organizer = _user(group, Role.ORGANIZER)
    earlier = _sent(group, _user(group, Role.CO_ORGANIZER), 1, ago=timedelta(days=2))[0]
    client.force_login(organizer)

    response = client.post(_invite_url(group), {"email": f"  {earlier.email.upper()} "})

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        f"An invitation went to {earlier.email} on {_when(earlier.created_at)} and its link "
        "still works. We send an address at most one invitation a week, so you can invite "
        f"them again from {_when(earlier.created_at + timedelta(days=7))}. If it should not "
        "have gone out, revoke it in the list below."
    ]
    assert list(Invitation.objects.filter(group=group)) == [earlier]
    assert mailoutbox == []


def test_same_address_after_revoking_is_still_refused_within_the_week(group):
    organizer = _user(group, Role.ORGANIZER)
    invitation = services.invite_by_email(actor=organizer, group=group, email="x@example.com")
    services.revoke_invitation(actor=organizer, group=group, invitation_id=invitation.pk)

    with pytest.raises(GroupActionError) as refused:
        services.invite_by_email(actor=organizer, group=group, email="x@example.com")

    assert str(refused.value).startswith(
        # Called without a request: the active zone (UTC), labelled; pages use the organizer's.
        f"An invitation went to x@example.com on {dates.when(invitation.created_at)} and was "
        "withdrawn. We send an address at most one invitation a week"
    )
    assert Invitation.objects.filter(group=group).count() == 1


def test_same_address_after_a_week_is_invited_again(group):
    organizer = _user(group, Role.ORGANIZER)
    earlier = _sent(group, organizer, 1, ago=timedelta(days=7, minutes=1))[0]

    again = services.invite_by_email(actor=organizer, group=group, email=earlier.email)

    assert again.pk != earlier.pk
    assert Invitation.objects.filter(group=group, email=earlier.email).count() == 2


def test_same_address_may_be_invited_to_another_group(group):
    organizer = _user(group, Role.ORGANIZER)
    services.invite_by_email(actor=organizer, group=group, email="x@example.com")
    other = GroupFactory()
    MembershipFactory(group=other, user=organizer, role=Role.ORGANIZER)

    invitation = services.invite_by_email(actor=organizer, group=other, email="x@example.com")

    assert invitation.group == other


def test_sending_is_audited(group):
    organizer = _user(group, Role.ORGANIZER)

    invitation = services.invite_by_email(actor=organizer, group=group, email="x@example.com")

    entry = AuditEntry.objects.get(verb="invitation.sent")
    assert (entry.actor, entry.group, entry.object_id, entry.data) == (
        organizer,
        group,
        str(invitation.pk),
        {"email": "x@example.com"},
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_invitations_to_one_address_send_one():
    group = GroupFactory()
    organizers = [MembershipFactory(group=group, role=Role.ORGANIZER).user]
    organizers += [MembershipFactory(group=group, role=Role.CO_ORGANIZER).user for _ in range(5)]

    def worker(i):
        return services.invite_by_email(actor=organizers[i], group=group, email="x@example.com")

    results = race(worker, len(organizers))

    assert [type(r) for r in results if not isinstance(r, (Invitation, GroupActionError))] == []
    assert Invitation.objects.filter(group=group).count() == 1


# --- the invite page and revoking ---------------------------------------------------------


def test_invite_page_lists_waiting_invitations_with_a_revoke_button(client, group):
    organizer = _user(group, Role.ORGANIZER)
    waiting = services.invite_by_email(actor=organizer, group=group, email="w@example.com")
    used = InvitationFactory(group=group, used_at=timezone.now(), used_by=UserFactory())
    client.force_login(organizer)

    response = client.get(_invite_url(group))

    body = _text(response)
    assert f'href="{_revoke_url(waiting)}"' in body
    assert f'href="{_revoke_url(used)}"' not in body
    assert [i.pk for i in response.context["invitations"]] == [waiting.pk, used.pk]


def test_revoke_asks_for_confirmation_first(client, group):
    organizer = _user(group, Role.ORGANIZER)
    invitation = services.invite_by_email(actor=organizer, group=group, email="w@example.com")
    client.force_login(_user(group, Role.CO_ORGANIZER))

    response = client.get(_revoke_url(invitation))

    assert response.status_code == 200
    body = _text(response)
    assert "Revoke the invitation to w@example.com?" in body
    assert f'<form method="post" action="{_revoke_url(invitation)}">' in body
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_revoke_withdraws_the_link_and_is_audited(client, group):
    organizer = _user(group, Role.ORGANIZER)
    invitation = services.invite_by_email(actor=organizer, group=group, email="w@example.com")
    co = _user(group, Role.CO_ORGANIZER)
    client.force_login(co)

    response = client.post(_revoke_url(invitation))

    assert response.status_code == 302
    assert response.url == _invite_url(group)
    assert _messages(response) == [
        "The invitation to w@example.com is revoked: its link no longer works."
    ]
    invitation.refresh_from_db()
    assert invitation.revoked_by == co
    assert invitation.revoked_at is not None
    assert invitation.is_usable is False
    entry = AuditEntry.objects.get(verb="invitation.revoked")
    assert (entry.actor, entry.group, entry.object_id, entry.data) == (
        co,
        group,
        str(invitation.pk),
        {"email": "w@example.com"},
    )
    page = client.get(_invite_url(group))
    assert f'href="{_revoke_url(invitation)}"' not in _text(page)
    assert "Revoked" in _text(page)


def test_revoked_link_shows_withdrawn_page_and_admits_nobody(client, group):
    organizer = _user(group, Role.ORGANIZER)
    invitation = services.invite_by_email(actor=organizer, group=group, email="w@example.com")
    services.revoke_invitation(actor=organizer, group=group, invitation_id=invitation.pk)
    guest = UserFactory(email="w@example.com")
    client.force_login(guest)

    page = client.get(invitation.get_absolute_url())
    post = client.post(invitation.get_absolute_url(), {"accept_rules": "on"})

    assert (page.status_code, post.status_code) == (404, 404)
    assert "This invitation was withdrawn" in _text(page)
    assert "This invitation was withdrawn" in _text(post)
    assert not Membership.objects.filter(group=group, user=guest).exists()


def test_accepting_a_revoked_invitation_is_refused_by_the_service(group):
    organizer = _user(group, Role.ORGANIZER)
    invitation = services.invite_by_email(actor=organizer, group=group, email="w@example.com")
    services.revoke_invitation(actor=organizer, group=group, invitation_id=invitation.pk)
    guest = UserFactory()

    with pytest.raises(GroupActionError, match="This invitation was withdrawn"):
        services.accept_invitation(user=guest, token=invitation.token, accepted_rules=True)

    assert not Membership.objects.filter(group=group, user=guest).exists()


def test_invitation_revoked_before_the_mail_went_is_never_sent(
    group, mailoutbox, django_capture_on_commit_callbacks
):
    organizer = _user(group, Role.ORGANIZER)
    with django_capture_on_commit_callbacks() as callbacks:
        invitation = services.invite_by_email(actor=organizer, group=group, email="w@example.com")
        services.revoke_invitation(actor=organizer, group=group, invitation_id=invitation.pk)

    for callback in callbacks:
        callback()

    assert mailoutbox == []


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ("used", "This invitation was already used, so there is nothing to revoke."),
        ("revoked", "This invitation was already revoked."),
        ("expired", "This invitation has expired, so its link no longer works anyway."),
    ],
)
def test_revoking_a_spent_invitation_is_refused(client, group, state, message):
    past = timezone.now() - timedelta(days=1)
    invitation = InvitationFactory(
        group=group,
        **{
            "used": {"used_at": past, "used_by": UserFactory()},
            "revoked": {"revoked_at": past, "revoked_by": _user(group, Role.ORGANIZER)},
            "expired": {"expires_at": past},
        }[state],
    )
    before = Invitation.objects.filter(pk=invitation.pk).values().get()
    client.force_login(_user(group, Role.ORGANIZER))

    page = client.get(_revoke_url(invitation))
    assert (page.status_code, page.url, _messages(page)) == (302, _invite_url(group), [message])
    client.get(_invite_url(group))  # the message is shown, and gone
    post = client.post(_revoke_url(invitation))

    assert (post.status_code, post.url, _messages(post)) == (302, _invite_url(group), [message])
    assert Invitation.objects.filter(pk=invitation.pk).values().get() == before
    assert not AuditEntry.objects.filter(verb="invitation.revoked").exists()


@pytest.mark.parametrize("who", ["member", "outsider", "other_organizer"])
def test_revoke_is_404_to_non_managers(client, group, who):
    invitation = InvitationFactory(group=group)
    other = GroupFactory()
    viewer = {
        "member": lambda: _user(group, Role.MEMBER),
        "outsider": UserFactory,
        "other_organizer": lambda: MembershipFactory(group=other, role=Role.ORGANIZER).user,
    }[who]()
    client.force_login(viewer)

    get = client.get(_revoke_url(invitation))
    post = client.post(_revoke_url(invitation))

    assert (get.status_code, post.status_code) == (404, 404)
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_revoke_an_invitation_of_another_group_is_404(client, group):
    other = GroupFactory()
    foreign = InvitationFactory(group=other)
    client.force_login(_user(group, Role.ORGANIZER))

    url = reverse("groups:invitation_revoke", args=[group.slug, foreign.pk])

    assert (client.get(url).status_code, client.post(url).status_code) == (404, 404)
    foreign.refresh_from_db()
    assert foreign.revoked_at is None


@pytest.mark.parametrize("method", ["get", "post"])
def test_site_admin_cannot_revoke(client, group, method):
    invitation = InvitationFactory(group=group)
    client.force_login(AdminFactory())

    response = getattr(client, method)(_revoke_url(invitation))

    assert (response.status_code, response.url) == (302, _invite_url(group))
    assert _messages(response) == ["Only the group's own organizers can revoke invitations."]
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_revoke_with_junk_in_the_post_changes_only_that_invitation(client, group):
    invitation = InvitationFactory(group=group)
    other = InvitationFactory(group=group)
    client.force_login(_user(group, Role.ORGANIZER))

    response = client.post(_revoke_url(invitation), {"pk": other.pk, "x": "\x00<script>"})

    assert response.status_code == 302
    invitation.refresh_from_db()
    other.refresh_from_db()
    assert (invitation.revoked_at is not None, other.revoked_at) == (True, None)


def test_revoke_service_refuses_an_invitation_of_another_group(group):
    foreign = InvitationFactory(group=GroupFactory())

    with pytest.raises(GroupActionError, match="no longer exists"):
        services.revoke_invitation(
            actor=_user(group, Role.ORGANIZER), group=group, invitation_id=foreign.pk
        )

    foreign.refresh_from_db()
    assert foreign.revoked_at is None
