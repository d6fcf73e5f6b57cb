"""Error reporting to Sentry, when ``SENTRY_DSN`` is set (production settings only).

Case text must never leave the site, so two layers keep it out of every event:

1. The SDK is told to collect nothing that people typed: no request bodies, cookies, query
   strings, user details, stack-frame variables, SQL parameters or task arguments
   (``DATA_COLLECTION``; sentry-sdk's ``data_collection`` replaces the deprecated
   ``send_default_pii=False`` and is stricter than it, which still sends request bodies).
2. ``scrub_event`` and ``scrub_breadcrumb`` strip the same things again before anything is
   sent, whatever an integration or a later SDK release adds: the request keeps only its
   method, path and a few harmless headers; log messages keep their template, never the values
   formatted into them; exception messages keep their first line (a database's ``DETAIL:``
   line quotes the row); ``extra`` keeps only a Celery task's name.

Without ``SENTRY_DSN`` nothing is initialised and nothing is sent.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration

FILTERED = "[Filtered]"

DATA_COLLECTION: dict[str, Any] = {
    "user_info": False,
    "cookies": {"mode": "off"},
    "http_headers": {
        "request": {
            "mode": "allowlist",
            "terms": ["accept", "content-length", "content-type", "host", "user-agent"],
        }
    },
    "http_bodies": [],
    "url_query_params": {"mode": "off"},
    "graphql": {"document": False, "variables": False},
    "gen_ai": {"inputs": False, "outputs": False},
    "database_query_data": False,
    "queues": False,
    "stack_frame_variables": False,
}

# Request headers that may be sent as they are; every other one is dropped (Cookie,
# Authorization, Referer with its query string, X-Forwarded-For with the client's address...).
SAFE_HEADERS = frozenset(
    {"accept", "accept-language", "content-length", "content-type", "host", "user-agent"}
)


def init_sentry(dsn: str, *, environment: str | None = None) -> bool:
    """Start the SDK with the Django and Celery integrations; nothing at all without a DSN.

    Returns whether it was started.
    """
    if not dsn:
        return False
    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        data_collection=DATA_COLLECTION,
        max_request_body_size="never",
        before_send=scrub_event,
        before_breadcrumb=scrub_breadcrumb,
    )
    return True


def _path_only(url: Any) -> Any:
    if not isinstance(url, str):
        return url
    parts = urlsplit(url)
    return urlunsplit(parts._replace(query="", fragment=""))


def _first_line(text: Any) -> Any:
    if not isinstance(text, str):
        return text
    return text.strip().splitlines()[0] if text.strip() else text


def _scrub_request(request: dict[str, Any]) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    if "method" in request:
        kept["method"] = request["method"]
    if "url" in request:
        kept["url"] = _path_only(request["url"])
    headers = request.get("headers")
    if isinstance(headers, dict):
        kept["headers"] = {
            name: value for name, value in headers.items() if name.lower() in SAFE_HEADERS
        }
    return kept


def _scrub_frames(container: Any) -> None:
    """Drop the local variables of every frame of a list of exceptions or threads."""
    if not isinstance(container, dict):
        return
    for value in container.get("values") or ():
        stacktrace = value.get("stacktrace") if isinstance(value, dict) else None
        for frame in (stacktrace or {}).get("frames") or ():
            if isinstance(frame, dict):
                frame.pop("vars", None)


def _scrub_logentry(logentry: dict[str, Any]) -> dict[str, Any]:
    # The template is code; the parameters and the formatted text may be what someone typed.
    return {"message": logentry.get("message", FILTERED), "params": []}


def scrub_event(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """``before_send``: the event without anything a person typed (see the module's doc)."""
    if isinstance(event.get("request"), dict):
        event["request"] = _scrub_request(event["request"])
    if isinstance(event.get("logentry"), dict):
        event["logentry"] = _scrub_logentry(event["logentry"])
    for key in ("exception", "threads"):
        _scrub_frames(event.get(key))
    for value in (event.get("exception") or {}).get("values") or ():
        if isinstance(value, dict) and "value" in value:
            value["value"] = _first_line(value["value"])
    if isinstance(event.get("user"), dict):
        event["user"] = {k: v for k, v in event["user"].items() if k == "id"}
    extra = event.get("extra")
    if isinstance(extra, dict):
        job = extra.get("celery-job")
        task = job.get("task_name") if isinstance(job, dict) else None
        event["extra"] = {"celery-job": {"task_name": task}} if task else {}
    breadcrumbs = event.get("breadcrumbs")
    if isinstance(breadcrumbs, dict):
        breadcrumbs["values"] = [
            crumb
            for crumb in (scrub_breadcrumb(dict(c)) for c in breadcrumbs.get("values") or ())
            if crumb is not None
        ]
    return event


def scrub_breadcrumb(
    crumb: dict[str, Any], hint: dict[str, Any] | None = None
) -> dict[str, Any] | None:
    """``before_breadcrumb``: a log record keeps its template, no breadcrumb keeps its data."""
    record = (hint or {}).get("log_record")
    if record is not None:
        crumb["message"] = str(record.msg)
    crumb.pop("data", None)
    if crumb.get("type") == "http" or crumb.get("category") == "httplib":
        crumb["message"] = _path_only(crumb.get("message"))
    return crumb
