"""Assignments are not silent: members hear when an organizer puts them in a slot or takes them
off one, and a new case presenter is told to write the case and by when (seam 11 of issue 12)."""

import html
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from presentations import services
from presentations.models import Presentation
from tests.factories import UserFactory
from tests.presentations.conftest import slots

pytestmark = pytest.mark.django_db

QUESTION = "How do I re-engage a client who avoids the grief work?"
TOKYO = ZoneInfo("Asia/Tokyo")


def _text(response) -> str:
    return " ".join(html.unescape(strip_tags(response.content.decode())).split())


def _sent(mailoutbox) -> list[tuple]:
    return [(m.to[0], m.subject) for m in mailoutbox]


def test_assign_emails_the_member_once_and_not_the_organizer(
    meeting, members, organizer, mailoutbox, django_capture_on_commit_callbacks
):
    case = slots(meeting, "case")[0]

    with django_capture_on_commit_callbacks(execute=True):
        services.assign_slot(actor=organizer, segment_id=case.pk, user_id=members[0].pk)

    assert _sent(mailoutbox) == [
        (members[0].email, f"[PeerCircle] You present at {meeting.group.name} on {_day(meeting)}")
    ]
    body = mailoutbox[0].body
    assert f"{organizer} put you in the “Case presentation” slot" in body
    assert "Write your case" in body


def test_assigning_yourself_sends_nothing(
    meeting, organizer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.assign_slot(actor=organizer, segment_id=slots(meeting)[0].pk, user_id=organizer.pk)

    assert mailoutbox == []


def test_unassign_emails_the_member_once_and_not_the_organizer(
    meeting, members, organizer, mailoutbox, django_capture_on_commit_callbacks
):
    presentation = services.claim_slot(user=members[0], segment_id=slots(meeting)[0].pk)
    services.save_case(
        user=members[0], presentation_id=presentation.pk, data={"case_question": QUESTION}
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.unassign_slot(actor=organizer, segment_id=presentation.segment_id)

    assert _sent(mailoutbox) == [
        (
            members[0].email,
            f"[PeerCircle] You no longer present at {meeting.group.name} on {_day(meeting)}",
        )
    ]
    body = mailoutbox[0].body
    assert f"{organizer} took you off the “Case presentation” slot" in body
    assert "kept as a private draft" in body
    assert QUESTION not in body


def test_assign_over_a_holder_tells_each_of_them_once(
    meeting, members, organizer, mailoutbox, django_capture_on_commit_callbacks
):
    case = slots(meeting, "case")[0]
    services.claim_slot(user=members[0], segment_id=case.pk)

    with django_capture_on_commit_callbacks(execute=True):
        services.assign_slot(actor=organizer, segment_id=case.pk, user_id=members[1].pk)

    assert sorted(_sent(mailoutbox)) == sorted(
        [
            (
                members[0].email,
                f"[PeerCircle] You no longer present at {meeting.group.name} on {_day(meeting)}",
            ),
            (
                members[1].email,
                f"[PeerCircle] You present at {meeting.group.name} on {_day(meeting)}",
            ),
        ]
    )


def test_assign_again_after_unassign_sends_a_fresh_notice(
    meeting, members, organizer, mailoutbox, django_capture_on_commit_callbacks
):
    case = slots(meeting, "case")[0]

    with django_capture_on_commit_callbacks(execute=True):
        services.assign_slot(actor=organizer, segment_id=case.pk, user_id=members[0].pk)
        services.assign_slot(actor=organizer, segment_id=case.pk, user_id=members[1].pk)
        services.assign_slot(actor=organizer, segment_id=case.pk, user_id=members[0].pk)

    assert [m.to[0] for m in mailoutbox].count(members[0].email) == 3  # in, off, in again


def test_a_notice_is_skipped_when_the_slot_changed_hands_before_sending(
    meeting, members, organizer, mailoutbox, django_capture_on_commit_callbacks
):
    from members.models import Delivery
    from members.notifications import send_delivery

    case = slots(meeting, "case")[0]
    services.assign_slot(actor=organizer, segment_id=case.pk, user_id=members[0].pk)
    Presentation.objects.filter(segment=case).update(presenter=members[1])
    delivery = Delivery.objects.get(template="slot_assigned")

    assert send_delivery(delivery.pk) == "skipped"
    assert mailoutbox == []


# --- "Write your case", and by when ---------------------------------------------------------------


def _ready_by(meeting):
    return meeting.starts_at - timedelta(hours=meeting.group.signup_cutoff_hours)


def _day(meeting):
    return meeting.starts_at.astimezone(ZoneInfo("America/New_York")).strftime("%-d %B %Y")


def test_slot_page_tells_a_new_case_presenter_to_write_it_and_by_when(client, meeting, members):
    members[0].profile.time_zone = "Asia/Tokyo"
    members[0].profile.save(update_fields=["time_zone"])
    presentation = services.claim_slot(user=members[0], segment_id=slots(meeting, "case")[0].pk)
    client.force_login(members[0])

    response = client.get(reverse("presentations:detail", args=[presentation.pk]))

    ready = _ready_by(meeting).astimezone(TOKYO)
    text = _text(response)
    assert f"Please have it ready by {ready:%A %-d %B %Y, %H:%M} Tokyo time" in text
    assert "Write your case" in text
    assert response.context["ready_by"] == _ready_by(meeting)


def test_meeting_page_shows_write_your_case_beside_the_presenters_slot(client, meeting, members):
    presentation = services.claim_slot(user=members[0], segment_id=slots(meeting, "case")[0].pk)
    client.force_login(members[0])

    response = client.get(meeting.get_absolute_url())

    content = response.content.decode()
    assert f'href="{presentation.get_absolute_url()}#case-form">Write your case</a>' in content
    ready = _ready_by(meeting).astimezone(ZoneInfo("America/New_York"))
    assert f"ready by {ready:%a %-d %b %Y, %H:%M}" in _text(response)


def test_meeting_page_shows_no_write_prompt_to_others_or_once_written(client, meeting, members):
    presentation = services.claim_slot(user=members[0], segment_id=slots(meeting, "case")[0].pk)
    client.force_login(members[1])
    assert "Write your case" not in _text(client.get(meeting.get_absolute_url()))

    services.save_case(
        user=members[0], presentation_id=presentation.pk, data={"case_question": QUESTION}
    )
    client.force_login(members[0])
    assert "Write your case" not in _text(client.get(meeting.get_absolute_url()))


def test_slot_page_once_written_shows_no_write_prompt(client, meeting, members):
    presentation = services.claim_slot(user=members[0], segment_id=slots(meeting, "case")[0].pk)
    services.save_case(
        user=members[0], presentation_id=presentation.pk, data={"case_question": QUESTION}
    )
    client.force_login(members[0])

    text = _text(client.get(reverse("presentations:detail", args=[presentation.pk])))

    assert "Please have it ready by" not in text


def test_slot_page_after_the_cutoff_asks_for_it_before_the_meeting(client, meeting, members):
    presentation = services.claim_slot(user=members[0], segment_id=slots(meeting, "case")[0].pk)
    start = timezone.now() + timedelta(hours=2)
    type(meeting).objects.filter(pk=meeting.pk).update(
        starts_at=start, ends_at=start + timedelta(hours=1)
    )
    client.force_login(members[0])

    text = _text(client.get(reverse("presentations:detail", args=[presentation.pk])))

    assert "Please write it as soon as you can, before the meeting starts" in text


def test_claim_message_points_to_the_case(client, meeting, members):
    client.force_login(members[0])
    case = slots(meeting, "case")[0]

    response = client.post(reverse("presentations:claim", args=[meeting.pk, case.pk]))

    from django.contrib.messages import get_messages

    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "The “Case presentation” slot is yours. Write your case from the agenda below."
    ]


def test_unassign_by_a_member_is_404_and_sends_nothing(client, meeting, members, mailoutbox):
    case = slots(meeting, "case")[0]
    services.claim_slot(user=members[0], segment_id=case.pk)
    client.force_login(members[1])

    response = client.post(reverse("presentations:unassign", args=[meeting.pk, case.pk]))

    assert response.status_code == 404
    assert Presentation.objects.get().presenter == members[0]
    assert mailoutbox == []


def test_outsider_cannot_see_a_slot_page(client, meeting, members):
    presentation = services.claim_slot(user=members[0], segment_id=slots(meeting, "case")[0].pk)
    client.force_login(UserFactory())

    assert client.get(reverse("presentations:detail", args=[presentation.pk])).status_code == 404
