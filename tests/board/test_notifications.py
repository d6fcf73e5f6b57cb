"""What the board e-mails: announcements at once, the digest at 07:00 in each person's zone
(once per period, only with something new), moderation notices; never what anyone wrote."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from board import notifications, services
from board.models import Topic
from members.enums import DeliveryStatus, NotificationKind
from members.models import Delivery, NotificationPreference
from members.notifications import dispatch_due, send_delivery
from tests.board.factories import ReplyFactory, TopicFactory
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

NY = ZoneInfo("America/New_York")  # every test person's zone (ProfileFactory)
SECRET = "Client K. told me on Tuesday"  # stands for case text: never in an e-mail


def _next(weekday: int) -> datetime:
    """07:00 in New York on the next ``weekday`` (0 = Monday) at least two days ahead."""
    day = timezone.now().astimezone(NY).date() + timedelta(days=2)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return datetime.combine(day, time(7), tzinfo=NY)


TUESDAY, MONDAY = 1, 0


def _digests():
    return list(
        Delivery.objects.filter(template="board_digest")
        .order_by("recipient__email")
        .values_list("recipient", "dedupe_key", "due_at")
    )


def _daily(*users):
    for user in users:
        services.set_digest_frequency(actor=user, frequency="daily")


# --- when the digest is due ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "now", "due"),
    [
        ("daily", datetime(2027, 3, 3, 6, 59, tzinfo=NY), None),
        ("daily", datetime(2027, 3, 3, 7, 0, tzinfo=NY), datetime(2027, 3, 3, 7, tzinfo=NY)),
        ("daily", datetime(2027, 3, 3, 12, 59, tzinfo=NY), datetime(2027, 3, 3, 7, tzinfo=NY)),
        ("daily", datetime(2027, 3, 3, 13, 0, tzinfo=NY), None),
        ("weekly", datetime(2027, 3, 1, 7, 30, tzinfo=NY), datetime(2027, 3, 1, 7, tzinfo=NY)),
        ("weekly", datetime(2027, 3, 2, 7, 30, tzinfo=NY), None),  # Tuesday
    ],
)
def test_digest_due_at_seven_local_within_the_catch_up_window(frequency, now, due):
    assert notifications.digest_due(frequency, NY, now) == due


# --- planning -----------------------------------------------------------------------------------


def test_daily_digest_is_planned_once_for_whoever_has_something_new(group, member, other_member):
    due = _next(TUESDAY)
    _daily(member, other_member)
    TopicFactory(group=group, author=other_member, created_at=due - timedelta(hours=3))

    notifications.plan_board_digests(due + timedelta(minutes=1))
    notifications.plan_board_digests(due + timedelta(minutes=2))  # again: the same row

    key = f"daily:{due.date().isoformat()}"
    assert _digests() == [(member.pk, key, due)]  # not the author; others are weekly


def test_weekly_digest_is_the_default_on_monday_mornings(group, member, organizer):
    due = _next(MONDAY)
    topic = TopicFactory(group=group, author=member, created_at=due - timedelta(days=6))
    ReplyFactory(topic=topic, author=organizer, created_at=due - timedelta(days=1))

    notifications.plan_board_digests(due + timedelta(hours=1))

    planned = {recipient for recipient, _key, _due in _digests()}
    everyone = set(group.memberships.values_list("user", flat=True))
    assert planned == everyone  # the reply is new for the author, the topic for the others
    assert {key for _r, key, _d in _digests()} == {f"weekly:{due.date().isoformat()}"}


@pytest.mark.parametrize(
    "case", ["nothing", "own", "hidden", "deleted", "before_joining", "off", "announcement"]
)
def test_no_digest_without_something_new_for_the_person(group, member, other_member, case):
    due = _next(TUESDAY)
    _daily(member)
    author = member if case == "own" else other_member
    fields = {"created_at": due - timedelta(hours=3)}
    if case == "hidden":
        fields["hidden_at"] = due - timedelta(hours=2)
    if case == "deleted":
        fields.update(deleted_at=due - timedelta(hours=2), title="", body="")
    if case == "announcement":
        fields["kind"] = "announcement"  # e-mailed at once, not in the digest
    if case == "before_joining":
        member.memberships.update(joined_at=due - timedelta(hours=1))
    if case == "off":
        services.set_digest_frequency(actor=member, frequency="off")
    if case != "nothing":
        TopicFactory(group=group, author=author, **fields)

    notifications.plan_board_digests(due + timedelta(minutes=1))

    assert [r for r, _k, _d in _digests() if r == member.pk] == []


def test_no_digest_for_posts_of_another_group_or_an_earlier_period(group, member, other_member):
    due = _next(TUESDAY)
    _daily(member)
    elsewhere = MembershipFactory(user=other_member).group
    TopicFactory(group=elsewhere, author=other_member, created_at=due - timedelta(hours=1))
    TopicFactory(group=group, author=other_member, created_at=due - timedelta(hours=25))

    notifications.plan_board_digests(due + timedelta(minutes=1))

    assert _digests() == []


def test_a_person_without_a_profile_gets_the_digest_at_seven_utc(group, other_member):
    loner = UserFactory(profile=False)
    MembershipFactory(group=group, user=loner, joined_at=timezone.now() - timedelta(days=9))
    services.set_digest_frequency(actor=loner, frequency="daily")
    due = _next(TUESDAY).replace(tzinfo=ZoneInfo("UTC"))
    TopicFactory(group=group, author=other_member, created_at=due - timedelta(hours=1))

    notifications.plan_board_digests(due + timedelta(minutes=1))

    assert [(r, d) for r, _k, d in _digests()] == [(loner.pk, due)]


def test_a_person_with_an_unknown_time_zone_gets_the_digest_at_seven_utc(
    group, member, other_member
):
    member.profile.time_zone = "Mars/Olympus_Mons"
    member.profile.save(update_fields=["time_zone"])
    services.set_digest_frequency(actor=member, frequency="daily")
    due = _next(TUESDAY).replace(tzinfo=ZoneInfo("UTC"))
    TopicFactory(group=group, author=other_member, created_at=due - timedelta(hours=1))

    notifications.plan_board_digests(due + timedelta(minutes=1))

    assert [(r, d) for r, _k, d in _digests()] == [(member.pk, due)]


# --- sending ------------------------------------------------------------------------------------


def _send_all():
    for pk in Delivery.objects.order_by("pk").values_list("pk", flat=True):
        send_delivery(pk)


def test_digest_lists_titles_counts_and_links_and_carries_one_click_unsubscribe(
    group, member, other_member, organizer, mailoutbox
):
    due = _next(TUESDAY)
    _daily(member)
    old = TopicFactory(group=group, author=organizer, title="Old thread", body=SECRET)
    Topic.objects.filter(pk=old.pk).update(created_at=due - timedelta(days=5))
    for hours in (3, 2):
        ReplyFactory(
            topic=old, author=other_member, body=SECRET, created_at=due - timedelta(hours=hours)
        )
    TopicFactory(
        group=group,
        author=other_member,
        title="Fees and sliding scales",
        body=SECRET,
        created_at=due - timedelta(hours=1),
    )

    dispatch_due(now=due + timedelta(minutes=1))

    [message] = [m for m in mailoutbox if m.to == [member.email]]
    text, html = message.body, message.alternatives[0][0]
    assert message.subject.endswith("New on your groups' boards")
    assert "New discussion: Fees and sliding scales" in text
    assert "2 new replies in: Old thread" in text
    assert f"/groups/{group.slug}/board/" in text
    assert SECRET not in text + html + message.subject
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_digest_is_skipped_when_nothing_is_left_at_send_time(
    group, member, other_member, organizer
):
    due = _next(TUESDAY)
    _daily(member)
    topic = TopicFactory(group=group, author=other_member, created_at=due - timedelta(hours=1))
    notifications.plan_board_digests(due + timedelta(minutes=1))
    services.hide_post(actor=organizer, post=topic)

    [pk] = Delivery.objects.filter(template="board_digest").values_list("pk", flat=True)

    assert send_delivery(pk) == DeliveryStatus.SKIPPED


def test_digest_of_a_removed_account_or_an_unknown_key_is_skipped(member):
    rows = [
        Delivery.objects.create(
            recipient=None,
            email="gone@example.com",
            kind=NotificationKind.BOARD_DIGEST,
            template="board_digest",
            object_type="members.user",
            object_id=1,
            dedupe_key="daily:2027-01-01",
            due_at=timezone.now(),
        ),
        Delivery.objects.create(
            recipient=member,
            email=member.email,
            kind=NotificationKind.BOARD_DIGEST,
            template="board_digest",
            object_type="members.user",
            object_id=member.pk,
            dedupe_key="hourly:2027-01-01",
            due_at=timezone.now(),
        ),
    ]

    assert [send_delivery(row.pk) for row in rows] == [DeliveryStatus.SKIPPED] * 2


def test_announcement_email_has_title_and_link_never_the_text(
    group, organizer, member, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        topic = services.post_announcement(
            actor=organizer, group=group, title="Room change on Thursday", body=SECRET
        )

    [message] = [m for m in mailoutbox if m.to == [member.email]]
    text, html = message.body, message.alternatives[0][0]
    assert message.subject.endswith(f"{group.name}: Room change on Thursday")
    assert "Olga Organizer posted an announcement" in text
    assert topic.get_absolute_url() in text and topic.get_absolute_url() in html
    assert SECRET not in text + html + message.subject
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert organizer.email not in [m.to[0] for m in mailoutbox]


@pytest.mark.parametrize("change", ["deleted", "hidden", "left"])
def test_announcement_is_skipped_once_it_is_gone_or_the_member_left(
    group, organizer, member, change
):
    topic = services.post_announcement(actor=organizer, group=group, title="Hi", body="All")
    if change == "deleted":
        services.delete_post(actor=organizer, post=topic)
    elif change == "hidden":
        services.hide_post(actor=organizer, post=topic)
    else:
        member.memberships.all().delete()
    delivery = Delivery.objects.get(template="board_announcement", recipient=member)

    assert send_delivery(delivery.pk) == DeliveryStatus.SKIPPED


def test_announcement_preference_off_records_nothing_for_that_member(group, organizer, member):
    NotificationPreference.objects.create(
        user=member, kind=NotificationKind.ANNOUNCEMENT, enabled=False
    )

    services.post_announcement(actor=organizer, group=group, title="Hi", body="All")

    assert not Delivery.objects.filter(recipient=member).exists()


def test_hidden_post_email_tells_the_author_with_title_never_the_text(
    group, member, other_member, organizer, mailoutbox
):
    topic = services.start_discussion(actor=member, group=group, title="Fees", body=SECRET)
    reply = services.post_reply(actor=other_member, topic=topic, body=SECRET)
    services.hide_post(actor=organizer, post=reply)
    services.hide_post(actor=organizer, post=topic)

    _send_all()

    by_to = {m.to[0]: m for m in mailoutbox}
    assert sorted(by_to) == sorted([member.email, other_member.email])
    assert by_to[member.email].subject.endswith(f"An organizer of {group.name} hid your topic")
    assert by_to[other_member.email].subject.endswith(f"of {group.name} hid your reply")
    assert "hid your reply in “Fees”" in by_to[other_member.email].body
    assert "hid your topic “Fees”" in by_to[member.email].body
    for message in mailoutbox:
        assert SECRET not in message.body + message.alternatives[0][0] + message.subject
        assert "List-Unsubscribe" not in message.extra_headers  # always sent


def test_hidden_post_email_is_skipped_once_shown_again(group, member, organizer):
    topic = services.start_discussion(actor=member, group=group, title="Fees", body="x")
    services.hide_post(actor=organizer, post=topic)
    services.unhide_post(actor=organizer, post=topic)
    delivery = Delivery.objects.get(template="board_post_hidden")

    assert send_delivery(delivery.pk) == DeliveryStatus.SKIPPED


def test_report_email_tells_the_organizers_never_the_reason_or_text(
    group, member, other_member, organizer, co_organizer, mailoutbox
):
    topic = services.start_discussion(actor=member, group=group, title="Fees", body=SECRET)
    reply = services.post_reply(actor=member, topic=topic, body=SECRET)
    services.report_post(actor=other_member, post=topic, reason=SECRET)
    services.report_post(actor=other_member, post=reply, reason=SECRET)

    _send_all()

    assert sorted(m.to[0] for m in mailoutbox) == sorted([organizer.email, co_organizer.email] * 2)
    bodies = sorted(m.body for m in mailoutbox if m.to == [organizer.email])
    assert any("a reply in “Fees”" in body for body in bodies)
    assert any("the topic “Fees”" in body for body in bodies)
    for message in mailoutbox:
        assert SECRET not in message.body + message.alternatives[0][0] + message.subject
        assert f"/groups/{group.slug}/board/#reports" in message.body


def test_report_email_is_skipped_once_dismissed(group, member, other_member, organizer):
    topic = services.start_discussion(actor=member, group=group, title="Fees", body="x")
    report = services.report_post(actor=other_member, post=topic)
    services.resolve_report(actor=organizer, report=report)

    outcomes = {
        send_delivery(pk)
        for pk in Delivery.objects.filter(template="board_report").values_list("pk", flat=True)
    }

    assert outcomes == {DeliveryStatus.SKIPPED}
