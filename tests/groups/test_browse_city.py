"""Browse: "In person" includes hybrid groups (and "Online" too); the city filter tolerates
"Denver, CO", case, accents and "Saint"/"St.", through a normalised key stored on the group."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict
from django.urls import reverse

from groups.enums import VenueKind
from groups.filters import GroupFilter
from groups.models import Group, city_key
from groups.services import update_group
from meetings.selectors import browsable_groups
from tests.factories import GroupFactory, MembershipFactory

URL = reverse("groups:browse")


def _names(response) -> list[str]:
    return sorted(group.name for group in response.context["page"].object_list)


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("Denver", "denver"),
        ("Denver, CO", "denver"),
        ("  DENVER ", "denver"),
        ("São Paulo", "sao paulo"),
        ("Sao Paulo, SP", "sao paulo"),
        ("St. Louis", "st louis"),
        ("Saint Louis", "st louis"),
        ("Coeur d'Alene", "coeur d alene"),
        ("Winston-Salem", "winston salem"),
        ("Zürich", "zurich"),
        ("", ""),
        (", CO", ""),
    ],
)
def test_city_key_drops_state_case_accents_and_punctuation(typed, key):
    assert city_key(typed) == key


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["Denver", "denver", "DENVER", "Denver, CO", "denver,co"])
def test_city_filter_finds_denver_however_it_is_typed(client, typed):
    GroupFactory(name="Denver group", city="Denver")
    GroupFactory(name="Denver, CO group", city="Denver, CO")
    GroupFactory(name="Boulder group", city="Boulder")

    response = client.get(URL, {"city": typed})

    assert _names(response) == ["Denver group", "Denver, CO group"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("stored", "typed"),
    [("São Paulo", "Sao Paulo"), ("Sao Paulo", "são paulo"), ("St. Louis", "Saint Louis")],
)
def test_city_filter_ignores_accents_and_saint(client, stored, typed):
    GroupFactory(name="Match", city=stored)
    GroupFactory(name="Other", city="Denver")

    assert _names(client.get(URL, {"city": typed})) == ["Match"]


@pytest.mark.django_db
def test_a_city_of_only_punctuation_filters_nothing_out(client):
    GroupFactory(name="A", city="Denver")
    GroupFactory(name="B", city="Boulder")

    assert _names(client.get(URL, {"city": " , "})) == ["A", "B"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("where", "found"),
    [
        ("in_person", ["Hybrid", "Room"]),
        ("online", ["Hybrid", "Video"]),
        ("hybrid", ["Hybrid"]),
        ("", ["Hybrid", "Room", "Video"]),
    ],
)
def test_in_person_and_online_both_include_hybrid_groups(client, where, found):
    GroupFactory(name="Room", venue_kind=VenueKind.IN_PERSON)
    GroupFactory(name="Video", venue_kind=VenueKind.ONLINE, city="")
    GroupFactory(name="Hybrid", venue_kind=VenueKind.HYBRID)

    assert _names(client.get(URL, {"venue_kind": where})) == found


@pytest.mark.django_db
def test_the_where_choices_say_hybrid_is_included(client):
    field = client.get(URL).context["filter"].form.fields["venue_kind"]
    assert [label for _, label in field.choices] == [
        "In person or online",
        "In person (hybrid included)",
        "Online (hybrid included)",
        "Hybrid only",
    ]


@pytest.mark.django_db
def test_the_key_is_written_on_create_on_bulk_create_and_when_a_service_edits_the_city():
    group = GroupFactory(city="São Paulo")
    assert Group.objects.get(pk=group.pk).city_key == "sao paulo"
    [bulk] = Group.objects.bulk_create(
        [Group(name="Bulk", slug="bulk", city="Denver, CO", purpose_support=True)]
    )
    assert Group.objects.get(pk=bulk.pk).city_key == "denver"
    organizer = MembershipFactory(group=group, role="organizer").user

    update_group(actor=organizer, group=group, data={"city": "St. Louis"})

    assert Group.objects.values_list("city", "city_key").get(pk=group.pk) == (
        "St. Louis",
        "st louis",
    )


@pytest.mark.postgres
@pytest.mark.django_db
def test_city_filter_uses_its_index():
    call_command("seed_demo", scale=3000, members_per_group=1, stdout=None)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    plan = GroupFilter(QueryDict("city=Boulder, CO"), queryset=browsable_groups()).qs[:20].explain()

    assert "group_city_key" in plan, plan
    assert "Seq Scan on groups_group " not in plan, plan
