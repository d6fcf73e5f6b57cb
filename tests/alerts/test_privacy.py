"""Saved searches in "My data": listed on the page, in the download, gone with the account."""

import json

import pytest
from django.urls import reverse

from alerts.enums import Frequency
from alerts.models import AlertMatch, SavedSearch
from portal import privacy
from tests.alerts.helpers import save, start_group
from tests.factories import GroupFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_my_data_lists_my_saved_searches(client, seeker):
    save(seeker, name="Spanish-speaking", language="es")
    save(seeker, frequency=Frequency.WEEKLY, venue_kind="online")
    save(UserFactory(), name="Not mine", size="small")
    client.force_login(seeker)

    html = client.get(reverse("members:my_data")).content.decode()

    assert "Spanish-speaking (Spanish)" in html
    assert "Online: once a week" in html
    assert "Not mine" not in html


def test_the_download_has_the_searches_and_the_groups_they_found(
    client, organizer, seeker, django_capture_on_commit_callbacks
):
    save(seeker, name="Online", venue_kind="online")
    with django_capture_on_commit_callbacks(execute=True):
        start_group(organizer)
    client.force_login(seeker)

    data = json.loads(client.get(reverse("members:export")).content)

    [search] = data["saved_searches"]
    assert (search["name"], search["filters"], search["in_words"], search["emails"]) == (
        "Online",
        {"venue_kind": "online"},
        "Online",
        "immediate",
    )
    assert search["groups_found"] == ["Evening Support Circle"]
    assert search["last_alert_at"] is not None


def test_deleting_the_account_removes_the_searches_and_what_they_found(
    organizer, seeker, django_capture_on_commit_callbacks
):
    save(seeker, venue_kind="online")
    keeper = save(UserFactory(), venue_kind="online")
    with django_capture_on_commit_callbacks(execute=True):
        start_group(organizer)
    assert AlertMatch.objects.count() == 2

    privacy.delete_account(user=seeker)

    assert list(SavedSearch.objects.all()) == [keeper]
    assert AlertMatch.objects.get().search == keeper


def test_a_seat_freed_by_a_deleted_account_is_not_told_to_it(
    seeker, mailoutbox, django_capture_on_commit_callbacks
):
    group = GroupFactory(venue_kind="online", capacity=2)
    MembershipFactory(group=group, role="organizer")
    MembershipFactory(group=group, user=seeker)
    save(seeker, venue_kind="online")
    watcher = UserFactory()
    save(watcher, venue_kind="online")

    with django_capture_on_commit_callbacks(execute=True):
        privacy.delete_account(user=seeker)

    assert [m.to for m in mailoutbox] == [[watcher.email]]
