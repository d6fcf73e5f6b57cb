"""Matching at scale: the database's cheap cut (``prefilter``) never leaves out a search that
browse's FilterSet would keep, and a group's match costs one FilterSet run per distinct query,
not one per saved search."""

import random
import time
from datetime import time as clock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alerts import services
from alerts.enums import Frequency
from alerts.models import AlertMatch, SavedSearch, query_key
from alerts.searches import matching, prefilter
from groups.models import weekday_mask
from meetings.selectors import browsable_groups
from members.models import TherapistProfile, User
from tests.factories import GroupFactory, SpecialtyFactory

pytestmark = pytest.mark.django_db

ZONES = ["America/New_York", "America/Denver", "Europe/London", "Asia/Kolkata"]
CHOICES = {
    "venue_kind": ["in_person", "online", "hybrid"],
    "format": ["informal", "structured"],
    "membership_policy": ["open", "closed"],
    "language": ["en", "es"],
    "orientation": ["secular", "faith_integrated"],
    "cadence": ["weekly", "monthly", "biweekly"],
    "purpose": ["support", "consultation", "collaboration"],
    "specialty": ["trauma", "eating-disorders", "couples"],
    "size": ["small", "medium", "large"],
    "time_of_day": ["morning", "afternoon", "evening"],
    "weekday": ["0", "2", "3"],
    "has_seats": ["on"],
    "city": ["Denver", "Boston"],
    "q": ["circle", "burnout"],
}


def _people(count: int) -> list[User]:
    users = User.objects.bulk_create(
        User(email=f"seeker{n}@example.com", password="!") for n in range(count)
    )
    TherapistProfile.objects.bulk_create(
        TherapistProfile(user=user, display_name=f"Seeker {n}", time_zone=ZONES[n % len(ZONES)])
        for n, user in enumerate(users)
    )
    return list(User.objects.filter(pk__in=[u.pk for u in users]).select_related("profile"))


def _query(rng: random.Random) -> dict[str, str]:
    keys = rng.sample(sorted(CHOICES), rng.randint(0, 4))
    return {key: rng.choice(CHOICES[key]) for key in keys}


def _searches(people, rng, *, queries=None) -> list[SavedSearch]:
    rows = []
    for n, user in enumerate(people):
        query = queries[n % len(queries)] if queries else _query(rng)
        rows.append(
            SavedSearch(owner=user, query=query, query_key=query_key(query), frequency="immediate")
        )
    SavedSearch.objects.bulk_create(rows)
    return list(SavedSearch.objects.select_related("owner__profile"))


def _group(rng: random.Random, terms) -> object:
    purposes = rng.sample(["support", "consultation", "collaboration"], rng.randint(1, 3))
    group = GroupFactory(
        name=f"{rng.choice(['Circle', 'Burnout', 'Peer'])} group {rng.randint(0, 10**6)}",
        venue_kind=rng.choice(CHOICES["venue_kind"]),
        format=rng.choice(CHOICES["format"]),
        membership_policy=rng.choice(CHOICES["membership_policy"]),
        language=rng.choice(CHOICES["language"]),
        orientation=rng.choice(["", "secular", "faith_integrated"]),
        cadence=rng.choice(CHOICES["cadence"]),
        purpose_support="support" in purposes,
        purpose_consultation="consultation" in purposes,
        purpose_collaboration="collaboration" in purposes,
        capacity=rng.randint(2, 8),
        usual_time=clock(rng.randint(6, 21), 0),
        weekdays=weekday_mask(rng.sample(range(7), rng.randint(0, 2))),
        time_zone=rng.choice(ZONES),
        city=rng.choice(["Denver", "Boston", ""]),
    )
    group.focus_specialties.set(rng.sample(terms, rng.randint(0, 2)))
    return group


def test_the_cheap_cut_never_leaves_out_a_search_browse_would_keep():
    rng = random.Random(18)
    terms = [
        SpecialtyFactory(name=n, slug=s)
        for n, s in [
            ("Trauma", "trauma"),
            ("Eating disorders", "eating-disorders"),
            ("Couples", "couples"),
        ]
    ]
    searches = _searches(_people(150), rng)
    cut_something = False
    for _ in range(12):
        group = _group(rng, terms)
        slugs = list(group.focus_specialties.values_list("slug", flat=True))
        kept = set(
            SavedSearch.objects.filter(prefilter(group, slugs=slugs)).values_list("pk", flat=True)
        )
        found = matching(searches, browsable_groups().filter(pk=group.pk))
        finding = {pk for pk, groups in found.items() if group.pk in groups}
        assert finding <= kept, f"left out: {sorted(finding - kept)}"
        cut_something |= len(kept) < len(searches)
    assert cut_something


def test_matching_costs_one_filter_run_per_distinct_query_not_per_search(capsys):
    """1,000 saved searches of 100 distinct queries (a few by time of day, so in each owner's
    zone): the cut in the database, then browse's FilterSet once per distinct query (and zone)
    that the cut kept. Prints the figures (``pytest -s``)."""
    rng = random.Random(3)
    queries = [_query(rng) for _ in range(100)]
    queries[0] = {"venue_kind": "online"}  # so some of them find the group
    people = _people(1000)
    _searches(people, rng, queries=queries)
    group = GroupFactory(venue_kind="online", capacity=6, purpose_support=True)
    candidates = list(
        SavedSearch.objects.filter(
            prefilter(group, slugs=[]), frequency__in=[Frequency.IMMEDIATE]
        ).select_related("owner__profile")
    )
    runs = len(
        {
            (s.query_key, s.owner.profile.time_zone if "time_of_day" in s.query else "")
            for s in candidates
        }
    )

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries_run:
        told = services.match_group(group_id=group.pk, reason="created")
    seconds = time.perf_counter() - started

    assert told == AlertMatch.objects.count() > 0
    # The group, its focus terms and the candidates; one run per distinct query (and a second
    # query, the zones the groups are in, for a query by time of day); then the recording, in
    # a handful of statements however many people are told.
    assert len(queries_run) <= 3 + 2 * runs + 8
    with capsys.disabled():
        print(
            f"\nmatching 1,000 saved searches (100 distinct queries): {len(candidates)} kept by "
            f"the cut, {runs} FilterSet runs, {told} found it, {len(queries_run)} queries, "
            f"{seconds * 1000:.0f} ms"
        )
