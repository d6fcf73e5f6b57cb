import pytest

from config.errors import NotAllowed
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


@pytest.mark.parametrize("kind", ["owner", "superuser_not_staff", "inactive_staff"])
def test_verify_licence_refused_to_non_admins(kind):
    user = UserFactory()
    actor = {
        "owner": user,
        "superuser_not_staff": UserFactory(is_superuser=True),
        "inactive_staff": AdminFactory(is_active=False),
    }[kind]
    with pytest.raises(NotAllowed, match="Only site admins verify licences"):
        services.verify_licence(actor=actor, profile=user.profile)
    user.profile.refresh_from_db()
    assert (user.profile.licence_verified_at, user.profile.licence_verified_by) == (None, None)
    assert not AuditEntry.objects.filter(verb="licence.verified").exists()


def test_verify_licence_needs_a_number():
    admin = AdminFactory()
    user = UserFactory(profile__licence_number="")
    with pytest.raises(services.ProfileError, match="no licence number"):
        services.verify_licence(actor=admin, profile=user.profile)


def test_ensure_profile_creates_one_for_accounts_made_without():
    user = UserFactory(profile=False)
    profile = services.ensure_profile(user=user)
    assert profile.display_name == user.email.split("@")[0].capitalize()
