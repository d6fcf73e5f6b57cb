"""/healthz (liveness: the process answers, nothing else is touched) and /readyz (readiness:
database, cache and broker, 503 naming what is down)."""

from contextlib import contextmanager
from unittest import mock

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.db import OperationalError, connection
from django.test import override_settings

from config import health
from config.celery import app as celery_app

pytestmark = pytest.mark.django_db


class ExplodingCache(LocMemCache):
    """A cache that fails the test on any round trip."""

    def _refuse(self, *args, **kwargs):
        raise AssertionError("the cache was used")

    get = set = add = delete = get_many = set_many = has_key = touch = incr = _refuse


# --- Liveness ---------------------------------------------------------------------------------


def test_healthz_answers_ok(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@override_settings(CACHES={"default": {"BACKEND": "tests.config.test_healthz.ExplodingCache"}})
def test_healthz_opens_no_broker_connection_and_touches_no_cache_or_database(
    client, django_assert_num_queries
):
    with (
        mock.patch.object(celery_app, "connection_for_write") as broker,
        mock.patch.object(celery_app, "connection_for_read") as broker_read,
        mock.patch.object(health, "check_broker") as check_broker,
        django_assert_num_queries(0),
    ):
        for _ in range(3):
            response = client.get("/healthz")
            assert response.status_code == 200

    assert broker.call_count == 0
    assert broker_read.call_count == 0
    assert check_broker.call_count == 0


def test_healthz_stays_ok_while_every_dependency_is_down(client):
    celery_app.conf.broker_url, original = "redis://127.0.0.1:1/0", celery_app.conf.broker_url
    try:
        with mock.patch.object(connection, "cursor", side_effect=OperationalError("gone")):
            response = client.get("/healthz")
    finally:
        celery_app.conf.broker_url = original

    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_healthz_refuses_post(client):
    assert client.post("/healthz").status_code == 405


# --- Readiness --------------------------------------------------------------------------------


def test_readyz_reports_each_dependency_up(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "broker": "ok"},
    }


@contextmanager
def _database_down():
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("gone")):
        yield


@contextmanager
def _cache_down():
    unreachable = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    with override_settings(CACHES=unreachable):
        yield


@contextmanager
def _broker_down():
    with mock.patch.object(celery_app, "connection_for_write", side_effect=ConnectionError):
        yield


@pytest.mark.parametrize(
    ("down", "breaks", "error"),
    [
        ("database", _database_down, "OperationalError"),
        ("cache", _cache_down, "ConnectionError"),
        ("broker", _broker_down, "ConnectionError"),
    ],
)
def test_readyz_is_503_and_names_the_dependency_that_is_down(client, down, breaks, error):
    with breaks():
        response = client.get("/readyz")

    assert response.status_code == 503
    checks = {"database": "ok", "cache": "ok", "broker": "ok"} | {down: f"down: {error}"}
    assert response.json() == {"status": "down", "checks": checks}


def test_readyz_is_503_when_the_broker_url_is_unreachable(client):
    original = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/readyz")
    finally:
        celery_app.conf.broker_url = original

    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("down: ")


def test_readyz_refuses_post(client):
    assert client.post("/readyz").status_code == 405


@pytest.mark.redis
def test_readyz_uses_the_real_redis_cache_and_broker(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.REDIS_URL,
        }
    }
    original = celery_app.conf.broker_url
    celery_app.conf.broker_url = settings.REDIS_URL
    try:
        response = client.get("/readyz")
    finally:
        celery_app.conf.broker_url = original
    assert response.json()["checks"] == {"database": "ok", "cache": "ok", "broker": "ok"}
