"""A profile's place (issue 18, part 1): coordinates from its city and region through the
offline gazetteer (members/places.py), kept by the profile service and a migration, used by
browse's "Near me", and shown to nobody but the profile's owner."""

import importlib
import json

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from members import places, services
from members.models import AuditEntry, TherapistProfile
from tests.factories import AdminFactory, GroupFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

coordinates_migration = importlib.import_module("members.migrations.0014_profile_coordinates")

# What the gazetteer gives (tests/members/test_places.py).
DENVER = (39.73915, -104.9847)
PORTLAND_MAINE = (43.65737, -70.2589)
PORTLAND_OREGON_LATITUDE = 45.52345


def _profile(**fields) -> TherapistProfile:
    return UserFactory(**{f"profile__{name}": value for name, value in fields.items()}).profile


def _update(profile: TherapistProfile, **data) -> TherapistProfile:
    return services.update_profile(actor=profile.user, profile=profile, data=data)


def _where(profile: TherapistProfile) -> tuple:
    profile.refresh_from_db()
    return (profile.latitude, profile.longitude)


# --- the service -------------------------------------------------------------------------------


def test_update_profile_gives_the_coordinates_of_the_city_and_region():
    profile = _profile(city="", region="")

    _update(profile, city="Denver", region="CO")

    assert _where(profile) == DENVER


def test_update_profile_lets_the_region_choose_between_places_of_one_name():
    profile = _profile(city="Portland", region="OR", latitude=45.5, longitude=-122.7)

    _update(profile, region="ME")

    assert tuple(round(value, 4) for value in _where(profile)) == (
        round(PORTLAND_MAINE[0], 4),
        round(PORTLAND_MAINE[1], 4),
    )


@pytest.mark.parametrize(("city", "region"), [("Narnia", ""), ("", "CO"), ("Atlantis", "CO")])
def test_update_profile_clears_the_coordinates_of_a_place_not_found(city, region):
    profile = _profile(city="Denver", region="CO", latitude=DENVER[0], longitude=DENVER[1])

    _update(profile, city=city, region=region)

    assert _where(profile) == (None, None)


def test_update_profile_without_a_new_place_keeps_the_coordinates():
    # Coordinates the gazetteer would not give: an edit of anything else leaves them alone.
    profile = _profile(city="Denver", region="CO", latitude=1.5, longitude=2.5)

    _update(profile, city="Denver", region="CO", bio="Trauma work.")

    assert _where(profile) == (1.5, 2.5)


def test_the_audit_entry_names_the_fields_changed_not_the_coordinates():
    profile = _profile(city="", region="")

    _update(profile, city="Denver", region="CO")

    entry = AuditEntry.objects.get(verb="profile.updated")
    assert entry.data == {"fields": ["city", "region"]}


def test_create_profile_gives_the_coordinates_of_its_place():
    with_place = services.create_profile(user=UserFactory(profile=False), city="Denver")
    without = services.create_profile(user=UserFactory(profile=False))

    assert _where(with_place) == DENVER
    assert _where(without) == (None, None)


def test_the_place_is_looked_up_before_the_transaction_and_the_row_lock(monkeypatch):
    """The gazetteer's first look-up in a process takes a second or two: never while the
    profile's row is locked."""
    depths: list[int] = []
    real = places.coordinates

    def spy(**kwargs):
        depths.append(len(connection.atomic_blocks))
        return real(**kwargs)

    monkeypatch.setattr(places, "coordinates", spy)
    profile = _profile(city="", region="")
    outside = len(connection.atomic_blocks)  # the test's own transaction

    _update(profile, city="Denver")
    services.create_profile(user=UserFactory(profile=False), city="Boulder")

    assert depths == [outside, outside]
    assert _where(profile) == DENVER


# --- the page ----------------------------------------------------------------------------------

PROFILE_FORM = {
    "display_name": "Jordan Avery",
    "credential_type": "lmft",
    "licence_region": "Oregon",
    "city": "Portland",
    "region": "OR",
    "time_zone": "America/Los_Angeles",
}


def test_saving_the_profile_page_places_the_profile(client):
    user = UserFactory(profile__city="", profile__region="")
    client.force_login(user)

    response = client.post(reverse("members:profile_edit"), PROFILE_FORM)

    assert response.status_code == 302
    assert round(_where(user.profile)[0], 5) == PORTLAND_OREGON_LATITUDE
    page = client.get(reverse("members:profile_edit")).content.decode()
    assert "45.52" not in page  # the coordinates are not a field, nor shown


# --- the migration ------------------------------------------------------------------------------


def test_the_migration_fills_existing_profiles_looking_each_place_up_once(monkeypatch):
    in_denver = [_profile(city="Denver", region="CO") for _ in range(3)]
    in_portland = _profile(city="Portland", region="ME")
    unknown = _profile(city="Narnia", region="")
    nowhere = _profile(city="", region="")
    looked_up: list[tuple[str, str]] = []
    real = places.coordinates

    def counting(*, city, region=""):
        looked_up.append((city, region))
        return real(city=city, region=region)

    monkeypatch.setattr(places, "coordinates", counting)

    coordinates_migration.fill_coordinates(apps, None)

    assert sorted(looked_up) == [("Denver", "CO"), ("Narnia", ""), ("Portland", "ME")]
    assert all(_where(profile) == DENVER for profile in in_denver)
    assert round(_where(in_portland)[0], 5) == PORTLAND_MAINE[0]
    assert _where(unknown) == _where(nowhere) == (None, None)


# --- private: shown to nobody else ----------------------------------------------------------------


@pytest.fixture
def placed():
    """A therapist in Denver, with the coordinates of its centre."""
    return UserFactory(
        profile__city="Denver",
        profile__region="CO",
        profile__latitude=DENVER[0],
        profile__longitude=DENVER[1],
    )


def test_colleagues_do_not_see_the_coordinates(client, placed):
    group = GroupFactory()
    MembershipFactory(group=group, user=placed)
    colleague = MembershipFactory(group=group).user
    client.force_login(colleague)

    page = client.get(reverse("members:profile", args=[placed.profile.pk])).content.decode()

    assert "Denver" in page  # the city is shown, as before
    assert "39.739" not in page
    assert "104.98" not in page


def test_site_admins_do_not_see_the_coordinates(client, placed):
    client.force_login(AdminFactory())

    change = client.get(reverse("admin:members_therapistprofile_change", args=[placed.profile.pk]))
    changelist = client.get(reverse("admin:members_therapistprofile_changelist"))

    assert change.status_code == changelist.status_code == 200
    for page in (change, changelist):
        html = page.content.decode()
        assert "latitude" not in html.lower()
        assert "39.739" not in html


def test_my_data_gives_the_owner_their_coordinates(client, placed):
    client.force_login(placed)

    data = json.loads(client.get(reverse("members:export")).content)

    assert (data["profile"]["latitude"], data["profile"]["longitude"]) == DENVER
