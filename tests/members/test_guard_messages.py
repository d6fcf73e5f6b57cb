"""A colleague message passes the de-identification guard before it can be e-mailed."""

import html

import pytest
from django.urls import reverse

from members.enums import NotificationKind
from members.models import Delivery
from tests.factories import GroupFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

NAME, BORN = "Jennifer Martinez", "03/14/1987"
TEXT = f"Could you see my client {NAME}, born {BORN}? She needs an eating-disorder specialist."
KEYS = [f"message|name|{NAME}", f"message|date|{BORN}"]


@pytest.fixture
def pair():
    group = GroupFactory()
    me, colleague = UserFactory(), UserFactory()
    MembershipFactory(group=group, user=me)
    MembershipFactory(group=group, user=colleague)
    return me, colleague


def _url(colleague):
    return reverse("members:contact", args=[colleague.profile.pk])


def test_colleague_message_with_name_and_birth_date_is_not_sent(
    client, pair, django_capture_on_commit_callbacks, mailoutbox
):
    me, colleague = pair
    client.force_login(me)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(colleague), {"message": TEXT})

    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    assert f"This may identify a client: “{NAME}” (name), “{BORN}” (date)" in body
    assert f'<mark title="Possible name">{NAME}</mark>' in body
    assert 'name="message__confirm"' in body
    assert Delivery.objects.filter(kind=NotificationKind.COLLEAGUE_MESSAGE).count() == 0
    assert mailoutbox == []


def test_colleague_message_confirmed_is_sent(
    client, pair, django_capture_on_commit_callbacks, mailoutbox
):
    me, colleague = pair
    client.force_login(me)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(colleague), {"message": TEXT, "message__confirm": KEYS})

    assert response.status_code == 302
    assert Delivery.objects.filter(kind=NotificationKind.COLLEAGUE_MESSAGE).count() == 1
    assert [m.to for m in mailoutbox] == [[colleague.email]]


def test_colleague_message_greeting_the_colleague_by_name_needs_no_confirmation(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    group = GroupFactory()
    me = UserFactory(profile__display_name="Mara Me")
    ada = UserFactory(profile__display_name="Ada Colleague")
    MembershipFactory(group=group, user=me)
    MembershipFactory(group=group, user=ada)
    client.force_login(me)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url(ada), {"message": "Hello Ada,\nDo you have room for a teen?\nMara"}
        )

    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [[ada.email]]


def test_colleague_message_greeting_still_flags_a_client_name(client):
    group = GroupFactory()
    me = UserFactory(profile__display_name="Mara Me")
    ada = UserFactory(profile__display_name="Ada Colleague")
    MembershipFactory(group=group, user=me)
    MembershipFactory(group=group, user=ada)
    client.force_login(me)

    response = client.post(_url(ada), {"message": f"Hello Ada, could you see {NAME}?"})

    assert response.status_code == 200
    assert [(f.kind, f.text) for f in response.context["form"].guard_findings["message"]] == [
        ("name", NAME)
    ]
    assert Delivery.objects.count() == 0
