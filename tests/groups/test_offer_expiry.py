"""An expired seat offer is e-mailed to the person who held it, once, and the seat moves on."""

from datetime import timedelta

import pytest
from django.utils import timezone

from groups import services
from groups.enums import Role, WaitlistStatus
from groups.models import Membership, WaitlistEntry
from members.models import AuditEntry, Delivery
from tests.factories import GroupFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def offered():
    """A full group of two; a seat came free and was offered to Fay; Sam waits behind her."""
    group = GroupFactory(name="Harbour Circle", capacity=2)
    MembershipFactory(group=group, role=Role.ORGANIZER)
    leaver = MembershipFactory(group=group).user
    fay = UserFactory(email="fay@example.com")
    sam = UserFactory(email="sam@example.com")
    services.join_group(user=fay, group=group, accepted_rules=True)
    services.join_group(user=sam, group=group, accepted_rules=True)
    services.leave_group(user=leaver, group=group)
    return group, fay, sam


def test_expire_offers_emails_the_person_once_and_offers_the_next(
    offered, mailoutbox, django_capture_on_commit_callbacks
):
    group, fay, _sam = offered
    WaitlistEntry.objects.filter(user=fay).update(
        offer_expires_at=timezone.now() - timedelta(minutes=1)
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert services.expire_offers() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.expire_offers() == 0

    assert sorted((m.to[0], m.subject) for m in mailoutbox) == [
        ("fay@example.com", "[PeerCircle] Your seat offer in Harbour Circle has expired"),
        ("sam@example.com", "[PeerCircle] A seat is free for you in Harbour Circle"),
    ]
    expired_mail = next(m for m in mailoutbox if m.to == ["fay@example.com"])
    assert "passed to the next person waiting" in expired_mail.body
    assert group.get_absolute_url() in expired_mail.body
    statuses = dict(WaitlistEntry.objects.values_list("user__email", "status"))
    assert statuses == {"fay@example.com": WaitlistStatus.EXPIRED, "sam@example.com": "offered"}
    assert Delivery.objects.filter(template="waitlist_expired").count() == 1
    assert AuditEntry.objects.filter(verb="waitlist.offer_expired", subject=fay).count() == 1


def test_expire_offers_leaves_offers_still_open_alone(
    offered, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert services.expire_offers() == 0

    assert mailoutbox == []
    assert not Delivery.objects.filter(template="waitlist_expired").exists()


def test_accepting_too_late_tells_the_person_on_the_page_not_twice_by_mail(
    offered, mailoutbox, django_capture_on_commit_callbacks
):
    _group, fay, _sam = offered
    entry = WaitlistEntry.objects.get(user=fay)
    WaitlistEntry.objects.filter(pk=entry.pk).update(
        offer_expires_at=timezone.now() - timedelta(minutes=1)
    )

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(services.GroupActionError, match="expired"),
    ):
        services.accept_offer(user=fay, entry_id=entry.pk)

    assert [m.to for m in mailoutbox] == [["sam@example.com"]]
    assert not Membership.objects.filter(user=fay).exists()
