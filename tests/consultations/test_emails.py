"""What consultations e-mail, built when each e-mail goes out: who asked, replied, thanked or
called a huddle, with a link. Never a word of what anyone wrote, in the subject, the text or
the HTML. An e-mail whose reason has gone (erased, expired, left the group) is skipped."""

import zoneinfo
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from consultations import services
from consultations.enums import Urgency
from consultations.models import ConsultationRequest
from groups.services.membership import leave_group
from meetings.services import cancel_meeting
from members.enums import DeliveryStatus
from members.models import Delivery
from members.notifications import send_delivery

pytestmark = pytest.mark.django_db

QUESTION = "How do I respond when a client keeps asking for extra sessions?"
BACKGROUND = "Client A, in therapy for a year, asks for extra sessions every week."
TRIED = "Naming the pattern in session; a written agreement about contact."
REPLY = "Have you tried a written agreement about contact between sessions?"
WRITTEN = (QUESTION, BACKGROUND, TRIED, REPLY, "extra sessions", "written agreement")
LONDON = zoneinfo.ZoneInfo("Europe/London")


def _send(template: str) -> list[str]:
    ids = Delivery.objects.filter(template=template).order_by("pk").values_list("pk", flat=True)
    return [send_delivery(pk) for pk in ids]


def _parts(message) -> list[str]:
    """Subject, text, HTML and any attachment (the huddle's calendar entry)."""
    attached = [
        content.decode() if isinstance(content, bytes) else content
        for _name, content, _mimetype in message.attachments
    ]
    return [message.subject, message.body, *(alt[0] for alt in message.alternatives), *attached]


def _assert_nothing_written_in(mailoutbox) -> None:
    assert mailoutbox
    for message in mailoutbox:
        for part in _parts(message):
            for text in WRITTEN:
                assert text not in part


def _ask(asker, group, urgency=Urgency.URGENT):
    return services.ask_for_consultation(
        actor=asker,
        group=group,
        question=QUESTION,
        background=BACKGROUND,
        tried=TRIED,
        help_wanted=["ideas"],
        urgency=urgency,
    )


@pytest.fixture
def request_(group, asker):
    return _ask(asker, group)


# --- a new request -------------------------------------------------------------------------------


def test_request_email_says_who_asked_and_how_urgently_only(
    mailoutbox, group, request_, organizer, mia, max_
):
    assert _send("consultation_requested") == ["sent"] * 3

    assert sorted(m.to[0] for m in mailoutbox) == sorted([organizer.email, mia.email, max_.email])
    message = mailoutbox[0]
    assert message.subject.endswith(
        "Dana Asker asked Mile High Consult for a consultation (urgent)"
    )
    link = f"{settings.SITE_URL}{request_.get_absolute_url()}"
    assert all(link in part for part in _parts(message)[1:])
    assert "never sent by e-mail" in message.body
    assert message.extra_headers["List-Unsubscribe"].startswith("<")
    _assert_nothing_written_in(mailoutbox)


def test_request_email_to_someone_who_left_is_skipped(mailoutbox, group, request_, mia):
    leave_group(user=mia, group=group)

    outcomes = dict(
        zip(
            Delivery.objects.filter(template="consultation_requested")
            .order_by("pk")
            .values_list("email", flat=True),
            _send("consultation_requested"),
            strict=True,
        )
    )

    assert outcomes[mia.email] == DeliveryStatus.SKIPPED
    assert mia.email not in [m.to[0] for m in mailoutbox]


@pytest.mark.parametrize("state", ["erased", "expired", "answered"])
def test_request_email_about_a_request_that_is_gone_is_skipped(mailoutbox, request_, state):
    now = timezone.now()
    change = {
        "erased": {"erased_at": now},
        "expired": {"expires_at": now - timedelta(minutes=1)},
        "answered": {"status": "answered", "answered_at": now},
    }[state]
    ConsultationRequest.objects.filter(pk=request_.pk).update(**change)

    assert set(_send("consultation_requested")) == {DeliveryStatus.SKIPPED}
    assert mailoutbox == []


# --- a reply -------------------------------------------------------------------------------------


def test_reply_email_tells_the_asker_who_replied(mailoutbox, request_, asker, mia):
    services.reply_to_request(actor=mia, request_id=request_.pk, body=REPLY)

    assert _send("consultation_reply") == ["sent"]

    (message,) = mailoutbox
    assert message.to == [asker.email]
    assert message.subject.endswith(
        "Mia Member replied to your consultation request · Mile High Consult"
    )
    assert "at most once an hour" in message.body
    assert "new replies" not in message.body
    _assert_nothing_written_in(mailoutbox)


def test_reply_email_counts_the_replies_of_the_hour_when_it_goes_out(
    mailoutbox, request_, asker, mia, max_
):
    services.reply_to_request(actor=mia, request_id=request_.pk, body=REPLY)
    services.reply_to_request(actor=max_, request_id=request_.pk, body=REPLY)
    services.reply_to_request(actor=asker, request_id=request_.pk, body=REPLY)

    _send("consultation_reply")

    (message,) = mailoutbox
    assert "Mia Member replied" in message.subject
    assert "There are 2 new replies." in message.body


def test_reply_email_about_an_erased_request_is_skipped(mailoutbox, request_, mia):
    services.reply_to_request(actor=mia, request_id=request_.pk, body=REPLY)
    services.erase_author(user=request_.asker)

    assert _send("consultation_reply") == [DeliveryStatus.SKIPPED]


def test_reply_email_names_a_colleague_whose_account_is_gone(mailoutbox, request_, mia):
    services.reply_to_request(actor=mia, request_id=request_.pk, body=REPLY)
    Delivery.objects.filter(template="consultation_reply").update(
        context={"replier": 987654, "since": ""}
    )

    _send("consultation_reply")

    assert "A colleague replied" in mailoutbox[0].subject


# --- thanks --------------------------------------------------------------------------------------


def test_thanks_email_goes_to_each_thanked_member_once(mailoutbox, request_, asker, mia, max_):
    services.reply_to_request(actor=mia, request_id=request_.pk, body=REPLY)
    services.reply_to_request(actor=max_, request_id=request_.pk, body=REPLY)
    services.close_request(actor=asker, request_id=request_.pk, thanked_ids=[mia.pk, max_.pk])

    assert _send("consultation_thanks") == ["sent", "sent"]

    assert sorted(m.to[0] for m in mailoutbox) == sorted([mia.email, max_.email])
    assert mailoutbox[0].subject.endswith(
        "Dana Asker thanked you for your help · Mile High Consult"
    )
    _assert_nothing_written_in(mailoutbox)


def test_thanks_email_about_a_request_since_erased_is_skipped(request_, asker, mia):
    services.reply_to_request(actor=mia, request_id=request_.pk, body=REPLY)
    services.close_request(actor=asker, request_id=request_.pk, thanked_ids=[mia.pk])
    ConsultationRequest.objects.filter(pk=request_.pk).update(erased_at=timezone.now())

    assert _send("consultation_thanks") == [DeliveryStatus.SKIPPED]


# --- a huddle ------------------------------------------------------------------------------------


def _huddle(request_, actor, hours=30):
    starts_at = (timezone.now() + timedelta(hours=hours)).replace(second=0, microsecond=0)
    return services.call_huddle(
        actor=actor,
        request_id=request_.pk,
        starts_at=starts_at,
        duration_minutes=30,
        online_link="https://video.example.org/huddle-room",
    )


def test_huddle_email_says_who_and_when_in_each_members_zone(
    mailoutbox, request_, asker, organizer, mia, max_
):
    mia.profile.time_zone = "Europe/London"
    mia.profile.save(update_fields=["time_zone"])
    meeting = _huddle(request_, asker)

    assert _send("consultation_huddle") == ["sent"] * 3

    by_person = {m.to[0]: m for m in mailoutbox}
    assert set(by_person) == {organizer.email, mia.email, max_.email}
    in_london = meeting.starts_at.astimezone(LONDON)
    expected = f"Dana Asker called a huddle on {in_london:%A} {in_london.day} {in_london:%B %Y, %H:%M} London time"
    assert expected in by_person[mia.email].subject
    message = by_person[mia.email]
    assert f"{settings.SITE_URL}{meeting.get_absolute_url()}" in message.body
    assert f"{settings.SITE_URL}{request_.get_absolute_url()}" in message.body
    assert "https://video.example.org/huddle-room" in message.body
    (filename, calendar, mimetype) = message.attachments[0]
    assert (filename, mimetype) == ("huddle.ics", "text/calendar; method=PUBLISH")
    assert b"Consultation huddle" in (
        calendar if isinstance(calendar, bytes) else calendar.encode()
    )
    _assert_nothing_written_in(mailoutbox)


def test_huddle_email_by_an_organizer_names_them(mailoutbox, request_, organizer, asker):
    _huddle(request_, organizer)

    _send("consultation_huddle")

    assert asker.email in [m.to[0] for m in mailoutbox]
    assert all("Olga Organizer called a huddle" in m.subject for m in mailoutbox)


def test_huddle_email_of_a_cancelled_huddle_is_skipped(mailoutbox, request_, asker, organizer):
    meeting = _huddle(request_, asker)
    cancel_meeting(actor=organizer, meeting=meeting)

    assert set(_send("consultation_huddle")) == {DeliveryStatus.SKIPPED}


def test_huddle_email_to_someone_who_left_is_skipped(group, request_, asker, mia):
    _huddle(request_, asker)
    leave_group(user=mia, group=group)

    sent = dict(
        zip(
            Delivery.objects.filter(template="consultation_huddle")
            .order_by("pk")
            .values_list("email", flat=True),
            _send("consultation_huddle"),
            strict=True,
        )
    )

    assert sent[mia.email] == DeliveryStatus.SKIPPED


def test_huddle_email_once_the_request_no_longer_points_at_it_has_no_request_link(
    mailoutbox, request_, asker
):
    meeting = _huddle(request_, asker)
    ConsultationRequest.objects.filter(pk=request_.pk).update(huddle=None)

    _send("consultation_huddle")

    assert f"{settings.SITE_URL}{meeting.get_absolute_url()}" in mailoutbox[0].body
    assert request_.get_absolute_url() not in mailoutbox[0].body
