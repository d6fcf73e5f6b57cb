"""The site's one date format, as template filters loaded on every template (settings
TEMPLATES builtins): pages and e-mails write dates the same way.

- ``{{ dt|when }}``        Tuesday 15 December 2026, 19:30 Denver time
- ``{{ dt|when_short }}``  Tue 15 Dec 2026, 19:30 Denver time
- ``{{ dt|day }}``         Tuesday 15 December 2026
- ``{{ dt|date_only }}``   15 December 2026
- ``{{ dt|month }}``       December 2026
- ``{{ dt|clock }}``       19:30  (beside a date that already names the zone)
- ``{{ dt|clock_zone }}``  19:30 Denver time
- ``{{ dt|iso }}``         2026-12-15T19:30:00-07:00, for ``<time datetime>`` (no microseconds)

Datetime filters take an optional zone to fall back on when the viewer's own zone is not known
(an anonymous visitor before their browser has told us): ``{{ meeting.starts_at|when:group.time_zone }}``.
"""

import datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format

from members.timezones import display_zone, zone_label

register = template.Library()

LONG_DAY = "l j F Y"
SHORT_DAY = "D j M Y"
DATE_ONLY = "j F Y"


def _local(value, fallback=None):
    if not isinstance(value, datetime.datetime):
        return value, None
    if timezone.is_naive(value):
        return value, None
    zone = display_zone(fallback)
    return value.astimezone(zone), zone


def _stamp(value, fallback, day_format: str, with_zone: bool = True) -> str:
    if value in (None, ""):
        return ""
    local, zone = _local(value, fallback)
    if not isinstance(local, datetime.datetime):
        return date_format(local, day_format)
    text = date_format(local, f"{day_format}, H:i")
    return f"{text} {zone_label(zone)}" if with_zone and zone is not None else text


@register.filter(expects_localtime=False)
def when(value, fallback=None) -> str:
    return _stamp(value, fallback, LONG_DAY)


@register.filter(expects_localtime=False)
def when_short(value, fallback=None) -> str:
    return _stamp(value, fallback, SHORT_DAY)


def _date(value, fallback, fmt: str) -> str:
    if value in (None, ""):
        return ""
    local, _zone = _local(value, fallback)
    return date_format(local, fmt)


@register.filter(expects_localtime=False)
def day(value, fallback=None) -> str:
    return _date(value, fallback, LONG_DAY)


@register.filter(expects_localtime=False)
def date_only(value, fallback=None) -> str:
    return _date(value, fallback, DATE_ONLY)


@register.filter(expects_localtime=False)
def month(value, fallback=None) -> str:
    return _date(value, fallback, "F Y")


@register.filter(expects_localtime=False)
def clock(value, fallback=None) -> str:
    return _date(value, fallback, "H:i")


@register.filter(expects_localtime=False)
def clock_zone(value, fallback=None) -> str:
    if value in (None, ""):
        return ""
    local, zone = _local(value, fallback)
    text = date_format(local, "H:i")
    return f"{text} {zone_label(zone)}" if zone is not None else text


@register.filter(expects_localtime=False)
def iso(value, fallback=None) -> str:
    """A valid HTML datetime value: whole seconds, with the offset; dates as YYYY-MM-DD."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime.datetime):
        local, _zone = _local(value, fallback)
        return local.replace(microsecond=0).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return ""


@register.filter
def zone_name(value) -> str:
    """'America/Denver' → 'Denver time'."""
    return zone_label(value) if value else ""


def _span(start, end, day_format: str) -> str:
    if start in (None, ""):
        return ""
    local, zone = _local(start)
    text = date_format(local, f"{day_format}, H:i")
    if end not in (None, "") and isinstance(end, datetime.datetime):
        text = f"{text}–{date_format(_local(end)[0], 'H:i')}"
    return f"{text} {zone_label(zone)}" if zone is not None else text


@register.filter(expects_localtime=False)
def when_span(start, end) -> str:
    """Tuesday 15 December 2026, 19:30–21:00 Denver time."""
    return _span(start, end, LONG_DAY)


@register.filter(expects_localtime=False)
def when_short_span(start, end) -> str:
    """Tue 15 Dec 2026, 19:30–21:00 Denver time."""
    return _span(start, end, SHORT_DAY)
