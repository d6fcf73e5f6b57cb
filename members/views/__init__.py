"""Views of the members app, one module per area; re-exported for members/urls.py."""

from members.views.profile import (
    RateLimitedLoginView,
    notification_preferences,
    profile_edit,
    unsubscribe,
)

__all__ = [
    "RateLimitedLoginView",
    "notification_preferences",
    "profile_edit",
    "unsubscribe",
]
