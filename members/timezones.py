"""Time zones as people say them, which zones a person may pick, and which zone a page shows its
times in.

A zone is stored by its IANA key ("America/Denver") and shown as people say it ("Denver time").
The picker offers the current zones only: one per place in the tz database's ``zone.tab`` (as
shipped with the ``tzdata`` package, pinned in requirements), plus UTC and the fixed offsets.
Obsolete aliases ("Asia/Calcutta", "US/Eastern", "GMT+0") are not offered but are still valid:
:func:`canonical_zone` maps each to the zone it names ("Asia/Kolkata", "America/New_York", "UTC").

The viewer's zone is the signed-in person's profile zone, or an anonymous visitor's browser zone
(the ``pc_tz`` cookie set by static/js/timezone.js); the middleware marks it known. When neither
is known, a page about one group shows its times in the group's zone (:func:`use_page_zone`, or
a filter's fallback argument), labelled, and never in an unlabelled UTC.
"""

import datetime
import re
import zoneinfo
from contextvars import ContextVar
from functools import lru_cache
from importlib.resources import files

from django.utils import timezone
from django.utils.translation import get_language, gettext

UTC = "UTC"
DEFAULT_ZONE = "America/New_York"
COOKIE_NAME = "pc_tz"
MINUS = "\u2212"  # offsets are written with a true minus sign, as in print

# Set by members.middleware.UserTimezoneMiddleware for the length of a request: whether the
# active zone is the viewer's own (their profile, or their browser's for a visitor).
viewer_zone_known: ContextVar[bool] = ContextVar("viewer_zone_known", default=False)
# The zone a page about one group shows its times in when the viewer's is not known.
page_zone: ContextVar[zoneinfo.ZoneInfo | None] = ContextVar("page_zone", default=None)
# What the request says about where the visitor is: the browser's zone (cookie), the languages.
visitor_hints: ContextVar[tuple[str | None, str]] = ContextVar("visitor_hints", default=(None, ""))

# Zones that are UTC whatever they are called.
_UTC_TARGETS = {"Etc/UTC", "Etc/GMT", "Etc/UCT", "Etc/Universal", "Etc/Zulu", "Etc/Greenwich"}
# Old US zones kept as zones in the tz database; they keep the rules of these places.
_LEGACY = {
    "EST5EDT": "America/New_York",
    "CST6CDT": "America/Chicago",
    "MST7MDT": "America/Denver",
    "PST8PDT": "America/Los_Angeles",
}
# Place names the tz keys cannot spell.
_PLACE_NAMES = {
    "St_Johns": "St. John's",
    "St_Barthelemy": "St. Barthélemy",
    "St_Kitts": "St. Kitts",
    "St_Lucia": "St. Lucia",
    "St_Thomas": "St. Thomas",
    "St_Vincent": "St. Vincent",
    "St_Helena": "St. Helena",
    "DumontDUrville": "Dumont d'Urville",
    "Lower_Princes": "Lower Prince's Quarter",
    "Sao_Paulo": "São Paulo",
    "Sao_Tome": "São Tomé",
    "Bogota": "Bogotá",
    "Asuncion": "Asunción",
    "Cancun": "Cancún",
    "Merida": "Mérida",
    "Mazatlan": "Mazatlán",
    "Ciudad_Juarez": "Ciudad Juárez",
    "Curacao": "Curaçao",
    "Reykjavik": "Reykjavík",
}
# US states whose zones are named after a county or town: say which state.
_SUBDIVIDED = {"Indiana": "Indiana", "Kentucky": "Kentucky", "North_Dakota": "North Dakota"}
# Countries with several zones: the one most people live in, for a guess from the language.
_MAIN_ZONE = {
    "AR": "America/Argentina/Buenos_Aires",
    "AU": "Australia/Sydney",
    "BR": "America/Sao_Paulo",
    "CA": "America/Toronto",
    "CL": "America/Santiago",
    "CN": "Asia/Shanghai",
    "DE": "Europe/Berlin",
    "ES": "Europe/Madrid",
    "ID": "Asia/Jakarta",
    "KZ": "Asia/Almaty",
    "MX": "America/Mexico_City",
    "NZ": "Pacific/Auckland",
    "PT": "Europe/Lisbon",
    "RU": "Europe/Moscow",
    "US": "America/New_York",
}
_AREAS = {
    "America": "Americas",
    "Europe": "Europe",
    "Africa": "Africa",
    "Asia": "Asia",
    "Australia": "Australia",
    "Pacific": "Pacific",
    "Atlantic": "Atlantic",
    "Indian": "Indian Ocean",
    "Antarctica": "Antarctica",
    "Arctic": "Arctic",
}
OTHER_AREA = "UTC and fixed offsets (no daylight saving)"
_FIXED = re.compile(r"^Etc/GMT([+-])(\d{1,2})$")


def _data(name: str) -> str:
    return files("tzdata.zoneinfo").joinpath(name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _places() -> dict[str, tuple[str, str]]:
    """Each current zone of zone.tab: (country name, the tz database's note on its area)."""
    countries = {}
    for line in _data("iso3166.tab").splitlines():
        if line and not line.startswith("#"):
            code, name = line.split("\t")[:2]
            countries[code] = name
    places = {}
    for line in _data("zone.tab").splitlines():
        if line and not line.startswith("#"):
            code, _coordinates, key, *note = line.split("\t")
            places[key] = (countries.get(code, code), note[0] if note else "")
    return places


@lru_cache(maxsize=1)
def _country_zones() -> dict[str, str]:
    first = {}
    for line in _data("zone.tab").splitlines():
        if line and not line.startswith("#"):
            code, _coordinates, key = line.split("\t")[:3]
            first.setdefault(code, key)
    return {**first, **_MAIN_ZONE}


@lru_cache(maxsize=1)
def _links() -> dict[str, str]:
    """Alias → the zone it links to (tzdata.zi ``L target alias`` lines)."""
    links = {}
    for line in _data("tzdata.zi").splitlines():
        if line.startswith("L "):
            _, target, alias = line.split()
            links[alias] = target
    return links


def fixed_zones() -> list[str]:
    """Etc/GMT-14 … Etc/GMT+12, east to west (the tz database's signs are inverted)."""
    return [f"Etc/GMT-{hours}" for hours in range(14, 0, -1)] + [
        f"Etc/GMT+{hours}" for hours in range(1, 13)
    ]


@lru_cache(maxsize=1)
def picker_zones() -> frozenset[str]:
    """Every zone the picker offers: current zones, UTC, the fixed offsets."""
    return frozenset(_places()) | {UTC} | set(fixed_zones())


@lru_cache(maxsize=1)
def known_zones() -> frozenset[str]:
    """Every key the tz database knows (aliases included): what a stored value may be."""
    return frozenset(zoneinfo.available_timezones()) - {"localtime", "Factory"}


def canonical_zone(name: str | None) -> str | None:
    """The zone the picker offers for ``name`` (an alias maps to the zone it names); None for
    something that is not a time zone."""
    if not name:
        return None
    name = str(name)
    if name in picker_zones():
        return name
    if name not in known_zones():
        return None
    seen = set()
    key = name
    while key not in seen:
        seen.add(key)
        if key in _UTC_TARGETS:
            return UTC
        if key in _LEGACY:
            return _LEGACY[key]
        if key in picker_zones():
            return key
        if key not in _links():
            break
        key = _links()[key]
    return name


def format_offset(delta: datetime.timedelta | None) -> str:
    """'UTC-07:00', 'UTC+05:30', 'UTC+00:00' (with a true minus sign)."""
    minutes = int((delta or datetime.timedelta()).total_seconds() // 60)
    sign = MINUS if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def current_offset(name: str, *, at: datetime.datetime | None = None) -> str:
    zone = as_zone(name)
    moment = at or timezone.now()
    return format_offset(moment.astimezone(zone).utcoffset() if zone else None)


def _place(key: str) -> str:
    parts = key.split("/")
    place = _PLACE_NAMES.get(parts[-1], parts[-1].replace("_", " "))
    if len(parts) == 3 and parts[1] in _SUBDIVIDED:
        return f"{place} ({_SUBDIVIDED[parts[1]]})"
    return place


def zone_label(zone) -> str:
    """As people say it: 'America/Denver' → 'Denver time'; 'America/Argentina/Buenos_Aires' →
    'Buenos Aires time'; 'Asia/Calcutta' → 'Kolkata time'; 'Etc/GMT+5' → 'UTC-05:00';
    'UTC' → 'UTC'."""
    key = getattr(zone, "key", None) or str(zone or "")
    if not key:
        return ""
    key = canonical_zone(key) or key
    if key == UTC:
        return UTC
    fixed = _FIXED.match(key)
    if fixed:
        sign = MINUS if fixed.group(1) == "+" else "+"  # Etc/GMT+5 is five hours behind UTC
        return f"UTC{sign}{int(fixed.group(2)):02d}:00"
    if "/" not in key:  # a legacy name the database still has ("EST", "HST")
        return key
    return gettext("%(place)s time") % {"place": _place(key)}


def option_label(key: str, *, at: datetime.datetime | None = None) -> str:
    """A picker option, beginning with the place so that typing its first letters finds it:
    'Denver time (UTC-07:00) — United States, Mountain (most areas)'."""
    label = zone_label(key)
    if key == UTC or _FIXED.match(key):
        return label if key != UTC else gettext("UTC (Coordinated Universal Time)")
    country, note = _places().get(key, ("", ""))
    where = ", ".join(part for part in (country, note) if part)
    text = f"{label} ({current_offset(key, at=at)})"
    return f"{text} — {where}" if where else text


@lru_cache(maxsize=4)
def _options_at(
    hour: datetime.datetime, language: str | None
) -> tuple[dict[str, str], dict[str, list]]:
    """Every option's label at ``hour`` (offsets change on the hour, if at all) in ``language``
    (the active one, which the labels are written in), and the current zones grouped by area,
    sorted by label: worked out once an hour, not on every page."""
    labels = {key: option_label(key, at=hour) for key in picker_zones()}
    groups: dict[str, list] = {}
    for key in _places():
        groups.setdefault(_AREAS.get(key.split("/")[0], OTHER_AREA), []).append(key)
    ordered = {
        area: sorted(groups[area], key=labels.__getitem__)
        for area in _AREAS.values()
        if area in groups
    }
    ordered[OTHER_AREA] = [UTC, *fixed_zones()]
    return labels, ordered


def zone_choices(*, first: str | None = None, at: datetime.datetime | None = None) -> list:
    """The picker's choices: ``first`` (the person's likely zone) on top, then the current zones
    grouped by area and sorted by place name, then UTC and the fixed offsets. A stored value
    that is not offered (a name with no current zone) is kept on top, so it still shows."""
    moment = (at or timezone.now()).astimezone(datetime.UTC)
    labels, groups = _options_at(moment.replace(minute=0, second=0, microsecond=0), get_language())
    first = canonical_zone(first)
    choices: list = []
    if first:
        choices.append((first, labels.get(first) or option_label(first, at=moment)))
    for area, keys in groups.items():
        choices.append((area, [(key, labels[key]) for key in keys if key != first]))
    return choices


def zone_from_languages(header: str) -> str | None:
    """A guess from Accept-Language ('en-US,en;q=0.9' → America/New_York): the first language
    that names a country with a zone."""
    for part in header.split(","):
        tag = part.split(";")[0].strip()
        pieces = re.split(r"[-_]", tag)
        for piece in pieces[1:]:
            if len(piece) == 2 and piece.isalpha():
                zone = _country_zones().get(piece.upper())
                if zone:
                    return zone
    return None


def likely_zone() -> str:
    """The zone a person is most likely in, for the picker's first option: their own (signed
    in, or the browser's for a visitor), else a guess from their languages, else New York."""
    if viewer_zone_known.get():
        return canonical_zone(timezone.get_current_timezone_name()) or DEFAULT_ZONE
    browser, languages = visitor_hints.get()
    return canonical_zone(browser) or zone_from_languages(languages) or DEFAULT_ZONE


def as_zone(name) -> zoneinfo.ZoneInfo | None:
    if isinstance(name, zoneinfo.ZoneInfo):
        return name
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(str(name))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def use_page_zone(zone) -> None:
    """For the rest of this request, show times in ``zone`` (a group's) to a viewer whose own
    zone is not known, labelled. One call in the view of a page about one group; the
    middleware forgets it when the request ends."""
    page_zone.set(as_zone(zone))


def shown_zones_key() -> str:
    """What decides the zones a cached page's times are in, for its cache key: the viewer's
    zone when known, else "group" (each group's own zone: the same for every such visitor)."""
    if viewer_zone_known.get():
        return f"viewer:{timezone.get_current_timezone_name()}"
    return "group"


def display_zone(fallback=None) -> zoneinfo.ZoneInfo:
    """The zone a time is shown in: the viewer's, else the fallback (a group's), else the page's
    zone, else the active zone (UTC for a visitor whose browser zone is not known yet)."""
    if not viewer_zone_known.get():
        zone = as_zone(fallback) or page_zone.get()
        if zone is not None:
            return zone
    return timezone.get_current_timezone()


class viewer_zone:
    """For a block (a request, an e-mail): whether the active zone is the viewer's own, and
    what the request says about the visitor's zone. The page's zone starts empty."""

    def __init__(self, *, known: bool, browser: str | None = None, languages: str = ""):
        self.known = known
        self.hints = (browser, languages)

    def __enter__(self):
        self._tokens = (
            viewer_zone_known.set(self.known),
            page_zone.set(None),
            visitor_hints.set(self.hints),
        )

    def __exit__(self, *exc):
        known, page, hints = self._tokens
        visitor_hints.reset(hints)
        page_zone.reset(page)
        viewer_zone_known.reset(known)
