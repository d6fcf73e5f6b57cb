"""Profile one page in process, on the bench data (a script, not a test).

Runs the page through Django's whole handler (every middleware) with the production settings,
as a bench member signed in (or not), and prints where the time goes (pyinstrument) and the
queries it made. Needs the database `make bench` seeded (it reads, never writes, except what
the page itself writes: the board records visits):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/peercircle_bench \
    REDIS_URL=redis://127.0.0.1:6379/5 .venv/bin/python bench/profile_page.py /me/ --member 3

`--anonymous` profiles the page as a visitor; `--repeat N` (default 200) requests it N times
after one warm-up request; `{slug}`, `{meeting}` and `{topic}` in the path are the member's
group, next meeting and board thread; `--html` writes pyinstrument's HTML report instead.
"""

import argparse
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SITE_URL", "http://testserver")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/peercircle_bench")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/5")
os.environ.setdefault("ALLOW_CONSOLE_EMAIL", "true")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("WARM_GAZETTEER", "false")
os.environ.setdefault("STATIC_ROOT", str(Path(tempfile.gettempdir()) / "peercircle-profile-static"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path")
    parser.add_argument("--member", type=int, default=0, help="which bench member (0-19)")
    parser.add_argument("--anonymous", action="store_true")
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--html", default="", help="write the HTML report here")
    parser.add_argument("--queries", action="store_true", help="print the queries of one request")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from pyinstrument import Profiler

    sys.path.insert(0, str(ROOT / "bench"))
    argv, sys.argv = sys.argv, sys.argv[:1]  # the harness reads its own flags when imported
    from web import bench_members  # the harness's own members and sessions

    sys.argv = argv

    member = bench_members(max(args.member + 1, 1))[args.member]
    path = args.path.format(**member)
    client = Client()
    if not args.anonymous:
        client.cookies["sessionid"] = member["session"]
        client.cookies["csrftoken"] = member["csrf"]
    response = client.get(path)
    if response.status_code != 200:
        print(f"{path} answered {response.status_code}", file=sys.stderr)
        return 1
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    print(f"{path}: {len(queries)} queries, {len(response.content):,} bytes")
    if args.queries:
        for query in queries:
            print(f"  {query['time']}s  {query['sql'][:300]}")
    profiler = Profiler(interval=0.0005)
    started = time.perf_counter()
    with profiler:
        for _ in range(args.repeat):
            client.get(path)
    elapsed = time.perf_counter() - started
    print(f"{args.repeat} requests: {elapsed / args.repeat * 1000:.2f} ms each (profiled)")
    if args.html:
        Path(args.html).write_text(profiler.output_html())
    else:
        print(profiler.output_text(unicode=True, color=False, show_all=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
