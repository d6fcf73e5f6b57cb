"""Topic title and summary pass the same de-identification guard as cases, in the form and in
``save_topic``, and topic material expires like case material."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting
from members.models import AuditEntry
from presentations import services
from presentations.models import Presentation
from presentations.services import DeidentificationRequired
from tests.presentations.conftest import slots

pytestmark = pytest.mark.django_db

TITLE = "Jennifer Martinez, born 03/14/1987: what her school did"
KEYS = [
    "topic_title|name|Jennifer Martinez",
    "topic_title|date|03/14/1987",
]


@pytest.fixture
def topic(meeting, members):
    return Presentation.objects.create(
        segment=slots(meeting, "topic")[0], meeting=meeting, presenter=members[1]
    )


def _url(presentation) -> str:
    return reverse("presentations:detail", args=[presentation.pk])


def _topic(presentation) -> tuple:
    presentation.refresh_from_db()
    return (presentation.topic_title, presentation.topic_summary, presentation.topic_links)


def test_save_topic_with_identifiers_is_refused_and_saves_nothing(topic, members):
    with pytest.raises(DeidentificationRequired) as caught:
        services.save_topic(
            user=members[1], presentation_id=topic.pk, title=TITLE, summary="", links=[]
        )

    assert [f.key for f in caught.value.findings] == KEYS
    assert _topic(topic) == ("", "", [])
    assert AuditEntry.objects.filter(verb="topic.saved").count() == 0


def test_save_topic_with_identifiers_confirmed_is_saved_and_recorded_without_text(topic, members):
    services.save_topic(
        user=members[1],
        presentation_id=topic.pk,
        title=TITLE,
        summary="",
        links=[],
        confirmed=set(KEYS),
    )

    assert _topic(topic) == (TITLE, "", [])
    entry = AuditEntry.objects.get(verb="topic.saved")
    assert entry.data == {"confirmed_findings": 2, "confirmed_kinds": {"date": 1, "name": 1}}
    assert "Martinez" not in str(entry.data)


def test_topic_page_shows_findings_beside_the_field_and_saves_nothing(client, topic, members):
    client.force_login(members[1])

    response = client.post(_url(topic), {"topic_title": TITLE, "topic_summary": "A review."})

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["topic_title"]
    body = response.content.decode()
    assert 'name="topic_title__confirm"' in body
    assert '<mark title="Possible name">Jennifer Martinez</mark>' in body
    assert _topic(topic) == ("", "", [])


def test_topic_page_saves_once_each_finding_is_confirmed(client, topic, members):
    client.force_login(members[1])

    response = client.post(
        _url(topic),
        {"topic_title": TITLE, "topic_summary": "A review.", "topic_title__confirm": KEYS},
    )

    assert response.status_code == 302
    assert _topic(topic) == (TITLE, "A review.", [])
    entry = AuditEntry.objects.get(verb="topic.saved")
    assert entry.data["confirmed_findings"] == 2


def _end_meeting(meeting, days_ago):
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - timedelta(days=days_ago, hours=2),
        ends_at=timezone.now() - timedelta(days=days_ago),
    )


def test_topic_material_is_purged_after_the_retention_period(topic, members, meeting):
    services.save_topic(
        user=members[1],
        presentation_id=topic.pk,
        title="Billing codes",
        summary="What changed this year.",
        links=["https://example.org/codes"],
    )
    _end_meeting(meeting, 31)

    assert services.purge_expired_cases() == 1
    assert services.purge_expired_cases() == 0
    assert _topic(topic) == ("", "", [])
    topic.refresh_from_db()
    assert topic.case_purged_at is not None


def test_topic_material_is_kept_within_the_retention_period(topic, members, meeting):
    services.save_topic(
        user=members[1], presentation_id=topic.pk, title="Billing codes", summary="", links=[]
    )
    _end_meeting(meeting, 29)

    assert services.purge_expired_cases() == 0
    assert _topic(topic) == ("Billing codes", "", [])


def test_topic_material_is_kept_when_retention_is_zero(topic, members, meeting):
    services.save_topic(
        user=members[1], presentation_id=topic.pk, title="Billing codes", summary="", links=[]
    )
    type(meeting.group).objects.filter(pk=meeting.group_id).update(case_retention_days=0)
    _end_meeting(meeting, 400)

    assert services.purge_expired_cases() == 0
    assert _topic(topic) == ("Billing codes", "", [])


def test_purged_topic_cannot_be_written_again(topic, members, meeting):
    services.save_topic(
        user=members[1], presentation_id=topic.pk, title="Billing codes", summary="", links=[]
    )
    _end_meeting(meeting, 31)
    services.purge_expired_cases()

    with pytest.raises(services.PresentationError, match="removed after the meeting"):
        services.save_topic(
            user=members[1], presentation_id=topic.pk, title="Again", summary="", links=[]
        )
    assert _topic(topic) == ("", "", [])
