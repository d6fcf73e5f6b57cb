"""A meeting's calendar ``sequence`` never loses an increment: edits race on real PostgreSQL."""

import pytest

from groups.enums import Role
from meetings import services
from meetings.models import Meeting
from presentations.services import slots
from tests.factories import AgendaSegmentFactory, MeetingFactory, MembershipFactory
from tests.race import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 6


def test_racing_edits_and_reorders_each_bump_the_sequence_once():
    meeting = MeetingFactory()
    organizer = MembershipFactory(group=meeting.group, role=Role.ORGANIZER).user
    segment_ids = [AgendaSegmentFactory(meeting=meeting).pk for _ in range(3)]
    # Each worker holds the meeting as it was read before anyone changed it, as a page does.
    stale = [Meeting.objects.select_related("group").get(pk=meeting.pk) for _ in range(THREADS)]

    def edit(i: int):
        if i % 2:
            order = segment_ids[i % 3 :] + segment_ids[: i % 3]
            return slots.reorder_agenda(actor=organizer, meeting=stale[i], segment_ids=order)
        return services.update_meeting(
            actor=organizer, meeting=stale[i], data={"title": f"Consultation {i}"}
        )

    results = race(edit, THREADS)

    assert [r for r in results if isinstance(r, Exception)] == []
    meeting.refresh_from_db()
    assert meeting.sequence == THREADS


def test_cancel_after_a_stale_reorder_still_counts_both_changes():
    meeting = MeetingFactory()
    organizer = MembershipFactory(group=meeting.group, role=Role.ORGANIZER).user
    segment_ids = [AgendaSegmentFactory(meeting=meeting).pk for _ in range(2)]
    stale = Meeting.objects.select_related("group").get(pk=meeting.pk)

    services.cancel_meeting(actor=organizer, meeting=meeting)
    slots.reorder_agenda(actor=organizer, meeting=stale, segment_ids=segment_ids[::-1])

    meeting.refresh_from_db()
    assert meeting.sequence == 2
