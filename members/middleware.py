from urllib.parse import unquote

from django.utils import timezone

from members.models import TherapistProfile
from members.timezones import COOKIE_NAME, as_zone, canonical_zone, viewer_zone


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
