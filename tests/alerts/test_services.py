"""Keeping, changing and removing saved searches (alerts.services)."""

import pytest
from django.core.exceptions import ValidationError

from alerts import services
from alerts.enums import Frequency
from alerts.models import SEARCHES_PER_PERSON, AlertMatch, SavedSearch
from config.errors import NotAllowed
from members.models import AuditEntry
from tests.alerts.helpers import save, start_group
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_save_search_keeps_the_filters_and_records_an_audit_entry(seeker):
    search = save(seeker, name=" Evenings ", venue_kind="online", time_of_day="evening", page="2")

    search.refresh_from_db()
    assert (search.name, search.query, search.query_key, search.frequency) == (
        "Evenings",
        {"time_of_day": "evening", "venue_kind": "online"},
        "time_of_day=evening&venue_kind=online",
        Frequency.IMMEDIATE,
    )
    entry = AuditEntry.objects.get(verb="alerts.search_saved")
    assert (entry.actor, entry.data) == (seeker, {"frequency": "immediate"})


def test_save_search_refuses_bad_filters_and_keeps_nothing(seeker):
    with pytest.raises(ValidationError) as refused:
        save(seeker, size="huge")

    assert list(refused.value.message_dict) == ["size"]
    assert SavedSearch.objects.count() == 0


def test_save_search_refuses_an_unknown_frequency(seeker):
    with pytest.raises(ValidationError):
        save(seeker, frequency="hourly", size="small")

    assert SavedSearch.objects.count() == 0


def test_save_search_refuses_the_same_filters_twice(seeker):
    save(seeker, size="small", venue_kind="online")

    with pytest.raises(services.AlertError, match="already saved a search with these filters"):
        save(seeker, venue_kind="online", size="small", sort="name")

    assert SavedSearch.objects.count() == 1


def test_two_people_may_save_the_same_search(seeker):
    save(seeker, size="small")
    save(UserFactory(), size="small")

    assert SavedSearch.objects.count() == 2


def test_save_search_stops_at_the_limit_with_a_clear_message(seeker):
    for n in range(SEARCHES_PER_PERSON):
        save(seeker, q=f"word{n}")

    with pytest.raises(services.AlertError, match="You have 20 saved searches, the most"):
        save(seeker, q="one more")

    assert SavedSearch.objects.filter(owner=seeker).count() == SEARCHES_PER_PERSON


def test_save_search_refuses_an_inactive_account():
    with pytest.raises(NotAllowed):
        save(UserFactory(is_active=False), size="small")


def test_update_search_changes_name_frequency_and_filters(seeker):
    search = save(seeker, size="small")

    services.update_search(
        actor=seeker,
        search_id=search.pk,
        data={"size": "medium", "language": "es"},
        name="Spanish",
        frequency=Frequency.WEEKLY,
    )

    search.refresh_from_db()
    assert (search.name, search.query, search.frequency) == (
        "Spanish",
        {"language": "es", "size": "medium"},
        Frequency.WEEKLY,
    )
    assert search.query_key == "language=es&size=medium"


def test_update_search_refuses_someone_elses(seeker):
    search = save(seeker, size="small")

    with pytest.raises(NotAllowed):
        services.update_search(
            actor=UserFactory(), search_id=search.pk, data={}, name="", frequency="weekly"
        )

    search.refresh_from_db()
    assert search.query == {"size": "small"}


def test_update_search_refuses_the_filters_of_another_of_ones_searches(seeker):
    save(seeker, size="small")
    other = save(seeker, size="large")

    with pytest.raises(services.AlertError):
        services.update_search(
            actor=seeker, search_id=other.pk, data={"size": "small"}, name="", frequency="weekly"
        )


def test_remove_search_removes_what_it_found(seeker, organizer, django_capture_on_commit_callbacks):
    search = save(seeker, venue_kind="online")
    with django_capture_on_commit_callbacks(execute=True):
        start_group(organizer)
    assert AlertMatch.objects.filter(search=search).count() == 1

    services.remove_search(actor=seeker, search_id=search.pk)

    assert (SavedSearch.objects.count(), AlertMatch.objects.count()) == (0, 0)
    assert AuditEntry.objects.filter(verb="alerts.search_removed", actor=seeker).count() == 1


def test_remove_search_refuses_someone_elses(seeker):
    search = save(seeker, size="small")

    with pytest.raises(NotAllowed):
        services.remove_search(actor=UserFactory(), search_id=search.pk)

    assert SavedSearch.objects.count() == 1


def test_stop_alerts_turns_off_only_the_persons_own_searches(seeker):
    mine = save(seeker, size="small")
    theirs = save(UserFactory(), size="small")

    stopped = services.stop_alerts(user=seeker, search_ids=[mine.pk, theirs.pk])

    assert stopped == [mine.pk]
    assert list(SavedSearch.objects.order_by("pk").values_list("frequency", flat=True)) == [
        Frequency.OFF,
        Frequency.IMMEDIATE,
    ]
    assert services.stop_alerts(user=seeker, search_ids=[mine.pk]) == []  # twice: nothing new


def test_erase_saved_searches_removes_every_search_of_the_person(seeker):
    save(seeker, size="small")
    save(seeker, size="large")
    save(UserFactory(), size="small")

    assert services.erase_saved_searches(user=seeker) == 2
    assert SavedSearch.objects.count() == 1
