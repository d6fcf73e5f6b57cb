"""The organizers' moderation pages, and each person's board e-mail choice."""

import pytest
from django.urls import reverse

from board import services
from board.models import DigestPreference, Report
from members.enums import NotificationKind
from members.models import AuditEntry, Delivery, NotificationPreference
from members.services import unsubscribe
from tests.board.helpers import messages_of, text_of, url
from tests.factories import GroupFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic(group, member):
    return services.start_discussion(actor=member, group=group, title="Fees", body="Sliding?")


@pytest.fixture
def reply(topic, other_member):
    return services.post_reply(actor=other_member, topic=topic, body="Yes, sliding.")


def test_moderate_page_offers_what_fits_the_post(client, group, organizer, topic, reply):
    client.force_login(organizer)

    on_topic = client.get(url("moderate", group, "topic", topic.pk))
    on_reply = client.get(url("moderate", group, "reply", reply.pk))

    assert on_topic.context["actions"] == ["pin", "unpin", "lock", "unlock", "hide", "unhide"]
    assert on_reply.context["actions"] == ["hide", "unhide"]
    assert "Yes, sliding." in text_of(on_reply)


@pytest.mark.parametrize(
    ("action", "field", "value", "message"),
    [
        ("pin", "pinned", True, "The topic is pinned to the top of the board."),
        ("lock", "locked", True, "The topic is closed to replies."),
    ],
)
def test_pin_and_lock_from_the_thread(
    client, group, co_organizer, topic, action, field, value, message
):
    client.force_login(co_organizer)

    response = client.post(url("moderate", group, "topic", topic.pk), {"action": action})

    topic.refresh_from_db()
    assert getattr(topic, field) is value
    assert response.url == f"{topic.get_absolute_url()}#topic-{topic.pk}"
    assert messages_of(response) == [message]


def test_unpin_and_unlock(client, group, organizer, topic):
    services.pin_topic(actor=organizer, topic=topic, pinned=True)
    services.lock_topic(actor=organizer, topic=topic, locked=True)
    client.force_login(organizer)

    client.post(url("moderate", group, "topic", topic.pk), {"action": "unpin"})
    client.post(url("moderate", group, "topic", topic.pk), {"action": "unlock"})

    topic.refresh_from_db()
    assert (topic.pinned, topic.locked) == (False, False)


def test_hiding_a_colleagues_reply_asks_first_then_tells_them(
    client, group, organizer, other_member, reply
):
    client.force_login(organizer)

    asked = client.post(url("moderate", group, "reply", reply.pk), {"action": "hide"})
    reply.refresh_from_db()
    hidden_before_confirming = reply.is_hidden
    done = client.post(
        url("moderate", group, "reply", reply.pk), {"action": "hide", "confirmed": "yes"}
    )

    assert hidden_before_confirming is False
    assert "Hide this reply by Max Member?" in text_of(asked)
    reply.refresh_from_db()
    assert (reply.is_hidden, reply.hidden_by) == (True, organizer)
    assert messages_of(done) == ["The post is hidden from the members."]
    delivery = Delivery.objects.get(template="board_post_hidden")
    assert (delivery.recipient, delivery.kind) == (other_member, NotificationKind.BOARD_MODERATION)


def test_hiding_ones_own_post_needs_no_confirmation(client, group, organizer):
    own = services.start_discussion(actor=organizer, group=group, title="Mine", body="x")
    client.force_login(organizer)

    client.post(url("moderate", group, "topic", own.pk), {"action": "hide"})

    own.refresh_from_db()
    assert own.is_hidden


def test_unhide_shows_it_again(client, group, organizer, reply):
    services.hide_post(actor=organizer, post=reply)
    client.force_login(organizer)

    response = client.post(url("moderate", group, "reply", reply.pk), {"action": "unhide"})

    reply.refresh_from_db()
    assert reply.is_hidden is False
    assert messages_of(response) == ["The post is visible to the members again."]


def test_an_unknown_or_misplaced_action_only_shows_the_page(client, group, organizer, reply):
    client.force_login(organizer)

    response = client.post(url("moderate", group, "reply", reply.pk), {"action": "pin"})

    assert response.status_code == 200
    assert response.context["actions"] == ["hide", "unhide"]
    assert not AuditEntry.objects.filter(verb__startswith="board.topic_").exists()


def test_moderation_buttons_only_for_organizers(client, group, member, organizer, topic):
    moderate = url("moderate", group, "topic", topic.pk)
    client.force_login(member)
    as_member = client.get(topic.get_absolute_url()).content.decode()
    client.force_login(organizer)
    as_organizer = client.get(topic.get_absolute_url()).content.decode()

    assert (moderate in as_member, moderate in as_organizer) == (False, True)


def test_moderate_by_a_member_is_404_and_changes_nothing(client, group, other_member, topic):
    client.force_login(other_member)

    response = client.post(url("moderate", group, "topic", topic.pk), {"action": "pin"})

    topic.refresh_from_db()
    assert (response.status_code, topic.pinned) == (404, False)


def test_dismiss_a_report(client, group, organizer, other_member, topic):
    report = services.report_post(actor=other_member, post=topic)
    client.force_login(organizer)

    response = client.post(url("resolve_report", group, report.pk))

    report.refresh_from_db()
    assert report.resolved_by == organizer
    assert response.url == url("index", group) + "#reports"
    assert messages_of(response) == ["The report is dismissed."]
    assert client.get(url("index", group)).context["reports"] == []


def test_dismiss_a_report_by_a_member_is_404(client, group, member, other_member, topic):
    report = services.report_post(actor=other_member, post=topic)
    client.force_login(member)

    response = client.post(url("resolve_report", group, report.pk))

    assert response.status_code == 404
    assert Report.objects.get().resolved_at is None


def test_dismiss_a_report_of_another_group_is_404(client, organizer, other_member, topic):
    elsewhere = GroupFactory()
    MembershipFactory(group=elsewhere, user=organizer, role="organizer")
    report = services.report_post(actor=other_member, post=topic)
    client.force_login(organizer)

    response = client.post(url("resolve_report", elsewhere, report.pk))

    assert response.status_code == 404


# --- the board e-mail choice ---------------------------------------------------------------------


SETTINGS = reverse("board:settings")


def test_settings_anonymous_redirects_to_login(client):
    response = client.get(SETTINGS)

    assert response.url.startswith(reverse("account_login"))


def test_settings_shows_weekly_by_default(client, member):
    client.force_login(member)

    response = client.get(SETTINGS)

    assert response.context["current"] == "weekly"
    assert response.context["form"].initial == {"frequency": "weekly"}


@pytest.mark.parametrize("choice", ["daily", "weekly"])
def test_settings_saves_a_frequency(client, member, choice):
    client.force_login(member)

    response = client.post(SETTINGS, {"frequency": choice})

    assert response.url == SETTINGS
    assert DigestPreference.objects.get(user=member).frequency == choice
    assert messages_of(response) == ["Your board e-mail choice is saved."]


def test_settings_off_is_the_notification_preference(client, member):
    client.force_login(member)

    client.post(SETTINGS, {"frequency": "off"})

    pref = NotificationPreference.objects.get(user=member, kind=NotificationKind.BOARD_DIGEST)
    assert pref.enabled is False
    assert client.get(SETTINGS).context["current"] == "off"


def test_settings_reads_a_one_click_unsubscribe_as_off(client, member):
    services.set_digest_frequency(actor=member, frequency="daily")
    unsubscribe(user=member, kind=NotificationKind.BOARD_DIGEST)  # the e-mail's one click
    client.force_login(member)

    assert client.get(SETTINGS).context["current"] == "off"


def test_settings_unknown_choice_is_refused_beside_the_field(client, member):
    client.force_login(member)

    response = client.post(SETTINGS, {"frequency": "hourly"})

    assert response.status_code == 200
    assert "frequency" in response.context["form"].errors
    assert not DigestPreference.objects.exists()
