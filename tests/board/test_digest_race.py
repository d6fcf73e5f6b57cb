"""Two dispatchers at the same minute on real PostgreSQL: each digest is recorded once and
sent once (the unique delivery row, claimed with SKIP LOCKED)."""

from datetime import timedelta

import pytest

from board import services
from members.models import Delivery
from members.notifications import dispatch_due
from tests.board.factories import TopicFactory
from tests.board.test_notifications import TUESDAY, _next
from tests.factories import GroupFactory, MembershipFactory
from tests.race import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

READERS = 12


def test_two_dispatchers_send_each_digest_exactly_once(mailoutbox):
    due = _next(TUESDAY)
    group = GroupFactory(capacity=30)
    author = MembershipFactory(group=group, joined_at=due - timedelta(days=30)).user
    readers = [
        MembershipFactory(group=group, joined_at=due - timedelta(days=30)).user
        for _ in range(READERS)
    ]
    for reader in readers:
        services.set_digest_frequency(actor=reader, frequency="daily")
    services.set_digest_frequency(actor=author, frequency="daily")
    TopicFactory(group=group, author=author, created_at=due - timedelta(hours=2))

    results = race(lambda _i: dispatch_due(now=due + timedelta(minutes=1)), 2)

    assert [r for r in results if isinstance(r, Exception)] == []
    assert sum(results) == READERS  # each row queued by exactly one of them
    assert sorted(m.to[0] for m in mailoutbox) == sorted(r.email for r in readers)
    assert Delivery.objects.filter(template="board_digest").count() == READERS
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
