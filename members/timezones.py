"""Time zones as people say them, and which zone a page shows its times in.

A zone is stored by its IANA key ("America/Denver") and shown as people say it ("Denver time").
The viewer's zone is the signed-in person's profile zone, or an anonymous visitor's browser zone
(a cookie set by static/js/peercircle.js); when neither is known, a page shows a group's times in
the group's own zone, labelled, never in an unlabelled UTC.
"""

import zoneinfo
from contextvars import ContextVar

from django.utils import timezone

# Set by members.middleware.UserTimezoneMiddleware for the length of a request: whether the
# active zone is the viewer's own (their profile, or their browser's for a visitor).
viewer_zone_known: ContextVar[bool] = ContextVar("viewer_zone_known", default=False)

SPECIAL_LABELS = {"UTC": "UTC", "Etc/UTC": "UTC", "GMT": "UTC", "Etc/GMT": "UTC"}


def zone_label(zone) -> str:
    """'America/Denver' → 'Denver time'; 'America/Argentina/Buenos_Aires' → 'Buenos Aires time'."""
    key = getattr(zone, "key", None) or str(zone)
    if key in SPECIAL_LABELS:
        return SPECIAL_LABELS[key]
    place = key.rsplit("/", 1)[-1].replace("_", " ")
    return f"{place} time"


def as_zone(name: str | None):
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def display_zone(fallback=None):
    """The zone a time is shown in: the viewer's, else the fallback (a group's), else the
    active zone (UTC for a visitor whose browser zone is not known yet)."""
    if not viewer_zone_known.get():
        zone = fallback if isinstance(fallback, zoneinfo.ZoneInfo) else as_zone(fallback)
        if zone is not None:
            return zone
    return timezone.get_current_timezone()


class viewer_zone:
    """Mark, for a block, whether the active zone is the viewer's own (an e-mail's recipient's)."""

    def __init__(self, *, known: bool):
        self.known = known

    def __enter__(self):
        self._token = viewer_zone_known.set(self.known)

    def __exit__(self, *exc):
        viewer_zone_known.reset(self._token)
