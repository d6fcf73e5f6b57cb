"""Reminders through the real thing: Redis as broker, a Celery worker subprocess, an SMTP sink.

Each delivery carries a stable Message-ID, so the sink can tell a new message from a
re-transmission of the same one.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from config.celery import app as celery_app
from groups.enums import Role
from meetings import services as meeting_services
from meetings.models import Rsvp
from members import notifications
from members.models import Delivery, TherapistProfile
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory
from tests.race import race
from tests.support.smtp_sink import start_sink

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]
LOG = Path(os.environ.get("WORKER_LOG", "/tmp/peercircle-test-worker.log"))  # noqa: S108


class Worker:
    """A real `celery worker` process on its own queue, talking to the test database."""

    def __init__(self, queue: str, smtp_port: int):
        db = connection.settings_dict
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": (f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"),
            "REDIS_URL": settings.REDIS_URL,
            "CELERY_QUEUE": queue,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        }
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
            stdout=LOG.open("ab"),
            stderr=subprocess.STDOUT,
        )

    def kill(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def _reset_pool():
    """Forget connections made for the previous broker URL."""
    from kombu import pools

    pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker():
    """Route this test's tasks to Redis on a queue of its own (not eager)."""
    queue = f"test-{uuid.uuid4().hex[:10]}"
    saved = (
        celery_app.conf.task_always_eager,
        celery_app.conf.broker_url,
        celery_app.conf.task_default_queue,
    )
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = settings.CELERY_BROKER_URL
    celery_app.conf.task_default_queue = queue
    _reset_pool()
    yield queue
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)
    (
        celery_app.conf.task_always_eager,
        celery_app.conf.broker_url,
        celery_app.conf.task_default_queue,
    ) = saved
    celery_app.pool.force_close_all()


@pytest.fixture
def sink():
    controller, recorder, port = start_sink()
    yield recorder, port
    controller.stop()


def _due_reminders(count: int):
    """`count` members going to a meeting in 30 minutes, each due a 1-hour reminder."""
    group = GroupFactory(capacity=30)
    start = timezone.now() + timedelta(minutes=30)
    meeting = MeetingFactory(group=group, starts_at=start, ends_at=start + timedelta(hours=1))
    users = []
    for i in range(count):
        if i and i % 29 == 0:
            group = GroupFactory(capacity=30)
            meeting = MeetingFactory(
                group=group, starts_at=start, ends_at=start + timedelta(hours=1)
            )
        user = MembershipFactory(group=group, role=Role.MEMBER).user
        Rsvp.objects.create(meeting=meeting, user=user, answer="going")
        users.append(user)
    TherapistProfile.objects.filter(user__in=users).update(reminder_lead_minutes=[60])
    return users


def _wait_for(predicate, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def _expected_ids():
    return {d.message_id for d in Delivery.objects.filter(template="meeting_reminder")}


def test_a_dispatch_of_many_reminders_arrives_complete(broker, sink):
    recorder, port = sink
    users = _due_reminders(120)
    worker = Worker(broker, port)
    worker.start()
    try:
        notifications.dispatch_due()
        assert _wait_for(lambda: len(recorder.ids()) >= len(users))
    finally:
        worker.stop()
    assert sorted(recorder.ids()) == sorted(_expected_ids())
    assert Delivery.objects.exclude(status="sent").count() == 0


def test_two_dispatchers_at_once_send_each_reminder_exactly_once(broker, sink):
    recorder, port = sink
    users = _due_reminders(80)
    worker = Worker(broker, port)
    worker.start()
    try:
        results = race(lambda _i: notifications.dispatch_due(), 2)
        assert [r for r in results if isinstance(r, Exception)] == []
        assert sum(results) == len(users)  # each row queued by exactly one of them
        assert _wait_for(lambda: len(recorder.ids()) >= len(users))
        time.sleep(2)  # anything sent twice would arrive by now
    finally:
        worker.stop()
    assert len(recorder.ids()) == len(users)
    assert set(recorder.ids()) == _expected_ids()


def test_a_worker_killed_mid_batch_loses_nothing(broker, sink):
    recorder, port = sink
    users = _due_reminders(150)
    worker = Worker(broker, port)
    worker.start()
    notifications.dispatch_due()
    assert _wait_for(lambda: len(recorder.ids()) >= 20)
    worker.kill()
    arrived_before = len(recorder.ids())
    assert arrived_before < len(users), "the batch finished before the kill"
    # After the restart, the dispatcher re-queues what the dead worker held.
    worker = Worker(broker, port)
    worker.start()
    try:
        notifications.dispatch_due(stale_after=timedelta(0))
        assert _wait_for(lambda: len(set(recorder.ids())) >= len(users))
        time.sleep(2)
    finally:
        worker.stop()
    assert set(recorder.ids()) == _expected_ids()
    assert Delivery.objects.exclude(status="sent").count() == 0
    # At most the one message in flight at the kill is re-transmitted, with the same Message-ID.
    assert len(recorder.ids()) - len(set(recorder.ids())) <= 1


def test_a_rolled_back_transaction_enqueues_nothing(broker):
    group = GroupFactory()
    organizer = MembershipFactory(group=group, role=Role.ORGANIZER).user
    meeting = MeetingFactory(group=group)
    with pytest.raises(RuntimeError), transaction.atomic():
        meeting_services.cancel_meeting(actor=organizer, meeting=meeting)
        raise RuntimeError("rolled back")
    with celery_app.connection_for_write() as conn:
        _name, waiting, _consumers = conn.default_channel.queue_declare(broker, passive=False)
    assert waiting == 0
    assert Delivery.objects.count() == 0
