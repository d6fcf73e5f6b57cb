"""The browse page is cached; any change that shows on it bumps a version.

Two kinds of copies, both keyed by the version and the query string and living at most a
minute: the whole page for visitors who are not signed in and have no pending messages, and the
part below the navigation (filters, results, pagination) for everyone else, also keyed by the
time zone the times are shown in and by signed-in state (which changes a button). Nothing on
that part depends on who is looking. A write that changes what browse shows (a group, its
seats, its next meeting) calls ``invalidate_browse()``; the new version takes effect when the
transaction commits.
"""

import hashlib
import time

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "browse:version"
TTL_SECONDS = 60


def browse_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = str(time.time_ns())
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY) or version
    return str(version)


def _digest(query_string: str) -> str:
    canonical = "&".join(sorted(query_string.split("&"))) if query_string else ""
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def page_key(query_string: str) -> str:
    return f"browse:page:{browse_version()}:{_digest(query_string)}"


def body_key(query_string: str, *, signed_in: bool, time_zone: str) -> str:
    audience = "member" if signed_in else "visitor"
    return f"browse:body:{browse_version()}:{audience}:{time_zone}:{_digest(query_string)}"


def invalidate_browse() -> None:
    transaction.on_commit(lambda: cache.set(VERSION_KEY, str(time.time_ns()), None))
