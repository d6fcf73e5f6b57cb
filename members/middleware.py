from urllib.parse import unquote

from django.conf import settings
from django.utils import timezone, translation

from members.models import TherapistProfile
from members.timezones import COOKIE_NAME, as_zone, canonical_zone, viewer_zone


class UserLanguageMiddleware:
    """The language of the page (docs/translations.md). LocaleMiddleware has already chosen
    from the switcher's cookie or the browser's Accept-Language; a signed-in person's own
    choice (``User.language``) comes first (groups.middleware.GroupLanguageMiddleware then
    handles the pages of groups tagged Spanish)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = chosen_language(request)
        if chosen:
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
        return self.get_response(request)


def chosen_language(request) -> str:
    """The language a signed-in person chose on their profile, or \"\"."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    return user.language if user.language in dict(settings.LANGUAGES) else ""


def accepts_spanish(header: str) -> bool:
    """Whether an Accept-Language header names Spanish (any region) with a weight above 0."""
    for part in header[:200].split(","):
        tag, _, params = part.strip().partition(";")
        if tag.strip().lower().split("-")[0] != "es":
            continue
        weight = params.strip().removeprefix("q=")
        try:
            if not params or float(weight) > 0:
                return True
        except ValueError:
            continue
    return False


class UserTimezoneMiddleware:
    """Show every time in the viewer's own time zone: a signed-in person's profile zone, else
    the browser's zone a visitor's page sent back (the ``pc_tz`` cookie that
    static/js/timezone.js sets; a value that is not a time zone is ignored). When neither is
    known, times are shown in a group's zone or UTC, labelled (members.timezones)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        browser = canonical_zone(unquote(request.COOKIES.get(COOKIE_NAME, "")[:100]))
        zone = as_zone(_profile_zone(getattr(request, "user", None))) or as_zone(browser)
        languages = request.headers.get("accept-language", "")[:200]
        # For this request only: the zone, and whether it is the viewer's, end with it.
        with (
            timezone.override(zone),
            viewer_zone(known=zone is not None, browser=browser, languages=languages),
        ):
            return self.get_response(request)


def _profile_zone(user) -> str | None:
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.profile.time_zone
    except TherapistProfile.DoesNotExist:
        return None
