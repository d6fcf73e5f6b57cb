"""The notification tasks, and the admin's "send again", which queues work for them."""

import logging
from unittest import mock

import pytest
from django.urls import reverse

from groups import notifications as group_notifications
from groups.enums import Role
from groups.models import Group
from members import notifications
from members.enums import DeliveryStatus
from members.models import AuditEntry, Delivery
from members.tasks import task_dispatch_due, task_send_delivery
from tests.factories import AdminFactory, GroupFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

SUBJECT = "[PeerCircle] You are no longer a member of Harbour Circle"


@pytest.fixture
def delivery():
    """One e-mail recorded and due now (the commit that would queue it never ran): the notice
    to someone an organizer removed from Harbour Circle."""
    group = GroupFactory(name="Harbour Circle")
    organizer = MembershipFactory(group=group, role=Role.ORGANIZER).user
    removed = UserFactory(email="removed@example.com")
    group_notifications.member_removed(group=group, user=removed, actor=organizer)
    return Delivery.objects.get(template="member_removed")


# --- task_send_delivery -------------------------------------------------------------------------


def test_task_send_delivery_sends_it_once(delivery, mailoutbox):
    assert task_send_delivery(delivery_id=delivery.pk) == DeliveryStatus.SENT
    assert task_send_delivery(delivery_id=delivery.pk) == DeliveryStatus.SENT

    assert [(m.to, m.subject) for m in mailoutbox] == [(["removed@example.com"], SUBJECT)]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 1)


def test_task_send_delivery_of_a_deleted_delivery_finishes_quietly_and_says_gone(
    delivery, mailoutbox, caplog
):
    delivery_id = delivery.pk
    delivery.delete()

    with caplog.at_level(logging.INFO, logger="members.notifications"):
        result = task_send_delivery.apply(kwargs={"delivery_id": delivery_id})

    assert (result.successful(), result.result) == (True, "gone")
    assert mailoutbox == []
    said = [
        (r.levelname, r.getMessage()) for r in caplog.records if r.name == notifications.__name__
    ]
    assert said == [("INFO", f"delivery {delivery_id} is gone")]
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_task_send_delivery_skips_one_with_nothing_left_to_say(delivery, mailoutbox):
    # Back in the group before the e-mail went out: the notice has nothing left to tell.
    MembershipFactory(group=Group.objects.get(pk=delivery.object_id), user=delivery.recipient)

    assert task_send_delivery(delivery_id=delivery.pk) == DeliveryStatus.SKIPPED

    assert mailoutbox == []
    assert Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.SKIPPED


# --- task_dispatch_due ---------------------------------------------------------------------------


def test_task_dispatch_due_queues_what_is_due_and_a_second_run_finds_nothing(delivery, mailoutbox):
    assert task_dispatch_due() == 1  # eager in tests: the send task ran too
    assert task_dispatch_due() == 0

    assert [m.to for m in mailoutbox] == [["removed@example.com"]]
    assert Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.SENT


def test_task_dispatch_due_with_nothing_due_queues_nothing(mailoutbox):
    assert task_dispatch_due() == 0
    assert mailoutbox == []


# --- the admin's "send again" queues the sends after commit, it does not dispatch --------------


def _resend(client, *deliveries):
    return client.post(
        reverse("admin:members_delivery_changelist"),
        {
            "action": "resend_deliveries",
            "_selected_action": [str(d.pk) for d in deliveries],
            "index": "0",
        },
    )


@pytest.fixture
def admin_client_(client):
    admin = AdminFactory(email="root@example.com")
    client.force_login(admin)
    client.admin = admin
    return client


def test_admin_resend_queues_one_send_per_delivery_after_commit_without_dispatching(
    admin_client_, delivery, django_capture_on_commit_callbacks
):
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.DEAD, attempts=8, last_error="SMTPDataError: 550"
    )

    with (
        mock.patch.object(notifications, "dispatch_due") as dispatch_due,
        mock.patch.object(task_send_delivery, "delay") as delay,
    ):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = _resend(admin_client_, delivery)
        assert delay.call_count == 0  # nothing handed to a worker before the commit
        queued_in_request = Delivery.objects.get(pk=delivery.pk).status
        for callback in callbacks:
            callback()

    assert response.status_code == 302
    assert queued_in_request == DeliveryStatus.PENDING
    assert dispatch_due.call_count == 0
    assert delay.call_args_list == [mock.call(delivery_id=delivery.pk)]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        DeliveryStatus.QUEUED,
        0,
        "",
    )
    entry = AuditEntry.objects.get(verb="deliveries.resent")
    assert (entry.actor, entry.data) == (admin_client_.admin, {"count": 1, "ids": [delivery.pk]})


def test_admin_resend_sends_each_selected_delivery_once_after_commit(
    admin_client_, delivery, mailoutbox, django_capture_on_commit_callbacks
):
    assert task_send_delivery(delivery_id=delivery.pk) == DeliveryStatus.SENT
    other = Delivery.objects.create(
        kind=delivery.kind,
        template=delivery.template,
        object_type=delivery.object_type,
        object_id=delivery.object_id,
        recipient=UserFactory(email="other@example.com"),
        email="other@example.com",
        due_at=delivery.due_at,
        status=DeliveryStatus.DEAD,
    )
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        _resend(admin_client_, delivery, other)

    assert sorted(m.to[0] for m in mailoutbox) == ["other@example.com", "removed@example.com"]
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_admin_resend_with_the_broker_down_leaves_the_rows_pending_for_the_dispatcher(
    admin_client_, delivery, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(task_send_delivery, "delay", side_effect=ConnectionError("broker")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = _resend(admin_client_, delivery)

    assert response.status_code == 302
    assert Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.PENDING
