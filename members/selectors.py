"""Reads about people, scoped to who is asking."""

from members.models import User


def is_site_admin(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def active_user(user_id: int) -> User | None:
    return User.objects.filter(pk=user_id, is_active=True).select_related("profile").first()
