"""Seats cannot be overbooked: threads race for the last seat on real PostgreSQL."""

import time

import pytest
from django.db import transaction

from groups import services
from groups.enums import Role
from groups.models import Group, Membership
from groups.services import GroupActionError
from tests.factories import GroupFactory, MembershipFactory, UserFactory
from tests.race import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 12
ROUNDS = 8


def naive_join(*, user, group, accepted_rules):
    """What a join without the row lock looks like: check the count, then insert."""
    with transaction.atomic():
        fresh = Group.objects.get(pk=group.pk)
        taken = Membership.objects.filter(group=fresh).count()
        time.sleep(0.005)  # the time a real request spends between the check and the write
        if taken >= fresh.capacity:
            raise GroupActionError("full")
        return Membership.objects.create(group=fresh, user=user, role=Role.MEMBER)


def _round(join) -> tuple[int, int, int]:
    group = GroupFactory(capacity=4)
    MembershipFactory(group=group, role=Role.ORGANIZER)
    for _ in range(2):
        MembershipFactory(group=group)
    users = [UserFactory() for _ in range(THREADS)]

    def worker(i):
        return join(user=users[i], group=group, accepted_rules=True)

    results = race(worker, THREADS)
    errors = [
        r for r in results if isinstance(r, Exception) and not isinstance(r, GroupActionError)
    ]
    assert errors == []
    group.refresh_from_db()
    return Membership.objects.filter(group=group).count(), group.capacity, group.member_count


def test_concurrent_joins_never_overbook():
    outcomes = [_round(services.join_group) for _ in range(ROUNDS)]
    # Every round: exactly one thread got the last seat, the others went to the waitlist.
    assert outcomes == [(4, 4, 4)] * ROUNDS
    assert Group.objects.get(pk=Group.objects.last().pk).waitlist.count() == THREADS - 1


def test_the_harness_catches_a_naive_join():
    outcomes = [_round(naive_join) for _ in range(3)]
    overbooked = [members for members, capacity, _ in outcomes if members > capacity]
    assert overbooked, f"the naive join was not caught: {outcomes}"
