"""Locust load for bench/web.py when wrk is not installed (`--engine locust`).

bench/web.py writes the requests of one scenario to a file (BENCH_REQUESTS: one a line, the path
then "Header: value" fields, tab-separated, the same file wrk reads through bench/wrk.lua) and
the status every answer must have (BENCH_EXPECTED: 200, or 304 for conditional requests). Each
locust user cycles through the list from another starting point; redirects are not followed,
so a lost session (a 302) is a failure. Locust takes more CPU per request than wrk on the same
machine, so its ratios are flatter: prefer wrk.
"""

import itertools
import os

from locust import FastHttpUser, constant, task


def _requests() -> list[tuple[str, dict]]:
    rows = []
    with open(os.environ["BENCH_REQUESTS"]) as f:
        for line in f:
            path, *fields = line.rstrip("\n").split("\t")
            rows.append((path, dict(field.split(": ", 1) for field in fields)))
    return rows


REQUESTS = _requests()
EXPECTED = int(os.environ.get("BENCH_EXPECTED", "200"))
_next_user = itertools.count()


class BenchUser(FastHttpUser):
    wait_time = constant(0)

    def on_start(self):
        start = next(_next_user) * 7919 % len(REQUESTS)
        self.requests = itertools.cycle(REQUESTS[start:] + REQUESTS[:start])

    @task
    def hit(self):
        path, headers = next(self.requests)
        with self.client.get(
            path, name="request", headers=headers, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != EXPECTED:
                response.failure(f"HTTP {response.status_code}")
