"""Exactly once under concurrency, on real PostgreSQL: matchers and dispatchers racing for the
same group tell each saved search of it once and send each person one e-mail; two weekly
planners put each match in one digest; two saves at once cannot pass the limit together."""

import pytest
from django.utils import timezone

from alerts import services
from alerts.enums import Frequency
from alerts.models import SEARCHES_PER_PERSON, AlertMatch, SavedSearch
from members.models import Delivery
from members.notifications import dispatch_due
from tests.alerts.helpers import save
from tests.factories import GroupFactory, MembershipFactory, UserFactory
from tests.race import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PEOPLE = 8


def _seekers(frequency: str) -> list:
    """People with two searches each that both find an online support group."""
    people = [UserFactory() for _ in range(PEOPLE)]
    for person in people:
        save(person, frequency=frequency, venue_kind="online")
        save(person, frequency=frequency, purpose="support")
    return people


def _open_group():
    group = GroupFactory(venue_kind="online", purpose_support=True, capacity=6)
    MembershipFactory(group=group)
    return group


def test_matchers_and_dispatchers_at_once_tell_each_search_once_and_each_person_once(
    mailoutbox,
):
    people = _seekers(Frequency.IMMEDIATE)
    group = _open_group()

    def work(i: int):
        if i % 2 == 0:  # two matchers (the task queued twice, or two workers)
            return services.match_group(group_id=group.pk, reason="seat")
        return dispatch_due()  # and two dispatchers at the same moment

    results = race(work, 4)
    dispatch_due()  # whatever a dispatcher met still uncommitted

    assert [r for r in results if isinstance(r, Exception)] == []
    assert results[0] + results[2] == 2 * PEOPLE  # each search recorded by one matcher only
    assert AlertMatch.objects.count() == 2 * PEOPLE
    assert Delivery.objects.filter(template="alert_match").count() == PEOPLE
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    assert sorted(m.to[0] for m in mailoutbox) == sorted(p.email for p in people)


def test_two_weekly_planners_and_two_dispatchers_send_each_digest_once(mailoutbox):
    people = _seekers(Frequency.WEEKLY)
    for _ in range(3):
        services.match_group(group_id=_open_group().pk, reason="created")
    assert AlertMatch.objects.filter(delivery_key="").count() == 3 * 2 * PEOPLE

    planned = race(lambda _i: services.plan_weekly_digests(), 2)

    assert [r for r in planned if isinstance(r, Exception)] == []
    assert sum(planned) == PEOPLE
    assert AlertMatch.objects.filter(delivery_key="").count() == 0
    for person in people:  # one digest each, with all of their matches
        keys = set(
            AlertMatch.objects.filter(search__owner=person).values_list("delivery_key", flat=True)
        )
        assert len(keys) == 1
    later = timezone.now() + timezone.timedelta(days=1, minutes=1)

    sent = race(lambda _i: dispatch_due(now=later), 2)

    assert [r for r in sent if isinstance(r, Exception)] == []
    assert sum(sent) == PEOPLE
    assert sorted(m.to[0] for m in mailoutbox) == sorted(p.email for p in people)
    assert all(m.body.count("Peer group") == 3 for m in mailoutbox)


def test_two_saves_at_once_cannot_pass_the_limit():
    person = UserFactory()
    for n in range(SEARCHES_PER_PERSON - 1):
        save(person, q=f"word{n}")

    results = race(lambda i: save(person, q=f"racing{i}"), 4)

    assert sum(isinstance(r, SavedSearch) for r in results) == 1
    assert all(isinstance(r, SavedSearch | services.AlertError) for r in results)
    assert SavedSearch.objects.filter(owner=person).count() == SEARCHES_PER_PERSON
