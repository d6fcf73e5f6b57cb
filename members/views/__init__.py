"""Views of the members app, one module per area; re-exported for members/urls.py."""

from members.views.language import set_language
from members.views.licences import licence_check, licence_queue
from members.views.profile import (
    RateLimitedLoginView,
    notification_preferences,
    profile_edit,
    unsubscribe,
)

__all__ = [
    "RateLimitedLoginView",
    "licence_check",
    "licence_queue",
    "notification_preferences",
    "profile_edit",
    "set_language",
    "unsubscribe",
]
