"""Reads for the lead's pages: the dashboard's open requests, the counts by group, and what a
person wrote (for "My data")."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from consultations import selectors
from consultations.enums import RequestStatus, Urgency
from tests.consultations.factories import ConsultationReplyFactory, ConsultationRequestFactory
from tests.factories import GroupFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_open_requests_for_lists_others_open_requests_in_my_groups_urgent_first(
    group, asker, mia, max_
):
    now = timezone.now()
    routine = ConsultationRequestFactory(group=group, asker=asker, created_at=now)
    urgent = ConsultationRequestFactory(
        group=group, asker=max_, urgency=Urgency.URGENT, created_at=now - timedelta(days=1)
    )
    soon = ConsultationRequestFactory(group=group, asker=asker, urgency=Urgency.SOON)
    ConsultationRequestFactory(group=group, asker=mia)  # mine
    ConsultationRequestFactory(
        group=group, asker=asker, status=RequestStatus.ANSWERED, answered_at=now
    )
    ConsultationRequestFactory(group=group, asker=asker, expires_at=now - timedelta(minutes=1))
    ConsultationRequestFactory(group=group, asker=asker, purged_at=now)
    ConsultationRequestFactory(group=group, asker=asker, erased_at=now)
    ConsultationRequestFactory()  # another group

    assert list(selectors.open_requests_for(mia)) == [urgent, soon, routine]


def test_open_requests_for_anonymous_is_empty():
    assert list(selectors.open_requests_for(AnonymousUser())) == []


def test_open_count_counts_the_groups_open_requests(group, asker, mia):
    other = GroupFactory()
    MembershipFactory(group=other, user=mia)
    quiet = GroupFactory()
    MembershipFactory(group=quiet, user=mia)
    ConsultationRequestFactory(group=group, asker=asker)
    ConsultationRequestFactory(group=group, asker=mia)
    ConsultationRequestFactory(
        group=group, asker=asker, status=RequestStatus.ANSWERED, answered_at=timezone.now()
    )
    ConsultationRequestFactory(group=other, asker=mia)
    ConsultationRequestFactory()  # not my group

    assert [selectors.open_count(g) for g in (group, other, quiet)] == [2, 1, 0]


def test_authored_by_is_what_the_person_wrote(group, asker, mia):
    mine = ConsultationRequestFactory(
        group=group, asker=mia, question="My question", help_wanted=["ethics"]
    )
    theirs = ConsultationRequestFactory(group=group, asker=asker)
    ConsultationReplyFactory(request=theirs, author=mia, body="My reply")
    ConsultationReplyFactory(request=mine, author=asker, body="Their reply")

    data = selectors.authored_by(mia)

    assert data["consultation_requests"] == [
        {
            "group": "Mile High Consult",
            "question": "My question",
            "background": mine.background,
            "tried": mine.tried,
            "help_wanted": ["ethics"],
            "urgency": "routine",
            "status": "open",
            "created_at": mine.created_at.isoformat(),
            "answered_at": None,
            "expires_at": None,
            "purged_at": None,
        }
    ]
    assert [(r["group"], r["body"], r["edited_at"]) for r in data["consultation_replies"]] == [
        ("Mile High Consult", "My reply", None)
    ]
