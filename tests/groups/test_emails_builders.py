"""What groups e-mail, built from the data as it stands when each e-mail goes out: a seat offer
that was answered meanwhile, an application decided or withdrawn before its notice went out,
and the organizers' daily digest of applications waiting for review."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from groups import notifications
from groups.enums import MembershipPolicy, Role
from groups.models import WaitlistEntry
from groups.services import (
    accept_offer,
    apply_to_group,
    decide_application,
    decline_offer,
    join_group,
    leave_group,
    leave_waitlist,
    withdraw_application,
)
from members.enums import DeliveryStatus
from members.models import Delivery, NotificationPreference
from members.notifications import dispatch_due, send_delivery
from tests.factories import GroupFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

NY = ZoneInfo("America/New_York")  # every recipient's zone (ProfileFactory)


def _send(template: str) -> dict[str, str]:
    """Send every delivery of ``template`` now, as the worker would: {e-mail address: outcome}."""
    rows = Delivery.objects.filter(template=template).order_by("pk").values_list("pk", "email")
    return {email: send_delivery(pk) for pk, email in rows}


# --- the daily digest is due at the next 8 am where the organizer lives ---------------------------


def test_digest_before_eight_in_the_morning_is_due_the_same_day():
    organizer = UserFactory()

    due = notifications.next_digest_time(organizer, now=datetime(2027, 1, 10, 6, 30, tzinfo=NY))

    assert due == datetime(2027, 1, 10, 8, tzinfo=NY)


def test_digest_after_eight_in_the_morning_is_due_the_next_day():
    organizer = UserFactory()

    due = notifications.next_digest_time(organizer, now=datetime(2027, 1, 10, 8, 0, tzinfo=NY))

    assert due == datetime(2027, 1, 11, 8, tzinfo=NY)


# --- a seat offer answered before its e-mail went out ---------------------------------------------


@pytest.fixture
def offered():
    """A full group of two; a seat came free and was offered to Fay (not yet e-mailed)."""
    group = GroupFactory(name="Harbour Circle", capacity=2)
    MembershipFactory(group=group, role=Role.ORGANIZER)
    leaver = MembershipFactory(group=group).user
    fay = UserFactory(email="fay@example.com")
    join_group(user=fay, group=group, accepted_rules=True)
    leave_group(user=leaver, group=group)
    entry = WaitlistEntry.objects.get(user=fay)
    assert entry.status == "offered"
    return fay, entry


@pytest.mark.parametrize(
    "answer", [accept_offer, decline_offer, leave_waitlist], ids=["accepted", "declined", "left"]
)
def test_a_seat_offer_is_skipped_once_it_is_answered(offered, mailoutbox, answer):
    fay, entry = offered
    answer(user=fay, entry_id=entry.pk)

    assert _send("waitlist_offer") == {"fay@example.com": DeliveryStatus.SKIPPED}
    assert mailoutbox == []


def test_a_seat_offer_still_open_is_sent(offered, mailoutbox):
    assert _send("waitlist_offer") == {"fay@example.com": DeliveryStatus.SENT}
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["fay@example.com"], "[PeerCircle] A seat is free for you in Harbour Circle")
    ]


# --- applications: one at a time, or the daily digest ----------------------------------------------


@pytest.fixture
def closed_group():
    group = GroupFactory(name="Closed Circle", membership_policy=MembershipPolicy.CLOSED)
    MembershipFactory(
        group=group, role=Role.ORGANIZER, user=UserFactory(email="organizer@example.com")
    )
    MembershipFactory(group=group, user=UserFactory(email="plain@example.com"))
    return group


def _organizer(group):
    return group.memberships.get(role=Role.ORGANIZER).user


def _apply(group, name: str):
    applicant = UserFactory(profile__display_name=name)
    return apply_to_group(
        user=applicant, group=group, answers=[], note="", consent=True, accepted_rules=True
    )


def _withdraw(group, application) -> None:
    withdraw_application(user=application.applicant, application_id=application.pk)


def _approve(group, application) -> None:
    decide_application(actor=_organizer(group), application=application, approve=True)


@pytest.mark.parametrize("settle", [_withdraw, _approve], ids=["withdrawn", "decided"])
def test_an_application_notice_is_skipped_once_the_application_is_settled(
    closed_group, mailoutbox, settle
):
    organizer = _organizer(closed_group)
    NotificationPreference.objects.create(user=organizer, kind="application_received", digest=False)
    application = _apply(closed_group, "Ada Applicant")
    settle(closed_group, application)

    assert _send("application_received") == {"organizer@example.com": DeliveryStatus.SKIPPED}
    assert mailoutbox == []


def test_the_digest_lists_every_application_waiting_in_one_email_at_eight(closed_group, mailoutbox):
    organizer = _organizer(closed_group)
    first = _apply(closed_group, "Ada Applicant")
    _apply(closed_group, "Ben Applicant")
    digest = Delivery.objects.get(template="application_digest")
    assert (digest.recipient_id, digest.due_at) == (
        organizer.pk,
        notifications.next_digest_time(organizer, now=first.created_at),
    )
    assert not Delivery.objects.filter(template="application_received").exists()

    dispatch_due(now=digest.due_at - timedelta(minutes=1))
    assert mailoutbox == []  # not before 8 am
    dispatch_due(now=digest.due_at)

    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["organizer@example.com"], "[PeerCircle] 2 applications waiting for review")
    ]
    body = mailoutbox[0].body
    assert "2 applications are waiting for your review:" in body
    assert "- Ada Applicant — Closed Circle — applied" in body
    assert "- Ben Applicant — Closed Circle — applied" in body
    assert reverse("groups:vetting_queue") in body
    assert "plain@example.com" not in [m.to[0] for m in mailoutbox]


def test_the_digest_is_skipped_when_every_application_was_decided_before_eight(
    closed_group, mailoutbox
):
    application = _apply(closed_group, "Ada Applicant")
    _approve(closed_group, application)

    assert _send("application_digest") == {"organizer@example.com": DeliveryStatus.SKIPPED}
    assert mailoutbox == []
