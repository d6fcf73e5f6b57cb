"""What action items e-mail: "you have an action item" when one is given to someone else, and
one reminder the day before it is due at 09:00 in the owner's time zone. Built at send time
(skipped once the item is done, given to someone else, or the owner has left), and never with
the item's text or anything else from the notes."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone

from groups.services.membership import leave_group
from meetings import notes
from meetings.notifications import plan_action_item_reminders
from members.enums import DeliveryStatus, NotificationKind
from members.models import Delivery, NotificationPreference
from members.notifications import dispatch_due, send_delivery
from tests.meetings.notes_support import in_days, make_circle

pytestmark = pytest.mark.django_db

NY = ZoneInfo("America/New_York")  # every ProfileFactory person's zone
SECRET = "Call Client A's psychiatrist about the dose"


@pytest.fixture
def circle():
    return make_circle(name="Harbour Circle")


def _give(circle, *, owner=None, due_on=None, actor=None):
    return notes.add_action_item(
        actor=actor or circle.facilitator,
        meeting=circle.meeting,
        text=SECRET,
        owner=owner or circle.member,
        due_on=due_on or in_days(10),
    )


def _send(template: str) -> dict[str, str]:
    rows = Delivery.objects.filter(template=template).order_by("pk").values_list("pk", "email")
    return {email: send_delivery(pk) for pk, email in rows}


def _nine_the_day_before(due_on) -> datetime:
    return datetime.combine(due_on - timedelta(days=1), time(9, 0), tzinfo=NY)


def _reminders(mailoutbox) -> list:
    return [m for m in mailoutbox if "Reminder: your action item" in m.subject]


def _everything_in(message) -> str:
    return message.subject + message.body + message.alternatives[0][0]


# --- given -------------------------------------------------------------------------------------


def test_the_owner_is_told_with_the_meeting_the_date_and_a_link_but_not_the_text(
    circle, mailoutbox
):
    due = in_days(10)
    item = _give(circle, due_on=due)

    assert _send("action_item_given") == {circle.member.email: DeliveryStatus.SENT}
    (message,) = mailoutbox
    assert message.to == [circle.member.email]
    assert message.subject == (
        f"[PeerCircle] You have an action item from March circle, due "
        f"{due:%A} {due.day} {due:%B %Y} · Harbour Circle"
    )
    assert f"{settings.SITE_URL.rstrip('/')}/meetings/{circle.meeting.pk}/notes/" in message.body
    assert f"It is due on {due:%A} {due.day} {due:%B %Y}." in message.body
    assert SECRET not in _everything_in(message)
    assert "Client A" not in _everything_in(message)
    assert "List-Unsubscribe" in message.extra_headers
    assert Delivery.objects.get().object_id == item.pk


def test_nothing_goes_to_the_one_who_gave_it_to_themselves(circle, mailoutbox):
    _give(circle, owner=circle.facilitator, actor=circle.facilitator)

    assert Delivery.objects.count() == 0


def test_a_member_who_turned_action_items_off_is_not_told(circle):
    NotificationPreference.objects.create(
        user=circle.member, kind=NotificationKind.ACTION_ITEM, enabled=False
    )

    _give(circle)

    assert Delivery.objects.count() == 0


@pytest.mark.parametrize("change", ["done", "left", "given_away", "removed"])
def test_the_given_email_is_skipped_once_it_no_longer_concerns_them(circle, mailoutbox, change):
    item = _give(circle)
    if change == "done":
        notes.set_action_item_done(actor=circle.member, item=item, done=True)
    elif change == "left":
        leave_group(user=circle.member, group=circle.group)
    elif change == "given_away":
        notes.update_action_item(
            actor=circle.organizer,
            item=item,
            text=item.text,
            owner=circle.other,
            due_on=item.due_on,
        )
    else:
        notes.delete_action_item(actor=circle.organizer, item=item)

    assert _send("action_item_given")[circle.member.email] == DeliveryStatus.SKIPPED
    assert circle.member.email not in [m.to[0] for m in mailoutbox]


# --- taken away: removed, or given to someone else ---------------------------------------------


@pytest.mark.parametrize("removed", [True, False])
def test_the_owner_is_told_once_an_item_is_no_longer_theirs_but_not_what_it_said(
    circle, mailoutbox, removed
):
    due = in_days(10)
    item = _give(circle, due_on=due)
    Delivery.objects.all().delete()
    if removed:
        notes.delete_action_item(actor=circle.organizer, item=item)
    else:
        notes.update_action_item(
            actor=circle.organizer, item=item, text=item.text, owner=circle.other, due_on=due
        )

    assert _send("action_item_taken") == {circle.member.email: DeliveryStatus.SENT}
    (message,) = mailoutbox
    assert message.to == [circle.member.email]
    what = "was removed" if removed else "was given to someone else"
    assert message.subject == (
        f"[PeerCircle] An action item you had from March circle {what} · Harbour Circle"
    )
    assert f"due on {due:%A} {due.day} {due:%B %Y}, " in message.body
    assert ("removed from the meeting's notes" in message.body) is removed
    assert ("given to another member" in message.body) is not removed
    assert f"/meetings/{circle.meeting.pk}/notes/" in message.body
    assert SECRET not in _everything_in(message)
    assert "Client A" not in _everything_in(message)
    assert "List-Unsubscribe" in message.extra_headers


def test_giving_an_item_to_someone_else_sends_each_owner_one_email_and_the_actor_none(circle):
    item = _give(circle)
    Delivery.objects.all().delete()

    notes.update_action_item(
        actor=circle.organizer, item=item, text=item.text, owner=circle.other, due_on=item.due_on
    )

    assert sorted(Delivery.objects.values_list("email", "template")) == sorted(
        [
            (circle.member.email, "action_item_taken"),
            (circle.other.email, "action_item_given"),
        ]
    )


@pytest.mark.parametrize("change", ["left", "given_back"])
def test_the_taken_email_is_skipped_once_it_no_longer_concerns_them(circle, mailoutbox, change):
    item = _give(circle)
    notes.update_action_item(
        actor=circle.organizer, item=item, text=item.text, owner=circle.other, due_on=item.due_on
    )
    if change == "left":
        leave_group(user=circle.member, group=circle.group)
    else:
        notes.update_action_item(
            actor=circle.organizer,
            item=item,
            text=item.text,
            owner=circle.member,
            due_on=item.due_on,
        )

    assert _send("action_item_taken")[circle.member.email] == DeliveryStatus.SKIPPED
    assert circle.member.email not in [m.to[0] for m in mailoutbox]


# --- the reminder ------------------------------------------------------------------------------


def test_the_reminder_goes_once_the_day_before_at_nine_in_the_owners_zone(circle, mailoutbox):
    due = in_days(10)
    item = _give(circle, due_on=due)
    at = _nine_the_day_before(due)

    dispatch_due(now=at - timedelta(minutes=1))
    assert _reminders(mailoutbox) == []

    dispatch_due(now=at + timedelta(minutes=1))
    dispatch_due(now=at + timedelta(minutes=2))  # the next minute's run: nothing twice

    (reminder,) = _reminders(mailoutbox)
    assert reminder.to == [circle.member.email]
    assert reminder.subject == (
        f"[PeerCircle] Reminder: your action item from March circle is due tomorrow, "
        f"{due:%A} {due.day} {due:%B %Y} · Harbour Circle"
    )
    assert f"/meetings/{circle.meeting.pk}/notes/" in reminder.body
    assert SECRET not in _everything_in(reminder)
    row = Delivery.objects.get(template="action_item_reminder")
    assert (row.object_id, row.dedupe_key, row.due_at) == (item.pk, due.isoformat(), at)


def test_moving_the_due_date_sets_a_new_reminder(circle, mailoutbox):
    due = in_days(10)
    item = _give(circle, due_on=due)
    dispatch_due(now=_nine_the_day_before(due) + timedelta(minutes=1))
    later = due + timedelta(days=3)
    notes.update_action_item(
        actor=circle.organizer, item=item, text=item.text, owner=circle.member, due_on=later
    )

    dispatch_due(now=_nine_the_day_before(later) + timedelta(minutes=1))

    assert len(_reminders(mailoutbox)) == 2
    assert sorted(
        Delivery.objects.filter(template="action_item_reminder").values_list(
            "dedupe_key", flat=True
        )
    ) == [due.isoformat(), later.isoformat()]


def test_a_reminder_for_a_date_since_moved_is_skipped(circle):
    due = in_days(10)
    item = _give(circle, due_on=due)
    plan_action_item_reminders(_nine_the_day_before(due) + timedelta(minutes=1))
    notes.update_action_item(
        actor=circle.organizer, item=item, text=item.text, owner=circle.member, due_on=in_days(12)
    )

    assert _send("action_item_reminder") == {circle.member.email: DeliveryStatus.SKIPPED}


@pytest.mark.parametrize("change", ["done", "left"])
def test_no_reminder_once_done_or_gone(circle, mailoutbox, change):
    due = in_days(10)
    item = _give(circle, due_on=due)
    plan_action_item_reminders(_nine_the_day_before(due) + timedelta(minutes=1))
    if change == "done":
        notes.set_action_item_done(actor=circle.member, item=item, done=True)
    else:
        leave_group(user=circle.member, group=circle.group)

    assert _send("action_item_reminder") == {circle.member.email: DeliveryStatus.SKIPPED}
    assert _reminders(mailoutbox) == []


def test_the_planner_leaves_out_done_unowned_and_unwanted_items(circle):
    due = in_days(10)
    done = circle.item(due_on=due, created_at=timezone.now() - timedelta(days=1))
    notes.set_action_item_done(actor=circle.organizer, item=done, done=True)
    circle.item(due_on=due, owner=None)
    circle.item(due_on=due, owner=circle.other)
    NotificationPreference.objects.create(
        user=circle.other, kind=NotificationKind.ACTION_ITEM, enabled=False
    )
    wanted = circle.item(due_on=due, owner=circle.facilitator)

    assert plan_action_item_reminders(_nine_the_day_before(due) + timedelta(minutes=1)) == 1
    assert list(Delivery.objects.values_list("object_id", flat=True)) == [wanted.pk]


def test_an_item_given_after_reminder_time_gets_no_reminder_on_top(circle):
    due = in_days(10)
    at = _nine_the_day_before(due)
    circle.item(due_on=due, created_at=at + timedelta(hours=2))

    assert plan_action_item_reminders(at + timedelta(hours=3)) == 0


def test_a_reminder_missed_for_longer_than_the_catch_up_is_not_sent(circle):
    due = in_days(10)
    circle.item(due_on=due)

    assert plan_action_item_reminders(_nine_the_day_before(due) + timedelta(hours=7)) == 0


def test_reminders_follow_each_owners_zone(circle):
    due = in_days(10)
    circle.other.profile.time_zone = "Asia/Tokyo"
    circle.other.profile.save(update_fields=["time_zone"])
    circle.item(due_on=due, owner=circle.other)
    tokyo_nine = datetime.combine(
        due - timedelta(days=1), time(9, 0), tzinfo=ZoneInfo("Asia/Tokyo")
    )

    assert plan_action_item_reminders(_nine_the_day_before(due) + timedelta(minutes=1)) == 0
    assert plan_action_item_reminders(tokyo_nine + timedelta(minutes=1)) == 1
    assert Delivery.objects.get().due_at == tokyo_nine
