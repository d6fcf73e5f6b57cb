"""Harnesses that race threads on real PostgreSQL: ``race`` releases several at once (the seat
and slot tests); ``behind_another_transaction`` lets one commit while the other waits on its lock
(the "already done" branches of the services)."""

import threading
import time
from collections.abc import Callable

from django.db import connection, transaction


def race(worker: Callable[[int], object], threads: int) -> list[object]:
    """Run ``worker(i)`` in ``threads`` threads released at the same instant.

    Each thread has its own database connection (closed at the end). Returns what each worker
    returned, or the exception it raised.
    """
    barrier = threading.Barrier(threads)
    results: list[object] = [None] * threads

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = worker(i)
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    pool = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=60)
    return results


def waiting_backends() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def behind_another_transaction(other, this):
    """Run ``other`` in a second connection's transaction, kept open until ``this`` (run here)
    waits for one of its locks; then commit it, so ``this`` goes on against what it wrote."""
    holding, release = threading.Event(), threading.Event()
    failures: list[Exception] = []

    def run_other():
        try:
            with transaction.atomic():
                other()
                holding.set()
                release.wait(timeout=30)
        except Exception as exc:
            failures.append(exc)
        finally:
            holding.set()
            connection.close()

    def release_when_waiting():
        try:
            deadline = time.monotonic() + 30
            while waiting_backends() == 0 and time.monotonic() < deadline:
                time.sleep(0.02)
        finally:
            release.set()
            connection.close()

    first = threading.Thread(target=run_other)
    first.start()
    assert holding.wait(timeout=30)
    assert failures == []
    watcher = threading.Thread(target=release_when_waiting)
    watcher.start()
    try:
        return this()
    finally:
        # Generous: the other transaction still sends its e-mail after it commits.
        watcher.join(timeout=120)
        first.join(timeout=120)
        assert not (watcher.is_alive() or first.is_alive())
        assert failures == []
