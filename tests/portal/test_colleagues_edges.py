"""The colleague reads and the colleague message service on their own, without the pages: a
visitor who is not signed in sees nobody, and the service itself refuses an empty or overlong
message (the form refuses them first; the service does not rely on it)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from members.models import AuditEntry, Delivery, TherapistProfile
from portal import colleagues
from tests.factories import GroupFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def group():
    return GroupFactory()


@pytest.fixture
def me(group):
    return MembershipFactory(group=group).user


@pytest.fixture
def ada(group):
    return MembershipFactory(group=group).user


def test_a_visitor_who_is_not_signed_in_sees_no_profile(me, ada):
    visitor = AnonymousUser()

    assert list(colleagues.profiles_visible_to(visitor)) == []
    assert list(colleagues.network_for(visitor)) == []
    # The same reads for a member list the colleague: the empty answers are the visitor's.
    assert TherapistProfile.objects.count() == 2
    assert list(colleagues.network_for(me)) == [ada.profile]
    assert set(colleagues.profiles_visible_to(me)) == {me.profile, ada.profile}


@pytest.mark.parametrize(
    ("message", "code", "text"),
    [
        ("", "required", "The message is empty."),
        (" \n\t ", "required", "The message is empty."),
        ("x" * 3001, "max_length", "The message is too long."),
        (f"  {'x' * 3001}  ", "max_length", "The message is too long."),
    ],
)
def test_send_colleague_message_refuses_an_empty_or_overlong_message(
    me, ada, message, code, text, mailoutbox, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValidationError) as refused,
    ):
        colleagues.send_colleague_message(sender=me, recipient_profile=ada.profile, message=message)

    assert (refused.value.code, refused.value.messages) == (code, [text])
    assert (Delivery.objects.count(), AuditEntry.objects.count(), mailoutbox) == (0, 0, [])


def test_send_colleague_message_counts_the_length_without_surrounding_space(
    me, ada, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        delivery = colleagues.send_colleague_message(
            sender=me, recipient_profile=ada.profile, message=f"\n  {'x' * 3000}  \n"
        )

    assert delivery.context["message"] == "x" * 3000
    assert AuditEntry.objects.get(verb="colleague.messaged").data == {"length": 3000}
    assert [m.to for m in mailoutbox] == [[ada.email]]
