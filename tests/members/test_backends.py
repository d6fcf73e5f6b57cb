"""The session user comes with the therapist profile, in one query."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.backends import AuthenticationBackend, ModelBackend
from tests.factories import ProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("backend_class", [ModelBackend, AuthenticationBackend])
def test_get_user_loads_the_profile_in_the_same_query(backend_class, django_assert_num_queries):
    profile = ProfileFactory(display_name="Dr Lea Park", time_zone="Europe/Berlin")
    with django_assert_num_queries(1):
        user = backend_class().get_user(profile.user.pk)
        assert user.profile.display_name == "Dr Lea Park"
        assert user.profile.time_zone == "Europe/Berlin"


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
