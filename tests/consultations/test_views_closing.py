"""Closing a request with thanks, and calling a huddle, through their pages."""

import zoneinfo
from datetime import datetime, time, timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from consultations.enums import RequestStatus
from consultations.forms import HuddleForm
from consultations.models import ConsultationRequest, ConsultationThanks
from meetings.models import Meeting
from meetings.services import cancel_meeting
from members.models import Delivery
from tests.consultations.factories import ConsultationReplyFactory, ConsultationRequestFactory

pytestmark = pytest.mark.django_db

DENVER = zoneinfo.ZoneInfo("America/Denver")
LINK = "https://video.example.org/huddle-room"


def _url(name, group, *args):
    return reverse(f"consultations:{name}", args=[group.slug, *args])


def _text(response) -> str:
    return " ".join(response.content.decode().split())


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def request_(group, asker):
    return ConsultationRequestFactory(group=group, asker=asker)


# --- closing -------------------------------------------------------------------------------------


def test_close_page_offers_the_repliers_to_thank(client, group, request_, asker, mia, max_):
    ConsultationReplyFactory(request=request_, author=max_)
    ConsultationReplyFactory(request=request_, author=asker)
    ConsultationReplyFactory(request=request_, author=mia)
    ConsultationReplyFactory(request=request_, author=max_)
    client.force_login(asker)

    response = client.get(_url("close", group, request_.pk))

    assert response.context["form"].fields["thanked"].choices == [
        (max_.pk, "Max Member"),
        (mia.pk, "Mia Member"),
    ]
    assert "Thank the colleagues who helped" in _text(response)


def test_close_page_without_replies_says_there_is_nobody_to_thank(client, group, request_, asker):
    client.force_login(asker)

    assert "there is nobody to thank" in _text(client.get(_url("close", group, request_.pk)))


def test_close_with_thanks(client, group, request_, asker, mia, max_):
    ConsultationReplyFactory(request=request_, author=mia)
    ConsultationReplyFactory(request=request_, author=max_)
    client.force_login(asker)

    response = client.post(_url("close", group, request_.pk), {"thanked": [mia.pk, max_.pk]})

    assert response.status_code == 302
    assert response.url == request_.get_absolute_url()
    request_.refresh_from_db()
    assert request_.status == RequestStatus.ANSWERED
    assert sorted(ConsultationThanks.objects.values_list("member", flat=True)) == sorted(
        [mia.pk, max_.pk]
    )
    assert _messages(response) == [
        "Your request is closed as answered. We have passed on your thanks to 2 colleagues."
    ]
    assert sorted(
        Delivery.objects.filter(template="consultation_thanks").values_list("email", flat=True)
    ) == sorted([mia.email, max_.email])


def test_close_thanking_one(client, group, request_, asker, mia):
    ConsultationReplyFactory(request=request_, author=mia)
    client.force_login(asker)

    response = client.post(_url("close", group, request_.pk), {"thanked": [mia.pk]})

    assert _messages(response) == [
        "Your request is closed as answered. We have passed on your thanks to 1 colleague."
    ]


def test_close_without_thanks(client, group, request_, asker):
    client.force_login(asker)

    response = client.post(_url("close", group, request_.pk))

    assert _messages(response) == ["Your request is closed as answered."]
    request_.refresh_from_db()
    assert request_.status == RequestStatus.ANSWERED


def test_close_thanking_someone_who_did_not_reply_is_refused_beside_the_field(
    client, group, request_, asker, mia, max_
):
    ConsultationReplyFactory(request=request_, author=mia)
    client.force_login(asker)

    response = client.post(_url("close", group, request_.pk), {"thanked": [max_.pk]})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["thanked"]
    request_.refresh_from_db()
    assert request_.status == RequestStatus.OPEN


def test_close_an_answered_request_again_is_refused(client, group, request_, asker):
    ConsultationRequest.objects.filter(pk=request_.pk).update(
        status=RequestStatus.ANSWERED, answered_at=timezone.now()
    )
    client.force_login(asker)

    page = client.get(_url("close", group, request_.pk))
    response = client.post(_url("close", group, request_.pk))

    assert "This request is already closed" in _text(page)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "This request is closed: the colleague who asked marked it as answered."
    ]


@pytest.mark.parametrize("who", ["mia", "organizer"])
def test_close_by_anyone_but_the_asker_is_404(client, group, request_, mia, organizer, who):
    client.force_login(mia if who == "mia" else organizer)

    response = client.post(_url("close", group, request_.pk))

    assert response.status_code == 404
    request_.refresh_from_db()
    assert request_.status == RequestStatus.OPEN


# --- calling a huddle ----------------------------------------------------------------------------


@pytest.fixture
def denver(group):
    group.time_zone = "America/Denver"
    group.save(update_fields=["time_zone"])
    return group


def _tomorrow_in_denver():
    return (timezone.now().astimezone(DENVER) + timedelta(days=1)).date()


def test_huddle_form_defaults_to_tomorrow_at_the_groups_usual_time(denver):
    denver.usual_time = time(18, 30)

    form = HuddleForm(group=denver)

    assert form.fields["date"].initial == _tomorrow_in_denver()
    assert form.fields["start_time"].initial == time(18, 30)
    assert form.fields["duration_minutes"].initial == 30
    assert form.fields["online_link"].initial == "https://video.example.org/mile-high"
    assert form.fields["start_time"].help_text == "In the group's time zone (Denver time)."


def test_huddle_form_defaults_to_noon_when_the_usual_time_is_at_night(denver):
    denver.usual_time = time(22, 0)

    assert HuddleForm(group=denver).fields["start_time"].initial == time(12, 0)


def _huddle_data(day, clock="12:00", **fields):
    return {
        "date": day.isoformat(),
        "start_time": clock,
        "duration_minutes": "30",
        "online_link": LINK,
        **fields,
    }


def test_huddle_is_planned_in_the_groups_zone(client, denver, request_, asker, mia):
    day = _tomorrow_in_denver()
    client.force_login(asker)

    response = client.post(_url("huddle", denver, request_.pk), _huddle_data(day, "12:15"))

    assert response.status_code == 302
    assert response.url == request_.get_absolute_url()
    meeting = Meeting.objects.get()
    assert meeting.starts_at == datetime.combine(day, time(12, 15), tzinfo=DENVER)
    assert (meeting.duration_minutes, meeting.online_link) == (30, LINK)
    request_.refresh_from_db()
    assert request_.huddle == meeting
    assert mia.email in Delivery.objects.filter(template="consultation_huddle").values_list(
        "email", flat=True
    )
    assert _messages(response) == [
        "The huddle is planned. Colleagues are told when, and it is in their calendars like any "
        "meeting of the group."
    ]
    detail = _text(client.get(request_.get_absolute_url()))
    assert "Open the meeting page to RSVP" in detail
    client.force_login(mia)
    meeting_page = client.get(meeting.get_absolute_url())
    assert meeting_page.status_code == 200
    assert "Consultation huddle" in _text(meeting_page)


def test_huddle_page_by_an_organizer(client, denver, request_, organizer):
    client.force_login(organizer)

    response = client.get(_url("huddle", denver, request_.pk))

    assert response.status_code == 200
    assert "Call a huddle" in _text(response)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"days": -2}, "date", "Choose a date and time in the future."),
        ({"days": 8}, "date", "Choose a time within the next seven days."),
        ({"duration_minutes": "10"}, "duration_minutes", None),
        ({"duration_minutes": "120"}, "duration_minutes", None),
        ({"online_link": "javascript:alert(1)"}, "online_link", None),
        ({"online_link": ""}, "online_link", "Add the video link colleagues will join with."),
    ],
)
def test_huddle_bad_input_is_shown_beside_the_field_and_nothing_saved(
    client, denver, request_, asker, change, field, message
):
    day = _tomorrow_in_denver() + timedelta(days=change.pop("days", 0))
    client.force_login(asker)

    response = client.post(_url("huddle", denver, request_.pk), _huddle_data(day, **change))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    if message:
        assert errors[field] == [message]
    assert not Meeting.objects.exists()
    assert not Delivery.objects.exists()


def test_huddle_refused_by_the_service_is_shown_on_the_form(client, denver, request_, asker):
    first = ConsultationRequestFactory(group=denver, asker=asker)
    client.force_login(asker)
    client.post(_url("huddle", denver, first.pk), _huddle_data(_tomorrow_in_denver()))

    response = client.post(_url("huddle", denver, first.pk), _huddle_data(_tomorrow_in_denver()))

    assert response.context["form"].non_field_errors() == [
        "A huddle is already planned for this request."
    ]
    assert Meeting.objects.count() == 1


def test_huddle_page_of_a_closed_request_says_so(client, denver, request_, asker):
    ConsultationRequest.objects.filter(pk=request_.pk).update(
        status=RequestStatus.ANSWERED, answered_at=timezone.now()
    )
    client.force_login(asker)

    text = _text(client.get(_url("huddle", denver, request_.pk)))

    assert "there is nothing to huddle about" in text


def test_huddle_by_a_member_who_did_not_ask_is_404(client, denver, request_, mia):
    client.force_login(mia)

    response = client.post(_url("huddle", denver, request_.pk), _huddle_data(_tomorrow_in_denver()))

    assert response.status_code == 404
    assert not Meeting.objects.exists()


def test_a_cancelled_huddle_is_shown_as_such(client, group, request_, asker, organizer):
    client.force_login(asker)
    client.post(_url("huddle", group, request_.pk), _huddle_data(_tomorrow_in_denver()))
    cancel_meeting(actor=organizer, meeting=Meeting.objects.get())

    text = _text(client.get(request_.get_absolute_url()))

    assert "The huddle for this request was cancelled." in text
    assert "Call a huddle" in text


def test_huddle_without_a_date_says_so_beside_the_field(client, denver, request_, asker):
    client.force_login(asker)

    response = client.post(
        _url("huddle", denver, request_.pk), _huddle_data(_tomorrow_in_denver(), date="")
    )

    assert response.context["form"].errors == {"date": ["This field is required."]}
    assert not Meeting.objects.exists()
