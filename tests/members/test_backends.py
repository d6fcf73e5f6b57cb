"""The session user comes with the therapist profile, in one query, and is kept in the cache
until either changes (members.backends)."""

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.backends import AuthenticationBackend, ModelBackend, user_cache_key
from members.models import TherapistProfile
from tests.factories import ProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("backend_class", [ModelBackend, AuthenticationBackend])
def test_get_user_loads_the_profile_in_the_same_query(backend_class, django_assert_num_queries):
    profile = ProfileFactory(display_name="Dr Lea Park", time_zone="Europe/Berlin")
    with django_assert_num_queries(1):
        user = backend_class().get_user(profile.user.pk)
        assert user.profile.display_name == "Dr Lea Park"
        assert user.profile.time_zone == "Europe/Berlin"


@pytest.mark.parametrize("backend_class", [ModelBackend, AuthenticationBackend])
def test_get_user_is_read_from_the_cache_the_second_time(backend_class, django_assert_num_queries):
    profile = ProfileFactory(display_name="Dr Ana Ruiz", time_zone="America/Denver")
    backend_class().get_user(profile.user.pk)
    with django_assert_num_queries(0):
        user = backend_class().get_user(profile.user.pk)
        assert user == profile.user
        assert user.profile.display_name == "Dr Ana Ruiz"
        assert user.profile.time_zone == "America/Denver"


def test_a_changed_profile_or_user_is_read_afresh(django_capture_on_commit_callbacks):
    profile = ProfileFactory(display_name="Dr Ana Ruiz", time_zone="America/Denver")
    user = profile.user
    ModelBackend().get_user(user.pk)
    assert cache.get(user_cache_key(user.pk)) is not None
    with django_capture_on_commit_callbacks(execute=True):
        profile.display_name = "Dr Ana Ruiz-Lopez"
        profile.time_zone = "Europe/Madrid"
        profile.save()
    fresh = ModelBackend().get_user(user.pk)
    assert (fresh.profile.display_name, fresh.profile.time_zone) == (
        "Dr Ana Ruiz-Lopez",
        "Europe/Madrid",
    )
    with django_capture_on_commit_callbacks(execute=True):
        user.language = "es"
        user.save()
    assert ModelBackend().get_user(user.pk).language == "es"
    with django_capture_on_commit_callbacks(execute=True):
        user.is_active = False
        user.save()
    assert ModelBackend().get_user(user.pk) is None


def test_a_deleted_user_or_profile_is_not_read_from_the_cache(django_capture_on_commit_callbacks):
    profile = ProfileFactory()
    user = profile.user
    assert ModelBackend().get_user(user.pk).profile == profile
    with django_capture_on_commit_callbacks(execute=True):
        TherapistProfile.objects.get(pk=profile.pk).delete()
    fresh = ModelBackend().get_user(user.pk)
    with pytest.raises(TherapistProfile.DoesNotExist):
        fresh.profile  # noqa: B018 - the profile is gone
    with django_capture_on_commit_callbacks(execute=True):
        get_user_model().objects.get(pk=user.pk).delete()
    assert ModelBackend().get_user(user.pk) is None


def test_a_deactivated_person_is_signed_out_at_once(client, django_capture_on_commit_callbacks):
    user = ProfileFactory().user
    client.force_login(user)
    assert client.get(reverse("members:dashboard")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        user.is_active = False
        user.save(update_fields=["is_active"])
    response = client.get(reverse("members:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


# Users and profiles written without a signal would leave a stale copy in the cache for up to
# USER_CACHE_SECONDS: nothing in the project may write them with QuerySet.update().
BULK_WRITE = re.compile(
    r"(User|TherapistProfile|get_user_model\(\)|\.profile)\b[^\n]*\.(update|bulk_update)\("
    r"|\b(users|profiles)\.(update|bulk_update)\("
)


def test_nothing_writes_users_or_profiles_without_a_signal():
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in root.glob("*/**/*.py"):
        relative = path.relative_to(root).as_posix()
        if relative.startswith((".venv/", "tests/", "bench/", "node_modules/")) or (
            "/migrations/" in relative
        ):
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if BULK_WRITE.search(line):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == []


def test_the_guard_sees_a_bulk_write():
    assert BULK_WRITE.search("User.objects.filter(pk=1).update(is_active=False)")
    assert BULK_WRITE.search("TherapistProfile.objects.filter(city='').update(city='x')")
    assert not BULK_WRITE.search("Membership.objects.filter(user=user).update(role='member')")


def test_get_user_without_a_profile_or_for_an_inactive_or_missing_user():
    bare = UserFactory(profile=False)
    assert ModelBackend().get_user(bare.pk) == bare
    inactive = UserFactory(is_active=False)
    assert ModelBackend().get_user(inactive.pk) is None
    assert ModelBackend().get_user(get_user_model().objects.order_by("-pk")[0].pk + 1) is None


def test_a_signed_in_page_reads_the_session_from_the_cache(client):
    client.force_login(ProfileFactory(display_name="Dr Mia Cho").user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("members:dashboard"))
    assert response.status_code == 200
    assert "Dr Mia Cho" in response.content.decode()
    assert not any("django_session" in q["sql"] for q in captured.captured_queries)
    # The second page: the user and the profile come from the cache too.
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("members:dashboard"))
    assert "Dr Mia Cho" in response.content.decode()
    assert not any('FROM "members_user"' in q["sql"] for q in captured.captured_queries)


def test_the_session_survives_a_flushed_cache(client):
    client.force_login(ProfileFactory(display_name="Dr Noor Haddad").user)
    cache.clear()
    response = client.get(reverse("members:dashboard"))
    assert response.status_code == 200  # still signed in: the database keeps the session
    assert "Dr Noor Haddad" in response.content.decode()


def test_changing_the_password_signs_out_the_other_sessions(client):
    from django.test import Client

    from tests.factories import PASSWORD

    user = ProfileFactory().user
    other_device = Client()
    other_device.force_login(user)
    assert other_device.get(reverse("members:dashboard")).status_code == 200
    client.force_login(user)
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "a-New-long-passphrase-42",
            "password2": "a-New-long-passphrase-42",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("members:dashboard")).status_code == 200  # this device stays in
    # The other device's session is still in the cache, but its password hash no longer matches.
    response = other_device.get(reverse("members:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
