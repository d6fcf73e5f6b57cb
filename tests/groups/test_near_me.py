"""Near me (issue 18, part 1): groups get coordinates from their city and region through the
offline gazetteer (members/places.py), and browse lists the groups within a distance of a city or
a US ZIP code, nearest first, with the distance on each card."""

import importlib
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.contrib.messages import get_messages
from django.db import connection
from django.http import QueryDict
from django.urls import reverse

from groups import services
from groups.enums import Role, VenueKind
from groups.filters import GroupFilter, NearThenOnline, near
from groups.models import Group
from groups.services.base import sync_member_count
from groups.services.groups import place_coordinates
from meetings.selectors import browsable_groups
from members import places
from members.places import KM_PER_MILE, Place, distance_km
from tests.factories import GroupFactory, MembershipFactory, SpecialtyFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("groups:browse")
coordinates_migration = importlib.import_module("groups.migrations.0015_group_coordinates")

# What the gazetteer gives (tests/members/test_places.py).
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
    # The near and the online groups are counted apart (NearThenOnline), then listed together;
    # SQLite cannot order the arms of a UNION: the page's ids counted with all found, the page,
    # and the two kinds counted for the heading.
    with django_assert_num_queries(5):
        response = client.get(URL, {"near": "Denver, CO", "within": "25", "online": "on"})
    assert response.context["result_count"] == count + 1


@pytest.mark.parametrize("count", [1, 20])
def test_browse_query_count_near_a_place_for_a_member(client, django_assert_num_queries, count):
    _groups_near_denver(count)
    client.force_login(UserFactory())
    # The page's ids with how many were found, then the page (CountedPaginator).
    with django_assert_num_queries(5):
        response = client.get(URL, {"near": "80202", "within": "25", "sort": "seats"})
    assert response.context["result_count"] == count


@pytest.mark.parametrize(
    ("page", "shown", "names"),
    [
        ("2", 2, ["Near 20", "Near 21", "Near 22"]),
        ("9", 2, ["Near 20", "Near 21", "Near 22"]),
        ("x", 1, ["Near 00", "Near 01"]),
        ("0", 2, ["Near 20", "Near 21", "Near 22"]),
        ("1000000000000000000000", 2, ["Near 20", "Near 21", "Near 22"]),
    ],
)
def test_near_a_place_each_page_counts_every_group_found(client, page, shown, names):
    """Counted with the page: the last page, a page past the end or below one (the last one,
    as Django's paginator answers; an offset no database takes included) and a page that is not
    a number (the first) all say how many were found."""
    _groups_near_denver(23)

    response = client.get(URL, {"near": "80202", "within": "25", "sort": "name", "page": page})

    assert response.context["result_count"] == 23
    assert response.context["page"].number == shown
    assert _names(response)[: len(names)] == names
    assert "23 groups within 25 miles of" in _text(response)


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


# --- the time zone of a new group's place ------------------------------------------------------


def test_create_group_without_a_zone_takes_its_places():
    creator = UserFactory(profile__time_zone="America/New_York")

    group = services.create_group(
        actor=creator, data={"name": "Mile High", "purposes": ["support"], "city": "Denver"}
    )

    assert group.time_zone == "America/Denver"


@pytest.mark.parametrize(("city", "region"), [("", ""), ("Narnia", ""), ("Atlantis", "CO")])
def test_create_group_without_a_zone_or_a_known_place_takes_its_creators(city, region):
    creator = UserFactory(profile__time_zone="America/Chicago")

    group = services.create_group(
        actor=creator,
        data={"name": "Somewhere", "purposes": ["support"], "city": city, "region": region},
    )

    assert group.time_zone == "America/Chicago"


def test_create_group_keeps_the_zone_given():
    group = _create("Denver", "CO", time_zone="America/Chicago")

    assert group.time_zone == "America/Chicago"


def _spy_on_look_ups(monkeypatch) -> list[int]:
    """How many transactions were open at each look-up of a place (the real look-up runs)."""
    depths: list[int] = []
    real = places.coordinates

    def spy(**kwargs):
        depths.append(len(connection.atomic_blocks))
        return real(**kwargs)

    monkeypatch.setattr(places, "coordinates", spy)
    return depths


def test_create_and_update_group_look_the_place_up_before_the_transaction(monkeypatch):
    group, organizer = _organized(city="Denver", region="CO")
    depths = _spy_on_look_ups(monkeypatch)
    outside = len(connection.atomic_blocks)  # the test's own transaction

    services.update_group(actor=organizer, group=group, data={"city": "Boulder"})
    _create("Portland", "ME")

    assert depths == [outside, outside]
    group.refresh_from_db()
    assert (round(group.latitude, 2), round(group.longitude, 2)) == (40.01, -105.27)


CREATE = reverse("groups:create")
CREATE_DATA = {
    "name": "Mile High Consult",
    "purposes": ["consultation"],
    "format": "structured",
    "leadership_model": "rotating",
    "membership_policy": "open",
    "capacity": "6",
    "venue_kind": "in_person",
    "city": "Denver",
    "region": "CO",
    "cadence": "monthly",
    "weekday_choices": ["3"],
    "usual_time": "18:30",
    "meeting_minutes": "90",
    "language": "en",
    "ground_rules": "1. Confidentiality.",
}


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def new_yorker(client):
    """Signed in, in New York: the zone the create form offers."""
    user = UserFactory(profile__time_zone="America/New_York")
    client.force_login(user)
    return user


@pytest.mark.usefixtures("new_yorker")
def test_the_create_page_gives_a_group_left_at_the_zone_offered_its_places_zone(client):
    response = client.post(CREATE, {**CREATE_DATA, "time_zone": "America/New_York"})

    group = Group.objects.get(name="Mile High Consult")
    assert response.status_code == 302
    assert group.time_zone == "America/Denver"
    assert _messages(response)[1] == (
        "Its meetings are scheduled in America/Denver time, the time zone of Denver. "
        "You can change it on the group's edit page."
    )


@pytest.mark.usefixtures("new_yorker")
def test_the_create_page_keeps_a_zone_chosen_and_names_the_places(client):
    response = client.post(CREATE, {**CREATE_DATA, "time_zone": "America/Chicago"})

    group = Group.objects.get(name="Mile High Consult")
    assert group.time_zone == "America/Chicago"
    assert _messages(response)[1] == (
        "Its meetings are scheduled in America/Chicago time, as you chose, though Denver is "
        "in America/Denver time. You can change it on the group's edit page."
    )


@pytest.mark.usefixtures("new_yorker")
@pytest.mark.parametrize(
    ("posted", "city"),
    [("America/Denver", "Denver"), ("America/New_York", "Narnia"), ("America/New_York", "")],
)
def test_the_create_page_says_nothing_when_the_zones_agree_or_the_place_is_unknown(
    client, posted, city
):
    data = {**CREATE_DATA, "time_zone": posted, "city": city, "region": ""}
    if not city:
        data["venue_kind"] = "online"

    response = client.post(CREATE, data)

    assert Group.objects.get(name="Mile High Consult").time_zone == posted
    assert len(_messages(response)) == 1


@pytest.mark.usefixtures("new_yorker")
def test_the_create_form_shows_the_places_zone_beside_the_field_when_sent_back(client):
    # No name: the form comes back, with the zone of Denver chosen and said.
    response = client.post(CREATE, {**CREATE_DATA, "name": "", "time_zone": "America/New_York"})

    form = response.context["form"]
    assert form["time_zone"].value() == "America/Denver"
    assert (
        "Set to America/Denver, the time zone of Denver. Choose another if the group meets on "
        "another clock." in _text(response)
    )
    response = client.post(CREATE, {**CREATE_DATA, "name": "", "time_zone": "America/Chicago"})

    assert response.context["form"]["time_zone"].value() == "America/Chicago"
    assert "Denver is in America/Denver time. The group meets in the zone you choose here." in (
        _text(response)
    )


# --- browse: near me, and the results heading ---------------------------------------------------

SPRINGFIELD = (39.80172, -89.64371)


def _member_in(client, city: str, region: str, coordinates: tuple | None):
    latitude, longitude = coordinates or (None, None)
    user = UserFactory(
        profile__city=city,
        profile__region=region,
        profile__latitude=latitude,
        profile__longitude=longitude,
    )
    client.force_login(user)
    return user


def _status(response) -> str:
    """The results heading's live region: what a screen reader hears."""
    html = response.content.decode()
    region = html[html.index('<div role="status">') :]
    start = region.index('id="browse-results">') + len('id="browse-results">')
    return " ".join(region[start : region.index("</h2>", start)].split())


def test_near_me_offers_a_member_this_search_near_their_own_place(client):
    _member_in(client, "Springfield", "IL", SPRINGFIELD)

    response = client.get(URL, {"format": "structured", "page": "1"})

    assert response.context["near_me_query"] == "format=structured&near=Springfield%2C+IL"
    assert (
        '<a class="btn btn-sm btn-outline-primary" href="?format=structured&amp;near='
        'Springfield%2C+IL"> <i class="bi bi-geo-alt" aria-hidden="true"></i> '
        "Near me (Springfield, IL) </a>" in _text(response)
    )


def test_following_near_me_lists_the_groups_near_the_members_place(client):
    GroupFactory(
        name="Capitol",
        city="Springfield",
        region="IL",
        latitude=SPRINGFIELD[0],
        longitude=SPRINGFIELD[1],
    )
    GroupFactory(name="Far away", city="Boston", region="MA", latitude=42.36, longitude=-71.06)
    _member_in(client, "Springfield", "IL", SPRINGFIELD)

    response = client.get(f"{URL}?{client.get(URL).context['near_me_query']}")

    assert _names(response) == ["Capitol"]
    assert _status(response) == "1 group within 25 miles of Springfield, Illinois, United States"
    assert "Near me (" not in _text(response)  # already near it: no link


def test_a_members_place_filters_and_sorts_nothing_unasked(client):
    GroupFactory(
        name="Capitol",
        city="Springfield",
        region="IL",
        latitude=SPRINGFIELD[0],
        longitude=SPRINGFIELD[1],
    )
    GroupFactory(name="Far away", city="Boston", region="MA", latitude=42.36, longitude=-71.06)
    _member_in(client, "Springfield", "IL", SPRINGFIELD)

    response = client.get(URL)

    assert _names(response) == ["Far away", "Capitol"]  # newest first, as for anyone
    assert _status(response) == "2 groups found"


@pytest.mark.parametrize(
    ("city", "region", "coordinates"),
    [("Narnia", "", None), ("", "", None)],  # a place not found, or none given
)
def test_no_near_me_without_a_place_the_gazetteer_found(client, city, region, coordinates):
    _member_in(client, city, region, coordinates)

    response = client.get(URL)

    assert "Near me (" not in _text(response)
    assert "<!--near-me-->" not in response.content.decode()


def test_members_of_different_places_share_the_results_but_each_sees_their_own_link(
    client, django_assert_max_num_queries
):
    GroupFactory(name="Capitol", city="Springfield", region="IL")
    _member_in(client, "Springfield", "IL", SPRINGFIELD)
    assert "Near me (Springfield, IL)" in _text(client.get(URL))
    _member_in(client, "Boston", "MA", (42.36, -71.06))
    with django_assert_max_num_queries(1):  # the results part comes from the cache
        html = _text(client.get(URL))
    assert "Near me (Boston, MA)" in html
    assert "Springfield, IL)" not in html


def test_no_near_me_for_visitors(client):
    assert "Near me (" not in _text(client.get(URL))


def test_each_member_is_offered_their_own_place_from_the_cached_page(client):
    _member_in(client, "Springfield", "IL", SPRINGFIELD)
    assert "Near me (Springfield, IL)" in _text(client.get(URL))
    _member_in(client, "Denver", "CO", DENVER)

    page = _text(client.get(URL))

    assert "Near me (Denver, CO)" in page
    assert "Springfield" not in page


@pytest.mark.usefixtures("around_denver")
def test_the_results_heading_says_how_many_within_how_far_of_where(client):
    response = client.get(URL, {"near": "Denver, CO"})

    assert _status(response) == "2 groups within 25 miles of Denver, Colorado, United States"
    assert '<h2 class="h6 fw-semibold" id="browse-results">' in response.content.decode()
    assert 'aria-labelledby="browse-results"' in response.content.decode()


@pytest.mark.usefixtures("around_denver")
def test_the_results_heading_counts_the_online_groups_apart(client):
    GroupFactory(name="Online elsewhere", venue_kind=VenueKind.ONLINE, city="")

    response = client.get(URL, {"near": "80202", "within": "10", "online": "on"})

    assert _status(response) == (
        "2 groups within 10 miles of 80202 (Denver, CO), and 2 online groups"
    )
    assert response.context["result_count"] == 4
    assert len(response.context["page"].object_list) == 4


def test_the_results_heading_in_the_singular(client):
    GroupFactory(name="Downtown", **_north_of_denver(0))
    GroupFactory(name="Online", venue_kind=VenueKind.ONLINE, city="")

    response = client.get(URL, {"near": "Denver", "online": "on", "within": "100"})

    assert _status(response) == (
        "1 group within 100 miles of Denver, Colorado, United States, and 1 online group"
    )


@pytest.mark.usefixtures("around_denver")
def test_the_results_heading_of_a_place_not_found_counts_every_group(client):
    response = client.get(URL, {"near": "Narnia"})

    assert _status(response) == "6 groups found"


@pytest.mark.parametrize("count", [1, 20])
@pytest.mark.parametrize(
    ("query", "queries"),
    [({}, 5), ({"near": "Denver, CO", "within": "25", "online": "on"}, 6)],
    ids=["offered", "followed"],
)
def test_browse_query_count_with_near_me(client, django_assert_num_queries, count, query, queries):
    _groups_near_denver(count)
    _member_in(client, "Denver", "CO", DENVER)
    with django_assert_num_queries(queries):
        response = client.get(URL, query)
    assert response.context["result_count"] == count + 1


# --- browse reads the near and the online groups apart (NearThenOnline) ----------------------


@pytest.fixture
def many_near_and_online():
    """More groups than a page: 23 near Denver at known distances, some full, and 9 online."""
    for i in range(23):
        group = GroupFactory(
            name=f"Near {chr(ord('A') + (i * 7) % 23)}{i:02d}",
            capacity=3 + i % 5,
            **_north_of_denver(i),
        )
        for _ in range(i % 4):
            MembershipFactory(group=group)
    for i in range(9):
        GroupFactory(name=f"Online {chr(ord('Z') - i)}", venue_kind=VenueKind.ONLINE, city="")
    for group in Group.objects.all():
        sync_member_count(group)


@pytest.mark.postgres  # NearThenOnline: SQLite lists the one query (GroupFilter.qs)
@pytest.mark.usefixtures("many_near_and_online")
@pytest.mark.parametrize("sort", ["", "name", "seats", "newest"])
def test_browse_pages_list_the_near_then_the_online_groups_as_the_one_query_orders_them(
    client, sort
):
    query = {"near": "Denver, CO", "within": "25", "online": "on", "sort": sort}
    expected = [
        group.name
        for group in GroupFilter(QueryDict(urlencode(query)), queryset=browsable_groups()).qs
    ]

    pages = [client.get(URL, {**query, "page": page}) for page in (1, 2)]

    assert [name for response in pages for name in _names(response)] == expected
    assert len(expected) == 32  # the 23 near ones (0 to 22 miles), and the 9 online
    assert _status(pages[1]) == (
        "23 groups within 25 miles of Denver, Colorado, United States, and 9 online groups"
    )
    assert isinstance(pages[0].context["page"].paginator.object_list, NearThenOnline)


@pytest.mark.usefixtures("many_near_and_online")
def test_the_online_groups_have_no_distance_on_the_page_that_mixes_them(client):
    response = client.get(URL, {"near": "Denver", "online": "on", "page": "2"})

    # Page 1: the 20 nearest (0 to 19 miles); page 2: the other 3 near ones, then 9 online.
    distances = [group.distance_miles for group in response.context["page"]]
    assert distances == [20, 21, 22, *[None] * 9]
    assert _text(response).count(" away ") == 3


def test_no_group_at_all_near_a_place_with_the_online_ones(client):
    response = client.get(URL, {"near": "Denver", "online": "on"})

    assert _names(response) == []
    assert _status(response) == (
        "0 groups within 25 miles of Denver, Colorado, United States, and 0 online groups"
    )


@pytest.mark.usefixtures("around_denver")
def test_where_a_union_cannot_be_ordered_one_query_lists_both(client, monkeypatch):
    """SQLite cannot order the arms of a UNION: the one ordered query (``qs``) lists both."""
    monkeypatch.setattr(connection.features, "supports_slicing_ordering_in_compound", False)

    response = client.get(URL, {"near": "Denver", "online": "on"})

    assert _names(response) == ["Downtown", "Ten miles", "Online"]
    assert not isinstance(response.context["page"].paginator.object_list, NearThenOnline)
    assert _status(response) == (
        "2 groups within 25 miles of Denver, Colorado, United States, and 1 online group"
    )
