"""The site's one date format as template filters, loaded on every template (settings TEMPLATES
builtins): pages and e-mails write dates the same way. Each filter is the function of the same
name in members/dates.py (Python code that writes a date for a person calls those).

- ``{{ dt|when }}``        Tuesday 15 December 2026, 19:30 Denver time
- ``{{ dt|when_short }}``  Tue 15 Dec 2026, 19:30 Denver time
- ``{{ start|when_span:end }}``  Tuesday 15 December 2026, 19:30-21:00 Denver time
- ``{{ start|when_short_span:end }}``  Tue 15 Dec 2026, 19:30-21:00 Denver time
- ``{{ dt|day }}``         Tuesday 15 December 2026
- ``{{ dt|date_only }}``   15 December 2026
- ``{{ dt|month }}``       December 2026
- ``{{ dt|clock }}``       19:30  (beside a date that already names the zone)
- ``{{ dt|clock_zone }}``  19:30 Denver time
- ``{{ dt|iso }}``         2026-12-15T19:30:00-07:00, for ``<time datetime>`` (no microseconds)
- ``{{ zone|zone_name }}`` Denver time

Datetime filters take an optional zone to fall back on when the viewer's own zone is not known
(an anonymous visitor before their browser has told us): ``{{ meeting.starts_at|when:group.time_zone }}``.
A page about one group sets that once in its view instead (members.timezones.use_page_zone).
"""

from django import template

from members import dates
from members.timezones import zone_label

register = template.Library()


@register.filter(expects_localtime=False)
def when(value, fallback=None) -> str:
    return dates.when(value, fallback)


@register.filter(expects_localtime=False)
def when_short(value, fallback=None) -> str:
    return dates.when_short(value, fallback)


@register.filter(expects_localtime=False)
def when_span(start, end) -> str:
    """Tuesday 15 December 2026, 19:30-21:00 Denver time."""
    return dates.when_span(start, end)


@register.filter(expects_localtime=False)
def when_short_span(start, end) -> str:
    """Tue 15 Dec 2026, 19:30-21:00 Denver time."""
    return dates.when_short_span(start, end)


@register.filter(expects_localtime=False)
def day(value, fallback=None) -> str:
    return dates.day(value, fallback)


@register.filter(expects_localtime=False)
def date_only(value, fallback=None) -> str:
    return dates.date_only(value, fallback)


@register.filter(expects_localtime=False)
def month(value, fallback=None) -> str:
    return dates.month(value, fallback)


@register.filter(expects_localtime=False)
def clock(value, fallback=None) -> str:
    return dates.clock(value, fallback)


@register.filter(expects_localtime=False)
def clock_zone(value, fallback=None) -> str:
    return dates.clock_zone(value, fallback)


@register.filter(expects_localtime=False)
def iso(value, fallback=None) -> str:
    """A valid HTML datetime value: whole seconds, with the offset; dates as YYYY-MM-DD."""
    return dates.iso(value, fallback)


@register.filter
def zone_name(value) -> str:
    """'America/Denver' → 'Denver time'."""
    return zone_label(value) if value else ""
