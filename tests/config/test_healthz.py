import pytest
from django.test import override_settings

from config.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_healthz_reports_each_dependency_up(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "broker": "ok"},
    }


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
)
def test_healthz_is_503_when_the_cache_is_down(client):
    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"].startswith("down")


def test_healthz_is_503_when_the_broker_is_down(client):
    original = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/healthz")
    finally:
        celery_app.conf.broker_url = original
    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("down")


def test_healthz_refuses_post(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.redis
def test_healthz_uses_the_real_redis_cache_and_broker(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.REDIS_URL,
        }
    }
    original = celery_app.conf.broker_url
    celery_app.conf.broker_url = settings.REDIS_URL
    try:
        response = client.get("/healthz")
    finally:
        celery_app.conf.broker_url = original
    assert response.json()["checks"] == {"database": "ok", "cache": "ok", "broker": "ok"}
