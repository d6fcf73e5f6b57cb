import zoneinfo

from django.utils import timezone

from members.models import TherapistProfile
from members.timezones import viewer_zone


class UserTimezoneMiddleware:
    """Show every time in the signed-in person's own time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tzname = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            profile = getattr(user, "profile", None) if _has_profile(user) else None
            tzname = profile.time_zone if profile is not None else None
        known = False
        if tzname:
            try:
                timezone.activate(zoneinfo.ZoneInfo(tzname))
                known = True
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        with viewer_zone(known=known):
            return self.get_response(request)


def _has_profile(user) -> bool:
    try:
        user.profile  # noqa: B018
    except TherapistProfile.DoesNotExist:
        return False
    return True
