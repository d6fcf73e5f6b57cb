"""Two requests at once make one follow-up: threads race to ask for the same case on real
PostgreSQL (the case's row lock, and the unique constraint behind it)."""

import pytest

from meetings.enums import SegmentKind
from meetings.models import AgendaSegment
from members.models import Delivery
from presentations import services
from presentations.models import FollowUp, FollowUpEnd, FollowUpStatus
from presentations.services import PresentationError
from tests.presentations.test_followups import presented
from tests.race import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8


def test_concurrent_asks_make_one_follow_up_and_one_segment(group, organizer, members, meeting):
    presenter = members[0]
    case = presented(group, presenter)

    results = race(
        lambda i: services.ask_follow_up(user=presenter, presentation_id=case.pk), THREADS
    )

    made = [r for r in results if isinstance(r, FollowUp)]
    refused = [r for r in results if isinstance(r, PresentationError)]
    assert (len(made), len(refused)) == (1, THREADS - 1)
    assert {str(r) for r in refused} == {"You have already asked to report back on this case."}
    assert FollowUp.objects.filter(source=case).count() == 1
    assert AgendaSegment.objects.filter(meeting=meeting, kind=SegmentKind.FOLLOW_UP).count() == 1


def test_concurrent_asks_for_two_cases_both_land_on_the_agenda(group, organizer, members, meeting):
    cases = [presented(group, members[i]) for i in range(2)]

    results = race(
        lambda i: services.ask_follow_up(user=members[i], presentation_id=cases[i].pk), 2
    )

    assert all(isinstance(r, FollowUp) for r in results), results
    kinds = list(meeting.segments.order_by("position").values_list("kind", flat=True))
    assert kinds == ["check_in", "case", "case", "topic", "follow_up", "follow_up", "wrap_up"]


def test_the_agenda_editor_and_a_withdrawal_at_once_end_it_once(group, organizer, members, meeting):
    """Both lock the meeting, then its agenda, then the follow-up: no deadlock, one ending."""
    presenter = members[0]
    case = presented(group, presenter)
    follow_up = services.ask_follow_up(user=presenter, presentation_id=case.pk)
    rows = [
        {"id": s.pk, "kind": s.kind, "title": s.title, "minutes": s.minutes}
        for s in meeting.segments.exclude(pk=follow_up.segment_id).order_by("position")
    ]
    actions = [
        lambda: services.edit_agenda(
            actor=organizer, meeting=meeting, segments=rows, confirmed_follow_ups={follow_up.pk}
        ),
        lambda: services.withdraw_follow_up(user=presenter, presentation_id=case.pk),
    ]

    results = race(lambda i: actions[i](), 2)

    failed = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(r, PresentationError) for r in failed), results
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.REMOVED
    assert follow_up.ended_because in (FollowUpEnd.AGENDA_EDITED, FollowUpEnd.WITHDRAWN)
    assert not AgendaSegment.objects.filter(meeting=meeting, kind=SegmentKind.FOLLOW_UP).exists()
    told = Delivery.objects.filter(template="follow_up_removed").count()
    assert told == (1 if follow_up.ended_because == FollowUpEnd.AGENDA_EDITED else 0)
