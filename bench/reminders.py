"""Reminder benchmark (a script, not a test).

1. Dispatcher scan: how long planning takes with 10,000 and with 1,000,000 scheduled meetings.
2. End to end: 10,000 due reminders, one Celery worker, a local SMTP sink; sends per second.

Needs PostgreSQL and Redis. Run from the project root:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/peercircle_bench \
    REDIS_URL=redis://127.0.0.1:6379/3 .venv/bin/python bench/reminders.py

It writes bench/reminders-results.json. The database named in DATABASE_URL is wiped first.
BENCH_SCAN_SIZES (default "10000,1000000") and BENCH_REMINDERS (default 10000) set the sizes.
"""

import json
import os
import platform
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from groups.models import Group, Membership  # noqa: E402
from meetings.models import Meeting, Rsvp  # noqa: E402
from members import notifications  # noqa: E402
from members.models import Delivery, TherapistProfile, User  # noqa: E402
from tests.support.smtp_sink import start_sink  # noqa: E402

RESULTS = ROOT / "bench" / "reminders-results.json"


def reset_database():
    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)


def add_meetings(total: int, groups: list[Group]) -> None:
    """Scheduled meetings spread evenly over the next two years."""
    have = Meeting.objects.count()
    now = timezone.now()
    span = timedelta(days=730).total_seconds()
    batch = []
    for i in range(have, total):
        start = now + timedelta(seconds=span * i / total + 3600 * 24 * 8)
        batch.append(
            Meeting(
                group=groups[i % len(groups)],
                title="Scan",
                starts_at=start,
                ends_at=start + timedelta(minutes=90),
            )
        )
        if len(batch) == 20000:
            Meeting.objects.bulk_create(batch)
            batch = []
    Meeting.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def time_scan(repeats: int = 5) -> float:
    now = timezone.now()
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        for plan in notifications.PLANNERS:
            plan(now)
        best = min(best, time.perf_counter() - started)
    return best


def due_reminders(count: int) -> None:
    """`count` members, 25 to a group, each going to a meeting in 30 minutes (1-hour lead)."""
    password = make_password("benchmark")
    users = User.objects.bulk_create(
        User(email=f"bench-{i}@example.org", password=password) for i in range(count)
    )
    TherapistProfile.objects.bulk_create(
        TherapistProfile(user=u, display_name=f"Bench {i}", reminder_lead_minutes=[60])
        for i, u in enumerate(users)
    )
    start = timezone.now() + timedelta(minutes=30)
    per_group = 25
    groups = Group.objects.bulk_create(
        Group(
            name=f"Bench {n}",
            slug=f"bench-{n}",
            purpose_support=True,
            capacity=per_group,
            # Bulk benchmark data: the count is written with the memberships created below
            # (groups.services.base.sync_member_count would cost a query per group).
            member_count=per_group,
        )
        for n in range(count // per_group)
    )
    meetings = Meeting.objects.bulk_create(
        Meeting(group=g, title="Bench", starts_at=start, ends_at=start + timedelta(hours=1))
        for g in groups
    )
    Membership.objects.bulk_create(
        Membership(group=groups[i // per_group], user=u) for i, u in enumerate(users)
    )
    Rsvp.objects.bulk_create(
        Rsvp(meeting=meetings[i // per_group], user=u, answer="going") for i, u in enumerate(users)
    )


def main():
    results = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}",
        "python": platform.python_version(),
    }
    reset_database()
    scan_groups = Group.objects.bulk_create(
        Group(name=f"Scan {n}", slug=f"scan-{n}", purpose_support=True) for n in range(1000)
    )
    sizes = os.environ.get("BENCH_SCAN_SIZES", "10000,1000000")
    for total in [int(n) for n in sizes.split(",") if n.strip()]:
        started = time.perf_counter()
        add_meetings(total, scan_groups)
        print(f"{total:>9,} meetings seeded in {time.perf_counter() - started:.1f}s", flush=True)
        seconds = time_scan()
        results[f"scan_seconds_{total}"] = round(seconds, 4)
        print(f"{total:>9,} meetings: dispatcher scan {seconds * 1000:.1f} ms", flush=True)

    count = int(os.environ.get("BENCH_REMINDERS", "10000"))
    due_reminders(count)
    from config.celery import app as celery_app

    celery_app.control.purge()  # tasks left in the broker by an earlier, interrupted run
    controller, recorder, port = start_sink()
    db = connection.settings_dict
    env = {
        **os.environ,
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "false",
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        time.sleep(4)
        started = time.perf_counter()
        queued = notifications.dispatch_due()
        dispatched = time.perf_counter() - started
        while len(recorder.ids()) < count and time.perf_counter() - started < 600:
            time.sleep(0.5)
        elapsed = time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        controller.stop()
    received = len(recorder.ids())
    results.update(
        reminders=count,
        queued=queued,
        received=received,
        distinct=len(set(recorder.ids())),
        dispatch_seconds=round(dispatched, 2),
        end_to_end_seconds=round(elapsed, 2),
        sends_per_second=round(received / elapsed, 1),
        sent_rows=Delivery.objects.filter(status="sent").count(),
    )
    print(json.dumps(results, indent=2))
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
