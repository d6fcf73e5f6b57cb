"""One's own posts (edit, delete) and reports to the organizers, through the pages."""

import pytest

from board import services
from board.models import Reply, Report
from members.models import AuditEntry
from tests.board.helpers import IDENTIFYING, messages_of, text_of, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic(group, member):
    return services.start_discussion(actor=member, group=group, title="Fees", body="Sliding?")


@pytest.fixture
def reply(topic, other_member):
    return services.post_reply(actor=other_member, topic=topic, body="Yes, sliding.")


# --- edit ---------------------------------------------------------------------------------------


def test_edit_page_shows_the_post_as_it_is(client, group, member, topic):
    client.force_login(member)

    response = client.get(url("edit", group, "topic", topic.pk))

    assert response.context["form"].initial == {"title": "Fees", "body": "Sliding?"}
    assert "Edit your topic" in text_of(response)


def test_edit_own_topic_saves_and_shows_edited(client, group, member, topic):
    client.force_login(member)

    response = client.post(
        url("edit", group, "topic", topic.pk), {"title": "Fees, again", "body": "Sliding scales?"}
    )

    topic.refresh_from_db()
    assert response.url == topic.get_absolute_url()
    assert (topic.title, topic.body, topic.edited_at is not None) == (
        "Fees, again",
        "Sliding scales?",
        True,
    )
    assert messages_of(response) == ["Your changes are saved."]
    assert "edited" in text_of(client.get(topic.get_absolute_url()))


def test_edit_own_reply_saves(client, group, other_member, reply):
    client.force_login(other_member)

    response = client.post(url("edit", group, "reply", reply.pk), {"body": "No, fixed."})

    reply.refresh_from_db()
    assert response.url == f"{reply.topic.get_absolute_url()}#reply-{reply.pk}"
    assert reply.body == "No, fixed."


@pytest.mark.parametrize("who", ["other_member", "organizer"])
def test_edit_someone_elses_post_is_404_and_changes_nothing(client, group, topic, request, who):
    client.force_login(request.getfixturevalue(who))

    shown = client.get(url("edit", group, "topic", topic.pk))
    posted = client.post(url("edit", group, "topic", topic.pk), {"title": "X", "body": "Y"})

    assert (shown.status_code, posted.status_code) == (404, 404)
    topic.refresh_from_db()
    assert (topic.title, topic.body) == ("Fees", "Sliding?")


def test_edit_with_identifiers_is_refused_beside_the_field(client, group, member, topic):
    client.force_login(member)

    response = client.post(
        url("edit", group, "topic", topic.pk), {"title": "Fees", "body": IDENTIFYING}
    )

    assert "This may identify a client" in str(response.context["form"].errors["body"])
    topic.refresh_from_db()
    assert topic.body == "Sliding?"


def test_edit_with_identifiers_confirmed_is_saved_and_recorded(client, group, member, topic):
    client.force_login(member)
    refused = client.post(
        url("edit", group, "topic", topic.pk), {"title": "Fees", "body": IDENTIFYING}
    )
    keys = [f.key for f in refused.context["form"].guard_findings["body"]]

    client.post(
        url("edit", group, "topic", topic.pk),
        {"title": "Fees", "body": IDENTIFYING, "body__confirm": keys},
    )

    topic.refresh_from_db()
    assert topic.body == IDENTIFYING
    assert AuditEntry.objects.get(verb="text.identifiers_confirmed").data["in"] == "board topic"


def test_edit_empty_title_shows_the_error_beside_the_field(client, group, member, topic):
    client.force_login(member)

    response = client.post(url("edit", group, "topic", topic.pk), {"title": "", "body": "x"})

    assert response.context["form"].errors["title"] == ["Give the topic a title."]


def test_edit_a_deleted_post_says_why(client, group, other_member, reply):
    services.delete_post(actor=other_member, post=reply)
    client.force_login(other_member)

    response = client.post(url("edit", group, "reply", reply.pk), {"body": "Back"})

    assert response.context["form"].non_field_errors() == [
        "This post was deleted, so it cannot be edited."
    ]
    reply.refresh_from_db()
    assert reply.body == ""


# --- delete -------------------------------------------------------------------------------------


def test_delete_asks_first_then_deletes_the_topic_and_keeps_replies(
    client, group, member, topic, reply
):
    client.force_login(member)

    asked = client.get(url("delete", group, "topic", topic.pk))
    done = client.post(url("delete", group, "topic", topic.pk))

    assert "Delete your topic?" in text_of(asked)
    topic.refresh_from_db()
    reply.refresh_from_db()
    assert (topic.title, topic.body, topic.is_deleted) == ("", "", True)
    assert reply.body == "Yes, sliding."
    assert done.url == url("index", group)
    assert messages_of(done) == ["Your topic is deleted."]


def test_delete_own_reply_returns_to_the_thread(client, group, other_member, reply):
    client.force_login(other_member)

    asked = client.get(url("delete", group, "reply", reply.pk))
    done = client.post(url("delete", group, "reply", reply.pk))

    assert "Delete your reply?" in text_of(asked)
    assert done.url == f"{reply.topic.get_absolute_url()}#reply-{reply.pk}"
    assert Reply.objects.get().is_deleted


def test_delete_someone_elses_post_is_404(client, group, member, reply):
    client.force_login(member)

    response = client.post(url("delete", group, "reply", reply.pk))

    assert response.status_code == 404
    assert Reply.objects.get().body == "Yes, sliding."


def test_edit_and_delete_buttons_only_on_own_posts(client, group, member, topic, reply):
    client.force_login(member)

    html = client.get(topic.get_absolute_url()).content.decode()

    assert url("edit", group, "topic", topic.pk) in html
    assert url("edit", group, "reply", reply.pk) not in html
    assert url("report", group, "reply", reply.pk) in html
    assert url("report", group, "topic", topic.pk) not in html


# --- report -------------------------------------------------------------------------------------


def test_report_a_reply_with_a_reason(client, group, member, reply):
    client.force_login(member)

    shown = client.get(url("report", group, "reply", reply.pk))
    response = client.post(url("report", group, "reply", reply.pk), {"reason": "Too detailed"})

    report = Report.objects.get()
    assert "Report this reply to the organizers" in text_of(shown)
    assert (report.reply, report.reporter, report.reason) == (reply, member, "Too detailed")
    assert response.url == f"{reply.topic.get_absolute_url()}#reply-{reply.pk}"
    assert messages_of(response) == ["Thank you. The group's organizers will look at it."]


def test_report_without_a_reason_is_fine(client, group, other_member, topic):
    client.force_login(other_member)

    client.post(url("report", group, "topic", topic.pk), {"reason": ""})

    assert Report.objects.get().reason == ""


def test_report_twice_says_it_is_already_reported(client, group, other_member, topic):
    client.force_login(other_member)
    client.post(url("report", group, "topic", topic.pk), {"reason": ""})

    response = client.post(url("report", group, "topic", topic.pk), {"reason": "Again"})

    assert response.context["form"].non_field_errors() == [
        "You have already reported this post; the organizers will look at it."
    ]
    assert Report.objects.count() == 1


def test_report_reason_with_identifiers_is_refused_then_confirmed(
    client, group, other_member, topic
):
    client.force_login(other_member)

    refused = client.post(url("report", group, "topic", topic.pk), {"reason": IDENTIFYING})

    assert "This may identify a client" in str(refused.context["form"].errors["reason"])
    assert Report.objects.count() == 0
    keys = [f.key for f in refused.context["form"].guard_findings["reason"]]
    client.post(
        url("report", group, "topic", topic.pk), {"reason": IDENTIFYING, "reason__confirm": keys}
    )
    assert Report.objects.get().reason == IDENTIFYING
    assert AuditEntry.objects.get(verb="text.identifiers_confirmed").data["in"] == "board report"
