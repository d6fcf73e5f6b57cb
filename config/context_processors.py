from allauth.mfa.models import Authenticator
from django.conf import settings

from groups.enums import MANAGING_ROLES, MembershipPolicy
from groups.models import Membership


def site(request):
    return {"SITE_NAME": "PeerCircle", "SITE_URL": settings.SITE_URL}


def two_step(request):
    """``two_step_recommended``: evaluated only where a template asks (the notice include), so
    other pages pay nothing. True for a signed-in organizer of a closed group who has not set
    up two-step sign-in."""

    def recommended() -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        organizes_closed = Membership.objects.filter(
            user=user, role__in=MANAGING_ROLES, group__membership_policy=MembershipPolicy.CLOSED
        ).exists()
        return organizes_closed and not Authenticator.objects.filter(user=user).exists()

    return {"two_step_recommended": recommended}
