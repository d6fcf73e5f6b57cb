"""The pages that compose issue 15's features: the group page, the dashboard, the meeting page,
the low-RSVP warning's "Message the group", and "My data" (export and account deletion)."""

import zoneinfo
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from board.enums import TopicKind
from board.models import Reply, Topic
from board.services import start_discussion
from consultations.models import ConsultationReply, ConsultationRequest
from groups.enums import Role
from meetings import notifications as meeting_notifications
from members.notifications import dispatch_due
from portal.privacy import delete_account, export_user_data
from tests.board.factories import ReplyFactory, TopicFactory
from tests.consultations.factories import ConsultationReplyFactory, ConsultationRequestFactory
from tests.factories import MembershipFactory
from tests.meetings.notes_support import make_circle

pytestmark = pytest.mark.django_db


@pytest.fixture
def circle():
    return make_circle()


def test_group_page_shows_what_is_new_between_meetings(client, circle):
    TopicFactory(group=circle.group, author=circle.organizer, title="Holiday schedule")
    TopicFactory(group=circle.group, author=circle.other, title="Reading for March")
    ConsultationRequestFactory(group=circle.group, asker=circle.other, urgency="urgent")
    client.force_login(circle.member)

    response = client.get(circle.group.get_absolute_url())

    assert response.context["board_unread"] == 2
    assert response.context["open_consultations"] == 1
    html = response.content.decode()
    assert reverse("board:index", args=[circle.group.slug]) in html
    assert reverse("consultations:new", args=[circle.group.slug]) in html
    assert "1 open" in html


def test_group_page_counts_nothing_new_for_ones_own_posts(client, circle):
    start_discussion(
        actor=circle.member, group=circle.group, title="My own question", body="Pacing?"
    )
    client.force_login(circle.member)

    response = client.get(circle.group.get_absolute_url())

    assert response.context["board_unread"] == 0
    assert response.context["open_consultations"] == 0


def test_dashboard_shows_action_items_requests_and_the_boards(client, circle):
    circle.item(text="Send the consent template")
    TopicFactory(group=circle.group, author=circle.organizer, title="Holiday schedule")
    ConsultationRequestFactory(group=circle.group, asker=circle.other, urgency="urgent")
    client.force_login(circle.member)

    response = client.get(reverse("members:dashboard"))

    assert [item.text for item in response.context["action_items"]] == ["Send the consent template"]
    assert [c.asker for c in response.context["consultations"]] == [circle.other]
    assert [t.title for t in response.context["board_topics"]] == ["Holiday schedule"]
    membership = next(m for m in response.context["memberships"] if m.group == circle.group)
    assert membership.board_unread == 1
    html = response.content.decode()
    assert "1 new on the board" in html
    assert f"{circle.other} asked {circle.group.name}" in html
    # The request's text stays on its own page: the dashboard names who asked, nothing more.
    assert "How do I hold the boundary" not in html


def test_an_action_item_is_marked_done_from_the_dashboard(client, circle):
    item = circle.item(text="Send the consent template")
    client.force_login(circle.member)
    dashboard = reverse("members:dashboard")
    assert (
        reverse("meetings:action_item_done", args=[item.pk])
        in client.get(dashboard).content.decode()
    )

    response = client.post(
        reverse("meetings:action_item_done", args=[item.pk]), {"done": "1", "next": dashboard}
    )

    assert response["Location"] == dashboard
    item.refresh_from_db()
    assert (item.done_by_id, item.done_at is not None) == (circle.member.pk, True)
    assert client.get(dashboard).context["action_items"] == []


def test_meeting_page_offers_message_the_group_to_organizers_only(client, circle):
    compose = (
        reverse("board:new", args=[circle.group.slug])
        + f"?kind=announcement&amp;meeting={circle.meeting.pk}"
    )

    client.force_login(circle.organizer)
    organizer_page = client.get(circle.meeting.get_absolute_url()).content.decode()
    client.force_login(circle.member)
    member_page = client.get(circle.meeting.get_absolute_url()).content.decode()

    assert compose in organizer_page
    assert compose not in member_page
    assert reverse("meetings:notes", args=[circle.meeting.pk]) in member_page


def test_message_the_group_names_the_weekday_of_a_meeting_this_week(client, circle):
    circle.meeting.starts_at = timezone.now() + timedelta(days=2)
    circle.meeting.ends_at = circle.meeting.starts_at + timedelta(hours=1)
    circle.meeting.save(update_fields=["starts_at", "ends_at"])
    client.force_login(circle.organizer)
    url = reverse("board:new", args=[circle.group.slug])

    initial = (
        client.get(url, {"kind": "announcement", "meeting": circle.meeting.pk})
        .context["form"]
        .initial
    )

    weekday = timezone.localtime(
        circle.meeting.starts_at, zoneinfo.ZoneInfo(circle.group.time_zone)
    ).strftime("%A")
    assert initial["title"] == f"Are you coming on {weekday}?"
    assert f"is on {weekday} at " in initial["body"]


def test_low_rsvp_warning_links_to_message_the_group(circle, settings):
    settings.SITE_URL = "https://peercircle.example"
    meeting_notifications.low_rsvp(circle.meeting)
    dispatch_due()

    organizer_mail = [m for m in mail.outbox if circle.organizer.email in m.to]
    assert len(organizer_mail) == 1
    link = (
        "https://peercircle.example"
        + reverse("board:new", args=[circle.group.slug])
        + f"?kind=announcement&meeting={circle.meeting.pk}"
    )
    assert link in organizer_mail[0].body
    assert link.replace("&", "&amp;") in organizer_mail[0].alternatives[0][0]


def test_message_the_group_from_a_meeting_starts_a_friendly_nudge(client, circle):
    client.force_login(circle.organizer)
    url = reverse("board:new", args=[circle.group.slug])

    nudge = client.get(url, {"kind": "announcement", "meeting": circle.meeting.pk})
    other = client.get(url, {"kind": "announcement", "meeting": "999999"})
    blank = client.get(url, {"kind": "announcement"})

    initial = nudge.context["form"].initial
    assert initial["title"] == "Are you coming?"  # the meeting is a week away: no weekday
    assert f"]({circle.meeting.get_absolute_url()})" in initial["body"]
    assert circle.meeting.title in initial["body"]
    # Nothing in it that the de-identification guard would ask the organizer to confirm.
    posted = client.post(f"{url}?kind=announcement&meeting={circle.meeting.pk}", initial)
    assert posted.status_code == 302
    assert Topic.objects.get(group=circle.group).title == "Are you coming?"
    assert other.context["form"].initial == {}
    assert blank.context["form"].initial == {}


def test_export_holds_what_the_person_wrote_between_meetings(circle):
    TopicFactory(group=circle.group, author=circle.member, title="Mine", body="My topic text")
    ReplyFactory(topic__group=circle.group, author=circle.member, body="My reply text")
    TopicFactory(group=circle.group, author=circle.other, title="Theirs", body="Their text")
    ConsultationRequestFactory(group=circle.group, asker=circle.member, question="My question?")
    ConsultationReplyFactory(
        request__group=circle.group, author=circle.member, body="My consultation reply"
    )
    circle.item(text="Send the consent template")

    data = export_user_data(circle.member)

    assert [t["body"] for t in data["board"]["topics"]] == ["My topic text"]
    assert [r["body"] for r in data["board"]["replies"]] == ["My reply text"]
    assert [r["question"] for r in data["consultations"]["consultation_requests"]] == [
        "My question?"
    ]
    assert [r["body"] for r in data["consultations"]["consultation_replies"]] == [
        "My consultation reply"
    ]
    assert [i["text"] for i in data["action_items"]] == ["Send the consent template"]
    assert data["follow_ups"] == []
    assert "Their text" not in str(data)


def test_deleting_an_account_erases_their_writing_and_keeps_colleagues_replies(circle):
    topic = TopicFactory(
        group=circle.group, author=circle.member, kind=TopicKind.DISCUSSION, body="Mine"
    )
    colleague_reply = ReplyFactory(topic=topic, author=circle.other, body="A colleague's answer")
    request = ConsultationRequestFactory(group=circle.group, asker=circle.member)
    their_answer = ConsultationReplyFactory(request=request, author=circle.other, body="Try this")
    item = circle.item(text="Send the consent template")
    MembershipFactory(group=circle.group, role=Role.ORGANIZER)  # the group keeps organizers

    delete_account(user=circle.member)

    topic = Topic.objects.get(pk=topic.pk)
    assert (topic.author_id, topic.body) == (None, "")
    assert Reply.objects.get(pk=colleague_reply.pk).body == "A colleague's answer"
    request = ConsultationRequest.objects.get(pk=request.pk)
    assert (request.question, request.background, request.tried) == ("", "", "")
    assert ConsultationReply.objects.get(pk=their_answer.pk).body == "Try this"
    item.refresh_from_db()
    assert item.owner_id is None  # open, and now waiting for an organizer to give it to someone
