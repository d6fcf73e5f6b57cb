"""Locust load for bench/web.py: one scenario per run, chosen by BENCH_SCENARIO.

bench/web.py passes everything through the environment:

- BENCH_SCENARIO: trivial, static, browse_anon, browse_signed_in, browse_search,
  browse_uncached, group, meeting, dashboard, feed, board or thread.
- BENCH_USERS: JSON list of {"session", "slug", "meeting", "token", "topic"} (the topic: the
  board thread with 50 replies on that member's group), one per bench member; each
  locust user takes the next one, so the signed-in load is spread over several groups.
- BENCH_WAIT: mean think time in seconds between a user's requests, drawn uniformly from half to
  one and a half times it (default 0: a closed loop that measures throughput).

Production cookies are Secure, so a login over plain http would not keep its session; the
sessions are made in the database by bench/web.py and sent as an explicit Cookie header.
Redirects are not followed: anything but a 200 is a failure (a lost session shows up as a 302).
"""

import itertools
import json
import os

from locust import FastHttpUser, between, constant, task

SCENARIO = os.environ.get("BENCH_SCENARIO", "trivial")
MEMBERS = json.loads(os.environ.get("BENCH_USERS", "[]"))
WAIT = float(os.environ.get("BENCH_WAIT", "0"))

BROWSE_QUERIES = [
    "?purpose=consultation&has_seats=on&sort=seats",
    "?purpose=support&sort=name",
    "?purpose=collaboration&has_seats=on",
    "?has_seats=on&sort=seats",
    "",
]
SEARCH_QUERIES = ["?q=support", "?q=support&sort=name", "?q=consultation"]

_next_member = itertools.count()
_unique = itertools.count()


class BenchUser(FastHttpUser):
    wait_time = between(WAIT / 2, WAIT * 1.5) if WAIT > 0 else constant(0)

    def on_start(self):
        n = next(_next_member)
        self.member = MEMBERS[n % len(MEMBERS)] if MEMBERS else {}
        self.queries = itertools.cycle(BROWSE_QUERIES[n % len(BROWSE_QUERIES) :] + BROWSE_QUERIES)
        self.searches = itertools.cycle(SEARCH_QUERIES)

    def fetch(self, path: str, name: str, signed_in: bool = False):
        headers = {"Cookie": f"sessionid={self.member['session']}"} if signed_in else {}
        with self.client.get(
            path, name=name, headers=headers, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")

    @task
    def hit(self):
        m = self.member
        if SCENARIO == "trivial":
            self.fetch("/", "trivial /")
        elif SCENARIO == "static":
            self.fetch("/static/css/peercircle.css", "static css")
        elif SCENARIO == "browse_anon":
            self.fetch("/groups/" + next(self.queries), "browse (anonymous)")
        elif SCENARIO == "browse_signed_in":
            self.fetch("/groups/" + next(self.queries), "browse (signed in)", signed_in=True)
        elif SCENARIO == "browse_uncached":
            # A query string never seen before: no cached page or results can serve it, so this
            # is what a signed-in browse costs when rendered from the database (only the filter
            # sidebar, cached per filter values, comes from the cache, as when paging).
            query = next(self.queries) or "?sort=newest"
            self.fetch(
                f"/groups/{query}&nocache={next(_unique)}", "browse (uncached)", signed_in=True
            )
        elif SCENARIO == "browse_search":
            self.fetch("/groups/" + next(self.searches), "browse search", signed_in=True)
        elif SCENARIO == "group":
            self.fetch(f"/groups/{m['slug']}/", "group page", signed_in=True)
        elif SCENARIO == "meeting":
            self.fetch(f"/meetings/{m['meeting']}/", "meeting page", signed_in=True)
        elif SCENARIO == "dashboard":
            self.fetch("/me/", "dashboard", signed_in=True)
        elif SCENARIO == "feed":
            self.fetch(f"/calendar/{m['token']}.ics", "calendar feed")
        elif SCENARIO == "board":
            self.fetch(f"/groups/{m['slug']}/board/", "board", signed_in=True)
        elif SCENARIO == "thread":
            self.fetch(f"/groups/{m['slug']}/board/{m['topic']}/", "board thread", signed_in=True)
        else:
            raise RuntimeError(f"unknown BENCH_SCENARIO {SCENARIO!r}")
