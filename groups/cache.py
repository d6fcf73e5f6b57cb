"""The browse page is cached; any change that shows on it bumps a version.

Three kinds of copies, all keyed by the version: the whole page for visitors who are not
signed in and have no pending messages, and the part below the navigation (filters, results,
pagination) for everyone else, also keyed by the time zone the times are shown in and by
signed-in state (which changes a button) — nothing else on that part depends on who is
looking; a member's own "Near me" link is put in after — both per query string, kept until the
first "next meeting" they show begins, at most ``RESULTS_SECONDS`` (``results_seconds``: the
clock moves nothing else on them); and the filter sidebar, per the values of its fields, which
every results page of the same search shares. A write that changes what browse shows (a group,
its seats, its next meeting, a focus term) calls ``invalidate_browse()`` (a group saved or a
focus term changed anywhere, the admin included, does so through signals); the new version
takes effect when the transaction commits. Every key names the language the page is written
in. The zones groups are in (``group_zones``, for the time-of-day filter) are kept under the
version too.

A group's public page, as a visitor who is not signed in sees it (no members' area, no form),
is kept whole too (``public_page_key``), with the versions of the group, of everyone's names and
of everything (config.pagecache: every write of a row of the group, its memberships, meetings,
rules, and every name, bumps one of them), until the group's next meeting starts (then "Next
meeting" moves on) and at most ``PUBLIC_PAGE_SECONDS``. Only answers that every visitor would
get are kept (a 200 to a visitor without pending messages, at the page's own address without a
query string); the key names the group, the language, the zones the times are in and the site.
"""

import hashlib
import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from config import pagecache
from groups.models import Group
from members.models import Specialty

VERSION_KEY = "browse:version"
RESULTS_SECONDS = 15 * 60
PUBLIC_PAGE_SECONDS = 15 * 60
ZONES_SECONDS = 24 * 3600


def browse_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = str(time.time_ns())
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY) or version
    return str(version)


def group_zones() -> set[str]:
    """Every time zone a group is in, kept under browse's version (a group's zone changes
    through its services, which bump it; the admin's edits bump it too): the time-of-day
    filter's arms, one per zone. Reading them from the groups found cost a scan of them each
    time (55 ms at 100,000 groups)."""
    key = f"browse:zones:{browse_version()}"
    zones = cache.get(key)
    if zones is None:
        zones = set(Group.objects.order_by().values_list("time_zone", flat=True).distinct())
        cache.set(key, zones, ZONES_SECONDS)
    return zones


def public_page_key(slug: str, *, zones: str, site: str) -> str:
    """The key of a group's page as visitors see it; ``site``: the scheme and host the page was
    asked at (its canonical link names them)."""
    return f"group-page:{get_language()}:{zones}:{slug}:{_digest(site)}"


def kept_public_page(key: str) -> bytes | None:
    """The kept page, when every version it was made from still holds."""
    entry = cache.get(key)
    if entry is None or not pagecache.holds(entry["versions"]):
        return None
    return entry["content"]


def keep_public_page(
    key: str, content: bytes, *, group_id: int, started: int, next_meeting_at=None
) -> None:
    """Keep a visitor's group page until its next meeting starts, at most
    ``PUBLIC_PAGE_SECONDS``, unless something it shows changed while it was being made."""
    seconds = PUBLIC_PAGE_SECONDS
    if next_meeting_at is not None:
        seconds = min(seconds, int((next_meeting_at - timezone.now()).total_seconds()))
    stamp = pagecache.stamp([f"g:{group_id}", "people", "all"], started=started)
    if seconds > 0 and stamp is not None:
        cache.set(key, {"versions": stamp, "content": content}, seconds)


def _digest(query_string: str) -> str:
    canonical = "&".join(sorted(query_string.split("&"))) if query_string else ""
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def page_key(version: str, query_string: str, *, zones: str) -> str:
    """A whole visitor page; ``zones`` (members.timezones.shown_zones_key) is part of the key
    because the times on it are in the visitor's zone when their browser told us."""
    return f"browse:page:{version}:{get_language()}:{zones}:{_digest(query_string)}"


def body_key(version: str, query_string: str, *, signed_in: bool, zones: str) -> str:
    """Shared by every signed-in member (their own "Near me" link is put in afterwards:
    portal/views/browse.py), and by every visitor."""
    audience = "member" if signed_in else "visitor"
    return f"browse:body:{version}:{get_language()}:{audience}:{zones}:{_digest(query_string)}"


def filters_key(version: str, values: list[tuple[str, str]]) -> str:
    """The filter sidebar, keyed by the values of the filter fields only (not the page).

    The (name, value) pairs are URL-encoded before hashing, so a value containing "&" or "="
    cannot pass for another field's value.
    """
    digest = hashlib.sha256(urlencode(values).encode()).hexdigest()[:32]
    return f"browse:filters:{version}:{get_language()}:{digest}"


def cached_html(key: str, render: Callable[[], str]) -> SafeString:
    """The HTML stored under ``key``, rendered (by our own templates) and stored if missing."""
    html = cache.get(key)
    if html is None:
        html = str(render())
        cache.set(key, html, RESULTS_SECONDS)
    return mark_safe(html)  # noqa: S308 - our templates' output, autoescaped when rendered


def results_seconds(groups) -> int:
    """How long a results part may be kept: until the first "next meeting" it shows has begun
    (then that card names the following one), at most ``RESULTS_SECONDS``. Everything else it
    shows changes only through a write that bumps the version."""
    now = timezone.now()
    starts = [g.next_meeting_at for g in groups if getattr(g, "next_meeting_at", None)]
    until = min((int((start - now).total_seconds()) + 1 for start in starts), default=None)
    return max(1, min(RESULTS_SECONDS, until if until is not None else RESULTS_SECONDS))


def kept_results(key: str) -> tuple[SafeString, float] | None:
    """A kept results part and when it expires (seconds since the epoch)."""
    entry = cache.get(key)
    if entry is None:
        return None
    html, expires = entry
    return mark_safe(html), expires  # noqa: S308 - our templates' output, autoescaped


def keep_results(key: str, html: str, seconds: int) -> float:
    expires = time.time() + seconds
    cache.set(key, (str(html), expires), seconds)
    return expires


def invalidate_browse() -> None:
    transaction.on_commit(lambda: cache.set(VERSION_KEY, str(time.time_ns()), None), robust=True)


def _changed(sender, **kwargs) -> None:
    invalidate_browse()


def invalidate_on_direct_edits() -> None:
    """Catch the writes that do not go through a service: the site admin edits groups (name,
    status, focus terms) and the vocabulary (the sidebar's focus choices and the cards' badges).
    Services call ``invalidate_browse()`` themselves; a second bump is harmless."""
    for model in (Group, Specialty):
        for signal in (post_save, post_delete):
            signal.connect(_changed, sender=model, dispatch_uid=f"browse-{model.__name__}-{signal}")
    m2m_changed.connect(
        _changed, sender=Group.focus_specialties.through, dispatch_uid="browse-group-focus"
    )
