"""A slot is never held by two people: threads race for one slot on real PostgreSQL."""

import time

import pytest
from django.db import transaction

from presentations import services
from presentations.models import Presentation
from presentations.services import PresentationError
from tests.factories import MembershipFactory
from tests.presentations.conftest import slots
from tests.race import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 12


def naive_claim(*, user, segment_id):
    """A claim without the row lock or the unique constraint's protection: check, then write."""
    with transaction.atomic():
        taken = Presentation.objects.filter(segment_id=segment_id).exists()
        time.sleep(0.005)
        if taken:
            raise PresentationError("taken")
        # Simulate a schema without the one-to-one guarantee: count holders afterwards instead.
        return segment_id


@pytest.fixture
def racers(meeting):
    type(meeting.group).objects.filter(pk=meeting.group_id).update(capacity=30)
    return [MembershipFactory(group=meeting.group).user for _ in range(THREADS)]


def _round(meeting, users, claim):
    segment = slots(meeting, "case")[0]
    Presentation.objects.filter(segment=segment).delete()
    results = race(lambda i: claim(user=users[i], segment_id=segment.pk), THREADS)
    unexpected = [
        r for r in results if isinstance(r, Exception) and not isinstance(r, PresentationError)
    ]
    assert unexpected == []
    return results


def test_concurrent_claims_give_the_slot_to_exactly_one(meeting, racers):
    for _ in range(6):
        results = _round(meeting, racers, services.claim_slot)
        winners = [r for r in results if isinstance(r, Presentation)]
        assert len(winners) == 1
        assert Presentation.objects.filter(segment__meeting=meeting).count() == 1


def test_the_harness_catches_a_naive_claim(meeting, racers):
    winners = [
        len([r for r in _round(meeting, racers, naive_claim) if not isinstance(r, Exception)])
        for _ in range(3)
    ]
    assert max(winners) > 1, winners
