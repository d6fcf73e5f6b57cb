"""One action, one message, never to the person who acted: the election opener and the
organizer who fills the rotation are not e-mailed about their own action."""

from datetime import timedelta

import pytest
from django.utils import timezone

from groups.models import Group
from members.models import Delivery
from presentations import services
from presentations.models import Presentation
from tests.presentations.conftest import slots

pytestmark = pytest.mark.django_db


def test_opening_an_election_invites_every_member_but_the_opener(group, organizer, members):
    Group.objects.filter(pk=group.pk).update(leadership_model="elected")
    group.refresh_from_db()
    now = timezone.now()

    services.open_election(
        actor=organizer,
        group=group,
        term_starts_on=timezone.localdate(),
        term_ends_on=timezone.localdate() + timedelta(days=90),
        nominations_close_at=now + timedelta(days=2),
        voting_closes_at=now + timedelta(days=4),
    )

    invited = Delivery.objects.filter(template="election_opened")
    assert sorted(invited.values_list("recipient_id", flat=True)) == sorted(m.pk for m in members)


def test_an_organizer_first_in_line_is_invited_without_an_email(group, organizer, members, meeting):
    # Everyone else has presented more recently than the organizer, who never has.
    services.fill_slots_from_queue(actor=organizer, meeting=meeting)

    invited = dict(Presentation.objects.filter(meeting=meeting).values_list("presenter_id", "pk"))
    assert organizer.pk in invited
    mailed = set(
        Delivery.objects.filter(template="rotation_invitation").values_list(
            "recipient_id", flat=True
        )
    )
    assert mailed == set(invited) - {organizer.pk}
    assert len(invited) == len(slots(meeting))
