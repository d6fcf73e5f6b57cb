"""Faults: the cache, the broker, the database or SMTP going away must not break the site or
lose a notification."""

from datetime import timedelta

import psycopg2
import pytest
from django.db import close_old_connections, connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from config.celery import app as celery_app
from groups.enums import Role
from meetings.models import Meeting
from members import notifications
from members.models import Delivery
from tests.factories import PASSWORD, GroupFactory, MeetingFactory, MembershipFactory, UserFactory

REDIS_DOWN = {
    "default": {
        "BACKEND": "config.cache.DegradingRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


@pytest.mark.django_db
@override_settings(CACHES=REDIS_DOWN)
def test_pages_keep_serving_when_the_cache_is_down(client):
    GroupFactory(name="Still Here")
    assert "Still Here" in client.get(reverse("groups:browse")).content.decode()
    user = UserFactory()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/readyz").json()["checks"]["cache"].startswith("down")


def _reset_pool():
    from kombu import pools

    pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.mark.django_db(transaction=True)
def test_a_notification_made_while_the_broker_is_down_is_sent_once_it_is_back(client, mailoutbox):
    group = GroupFactory()
    organizer = MembershipFactory(group=group, role=Role.ORGANIZER).user
    member = MembershipFactory(group=group).user
    meeting = MeetingFactory(group=group)
    saved = celery_app.conf.task_always_eager, celery_app.conf.broker_url
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    _reset_pool()
    try:
        client.force_login(organizer)
        response = client.post(reverse("meetings:cancel", args=[meeting.pk]), {"message": "Ill"})
        assert response.status_code == 302  # the organizer's action succeeded
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.broker_url = saved
        _reset_pool()
    assert Meeting.objects.get(pk=meeting.pk).status == "cancelled"
    assert set(Delivery.objects.values_list("status", flat=True)) == {"pending"}
    assert mailoutbox == []
    # The broker is back: the next dispatcher run sends each e-mail, once.
    notifications.dispatch_due()
    notifications.dispatch_due()
    assert [m.to[0] for m in mailoutbox] == [member.email]  # never the organizer who acted


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_lost_database_connection_gives_a_clean_error_page_and_the_next_request_works(client):
    """The server ends our connection. The request that meets the dead connection either gets
    the site's own error page, or (when the health check catches it first) reconnects at once;
    either way the next request works."""
    GroupFactory(name="Survivor")
    client.raise_request_exception = False
    client.get(reverse("groups:browse"))  # open the connection this thread uses
    try:
        pid = connection.connection.info.backend_pid
        settings_dict = connection.settings_dict
        killer = psycopg2.connect(
            dbname=settings_dict["NAME"],
            user=settings_dict["USER"],
            host=settings_dict["HOST"],
            port=settings_dict["PORT"],
        )
        killer.autocommit = True
        with killer.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        killer.close()
        broken = client.get(reverse("groups:browse"))
        if broken.status_code == 500:
            assert "Something went wrong on our side" in broken.content.decode()
        else:
            assert "Survivor" in broken.content.decode()
        # Between requests Django drops unusable connections (request_started/finished run
        # close_old_connections; the test client disconnects those signals, so run it here).
        close_old_connections()
        recovered = client.get(reverse("groups:browse"))
        assert recovered.status_code == 200
        assert "Survivor" in recovered.content.decode()
    finally:
        connection.close()  # whatever happened, the next test starts with a fresh connection


def test_smtp_down_is_covered_by_the_delivery_retry_tests():
    """See tests/members/test_notifications.py::test_transient_smtp_failure_is_retried_with_backoff
    and the worker-kill integration test: deliveries retry with backoff and arrive once."""
    assert notifications.backoff(1) == timedelta(seconds=60)
    assert notifications.backoff(20) == timedelta(seconds=3600)
    assert timezone.now()


@pytest.mark.redis
def test_a_delete_made_while_redis_is_unreachable_is_done_once_it_is_back(monkeypatch):
    """A session ended (or a cached copy dropped) during an outage must not come back with
    Redis: the failed delete is retried before the next cache call."""
    import os

    from redis.exceptions import ConnectionError as RedisConnectionError

    from config.cache import DegradingRedisCache

    cache = DegradingRedisCache(
        os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"), {"KEY_PREFIX": "fault-test"}
    )
    cache.set("session-abc", "signed in", 60)
    client = cache._cache

    def unreachable(*args, **kwargs):
        raise RedisConnectionError("Redis is unreachable")

    with monkeypatch.context() as patch:
        patch.setattr(client, "delete", unreachable)
        patch.setattr(client, "delete_many", unreachable)
        assert cache.delete("session-abc") is False  # logged, kept to retry
        # While the delete cannot be done, reads degrade rather than serve the old copy.
        assert cache.get("session-abc") is None
    full_key = cache.make_and_validate_key("session-abc")
    assert client.get(full_key, None) is not None  # still in Redis: the delete is pending
    # Redis answers again: the kept delete happens before the next call.
    assert cache.get("anything-else", "default") == "default"
    assert client.get(full_key, None) is None
    assert cache.get("session-abc") is None


@pytest.mark.redis
def test_the_redis_client_is_built_once_per_pool():
    """Django builds a redis.Redis per cache call (copying redis-py's callback table each time);
    ours keeps one per connection pool."""
    import os

    import redis

    from config.cache import DegradingRedisCache

    cache = DegradingRedisCache(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"), {})
    first = cache._cache.get_client("a")
    assert isinstance(first, redis.Redis)
    assert cache._cache.get_client("b") is first
    assert cache._cache.get_client("c", write=True) is first  # one server: one pool
    cache.set("reuse-check", 1, 5)
    assert cache.get("reuse-check") == 1
