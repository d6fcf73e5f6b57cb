"""The delivery machinery's less travelled paths: a colleague message whose sender is gone by
the time it goes out, a dispatcher run with more than one batch due, a dispatcher told to leave
rows held by a worker alone, and a mail server that refuses our login."""

import smtplib
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from django.utils import timezone

from members import notifications
from members.enums import DeliveryStatus, NotificationKind
from members.models import Delivery
from portal.colleagues import send_colleague_message
from portal.privacy import delete_account
from tests.factories import GroupFactory, MembershipFactory, UserFactory
from tests.support.smtp_sink import free_port

pytestmark = pytest.mark.django_db

MESSAGE = "Could we talk about a referral for an adolescent with panic attacks?"


@pytest.fixture
def colleagues():
    """Two members of one group (with its own organizer): a sender and a recipient."""
    group = GroupFactory()
    MembershipFactory(group=group, role="organizer")
    sender = MembershipFactory(
        group=group, user=UserFactory(email="sara@example.com", profile__display_name="Sara Sender")
    ).user
    recipient = MembershipFactory(
        group=group, user=UserFactory(email="rick@example.com", profile__display_name="Rick Reader")
    ).user
    return sender, recipient


def _message(sender, recipient) -> Delivery:
    """A colleague message recorded and due, not sent yet (nothing commits in a test)."""
    return send_colleague_message(
        sender=sender, recipient_profile=recipient.profile, message=MESSAGE
    )


# --- colleague messages --------------------------------------------------------------------------


def test_a_colleague_message_goes_to_the_recipient_with_the_senders_address_to_reply_to(
    colleagues, mailoutbox
):
    sender, recipient = colleagues
    delivery = _message(sender, recipient)

    assert notifications.send_delivery(delivery.pk) == DeliveryStatus.SENT

    assert [(m.to, m.reply_to, m.subject) for m in mailoutbox] == [
        (
            ["rick@example.com"],
            ["sara@example.com"],
            "[PeerCircle] Sara Sender sent you a message on PeerCircle",
        )
    ]
    assert MESSAGE in mailoutbox[0].body


def test_a_colleague_message_is_skipped_once_the_sender_deleted_their_account(
    colleagues, mailoutbox
):
    sender, recipient = colleagues
    delivery = _message(sender, recipient)
    delete_account(user=sender)

    assert notifications.send_delivery(delivery.pk) == DeliveryStatus.SKIPPED
    assert mailoutbox == []
    delivery.refresh_from_db()
    assert delivery.last_error == "Nothing to send any more (cancelled, decided or gone)."


# --- the dispatcher ----------------------------------------------------------------------------------


def test_dispatch_hands_over_every_due_row_when_more_than_one_batch_is_due(colleagues):
    """More rows due than one claim takes: the dispatcher claims batch after batch until none
    is left. (The rows carry no message text, so each is skipped when built, which is quick:
    what counts here is that every row reached a worker.)"""
    sender, recipient = colleagues
    due = notifications.CLAIM_BATCH + 1
    now = timezone.now()
    Delivery.objects.bulk_create(
        Delivery(
            recipient=recipient,
            email=recipient.email,
            kind=NotificationKind.COLLEAGUE_MESSAGE,
            template="colleague_message",
            object_type="members.therapistprofile",
            object_id=sender.profile.pk,
            dedupe_key=f"m{n}",
            due_at=now - timedelta(minutes=1),
        )
        for n in range(due)
    )

    assert notifications.dispatch_due(now=now) == due

    assert Delivery.objects.filter(status=DeliveryStatus.SKIPPED).count() == due
    assert notifications.dispatch_due(now=now) == 0


def test_dispatch_without_a_stale_limit_leaves_a_row_a_worker_holds_alone(colleagues):
    sender, recipient = colleagues
    delivery = _message(sender, recipient)
    long_ago = timezone.now() - timedelta(hours=1)
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.QUEUED, queued_at=long_ago)
    now = timezone.now()

    assert notifications.claim_due(now=now, stale_after=None) == []
    delivery.refresh_from_db()
    assert (delivery.status, delivery.queued_at) == (DeliveryStatus.QUEUED, long_ago)
    assert notifications.claim_due(now=now) == [delivery.pk]  # stale after ten minutes


# --- a mail server that refuses our login ----------------------------------------------------------


class RefuseEveryLogin:
    def __init__(self):
        self.received: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append(envelope.content)
        return "250 OK"


def _refuse(server, session, envelope, mechanism, auth_data) -> AuthResult:
    return AuthResult(success=False, handled=False)


@pytest.fixture
def refusing_server(settings):
    handler = RefuseEveryLogin()
    port = free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        authenticator=_refuse,
        auth_required=True,
        auth_require_tls=False,
    )
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = "peercircle", "an-old-password"
    yield handler
    controller.stop()


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_a_refused_login_is_retried_later_not_given_up(colleagues, refusing_server):
    sender, recipient = colleagues
    delivery = _message(sender, recipient)
    before = timezone.now()

    assert notifications.send_delivery(delivery.pk) == DeliveryStatus.FAILED

    delivery.refresh_from_db()
    assert delivery.last_error.startswith(f"{smtplib.SMTPAuthenticationError.__name__}: (535")
    assert delivery.attempts == 1
    assert before + timedelta(seconds=59) < delivery.next_attempt_at
    assert delivery.next_attempt_at <= timezone.now() + notifications.backoff(1)
    assert refusing_server.received == []
