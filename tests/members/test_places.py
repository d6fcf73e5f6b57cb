"""The offline gazetteer (members/places.py) on the data its packages ship: places by name, ZIP
code and hint, distances, bounding boxes and time zones. Nothing here needs the database."""

import math
import zoneinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from groups.models import city_key
from members.places import (
    EARTH_RADIUS_KM,
    KM_PER_MILE,
    BoundingBox,
    Place,
    bounding_box,
    distance_km,
    locate,
    name_key,
    suggest_time_zone,
)

DENVER = Place("Denver, Colorado, United States", 39.73915, -104.9847, "US", "America/Denver")
NEW_YORK = Place(
    "New York City, New York, United States", 40.71427, -74.00597, "US", "America/New_York"
)
SAO_PAULO = Place("São Paulo, Brazil", -23.5475, -46.63611, "BR", "America/Sao_Paulo")
LONDON = Place("London, England, United Kingdom", 51.50853, -0.12574, "GB", "Europe/London")
LONDON_ONTARIO = Place("London, Ontario, Canada", 42.98339, -81.23304, "CA", "America/Toronto")
ZIP_80202 = Place("80202 (Denver, CO)", 39.7491, -104.9946, "US", "America/Denver")


@pytest.mark.parametrize(
    "typed",
    [
        "Denver",
        "Denver, CO",
        "denver, colorado",
        "  DENVER ",
        "Denver CO",
        "Denver, Colorado, United States",
        "Denver, CO, USA",
    ],
)
def test_locate_denver_however_it_is_written(typed):
    assert locate(typed) == DENVER


@pytest.mark.parametrize("typed", ["80202", "80202-1234", " 80202 ", "80202 (Denver, CO)"])
def test_locate_zip_code(typed):
    assert locate(typed) == ZIP_80202


def test_locate_zip_code_ignores_a_region_hint():
    assert locate("80202", region="NY") == ZIP_80202


def test_locate_zip_code_of_a_territory_is_in_its_own_country():
    assert locate("00603") == Place(
        "00603 (Aguadilla, PR)", 18.4586, -67.1299, "PR", "America/Puerto_Rico"
    )


def test_locate_five_digits_with_another_country_is_no_zip_code():
    assert locate("10115", country="Germany") is None


@pytest.mark.parametrize("typed", ["sao paulo", "SAO PAULO", "São Paulo", "Sao Paulo, Brazil"])
def test_locate_without_accents_or_case(typed):
    assert locate(typed) == SAO_PAULO


@pytest.mark.parametrize("typed", ["new york", "New York, NY", "NYC", "Nueva York"])
def test_locate_new_york_by_its_short_and_other_names(typed):
    assert locate(typed) == NEW_YORK


@pytest.mark.parametrize(
    ("typed", "hints", "expected"),
    [
        ("London", {}, LONDON),
        ("London", {"country": "United Kingdom"}, LONDON),
        ("London", {"country": "UK"}, LONDON),
        ("London", {"country": "Canada"}, LONDON_ONTARIO),
        ("London", {"region": "Ontario"}, LONDON_ONTARIO),
        ("London, Ontario", {}, LONDON_ONTARIO),
        ("London, ON", {}, LONDON_ONTARIO),
        # CA is California first; with no London there, Canada.
        ("London, CA", {}, LONDON_ONTARIO),
    ],
)
def test_locate_london_by_country_or_region(typed, hints, expected):
    assert locate(typed, **hints) == expected


@pytest.mark.parametrize(
    ("typed", "hints", "label"),
    [
        ("Springfield", {}, "Springfield, Missouri, United States"),  # the most populous
        ("Springfield", {"region": "MA"}, "Springfield, Massachusetts, United States"),
        ("Springfield", {"region": "illinois"}, "Springfield, Illinois, United States"),
        ("Springfield, OR", {}, "Springfield, Oregon, United States"),
        ("Springfield, IL", {"region": "MA"}, "Springfield, Illinois, United States"),
        (
            "Springfield",
            {"region": "MA", "country": "US"},
            "Springfield, Massachusetts, United States",
        ),
    ],
)
def test_locate_springfield_by_hint_else_population(typed, hints, label):
    assert locate(typed, **hints).label == label


@pytest.mark.parametrize(
    ("typed", "hints", "label"),
    [
        ("Washington", {}, "Washington, District of Columbia, United States"),
        ("Seattle, Washington", {}, "Seattle, Washington, United States"),
        ("Atlanta, Georgia", {}, "Atlanta, Georgia, United States"),
        ("Tbilisi, Georgia", {}, "Tbilisi, Georgia"),  # no Tbilisi in the state: the country
        ("Bogota, CO", {}, "Bogotá, Colombia"),
        ("St. Louis", {}, "St. Louis, Missouri, United States"),
        ("Saint Charles", {}, "Saint Charles, Missouri, United States"),  # not Denver's old name
        ("Ft Collins", {}, "Fort Collins, Colorado, United States"),
        ("santa fe new mexico", {}, "Santa Fe, New Mexico, United States"),
        ("Koln", {}, "Köln, Germany"),  # an alternate name
        ("Munich, Bavaria", {}, "Munich, Germany"),  # a region it does not know: ignored
        ("Munich", {"region": "Bavaria"}, "Munich, Germany"),
        ("Roma", {}, "Rome, Italy"),
        ("Boulder", {"region": "CO"}, "Boulder, Colorado, United States"),
    ],
)
def test_locate_names_and_regions(typed, hints, label):
    assert locate(typed, **hints).label == label


@pytest.mark.parametrize(
    ("typed", "label", "time_zone"),
    [
        ("Denver, NC", "Denver, North Carolina, United States", "America/New_York"),
        ("London, KY", "London, Kentucky, United States", "America/New_York"),
        ("Roma, TX", "Roma, Texas, United States", "America/Chicago"),
    ],
)
def test_locate_small_us_town_from_the_zip_codes(typed, label, time_zone):
    place = locate(typed)

    assert (place.label, place.country_code, place.time_zone) == (label, "US", time_zone)


def test_locate_a_region_in_the_text_wins_over_the_hint():
    assert locate("Portland, ME", region="OR").label == "Portland, Maine, United States"


@pytest.mark.parametrize(
    ("typed", "hints"),
    [
        ("Atlantis, CO", {}),
        ("Atlantis", {"region": "Colorado"}),
        ("Narnia", {}),
        ("asdf", {}),
        ("00000", {}),
        ("99999", {}),
        ("8020", {}),
        ("802021", {}),
        ("", {}),
        ("   ", {}),
        (", CO", {}),
        ("Denver", {"region": "Ontario"}),
        ("x" * 201, {}),
    ],
)
def test_locate_unknown_place_is_none(typed, hints):
    assert locate(typed, **hints) is None


def test_locate_atlantis_alone_is_the_town_in_south_africa():
    """The issue's example of a bad place is a real town of 80,000 (GeoNames): only with a
    region or country it is not in is it unknown."""
    assert locate("Atlantis") == Place(
        "Atlantis, South Africa", -33.56668, 18.48335, "ZA", "Africa/Johannesburg"
    )


@pytest.mark.parametrize(
    "typed", ["Denver", "new york", "sao paulo", "London, ON", "Springfield, MA", "Denver, NC"]
)
def test_locate_finds_its_own_label_again(typed):
    place = locate(typed)

    assert locate(place.label) == place


@settings(deadline=None, max_examples=300)  # the first example may build the indexes
@given(text=st.text(max_size=60), region=st.text(max_size=20), country=st.text(max_size=20))
def test_locate_never_raises(text, region, country):
    place = locate(text, region=region, country=country)

    assert place is None or (abs(place.latitude) <= 90 and abs(place.longitude) <= 180)


@settings(max_examples=300)
@given(st.text().filter(lambda text: "," not in text))
def test_name_key_is_city_key_for_a_name_without_comma(text):
    assert name_key(text)[:100] == city_key(text)


def test_distance_denver_new_york_within_one_percent_of_the_geodesic():
    # 2,625.2 km on the WGS84 ellipsoid (Vincenty's inverse formula) between these points.
    assert distance_km(
        DENVER.latitude, DENVER.longitude, NEW_YORK.latitude, NEW_YORK.longitude
    ) == (pytest.approx(2625.2, rel=0.01))


def test_distance_jfk_lax_in_miles_within_one_percent():
    # JFK to LAX airports: 2,475 statute miles along the great circle, as published.
    km = distance_km(40.6398, -73.7789, 33.9425, -118.4081)

    assert km / KM_PER_MILE == pytest.approx(2475, rel=0.01)


def test_distance_is_zero_to_itself_symmetric_and_half_the_world_to_the_antipode():
    assert distance_km(39.7, -105.0, 39.7, -105.0) == 0
    assert distance_km(39.7, -105.0, -33.6, 18.5) == distance_km(-33.6, 18.5, 39.7, -105.0)
    assert distance_km(10, 20, -10, -160) == pytest.approx(math.pi * EARTH_RADIUS_KM)


@pytest.mark.parametrize(
    ("latitude", "longitude", "expected"),
    [
        (DENVER.latitude, DENVER.longitude, "America/Denver"),
        (52.52437, 13.41053, "Europe/Berlin"),
        (SAO_PAULO.latitude, SAO_PAULO.longitude, "America/Sao_Paulo"),
        (0.0, -30.0, None),  # the middle of the Atlantic: no group meets there
        (91.0, 0.0, None),
        (0.0, 181.0, None),
        (math.nan, 0.0, None),
    ],
)
def test_suggest_time_zone(latitude, longitude, expected):
    zone = suggest_time_zone(latitude, longitude)

    assert zone == expected
    if zone is not None:
        zoneinfo.ZoneInfo(zone)  # a name zoneinfo, and so Group.time_zone, accepts


def _point_at(lat: float, lon: float, km: float, bearing: float) -> tuple[float, float]:
    """The point ``km`` from (lat, lon) along the great circle leaving at ``bearing``."""
    phi, lam, delta, theta = (
        math.radians(lat),
        math.radians(lon),
        km / EARTH_RADIUS_KM,
        math.radians(bearing),
    )
    phi2 = math.asin(
        math.sin(phi) * math.cos(delta) + math.cos(phi) * math.sin(delta) * math.cos(theta)
    )
    lam2 = lam + math.atan2(
        math.sin(theta) * math.sin(delta) * math.cos(phi),
        math.cos(delta) - math.sin(phi) * math.sin(phi2),
    )
    return math.degrees(phi2), (math.degrees(lam2) + 180) % 360 - 180


@pytest.mark.parametrize(
    ("lat", "lon", "radius_km"),
    [
        (DENVER.latitude, DENVER.longitude, 40.0),
        (SAO_PAULO.latitude, SAO_PAULO.longitude, 160.0),
        (64.1, -21.9, 300.0),  # Reykjavík: far north, wide in longitude
        (-17.7, 178.0, 500.0),  # Fiji: across the antimeridian
        (65.0, -179.0, 200.0),  # Chukotka side, westward across it
        (89.5, 0.0, 100.0),  # the circle holds the North Pole
        (-89.0, 45.0, 150.0),  # and the South Pole
        (0.0, 0.0, 0.0),
    ],
)
def test_bounding_box_contains_every_point_at_the_radius(lat, lon, radius_km):
    box = bounding_box(lat, lon, radius_km)

    outside = [
        point
        for bearing in range(0, 360, 5)
        if not box.contains(*(point := _point_at(lat, lon, radius_km * 0.9999, bearing)))
    ]
    assert outside == []
    assert box.contains(lat, lon)


def test_bounding_box_across_the_antimeridian_wraps():
    box = bounding_box(-17.7, 178.0, 500.0)

    assert (box.crosses_antimeridian, box.min_lon > 170, box.max_lon < -170) == (True, True, True)
    assert (box.contains(-17.7, 179.9), box.contains(-17.7, -179.9)) == (True, True)
    assert (box.contains(-17.7, 0.0), box.contains(-17.7, 170.0)) == (False, False)
    assert box.contains(-30.0, 179.9) is False  # the right longitude, too far south


def test_bounding_box_normalises_the_longitude():
    assert bounding_box(10.0, 540.0, 50.0) == bounding_box(10.0, 180.0, 50.0)
    assert bounding_box(10.0, 180.0, 50.0) == bounding_box(10.0, -180.0, 50.0)


def test_bounding_box_over_a_pole_takes_every_longitude():
    assert bounding_box(89.5, 10.0, 100.0)[1:] == (90.0, -180.0, 180.0)
    assert bounding_box(-89.5, 10.0, 100.0)[0] == -90.0


def test_bounding_box_is_tight_away_from_the_poles_and_the_antimeridian():
    box = bounding_box(0.0, 0.0, 111.19508)  # one degree of arc

    assert box == pytest.approx(BoundingBox(-1.0, 1.0, -1.0, 1.0), abs=1e-6)
    assert box.crosses_antimeridian is False


@pytest.mark.parametrize(
    ("lat", "lon", "radius_km"), [(91.0, 0.0, 10.0), (0.0, 0.0, -1.0), (0.0, math.inf, 1.0)]
)
def test_bounding_box_refuses_what_is_no_circle(lat, lon, radius_km):
    with pytest.raises(ValueError, match="No bounding box"):
        bounding_box(lat, lon, radius_km)
