"""The de-identification guard on meeting texts: RSVP notes, cancellation and change messages,
meeting titles (they go into e-mail subjects and calendar files) and agenda segment titles.

A client's full name and date of birth is refused with the findings beside the field and nothing
saved or sent; once the person confirms each finding, it is saved."""

import html
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.enums import Role
from meetings.enums import MeetingStatus
from meetings.models import AgendaSegment, Meeting, Rsvp
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory

pytestmark = pytest.mark.django_db

NAME, BORN = "Jennifer Martinez", "03/14/1987"
TEXT = f"{NAME}, born {BORN}"


def keys(field):
    return [f"{field}|name|{NAME}", f"{field}|date|{BORN}"]


@pytest.fixture
def group():
    return GroupFactory(time_zone="Europe/Berlin", meeting_minutes=90)


@pytest.fixture
def organizer(group):
    return MembershipFactory(group=group, role=Role.ORGANIZER).user


@pytest.fixture
def member(group):
    return MembershipFactory(group=group).user


@pytest.fixture
def meeting(group):
    start = (timezone.now() + timedelta(days=7)).replace(second=0, microsecond=0)
    return MeetingFactory(
        group=group,
        title="February consult",
        starts_at=start,
        ends_at=start + timedelta(minutes=90),
    )


def _refused(response, field):
    """The page is shown again with the findings beside the field."""
    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    assert f'name="{field}__confirm"' in body
    assert f'<mark title="Possible name">{NAME}</mark>' in body
    assert f"This may identify a client: “{NAME}” (name), “{BORN}” (date)" in body


# --- RSVP notes ------------------------------------------------------------------------------------


def test_rsvp_note_with_identifiers_is_shown_for_review_and_saves_nothing(client, member, meeting):
    client.force_login(member)

    response = client.post(
        reverse("meetings:rsvp", args=[meeting.pk]), {"answer": "going", "note": TEXT}
    )

    _refused(response, "note")
    assert Rsvp.objects.count() == 0


def test_rsvp_note_confirmed_is_saved(client, member, meeting):
    client.force_login(member)

    response = client.post(
        reverse("meetings:rsvp", args=[meeting.pk]),
        {"answer": "going", "note": TEXT, "note__confirm": keys("note")},
    )

    assert response.status_code == 302
    assert list(Rsvp.objects.values_list("user", "answer", "note")) == [(member.pk, "going", TEXT)]


# --- cancellation --------------------------------------------------------------------------------


def test_cancel_message_with_identifiers_cancels_nothing_and_sends_nothing(
    client, organizer, member, meeting, mailoutbox
):
    client.force_login(organizer)

    response = client.post(reverse("meetings:cancel", args=[meeting.pk]), {"message": TEXT})

    _refused(response, "message")
    meeting.refresh_from_db()
    assert (meeting.status, meeting.status_message) == (MeetingStatus.SCHEDULED, "")
    assert mailoutbox == []


def test_cancel_message_confirmed_cancels(
    client, organizer, member, meeting, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(organizer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("meetings:cancel", args=[meeting.pk]),
            {"message": TEXT, "message__confirm": keys("message")},
        )

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.status_message) == (MeetingStatus.CANCELLED, TEXT)
    assert [m.to[0] for m in mailoutbox] == [member.email]


# --- change messages and titles ---------------------------------------------------------------------


def _edit_data(meeting, **overrides):
    local = meeting.starts_at.astimezone(ZoneInfo(meeting.group.time_zone))
    return {
        "title": meeting.title,
        "date": str(local.date()),
        "start_time": f"{local:%H:%M}",
        "duration_minutes": str(meeting.duration_minutes),
        "venue_kind": meeting.venue_kind,
        "venue_name": meeting.venue_name,
        "street_address": meeting.street_address,
        "online_link": meeting.online_link,
        "timekeeper": "",
        "message": "",
        **overrides,
    }


@pytest.mark.parametrize("field", ["title", "message"])
def test_edit_text_with_identifiers_changes_nothing_and_sends_nothing(
    client, organizer, member, meeting, mailoutbox, field
):
    client.force_login(organizer)

    response = client.post(
        reverse("meetings:edit", args=[meeting.pk]),
        _edit_data(meeting, **{field: TEXT}, start_time="06:15"),
    )

    _refused(response, field)
    meeting.refresh_from_db()
    assert (meeting.title, meeting.status_message, meeting.sequence) == (
        "February consult",
        "",
        0,
    )
    assert mailoutbox == []


def test_edit_title_confirmed_is_saved(client, organizer, meeting):
    client.force_login(organizer)

    response = client.post(
        reverse("meetings:edit", args=[meeting.pk]),
        _edit_data(meeting, title=TEXT, title__confirm=keys("title")),
    )

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.title == TEXT


def _create_data(**overrides):
    day = timezone.localdate() + timedelta(days=10)
    return {
        "title": "Consultation",
        "kind": "once",
        "starts_on": str(day),
        "start_time": "19:00",
        "duration_minutes": "90",
        "interval": "1",
        **overrides,
    }


def test_create_title_with_identifiers_schedules_nothing(client, group, organizer):
    client.force_login(organizer)

    response = client.post(reverse("meetings:create", args=[group.slug]), _create_data(title=TEXT))

    _refused(response, "title")
    assert Meeting.objects.count() == 0


def test_create_title_confirmed_schedules_the_meeting(client, group, organizer):
    client.force_login(organizer)

    response = client.post(
        reverse("meetings:create", args=[group.slug]),
        _create_data(title=TEXT, title__confirm=keys("title")),
    )

    assert response.status_code == 302
    assert list(Meeting.objects.values_list("title", flat=True)) == [TEXT]


# --- agenda segment titles ------------------------------------------------------------------------


def _agenda_data(title, **extra):
    return {
        "seg-TOTAL_FORMS": "1",
        "seg-INITIAL_FORMS": "0",
        "seg-0-kind": "check_in",
        "seg-0-title": title,
        "seg-0-minutes": "10",
        **extra,
    }


def test_agenda_segment_title_with_identifiers_saves_nothing(client, organizer, meeting):
    client.force_login(organizer)

    response = client.post(reverse("meetings:agenda", args=[meeting.pk]), _agenda_data(TEXT))

    _refused(response, "seg-0-title")
    assert AgendaSegment.objects.filter(meeting=meeting).count() == 0


def test_agenda_segment_title_confirmed_is_saved(client, organizer, meeting):
    client.force_login(organizer)

    response = client.post(
        reverse("meetings:agenda", args=[meeting.pk]),
        _agenda_data(TEXT, **{"seg-0-title__confirm": keys("title")}),
    )

    assert response.status_code == 302
    assert list(AgendaSegment.objects.filter(meeting=meeting).values_list("title", flat=True)) == [
        TEXT
    ]
