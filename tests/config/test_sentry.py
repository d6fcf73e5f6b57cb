"""Error reporting: Sentry only when SENTRY_DSN is set, and never with case text in an event."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

from config import sentry

ROOT = Path(__file__).resolve().parents[2]
CASE_TEXT = "Client Maria Hernandez, 34, relapsed after her divorce in March"
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "x" * 60,
    "ALLOWED_HOSTS": "peercircle.example.org",
    "ALLOW_CONSOLE_EMAIL": "true",
}


def _run(code: str, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SENTRY_")}
    return subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _json_output(done: subprocess.CompletedProcess):
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- Initialisation ---------------------------------------------------------------------------

PROBE_CLIENT = """
import json, django
django.setup()
import sentry_sdk
client = sentry_sdk.get_client()
options = client.options if client.is_active() else {}
print(json.dumps({
    "active": client.is_active(),
    "integrations": sorted(getattr(client, "integrations", {}) or {}),
    "before_send": getattr(options.get("before_send"), "__qualname__", None),
    "user_info": (options.get("data_collection") or {}).get("user_info"),
    "http_bodies": (options.get("data_collection") or {}).get("http_bodies"),
    "frame_vars": (options.get("data_collection") or {}).get("stack_frame_variables"),
    "environment": options.get("environment"),
}))
"""


def test_nothing_is_initialised_without_a_dsn():
    values = _json_output(_run(PROBE_CLIENT, **PRODUCTION))

    assert values["active"] is False


def test_init_sentry_does_nothing_with_an_empty_dsn():
    with mock.patch("sentry_sdk.init") as init:
        assert sentry.init_sentry("") is False

    assert init.call_count == 0


def test_production_with_a_dsn_starts_django_and_celery_reporting_without_personal_data():
    values = _json_output(
        _run(
            PROBE_CLIENT,
            **PRODUCTION,
            SENTRY_DSN="https://public@127.0.0.1:9/1",
            SENTRY_ENVIRONMENT="staging",
        )
    )

    assert values["active"] is True
    assert {"django", "celery"} <= set(values["integrations"])
    assert values["before_send"] == "scrub_event"
    assert values["user_info"] is False
    assert values["http_bodies"] == []
    assert values["frame_vars"] is False
    assert values["environment"] == "staging"


# --- Scrubbing --------------------------------------------------------------------------------


def test_scrub_event_removes_case_text_from_the_request():
    event = {
        "request": {
            "method": "POST",
            "url": "https://peercircle.example.org/presentations/7/case/",
            "query_string": f"q={CASE_TEXT}",
            "data": {"background": CASE_TEXT, "question": "What next?"},
            "cookies": {"sessionid": "abc"},
            "headers": {
                "User-Agent": "Firefox",
                "Cookie": "sessionid=abc",
                "Referer": f"https://peercircle.example.org/?q={CASE_TEXT}",
                "X-Forwarded-For": "203.0.113.9",
            },
            "env": {"REMOTE_ADDR": "203.0.113.9"},
        }
    }

    scrubbed = sentry.scrub_event(event, {})

    assert scrubbed["request"] == {
        "method": "POST",
        "url": "https://peercircle.example.org/presentations/7/case/",
        "headers": {"User-Agent": "Firefox"},
    }


def test_scrub_event_keeps_log_templates_and_drops_their_values():
    event = {
        "logentry": {
            "message": "Could not save the case %s",
            "formatted": f"Could not save the case {CASE_TEXT}",
            "params": [CASE_TEXT],
        },
        "extra": {"case": CASE_TEXT},
        "breadcrumbs": {
            "values": [
                {"type": "log", "category": "x", "message": "saved", "data": {"t": CASE_TEXT}},
                {
                    "type": "http",
                    "category": "httplib",
                    "message": f"https://a.example/?q={CASE_TEXT}",
                },
            ]
        },
    }

    scrubbed = sentry.scrub_event(event, {})

    assert scrubbed["logentry"] == {"message": "Could not save the case %s", "params": []}
    assert scrubbed["extra"] == {}
    assert scrubbed["breadcrumbs"]["values"] == [
        {"type": "log", "category": "x", "message": "saved"},
        {"type": "http", "category": "httplib", "message": "https://a.example/"},
    ]


def test_scrub_event_drops_frame_variables_and_the_detail_of_exception_messages():
    event = {
        "exception": {
            "values": [
                {
                    "type": "IntegrityError",
                    "value": 'duplicate key value violates unique constraint "one_case"\n'
                    f"DETAIL:  Key (background)=({CASE_TEXT}) already exists.\n",
                    "stacktrace": {"frames": [{"function": "save", "vars": {"t": CASE_TEXT}}]},
                }
            ]
        },
        "user": {"id": 5, "email": "a@example.org", "ip_address": "203.0.113.9"},
    }

    scrubbed = sentry.scrub_event(event, {})

    assert scrubbed["exception"]["values"] == [
        {
            "type": "IntegrityError",
            "value": 'duplicate key value violates unique constraint "one_case"',
            "stacktrace": {"frames": [{"function": "save"}]},
        }
    ]
    assert scrubbed["user"] == {"id": 5}


def test_scrub_event_keeps_only_the_name_of_a_celery_task():
    event = {"extra": {"celery-job": {"task_name": "members.tasks.task_send", "args": [CASE_TEXT]}}}

    assert sentry.scrub_event(event, {})["extra"] == {
        "celery-job": {"task_name": "members.tasks.task_send"}
    }


def test_scrub_breadcrumb_keeps_the_template_of_a_log_record():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "Saved case %s", (CASE_TEXT,), None)
    crumb = {"type": "log", "message": record.getMessage(), "data": {"case": CASE_TEXT}}

    assert sentry.scrub_breadcrumb(crumb, {"log_record": record}) == {
        "type": "log",
        "message": "Saved case %s",
    }


# --- End to end: a real error in a real request, with the SDK's own integrations ---------------
# Through Django's WSGI handler, which the SDK instruments (the test client is not), with a
# transport that keeps the envelopes instead of sending them.

END_TO_END = """
import json, logging, django
django.setup()
from io import BytesIO
from unittest import mock
from urllib.parse import urlencode
from wsgiref.util import setup_testing_defaults
import sentry_sdk
from sentry_sdk.transport import Transport
from django.core.handlers.wsgi import WSGIHandler
from django.test import override_settings
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from config import sentry

CASE_TEXT = {case!r}
sent = []

class Capture(Transport):
    def capture_envelope(self, envelope):
        sent.extend(item.payload.json for item in envelope.items if item.payload.json)

@csrf_exempt
def boom(request):
    logging.getLogger("peercircle.case").info("Reading case %s", request.POST["background"])
    logging.getLogger("peercircle.case").error("Could not save case %s", CASE_TEXT)
    raise ValueError("could not save\\n" + request.POST["background"])

urlpatterns = [path("boom/", boom)]
real_init = sentry_sdk.init
with mock.patch("sentry_sdk.init", lambda **kw: real_init(transport=Capture(), **kw)):
    assert sentry.init_sentry("https://public@127.0.0.1:9/1")
body = urlencode({{"background": CASE_TEXT}}).encode()
environ = {{
    "REQUEST_METHOD": "POST",
    "PATH_INFO": "/boom/",
    "QUERY_STRING": urlencode({{"q": CASE_TEXT}}),
    "CONTENT_TYPE": "application/x-www-form-urlencoded",
    "CONTENT_LENGTH": str(len(body)),
    "HTTP_COOKIE": "sessionid=abc",
    "HTTP_REFERER": "http://testserver/?" + urlencode({{"q": CASE_TEXT}}),
    "HTTP_USER_AGENT": "Firefox",
    "wsgi.input": BytesIO(body),
}}
setup_testing_defaults(environ)
statuses = []
with override_settings(ROOT_URLCONF="__main__"):
    WSGIHandler()(environ, lambda status, headers, exc_info=None: statuses.append(status))
sentry_sdk.flush()
print(json.dumps({{"status": statuses[0], "events": sent}}))
"""


def test_an_error_during_a_case_post_reaches_sentry_without_the_case_text():
    done = _run(
        END_TO_END.format(case=CASE_TEXT),
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL="sqlite:///:memory:",
    )
    values = _json_output(done)

    assert values["status"] == "500 Internal Server Error"
    events = [e for e in values["events"] if "event_id" in e]  # not the session counts
    messages = sorted(
        (e.get("logentry") or {}).get("message") or e["exception"]["values"][-1]["value"]
        for e in events
    )
    assert messages == ["Could not save case %s", "could not save"]
    for event in events:
        request = event["request"]
        assert (request["method"], request["url"]) == ("POST", "http://127.0.0.1/boom/")
        assert {name.lower() for name in request["headers"]} <= sentry.SAFE_HEADERS
        assert request["headers"]["User-Agent"] == "Firefox"
        assert set(request) == {"method", "url", "headers"}
    sent = json.dumps(values["events"])
    assert "Maria" not in sent
    assert "Hernandez" not in sent
    assert "sessionid" not in sent
