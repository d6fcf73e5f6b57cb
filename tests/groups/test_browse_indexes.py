"""Browse stays fast at scale: PostgreSQL's planner uses the indexes for the common queries."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.http import QueryDict

from groups.filters import GroupFilter
from groups.models import Group
from groups.services.groups import place_coordinates
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


def _place_the_groups() -> None:
    """seed_demo's synthetic groups are bulk-inserted without coordinates: each city's groups
    get its place, spread over about 50 km around it, as a real city's are."""
    for city in Group.objects.order_by().values_list("city", flat=True).distinct():
        latitude, longitude = place_coordinates(city=city, region="")
        if latitude is None:
            continue
        Group.objects.filter(city=city).update(
            latitude=latitude + (F("id") % 101 - 50) * 0.005,
            longitude=longitude + (F("id") % 103 - 51) * 0.006,
        )


def test_near_a_place_uses_the_coordinates_index():
    call_command("seed_demo", scale=3000, members_per_group=1, stdout=None)
    _place_the_groups()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    for query in NEAR_CASES:
        group_filter = GroupFilter(QueryDict(query), queryset=browsable_groups())
        plan = group_filter.qs[:20].explain()
        assert group_filter.place is not None, query
        assert "group_coordinates" in plan, f"{query!r}:\n{plan}"
        assert "Seq Scan on groups_group " not in plan, f"{query!r}:\n{plan}"
