"""Sending one delivery: headers mail clients can read, the message sent outside the database
transaction and row lock (claim, commit, send, mark), permanent SMTP failures not retried,
transient ones retried with backoff."""

import re
import smtplib
import socket
import threading
from datetime import UTC, datetime, timedelta

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection, connections, transaction
from django.utils import timezone

from meetings.models import Rsvp
from members import notifications
from members.enums import DeliveryStatus
from members.models import Delivery
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory
from tests.support.smtp_sink import free_port

pytestmark = pytest.mark.django_db

START = datetime(2027, 3, 15, 19, tzinfo=UTC)


@pytest.fixture
def reminder():
    """One meeting reminder (an optional kind, so it carries List-Unsubscribe), recorded and
    due, not yet sent."""
    group = GroupFactory(time_zone="UTC")
    member = MembershipFactory(group=group).user
    meeting = MeetingFactory(group=group, starts_at=START, ends_at=START + timedelta(minutes=90))
    Rsvp.objects.create(meeting=meeting, user=member, answer="going")
    for plan in notifications.PLANNERS:
        plan(START - timedelta(minutes=30))
    delivery = Delivery.objects.get(template="meeting_reminder", recipient=member)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.QUEUED, queued_at=timezone.now(), due_at=timezone.now()
    )
    return delivery


# --- List-Unsubscribe, as the bytes a mail client receives --------------------------------------


class RawRecorder:
    def __init__(self):
        self.raw: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):
        self.raw.append(envelope.original_content or envelope.content)
        return "250 OK"


@pytest.fixture
def smtp_sink(settings):
    recorder = RawRecorder()
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield recorder
    controller.stop()


def _header_block(raw: bytes) -> bytes:
    return raw.split(b"\r\n\r\n", 1)[0]


def test_list_unsubscribe_is_plain_ascii_angle_bracketed_url_in_the_raw_message(
    reminder, smtp_sink, settings
):
    settings.SITE_URL = "https://peercircle.example.org"
    assert notifications.send_delivery(reminder.pk) == DeliveryStatus.SENT
    headers = _header_block(smtp_sink.raw[0])
    found = re.search(rb"^List-Unsubscribe: <(https://[^>\r\n]+)>\r\n(?![ \t])", headers, re.M)
    assert found is not None, headers.decode("ascii", "replace")
    # The token is signed with a timestamp, so it is read back rather than made again (made a
    # second later it would differ).
    url = found.group(1).decode("ascii")
    prefix = "https://peercircle.example.org/unsubscribe/"
    assert (url.startswith(prefix), url.endswith("/")) == (True, True)
    token = url.removeprefix(prefix).removesuffix("/")
    assert notifications.read_unsubscribe_token(token) == (reminder.recipient_id, reminder.kind)
    assert b"=?" not in headers.split(b"List-Unsubscribe:", 1)[1].split(b"\r\n")[0]
    assert b"\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" in headers + b"\r\n", (
        headers
    )
    headers.decode("ascii")  # every header byte is ASCII


def test_list_unsubscribe_stays_plain_in_the_stored_copy_too(reminder, mailoutbox):
    notifications.send_delivery(reminder.pk)
    raw = mailoutbox[0].message().as_bytes()
    line = re.search(rb"^List-Unsubscribe: (.*)$", raw, re.M).group(1)
    assert line.startswith(b"<http") and line.endswith(b"/>")
    assert b"=?" not in line


def test_a_long_subject_is_still_folded_normally(reminder, mailoutbox):
    """Only the List-* headers are written verbatim; other headers fold as before."""
    message = mail.EmailMessage(subject="word " * 40, body="x", to=["a@example.com"])
    raw = message.message().as_bytes()
    subject = re.search(rb"^Subject: .*?\n(?=\S)", raw, re.M | re.S).group(0)
    assert subject.count(b"\n") > 1


# --- Failures: permanent ones are final, transient ones are retried ---------------------------

ERRORS: dict[str, BaseException] = {}


class RaisingBackend(EmailBackend):
    def send_messages(self, messages):
        raise ERRORS["next"]


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPRecipientsRefused({"x@example.com": (550, b"5.1.1 No such user")}),
        smtplib.SMTPDataError(554, b"5.7.1 Message rejected as spam"),
        smtplib.SMTPSenderRefused(553, b"5.7.1 Sender not allowed", "noreply@example.org"),
        smtplib.SMTPResponseException(552, b"5.3.4 Message too big"),
    ],
    ids=["550-recipient", "554-data", "553-sender", "552-size"],
)
def test_permanent_smtp_failure_is_dead_at_once_with_the_error(reminder, settings, error):
    settings.EMAIL_BACKEND = "tests.members.test_sending.RaisingBackend"
    ERRORS["next"] = error
    assert notifications.send_delivery(reminder.pk) == DeliveryStatus.DEAD
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts, reminder.next_attempt_at) == ("dead", 1, None)
    assert reminder.last_error.startswith(error.__class__.__name__)
    assert re.search(r"\b5\d\d\b", reminder.last_error)
    # The dispatcher does not pick it up again.
    assert notifications.claim_due(now=timezone.now() + timedelta(days=1)) == []


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPRecipientsRefused({"x@example.com": (450, b"4.2.1 Mailbox busy")}),
        smtplib.SMTPDataError(451, b"4.3.0 Try again later"),
        smtplib.SMTPResponseException(421, b"4.7.0 Too many connections"),
        smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
        smtplib.SMTPConnectError(421, b"Service not available"),
        ConnectionRefusedError(111, "Connection refused"),
        TimeoutError("timed out"),
        socket.gaierror(-3, "Temporary failure in name resolution"),
    ],
    ids=["450", "451", "421", "disconnected", "connect", "refused", "timeout", "dns"],
)
def test_transient_failure_is_retried_with_backoff(reminder, settings, error):
    settings.EMAIL_BACKEND = "tests.members.test_sending.RaisingBackend"
    ERRORS["next"] = error
    before = timezone.now()
    assert notifications.send_delivery(reminder.pk) == DeliveryStatus.FAILED
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == ("failed", 1)
    assert reminder.last_error.startswith(error.__class__.__name__)
    assert before + timedelta(seconds=60) <= reminder.next_attempt_at
    assert reminder.next_attempt_at <= timezone.now() + timedelta(seconds=60)
    # Claimed again once the backoff has passed, and then sent.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    later = timezone.now() + timedelta(minutes=2)
    assert notifications.claim_due(now=later) == [reminder.pk]
    assert notifications.send_delivery(reminder.pk) == DeliveryStatus.SENT
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == ("sent", 2)


def test_transient_failures_stop_after_the_last_attempt(reminder, settings):
    settings.EMAIL_BACKEND = "tests.members.test_sending.RaisingBackend"
    ERRORS["next"] = smtplib.SMTPServerDisconnected("gone")
    Delivery.objects.filter(pk=reminder.pk).update(attempts=notifications.MAX_ATTEMPTS - 1)
    assert notifications.send_delivery(reminder.pk) == DeliveryStatus.DEAD


# --- Claim under lock, commit, send, mark ------------------------------------------------------

PROBE: dict = {}


def _row_is_locked(delivery_id: int) -> bool:
    """From another connection: can the row be locked right now (NOWAIT)?"""
    result = {}

    def probe():
        try:
            with transaction.atomic():
                list(Delivery.objects.select_for_update(nowait=True).filter(pk=delivery_id))
            result["locked"] = False
        except Exception as exc:  # psycopg2 LockNotAvailable, wrapped by Django
            result["locked"] = "lock" in str(exc).lower()
        finally:
            connections.close_all()

    thread = threading.Thread(target=probe)
    thread.start()
    thread.join(10)
    return result["locked"]


class ProbingBackend(EmailBackend):
    """Records, at the moment of sending, whether a transaction is open and the row locked;
    and what a second worker sending the same delivery at that moment would do."""

    def send_messages(self, messages):
        delivery_id = PROBE["id"]
        PROBE["in_atomic_block"] = connection.in_atomic_block
        PROBE["row_locked"] = _row_is_locked(delivery_id)
        PROBE["status_while_sending"] = Delivery.objects.get(pk=delivery_id).status
        PROBE["second_worker"] = notifications.send_delivery(delivery_id)
        return super().send_messages(messages)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_message_is_sent_outside_the_transaction_and_row_lock(reminder, settings, mailoutbox):
    settings.EMAIL_BACKEND = "tests.members.test_sending.ProbingBackend"
    PROBE.clear()
    PROBE["id"] = reminder.pk
    assert notifications.send_delivery(reminder.pk) == DeliveryStatus.SENT
    assert PROBE["in_atomic_block"] is False
    assert PROBE["row_locked"] is False
    # Claimed: another worker running the same task meanwhile sends nothing.
    assert PROBE["status_while_sending"] == DeliveryStatus.QUEUED
    assert PROBE["second_worker"] == DeliveryStatus.QUEUED
    sent = [m for m in mailoutbox if m.extra_headers.get("Message-ID") == reminder.message_id]
    assert [m.to for m in sent] == [[reminder.email]]
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == ("sent", 1)
    assert reminder.sent_at is not None


def test_sent_delivery_is_not_sent_again(reminder, mailoutbox):
    assert notifications.send_delivery(reminder.pk) == DeliveryStatus.SENT
    assert notifications.send_delivery(reminder.pk) == DeliveryStatus.SENT
    assert len(mailoutbox) == 1


def test_a_claim_left_by_a_crashed_worker_is_sent_after_the_stale_window(reminder, mailoutbox):
    """A worker that claimed the row and died (before or after sending) leaves it queued with
    its lease; the dispatcher queues it again after the stale window (at least once)."""
    claimed = notifications.claim_for_sending(reminder.pk)
    assert claimed is not None
    assert notifications.send_delivery(reminder.pk) == DeliveryStatus.QUEUED  # still leased
    assert mailoutbox == []
    later = timezone.now() + notifications.STALE_QUEUED + timedelta(seconds=1)
    assert notifications.claim_due(now=later) == [reminder.pk]
    assert notifications.send_delivery(reminder.pk) == DeliveryStatus.SENT
    assert len(mailoutbox) == 1
