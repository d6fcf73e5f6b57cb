"""Probes: ``GET /healthz`` (liveness) and ``GET /readyz`` (readiness).

Liveness answers from the process alone: no database query, no cache round trip and no broker
connection, so a load balancer or Docker may call it every few seconds at no cost, and a
Redis or broker outage never makes a healthy web process look dead (pages keep serving
without the cache). Readiness checks each dependency and names the one that is down.
"""

import uuid

from django.core.cache import cache
from django.db import connection

from config.celery import app as celery_app


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def check_cache() -> str:
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=5)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return what was stored")
    cache.delete(key)
    return "ok"


def check_broker() -> str:
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        conn.default_channel  # noqa: B018 - opening a channel proves the broker answers
    return "ok"


CHECKS = {"database": check_database, "cache": check_cache, "broker": check_broker}


def run_checks() -> tuple[bool, dict[str, str]]:
    """Run every readiness check; ``(all ok, {name: "ok" or "down: <error class>"})``."""
    results: dict[str, str] = {}
    healthy = True
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:
            healthy = False
            results[name] = f"down: {exc.__class__.__name__}"
    return healthy, results
