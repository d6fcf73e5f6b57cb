"""Near me (issue 18, part 1): groups get coordinates from their city and region through the
offline gazetteer (groups/places.py), and browse lists the groups within a distance of a city or
a US ZIP code, nearest first, with the distance on each card."""

import importlib

import pytest
from django.apps import apps
from django.http import QueryDict
from django.urls import reverse

from groups import services
from groups.enums import Role, VenueKind
from groups.filters import GroupFilter, near
from groups.models import Group
from groups.places import KM_PER_MILE, Place, distance_km
from groups.services.groups import place_coordinates
from meetings.selectors import browsable_groups
from tests.factories import GroupFactory, MembershipFactory, SpecialtyFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("groups:browse")
coordinates_migration = importlib.import_module("groups.migrations.0015_group_coordinates")

# What the gazetteer gives (tests/groups/test_places.py).
DENVER = (39.73915, -104.9847)
ZIP_80202 = (39.7491, -104.9946)
PORTLAND_MAINE_LATITUDE = 43.65737
ONE_MILE_OF_LATITUDE = KM_PER_MILE / 111.19508  # degrees: 2πR / 360 km to the degree


def _north_of_denver(miles: float) -> dict:
    return {
        "latitude": DENVER[0] + miles * ONE_MILE_OF_LATITUDE,
        "longitude": DENVER[1],
        "city": "Denver",
        "region": "CO",
    }


def _names(response) -> list[str]:
    """The groups listed, in the page's order."""
    return [group.name for group in response.context["page"].object_list]


def _text(response) -> str:
    return " ".join(response.content.decode().split())


# --- coordinates: filled by the services -----------------------------------------------------


def _create(city: str, region: str = "", **data) -> Group:
    data = {"name": f"Group in {city or 'nowhere'}", "purposes": ["support"], **data}
    return services.create_group(actor=UserFactory(), data={**data, "city": city, "region": region})


def test_create_group_fills_the_coordinates_from_city_and_region():
    group = _create("Denver", "CO")

    group.refresh_from_db()
    assert (group.latitude, group.longitude) == DENVER


def test_create_group_lets_the_region_choose_between_places_of_one_name():
    group = _create("Portland", "ME")

    assert round(group.latitude, 5) == PORTLAND_MAINE_LATITUDE


@pytest.mark.parametrize(
    ("city", "region", "venue_kind"),
    [
        ("Narnia", "", VenueKind.IN_PERSON),
        ("Atlantis", "CO", VenueKind.IN_PERSON),  # there is one, in South Africa
        ("", "", VenueKind.ONLINE),
        ("", "CO", VenueKind.ONLINE),
    ],
)
def test_create_group_leaves_the_coordinates_empty_for_a_place_not_found(city, region, venue_kind):
    group = _create(city, region, venue_kind=venue_kind)

    group.refresh_from_db()
    assert (group.latitude, group.longitude) == (None, None)


def test_create_group_passes_over_a_region_the_gazetteer_does_not_know():
    group = _create("Denver", "Front Range")

    assert (group.latitude, group.longitude) == DENVER


def _organized(**fields) -> tuple[Group, object]:
    group = GroupFactory(**fields)
    organizer = MembershipFactory(group=group, role=Role.ORGANIZER).user
    return group, organizer


def test_update_group_moves_the_coordinates_with_the_city():
    group, organizer = _organized(
        city="Denver", region="CO", latitude=DENVER[0], longitude=DENVER[1]
    )

    services.update_group(actor=organizer, group=group, data={"city": "Portland", "region": "ME"})

    group.refresh_from_db()
    assert round(group.latitude, 5) == PORTLAND_MAINE_LATITUDE


def test_update_group_moves_the_coordinates_with_the_region_alone():
    group, organizer = _organized(city="Portland", region="ME", latitude=43.66, longitude=-70.25)

    services.update_group(actor=organizer, group=group, data={"region": "OR"})

    group.refresh_from_db()
    assert (round(group.latitude), round(group.longitude)) == (46, -123)


def test_update_group_clears_the_coordinates_of_a_place_not_found():
    group, organizer = _organized(
        city="Denver", region="CO", latitude=DENVER[0], longitude=DENVER[1]
    )

    services.update_group(
        actor=organizer, group=group, data={"city": "", "venue_kind": VenueKind.ONLINE}
    )

    group.refresh_from_db()
    assert (group.latitude, group.longitude) == (None, None)


def test_update_group_fills_the_coordinates_of_a_group_that_had_none():
    group, organizer = _organized(city="Narnia", region="")

    services.update_group(actor=organizer, group=group, data={"city": "Denver, CO"})

    group.refresh_from_db()
    assert (group.latitude, group.longitude) == DENVER


def test_update_group_without_a_new_place_keeps_the_coordinates():
    # Coordinates the gazetteer would not give: an edit of anything else leaves them alone.
    group, organizer = _organized(city="Denver", region="CO", latitude=1.5, longitude=2.5)

    services.update_group(actor=organizer, group=group, data={"city": "Denver", "capacity": 7})

    group.refresh_from_db()
    assert (group.latitude, group.longitude, group.capacity) == (1.5, 2.5, 7)


# --- coordinates: the migration fills existing groups ----------------------------------------


def test_the_migration_fills_existing_groups_and_passes_over_unknown_places():
    denver = [GroupFactory(city="Denver", region="CO") for _ in range(3)]
    portland = GroupFactory(city="Portland", region="ME")
    unknown = GroupFactory(city="Narnia", region="")
    online = GroupFactory(city="", region="", venue_kind=VenueKind.ONLINE)

    coordinates_migration.fill_coordinates(apps, None)

    for group in denver:
        group.refresh_from_db()
        assert (group.latitude, group.longitude) == DENVER
    portland.refresh_from_db()
    assert round(portland.latitude, 5) == PORTLAND_MAINE_LATITUDE
    for group in (unknown, online):
        group.refresh_from_db()
        assert (group.latitude, group.longitude) == (None, None)


def test_the_migration_rule_is_the_services_rule():
    for city, region in [("Denver", "CO"), ("Portland", "ME"), ("Narnia", ""), ("", "CO")]:
        assert coordinates_migration.place_coordinates(city, region) == (
            place_coordinates(city=city, region=region)
        )


# --- browse: near a place --------------------------------------------------------------------


@pytest.fixture
def around_denver():
    """Groups at known distances from Denver's centre, created oldest nearest so that the
    default order (newest) would be the other way round."""
    GroupFactory(name="Downtown", venue_kind=VenueKind.IN_PERSON, **_north_of_denver(0))
    GroupFactory(name="Ten miles", venue_kind=VenueKind.HYBRID, **_north_of_denver(10.02))
    GroupFactory(name="Forty miles", venue_kind=VenueKind.IN_PERSON, **_north_of_denver(40.1))
    GroupFactory(name="Far away", city="New York", region="NY", latitude=40.71, longitude=-74.0)
    GroupFactory(name="No place", city="Narnia", region="")
    # Online, though its organizer lives downtown: it is near nobody.
    GroupFactory(name="Online", venue_kind=VenueKind.ONLINE, **_north_of_denver(0))


@pytest.mark.usefixtures("around_denver")
@pytest.mark.parametrize("typed", ["Denver", "Denver, CO", "denver colorado"])
def test_near_lists_the_groups_within_25_miles_nearest_first(client, typed):
    response = client.get(URL, {"near": typed})

    assert _names(response) == ["Downtown", "Ten miles"]
    assert response.context["filter"].form.errors == {}


@pytest.mark.usefixtures("around_denver")
def test_near_within_more_miles_reaches_further(client):
    response = client.get(URL, {"near": "Denver, CO", "within": "50"})

    assert _names(response) == ["Downtown", "Ten miles", "Forty miles"]


@pytest.mark.usefixtures("around_denver")
def test_near_a_zip_code(client):
    response = client.get(URL, {"near": "80202", "within": "10"})

    assert _names(response) == ["Downtown", "Ten miles"]
    ten_miles = response.context["page"].object_list[1]
    expected = distance_km(*ZIP_80202, DENVER[0] + 10.02 * ONE_MILE_OF_LATITUDE, DENVER[1])
    assert ten_miles.distance_km == pytest.approx(expected, rel=1e-9)
    assert ten_miles.distance_miles == 9  # the ZIP code's centre is north of the city's


@pytest.mark.usefixtures("around_denver")
def test_each_card_says_how_far_away_the_group_is(client):
    response = client.get(URL, {"near": "Denver", "within": "50"})

    page = _text(response)
    assert "Under a mile away" in page
    assert "10 miles away" in page
    assert "40 miles away" in page
    distances = [group.distance_miles for group in response.context["page"].object_list]
    assert distances == [0, 10, 40]


def test_one_mile_is_one_mile(client):
    GroupFactory(name="A mile", **_north_of_denver(1.2))

    response = client.get(URL, {"near": "Denver"})

    assert "1 mile away" in _text(response)


@pytest.mark.usefixtures("around_denver")
def test_online_groups_come_after_the_near_ones_when_asked_for(client):
    GroupFactory(name="Online elsewhere", venue_kind=VenueKind.ONLINE, city="")

    response = client.get(URL, {"near": "Denver", "online": "on"})

    assert _names(response)[:2] == ["Downtown", "Ten miles"]
    assert sorted(_names(response)[2:]) == ["Online", "Online elsewhere"]
    distances = [group.distance_miles for group in response.context["page"].object_list]
    assert distances == [0, 10, None, None]
    assert _text(response).count(" away ") == 2  # "Under a mile away", "10 miles away"


@pytest.mark.usefixtures("around_denver")
def test_another_sort_keeps_the_near_groups_first_and_online_after(client):
    GroupFactory(name="Alpha online", venue_kind=VenueKind.ONLINE, city="")
    GroupFactory(name="A hybrid nearby", venue_kind=VenueKind.HYBRID, **_north_of_denver(5))

    response = client.get(URL, {"near": "Denver", "online": "on", "sort": "name"})

    assert _names(response) == [
        "A hybrid nearby",
        "Downtown",
        "Ten miles",
        "Alpha online",
        "Online",
    ]


@pytest.mark.usefixtures("around_denver")
def test_the_newest_sort_when_chosen_wins_over_distance(client):
    response = client.get(URL, {"near": "Denver", "sort": "newest"})

    assert _names(response) == ["Ten miles", "Downtown"]


def test_the_box_corners_are_cut_off_by_the_distance(client):
    # Inside the 10-mile box (0.145° of latitude, 0.188° of longitude at Denver), 12.7 miles away.
    GroupFactory(name="Corner", latitude=DENVER[0] + 0.13, longitude=DENVER[1] + 0.17)
    GroupFactory(name="Side", latitude=DENVER[0], longitude=DENVER[1] + 0.17)  # 9 miles east

    response = client.get(URL, {"near": "Denver", "within": "10"})

    assert _names(response) == ["Side"]


def test_near_combines_with_the_other_filters(client):
    GroupFactory(name="Open nearby", **_north_of_denver(2))
    GroupFactory(name="Closed nearby", membership_policy="closed", **_north_of_denver(1))

    response = client.get(URL, {"near": "Denver", "membership_policy": "open"})

    assert _names(response) == ["Open nearby"]


@pytest.mark.usefixtures("around_denver")
@pytest.mark.parametrize("typed", ["Narnia", "00000"])
def test_a_place_not_found_says_so_and_lists_every_group(client, typed):
    response = client.get(URL, {"near": typed, "within": "10"})

    assert sorted(_names(response)) == [
        "Downtown",
        "Far away",
        "Forty miles",
        "No place",
        "Online",
        "Ten miles",
    ]
    assert list(response.context["filter"].form.errors) == ["near"]
    assert f"We could not find “{typed}”. Try a city and state, or a US ZIP code." in _text(
        response
    )


@pytest.mark.usefixtures("around_denver")
def test_a_place_not_found_keeps_the_other_filters_and_the_sort(client):
    response = client.get(URL, {"near": "Narnia", "venue_kind": "in_person", "sort": "name"})

    assert _names(response) == ["Downtown", "Far away", "Forty miles", "No place", "Ten miles"]


def test_a_bad_distance_is_ignored_and_25_miles_apply(client):
    GroupFactory(name="Twenty", **_north_of_denver(20))
    GroupFactory(name="Thirty", **_north_of_denver(30))

    response = client.get(URL, {"near": "Denver", "within": "7"})

    assert _names(response) == ["Twenty"]
    assert list(response.context["filter"].form.errors) == ["within"]


def test_the_near_fields_are_in_the_sidebar_with_the_geonames_credit(client):
    page = _text(client.get(URL))

    assert '<label for="id_near" class="form-label"> Near </label>' in page
    assert '<option value="25" selected>25 miles</option>' in page
    assert 'id="id_online"' in page
    assert "Include online groups" in page
    assert "Places: GeoNames (CC BY 4.0)." in page


def test_the_near_fields_keep_their_values(client):
    page = _text(client.get(URL, {"near": "Boulder, CO", "within": "50", "online": "on"}))

    assert 'value="Boulder, CO"' in page
    assert '<option value="50" selected>50 miles</option>' in page
    assert '<option value="25" selected>' not in page


def test_without_a_place_online_and_within_change_nothing(client):
    GroupFactory(name="Far away", city="New York", latitude=40.71, longitude=-74.0)
    GroupFactory(name="Online", venue_kind=VenueKind.ONLINE, city="")

    response = client.get(URL, {"within": "10", "sort": "name"})

    assert _names(response) == ["Far away", "Online"]
    assert not any(hasattr(group, "distance_km") for group in response.context["page"])


# --- across the antimeridian and near a pole --------------------------------------------------


def _place(latitude: float, longitude: float) -> Place:
    return Place("Somewhere", latitude, longitude, "FJ", None)


def _near(place: Place, miles: float) -> list[str]:
    queryset = near(
        Group.objects.all(), place, radius_km=miles * KM_PER_MILE, online=False
    ).order_by("distance_km")
    return list(queryset.values_list("name", flat=True))


def test_near_the_antimeridian_finds_groups_on_both_sides():
    GroupFactory(name="East side", latitude=-17.0, longitude=179.5)
    GroupFactory(name="West side", latitude=-17.0, longitude=-179.6)
    GroupFactory(name="Greenwich", latitude=-17.0, longitude=0.0)
    GroupFactory(name="Too far west", latitude=-17.0, longitude=-178.0)

    assert _near(_place(-17.0, 179.9), 100) == ["East side", "West side"]
    assert _near(_place(-17.0, -179.9), 100) == ["West side", "East side"]


def test_near_a_pole_every_longitude_counts():
    GroupFactory(name="Station A", latitude=89.5, longitude=0.0)
    GroupFactory(name="Station B", latitude=89.5, longitude=180.0)
    GroupFactory(name="Further south", latitude=85.0, longitude=0.0)

    assert sorted(_near(_place(89.9, 90.0), 100)) == ["Station A", "Station B"]


def test_the_database_distance_is_the_gazetteers():
    GroupFactory(name="New York", latitude=40.71427, longitude=-74.00597)
    place = _place(*DENVER)

    (found,) = near(Group.objects.all(), place, radius_km=3000, online=False)

    assert found.distance_km == pytest.approx(distance_km(*DENVER, 40.71427, -74.00597), rel=1e-9)


def test_the_filter_set_remembers_the_place_it_found():
    group_filter = GroupFilter(QueryDict("near=80202"), queryset=browsable_groups())
    list(group_filter.qs)

    assert group_filter.place is not None
    assert group_filter.place.label == "80202 (Denver, CO)"


# --- queries ---------------------------------------------------------------------------------


def _groups_near_denver(count: int) -> None:
    for i in range(count):
        group = GroupFactory(name=f"Near {i:02d}", **_north_of_denver(i))
        group.focus_specialties.add(SpecialtyFactory(name=f"Focus {i:02d}"))
        MembershipFactory(group=group, role="organizer")
    GroupFactory(name="Online", venue_kind=VenueKind.ONLINE, city="")


@pytest.mark.parametrize("count", [1, 20])
def test_browse_query_count_near_a_place_for_a_visitor(client, django_assert_num_queries, count):
    _groups_near_denver(count)
    with django_assert_num_queries(4):
        response = client.get(URL, {"near": "Denver, CO", "within": "25", "online": "on"})
    assert response.context["result_count"] == count + 1


@pytest.mark.parametrize("count", [1, 20])
def test_browse_query_count_near_a_place_for_a_member(client, django_assert_num_queries, count):
    _groups_near_denver(count)
    client.force_login(UserFactory())
    with django_assert_num_queries(5):
        response = client.get(URL, {"near": "80202", "within": "25", "sort": "seats"})
    assert response.context["result_count"] == count


# --- the edit form: the place's time zone ----------------------------------------------------


def _edit_page(client, **fields) -> str:
    group, organizer = _organized(**fields)
    client.force_login(organizer)
    return _text(client.get(reverse("groups:edit", args=[group.slug])))


def test_the_edit_form_names_the_places_zone_when_the_group_is_in_another(client):
    page = _edit_page(
        client, city="Denver", latitude=DENVER[0], longitude=DENVER[1], time_zone="America/New_York"
    )

    assert "Meetings are scheduled in it. Denver is in America/Denver time." in page


@pytest.mark.parametrize(
    "fields",
    [
        {"latitude": DENVER[0], "longitude": DENVER[1], "time_zone": "America/Denver"},
        {"latitude": DENVER[0], "longitude": DENVER[1], "time_zone": "US/Mountain"},  # an alias
        {"latitude": None, "longitude": None, "time_zone": "America/New_York"},
    ],
)
def test_the_edit_form_says_nothing_when_the_zones_agree_or_the_place_is_unknown(client, fields):
    page = _edit_page(client, city="Denver", **fields)

    assert "Meetings are scheduled in it." in page
    assert "America/Denver time" not in page
