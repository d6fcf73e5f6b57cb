"""Reviewing an application shows the applicant's history with this group only: never their
applications to other groups, nor other organizers' private decline messages."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from groups import selectors
from groups.enums import ApplicationStatus, MembershipPolicy, Role
from tests.factories import (
    AdminFactory,
    ApplicationFactory,
    GroupFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _closed_group(name):
    group = GroupFactory(name=name, membership_policy=MembershipPolicy.CLOSED)
    organizer = MembershipFactory(group=group, role=Role.ORGANIZER).user
    return group, organizer


def _text(response) -> str:
    return " ".join(response.content.decode().split())


@pytest.fixture
def history():
    """Ada applied to Elsewhere (declined with a private note), to Mine before (declined), and
    now to Mine again."""
    mine, organizer = _closed_group("Mine")
    elsewhere, _ = _closed_group("Elsewhere Circle")
    ada = UserFactory(profile__display_name="Ada Applicant")
    long_ago = timezone.now() - timedelta(days=90)
    other = ApplicationFactory(
        group=elsewhere,
        applicant=ada,
        status=ApplicationStatus.DECLINED,
        decision_message="Private: we heard worrying things about her practice",
        created_at=long_ago,
    )
    before = ApplicationFactory(
        group=mine,
        applicant=ada,
        status=ApplicationStatus.DECLINED,
        decision_message="Full for now, please try again in spring",
        created_at=long_ago + timedelta(days=1),
    )
    current = ApplicationFactory(group=mine, applicant=ada)
    return {
        "organizer": organizer,
        "other": other,
        "before": before,
        "current": current,
    }


def test_earlier_applications_are_this_groups_only(history):
    assert list(selectors.earlier_applications(history["current"])) == [history["before"]]


def test_organizer_reviewing_sees_only_this_groups_history(client, history):
    client.force_login(history["organizer"])

    response = client.get(reverse("groups:vetting_detail", args=[history["current"].pk]))

    assert response.status_code == 200
    assert response.context["earlier"] == [history["before"]]
    body = _text(response)
    assert "Message: Full for now, please try again in spring" in body
    assert "Elsewhere Circle" not in body
    assert "worrying things" not in body


def test_site_admin_reviewing_sees_only_this_groups_history(client, history):
    client.force_login(AdminFactory())

    response = client.get(reverse("groups:vetting_detail", args=[history["current"].pk]))

    assert response.context["earlier"] == [history["before"]]
    body = _text(response)
    assert "Elsewhere Circle" not in body
    assert "worrying things" not in body


def test_first_application_to_this_group_says_so(client, history):
    history["before"].delete()
    client.force_login(history["organizer"])

    response = client.get(reverse("groups:vetting_detail", args=[history["current"].pk]))

    assert response.context["earlier"] == []
    assert "This is their first application to this group." in _text(response)
