"""Two organizers write to the same member at the same instant, on real PostgreSQL: one note is
sent and the other refused (the month's limit is counted under a lock on the membership)."""

import pytest
from django.utils import timezone

from config.errors import DomainError
from groups.enums import Role
from members.models import Delivery
from portal import nudges
from tests.factories import GroupFactory, MembershipFactory
from tests.race import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WRITERS = 4


def test_organizers_writing_at_once_send_one_note():
    group = GroupFactory()
    rules = group.rules_versions.first()
    writers = [
        MembershipFactory(
            group=group,
            role=Role.CO_ORGANIZER,
            rules_version=rules,
            rules_accepted_at=timezone.now(),
        ).user
        for _ in range(WRITERS)
    ]
    member = MembershipFactory(group=group, rules_version=rules, rules_accepted_at=timezone.now())

    results = race(
        lambda i: nudges.send_we_miss_you(
            actor=writers[i], group=group, membership_id=member.pk, message=f"Hello from {i}."
        ),
        WRITERS,
    )

    sent = [r for r in results if isinstance(r, Delivery)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert (len(sent), len(refused)) == (1, WRITERS - 1)
    assert Delivery.objects.filter(template="we_miss_you").count() == 1
