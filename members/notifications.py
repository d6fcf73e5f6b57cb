"""Notifications: each e-mail is a ``Delivery`` row, created once and sent once.

* ``notify()`` records deliveries inside the caller's transaction (a rollback leaves nothing)
  and, once it commits, queues those that are due now. Every notifier passes the person who
  acted as ``actor=``: ``notify`` is the one place that leaves them out (one action, one
  message, never to the person who acted).
* ``dispatch_due()`` is run by Celery beat every minute: it asks each planner for what is due by
  time (meeting reminders, nudges…), records those deliveries, then claims due rows with
  ``SELECT … FOR UPDATE SKIP LOCKED`` and queues them. Two dispatchers never claim the same row.
* ``send_delivery()`` claims one row under its lock and commits, sends with no transaction or
  lock held, then marks the outcome in a new short transaction; only rows not sent yet.
  SMTP failures that may pass (4xx, lost connections, timeouts) are retried later with
  exponential backoff by the dispatcher; permanent ones (5xx) are "dead" at once, with the
  error. A delivery is never dropped silently: a dead one stays visible to admins.
"""

import logging
import smtplib
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation

from members.emails import recipient_language, send_templated_mail
from members.enums import DIGEST_KINDS, OPTIONAL_KINDS, DeliveryStatus
from members.models import Delivery, NotificationPreference, User

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
STALE_QUEUED = timedelta(minutes=10)
CLAIM_BATCH = 500
UNSUBSCRIBE_SALT = "peercircle.unsubscribe"

# template name -> builds the e-mail context from the delivery, or returns None to skip it
BUILDERS: dict[str, Callable[[Delivery], dict | None]] = {}
# functions(now) that record the deliveries due by time
PLANNERS: list[Callable[[datetime], int]] = []


def builder(template: str):
    def register(func):
        BUILDERS[template] = func
        return func

    return register


def planner(func):
    PLANNERS.append(func)
    return func


# --- preferences -----------------------------------------------------------------------------


def preferences_for(users: Iterable[User], kind: str) -> dict[int, NotificationPreference]:
    return {
        p.user_id: p for p in NotificationPreference.objects.filter(user__in=list(users), kind=kind)
    }


def wants(pref: NotificationPreference | None, kind: str) -> bool:
    return kind not in OPTIONAL_KINDS or pref is None or pref.enabled


def wants_digest(pref: NotificationPreference | None, kind: str) -> bool:
    return kind in DIGEST_KINDS and (pref is None or pref.digest)


# --- recording ---------------------------------------------------------------------------------


def object_key(obj) -> tuple[str, int]:
    return obj._meta.label_lower, obj.pk


def notify(
    *,
    kind: str,
    template: str,
    obj,
    actor: User | None = None,
    recipients: Iterable[User] = (),
    emails: Iterable[str] = (),
    dedupe_key: str = "",
    due_at: datetime | None = None,
    context: dict | None = None,
) -> list[Delivery]:
    """Record one delivery per recipient (once, ever) and queue those due now on commit.

    ``actor`` is the person whose action this tells of (None when the system acted): they are
    never sent it, whether they are among ``recipients`` or their address among ``emails``.
    The actor is recognised by account or by e-mail address (ignoring case), so an address
    given without an account is left out too. This is the one place that rule lives: notifiers
    pass ``actor`` and never filter by hand."""
    now = timezone.now()
    due_at = due_at or now
    object_type, object_id = object_key(obj)
    actor_pk = getattr(actor, "pk", None)
    actor_email = (getattr(actor, "email", "") or "").casefold()

    def is_actor(user: User | None, email: str) -> bool:
        if actor is None:
            return False
        return (user is not None and user.pk == actor_pk) or (
            bool(actor_email) and email.casefold() == actor_email
        )

    recipients = [u for u in recipients if not is_actor(u, u.email)]
    prefs = preferences_for(recipients, kind)
    targets = [(u, u.email) for u in recipients if wants(prefs.get(u.pk), kind)]
    targets += [(None, e) for e in emails if not is_actor(None, e)]
    created = []
    for user, email in targets:
        try:
            with transaction.atomic():
                delivery, made = Delivery.objects.get_or_create(
                    kind=kind,
                    template=template,
                    object_type=object_type,
                    object_id=object_id,
                    email=email,
                    dedupe_key=dedupe_key,
                    defaults={"recipient": user, "due_at": due_at, "context": context or {}},
                )
        except IntegrityError:  # recorded concurrently by someone else: theirs to send
            continue
        if made:
            created.append(delivery)
    if due_at <= now and created:
        ids = [d.pk for d in created]
        transaction.on_commit(lambda: queue_deliveries(ids))
    return created


def record_planned(rows: list[Delivery]) -> int:
    """Bulk-record planned deliveries; the unique constraint drops those already recorded."""
    if not rows:
        return 0
    Delivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return len(rows)


# --- claiming and sending ------------------------------------------------------------------------


def enqueue(ids: list[int]) -> int:
    """Hand claimed rows to the workers. If the broker is down, put the rest back to pending:
    the next dispatcher run queues them once the broker is back. Nothing is lost."""
    from members.tasks import task_send_delivery  # cycle: members.tasks imports this module

    for n, delivery_id in enumerate(ids):
        try:
            task_send_delivery.delay(delivery_id=delivery_id)
        except Exception as exc:
            Delivery.objects.filter(pk__in=ids[n:], status=DeliveryStatus.QUEUED).update(
                status=DeliveryStatus.PENDING, queued_at=None
            )
            logger.warning(
                "broker unavailable (%s): %d deliveries wait for the next dispatch",
                exc.__class__.__name__,
                len(ids) - n,
            )
            return n
    return len(ids)


def queue_deliveries(ids: list[int]) -> None:
    """Claim the given pending rows and hand them to the workers."""
    now = timezone.now()
    with transaction.atomic():
        claimed = list(
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk__in=ids, status=DeliveryStatus.PENDING, due_at__lte=now)
            .values_list("pk", flat=True)
        )
        Delivery.objects.filter(pk__in=claimed).update(status=DeliveryStatus.QUEUED, queued_at=now)
    enqueue(claimed)


def claim_due(*, now: datetime, limit: int = CLAIM_BATCH, stale_after=STALE_QUEUED) -> list[int]:
    """Mark due rows as queued and return their ids. Rows another dispatcher holds are skipped."""
    due = Q(status=DeliveryStatus.PENDING, due_at__lte=now) | Q(
        status=DeliveryStatus.FAILED, next_attempt_at__lte=now
    )
    if stale_after is not None:
        due |= Q(status=DeliveryStatus.QUEUED, queued_at__lte=now - stale_after)
    with transaction.atomic():
        ids = list(
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(due)
            .order_by("due_at", "id")
            .values_list("pk", flat=True)[:limit]
        )
        # Queued afresh: no worker holds a lease on it (a stale one's lease is dropped).
        Delivery.objects.filter(pk__in=ids).update(
            status=DeliveryStatus.QUEUED, queued_at=now, next_attempt_at=None
        )
    return ids


def dispatch_due(*, now: datetime | None = None, stale_after=STALE_QUEUED) -> int:
    """Plan what is due by time, then claim and queue everything due. Safe to run twice."""
    now = now or timezone.now()
    for plan in PLANNERS:
        plan(now)
    queued = 0
    while True:
        ids = claim_due(now=now, stale_after=stale_after)
        sent = enqueue(ids)
        queued += sent
        if sent < len(ids) or len(ids) < CLAIM_BATCH:
            return queued


TRANSIENT_SMTP = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    smtplib.SMTPHeloError,
    ConnectionError,
    TimeoutError,
    OSError,
)


def _is_transient(exc: Exception) -> bool:
    """4xx replies, lost connections, timeouts and DNS hiccups may pass: retry them. 5xx replies
    about this message (recipient unknown, rejected, too big) will not: final at once. A 5xx
    refusal of our own login is the exception: it is the server's configuration, not the
    message, and mail should flow again once an admin fixes it, so it is retried."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return True
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in exc.recipients.values())
    return isinstance(exc, TRANSIENT_SMTP)


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(60 * 2 ** (attempts - 1), 3600))


def unsubscribe_token(user_id: int, kind: str) -> str:
    return signing.dumps({"u": user_id, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str, max_age_days: int = 365) -> tuple[int, str]:
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=timedelta(days=max_age_days))
    return int(data["u"]), str(data["k"])


SEND_LEASE = timedelta(minutes=5)
FINAL = (DeliveryStatus.SENT, DeliveryStatus.SKIPPED, DeliveryStatus.DEAD)


def claim_for_sending(delivery_id: int) -> tuple[Delivery, dict] | str:
    """Under the row lock, in a short transaction: take the delivery for this worker.

    Returns the delivery and its built context, or the status to report when there is nothing
    for this worker to send (gone, final, skipped, or claimed by another worker whose lease has
    not run out). The claim is ``status=queued`` with ``next_attempt_at`` = the lease's end and
    one more attempt counted; it is committed before anything is sent, so no transaction or
    row lock is held while talking to the SMTP server.
    """
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("recipient__profile")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None:
            logger.info("delivery %s is gone", delivery_id)
            return "gone"
        if delivery.status in FINAL:
            return delivery.status
        leased = delivery.status == DeliveryStatus.QUEUED and delivery.next_attempt_at
        if leased and delivery.next_attempt_at > now:
            return delivery.status  # another worker is sending it right now
        build = BUILDERS.get(delivery.template)
        # What a builder writes itself (a change's labels, a calendar attachment) is in the
        # recipient's language, like the templates (members/emails.py).
        with translation.override(recipient_language(delivery.recipient)):
            context = build(delivery) if build else None
        if context is None:
            delivery.status = DeliveryStatus.SKIPPED
            delivery.last_error = "Nothing to send any more (cancelled, decided or gone)."
            delivery.save(update_fields=["status", "last_error"])
            return delivery.status
        delivery.status = DeliveryStatus.QUEUED
        delivery.next_attempt_at = now + SEND_LEASE
        # A row a worker holds is not stale for the dispatcher (it re-queues by queued_at).
        delivery.queued_at = now
        delivery.attempts += 1
        delivery.save(update_fields=["status", "next_attempt_at", "queued_at", "attempts"])
    return delivery, context


def _mark(delivery: Delivery, exc: Exception | None) -> str:
    """After the send, in a new short transaction: sent, failed (retry later) or dead."""
    fields = ["status", "next_attempt_at", "last_error", "sent_at"]
    if exc is None:
        delivery.status = DeliveryStatus.SENT
        delivery.sent_at = timezone.now()
        delivery.next_attempt_at = None
        delivery.last_error = ""
    else:
        delivery.last_error = f"{exc.__class__.__name__}: {exc}"[:2000]
        if _is_transient(exc) and delivery.attempts < MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = timezone.now() + backoff(delivery.attempts)
        else:
            delivery.status = DeliveryStatus.DEAD
            delivery.next_attempt_at = None
        logger.warning(
            "delivery %s (%s) failed: %s", delivery.pk, delivery.template, delivery.status
        )
    with transaction.atomic():
        delivery.save(update_fields=fields)
    return delivery.status


def send_delivery(delivery_id: int) -> str:
    """Send one delivery if it is not sent yet. Returns the resulting status.

    Claim under the row lock and commit; send with no transaction open; mark the outcome in a
    new short transaction. A worker that dies between the send and the mark leaves the row
    queued under its lease: the dispatcher queues it again once it is stale, so the message may
    go out twice. That window (seconds, and only on a crash) is the accepted price of never
    holding a database transaction and row lock open across a slow or hanging SMTP server:
    at least once, never silently lost. The stable Message-ID lets clients recognise a repeat.
    """
    claimed = claim_for_sending(delivery_id)
    if isinstance(claimed, str):
        return claimed
    delivery, context = claimed
    headers = {"Message-ID": delivery.message_id}
    # A builder may give the one-click address of the very thing the e-mail is about (one
    # saved search's alerts, alerts/notifications.py); else optional kinds stop by kind.
    unsubscribe_url = context.pop("unsubscribe_url", None)
    if unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    elif delivery.recipient_id and delivery.kind in OPTIONAL_KINDS:
        path = reverse(
            "members:unsubscribe",
            kwargs={"token": unsubscribe_token(delivery.recipient_id, delivery.kind)},
        )
        unsubscribe_url = settings.SITE_URL.rstrip("/") + path
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    attachments = context.pop("attachments", None)
    reply_to = context.get("reply_to")
    try:
        send_templated_mail(
            template=delivery.template,
            to=delivery.email,
            user=delivery.recipient,
            context={**context, "unsubscribe_url": unsubscribe_url, "delivery": delivery},
            headers=headers,
            attachments=attachments,
            reply_to=[reply_to] if reply_to else None,
        )
    except Exception as exc:
        return _mark(delivery, exc)
    return _mark(delivery, None)


def resend(delivery_ids: Iterable[int]) -> int:
    """Admins: send these again (a fresh attempt for failed ones, a copy for sent ones)."""
    count = Delivery.objects.filter(pk__in=list(delivery_ids)).update(
        status=DeliveryStatus.PENDING,
        due_at=timezone.now(),
        attempts=0,
        next_attempt_at=None,
        last_error="",
    )
    return count
