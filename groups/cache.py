"""The browse page is cached; any change that shows on it bumps a version.

Three kinds of copies, all keyed by the version and living at most a minute: the whole page
for visitors who are not signed in and have no pending messages, and the part below the
navigation (filters, results, pagination) for everyone else, also keyed by the time zone the
times are shown in and by signed-in state (which changes a button) — nothing on that part
depends on who is looking — both per query string; and the filter sidebar, per the values of
its fields, which every results page of the same search shares. A write that changes what browse shows (a group, its
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


def filters_key(params: str) -> str:
    """The filter sidebar, keyed by the values of the filter fields only (not the page)."""
    return f"browse:filters:{browse_version()}:{_digest(params)}"


def invalidate_browse() -> None:
    transaction.on_commit(lambda: cache.set(VERSION_KEY, str(time.time_ns()), None))


def _vocabulary_changed(sender, **kwargs) -> None:
    invalidate_browse()


def invalidate_on_vocabulary_change() -> None:
    """Specialties are the sidebar's focus choices and the cards' badges; they are edited in the
    site admin rather than through a service, so a change to one is caught by its signals."""
    from django.db.models.signals import post_delete, post_save

    from members.models import Specialty

    for signal in (post_save, post_delete):
        signal.connect(_vocabulary_changed, sender=Specialty, dispatch_uid=f"browse-{signal}")
