"""Web benchmark (`make bench`; a script, not a test).

Seeds a large PostgreSQL database, starts gunicorn with the production settings and drives each
page with locust (headless, one scenario per run), then prints throughput and latency, writes
bench/results.json and checks the targets of issue 8. Needs PostgreSQL and Redis; run from the
project root:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/peercircle_bench \
    REDIS_URL=redis://127.0.0.1:6379/5 .venv/bin/python bench/web.py

**The database named in DATABASE_URL is wiped first.** `--help` lists the sizes; a quick check:
`bench/web.py --groups 300 --meetings-per-group 5 --duration 10s --small 100`.
It exits 0 even when targets fail (it is a measurement); non-zero only when the harness breaks.
"""

import argparse
import csv
import json
import os
import platform
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
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results.json"
LOCUSTFILE = ROOT / "bench" / "locustfile.py"

SCENARIOS = [
    ("trivial", "trivial view: landing page / (anonymous)"),
    ("static", "static file /static/css/peercircle.css"),
    ("browse_anon", "browse with filters (anonymous)"),
    ("browse_signed_in", "browse with filters (signed in)"),
    ("browse_search", "browse with search ?q= (signed in)"),
    ("browse_uncached", "browse, signed in, never cached (info)"),
    ("browse_fit", "browse, filters for fit, never cached"),
    ("browse_near", "browse near a place, never cached"),
    ("browse_near_online", "browse near a place + online, never cached"),
    ("group", "group page (member)"),
    ("meeting", "meeting page (member)"),
    ("dashboard", "dashboard /me/"),
    ("feed", "personal calendar feed .ics"),
    ("board", "group board, 40 topics (member)"),
    ("thread", "board thread, 50 replies (member)"),
]
GROWTH_SCENARIOS = ["browse_anon", "browse_signed_in", "group"]
P95_LIMIT_MS = 100.0
GROWTH_LIMIT = 1.5
# Board content on each bench member's group (only those: the rest of the groups stay empty).
BOARD_TOPICS = 40
BOARD_PINNED = (4, 15, 27)  # which of the topics (by age, 0 = the newest) are pinned
THREAD_REPLIES = 50
THREAD_TITLE = "Bench thread: notes after our last meeting"


def parse_args():
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
    parser.add_argument("--users", type=int, default=20, help="concurrent locust users")
    parser.add_argument(
        "--duration", default="15s", help="per scenario and phase, locust -t syntax"
    )
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="mean think time in seconds between a user's requests in the paced phase "
        "(uniform between half and one and a half times it); 0 skips that phase",
    )
    parser.add_argument("--small", type=int, default=1000, help="groups for the growth check")
    parser.add_argument("--skip-small", action="store_true", help="no growth comparison")
    parser.add_argument("--skip-seed", action="store_true", help="reuse the seeded database")
    parser.add_argument(
        "--worker-class",
        choices=["auto", "sync", "gthread"],
        default="sync",
        help="gunicorn workers (default sync, which won every trial so far); auto measures both "
        "on signed-in browse and keeps the faster",
    )
    parser.add_argument("--workers", type=int, default=0, help="default 2*cores+1")
    parser.add_argument(
        "--only", default="", help="comma-separated scenario names (default: all of them)"
    )
    parser.add_argument(
        "--results",
        default=str(RESULTS),
        help="where to write the results (default bench/results.json; the 100,000-group run "
        "keeps bench/web-results-100k.json)",
    )
    return parser.parse_args()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


ARGS = parse_args()
PORT = free_port()
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="peercircle-bench-static-"))
WORKDIR = Path(tempfile.mkdtemp(prefix="peercircle-bench-"))
ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "".join(
        secrets.choice(string.ascii_letters + string.digits + "!@#%^&*-_=+") for _ in range(50)
    ),
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "false",
    "SITE_URL": f"http://127.0.0.1:{PORT}",
    "DATABASE_URL": os.environ.get(
        "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/peercircle_bench"
    ),
    "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/5"),
    "STATIC_ROOT": str(STATIC_ROOT),
    "LOG_LEVEL": "WARNING",
    # Production refuses to start without a mail server; the pages measured send no e-mail.
    "ALLOW_CONSOLE_EMAIL": "true",
}
# The harness runs under the same settings and secret key as the server: the sessions it writes
# and the session auth hashes in them must verify in gunicorn.
os.environ.update(ENV)
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

from board.enums import TopicKind  # noqa: E402
from board.models import Reply, Topic  # noqa: E402
from groups.enums import Role  # noqa: E402
from groups.models import GroundRulesVersion, Group, Membership  # noqa: E402
from meetings import services as meeting_services  # noqa: E402
from meetings.enums import RsvpAnswer  # noqa: E402
from meetings.models import Meeting, Rsvp  # noqa: E402


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


def bench_members(count: int) -> list[dict]:
    """Sessions, a group, an upcoming meeting, a feed token and a board thread for `count`
    synthetic members (their groups get board content: add_board)."""
    groups = list(Group.objects.filter(slug__startswith="scale-").order_by("slug"))
    if not groups:
        raise RuntimeError("no synthetic groups: run without --skip-seed first")
    step = max(1, len(groups) // count)
    picked = [groups[(i * step) % len(groups)] for i in range(count)]
    threads = add_board(list({group.pk: group for group in picked}.values()))
    now = timezone.now()
    members = []
    for group in picked:
        memberships = list(
            Membership.objects.filter(group=group).select_related("user").order_by("id")
        )
        user = memberships[1 % len(memberships)].user  # a member, not the organizer
        meeting = (
            Meeting.objects.filter(group=group, starts_at__gte=now).order_by("starts_at").first()
            or Meeting.objects.filter(group=group).order_by("-starts_at").first()
        )
        if meeting is None:
            raise RuntimeError(f"group {group.slug} has no meetings")
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "members.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.set_expiry(24 * 3600)
        session.save()
        token = meeting_services.get_or_create_feed_token(user=user).token
        members.append(
            {
                "session": session.session_key,
                "slug": group.slug,
                "meeting": meeting.pk,
                "token": token,
                "topic": threads[group.pk],
            }
        )
    return members


# --- Server -------------------------------------------------------------------------------------


class Server:
    def __init__(self, worker_class: str, workers: int):
        self.worker_class = worker_class
        self.workers = workers
        self.proc = None
        self.log_path = WORKDIR / f"gunicorn-{worker_class}.log"

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
                with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/", timeout=5) as r:
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


def scenario_paths(member: dict) -> dict[str, tuple[str, bool]]:
    return {
        "trivial": ("/", False),
        "static": ("/static/css/peercircle.css", False),
        "browse_anon": ("/groups/?purpose=consultation&has_seats=on&sort=seats", False),
        "browse_signed_in": ("/groups/?purpose=consultation&has_seats=on&sort=seats", True),
        "browse_search": ("/groups/?q=support", True),
        "browse_uncached": ("/groups/?purpose=support&sort=name&nocache=smoke", True),
        "browse_fit": ("/groups/?format=structured&size=small&time_of_day=evening", True),
        "browse_near": ("/groups/?near=Boston%2C+MA&within=25", True),
        "browse_near_online": ("/groups/?near=80202&within=50&online=on", True),
        "group": (f"/groups/{member['slug']}/", True),
        "meeting": (f"/meetings/{member['meeting']}/", True),
        "dashboard": ("/me/", True),
        "feed": (f"/calendar/{member['token']}.ics", False),
        "board": (f"/groups/{member['slug']}/board/", True),
        "thread": (f"/groups/{member['slug']}/board/{member['topic']}/", True),
    }


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def smoke(members: list[dict], scenarios: list[str]):
    """One request per scenario and member before any load: a 200, or the harness stops."""
    opener = urllib.request.build_opener(NoRedirect)
    for member in members:
        paths = scenario_paths(member)
        for name in scenarios:
            path, signed_in = paths[name]
            request = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}")
            if signed_in:
                request.add_header("Cookie", f"sessionid={member['session']}")
            try:
                with opener.open(request, timeout=30) as response:
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            if status != 200:
                raise RuntimeError(
                    f"smoke check: {path} answered {status} (signed in: {signed_in})"
                )


# --- Load ---------------------------------------------------------------------------------------


def run_locust(
    scenario: str, members: list[dict], duration: str, tag: str, think: float = 0.0
) -> dict:
    prefix = WORKDIR / f"{tag}-{scenario}"
    env = os.environ.copy()
    env.update(BENCH_SCENARIO=scenario, BENCH_USERS=json.dumps(members), BENCH_WAIT=str(think))
    cmd = [
        str(VENV_BIN / "locust"),
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "-u",
        str(ARGS.users),
        # Paced users arrive spread over two think times, so they do not all ask at once; the
        # statistics restart once all of them are running (--reset-stats).
        "-r",
        str(ARGS.users if not think else max(1.0, ARGS.users / (2 * think))),
        "--reset-stats",
        "-t",
        duration,
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
        rows = [row for row in csv.DictReader(f) if row["Name"] == "Aggregated"]
    row = rows[0]

    def num(key):
        value = row.get(key, "N/A")
        return None if value in ("N/A", "") else float(value)

    stats = {
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
        "rps": round(num("Requests/s") or 0.0, 1),
        "p50_ms": num("50%"),
        "p95_ms": num("95%"),
        "p99_ms": num("99%"),
        "mean_ms": round(num("Average Response Time") or 0.0, 1),
    }
    failures_file = Path(f"{prefix}_failures.csv")
    if stats["failures"] and failures_file.exists():
        with failures_file.open() as f:
            stats["failure_samples"] = [
                f"{r['Name']}: {r['Error']} x{r['Occurrences']}" for r in csv.DictReader(f)
            ][:5]
    log(
        f"  {tag:>12} {scenario:<17} {stats['rps']:>8.1f} rps  p50 {stats['p50_ms']} ms  "
        f"p95 {stats['p95_ms']} ms  p99 {stats['p99_ms']} ms  failures {stats['failures']}"
    )
    return stats


def choose_worker_class(workers: int, members: list[dict]) -> tuple[str, dict]:
    if ARGS.worker_class != "auto":
        return ARGS.worker_class, {}
    trial = {}
    for kind in ("sync", "gthread"):
        server = Server(kind, workers)
        try:
            server.start()
            smoke(members[:1], ["browse_signed_in"])
            trial[kind] = run_locust("browse_signed_in", members, "10s", f"try-{kind}")
        finally:
            server.stop()
    best = max(trial, key=lambda k: trial[k]["rps"])
    log(
        f"worker class: {best} (signed-in browse, 10 s: "
        + ", ".join(f"{k} {v['rps']} rps / p95 {v['p95_ms']} ms" for k, v in trial.items())
        + ")"
    )
    return best, trial


def run_all(
    scenarios: list[str],
    members: list[dict],
    worker_class: str,
    workers: int,
    tag: str,
    *,
    paced: bool = True,
) -> dict:
    """Each scenario twice: saturated (no think time: throughput) and paced (latency).

    Saturated, every user sends its next request as soon as the last one answers, so the server
    is never idle and the latency is mostly waiting in the queue (about users / throughput).
    Paced, the same number of users wait --think seconds between pages, as people do, and the
    latency is what one of them sees while the others are busy too.
    """
    server = Server(worker_class, workers)
    results = {}
    try:
        server.start()
        smoke(members, scenarios)
        for name in scenarios:
            results[name] = {"saturated": run_locust(name, members, ARGS.duration, tag)}
            # The static file has no latency target: its paced phase would only take time.
            if paced and ARGS.think > 0 and name != "static":
                results[name]["paced"] = run_locust(
                    name, members, ARGS.duration, f"{tag}-paced", think=ARGS.think
                )
        return results
    finally:
        server.stop()


# --- Report -------------------------------------------------------------------------------------


def fmt(value, digits=0):
    return "-" if value is None else f"{value:,.{digits}f}"


def print_table(results: dict, trivial_rps: float | None, labels: dict):
    paced = any("paced" in r for r in results.values())
    header = (
        f"{'page':<40} {'rps':>8} {'p50':>5} {'p95':>5} {'p99':>5} {'÷trivial':>9}"
        + (f" | {'rps':>6} {'p50':>5} {'p95':>5} {'p99':>5}" if paced else "")
        + f" {'fail':>5}"
    )
    print(
        f"{'':<40} {'saturated: ' + str(ARGS.users) + ' users, no think time':<36}"
        + (f" | paced: {ARGS.users} users, ~{ARGS.think:g} s think time" if paced else "")
    )
    print(header)
    print("-" * len(header))
    for name, result in results.items():
        sat = result["saturated"]
        ratio = sat["rps"] / trivial_rps if trivial_rps else None
        line = (
            f"{labels.get(name, name):<40} {fmt(sat['rps'], 1):>8} {fmt(sat['p50_ms']):>5} "
            f"{fmt(sat['p95_ms']):>5} {fmt(sat['p99_ms']):>5} "
            f"{fmt(ratio, 2) if ratio is not None else '-':>9}"
        )
        failures = sat["failures"]
        if paced:
            pc = result.get("paced")
            if pc:
                line += (
                    f" | {fmt(pc['rps'], 1):>6} {fmt(pc['p50_ms']):>5} {fmt(pc['p95_ms']):>5} "
                    f"{fmt(pc['p99_ms']):>5}"
                )
                failures += pc["failures"]
            else:
                line += f" | {'-':>6} {'-':>5} {'-':>5} {'-':>5}"
        print(f"{line} {failures:>5}")
    print(
        "(latencies in ms; ÷trivial is saturated throughput as a share of the landing page's; "
        "fail counts both phases)"
    )


def latency_phase(result: dict) -> tuple[str, dict]:
    """The phase the p95 target is read from: paced when it ran, saturated otherwise."""
    if "paced" in result:
        return "paced", result["paced"]
    return "saturated", result["saturated"]


def check_targets(big: dict, small: dict | None, sizes: dict) -> list[dict]:
    checks = []
    trivial = big.get("trivial", {}).get("saturated", {}).get("rps")

    def add(name, ok, detail):
        checks.append({"target": name, "pass": bool(ok), "detail": detail})

    if trivial:
        for scenario, share in (("browse_signed_in", 0.15), ("browse_anon", 0.40)):
            if scenario in big:
                rps = big[scenario]["saturated"]["rps"]
                ratio = rps / trivial
                add(
                    f"{scenario} throughput >= {share:.0%} of trivial",
                    ratio >= share,
                    f"{ratio:.2f} ({rps} / {trivial} rps, saturated)",
                )
    for scenario, result in big.items():
        if scenario == "static":
            continue
        phase, stats = latency_phase(result)
        failures = sum(r["failures"] for r in result.values())
        requests = sum(r["requests"] for r in result.values())
        p95 = stats["p95_ms"]
        add(
            f"{scenario} p95 <= {P95_LIMIT_MS:.0f} ms with {ARGS.users} users, no errors",
            p95 is not None and p95 <= P95_LIMIT_MS and failures == 0,
            f"p95 {fmt(p95)} ms ({phase}; saturated p95 {fmt(result['saturated']['p95_ms'])} ms),"
            f" {failures} failures of {requests}",
        )
    if small:
        for scenario in GROWTH_SCENARIOS:
            if scenario in big and scenario in small:
                a, b = big[scenario]["saturated"], small[scenario]["saturated"]
                if a["p95_ms"] and b["p95_ms"]:
                    ratio = a["p95_ms"] / b["p95_ms"]
                    add(
                        f"{scenario} p95 at {sizes['groups']:,} groups <= {GROWTH_LIMIT}x "
                        f"{sizes['small_groups']:,} groups",
                        ratio <= GROWTH_LIMIT,
                        f"{ratio:.2f}x ({a['p95_ms']} vs {b['p95_ms']} ms saturated; "
                        f"{a['rps']} vs {b['rps']} rps)",
                    )
    return checks


def machine() -> dict:
    info = {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor(),
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


def main() -> int:
    labels = dict(SCENARIOS)
    scenarios = [name for name, _ in SCENARIOS]
    if ARGS.only:
        wanted = [s.strip() for s in ARGS.only.split(",") if s.strip()]
        unknown = set(wanted) - set(scenarios)
        if unknown:
            sys.exit(f"unknown scenarios: {', '.join(sorted(unknown))}")
        scenarios = [s for s in scenarios if s in wanted]
    workers = ARGS.workers or 2 * (os.cpu_count() or 1) + 1
    sizes = {
        "groups": ARGS.groups,
        "meetings_per_group": ARGS.meetings_per_group,
        "members_per_group": ARGS.members_per_group,
        "rsvp_meetings_per_member": ARGS.rsvp_meetings,
        "small_groups": None if ARGS.skip_small else ARGS.small,
        "users": ARGS.users,
        "duration_per_phase": ARGS.duration,
        "paced_think_time_s": ARGS.think,
        "board_topics_per_bench_group": BOARD_TOPICS,
        "board_pinned_per_bench_group": len(BOARD_PINNED),
        "thread_replies": THREAD_REPLIES,
    }
    log(f"database {ENV['DATABASE_URL']}, redis {ENV['REDIS_URL']}, work files in {WORKDIR}")
    ensure_database()
    log("collectstatic")
    call_command("collectstatic", interactive=False, verbosity=0)

    data = None
    if not ARGS.skip_seed:
        data = seed(ARGS.groups)
    members = bench_members(ARGS.users)
    worker_class, trial = choose_worker_class(workers, members)
    log(
        f"running {len(scenarios)} scenarios at {ARGS.groups:,} groups, {ARGS.users} users, "
        f"{ARGS.duration} each"
    )
    big = run_all(scenarios, members, worker_class, workers, "big")

    small, small_data = None, None
    growth = [s for s in GROWTH_SCENARIOS if s in scenarios]
    if not ARGS.skip_small and growth:
        log(f"growth: reseeding at {ARGS.small:,} groups")
        small_data = seed(ARGS.small)
        small_members = bench_members(ARGS.users)
        small = run_all(growth, small_members, worker_class, workers, "small", paced=False)

    print()
    print(
        f"== {ARGS.groups:,} groups, {ARGS.groups * ARGS.meetings_per_group:,} synthetic "
        f"meetings, {ARGS.users} users, {ARGS.duration} per page and phase, {workers} "
        f"{worker_class} gunicorn workers =="
    )
    trivial_rps = big.get("trivial", {}).get("saturated", {}).get("rps")
    print_table(big, trivial_rps, labels)
    if small:
        print()
        print(f"== growth: p95 at {ARGS.groups:,} vs {ARGS.small:,} groups ==")
        for name in growth:
            a, b = big[name]["saturated"]["p95_ms"], small[name]["saturated"]["p95_ms"]
            ratio = f"{a / b:.2f}x" if a and b else "-"
            print(f"{labels[name]:<40} {fmt(a):>6} ms vs {fmt(b):>6} ms  {ratio}")
    checks = check_targets(big, small, sizes)
    print()
    for check in checks:
        print(f"{'PASS' if check['pass'] else 'FAIL'}  {check['target']}: {check['detail']}")

    results_path = Path(ARGS.results).resolve()
    results_path.write_text(
        json.dumps(
            {
                "when": timezone.now().isoformat(timespec="seconds"),
                "machine": machine(),
                "sizes": sizes,
                "data": data,
                "small_data": small_data,
                "gunicorn": {
                    "workers": workers,
                    "worker_class": worker_class,
                    "threads": 2 if worker_class == "gthread" else 1,
                    "worker_class_trial": trial,
                },
                "scenarios": {
                    name: {
                        "label": labels[name],
                        **result,
                        "ratio_to_trivial": round(result["saturated"]["rps"] / trivial_rps, 3)
                        if trivial_rps
                        else None,
                    }
                    for name, result in big.items()
                },
                "small": small,
                "targets": checks,
            },
            indent=2,
        )
        + "\n"
    )
    log(f"wrote {results_path}")
    return 0


if __name__ == "__main__":
    try:
        code = main()
    finally:
        shutil.rmtree(STATIC_ROOT, ignore_errors=True)
    sys.exit(code)
