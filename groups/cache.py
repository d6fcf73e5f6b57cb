"""The anonymous browse page is cached; any change that shows on it bumps a version.

Cached copies are keyed by the version and the query string, live at most a minute, and are
only used for visitors who are not signed in and have no pending messages. A write that changes
what browse shows (a group, its seats, its next meeting) calls ``invalidate_browse()``; the new
version takes effect when the transaction commits.
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


def page_key(query_string: str) -> str:
    canonical = "&".join(sorted(query_string.split("&"))) if query_string else ""
    digest = hashlib.sha256(canonical.encode()).hexdigest()[:32]
    return f"browse:page:{browse_version()}:{digest}"


def invalidate_browse() -> None:
    transaction.on_commit(lambda: cache.set(VERSION_KEY, str(time.time_ns()), None))
