"""Which zone a request shows its times in (members/middleware.py UserTimezoneMiddleware)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils import timezone

from members.middleware import UserTimezoneMiddleware
from members.timezones import likely_zone, viewer_zone_known
from tests.factories import ProfileFactory, UserFactory


def _seen(user=None, cookie: str | None = None, languages: str = "") -> tuple[str, bool, str]:
    """(active zone, whether it is the viewer's own, the picker's likely zone) in the view."""
    request = RequestFactory().get("/", HTTP_ACCEPT_LANGUAGE=languages)
    request.user = user or AnonymousUser()
    if cookie is not None:
        request.COOKIES["pc_tz"] = cookie
    seen = {}

    def view(request):
        seen["state"] = (
            timezone.get_current_timezone_name(),
            viewer_zone_known.get(),
            likely_zone(),
        )

    UserTimezoneMiddleware(view)(request)
    return seen["state"]


def test_a_visitor_without_the_cookie_is_shown_utc_and_not_known():
    assert _seen() == ("UTC", False, "America/New_York")


def test_a_visitors_browser_zone_from_the_cookie_is_honoured():
    assert _seen(cookie="America/Denver") == ("America/Denver", True, "America/Denver")


def test_a_cookie_naming_an_alias_is_read_as_its_current_zone():
    assert _seen(cookie="Asia/Calcutta") == ("Asia/Kolkata", True, "Asia/Kolkata")


@pytest.mark.parametrize(
    "cookie", ["Mars/Olympus_Mons", "", "../../etc/passwd", "localtime", "x" * 500]
)
def test_a_bad_cookie_is_ignored(cookie):
    assert _seen(cookie=cookie) == ("UTC", False, "America/New_York")


def test_a_visitors_languages_guess_the_picker_zone_but_show_nothing_in_it():
    assert _seen(languages="en-GB,en;q=0.8") == ("UTC", False, "Europe/London")


@pytest.mark.django_db
def test_a_signed_in_persons_profile_zone_beats_the_cookie():
    user = UserFactory(profile=False)
    ProfileFactory(user=user, time_zone="Europe/Berlin")
    assert _seen(user=user, cookie="America/Denver") == ("Europe/Berlin", True, "Europe/Berlin")


@pytest.mark.django_db
def test_a_signed_in_person_without_a_profile_uses_the_cookie():
    user = UserFactory(profile=False)
    assert _seen(user=user, cookie="America/Denver") == ("America/Denver", True, "America/Denver")


def test_the_request_leaves_nothing_behind():
    _seen(cookie="America/Denver")
    assert (viewer_zone_known.get(), timezone.get_current_timezone_name()) == (False, "UTC")


def test_an_escaped_cookie_is_read():
    assert _seen(cookie="America%2FDenver")[:2] == ("America/Denver", True)
