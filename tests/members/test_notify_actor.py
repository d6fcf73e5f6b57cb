"""``notify(actor=...)``: the one place that keeps an e-mail from the person who acted."""

import pytest

from groups.enums import DepartureReason
from meetings.enums import SegmentKind
from meetings.models import AgendaSegment
from members.enums import NotificationKind as Kind
from members.models import Delivery
from members.notifications import notify
from presentations import notifications as presentation_notifications
from presentations.enums import Opening, PresentationStatus
from presentations.models import Presentation
from tests.factories import GroupFactory, MeetingFactory, UserFactory

pytestmark = pytest.mark.django_db


def _recorded(template="test_notice") -> set[tuple[int | None, str]]:
    return set(Delivery.objects.filter(template=template).values_list("recipient_id", "email"))


def _notify(**kwargs):
    return notify(kind=Kind.MEETING_CHANGED, template="test_notice", obj=GroupFactory(), **kwargs)


def test_notify_with_actor_among_recipients_records_none_for_the_actor():
    actor, ann, bob = UserFactory(), UserFactory(), UserFactory()
    created = _notify(actor=actor, recipients=[actor, ann, bob])
    assert _recorded() == {(ann.pk, ann.email), (bob.pk, bob.email)}
    assert {d.recipient_id for d in created} == {ann.pk, bob.pk}


def test_notify_without_actor_records_for_every_recipient():
    ann, bob = UserFactory(), UserFactory()
    created = _notify(actor=None, recipients=[ann, bob], emails=["guest@example.com"])
    assert _recorded() == {(ann.pk, ann.email), (bob.pk, bob.email), (None, "guest@example.com")}
    assert len(created) == 3


def test_notify_skips_an_address_equal_to_the_actors_ignoring_case():
    actor = UserFactory(email="Organizer@Example.com")
    _notify(actor=actor, emails=["organizer@example.COM", "guest@example.com"])
    assert _recorded() == {(None, "guest@example.com")}


def test_notify_skips_another_account_with_the_actors_address_ignoring_case():
    actor = UserFactory(email="Ann@example.com")
    twin, bob = UserFactory(email="ann@example.com"), UserFactory()
    _notify(actor=actor, recipients=[twin, bob])
    assert _recorded() == {(bob.pk, bob.email)}


def test_notify_to_the_actor_alone_records_nothing_and_asks_nothing(
    django_assert_num_queries,
):
    actor = UserFactory()
    group = GroupFactory()
    with django_assert_num_queries(0):
        created = notify(
            kind=Kind.SWAP, template="test_notice", obj=group, actor=actor, recipients=[actor]
        )
    assert created == []
    assert _recorded() == set()


def test_rotation_invited_is_not_sent_to_the_organizer_who_filled_the_slot():
    organizer = UserFactory()
    meeting = MeetingFactory()
    segment = AgendaSegment.objects.create(meeting=meeting, kind=SegmentKind.CASE, minutes=20)
    mine = Presentation.objects.create(
        segment=segment,
        meeting=meeting,
        presenter=organizer,
        status=PresentationStatus.INVITED,
        invited_until=meeting.starts_at,
    )
    presentation_notifications.rotation_invited(mine, actor=organizer)
    assert _recorded("rotation_invitation") == set()
    presentation_notifications.rotation_invited(mine)  # the system filled it: sent
    assert _recorded("rotation_invitation") == {(organizer.pk, organizer.email)}


def test_roles_opened_is_not_sent_to_the_organizer_who_removed_the_member():
    former, organizer, other = UserFactory(), UserFactory(), UserFactory()
    openings = [{"group": 1, "role": Opening.LEADER}]
    for recipient in (organizer, other):
        presentation_notifications.roles_opened(
            former=former,
            organizer=recipient,
            openings=openings,
            reason=DepartureReason.REMOVED,
            stamp="now",
            actor=organizer,
        )
    assert _recorded("roles_opened") == {(other.pk, other.email)}
