"""Authentication backends that load the therapist profile with the user, and keep both in the
cache.

Every signed-in page needs the user and the profile (the language and time zone middleware and
the navigation's name). They are fetched in one query and kept in the cache under the user's id
(``user_cache_key``), so a signed-in request reads its session and its user from the cache and
asks the database nothing before its view runs (issue 19: a signed-in page paid a session read,
a user query and a profile query before it).

The copy is dropped whenever either row is saved or deleted (``forget_user``: at once and again
when the transaction commits), and is kept with the person's version (config.pagecache, which
every write of their rows bumps) read before the row: a request that read the old row while it
changed keeps it under a version that is already out of date, so it is never read back. It
lives at most ``USER_CACHE_SECONDS`` in any case. Nothing in
the project writes users or profiles with ``QuerySet.update()`` (which sends no signal):
tests/members/test_backends.py fails if something starts to. Whether the person may sign in is
decided on every request from the copy (``is_active``), and the session's auth hash is checked
against the copy's password, which a password change refreshes.
"""

import hashlib

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from config import pagecache
from members.models import TherapistProfile

USER_CACHE_SECONDS = 300


def _schema_digest() -> str:
    """A copy made before a deploy that changed the user or profile fields is never read back
    (the key names the fields)."""
    fields = [
        f"{model.__name__}.{field.attname}"
        for model in (get_user_model(), TherapistProfile)
        for field in model._meta.concrete_fields
    ]
    return hashlib.sha256(",".join(fields).encode()).hexdigest()[:12]


def user_cache_key(user_id) -> str:
    return f"auth:user:{_SCHEMA}:{user_id}"


def forget_user(user_id) -> None:
    """Drop the cached copy now and once the current transaction commits."""
    key = user_cache_key(user_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key), robust=True)


def _user_changed(sender, instance, **kwargs) -> None:
    forget_user(instance.pk)


def _profile_changed(sender, instance, **kwargs) -> None:
    forget_user(instance.user_id)


def connect_signals() -> None:
    """Called once the apps are ready (members.apps)."""
    for signal in (post_save, post_delete):
        signal.connect(_user_changed, sender=get_user_model(), dispatch_uid=f"forget-user-{signal}")
        signal.connect(
            _profile_changed, sender=TherapistProfile, dispatch_uid=f"forget-profile-{signal}"
        )


class _ProfileLoadingGetUser:
    def get_user(self, user_id):
        key = user_cache_key(user_id)
        version_key = pagecache.version_key(f"u:{user_id}")
        found = cache.get_many([key, version_key])
        version, kept = found.get(version_key), found.get(key)
        if kept is not None and version is not None and kept[0] == version:
            user = kept[1]
        else:
            # The version is read before the row: a copy of a row changed meanwhile is kept
            # under a version that is already out of date, and never read back.
            version = version or pagecache.versions([f"u:{user_id}"])[0]
            user_model = get_user_model()
            try:
                user = user_model._default_manager.select_related("profile").get(pk=user_id)
            except (user_model.DoesNotExist, ValueError):
                return None
            cache.set(key, (version, user), USER_CACHE_SECONDS)
        return user if self.user_can_authenticate(user) else None


class ModelBackend(_ProfileLoadingGetUser, DjangoModelBackend):
    """Django's password backend (admin and the test client's force_login)."""


class AuthenticationBackend(_ProfileLoadingGetUser, AllauthBackend):
    """allauth's backend (sign-in by e-mail address)."""


_SCHEMA = _schema_digest()
