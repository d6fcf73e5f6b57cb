"""Reads about people, scoped to who is asking. (Whether someone is a site admin is a rule:
``members.rules.is_site_admin``.)"""

from members.models import User


def active_user(user_id: int) -> User | None:
    return User.objects.filter(pk=user_id, is_active=True).select_related("profile").first()
