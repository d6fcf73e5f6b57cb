import pytest

from members import services
from members.models import AuditEntry
from tests.factories import AdminFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_verify_licence_records_who_and_when():
    admin = AdminFactory()
    user = UserFactory()

    profile = services.verify_licence(actor=admin, profile=user.profile)

    profile.refresh_from_db()
    assert profile.licence_verified_by == admin
    assert profile.licence_verified_at is not None
    entry = AuditEntry.objects.get(verb="licence.verified")
    assert (entry.actor, entry.subject) == (admin, user)


def test_verify_licence_refused_to_non_admins():
    user = UserFactory()
    with pytest.raises(PermissionError):
        services.verify_licence(actor=user, profile=user.profile)
    user.profile.refresh_from_db()
    assert user.profile.licence_verified_at is None


def test_verify_licence_needs_a_number():
    admin = AdminFactory()
    user = UserFactory(profile__licence_number="")
    with pytest.raises(ValueError, match="no licence number"):
        services.verify_licence(actor=admin, profile=user.profile)


def test_ensure_profile_creates_one_for_accounts_made_without():
    user = UserFactory(profile=False)
    profile = services.ensure_profile(user=user)
    assert profile.display_name == user.email.split("@")[0].capitalize()
