import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import TherapistProfile
from tests.factories import (
    AdminFactory,
    GroupFactory,
    MembershipFactory,
    SpecialtyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

VALID = {
    "display_name": "Jordan Avery",
    "pronouns": "they/them",
    "credential_type": "lmft",
    "licence_number": "LMFT-1234",
    "licence_region": "Oregon",
    "practice_setting": "private",
    "city": "Portland",
    "region": "OR",
    "time_zone": "America/Los_Angeles",
    "accepting_referrals": "on",
    "bio": "Couples work.",
}


def test_profile_edit_saves_every_field(client):
    user = UserFactory()
    trauma = SpecialtyFactory(name="Trauma")
    client.force_login(user)

    response = client.post(reverse("members:profile_edit"), {**VALID, "specialties": [trauma.pk]})

    assert response.status_code == 302
    profile = TherapistProfile.objects.get(user=user)
    assert (profile.display_name, profile.credential_type, profile.time_zone) == (
        "Jordan Avery",
        "lmft",
        "America/Los_Angeles",
    )
    assert profile.accepting_referrals is True
    assert list(profile.specialties.all()) == [trauma]


def test_profile_edit_shows_completeness(client):
    user = UserFactory(profile__bio="", profile__practice_setting="")
    client.force_login(user)
    response = client.get(reverse("members:profile_edit"))
    assert response.context["completeness"] == user.profile.completeness()
    assert f"{user.profile.completeness()}% complete" in response.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("time_zone", "Atlantis/Capital", "is not a time zone we know"),
        ("credential_type", "wizard", "is not one of the credential types listed"),
        ("display_name", "", "Please enter the name colleagues will see."),
    ],
)
def test_profile_edit_bad_input_shows_error_and_changes_nothing(client, field, value, message):
    user = UserFactory()
    before = TherapistProfile.objects.values().get(user=user)
    client.force_login(user)

    response = client.post(reverse("members:profile_edit"), {**VALID, field: value})

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert TherapistProfile.objects.values().get(user=user) == before


def test_changing_licence_number_clears_verification(client):
    admin = AdminFactory()
    user = UserFactory()
    TherapistProfile.objects.filter(user=user).update(
        licence_verified_at=timezone.now(), licence_verified_by=admin
    )
    client.force_login(user)
    client.post(reverse("members:profile_edit"), {**VALID, "licence_number": "NEW-1"})
    profile = TherapistProfile.objects.get(user=user)
    assert (profile.licence_number, profile.licence_verified_at) == ("NEW-1", None)


def test_profile_edit_requires_login(client):
    response = client.get(reverse("members:profile_edit"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.fixture
def people():
    owner = UserFactory(profile__licence_number="LCSW-SECRET-77")
    co_member = UserFactory()
    stranger = UserFactory()
    admin = AdminFactory()
    group = GroupFactory()
    MembershipFactory(group=group, user=owner)
    MembershipFactory(group=group, user=co_member)
    MembershipFactory(group=GroupFactory(), user=stranger)
    return {"owner": owner, "co_member": co_member, "stranger": stranger, "admin": admin}


@pytest.mark.parametrize(
    ("viewer", "status", "sees_licence"),
    [
        (None, 302, False),
        ("stranger", 404, False),
        ("co_member", 200, False),
        ("owner", 200, True),
        ("admin", 200, True),
    ],
)
def test_who_may_see_a_profile(client, people, viewer, status, sees_licence):
    if viewer:
        client.force_login(people[viewer])
    response = client.get(reverse("members:profile", args=[people["owner"].profile.pk]))

    assert response.status_code == status
    body = response.content.decode()
    assert ("LCSW-SECRET-77" in body) is sees_licence
    if status == 200:
        assert response.context["profile"] == people["owner"].profile


def test_unknown_profile_is_404(client, people):
    client.force_login(people["owner"])
    assert client.get(reverse("members:profile", args=[999999])).status_code == 404


def test_profile_page_query_count_is_constant(client, people, django_assert_num_queries):
    owner = people["owner"]
    client.force_login(people["co_member"])
    url = reverse("members:profile", args=[owner.profile.pk])
    for i in range(20):
        owner.profile.specialties.add(SpecialtyFactory(name=f"Term {i}"))
    with django_assert_num_queries(6):
        client.get(url)


def test_profile_edit_shows_an_invalid_focus_choice_and_saves_nothing(client):
    """Found by the form fuzzer: a bad specialty id was refused without any message shown."""
    from tests.factories import UserFactory

    user = UserFactory()
    client.force_login(user)
    before = user.profile.display_name

    response = client.post(
        reverse("members:profile_edit"),
        {"display_name": "Someone Else", "time_zone": "America/Denver", "specialties": ["\n"]},
    )

    assert response.status_code == 200
    assert "is not one of the available choices" in response.content.decode()
    user.profile.refresh_from_db()
    assert user.profile.display_name == before
