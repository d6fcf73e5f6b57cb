"""The site's one way of writing dates and times, for pages, e-mails and messages built in Python.

The template filters (members/templatetags/when.py) are these functions; Python code that writes
a date for a person calls them too, so a date reads the same everywhere:

- ``when``        Tuesday 15 December 2026, 19:30 Denver time
- ``when_short``  Tue 15 Dec 2026, 19:30 Denver time
- ``when_span``   Tuesday 15 December 2026, 19:30-21:00 Denver time (a start and an end)
- ``when_short_span``  Tue 15 Dec 2026, 19:30-21:00 Denver time
- ``day``         Tuesday 15 December 2026
- ``date_only``   15 December 2026
- ``date_short``  15 Dec 2026 (a chart's row label)
- ``month``       December 2026
- ``weekday``     Tuesday
- ``clock``       19:30  (beside a date that already names the zone)
- ``clock_zone``  19:30 Denver time
- ``iso``         2026-12-15T19:30:00-07:00, for ``<time datetime>`` (whole seconds)
- ``iso_date``    2026-12-15, for a spreadsheet's date cell (the exports)

A datetime is shown in the viewer's zone when it is known (the signed-in person's, a visitor's
browser's, an e-mail's recipient's); otherwise in ``fallback`` (a group's zone), else in the
page's zone (:func:`members.timezones.use_page_zone`), else in UTC, labelled. ``zone=`` forces
a zone (a message about a group's meeting that every member reads in the group's time).
A date (no time) is shown as it is; a naive datetime is shown as it is, without a zone.

Each format follows the active language (docs/translations.md): in Spanish "jueves 15 de
diciembre de 2026, 19:30 hora de Denver"; Django supplies the names of days and months.
"""

import datetime

from django.utils import translation
from django.utils.dateformat import format as _django_format

from members.timezones import as_zone, display_zone, zone_label

LONG_DAY = "l j F Y"
SHORT_DAY = "D j M Y"
DATE_ONLY = "j F Y"
DATE_SHORT = "j M Y"
MONTH = "F Y"
WEEKDAY = "l"
CLOCK = "H:i"
# The same formats in each other language ("de" is escaped: it is not a format character).
_LANGUAGE_FORMATS = {
    "es": {
        LONG_DAY: r"l j \d\e F \d\e Y",
        DATE_ONLY: r"j \d\e F \d\e Y",
        MONTH: r"F \d\e Y",
        SHORT_DAY: "D j b Y",  # "mar 15 ene 2030": Spanish writes months in small letters
        DATE_SHORT: "j b Y",
    },
}


def _format(value, fmt: str) -> str:
    """``fmt`` as the active language writes it (a combined "day, clock" format too)."""
    formats = _LANGUAGE_FORMATS.get((translation.get_language() or "en").split("-")[0])
    if formats:
        day_format, sep, rest = fmt.partition(", ")
        fmt = formats.get(day_format, day_format) + sep + rest
    return _django_format(value, fmt)


EN_DASH = "\u2013"  # between the two ends of a span (written with a hyphen above)


def _empty(value) -> bool:
    return value is None or value == ""


def localize(value, fallback=None, *, zone=None):
    """``value`` in the zone it is shown in, and that zone (None for a date or a naive time)."""
    if not isinstance(value, datetime.datetime) or value.tzinfo is None:
        return value, None
    shown = as_zone(zone) or display_zone(fallback)
    return value.astimezone(shown), shown


def _stamp(value, fallback, zone, day_format: str) -> str:
    if _empty(value):
        return ""
    local, shown = localize(value, fallback, zone=zone)
    if not isinstance(local, datetime.datetime):
        return _format(local, day_format)
    text = _format(local, f"{day_format}, {CLOCK}")
    return f"{text} {zone_label(shown)}" if shown is not None else text


def _plain(value, fallback, zone, fmt: str) -> str:
    if _empty(value):
        return ""
    local, _shown = localize(value, fallback, zone=zone)
    return _format(local, fmt)


def when(value, fallback=None, *, zone=None) -> str:
    return _stamp(value, fallback, zone, LONG_DAY)


def when_short(value, fallback=None, *, zone=None) -> str:
    return _stamp(value, fallback, zone, SHORT_DAY)


def _span(start, end, fallback, zone, day_format: str) -> str:
    if _empty(start):
        return ""
    local, shown = localize(start, fallback, zone=zone)
    if not isinstance(local, datetime.datetime):
        return _format(local, day_format)
    text = _format(local, f"{day_format}, {CLOCK}")
    if isinstance(end, datetime.datetime):
        until, _shown = localize(end, fallback, zone=zone)
        same_day = until.date() == local.date()
        text += f"{EN_DASH}{_format(until, CLOCK if same_day else f'{day_format}, {CLOCK}')}"
    return f"{text} {zone_label(shown)}" if shown is not None else text


def when_span(start, end, fallback=None, *, zone=None) -> str:
    return _span(start, end, fallback, zone, LONG_DAY)


def when_short_span(start, end, fallback=None, *, zone=None) -> str:
    return _span(start, end, fallback, zone, SHORT_DAY)


def day(value, fallback=None, *, zone=None) -> str:
    return _plain(value, fallback, zone, LONG_DAY)


def date_only(value, fallback=None, *, zone=None) -> str:
    return _plain(value, fallback, zone, DATE_ONLY)


def date_short(value, fallback=None, *, zone=None) -> str:
    return _plain(value, fallback, zone, DATE_SHORT)


def month(value, fallback=None, *, zone=None) -> str:
    return _plain(value, fallback, zone, MONTH)


def weekday(value, fallback=None, *, zone=None) -> str:
    return _plain(value, fallback, zone, WEEKDAY)


def clock(value, fallback=None, *, zone=None) -> str:
    return _plain(value, fallback, zone, CLOCK)


def clock_zone(value, fallback=None, *, zone=None) -> str:
    if _empty(value):
        return ""
    local, shown = localize(value, fallback, zone=zone)
    text = _format(local, CLOCK)
    return f"{text} {zone_label(shown)}" if shown is not None else text


def iso_date(value, fallback=None, *, zone=None) -> str:
    """The day as YYYY-MM-DD (a datetime's day in the zone it is shown in): what a spreadsheet
    reads as a date, in any language."""
    return _plain(value, fallback, zone, "Y-m-d")


def iso(value, fallback=None, *, zone=None) -> str:
    """A valid HTML datetime value: whole seconds, with the offset; a date as YYYY-MM-DD."""
    if isinstance(value, datetime.datetime):
        local, _shown = localize(value, fallback, zone=zone)
        return local.replace(microsecond=0).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return value.replace(microsecond=0).isoformat()
    return ""
