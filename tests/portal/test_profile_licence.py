"""The profile pages say truthfully who sees a licence number: the therapist, site admins, and
the organizers of a closed group the therapist applies to (with the application, by consent);
never colleagues on the profile page."""

import html
import re

import pytest
from django.urls import reverse

from groups.enums import MembershipPolicy, Role
from tests.factories import (
    ApplicationFactory,
    GroupFactory,
    MembershipFactory,
    ProfileFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.fixture
def dana():
    return ProfileFactory(display_name="Dana Whitfield", licence_number="LMFT-4242")


def test_the_edit_page_names_everyone_who_sees_the_number(client, dana):
    client.force_login(dana.user)

    text = _text(client.get(reverse("members:profile_edit")))

    assert (
        "Colleagues who share a group with you see your profile, but not your licence number. "
        "The number is seen by you, by the site admins who verify it, and by the organizers and "
        "co-organizers of a closed group you apply to: the application asks you to agree to share "
        "it with them, and they can still open your application after deciding on it." in text
    )
    assert "stays between you and the site admins" not in text


def test_own_profile_shows_the_number_and_who_else_sees_it(client, dana):
    client.force_login(dana.user)

    text = _text(client.get(reverse("members:profile", args=[dana.pk])))

    assert "LMFT-4242" in text
    assert "the organizers of a closed group you apply to see it with your application" in text


def test_a_colleague_sees_no_number_and_is_told_who_does(client, dana):
    group = GroupFactory()
    MembershipFactory(group=group, user=dana.user)
    colleague = MembershipFactory(group=group, user=UserFactory()).user
    client.force_login(colleague)

    text = _text(client.get(reverse("members:profile", args=[dana.pk])))

    assert "LMFT-4242" not in text
    assert (
        "Not shown to colleagues. Dana Whitfield shares the number with site admins, and with "
        "the organizers of a closed group when applying to it." in text
    )


def test_what_the_text_says_holds_organizers_of_the_group_applied_to_see_the_number(client, dana):
    group = GroupFactory(membership_policy=MembershipPolicy.CLOSED)
    co_organizer = MembershipFactory(group=group, role=Role.CO_ORGANIZER).user
    application = ApplicationFactory(group=group, applicant=dana.user)
    client.force_login(co_organizer)

    text = _text(client.get(reverse("groups:vetting_detail", args=[application.pk])))

    assert "LMFT-4242" in text
