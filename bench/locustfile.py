"""Locust load for bench/web.py: one scenario per run, chosen by BENCH_SCENARIO.

bench/web.py passes everything through the environment:

- BENCH_SCENARIO: trivial, static, browse_anon, browse_signed_in, browse_search,
  browse_uncached, browse_fit, browse_near, browse_near_online, group, meeting, dashboard,
  feed, board or thread.
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


def _fit_queries() -> list[str]:
    """Issue 18's filters for fit, alone, in pairs and a few longer: 73 different searches."""
    single = [
        "format=informal",
        "format=structured",
        "size=small",
        "size=medium",
        "size=large",
        "orientation=secular",
        "orientation=faith_integrated",
        "time_of_day=morning",
        "time_of_day=afternoon",
        "time_of_day=evening",
        "language=es",
        "language=zh",
    ]
    combined = [
        f"{a}&{b}"
        for i, a in enumerate(single)
        for b in single[i + 1 :]
        if a.split("=")[0] != b.split("=")[0]
    ]
    extra = [
        "format=structured&size=small&time_of_day=evening&has_seats=on",
        "orientation=faith_integrated&language=es&sort=seats",
        "format=informal&orientation=secular&time_of_day=morning&language=en",
        "size=medium&time_of_day=afternoon&purpose=consultation&sort=name",
    ]
    return [f"?{query}" for query in single + combined + extra]


# Places the distance search is asked about: big cities and small ones, names in every form
# and ZIP codes, spread over the country (what the gazetteer knows: members/places.py).
NEAR_PLACES = [
    "Boston, MA",
    "Denver, CO",
    "Austin",
    "Seattle, WA",
    "Chicago",
    "Springfield, IL",
    "Boise, ID",
    "Portland, ME",
    "Albuquerque, New Mexico",
    "Miami FL",
    "10001",
    "94110",
    "60614",
    "30303",
    "55401",
]


def _near_queries(online: bool) -> list[str]:
    """Every place at every distance (60 searches), some with another order or open seats."""
    queries = []
    for n, place in enumerate(NEAR_PLACES):
        for miles in (10, 25, 50, 100):
            query = f"near={place.replace(' ', '+').replace(',', '%2C')}&within={miles}"
            query += ("", "&sort=name", "&has_seats=on", "&format=structured")[(n + miles) % 4]
            queries.append(f"?{query}&online=on" if online else f"?{query}")
    return queries


FIT_QUERIES = _fit_queries()
NEAR_QUERIES = _near_queries(online=False)
NEAR_ONLINE_QUERIES = _near_queries(online=True)

_next_member = itertools.count()
_unique = itertools.count()


class BenchUser(FastHttpUser):
    wait_time = between(WAIT / 2, WAIT * 1.5) if WAIT > 0 else constant(0)

    def on_start(self):
        n = next(_next_member)
        self.member = MEMBERS[n % len(MEMBERS)] if MEMBERS else {}
        self.queries = itertools.cycle(BROWSE_QUERIES[n % len(BROWSE_QUERIES) :] + BROWSE_QUERIES)
        self.searches = itertools.cycle(SEARCH_QUERIES)
        # Each user starts at another place in the list, so the users ask different things.
        self.fits = itertools.cycle(FIT_QUERIES[n * 7 % len(FIT_QUERIES) :] + FIT_QUERIES)
        self.nears = itertools.cycle(NEAR_QUERIES[n * 3 % len(NEAR_QUERIES) :] + NEAR_QUERIES)
        self.nears_online = itertools.cycle(
            NEAR_ONLINE_QUERIES[n * 3 % len(NEAR_ONLINE_QUERIES) :] + NEAR_ONLINE_QUERIES
        )

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
        elif SCENARIO in ("browse_fit", "browse_near", "browse_near_online"):
            # Never cached either (a query string never seen before): what the filters and the
            # distance search cost the database, not what the cache saves.
            queries = {
                "browse_fit": self.fits,
                "browse_near": self.nears,
                "browse_near_online": self.nears_online,
            }[SCENARIO]
            self.fetch(
                f"/groups/{next(queries)}&nocache={next(_unique)}",
                SCENARIO.replace("_", " "),
                signed_in=True,
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
