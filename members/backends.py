"""Authentication backends that load the therapist profile with the user.

Every signed-in page needs the profile (the time zone middleware and the navigation's name),
so the user is fetched with its profile in one query instead of two.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend


class _ProfileLoadingGetUser:
    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("profile").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


class ModelBackend(_ProfileLoadingGetUser, DjangoModelBackend):
    """Django's password backend (admin and the test client's force_login)."""


class AuthenticationBackend(_ProfileLoadingGetUser, AllauthBackend):
    """allauth's backend (sign-in by e-mail address)."""
