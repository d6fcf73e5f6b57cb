"""The groups beat task: expired seat offers pass on, once; an offer resolved meanwhile is left be."""

from datetime import timedelta

import pytest
from django.utils import timezone

from groups import services
from groups.enums import Role, WaitlistStatus
from groups.models import WaitlistEntry
from groups.tasks import task_expire_waitlist_offers
from members.models import Delivery
from tests.factories import GroupFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def offer():
    """A full group of two; a seat came free and was offered to Fay; Sam waits behind her."""
    group = GroupFactory(name="Harbour Circle", capacity=2)
    MembershipFactory(group=group, role=Role.ORGANIZER)
    leaver = MembershipFactory(group=group).user
    fay = UserFactory(email="fay@example.com")
    sam = UserFactory(email="sam@example.com")
    services.join_group(user=fay, group=group, accepted_rules=True)
    services.join_group(user=sam, group=group, accepted_rules=True)
    services.leave_group(user=leaver, group=group)
    return WaitlistEntry.objects.get(user=fay)


def _lapse(entry):
    WaitlistEntry.objects.filter(pk=entry.pk).update(
        offer_expires_at=timezone.now() - timedelta(minutes=1)
    )


def _statuses():
    return dict(WaitlistEntry.objects.values_list("user__email", "status"))


def test_task_expire_waitlist_offers_passes_a_lapsed_offer_on_once(offer):
    _lapse(offer)

    assert task_expire_waitlist_offers() == 1
    assert task_expire_waitlist_offers() == 0

    assert _statuses() == {
        "fay@example.com": WaitlistStatus.EXPIRED,
        "sam@example.com": WaitlistStatus.OFFERED,
    }
    assert list(Delivery.objects.filter(template="waitlist_expired").values_list("email")) == [
        ("fay@example.com",)
    ]


def test_task_expire_waitlist_offers_leaves_an_open_offer_alone(offer):
    assert task_expire_waitlist_offers() == 0

    assert _statuses() == {
        "fay@example.com": WaitlistStatus.OFFERED,
        "sam@example.com": WaitlistStatus.WAITING,
    }


def test_task_expire_waitlist_offers_after_the_holder_left_finishes_with_nothing_to_do(offer):
    _lapse(offer)
    services.leave_waitlist(user=offer.user, entry_id=offer.pk)  # gone before the task ran

    assert task_expire_waitlist_offers() == 0

    assert _statuses() == {
        "fay@example.com": WaitlistStatus.LEFT,
        "sam@example.com": WaitlistStatus.OFFERED,
    }
    assert not Delivery.objects.filter(template="waitlist_expired").exists()
