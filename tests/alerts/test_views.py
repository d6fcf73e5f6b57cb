"""The saved-search pages: saving browse's search, the list, changing, removing, and the
one-click unsubscribe; each search its owner's alone."""

import pytest
from django.urls import reverse

from alerts.enums import Frequency
from alerts.models import SEARCHES_PER_PERSON, SavedSearch
from alerts.notifications import unsubscribe_token
from members.notifications import unsubscribe_token as kind_token
from tests.alerts.helpers import save
from tests.factories import SpecialtyFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_browse_offers_signed_in_people_to_save_the_search_with_its_filters(client, seeker):
    client.force_login(seeker)

    html = client.get("/groups/?venue_kind=online&size=small&page=2&sort=name").content.decode()

    assert 'action="/me/alerts/save/"' in html
    assert '<input type="hidden" name="venue_kind" value="online">' in html
    assert '<input type="hidden" name="size" value="small">' in html
    assert 'name="page"' not in html.split('action="/me/alerts/save/"')[1].split("</form>")[0]


def test_browse_asks_visitors_to_sign_in_for_alerts(client):
    html = client.get("/groups/?venue_kind=online").content.decode()

    assert "Sign in to get alerts" in html
    assert "/accounts/login/?next=/groups/%3Fvenue_kind%3Donline" in html
    assert 'action="/me/alerts/save/"' not in html


def test_saving_from_browse_keeps_the_search_and_goes_back_to_it(client, seeker):
    client.force_login(seeker)

    response = client.post(
        reverse("alerts:save"),
        {"venue_kind": "online", "size": "small", "name": "", "frequency": "weekly"},
    )

    search = SavedSearch.objects.get(owner=seeker)
    assert response.status_code == 302
    assert response["Location"] == "/groups/?size=small&venue_kind=online"
    assert (search.query, search.frequency) == (
        {"size": "small", "venue_kind": "online"},
        Frequency.WEEKLY,
    )
    page = client.get(response["Location"]).content.decode()
    assert "Your search is saved" in page


def test_a_bad_filter_is_shown_beside_its_field_and_nothing_is_saved(client, seeker):
    client.force_login(seeker)

    response = client.post(
        reverse("alerts:save"),
        {"near": "Atlantis under the sea", "frequency": "immediate"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "We could not find “Atlantis under the sea”" in html
    assert 'id="id_near"' in html
    assert SavedSearch.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"frequency": "hourly"}, "Choose how often we e-mail you."),
        ({"frequency": "weekly", "name": "x" * 101}, "Keep the name to 100 characters."),
        ({"frequency": "weekly", "size": "enormous"}, "Select a valid choice"),
    ],
)
def test_bad_input_gets_a_message_and_changes_nothing(client, seeker, data, message):
    client.force_login(seeker)

    response = client.post(reverse("alerts:save"), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert SavedSearch.objects.count() == 0


def test_the_limit_is_said_on_the_page(client, seeker):
    for n in range(SEARCHES_PER_PERSON):
        save(seeker, q=f"word{n}")
    client.force_login(seeker)

    response = client.post(reverse("alerts:save"), {"q": "one more", "frequency": "weekly"})

    assert "You have 20 saved searches, the most one person can keep" in response.content.decode()
    assert SavedSearch.objects.filter(owner=seeker).count() == SEARCHES_PER_PERSON
    listing = client.get(reverse("alerts:list")).content.decode()
    assert "remove one you no longer need to save another" in listing


def test_the_save_page_shows_browse_filters_filled_in(client, seeker):
    client.force_login(seeker)

    html = client.get(reverse("alerts:save") + "?language=es&page=3").content.decode()

    assert '<option value="es" selected>' in html
    assert 'name="frequency"' in html


def test_the_list_shows_each_search_with_its_words_frequency_and_links(client, seeker):
    SpecialtyFactory(name="Trauma", slug="trauma")
    named = save(seeker, name="Spanish-speaking", language="es", specialty="trauma")
    plain = save(seeker, frequency=Frequency.WEEKLY, venue_kind="online", time_of_day="evening")
    save(UserFactory(), name="Someone else's", size="small")
    client.force_login(seeker)

    html = client.get(reverse("alerts:list")).content.decode()

    assert "Spanish-speaking" in html and "Trauma, Spanish" in html
    assert "Online, evenings" in html
    assert "Someone else" not in html
    assert 'href="/groups/?language=es&amp;specialty=trauma"' in html
    assert f'href="/me/alerts/{named.pk}/"' in html
    assert f'href="/me/alerts/{plain.pk}/remove/"' in html
    assert "None yet" in html


@pytest.mark.parametrize("count", [1, 20])
def test_list_page_query_count_does_not_grow(client, seeker, count, django_assert_num_queries):
    SpecialtyFactory(name="Trauma", slug="trauma")
    for n in range(count):
        save(seeker, q=f"word{n}", specialty="trauma")
    client.force_login(seeker)

    # The user with their profile (the session is cached), the searches, the focus terms' names.
    with django_assert_num_queries(3):
        response = client.get(reverse("alerts:list"))

    assert len(response.context["searches"]) == count


def test_edit_changes_name_frequency_and_filters(client, seeker):
    search = save(seeker, size="small")
    client.force_login(seeker)
    url = reverse("alerts:edit", args=[search.pk])
    assert '<option value="small" selected>' in client.get(url).content.decode()

    response = client.post(
        url, {"name": "Bigger", "frequency": "off", "size": "large", "language": "es"}
    )

    assert response.status_code == 302
    search.refresh_from_db()
    assert (search.name, search.frequency, search.query) == (
        "Bigger",
        Frequency.OFF,
        {"language": "es", "size": "large"},
    )


def test_edit_with_a_bad_filter_changes_nothing(client, seeker):
    search = save(seeker, size="small")
    client.force_login(seeker)

    response = client.post(
        reverse("alerts:edit", args=[search.pk]), {"frequency": "weekly", "weekday": "9"}
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    search.refresh_from_db()
    assert (search.frequency, search.query) == (Frequency.IMMEDIATE, {"size": "small"})


def test_remove_asks_then_removes(client, seeker):
    search = save(seeker, name="Mine", size="small")
    client.force_login(seeker)
    url = reverse("alerts:remove", args=[search.pk])

    assert "Remove this saved search?" in client.get(url).content.decode()
    assert SavedSearch.objects.count() == 1
    response = client.post(url)

    assert response.status_code == 302
    assert SavedSearch.objects.count() == 0


@pytest.mark.parametrize("name", ["alerts:edit", "alerts:remove"])
def test_someone_elses_search_is_a_404(client, seeker, name):
    search = save(seeker, size="small")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    assert client.get(reverse(name, args=[search.pk])).status_code == 404
    assert client.post(reverse(name, args=[search.pk]), {"frequency": "off"}).status_code == 404
    search.refresh_from_db()
    assert search.frequency == Frequency.IMMEDIATE


def test_unsubscribe_get_asks_and_post_stops_the_searches_of_the_link(client, seeker):
    first = save(seeker, name="First", size="small")
    second = save(seeker, name="Second", size="large")
    url = reverse("alerts:unsubscribe", args=[unsubscribe_token(seeker.pk, [first.pk])])

    page = client.get(url).content.decode()
    first.refresh_from_db()
    assert "First" in page and "Second" not in page
    assert first.frequency == Frequency.IMMEDIATE  # a GET changes nothing

    response = client.post(url)

    assert response.status_code == 200
    assert "The e-mails are stopped" in response.content.decode()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.frequency, second.frequency) == (Frequency.OFF, Frequency.IMMEDIATE)


def test_unsubscribe_of_a_removed_search_says_there_is_nothing_to_stop(client, seeker):
    search = save(seeker, size="small")
    url = reverse("alerts:unsubscribe", args=[unsubscribe_token(seeker.pk, [search.pk])])
    search.delete()

    assert "Nothing to stop" in client.get(url).content.decode()
    assert client.post(url).status_code == 200


@pytest.mark.parametrize(
    "token",
    ["not-a-token", unsubscribe_token(10**9, [1])],
    ids=["not-a-token", "signed-for-nobody"],  # a signed token changes each second: fixed ids
)
def test_unsubscribe_with_a_bad_link_changes_nothing(client, token):
    response = client.post(reverse("alerts:unsubscribe", args=[token]))

    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()


def test_a_members_unsubscribe_token_is_not_an_alerts_one(client, seeker):
    search = save(seeker, size="small")

    response = client.post(
        reverse("alerts:unsubscribe", args=[kind_token(seeker.pk, "meeting_reminder")])
    )

    assert response.status_code == 400
    search.refresh_from_db()
    assert search.frequency == Frequency.IMMEDIATE


def test_the_user_menu_and_notification_settings_lead_to_saved_searches(client, seeker):
    client.force_login(seeker)

    html = client.get(reverse("members:notifications")).content.decode()

    assert html.count('href="/me/alerts/"') == 2
