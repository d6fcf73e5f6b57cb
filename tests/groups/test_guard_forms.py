"""The de-identification guard on group texts: resource titles and notes, application notes and
answers, vetting decision messages and removal reasons.

A client's full name and date of birth is refused with the findings beside the field and nothing
saved or sent; once the person confirms each finding, it is saved."""

import html

import pytest
from django.urls import reverse

from groups.enums import ApplicationStatus, MembershipPolicy, ResourceCategory, Role
from groups.models import Application, Membership, Resource
from members.models import AuditEntry
from tests.factories import (
    ApplicationFactory,
    ApplicationQuestionFactory,
    GroupFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NAME, BORN = "Jennifer Martinez", "03/14/1987"
TEXT = f"{NAME}, born {BORN}"


def keys(field):
    return [f"{field}|name|{NAME}", f"{field}|date|{BORN}"]


@pytest.fixture
def group():
    group = GroupFactory(membership_policy=MembershipPolicy.CLOSED)
    MembershipFactory(group=group, role=Role.ORGANIZER, user=UserFactory(email="org@example.com"))
    MembershipFactory(group=group)
    return group


def _organizer(group):
    return group.memberships.get(role=Role.ORGANIZER).user


def _member(group):
    return group.memberships.filter(role=Role.MEMBER).first()


def _refused(response, field):
    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    assert f'name="{field}__confirm"' in body
    assert f'<mark title="Possible name">{NAME}</mark>' in body
    assert f"This may identify a client: “{NAME}” (name), “{BORN}” (date)" in body


# --- resources ---------------------------------------------------------------------------------

RESOURCE = {
    "title": "Ethics of dual relationships",
    "url": "https://www.example.org/ethics",
    "category": ResourceCategory.ARTICLE,
    "note": "Three CE hours.",
}


@pytest.mark.parametrize("field", ["title", "note"])
def test_resource_text_with_identifiers_saves_nothing(client, group, field):
    client.force_login(_member(group).user)

    response = client.post(
        reverse("groups:resources", args=[group.slug]), {**RESOURCE, field: TEXT}
    )

    _refused(response, field)
    assert Resource.objects.count() == 0


@pytest.mark.parametrize("field", ["title", "note"])
def test_resource_text_confirmed_is_saved(client, group, field):
    client.force_login(_member(group).user)

    response = client.post(
        reverse("groups:resources", args=[group.slug]),
        {**RESOURCE, field: TEXT, f"{field}__confirm": keys(field)},
    )

    assert response.status_code == 302
    assert list(Resource.objects.values_list(field, flat=True)) == [TEXT]


# --- applications --------------------------------------------------------------------------------


def _apply(client, group, **data):
    payload = {"note": "", "consent": "on", "accept_rules": "on", **data}
    return client.post(reverse("groups:apply", args=[group.slug]), payload)


def test_application_note_with_identifiers_saves_nothing_and_tells_nobody(
    client, group, mailoutbox
):
    client.force_login(UserFactory())

    response = _apply(client, group, note=TEXT)

    _refused(response, "note")
    assert Application.objects.count() == 0
    assert mailoutbox == []


def test_application_answer_with_identifiers_saves_nothing(client, group):
    question = ApplicationQuestionFactory(group=group, text="Why this group?")
    field = f"question_{question.pk}"
    client.force_login(UserFactory())

    response = _apply(client, group, **{field: TEXT})

    _refused(response, field)
    assert Application.objects.count() == 0


def test_application_note_and_answer_confirmed_are_saved(client, group):
    question = ApplicationQuestionFactory(group=group, text="Why this group?")
    field = f"question_{question.pk}"
    client.force_login(UserFactory())

    response = _apply(
        client,
        group,
        note=TEXT,
        note__confirm=keys("note"),
        **{field: TEXT, f"{field}__confirm": keys(field)},
    )

    assert response.status_code == 302
    application = Application.objects.get()
    assert (application.note, application.answers) == (
        TEXT,
        [{"question": "Why this group?", "answer": TEXT}],
    )


# --- vetting decisions ------------------------------------------------------------------------------


def _decide(client, application, **data):
    return client.post(reverse("groups:vetting_detail", args=[application.pk]), data)


def test_decision_message_with_identifiers_decides_nothing_and_sends_nothing(
    client, group, mailoutbox
):
    application = ApplicationFactory(group=group)
    client.force_login(_organizer(group))

    response = _decide(client, application, decision="decline", message=TEXT)

    _refused(response, "message")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING
    assert mailoutbox == []


def test_decision_message_confirmed_is_sent(client, group):
    application = ApplicationFactory(group=group)
    client.force_login(_organizer(group))

    response = _decide(
        client, application, decision="decline", message=TEXT, message__confirm=keys("message")
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DECLINED


# --- removal reasons (kept in the audit log) ---------------------------------------------------------


def test_removal_reason_with_identifiers_removes_nobody(client, group):
    target = _member(group)
    client.force_login(_organizer(group))

    response = client.post(
        reverse("groups:remove_member", args=[group.slug, target.pk]), {"reason": TEXT}
    )

    _refused(response, "reason")
    assert Membership.objects.filter(pk=target.pk).exists()
    assert AuditEntry.objects.filter(verb="member.removed").count() == 0


def test_removal_reason_confirmed_removes_the_member(client, group):
    target = _member(group)
    client.force_login(_organizer(group))

    response = client.post(
        reverse("groups:remove_member", args=[group.slug, target.pk]),
        {"reason": TEXT, "reason__confirm": keys("reason")},
    )

    assert response.status_code == 302
    assert not Membership.objects.filter(pk=target.pk).exists()
