"""Web benchmark (`make bench`; a script, not a test).

Seeds a large PostgreSQL database, starts gunicorn with the production settings (plus the
benchmark's trivial view: bench/settings.py, bench/urls.py) and drives every page with wrk
(16 connections, no think time), each over many different URLs where real people would vary
them; prints each page's requests per second as a share of the trivial view's in the same
sign-in state, and its latency; writes bench/results.json and checks the targets of issue 19.
Needs PostgreSQL and Redis (and wrk: `apt-get install wrk`; without it, locust runs the same
requests, slower and less exact). Run from the project root:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/peercircle_bench \
    REDIS_URL=redis://127.0.0.1:6379/5 .venv/bin/python bench/web.py

**The database named in DATABASE_URL is wiped first** (unless --skip-seed). `--help` lists the
sizes; a quick check: `bench/web.py --groups 300 --meetings-per-group 5 --duration 5s`.
It exits 0 even when targets fail (it is a measurement); non-zero only when the harness breaks.
"""

import argparse
import csv
import json
import os
import platform
import random
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results.json"
LOCUSTFILE = ROOT / "bench" / "locustfile.py"
WRK_SCRIPT = ROOT / "bench" / "wrk.lua"


@dataclass(frozen=True)
class Scenario:
    name: str
    label: str
    signed_in: bool
    # "page": held to the ratio target; "info": measured, no ratio target; "trivial": a floor
    kind: str = "page"
    expected: int = 200


SCENARIOS = [
    Scenario("trivial_anon", "trivial view (anonymous)", False, "trivial"),
    Scenario("trivial_member", "trivial view (signed in)", True, "trivial"),
    Scenario("static", "static file (CSS)", False, "info"),
    Scenario("landing", "landing page /", False, "info"),
    Scenario("browse_anon", "browse, many filter URLs (anonymous)", False, "info"),
    Scenario("browse_member_one", "browse, one URL (signed in)", True, "info"),
    Scenario("browse_member", "browse, many filter URLs (signed in)", True, "info"),
    Scenario("browse_search", "browse, search ?q= (signed in)", True, "info"),
    Scenario("browse_fit", "browse, filters for fit, never cached", True, "info"),
    Scenario("browse_near", "distance search, never cached", True, "info"),
    Scenario("browse_near_online", "distance + online, never cached", True, "info"),
    Scenario("group_anon", "group page, many groups (anonymous)", False),
    Scenario("group", "group page (member)", True),
    Scenario("meeting", "meeting page, many meetings (member)", True),
    Scenario("presentation", "presentation page (member)", True),
    Scenario("dashboard", "dashboard /me/", True),
    Scenario("network", "colleagues /network/", True),
    Scenario("hours", "hours ledger /me/hours/", True),
    Scenario("board", "group board, 40 topics (member)", True),
    Scenario("thread", "board thread, 50 replies (member)", True),
    Scenario("polls", "polls list (member)", True),
    Scenario("attendance", "attendance and exports (organizer)", True),
    Scenario("feed", "personal calendar feed .ics", False, "info"),
    Scenario("feed_repeat", "calendar feed, repeated (If-None-Match)", False, "feed", 304),
]
PAGE_SHARE = 0.35  # every page, of the trivial view in the same sign-in state
MEMBER_TRIVIAL_SHARE = 0.5  # the signed-in trivial view, of the anonymous one
FEED_REPEAT_SHARE = 0.5  # a repeated feed fetch costs at most twice the trivial view
BROWSE_SHARES = {"browse_member": 0.15, "browse_anon": 0.40}  # issue 8, still held
P99_LIMIT_MS = 100.0
GROWTH_LIMIT = 1.3
GROWTH_SCENARIOS = ["browse_member", "browse_near", "group_anon"]
# Board content on each bench member's group (only those: the rest of the groups stay empty).
BOARD_TOPICS = 40
BOARD_PINNED = (4, 15, 27)  # which of the topics (by age, 0 = the newest) are pinned
THREAD_REPLIES = 50
THREAD_TITLE = "Bench thread: notes after our last meeting"
BENCH_MEETINGS = 10  # meetings of each bench group that get an agenda with presentations
BENCH_POLLS = 6
AGENDA = [("check_in", 10), ("case", 40), ("topic", 30), ("wrap_up", 10)]  # kind, minutes
ANON_GROUPS = 2000  # different group pages the anonymous scenario asks for


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--groups", type=int, default=10000)
    parser.add_argument("--meetings-per-group", type=int, default=50)
    parser.add_argument("--members-per-group", type=int, default=5)
    parser.add_argument(
        "--rsvp-meetings",
        type=int,
        default=10,
        help="each member is 'going' to this many upcoming meetings of their group (0: all)",
    )
    parser.add_argument("--users", type=int, default=20, help="bench members (sessions)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections")
    parser.add_argument("--duration", default="10s", help="per scenario (wrk/locust syntax)")
    parser.add_argument("--skip-seed", action="store_true", help="reuse the seeded database")
    parser.add_argument(
        "--workers", type=int, default=0, help="gunicorn workers, default 2*cores+1"
    )
    parser.add_argument(
        "--engine",
        choices=["auto", "wrk", "locust"],
        default="auto",
        help="load generator: wrk when installed (auto), else locust",
    )
    parser.add_argument(
        "--only", default="", help="comma-separated scenario names (default: all of them)"
    )
    parser.add_argument(
        "--results",
        default=str(RESULTS),
        help="where to write the results (default bench/results.json; the 100,000-group run "
        "keeps bench/web-results-100k.json)",
    )
    parser.add_argument(
        "--compare",
        default="",
        help="a results file of a smaller run (bench/results.json): check that browse, the "
        "distance search and the group page cost at most 1.3x what they cost there",
    )
    return parser.parse_args(argv)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Flags only when run as the harness; bench/profile_page.py imports the data helpers.
ARGS = parse_args(None if __name__ == "__main__" else [])
PORT = free_port()
ENV = {
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "SECRET_KEY": "".join(
        secrets.choice(string.ascii_letters + string.digits + "!@#%^&*-_=+") for _ in range(50)
    ),
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "SECURE_SSL_REDIRECT": "false",
    "SITE_URL": f"http://127.0.0.1:{PORT}",
    "DATABASE_URL": os.environ.get(
        "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/peercircle_bench"
    ),
    "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/5"),
    "LOG_LEVEL": "WARNING",
    # Production refuses to start without a mail server; the pages measured send no e-mail.
    "ALLOW_CONSOLE_EMAIL": "true",
}
# The harness runs under the same settings and secret key as the server: the sessions it writes
# and the session auth hashes in them must verify in gunicorn. (An importer that set up Django
# already keeps its own settings.)
for _key, _value in ENV.items():
    if __name__ == "__main__":
        os.environ[_key] = _value
    else:
        os.environ.setdefault(_key, _value)
sys.path.insert(0, str(ROOT))


def ensure_database():
    """Create the bench database if the server does not have it yet."""
    import psycopg2
    from django.conf import settings
    from psycopg2 import sql

    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("bench/web.py needs PostgreSQL: set DATABASE_URL=postgres://...")
    conn = psycopg2.connect(
        dbname="postgres",
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
    )
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
        if not cur.fetchone():
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
    conn.close()


import django  # noqa: E402

django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import OuterRef, Subquery  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.crypto import get_random_string  # noqa: E402

from board.enums import TopicKind  # noqa: E402
from board.models import Reply, Topic  # noqa: E402
from groups.enums import Role  # noqa: E402
from groups.models import GroundRulesVersion, Group, Membership  # noqa: E402
from meetings import services as meeting_services  # noqa: E402
from meetings.enums import AttendanceStatus, RsvpAnswer, SegmentKind  # noqa: E402
from meetings.models import AgendaSegment, Attendance, Meeting, Rsvp  # noqa: E402
from polls.models import Poll, PollOption  # noqa: E402
from presentations.models import Presentation  # noqa: E402


def log(message: str):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- Data ---------------------------------------------------------------------------------------


def seed(groups: int) -> dict:
    started = time.perf_counter()
    connection.close()
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    log(
        f"seeding {groups:,} groups ({ARGS.members_per_group} members, "
        f"{ARGS.meetings_per_group} meetings each)"
    )
    call_command(
        "seed_demo",
        scale=groups,
        members_per_group=ARGS.members_per_group,
        meetings_per_group=ARGS.meetings_per_group,
        verbosity=0,
    )
    seeded = time.perf_counter() - started
    accept_rules()
    rsvps = add_rsvps()
    with connection.cursor() as cursor:
        # What autovacuum does to a live database after a bulk load: planner statistics and
        # the visibility map (without it PostgreSQL avoids index-only scans).
        cursor.execute("VACUUM ANALYZE")
    cache.clear()  # nothing cached from a previous size
    counts = {
        "groups": Group.objects.count(),
        "meetings": Meeting.objects.count(),
        "memberships": Membership.objects.count(),
        "rsvps": Rsvp.objects.count(),
        "seed_seconds": round(seeded, 1),
        "total_seconds": round(time.perf_counter() - started, 1),
    }
    log(f"data: {counts}")
    del rsvps
    return counts


def accept_rules():
    """Record the accepted ground-rules version on the synthetic memberships.

    seed_demo --scale stamps rules_accepted_at but leaves rules_version empty, and its rules
    version is created a moment after joined_at, so every member page would redirect to the
    ground-rules acceptance page.
    """
    latest = GroundRulesVersion.objects.filter(group=OuterRef("group")).order_by("-number")
    updated = Membership.objects.filter(
        rules_version__isnull=True, group__slug__startswith="scale-"
    ).update(rules_version=Subquery(latest.values("pk")[:1]))
    log(f"{updated:,} memberships marked as having accepted the current ground rules")


def add_rsvps() -> int:
    """Every member of a synthetic group is "going" to its next --rsvp-meetings meetings."""
    started = time.perf_counter()
    now = timezone.now()
    upcoming: dict[int, list[int]] = {}
    for meeting_id, group_id in (
        Meeting.objects.filter(group__slug__startswith="scale-", starts_at__gte=now)
        .order_by("group_id", "starts_at")
        .values_list("id", "group_id")
        .iterator(chunk_size=20000)
    ):
        ids = upcoming.setdefault(group_id, [])
        if not ARGS.rsvp_meetings or len(ids) < ARGS.rsvp_meetings:
            ids.append(meeting_id)
    members = Membership.objects.filter(group_id__in=upcoming.keys()).values_list(
        "user_id", "group_id"
    )
    batch, total = [], 0
    for user_id, group_id in members.iterator(chunk_size=20000):
        for meeting_id in upcoming[group_id]:
            batch.append(
                Rsvp(
                    meeting_id=meeting_id, user_id=user_id, answer=RsvpAnswer.GOING, updated_at=now
                )
            )
            if len(batch) == 10000:
                Rsvp.objects.bulk_create(batch, ignore_conflicts=True)
                total += len(batch)
                batch = []
    Rsvp.objects.bulk_create(batch, ignore_conflicts=True)
    total += len(batch)
    log(f"{total:,} RSVPs in {time.perf_counter() - started:.1f} s")
    return total


TOPIC_TITLES = [
    "Holding boundaries when a client asks for more sessions",
    "Article: compassion fatigue in the first five years",
    "Room booking for next month",
    "How do you handle no-shows and late cancellations?",
    "Supervision hours for the licence renewal",
    "Referral wanted: eating disorders, evening appointments",
    "Notes from the regional conference",
    "Telehealth across state lines: what changed this year",
]
TOPIC_BODY = (
    "Picking up from the last meeting: a few of us said we would **share what works** before "
    "we meet again.\n\n"
    "- what you say in the first session about cancellations\n"
    "- how you keep notes short without losing what matters\n"
    "- where you send people when the waiting list is long\n\n"
    "No client details please, just the approach. I will collect the answers for next time, "
    "and we can give it ten minutes at the start of the meeting."
)
REPLY_BODY = (
    "Thank you for starting this. What helped me most was saying it plainly at intake and "
    "putting it in the welcome letter too, so nobody is surprised later. *Happy to share my "
    "wording* at the meeting."
)


def add_board(groups: list[Group]) -> dict[int, int]:
    """Board content for the bench members' groups: BOARD_TOPICS topics each (a few pinned and
    announced by the organizer, most discussions with 0 to 8 replies) and one thread with
    THREAD_REPLIES replies; returns {group id: that thread's topic id}.

    Bulk inserts, only for these groups (a handful even at 10,000 groups); a group that already
    has its bench thread (--skip-seed) keeps its board as it is.
    """
    started = time.perf_counter()
    threads = dict(
        Topic.objects.filter(group__in=groups, title=THREAD_TITLE).values_list("group_id", "pk")
    )
    todo = {group.pk: group for group in groups if group.pk not in threads}
    if not todo:
        return threads
    people: dict[int, list[tuple[int, str]]] = {}
    for group_id, user_id, role in (
        Membership.objects.filter(group_id__in=todo)
        .order_by("id")
        .values_list("group_id", "user_id", "role")
    ):
        people.setdefault(group_id, []).append((user_id, role))
    now = timezone.now()
    topics, reply_counts = [], []
    for group_id in todo:
        organizer = next(u for u, role in people[group_id] if role == Role.ORGANIZER)
        members = [u for u, _ in people[group_id]]
        for i in range(BOARD_TOPICS):
            announcement = i in BOARD_PINNED or i % 8 == 6
            answers = THREAD_REPLIES if i == 0 else (i * 7) % 9  # 0 to 8 replies
            title = f"{TOPIC_TITLES[i % len(TOPIC_TITLES)]} ({i})"
            created = now - timedelta(days=i + 1, hours=2)
            topics.append(
                Topic(
                    group_id=group_id,
                    kind=TopicKind.ANNOUNCEMENT if announcement else TopicKind.DISCUSSION,
                    author_id=organizer if announcement else members[i % len(members)],
                    title=THREAD_TITLE if i == 0 else title,
                    body=TOPIC_BODY,
                    pinned=i in BOARD_PINNED,
                    created_at=created,
                    # a reply every 20 minutes, the last one hours before now
                    last_activity_at=created + timedelta(minutes=20 * answers),
                )
            )
            reply_counts.append(answers)
    Topic.objects.bulk_create(topics, batch_size=2000)
    replies = []
    for topic, count in zip(topics, reply_counts, strict=True):
        members = [u for u, _ in people[topic.group_id]]
        replies += [
            Reply(
                topic_id=topic.pk,
                author_id=members[(k + 1) % len(members)],
                body=REPLY_BODY,
                created_at=topic.created_at + timedelta(minutes=20 * (k + 1)),
            )
            for k in range(count)
        ]
        if topic.title == THREAD_TITLE:
            threads[topic.group_id] = topic.pk
    Reply.objects.bulk_create(replies, batch_size=5000)
    with connection.cursor() as cursor:
        # Planner statistics for the new rows (the VACUUM ANALYZE of seed() ran before them).
        cursor.execute(f"ANALYZE {Topic._meta.db_table}, {Reply._meta.db_table}")
    log(
        f"board: {len(topics):,} topics and {len(replies):,} replies on {len(todo)} groups in "
        f"{time.perf_counter() - started:.1f} s"
    )
    return threads


CASE_QUESTION = "How do I keep the work going when a client cancels every other week?"
CASE_BACKGROUND = (
    "A client in their forties, seen weekly for a year, who started cancelling about every "
    "second session after a change of job. Sessions that happen are productive; the pattern "
    "is discussed openly and the client says it is about time, not the work itself."
)
CASE_TRIED = "Naming the pattern, a fortnightly rhythm for a month, a shorter session length."
TOPIC_SUMMARY = "What the new guidance on telehealth across state lines says, in ten minutes."


def _bench_groups(count: int) -> list[Group]:
    groups = list(Group.objects.filter(slug__startswith="scale-").order_by("slug"))
    if not groups:
        raise RuntimeError("no synthetic groups: run without --skip-seed first")
    step = max(1, len(groups) // count)
    return [groups[(i * step) % len(groups)] for i in range(count)]


def _people(groups) -> dict[int, list[tuple[int, str]]]:
    people: dict[int, list[tuple[int, str]]] = {}
    for group_id, user_id, role in (
        Membership.objects.filter(group_id__in=[g.pk for g in groups])
        .order_by("id")
        .values_list("group_id", "user_id", "role")
    ):
        people.setdefault(group_id, []).append((user_id, role))
    return people


def add_agendas(groups: list[Group]) -> None:
    """An agenda on each bench group's next BENCH_MEETINGS meetings (check-in, a case
    presentation, a topic presentation, wrap-up), the two slots held by members other than the
    bench member; bulk inserts, skipped for a meeting that has an agenda already."""
    now = timezone.now()
    people = _people(groups)
    segments, holders = [], []
    for group in groups:
        members = [u for u, _ in people[group.pk]]
        upcoming = Meeting.objects.filter(group=group, starts_at__gte=now).order_by("starts_at")
        for meeting in upcoming[:BENCH_MEETINGS].prefetch_related("segments"):
            if meeting.segments.all():
                continue  # its agenda is there from an earlier run (--skip-seed)
            for position, (kind, minutes) in enumerate(AGENDA):
                segment = AgendaSegment(
                    meeting=meeting, position=position, kind=kind, minutes=minutes
                )
                segments.append(segment)
                if kind in (SegmentKind.CASE, SegmentKind.TOPIC):
                    presenter = members[(2 + position) % len(members)]
                    holders.append((segment, presenter))
    AgendaSegment.objects.bulk_create(segments, batch_size=2000)
    presentations = []
    for segment, presenter in holders:
        case = segment.kind == SegmentKind.CASE
        presentations.append(
            Presentation(
                segment=segment,
                meeting_id=segment.meeting_id,
                presenter_id=presenter,
                case_question=CASE_QUESTION if case else "",
                case_background=CASE_BACKGROUND if case else "",
                case_tried=CASE_TRIED if case else "",
                case_help_wanted=["ideas", "resources"] if case else [],
                case_saved_at=now if case else None,
                topic_title="" if case else "Telehealth across state lines",
                topic_summary="" if case else TOPIC_SUMMARY,
            )
        )
    Presentation.objects.bulk_create(presentations, batch_size=2000)
    if presentations:
        log(f"agendas: {len(segments):,} segments, {len(presentations):,} presentations")


def add_polls(groups: list[Group]) -> None:
    """BENCH_POLLS polls on each bench group (half open, half closed), three proposed times
    each, answered by most members; skipped for a group that has polls already."""
    now = timezone.now()
    people = _people(groups)
    with_polls = set(Poll.objects.filter(group__in=groups).values_list("group_id", flat=True))
    polls = []
    for group in groups:
        if group.pk in with_polls:
            continue
        organizer = next(u for u, role in people[group.pk] if role == Role.ORGANIZER)
        for i in range(BENCH_POLLS):
            closed = i % 2 == 1
            polls.append(
                Poll(
                    group=group,
                    title=f"When should we meet in month {i + 1}?",
                    closes_at=now + timedelta(days=3 + i) if not closed else now - timedelta(i),
                    closed_at=now - timedelta(days=i) if closed else None,
                    created_by_id=organizer,
                    created_at=now - timedelta(days=10 + i),
                )
            )
    Poll.objects.bulk_create(polls)
    options = [
        PollOption(poll=poll, starts_at=now + timedelta(days=14 + k, hours=k))
        for poll in polls
        for k in range(3)
    ]
    PollOption.objects.bulk_create(options)
    if polls:
        log(f"polls: {len(polls)} polls with {len(options)} proposed times")


def add_attendance(groups: list[Group]) -> None:
    """Every member of a bench group was present at its past meetings (the hours ledger)."""
    now = timezone.now()
    people = _people(groups)
    rows = []
    for group in groups:
        for meeting_id in Meeting.objects.filter(group=group, starts_at__lt=now).values_list(
            "pk", flat=True
        ):
            rows += [
                Attendance(meeting_id=meeting_id, user_id=user, status=AttendanceStatus.PRESENT)
                for user, _ in people[group.pk]
            ]
    Attendance.objects.bulk_create(rows, ignore_conflicts=True, batch_size=5000)


def _session(user) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "members.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.set_expiry(24 * 3600)
    session.save()
    return session.session_key


def bench_members(count: int) -> list[dict]:
    """For `count` synthetic groups: a member's session (not the organizer), the organizer's,
    the group, its meetings (the next and the last ones), the presentations on its agendas, the
    member's feed token and the board thread (the groups get board content, agendas, polls and
    attendance: add_board, add_agendas, add_polls, add_attendance)."""
    picked = _bench_groups(count)
    distinct = list({group.pk: group for group in picked}.values())
    threads = add_board(distinct)
    add_agendas(distinct)
    add_polls(distinct)
    add_attendance(distinct)
    with connection.cursor() as cursor:
        # Planner statistics for the rows just added (the seed's VACUUM ANALYZE ran before).
        tables = [m._meta.db_table for m in (AgendaSegment, Presentation, Poll, PollOption)]
        cursor.execute(f"ANALYZE {', '.join([*tables, Attendance._meta.db_table])}")
    now = timezone.now()
    members = []
    for group in picked:
        memberships = list(
            Membership.objects.filter(group=group).select_related("user").order_by("id")
        )
        user = memberships[1 % len(memberships)].user  # a member, not the organizer
        organizer = next(m.user for m in memberships if m.role == Role.ORGANIZER)
        meetings = list(
            Meeting.objects.filter(group=group, starts_at__gte=now)
            .order_by("starts_at")
            .values_list("pk", flat=True)[:8]
        ) + list(
            Meeting.objects.filter(group=group, starts_at__lt=now)
            .order_by("-starts_at")
            .values_list("pk", flat=True)[:4]
        )
        if not meetings:
            raise RuntimeError(f"group {group.slug} has no meetings")
        members.append(
            {
                "session": _session(user),
                # The form token's secret a browser would have kept from its first page.
                "csrf": get_random_string(32),
                "organizer_session": _session(organizer),
                "slug": group.slug,
                "meeting": meetings[0],
                "meetings": meetings,
                "presentations": list(
                    Presentation.objects.filter(meeting__group=group).values_list("pk", flat=True)
                ),
                "token": meeting_services.get_or_create_feed_token(user=user).token,
                "topic": threads[group.pk],
            }
        )
    return members


def anonymous_groups(count: int) -> list[str]:
    """Slugs of `count` synthetic groups spread over all of them (the same ones each run)."""
    slugs = list(
        Group.objects.filter(slug__startswith="scale-")
        .order_by("slug")
        .values_list("slug", flat=True)
    )
    return random.Random(19).sample(  # noqa: S311 - a fixed sample, not a secret
        slugs, min(count, len(slugs))
    )


# --- Server -------------------------------------------------------------------------------------


class Server:
    def __init__(self, worker_class: str, workers: int, workdir: Path):
        self.worker_class = worker_class
        self.workers = workers
        self.proc = None
        self.log_path = workdir / f"gunicorn-{worker_class}.log"

    def start(self):
        cmd = [
            str(VENV_BIN / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(self.workers),
            "--worker-class",
            self.worker_class,
            "--log-level",
            "warning",
            "--timeout",
            "60",
        ]
        if self.worker_class == "gthread":
            cmd += ["--threads", "2"]
        self.log_file = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(  # noqa: S603 - our own venv binaries
            cmd,
            cwd=ROOT,
            env=os.environ.copy(),
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        # Each worker builds the offline gazetteer as it starts (WARM_GAZETTEER: about 2 s of
        # CPU each), so on a busy machine the first answer can take a while.
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited; see {self.log_path}:\n{self.log_path.read_text()}"
                )
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{PORT}/bench/trivial/", timeout=5
                ) as r:
                    if r.status == 200:
                        log(
                            f"gunicorn up on :{PORT} ({self.workers} {self.worker_class} workers, "
                            f"pid {self.proc.pid})"
                        )
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer within 180 s")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        if self.proc:
            self.log_file.close()
        self.proc = None


# --- Requests -----------------------------------------------------------------------------------

BROWSE_QUERIES = [
    "?purpose=consultation&has_seats=on&sort=seats",
    "?purpose=support&sort=name",
    "?purpose=collaboration&has_seats=on",
    "?has_seats=on&sort=seats",
    "",
]
SEARCH_QUERIES = ["?q=support", "?q=support&sort=name", "?q=consultation", "?q=trauma"]


def fit_queries() -> list[str]:
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


def near_queries(online: bool) -> list[str]:
    """Every place at every distance (60 searches), some with another order or open seats."""
    queries = []
    for n, place in enumerate(NEAR_PLACES):
        for miles in (10, 25, 50, 100):
            query = f"near={place.replace(' ', '+').replace(',', '%2C')}&within={miles}"
            query += ("", "&sort=name", "&has_seats=on", "&format=structured")[(n + miles) % 4]
            queries.append(f"?{query}&online=on" if online else f"?{query}")
    return queries


def never_cached(queries: list[str], repeat: int = 60) -> list[str]:
    """Each query many times with a parameter of its own: no cached copy answers any of them
    (what the database and the templates cost), over `repeat` rounds of the list."""
    return [
        f"{query}{'&' if query else '?'}nocache={round_}-{n}"
        for round_ in range(repeat)
        for n, query in enumerate(queries)
    ]


def requests_for(scenario: Scenario, members: list[dict], anon_slugs: list[str]) -> list[tuple]:
    """(path, headers) of every request the scenario cycles through: many URLs wherever a real
    population would vary them, the signed-in ones spread over the bench members' sessions."""
    name = scenario.name

    def signed(paths_of):
        rows = []
        for member in members:
            cookie = member["organizer_session"] if name == "attendance" else member["session"]
            # What a browser sends: the session and the form token's cookie.
            cookies = f"sessionid={cookie}; csrftoken={member['csrf']}"
            rows += [(path, {"Cookie": cookies}) for path in paths_of(member)]
        return rows

    def anon(paths):
        return [(path, {}) for path in paths]

    browse = [f"/groups/{q}" for q in BROWSE_QUERIES + fit_queries()]
    table = {
        "trivial_anon": lambda: anon(["/bench/trivial/"]),
        "trivial_member": lambda: signed(lambda m: ["/bench/trivial/"]),
        "static": lambda: anon(["/static/css/peercircle.css"]),
        "landing": lambda: anon(["/"]),
        "browse_anon": lambda: anon(browse),
        "browse_member_one": lambda: signed(lambda m: [f"/groups/{BROWSE_QUERIES[0]}"]),
        "browse_member": lambda: signed(lambda m: browse),
        "browse_search": lambda: signed(lambda m: [f"/groups/{q}" for q in SEARCH_QUERIES]),
        "browse_fit": lambda: signed_once(fit_queries()),
        "browse_near": lambda: signed_once(near_queries(online=False)),
        "browse_near_online": lambda: signed_once(near_queries(online=True)),
        "group_anon": lambda: anon([f"/groups/{slug}/" for slug in anon_slugs]),
        "group": lambda: signed(lambda m: [f"/groups/{m['slug']}/"]),
        "meeting": lambda: signed(lambda m: [f"/meetings/{pk}/" for pk in m["meetings"]]),
        "presentation": lambda: signed(
            lambda m: [f"/presentations/{pk}/" for pk in m["presentations"]]
        ),
        "dashboard": lambda: signed(lambda m: ["/me/"]),
        "network": lambda: signed(lambda m: ["/network/"]),
        "hours": lambda: signed(lambda m: ["/me/hours/"]),
        "board": lambda: signed(lambda m: [f"/groups/{m['slug']}/board/"]),
        "thread": lambda: signed(lambda m: [f"/groups/{m['slug']}/board/{m['topic']}/"]),
        "polls": lambda: signed(lambda m: [f"/groups/{m['slug']}/polls/"]),
        "attendance": lambda: signed(lambda m: [f"/groups/{m['slug']}/attendance/"]),
        "feed": lambda: [(f"/calendar/{m['token']}.ics", {}) for m in members],
        "feed_repeat": lambda: [
            (f"/calendar/{m['token']}.ics", {"If-None-Match": m.get("etag", '"none"')})
            for m in members
        ],
    }

    def signed_once(queries):
        """Never-cached browse: the queries spread over the members, each asked once."""
        paths = [f"/groups/{q}" for q in never_cached(queries)]
        return [
            (path, {"Cookie": _cookies(members[n % len(members)])}) for n, path in enumerate(paths)
        ]

    return table[name]()


def _cookies(member: dict) -> str:
    return f"sessionid={member['session']}; csrftoken={member['csrf']}"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(path: str, headers: dict) -> tuple[int, dict]:
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", headers=headers)
    try:
        with opener.open(request, timeout=60) as response:
            response.read()
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def feed_etags(members: list[dict]) -> None:
    """Each bench member's calendar-feed ETag, for the repeated-fetch scenario."""
    for member in members:
        _, headers = fetch(f"/calendar/{member['token']}.ics", {})
        member["etag"] = headers.get("ETag", '"none"')


def warm(scenario: Scenario, rows: list[tuple]) -> None:
    """Every distinct request of the scenario once, just before it runs (eight at a time), so
    caches hold what people would have made them hold (never-cached browse: its first requests
    only, as a check); anything but the expected answer stops the harness."""
    distinct = sorted({(path, tuple(sorted(h.items()))) for path, h in rows})
    if scenario.name in ("browse_fit", "browse_near", "browse_near_online"):
        distinct = distinct[:20]
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = pool.map(lambda row: (row[0], fetch(row[0], dict(row[1]))[0]), distinct)
        for path, status in statuses:
            if status != scenario.expected:
                raise RuntimeError(
                    f"smoke check: {path} answered {status}, not {scenario.expected} "
                    f"(scenario {scenario.name})"
                )


def write_requests(rows: list[tuple], path: Path) -> None:
    with path.open("w") as f:
        for url, headers in rows:
            f.write("\t".join([url, *(f"{k}: {v}" for k, v in headers.items())]) + "\n")


# --- Load ---------------------------------------------------------------------------------------


def run_wrk(scenario: Scenario, rows: list[tuple], workdir: Path) -> dict:
    requests_file = workdir / f"{scenario.name}.tsv"
    write_requests(rows, requests_file)
    cmd = [
        "wrk",
        "--threads",
        "2",
        "--connections",
        str(ARGS.connections),
        "--duration",
        ARGS.duration,
        "--timeout",
        "10s",
        "--script",
        str(WRK_SCRIPT),
        f"http://127.0.0.1:{PORT}",
        "--",
        str(requests_file),
        str(scenario.expected),
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=3600)  # noqa: S603
    line = next((s for s in result.stdout.splitlines() if s.startswith("{")), None)
    if result.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    raw = json.loads(line)
    seconds = raw["duration_us"] / 1e6
    return {
        "requests": raw["requests"],
        "failures": raw["wrong_status"] + raw["socket_errors"],
        "failure_sample": raw["wrong_sample"] or None,
        "rps": round(raw["requests"] / seconds, 1),
        "p50_ms": round(raw["p50_us"] / 1000, 1),
        "p90_ms": round(raw["p90_us"] / 1000, 1),
        "p99_ms": round(raw["p99_us"] / 1000, 1),
        "mean_ms": round(raw["mean_us"] / 1000, 1),
    }


def run_locust(scenario: Scenario, rows: list[tuple], workdir: Path) -> dict:
    requests_file = workdir / f"{scenario.name}.tsv"
    write_requests(rows, requests_file)
    prefix = workdir / scenario.name
    env = os.environ.copy()
    env.update(BENCH_REQUESTS=str(requests_file), BENCH_EXPECTED=str(scenario.expected))
    cmd = [
        str(VENV_BIN / "locust"),
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "-u",
        str(ARGS.connections),
        "-r",
        str(ARGS.connections),
        "--reset-stats",
        "-t",
        ARGS.duration,
        "--host",
        f"http://127.0.0.1:{PORT}",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
    ]
    result = subprocess.run(  # noqa: S603 - our own venv binary
        cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=3600
    )
    stats_file = Path(f"{prefix}_stats.csv")
    if result.returncode != 0 or not stats_file.exists():
        raise RuntimeError(
            f"locust failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
    with stats_file.open() as f:
        row = next(r for r in csv.DictReader(f) if r["Name"] == "Aggregated")

    def num(key):
        value = row.get(key, "N/A")
        return None if value in ("N/A", "") else float(value)

    return {
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
        "failure_sample": None,
        "rps": round(num("Requests/s") or 0.0, 1),
        "p50_ms": num("50%"),
        "p90_ms": num("90%"),
        "p99_ms": num("99%"),
        "mean_ms": round(num("Average Response Time") or 0.0, 1),
    }


# --- Report -------------------------------------------------------------------------------------


def fmt(value, digits=0):
    return "-" if value is None else f"{value:,.{digits}f}"


def ratio_to_trivial(name: str, results: dict) -> float | None:
    """Throughput as a share of the trivial view's in the same sign-in state (the signed-in
    trivial view itself: of the anonymous one)."""
    scenario = SCENARIO_BY_NAME[name]
    if name == "trivial_member":
        base = results.get("trivial_anon")
    else:
        base = results.get("trivial_member" if scenario.signed_in else "trivial_anon")
    if not base or not base["rps"]:
        return None
    return round(results[name]["rps"] / base["rps"], 3)


def print_table(results: dict):
    header = f"{'page':<44} {'rps':>8} {'p50':>6} {'p90':>6} {'p99':>6} {'÷trivial':>9} {'fail':>5}"
    print(header)
    print("-" * len(header))
    for name, stats in results.items():
        ratio = ratio_to_trivial(name, results)
        print(
            f"{SCENARIO_BY_NAME[name].label:<44} {fmt(stats['rps'], 1):>8} "
            f"{fmt(stats['p50_ms'], 1):>6} {fmt(stats['p90_ms'], 1):>6} "
            f"{fmt(stats['p99_ms'], 1):>6} {fmt(ratio, 2):>9} {stats['failures']:>5}"
        )
    print(
        "(latencies in ms; ÷trivial: requests per second as a share of the trivial view's in "
        "the same sign-in state; the signed-in trivial view's of the anonymous one)"
    )


def check_targets(results: dict, compare: dict | None) -> list[dict]:
    checks = []

    def add(name, ok, detail):
        checks.append({"target": name, "pass": bool(ok), "detail": detail})

    for name, stats in results.items():
        scenario = SCENARIO_BY_NAME[name]
        ratio = ratio_to_trivial(name, results)
        share = {
            "page": PAGE_SHARE,
            "feed": FEED_REPEAT_SHARE,
            "trivial": MEMBER_TRIVIAL_SHARE if name == "trivial_member" else None,
        }.get(scenario.kind)
        share = BROWSE_SHARES.get(name, share) if name in BROWSE_SHARES and not share else share
        if share is not None and ratio is not None:
            add(
                f"{name} >= {share} of the trivial view",
                ratio >= share,
                f"{ratio:.2f} ({stats['rps']} rps)",
            )
        # The never-cached browse scenarios measure a miss by construction (each query string is
        # new): for information, no latency target.
        if name not in ("static", "browse_fit", "browse_near", "browse_near_online"):
            add(
                f"{name} p99 <= {P99_LIMIT_MS:.0f} ms at {ARGS.connections} connections, no errors",
                stats["p99_ms"] is not None
                and stats["p99_ms"] <= P99_LIMIT_MS
                and stats["failures"] == 0,
                f"p99 {fmt(stats['p99_ms'], 1)} ms, {stats['failures']} failures of "
                f"{stats['requests']}"
                + (f" ({stats['failure_sample']})" if stats.get("failure_sample") else ""),
            )
    for name, share in BROWSE_SHARES.items():
        ratio = ratio_to_trivial(name, results) if name in results else None
        if ratio is not None and not any(c["target"].startswith(f"{name} >=") for c in checks):
            add(f"{name} >= {share} of the trivial view", ratio >= share, f"{ratio:.2f}")
    if compare:
        before = compare["scenarios"]
        for name in GROWTH_SCENARIOS:
            now_ratio = ratio_to_trivial(name, results) if name in results else None
            then_ratio = before.get(name, {}).get("ratio_to_trivial")
            if now_ratio and then_ratio:
                # Cost of a request, in trivial views: the inverse of the ratio.
                growth = then_ratio / now_ratio
                add(
                    f"{name} at {compare['sizes']['groups']:,} -> {ARGS.groups:,} groups costs "
                    f"<= {GROWTH_LIMIT}x",
                    growth <= GROWTH_LIMIT,
                    f"{growth:.2f}x (ratio to trivial {then_ratio} -> {now_ratio})",
                )
    return checks


def machine() -> dict:
    info = {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
    }
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            info["postgresql"] = cursor.fetchone()[0]
    except Exception:  # noqa: S110 - informative only
        pass
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return info


SCENARIO_BY_NAME = {scenario.name: scenario for scenario in SCENARIOS}


def chosen_scenarios() -> list[Scenario]:
    if not ARGS.only:
        return list(SCENARIOS)
    wanted = [s.strip() for s in ARGS.only.split(",") if s.strip()]
    unknown = set(wanted) - set(SCENARIO_BY_NAME)
    if unknown:
        sys.exit(f"unknown scenarios: {', '.join(sorted(unknown))}")
    # The trivial views are always measured: every ratio is read against them.
    keep = set(wanted) | {"trivial_anon", "trivial_member"}
    return [s for s in SCENARIOS if s.name in keep]


def main() -> int:
    scenarios = chosen_scenarios()
    engine = ARGS.engine
    if engine == "auto":
        engine = "wrk" if shutil.which("wrk") else "locust"
    if engine == "wrk" and not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk (or --engine locust)")
    workers = ARGS.workers or 2 * (os.cpu_count() or 1) + 1
    workdir = Path(tempfile.mkdtemp(prefix="peercircle-bench-"))
    static_root = workdir / "static"
    os.environ["STATIC_ROOT"] = str(static_root)
    from django.conf import settings

    settings.STATIC_ROOT = str(static_root)
    compare = json.loads(Path(ARGS.compare).read_text()) if ARGS.compare else None
    log(f"database {ENV['DATABASE_URL']}, redis {ENV['REDIS_URL']}, work files in {workdir}")
    ensure_database()
    log("collectstatic")
    call_command("collectstatic", interactive=False, verbosity=0)
    data = None if ARGS.skip_seed else seed(ARGS.groups)
    members = bench_members(ARGS.users)
    anon_slugs = anonymous_groups(ANON_GROUPS)
    server = Server("sync", workers, workdir)
    results = {}
    try:
        server.start()
        feed_etags(members)
        log(
            f"running {len(scenarios)} scenarios at {ARGS.groups:,} groups with {engine}, "
            f"{ARGS.connections} connections, {ARGS.duration} each"
        )
        run = run_wrk if engine == "wrk" else run_locust
        for scenario in scenarios:
            rows = requests_for(scenario, members, anon_slugs)
            warm(scenario, rows)
            stats = run(scenario, rows, workdir)
            results[scenario.name] = stats
            log(
                f"  {scenario.name:<20} {stats['rps']:>8.1f} rps  p50 {stats['p50_ms']} ms  "
                f"p99 {stats['p99_ms']} ms  failures {stats['failures']}"
            )
    finally:
        server.stop()
        shutil.rmtree(static_root, ignore_errors=True)
    print()
    print(
        f"== {ARGS.groups:,} groups, {ARGS.connections} connections ({engine}), {ARGS.duration} "
        f"per page, {workers} sync gunicorn workers =="
    )
    print_table(results)
    checks = check_targets(results, compare)
    print()
    for check in checks:
        print(f"{'PASS' if check['pass'] else 'FAIL'}  {check['target']}: {check['detail']}")
    write_results(results, checks, data, engine, workers)
    return 0


def write_results(results, checks, data, engine, workers):
    results_path = Path(ARGS.results).resolve()
    sizes = {
        "groups": ARGS.groups,
        "meetings_per_group": ARGS.meetings_per_group,
        "members_per_group": ARGS.members_per_group,
        "rsvp_meetings_per_member": ARGS.rsvp_meetings,
        "bench_members": ARGS.users,
        "connections": ARGS.connections,
        "duration_per_scenario": ARGS.duration,
        "board_topics_per_bench_group": BOARD_TOPICS,
        "thread_replies": THREAD_REPLIES,
        "agendas_per_bench_group": BENCH_MEETINGS,
        "polls_per_bench_group": BENCH_POLLS,
        "anonymous_group_pages": ANON_GROUPS,
    }
    results_path.write_text(
        json.dumps(
            {
                "when": timezone.now().isoformat(timespec="seconds"),
                "machine": machine(),
                "sizes": sizes,
                "data": data,
                "engine": engine,
                "gunicorn": {"workers": workers, "worker_class": "sync"},
                "scenarios": {
                    name: {
                        "label": SCENARIO_BY_NAME[name].label,
                        "signed_in": SCENARIO_BY_NAME[name].signed_in,
                        **stats,
                        "ratio_to_trivial": ratio_to_trivial(name, results),
                    }
                    for name, stats in results.items()
                },
                "targets": checks,
            },
            indent=2,
        )
        + "\n"
    )
    log(f"wrote {results_path}")


if __name__ == "__main__":
    sys.exit(main())
