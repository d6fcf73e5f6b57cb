"""Browse stays fast at scale: PostgreSQL's planner uses the indexes for the common queries."""

import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict

from groups.filters import GroupFilter
from meetings.selectors import browsable_groups

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


CASES = {
    "": "group_status_created",
    "sort=name": "group_status_name",
    "sort=seats": "group_seats_left",
    "purpose=consultation&has_seats=on": "group_status_created",
    "specialty=trauma": "group_status_created",
}


def test_browse_queries_use_an_index():
    call_command("seed_demo", scale=3000, members_per_group=1, stdout=None)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    plans = {}
    for query in CASES:
        page = GroupFilter(QueryDict(query), queryset=browsable_groups()).qs[:20]
        plans[query] = page.explain()
    for query, index in CASES.items():
        assert f"Index Scan using {index}" in plans[query] or (
            f"Index Scan Backward using {index}" in plans[query]
        ), f"{query!r}:\n{plans[query]}"
        assert "Seq Scan on groups_group " not in plans[query], plans[query]


def test_free_text_search_uses_the_trigram_indexes():
    call_command("seed_demo", scale=3000, members_per_group=1, stdout=None)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    page = GroupFilter(QueryDict("q=trauma"), queryset=browsable_groups()).qs[:20]
    plan = page.explain()
    for column in ("name", "tagline", "description"):
        assert f"Bitmap Index Scan on group_{column}_trgm" in plan, plan
    assert "Seq Scan on groups_group " not in plan, plan


NEAR_CASES = [
    "near=Denver, CO",
    "near=Denver, CO&within=100",
    "near=80202&within=10&sort=name",
    "near=Seattle&within=50&has_seats=on",
]


def test_near_a_place_uses_the_coordinates_index():
    # The synthetic groups are in US towns, as many in each as its people suggest, with the
    # coordinates the groups service gives them (seed_demo --scale).
    call_command("seed_demo", scale=3000, members_per_group=1, stdout=None)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    for query in NEAR_CASES:
        group_filter = GroupFilter(QueryDict(query), queryset=browsable_groups())
        plan = group_filter.qs[:20].explain()
        assert group_filter.place is not None, query
        assert "group_coordinates" in plan, f"{query!r}:\n{plan}"
        assert "Seq Scan on groups_group " not in plan, f"{query!r}:\n{plan}"


NEAR_ONLINE_CASES = {
    # query: the index the online groups are read from, in the page's order
    "near=Denver, CO&online=on": "group_status_created",
    "near=Boston, MA&within=100&online=on": "group_status_created",
    "near=60614&within=10&online=on&sort=name": "group_status_name",
}


def _page_plans() -> dict[str, str]:
    """The plan of browse's first page (``GroupFilter.results()``: the near groups, then the
    online ones, a UNION ALL of two arms) and of the one ordered query (``qs``, which saved
    searches read)."""
    plans = {}
    for query in NEAR_ONLINE_CASES:
        group_filter = GroupFilter(QueryDict(query), queryset=browsable_groups())
        plans[query] = group_filter.results()[0:20].explain()
        plans[f"{query} (one query)"] = group_filter.qs[:20].explain()
        assert group_filter.place is not None, query
    return plans


def test_near_a_place_with_online_groups_reads_indexes_not_the_table():
    """Browse reads the near groups from the coordinates index and the online ones from an
    index in the page's order, only until the page is full (each arm cut at 20). The one
    ordered query reads the two together (a BitmapOr of the coordinates index and the status
    and venue one). Without the coordinates index every plan costs more (a whole-table read or
    another index filtered row by row): at this size the index is what keeps it cheap."""
    call_command("seed_demo", scale=6000, members_per_group=1, meetings_per_group=1, stdout=None)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    plans = _page_plans()
    for query, online_index in NEAR_ONLINE_CASES.items():
        page, one_query = plans[query], plans[f"{query} (one query)"]
        assert "Append" in page, f"{query!r}:\n{page}"
        # A bitmap scan ("on") or a plain index scan ("using"), as the statistics fall.
        assert re.search(r"(on|using) group_coordinates\b", page), f"{query!r}:\n{page}"
        assert f"Index Scan using {online_index}" in page or (
            f"Index Scan Backward using {online_index}" in page
        ), f"{query!r}:\n{page}"
        for index in ("group_coordinates", "group_status_venue"):
            assert re.search(rf"(on|using) {index}\b", one_query), f"{query!r}:\n{one_query}"
        for plan in (page, one_query):
            assert "Seq Scan on groups_group " not in plan, f"{query!r}:\n{plan}"
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX group_coordinates")  # rolled back with the test
    for query, plan in _page_plans().items():
        assert "group_coordinates" not in plan, f"{query!r}:\n{plan}"
        assert _cost(plan) > _cost(plans[query]), f"{query!r}:\n{plans[query]}\n{plan}"


def _cost(plan: str) -> float:
    """The planner's estimated total cost of a plan (its first node's)."""
    return float(re.search(r"cost=[\d.]+\.\.([\d.]+)", plan).group(1))
