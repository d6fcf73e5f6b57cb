"""Views of the members app, one module per area; re-exported for members/urls.py."""

from members.views.network import contact, network
from members.views.profile import (
    RateLimitedLoginView,
    dashboard,
    notification_preferences,
    profile_detail,
    profile_edit,
    unsubscribe,
)

__all__ = [
    "RateLimitedLoginView",
    "contact",
    "dashboard",
    "network",
    "notification_preferences",
    "profile_detail",
    "profile_edit",
    "unsubscribe",
]
