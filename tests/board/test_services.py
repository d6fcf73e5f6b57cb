"""The board's services: each write as it should happen, and each refusal with nothing changed."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from board import services
from board.enums import TopicKind
from board.models import BoardVisit, DigestPreference, ReadMark, Reply, Report, Topic
from board.services import BoardError
from config.errors import NotAllowed
from config.guard import IdentifiersFound
from groups.services import leave_group
from members.enums import NotificationKind
from members.models import AuditEntry, Delivery, NotificationPreference
from tests.board.factories import ReplyFactory, TopicFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

IDENTIFYING = "Jane Smith, DOB 03/04/1980, MRN 123456"


def _state():
    """Everything the board holds, to compare before and after a refusal."""
    return (
        list(Topic.objects.order_by("pk").values()),
        list(Reply.objects.order_by("pk").values()),
        list(Report.objects.order_by("pk").values()),
        list(ReadMark.objects.order_by("pk").values()),
        AuditEntry.objects.filter(verb__startswith="board.").count(),
        Delivery.objects.count(),
    )


def _discussion(group, author, **fields):
    data = {"title": "Pacing trauma work", "body": "How do you pace it?", **fields}
    return services.start_discussion(actor=author, group=group, **data)


# --- posting ------------------------------------------------------------------------------------


def test_start_discussion_saves_it_marks_it_read_for_its_author_and_audits(group, member):
    topic = _discussion(group, member, title="  Pacing trauma work ", body="How?\r\nSlowly?")

    assert (topic.group, topic.author, topic.kind) == (group, member, TopicKind.DISCUSSION)
    assert (topic.title, topic.body) == ("Pacing trauma work", "How?\nSlowly?")
    assert topic.last_activity_at == topic.created_at
    assert ReadMark.objects.get(user=member, topic=topic).read_at == topic.created_at
    entry = AuditEntry.objects.get(verb="board.discussion_posted")
    assert (entry.actor, entry.group, entry.object_id, entry.data) == (
        member,
        group,
        str(topic.pk),
        {"kind": "discussion"},
    )
    assert Delivery.objects.count() == 0  # discussions come in the digest


def test_start_discussion_by_an_outsider_is_refused_and_changes_nothing(group):
    before = _state()

    with pytest.raises(NotAllowed):
        _discussion(group, UserFactory())

    assert _state() == before


def test_start_discussion_by_a_former_member_is_refused(group, member):
    leave_group(user=member, group=group)
    before = _state()

    with pytest.raises(NotAllowed):
        _discussion(group, member)

    assert _state() == before


def test_start_discussion_without_title_is_refused(group, member):
    with pytest.raises(ValidationError) as caught:
        _discussion(group, member, title="   ")

    assert caught.value.message_dict == {"title": ["Give the topic a title."]}
    assert Topic.objects.count() == 0


def test_start_discussion_with_identifiers_is_refused_unless_confirmed(group, member):
    before = _state()

    with pytest.raises(IdentifiersFound) as caught:
        _discussion(group, member, body=IDENTIFYING)

    assert _state() == before
    keys = [finding.key for finding in caught.value.findings]
    topic = _discussion(group, member, body=IDENTIFYING, confirmed=keys)
    assert topic.body == IDENTIFYING


def test_post_announcement_emails_every_other_member_once(
    group, organizer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        topic = services.post_announcement(
            actor=organizer, group=group, title="Room change", body="We meet upstairs."
        )

    assert topic.kind == TopicKind.ANNOUNCEMENT
    recipients = sorted(m.user.email for m in group.memberships.exclude(user=organizer))
    assert sorted(m.to[0] for m in mailoutbox) == recipients
    assert set(Delivery.objects.values_list("kind", flat=True)) == {NotificationKind.ANNOUNCEMENT}
    assert AuditEntry.objects.filter(verb="board.announcement_posted").count() == 1


def test_post_announcement_by_a_member_is_refused(group, member):
    before = _state()

    with pytest.raises(NotAllowed, match="organizers can post announcements"):
        services.post_announcement(actor=member, group=group, title="Hi", body="All")

    assert _state() == before


def test_co_organizers_may_announce(group, co_organizer):
    topic = services.post_announcement(actor=co_organizer, group=group, title="Hi", body="All")

    assert topic.author == co_organizer


# --- replying -----------------------------------------------------------------------------------


def test_post_reply_moves_the_topics_activity_and_marks_it_read(group, member, other_member):
    topic = _discussion(group, member)

    reply = services.post_reply(actor=other_member, topic=topic, body=" Slowly. ")

    topic.refresh_from_db()
    assert (reply.topic, reply.author, reply.body) == (topic, other_member, "Slowly.")
    assert topic.last_activity_at == reply.created_at
    assert ReadMark.objects.get(user=other_member, topic=topic).read_at == reply.created_at
    entry = AuditEntry.objects.get(verb="board.reply_posted")
    assert (entry.actor, entry.object_id, entry.data) == (
        other_member,
        str(reply.pk),
        {"topic": topic.pk},
    )


@pytest.mark.parametrize("flag", ["locked", "hidden"])
def test_post_reply_to_a_locked_or_hidden_topic_is_refused(group, member, organizer, flag):
    topic = _discussion(group, member)
    if flag == "locked":
        services.lock_topic(actor=organizer, topic=topic, locked=True)
    else:
        services.hide_post(actor=organizer, post=topic)
    before = _state()

    with pytest.raises(BoardError):
        services.post_reply(actor=organizer, topic=topic, body="Late word")

    assert _state() == before


def test_post_reply_by_a_former_member_is_refused(group, member, other_member):
    topic = _discussion(group, member)
    leave_group(user=other_member, group=group)
    before = _state()

    with pytest.raises(NotAllowed):
        services.post_reply(actor=other_member, topic=topic, body="Still here?")

    assert _state() == before


def test_post_reply_with_identifiers_is_refused(group, member):
    topic = _discussion(group, member)
    before = _state()

    with pytest.raises(IdentifiersFound):
        services.post_reply(actor=member, topic=topic, body=IDENTIFYING)

    assert _state() == before


def test_post_reply_to_a_topic_deleted_by_its_author_is_allowed(group, member, other_member):
    topic = _discussion(group, member)
    services.delete_post(actor=member, post=topic)

    reply = services.post_reply(actor=other_member, topic=topic, body="Carrying on.")

    assert reply.topic == topic


# --- editing and deleting ---------------------------------------------------------------------


def test_edit_own_topic_changes_title_and_text_and_marks_it_edited(group, member):
    topic = _discussion(group, member)

    services.edit_post(actor=member, post=topic, title="Pacing, again", body="New text")

    topic.refresh_from_db()
    assert (topic.title, topic.body) == ("Pacing, again", "New text")
    assert topic.edited_at is not None
    assert AuditEntry.objects.get(verb="board.post_edited").data == {"post": "topic"}


def test_edit_own_reply_changes_its_text(group, member, other_member):
    reply = services.post_reply(actor=other_member, topic=_discussion(group, member), body="A")

    services.edit_post(actor=other_member, post=reply, body="B")

    reply.refresh_from_db()
    assert (reply.body, reply.edited_at is not None) == ("B", True)


def test_edit_without_changes_is_not_marked_edited(group, member):
    topic = _discussion(group, member)

    services.edit_post(actor=member, post=topic, body=topic.body)

    topic.refresh_from_db()
    assert topic.edited_at is None
    assert not AuditEntry.objects.filter(verb="board.post_edited").exists()


@pytest.mark.parametrize("who", ["other_member", "organizer"])
def test_edit_someone_elses_post_is_refused(group, member, request, who):
    topic = _discussion(group, member)
    before = _state()

    with pytest.raises(NotAllowed):
        services.edit_post(actor=request.getfixturevalue(who), post=topic, body="Mine now")

    assert _state() == before


def test_edit_with_a_blank_title_or_identifiers_is_refused(group, member):
    topic = _discussion(group, member)
    before = _state()

    with pytest.raises(ValidationError):
        services.edit_post(actor=member, post=topic, title=" ", body="x")
    with pytest.raises(IdentifiersFound):
        services.edit_post(actor=member, post=topic, body=IDENTIFYING)

    assert _state() == before


def test_edit_a_deleted_post_is_refused(group, member):
    topic = _discussion(group, member)
    services.delete_post(actor=member, post=topic)
    before = _state()

    with pytest.raises(BoardError):
        services.edit_post(actor=member, post=topic, body="Back")

    assert _state() == before


def test_delete_own_topic_blanks_it_and_keeps_the_colleagues_replies(group, member, other_member):
    topic = _discussion(group, member)
    reply = services.post_reply(actor=other_member, topic=topic, body="Keep me")

    services.delete_post(actor=member, post=topic)
    services.delete_post(actor=member, post=topic)  # twice: nothing more

    topic.refresh_from_db()
    reply.refresh_from_db()
    assert (topic.title, topic.body, topic.deleted_at is not None) == ("", "", True)
    assert (reply.body, reply.deleted_at) == ("Keep me", None)
    assert AuditEntry.objects.filter(verb="board.post_deleted").count() == 1


def test_delete_own_reply_blanks_it(group, member, other_member):
    reply = services.post_reply(actor=other_member, topic=_discussion(group, member), body="Oops")

    services.delete_post(actor=other_member, post=reply)

    reply.refresh_from_db()
    assert (reply.body, reply.deleted_at is not None) == ("", True)


def test_delete_someone_elses_post_is_refused(group, member, organizer):
    topic = _discussion(group, member)
    before = _state()

    with pytest.raises(NotAllowed):
        services.delete_post(actor=organizer, post=topic)

    assert _state() == before


def test_the_database_refuses_a_deleted_topic_that_keeps_its_text(group, member):
    topic = _discussion(group, member)

    with pytest.raises(IntegrityError), transaction.atomic():
        Topic.objects.filter(pk=topic.pk).update(deleted_at=timezone.now())


# --- moderation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "flag", "verbs"),
    [
        (services.pin_topic, "pinned", ("board.topic_pinned", "board.topic_unpinned")),
        (services.lock_topic, "locked", ("board.topic_locked", "board.topic_unlocked")),
    ],
)
def test_pin_and_lock_by_organizers_on_and_off(group, member, co_organizer, service, flag, verbs):
    topic = _discussion(group, member)

    service(actor=co_organizer, topic=topic, **{flag: True})
    service(actor=co_organizer, topic=topic, **{flag: True})  # already: nothing more
    on = getattr(Topic.objects.get(pk=topic.pk), flag)
    service(actor=co_organizer, topic=topic, **{flag: False})

    assert (on, getattr(Topic.objects.get(pk=topic.pk), flag)) == (True, False)
    assert list(
        AuditEntry.objects.filter(verb__in=verbs).order_by("pk").values_list("verb", flat=True)
    ) == list(verbs)


@pytest.mark.parametrize("service", [services.pin_topic, services.lock_topic])
def test_pin_and_lock_by_a_member_are_refused(group, member, service):
    topic = _discussion(group, member)
    flag = "pinned" if service is services.pin_topic else "locked"
    before = _state()

    with pytest.raises(NotAllowed):
        service(actor=member, topic=topic, **{flag: True})

    assert _state() == before


def test_hide_someone_elses_reply_tells_its_author_once(group, member, other_member, organizer):
    reply = services.post_reply(actor=other_member, topic=_discussion(group, member), body="Hm")

    services.hide_post(actor=organizer, post=reply)
    services.hide_post(actor=organizer, post=reply)  # already hidden: nothing more

    reply.refresh_from_db()
    assert (reply.hidden_by, reply.hidden_at is not None) == (organizer, True)
    delivery = Delivery.objects.get(template="board_post_hidden")
    assert (delivery.recipient, delivery.kind) == (other_member, NotificationKind.BOARD_MODERATION)
    entry = AuditEntry.objects.get(verb="board.post_hidden")
    assert (entry.actor, entry.subject, entry.data) == (organizer, other_member, {"post": "reply"})


def test_hide_own_post_tells_nobody(group, organizer):
    topic = _discussion(group, organizer)

    services.hide_post(actor=organizer, post=topic)

    topic.refresh_from_db()
    assert (topic.hidden_by, topic.hidden_at is not None) == (organizer, True)
    assert Delivery.objects.filter(template="board_post_hidden").count() == 0


def test_hide_a_post_of_a_former_member_tells_nobody(group, member, organizer):
    topic = _discussion(group, member)
    Topic.objects.filter(pk=topic.pk).update(author=None)
    topic.refresh_from_db()

    services.hide_post(actor=organizer, post=topic)

    topic.refresh_from_db()
    assert (topic.hidden_by, topic.hidden_at is not None) == (organizer, True)
    assert AuditEntry.objects.get(verb="board.post_hidden").subject is None
    assert Delivery.objects.filter(template="board_post_hidden").count() == 0


def test_unhide_shows_it_again_and_hiding_again_is_a_new_email(group, member, organizer):
    topic = _discussion(group, member)
    services.hide_post(actor=organizer, post=topic)

    services.unhide_post(actor=organizer, post=topic)
    services.unhide_post(actor=organizer, post=topic)  # already shown: nothing more
    topic.refresh_from_db()
    hidden_after_unhide = topic.hidden_at
    services.hide_post(actor=organizer, post=topic)

    assert hidden_after_unhide is None
    assert AuditEntry.objects.filter(verb="board.post_unhidden").count() == 1
    assert Delivery.objects.filter(template="board_post_hidden").count() == 2


@pytest.mark.parametrize("service", [services.hide_post, services.unhide_post])
def test_hide_and_unhide_by_a_member_are_refused(group, member, other_member, service):
    topic = _discussion(group, member)
    before = _state()

    with pytest.raises(NotAllowed):
        service(actor=other_member, post=topic)

    assert _state() == before


# --- reports ------------------------------------------------------------------------------------


def test_report_a_post_tells_the_organizers_never_the_reporter(
    group, member, other_member, organizer, co_organizer
):
    topic = _discussion(group, member)

    report = services.report_post(actor=other_member, post=topic, reason="Too much detail")

    assert (report.topic, report.reply, report.reporter, report.reason) == (
        topic,
        None,
        other_member,
        "Too much detail",
    )
    recipients = set(
        Delivery.objects.filter(template="board_report").values_list("recipient", flat=True)
    )
    assert recipients == {organizer.pk, co_organizer.pk}
    assert AuditEntry.objects.get(verb="board.post_reported").data == {
        "post": "topic",
        "post_id": topic.pk,
    }


def test_report_a_reply(group, member, other_member):
    reply = services.post_reply(actor=other_member, topic=_discussion(group, member), body="Hm")

    report = services.report_post(actor=member, post=reply)

    assert (report.topic, report.reply, report.thread) == (None, reply, reply.topic)


def test_report_twice_while_open_is_refused_then_allowed_once_dismissed(
    group, member, other_member, organizer
):
    topic = _discussion(group, member)
    first = services.report_post(actor=other_member, post=topic)
    before = _state()

    with pytest.raises(BoardError, match="already reported"):
        services.report_post(actor=other_member, post=topic)

    assert _state() == before
    services.resolve_report(actor=organizer, report=first)
    second = services.report_post(actor=other_member, post=topic)
    assert second.pk != first.pk


def test_the_database_refuses_two_open_reports_by_one_person(group, member, other_member):
    topic = _discussion(group, member)
    services.report_post(actor=other_member, post=topic)

    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(group=group, topic=topic, reporter=other_member)


@pytest.mark.parametrize("case", ["own", "deleted", "identifiers", "outsider"])
def test_report_refusals_change_nothing(group, member, other_member, case):
    topic = _discussion(group, member)
    if case == "deleted":
        services.delete_post(actor=member, post=topic)
    actor = {"own": member, "outsider": UserFactory()}.get(case, other_member)
    reason = IDENTIFYING if case == "identifiers" else ""
    before = _state()

    with pytest.raises((BoardError, NotAllowed, IdentifiersFound)):
        services.report_post(actor=actor, post=topic, reason=reason)

    assert _state() == before


def test_resolve_report_by_organizers_once(group, member, other_member, organizer):
    report = services.report_post(actor=other_member, post=_discussion(group, member))

    services.resolve_report(actor=organizer, report=report)
    services.resolve_report(actor=organizer, report=report)

    report.refresh_from_db()
    assert (report.resolved_by, report.resolved_at is not None) == (organizer, True)
    assert AuditEntry.objects.filter(verb="board.report_resolved").count() == 1


def test_resolve_report_by_a_member_is_refused(group, member, other_member):
    report = services.report_post(actor=other_member, post=_discussion(group, member))
    before = _state()

    with pytest.raises(NotAllowed):
        services.resolve_report(actor=member, report=report)

    assert _state() == before


# --- read marks and visits ------------------------------------------------------------------------


def test_mark_board_read_marks_every_topic(group, member, other_member):
    topics = [_discussion(group, other_member, title=f"T{n}") for n in range(3)]

    assert services.mark_board_read(actor=member, group=group) == 3

    assert set(ReadMark.objects.filter(user=member).values_list("topic", flat=True)) == {
        t.pk for t in topics
    }
    assert AuditEntry.objects.get(verb="board.marked_read").data == {"topics": 3}


def test_mark_read_by_an_outsider_is_refused(group, member):
    topic = _discussion(group, member)
    outsider = UserFactory()

    with pytest.raises(NotAllowed):
        services.mark_read(actor=outsider, topic=topic)
    with pytest.raises(NotAllowed):
        services.mark_board_read(actor=outsider, group=group)

    assert not ReadMark.objects.filter(user=outsider).exists()


def test_record_visit_keeps_one_visit_for_looks_close_together(group, member):
    first = services.record_visit(actor=member, group=group)
    again = services.record_visit(actor=member, group=group)
    BoardVisit.objects.filter(user=member).update(visited_at=timezone.now() - timedelta(hours=2))
    then = BoardVisit.objects.get(user=member).visited_at

    later = services.record_visit(actor=member, group=group)

    assert (first, again, later) == (None, None, then)


def test_a_look_within_a_minute_of_the_recorded_one_writes_nothing(
    group, member, django_assert_num_queries
):
    services.record_visit(actor=member, group=group)
    recorded = BoardVisit.objects.get(user=member).visited_at

    with django_assert_num_queries(1):  # the visit read, nothing written
        services.record_visit(actor=member, group=group)

    assert BoardVisit.objects.get(user=member).visited_at == recorded
    BoardVisit.objects.filter(user=member).update(visited_at=recorded - services.VISIT_TOUCH)
    services.record_visit(actor=member, group=group)
    assert BoardVisit.objects.get(user=member).visited_at > recorded


def test_reading_a_thread_again_writes_nothing_until_it_moves(
    group, member, other_member, django_assert_num_queries
):
    topic = services.start_discussion(actor=other_member, group=group, title="T", body="B")
    services.mark_read(actor=member, topic=topic, read_until=topic.created_at - timedelta(1))
    read = ReadMark.objects.get(user=member, topic=topic).read_at

    with django_assert_num_queries(0):
        services.mark_read(actor=member, topic=topic, read_until=read)

    reply = services.post_reply(actor=other_member, topic=topic, body="More")
    topic.refresh_from_db()
    services.mark_read(actor=member, topic=topic, read_until=read)
    assert ReadMark.objects.get(user=member, topic=topic).read_at >= reply.created_at


def test_a_reply_the_page_showed_moves_the_mark_though_the_topic_was_read_before_it(
    group, member, other_member
):
    """The thread page loads the topic, then its replies: a reply that came in between is on
    the page, so reading it moves the mark even though the topic as loaded said nothing new."""
    topic = services.start_discussion(actor=other_member, group=group, title="T", body="B")
    services.mark_read(actor=member, topic=topic)
    read = ReadMark.objects.get(user=member, topic=topic).read_at
    reply = services.post_reply(actor=other_member, topic=topic, body="Just in")

    services.mark_read(actor=member, topic=topic, read_until=read, shown_until=reply.created_at)

    assert ReadMark.objects.get(user=member, topic=topic).read_at >= reply.created_at


def test_record_visit_by_an_outsider_is_refused(group):
    with pytest.raises(NotAllowed):
        services.record_visit(actor=UserFactory(), group=group)

    assert BoardVisit.objects.count() == 0


# --- the digest frequency -------------------------------------------------------------------------


def test_set_digest_frequency_off_turns_the_notification_preference_off(member):
    services.set_digest_frequency(actor=member, frequency="off")

    pref = NotificationPreference.objects.get(user=member, kind=NotificationKind.BOARD_DIGEST)
    assert pref.enabled is False


def test_set_digest_frequency_daily_turns_it_back_on(member):
    services.set_digest_frequency(actor=member, frequency="off")

    services.set_digest_frequency(actor=member, frequency="daily")

    pref = NotificationPreference.objects.get(user=member, kind=NotificationKind.BOARD_DIGEST)
    assert (pref.enabled, DigestPreference.objects.get(user=member).frequency) == (True, "daily")
    assert list(
        AuditEntry.objects.filter(verb="board.digest_frequency")
        .order_by("pk")
        .values_list("data", flat=True)
    ) == [{"frequency": "off"}, {"frequency": "daily"}]


def test_set_digest_frequency_unknown_is_refused(member):
    with pytest.raises(BoardError):
        services.set_digest_frequency(actor=member, frequency="hourly")

    assert not DigestPreference.objects.exists()


# --- account deletion -----------------------------------------------------------------------------


def test_erase_author_blanks_their_posts_and_keeps_the_colleagues(group, member, other_member):
    mine = _discussion(group, member)
    theirs = services.post_reply(actor=other_member, topic=mine, body="Their words")
    my_reply = services.post_reply(actor=member, topic=mine, body="My words")
    other_topic = _discussion(group, other_member, title="Other")
    report = services.report_post(actor=member, post=other_topic, reason="Please look")
    services.set_digest_frequency(actor=member, frequency="daily")
    services.record_visit(actor=member, group=group)

    counts = services.erase_author(user=member)

    assert counts == {"topics": 1, "replies": 1}
    mine.refresh_from_db()
    my_reply.refresh_from_db()
    theirs.refresh_from_db()
    report.refresh_from_db()
    assert (mine.title, mine.body, mine.author, mine.deleted_at is not None) == ("", "", None, True)
    assert (my_reply.body, my_reply.author) == ("", None)
    assert (theirs.body, theirs.author) == ("Their words", other_member)
    assert (report.reason, report.reporter) == ("", None)
    assert not ReadMark.objects.filter(user=member).exists()
    assert not BoardVisit.objects.filter(user=member).exists()
    assert not DigestPreference.objects.filter(user=member).exists()
    entry = AuditEntry.objects.get(verb="board.author_erased")
    assert (entry.subject, entry.data) == (member, counts)


def test_factories_make_a_live_thread(group, member):
    reply = ReplyFactory(topic=TopicFactory(group=group, author=member))

    assert (reply.topic.group, reply.topic.is_deleted, reply.is_hidden) == (group, False, False)


def test_names_of_board_rows_never_show_what_members_wrote(group, member, other_member):
    topic = _discussion(group, member, title="Secret title", body="Secret body")
    reply = services.post_reply(actor=other_member, topic=topic, body="Secret reply")
    report = services.report_post(actor=other_member, post=topic, reason="Secret reason")
    services.mark_read(actor=member, topic=topic)
    services.record_visit(actor=member, group=group)
    services.set_digest_frequency(actor=member, frequency="daily")
    rows = [
        topic,
        reply,
        report,
        ReadMark.objects.get(user=member),
        BoardVisit.objects.get(user=member),
        DigestPreference.objects.get(user=member),
    ]

    names = [str(row) for row in rows]

    assert names == [
        f"Board topic #{topic.pk}",
        f"Board reply #{reply.pk} to topic #{topic.pk}",
        f"Board report #{report.pk}",
        f"User #{member.pk} read topic #{topic.pk}",
        f"User #{member.pk} on board of group #{group.pk}",
        f"Board digest of user #{member.pk}: daily",
    ]
