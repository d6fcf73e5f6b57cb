"""The language of the pages and e-mails (docs/translations.md): the switcher, a signed-in
person's choice, groups tagged Spanish, dates written for the language, e-mails in the
recipient's language, and cached pages kept apart by language."""

import datetime
import zoneinfo

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation

from groups.cache import body_key, filters_key, page_key
from groups.enums import Language
from members import dates
from members.emails import recipient_language, send_templated_mail
from members.middleware import accepts_spanish
from tests.factories import GroupFactory, ProfileFactory, UserFactory
from tests.members.test_views_profile import VALID

pytestmark = pytest.mark.django_db

SWITCH = reverse("members:set_language")
# 02:30 UTC on Tuesday 15 January 2030: 03:30 in Berlin.
MOMENT = datetime.datetime(2030, 1, 15, 2, 30, tzinfo=datetime.UTC)
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


# --- the switcher ------------------------------------------------------------------------


def test_a_visitor_switches_to_spanish_and_goes_back_to_the_page(client):
    response = client.get(SWITCH, {"language": "es", "next": "/groups/?format=informal"})
    assert response.status_code == 302
    assert response["Location"] == "/groups/?format=informal"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "es"
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    page = client.get("/groups/")
    assert page["Content-Language"] == "es"
    assert '<html lang="es"' in page.text


@pytest.mark.parametrize("language", ["fr", "", "es-x-evil", "<script>"])
def test_an_unknown_language_changes_nothing(client, language):
    response = client.get(SWITCH, {"language": language, "next": "/groups/"})
    assert response["Location"] == "/groups/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "", "http://[::1"],
)
def test_the_switcher_never_sends_anyone_to_another_site(client, target):
    response = client.get(SWITCH, {"language": "es", "next": target})
    assert response["Location"] == "/"


def test_the_switcher_only_answers_get(client):
    assert client.post(SWITCH, {"language": "es"}).status_code == 405


def test_a_signed_in_persons_choice_is_kept_on_their_account(client):
    user = UserFactory()
    client.force_login(user)
    client.get(SWITCH, {"language": "es", "next": "/"})
    user.refresh_from_db()
    assert user.language == "es"
    # On another browser (no cookie) their pages are in Spanish too.
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
    assert client.get(reverse("members:dashboard"))["Content-Language"] == "es"


def test_every_page_offers_the_other_language(client):
    page = client.get("/groups/?near=Boston").text
    assert 'hreflang="es"' in page
    assert f"{SWITCH}?language=es&amp;next=/groups/%3Fnear%3DBoston" in page
    assert '<span aria-current="true" lang="en"><strong>English</strong></span>' in page


# --- who sees which language ---------------------------------------------------------------


def test_a_visitor_whose_browser_asks_for_spanish_reads_spanish(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9,en;q=0.5")
    assert response["Content-Language"] == "es"
    assert "Accept-Language" in response["Vary"]


def test_english_is_the_default(client):
    assert client.get("/")["Content-Language"] == "en"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="de-DE")["Content-Language"] == "en"


def test_a_persons_choice_beats_their_browser(client):
    user = UserFactory(language="en")
    client.force_login(user)
    response = client.get(reverse("members:dashboard"), HTTP_ACCEPT_LANGUAGE="es")
    assert response["Content-Language"] == "en"


def test_no_choice_on_the_account_follows_the_browser(client):
    client.force_login(UserFactory(language=""))
    response = client.get(reverse("members:dashboard"), HTTP_ACCEPT_LANGUAGE="es")
    assert response["Content-Language"] == "es"


@pytest.mark.parametrize(
    ("header", "spanish"),
    [
        ("en-US,en;q=0.9,es;q=0.5", True),
        ("es", True),
        ("ES-419", True),
        ("en-US, es-MX;q=0.3", True),
        ("en-US,es;q=0", False),
        ("en-US,es;q=0.0", False),
        ("en-US,es;q=abc", False),
        ("en-US,fr;q=0.8", False),
        ("", False),
        ("estonian", False),
    ],
)
def test_which_browsers_accept_spanish(header, spanish):
    assert accepts_spanish(header) is spanish


def test_a_spanish_groups_page_speaks_spanish_to_a_browser_that_accepts_it(client):
    group = GroupFactory(language=Language.ES)
    url = reverse("groups:detail", kwargs={"slug": group.slug})
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9,es;q=0.4")
    assert response["Content-Language"] == "es"
    # Other pages stay in the browser's first language; so do English groups' pages.
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,es;q=0.4")["Content-Language"] == "en"
    english = GroupFactory(language=Language.EN)
    other = reverse("groups:detail", kwargs={"slug": english.slug})
    assert client.get(other, HTTP_ACCEPT_LANGUAGE="en-US,es;q=0.4")["Content-Language"] == "en"


def test_a_spanish_group_respects_a_chosen_language(client):
    group = GroupFactory(language=Language.ES)
    url = reverse("groups:detail", kwargs={"slug": group.slug})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="en,es;q=0.5")["Content-Language"] == "en"
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
    client.force_login(UserFactory(language="en"))
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="en,es;q=0.5")["Content-Language"] == "en"


def test_a_spanish_group_without_spanish_in_the_browser_stays_english(client):
    group = GroupFactory(language=Language.ES)
    url = reverse("groups:detail", kwargs={"slug": group.slug})
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="en-US")["Content-Language"] == "en"
    assert client.get("/groups/no-such-group/", HTTP_ACCEPT_LANGUAGE="es;q=0.1").status_code == 404


# --- dates for the language ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("function", "english", "spanish"),
    [
        (
            dates.when,
            "Tuesday 15 January 2030, 03:30 Berlin time",
            "martes 15 de enero de 2030, 03:30 hora de Berlin",
        ),
        (
            dates.when_short,
            "Tue 15 Jan 2030, 03:30 Berlin time",
            "mar 15 ene 2030, 03:30 hora de Berlin",
        ),
        (dates.day, "Tuesday 15 January 2030", "martes 15 de enero de 2030"),
        (dates.date_only, "15 January 2030", "15 de enero de 2030"),
        (dates.date_short, "15 Jan 2030", "15 ene 2030"),
        (dates.month, "January 2030", "enero de 2030"),
        (dates.weekday, "Tuesday", "martes"),
        (dates.clock_zone, "03:30 Berlin time", "03:30 hora de Berlin"),
        (dates.iso, "2030-01-15T03:30:00+01:00", "2030-01-15T03:30:00+01:00"),
    ],
)
def test_dates_are_written_for_the_language(function, english, spanish):
    with translation.override("en"):
        assert function(MOMENT, zone=BERLIN) == english
    with translation.override("es"):
        assert function(MOMENT, zone=BERLIN) == spanish


def test_a_span_in_spanish():
    end = MOMENT + datetime.timedelta(hours=1, minutes=30)
    with translation.override("es"):
        assert dates.when_span(MOMENT, end, zone=BERLIN) == (
            "martes 15 de enero de 2030, 03:30\u201305:00 hora de Berlin"
        )


# --- e-mails -----------------------------------------------------------------------------


def test_the_recipients_language_or_english():
    assert recipient_language(UserFactory.build(language="es")) == "es"
    assert recipient_language(UserFactory.build(language="")) == "en"
    assert recipient_language(None) == "en"


def test_an_email_is_written_in_its_recipients_language():
    spanish = ProfileFactory(user__language="es").user
    english = ProfileFactory(user__language="").user
    group = GroupFactory(name="Circle")
    before = translation.get_language()
    for user in (spanish, english):
        send_templated_mail(
            template="member_removed",
            to=user.email,
            user=user,
            context={"group": group, "drafts_url": "/me/drafts/"},
        )
    assert [message.extra_headers["Content-Language"] for message in mail.outbox] == ["es", "en"]
    assert mail.outbox[0].subject != mail.outbox[1].subject
    assert mail.outbox[0].subject == "[PeerCircle] Ya no es miembro de Circle"
    # The active language of whoever sent it is untouched.
    assert translation.get_language() == before


# --- caches ------------------------------------------------------------------------------


def test_cached_browse_pages_are_kept_apart_by_language():
    keys = {}
    for language in ("en", "es"):
        with translation.override(language):
            keys[language] = (
                page_key("1", "q=x", zones="UTC"),
                body_key("1", "q=x", signed_in=True, zones="UTC"),
                filters_key("1", [("q", "x")]),
            )
    assert all(en != es for en, es in zip(keys["en"], keys["es"], strict=True))


def test_browse_in_spanish_is_not_served_from_the_english_copy(client):
    GroupFactory(name="Circle of colleagues")
    english = client.get("/groups/").text
    spanish = client.get("/groups/", HTTP_ACCEPT_LANGUAGE="es").text
    assert '<html lang="en"' in english
    assert '<html lang="es"' in spanish


# --- the profile -------------------------------------------------------------------------


def test_the_profile_chooses_the_language_of_pages_and_emails(client):
    user = ProfileFactory(user__language="").user
    client.force_login(user)
    page = client.get(reverse("members:profile_edit")).text
    assert 'name="language"' in page
    response = client.post(reverse("members:profile_edit"), {**VALID, "language": "es"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "es"
    assert client.get(reverse("members:dashboard"))["Content-Language"] == "es"
    assert recipient_language(user) == "es"
    # Back to the browser's language: the pages follow the browser again.
    client.post(reverse("members:profile_edit"), {**VALID, "language": ""})
    user.refresh_from_db()
    assert user.language == ""


def test_an_unknown_language_on_the_profile_is_refused_beside_the_field(client):
    user = ProfileFactory(user__language="en").user
    client.force_login(user)
    response = client.post(reverse("members:profile_edit"), {**VALID, "language": "fr"})
    assert response.status_code == 200
    assert response.context["form"].errors["language"]
    user.refresh_from_db()
    assert user.language == "en"
