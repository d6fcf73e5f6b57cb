"""The reads the lead wires into other pages: unread counts per group, the dashboard's latest
topics, and a person's own posts for the data export."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from board import selectors, services
from meetings.enums import MeetingStatus
from tests.board.factories import ReplyFactory, TopicFactory
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_unread_counts_per_group_in_one_query(
    group, member, other_member, organizer, django_assert_num_queries
):
    second = GroupFactory()
    MembershipFactory(group=second, user=member, joined_at=timezone.now() - timedelta(days=3))
    MembershipFactory(group=second, user=other_member)
    for title in ("A", "B"):
        services.start_discussion(actor=other_member, group=group, title=title, body="x")
    read = services.start_discussion(actor=other_member, group=second, title="C", body="x")
    services.start_discussion(actor=other_member, group=second, title="D", body="x")
    services.mark_read(actor=member, topic=read)
    services.start_discussion(actor=member, group=group, title="Mine", body="x")
    hidden = services.start_discussion(actor=other_member, group=group, title="H", body="x")
    services.hide_post(actor=organizer, post=hidden)
    TopicFactory(group=group, author=other_member, created_at=timezone.now() - timedelta(days=90))
    TopicFactory(group=GroupFactory(), title="Not my group")

    with django_assert_num_queries(1):
        counts = selectors.unread_counts(member)

    assert counts == {group.pk: 2, second.pk: 1}
    assert selectors.unread_counts(organizer)[group.pk] == 4  # organizers see the hidden one


def test_unread_counts_for_the_groups_asked_only_in_one_query(
    group, member, other_member, django_assert_num_queries
):
    second = GroupFactory()
    MembershipFactory(group=second, user=member, joined_at=timezone.now() - timedelta(days=3))
    MembershipFactory(group=second, user=other_member)
    services.start_discussion(actor=other_member, group=group, title="A", body="x")
    services.start_discussion(actor=other_member, group=second, title="B", body="x")
    services.start_discussion(actor=other_member, group=second, title="C", body="x")
    elsewhere = GroupFactory()  # not theirs: asking for it shows nothing
    TopicFactory(group=elsewhere, title="Not my group")

    with django_assert_num_queries(1):
        counts = selectors.unread_counts(member, groups=[second])

    assert counts == {second.pk: 2}
    assert selectors.unread_counts(member, groups=[group.pk, elsewhere]) == {group.pk: 1}
    assert selectors.unread_counts(member, groups=[]) == {}


def test_unread_counts_leave_out_deleted_topics_without_replies(group, member, other_member):
    lonely = services.start_discussion(actor=other_member, group=group, title="A", body="x")
    answered = services.start_discussion(actor=other_member, group=group, title="B", body="x")
    services.post_reply(actor=other_member, topic=answered, body="y")
    services.delete_post(actor=other_member, post=lonely)
    services.delete_post(actor=other_member, post=answered)

    assert selectors.unread_counts(member) == {group.pk: 1}


def test_unread_counts_and_latest_for_anonymous_are_empty():
    assert selectors.unread_counts(AnonymousUser()) == {}
    assert selectors.latest_for_dashboard(AnonymousUser()) == []


def test_latest_for_dashboard_newest_first_with_unread(
    group, member, other_member, django_assert_num_queries
):
    now = timezone.now()
    for n in range(7):
        TopicFactory(
            group=group, author=other_member, title=f"T{n}", created_at=now - timedelta(hours=n)
        )
    services.mark_read(actor=member, topic=group.board_topics.get(title="T0"))

    with django_assert_num_queries(1):
        latest = selectors.latest_for_dashboard(member)
        shown = [(t.title, t.unread, t.group.name, str(t.author)) for t in latest]

    assert [title for title, *_ in shown] == ["T0", "T1", "T2", "T3", "T4"]
    assert [unread for _t, unread, *_ in shown] == [False, True, True, True, True]
    assert {name for *_, name, _a in shown} == {group.name}


def test_authored_by_lists_a_persons_topics_and_replies_with_text(group, member, other_member):
    topic = services.start_discussion(actor=member, group=group, title="Fees", body="Mine")
    services.post_reply(actor=member, topic=topic, body="Also mine")
    ReplyFactory(topic=topic, author=other_member, body="Not mine")

    data = selectors.authored_by(member)

    assert [(t["group"], t["kind"], t["title"], t["body"]) for t in data["topics"]] == [
        (group.name, "discussion", "Fees", "Mine")
    ]
    assert [(r["group"], r["topic"], r["body"]) for r in data["replies"]] == [
        (group.name, "Fees", "Also mine")
    ]
    assert data["topics"][0]["created_at"] == topic.created_at.isoformat()
    assert data["topics"][0]["deleted_at"] is None


def test_meeting_to_nudge_is_a_scheduled_meeting_of_the_group_still_to_come(group):
    coming = MeetingFactory(group=group)
    cancelled = MeetingFactory(group=group, status=MeetingStatus.CANCELLED)
    started = MeetingFactory(group=group, starts_at=timezone.now() - timedelta(minutes=5))
    elsewhere = MeetingFactory()

    found = [
        selectors.meeting_to_nudge(group, m.pk) for m in (coming, cancelled, started, elsewhere)
    ]

    assert found == [coming, None, None, None]
