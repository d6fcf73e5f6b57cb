"""Polls under concurrency, on real PostgreSQL: organizers turning the same poll into a meeting
at the same instant make one meeting (the poll's row lock; without it each would make its own),
and a member's double submit saves one answer per time."""

import pytest
from django.utils import timezone

from config.errors import DomainError
from groups.enums import Role
from meetings.models import Meeting
from polls import services
from polls.enums import Availability
from polls.models import Poll, PollAnswer
from tests.factories import GroupFactory, MembershipFactory
from tests.polls.helpers import open_poll
from tests.race import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 4


def _member(group, role=Role.MEMBER):
    rules = group.rules_versions.first()
    return MembershipFactory(
        group=group, role=role, rules_version=rules, rules_accepted_at=timezone.now()
    ).user


def test_organizers_scheduling_at_once_make_one_meeting():
    group = GroupFactory(time_zone="America/Denver")
    organizers = [_member(group, Role.CO_ORGANIZER) for _ in range(THREADS)]
    poll = open_poll(organizers[0], group)
    option = poll.options.first()

    results = race(
        lambda i: services.schedule_from_poll(
            actor=organizers[i], poll=Poll.objects.get(pk=poll.pk), option_id=option.pk
        ),
        THREADS,
    )

    scheduled = [r for r in results if isinstance(r, Poll)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert (len(scheduled), len(refused)) == (1, THREADS - 1)
    assert {str(r) for r in refused} == {"This poll's time is already scheduled."}
    assert Meeting.objects.filter(group=group).count() == 1
    assert Poll.objects.get(pk=poll.pk).meeting == Meeting.objects.get(group=group)


def test_a_double_submit_saves_one_answer_per_time():
    group = GroupFactory(time_zone="America/Denver")
    organizer = _member(group, Role.ORGANIZER)
    member = _member(group)
    poll = open_poll(organizer, group)
    ids = list(poll.options.values_list("pk", flat=True))

    results = race(
        lambda i: services.answer_poll(
            user=member,
            poll=Poll.objects.get(pk=poll.pk),
            answers=dict.fromkeys(ids, Availability.YES if i % 2 else Availability.NO),
        ),
        THREADS,
    )

    assert not [r for r in results if isinstance(r, Exception)]
    assert PollAnswer.objects.filter(user=member).count() == len(ids)
