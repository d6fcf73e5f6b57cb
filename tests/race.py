"""A harness that races threads on real PostgreSQL, shared by the seat and slot tests."""

import threading
from collections.abc import Callable

from django.db import connection


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
