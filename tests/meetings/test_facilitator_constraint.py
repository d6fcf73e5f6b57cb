"""The database refuses one person as both facilitator and backup of a meeting."""

import pytest
from django.db import IntegrityError, transaction

from meetings.models import Meeting
from tests.factories import MeetingFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_the_same_person_cannot_be_facilitator_and_backup():
    meeting = MeetingFactory()
    person = MembershipFactory(group=meeting.group).user

    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(facilitator=person, backup_facilitator=person)

    meeting.refresh_from_db()
    assert (meeting.facilitator_id, meeting.backup_facilitator_id) == (None, None)


def test_a_backup_alone_or_two_different_people_are_fine():
    meeting = MeetingFactory()
    first, second = (MembershipFactory(group=meeting.group).user for _ in range(2))

    Meeting.objects.filter(pk=meeting.pk).update(backup_facilitator=first)
    Meeting.objects.filter(pk=meeting.pk).update(facilitator=second)

    meeting.refresh_from_db()
    assert (meeting.facilitator_id, meeting.backup_facilitator_id) == (second.pk, first.pk)
