"""A saved search's query: cleaned by browse's own FilterSet, put in words."""

import pytest

from alerts.models import SavedSearch, query_key
from alerts.searches import clean_query, describe, name_all
from tests.factories import SpecialtyFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_clean_query_keeps_only_browse_filters_with_a_value():
    cleaned = clean_query(
        {"venue_kind": "online", "size": " small ", "page": "3", "sort": "name", "x": "1", "q": ""}
    )

    assert (cleaned.query, cleaned.errors) == ({"size": "small", "venue_kind": "online"}, {})


def test_clean_query_drops_what_browse_reads_as_nothing():
    cleaned = clean_query({"orientation": "any", "within": "50", "online": "on", "has_seats": ""})

    assert cleaned.query == {}


def test_clean_query_keeps_the_distance_beside_a_place():
    cleaned = clean_query({"near": "Denver, CO", "within": "50", "online": "on"})

    assert cleaned.query == {"near": "Denver, CO", "within": "50", "online": "on"}


def test_clean_query_gives_browse_filters_messages_for_bad_values():
    cleaned = clean_query({"size": "huge", "near": "Atlantis under the sea", "format": "informal"})

    assert cleaned.query == {"format": "informal"}
    assert sorted(cleaned.errors) == ["near", "size"]
    assert "We could not find" in cleaned.errors["near"][0]


def test_clean_query_refuses_a_query_too_long_to_save():
    cleaned = clean_query({"q": "word " * 300})

    assert cleaned.errors["__all__"] == [
        "This search is too long to save: use fewer words or filters."
    ]


def test_describe_says_the_filters_in_plain_words():
    query = {"venue_kind": "online", "size": "small", "time_of_day": "evening"}

    assert describe(query) == "Online, small groups, evenings"


def test_describe_names_place_day_focus_and_words():
    query = {
        "near": "Denver, CO",
        "within": "50",
        "online": "on",
        "weekday": "3",
        "specialty": "eating-disorders",
        "q": "burnout",
        "has_seats": "on",
    }

    assert describe(query, specialties={"eating-disorders": "Eating disorders"}) == (
        "Eating disorders, on Thursday, within 50 miles of Denver, CO, or online, “burnout”, "
        "with open seats"
    )


def test_describe_without_filters_is_all_groups():
    assert describe({}) == "All groups"


def test_name_all_reads_the_focus_names_in_one_query(django_assert_num_queries):
    user = UserFactory()
    SpecialtyFactory(name="Trauma", slug="trauma")
    searches = [
        SavedSearch(owner=user, query=q, query_key=query_key(q))
        for q in ({"specialty": "trauma"}, {"format": "structured"})
    ]

    with django_assert_num_queries(1):
        name_all(searches)

    assert [s.title for s in searches] == ["Trauma", "Structured"]
