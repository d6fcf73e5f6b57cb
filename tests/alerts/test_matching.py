"""Alerts: a group that opens (created, active again, a seat comes free) is told, once, to the
saved searches whose owners would see it on browse; at once or in the weekly digest."""

from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from alerts import services
from alerts.enums import Frequency
from alerts.models import AlertMatch
from alerts.notifications import read_unsubscribe_token
from groups import services as group_services
from groups.enums import GroupStatus
from groups.models import WaitlistEntry
from members.models import Delivery
from members.notifications import dispatch_due
from tests.alerts.helpers import save, start_group
from tests.factories import (
    ApplicationFactory,
    MembershipFactory,
    UserFactory,
    WaitlistEntryFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a write and everything it queues once it commits (the match, the e-mails)."""

    def call(func, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return func(*args, **kwargs)

    return call


def _to(mailoutbox) -> list[str]:
    return sorted(message.to[0] for message in mailoutbox)


def test_a_new_group_is_told_once_to_each_search_that_finds_it(run, organizer, seeker, mailoutbox):
    save(seeker, venue_kind="online", size="small", time_of_day="evening")
    save(UserFactory(), format="structured")  # finds another kind of group
    save(organizer, venue_kind="online")  # the organizer is never told of their own group

    group = run(start_group, organizer)

    assert _to(mailoutbox) == [seeker.email]
    message = mailoutbox[0]
    assert message.subject == (
        "[PeerCircle] A new group like the ones you look for: Evening Support Circle"
    )
    assert "Online, small groups, evenings" in message.body
    assert f"/groups/{group.slug}/" in message.body
    assert "Olga" not in message.body + message.alternatives[0][0]  # no member's name
    assert AlertMatch.objects.get().reason == "created"


def test_the_e_mail_carries_a_one_click_unsubscribe_of_its_search(
    run, client, organizer, seeker, mailoutbox
):
    search = save(seeker, venue_kind="online")
    run(start_group, organizer)

    header = mailoutbox[0].extra_headers["List-Unsubscribe"]
    assert mailoutbox[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = header.strip("<>")
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert read_unsubscribe_token(token) == (seeker.pk, [search.pk])
    assert url in mailoutbox[0].body

    response = client.post(url.split("8000", 1)[1])  # the mail client's one click: no session

    assert response.status_code == 200
    search.refresh_from_db()
    assert search.frequency == Frequency.OFF
    mailoutbox.clear()
    run(start_group, organizer, name="Another online group")
    assert mailoutbox == []


def test_a_seat_freed_by_a_member_who_leaves_is_told_but_not_to_them(
    run, organizer, seeker, mailoutbox
):
    group = start_group(organizer, capacity=2)
    leaver = UserFactory()
    group_services.join_group(user=leaver, group=group, accepted_rules=True)
    save(seeker, venue_kind="online")
    save(leaver, venue_kind="online")

    run(group_services.leave_group, user=leaver, group=group)

    assert _to(mailoutbox) == [seeker.email]
    assert "A seat is open in Evening Support Circle" in mailoutbox[0].subject
    assert AlertMatch.objects.get().reason == "seat"


def test_a_member_removed_is_not_told_of_the_seat_they_left(run, organizer, seeker, mailoutbox):
    group = start_group(organizer, capacity=2)
    removed = UserFactory()
    group_services.join_group(user=removed, group=group, accepted_rules=True)
    save(removed, venue_kind="online")
    membership = group.memberships.get(user=removed)

    run(group_services.remove_member, actor=organizer, group=group, membership_id=membership.pk)

    assert [m.template for m in Delivery.objects.all()] == ["member_removed"]


def test_a_seat_owed_to_the_waitlist_is_not_open_to_newcomers(run, organizer, seeker, mailoutbox):
    group = start_group(organizer, capacity=2)
    member, waiting = UserFactory(), UserFactory()
    group_services.join_group(user=member, group=group, accepted_rules=True)
    group_services.join_group(user=waiting, group=group, accepted_rules=True)  # full: waits
    save(seeker, venue_kind="online")

    run(group_services.leave_group, user=member, group=group)

    assert [m.template for m in Delivery.objects.all()] == ["waitlist_offer"]
    assert AlertMatch.objects.count() == 0
    # The person offered the seat declines it, and nobody else waits: now it is open.
    entry = WaitlistEntry.objects.get(user=waiting)
    mailoutbox.clear()
    run(group_services.decline_offer, user=waiting, entry_id=entry.pk)

    assert _to(mailoutbox) == [seeker.email]


def test_members_waiting_people_and_applicants_are_not_told(organizer, seeker, mailoutbox):
    group = start_group(organizer, capacity=5, membership_policy="closed")
    member, waiting, applicant = UserFactory(), UserFactory(), UserFactory()
    MembershipFactory(group=group, user=member)
    WaitlistEntryFactory(group=group, user=waiting)
    ApplicationFactory(group=group, applicant=applicant)
    for person in (member, waiting, applicant, seeker):
        save(person, venue_kind="online")

    assert services.match_group(group_id=group.pk, reason="seat") == 1
    assert list(AlertMatch.objects.values_list("search__owner", flat=True)) == [seeker.pk]


def test_each_group_is_told_once_per_search_whatever_happens_next(
    run, organizer, seeker, mailoutbox
):
    save(seeker, venue_kind="online")
    group = run(start_group, organizer)
    other = UserFactory()
    for _ in range(2):
        run(group_services.join_group, user=other, group=group, accepted_rules=True)
        run(group_services.leave_group, user=other, group=group)
    services.match_group(group_id=group.pk, reason="seat")  # a task run twice

    assert _to(mailoutbox) == [seeker.email]
    assert Delivery.objects.filter(template="alert_match").count() == 1


def test_two_searches_of_one_person_that_find_a_group_make_one_e_mail(
    run, organizer, seeker, mailoutbox
):
    first = save(seeker, venue_kind="online", name="Online")
    second = save(seeker, purpose="support", name="Support")

    run(start_group, organizer)

    assert _to(mailoutbox) == [seeker.email]
    assert "Online; Support" in mailoutbox[0].body
    assert AlertMatch.objects.filter(delivery_key=f"search:{first.pk}").count() == 2
    token = mailoutbox[0].extra_headers["List-Unsubscribe"].strip("<>/").rsplit("/", 1)[1]
    assert read_unsubscribe_token(token) == (seeker.pk, [first.pk, second.pk])


@pytest.mark.parametrize(
    ("zone", "time_of_day", "told"),
    [
        ("America/New_York", "evening", True),  # 19:00 in Denver is 21:00 in New York
        ("Europe/London", "evening", False),  # and 02:00 the next morning in London
        ("Europe/London", "morning", True),
    ],
)
def test_time_of_day_is_read_in_the_search_owners_zone(
    run, organizer, mailoutbox, zone, time_of_day, told
):
    owner = UserFactory(profile__time_zone=zone)
    save(owner, time_of_day=time_of_day)

    run(start_group, organizer, usual_time=time(19, 0), time_zone="America/Denver")

    assert _to(mailoutbox) == ([owner.email] if told else [])


def test_a_closed_group_follows_browse(run, organizer, mailoutbox):
    anyone, open_only = UserFactory(), UserFactory()
    save(anyone, venue_kind="online")
    save(open_only, venue_kind="online", membership_policy="open")

    run(start_group, organizer, membership_policy="closed")

    assert _to(mailoutbox) == [anyone.email]


def test_a_paused_group_is_told_when_it_is_active_again(run, organizer, seeker, mailoutbox):
    group = start_group(organizer, status=GroupStatus.PAUSED)
    save(seeker, venue_kind="online")

    run(group_services.update_group, actor=organizer, group=group, data={"status": "active"})

    assert _to(mailoutbox) == [seeker.email]
    assert AlertMatch.objects.get().reason == "reopened"


def test_a_paused_group_tells_nobody_of_a_seat(run, organizer, seeker, mailoutbox):
    group = start_group(organizer, capacity=3)
    member = UserFactory()
    group_services.join_group(user=member, group=group, accepted_rules=True)
    group_services.update_group(actor=organizer, group=group, data={"status": "paused"})
    save(seeker, venue_kind="online")

    run(group_services.leave_group, user=member, group=group)

    assert mailoutbox == []


def test_raising_the_capacity_of_a_full_group_opens_it(run, organizer, seeker, mailoutbox):
    group = start_group(organizer, capacity=2)
    group_services.join_group(user=UserFactory(), group=group, accepted_rules=True)
    save(seeker, venue_kind="online")

    run(group_services.update_group, actor=organizer, group=group, data={"capacity": 4})

    assert _to(mailoutbox) == [seeker.email]


def test_nothing_is_matched_before_the_change_commits(
    organizer, seeker, django_capture_on_commit_callbacks
):
    save(seeker, venue_kind="online")

    with django_capture_on_commit_callbacks(execute=False) as queued:
        start_group(organizer)
    assert AlertMatch.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        for callback in queued:
            callback()

    assert AlertMatch.objects.count() == 1


def test_at_send_time_a_group_gone_from_browse_is_not_sent(
    organizer, seeker, mailoutbox, django_capture_on_commit_callbacks
):
    save(seeker, venue_kind="online")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        group = start_group(organizer)
    for callback in queued:  # the match only: its e-mail's sending is queued in turn
        with django_capture_on_commit_callbacks(execute=False):
            callback()
    group_services.update_group(actor=organizer, group=group, data={"status": "archived"})

    dispatch_due()

    assert mailoutbox == []
    assert Delivery.objects.get(template="alert_match").status == "skipped"


# --- the weekly digest --------------------------------------------------------------------------


def test_weekly_searches_are_told_in_one_digest_at_eight_in_the_morning(
    run, organizer, seeker, mailoutbox
):
    save(seeker, frequency=Frequency.WEEKLY, venue_kind="online", name="Online")
    save(seeker, frequency=Frequency.WEEKLY, purpose="support", name="Support")
    run(start_group, organizer)
    run(start_group, organizer, name="Second Circle", purposes=["consultation"])
    assert mailoutbox == []
    assert AlertMatch.objects.filter(delivery_key="").count() == 3

    now = timezone.now()
    assert services.plan_weekly_digests(now=now) == 1
    assert services.plan_weekly_digests(now=now) == 0  # run twice: nothing more

    delivery = Delivery.objects.get(template="alert_digest")
    assert now < delivery.due_at <= now + timedelta(days=1)
    assert delivery.due_at.astimezone(ZoneInfo(seeker.profile.time_zone)).time() == time(8, 0)
    dispatch_due(now=delivery.due_at + timedelta(minutes=1))
    assert _to(mailoutbox) == [seeker.email]
    body = mailoutbox[0].body
    assert mailoutbox[0].subject == "[PeerCircle] 2 groups for you this week"
    assert body.count("Evening Support Circle (") == 1  # once, though two searches found it
    assert "Found by your searches: Online; Support" in body
    assert "Second Circle" in body
    dispatch_due(now=delivery.due_at + timedelta(minutes=2))
    assert len(mailoutbox) == 1


def test_a_group_is_in_one_weekly_digest_only(run, organizer, seeker, mailoutbox):
    save(seeker, frequency=Frequency.WEEKLY, venue_kind="online")
    group = run(start_group, organizer)
    services.plan_weekly_digests()
    other = UserFactory()
    run(group_services.join_group, user=other, group=group, accepted_rules=True)
    run(group_services.leave_group, user=other, group=group)
    run(start_group, organizer, name="Next Week Circle")

    services.plan_weekly_digests()

    keys = list(
        Delivery.objects.filter(template="alert_digest").values_list("dedupe_key", flat=True)
    )
    assert len(keys) == 2
    assert [
        list(AlertMatch.objects.filter(delivery_key=key).values_list("group__name", flat=True))
        for key in sorted(keys)
    ] == [["Evening Support Circle"], ["Next Week Circle"]]


def test_a_digest_leaves_out_a_group_the_person_joined_meanwhile(
    run, organizer, seeker, mailoutbox
):
    save(seeker, frequency=Frequency.WEEKLY, venue_kind="online")
    group = run(start_group, organizer)
    group_services.join_group(user=seeker, group=group, accepted_rules=True)
    services.plan_weekly_digests()

    dispatch_due(now=timezone.now() + timedelta(days=1, minutes=1))

    assert mailoutbox == []
    assert Delivery.objects.get(template="alert_digest").status == "skipped"


def test_stopped_searches_wait_for_no_digest(run, organizer, seeker, mailoutbox):
    search = save(seeker, frequency=Frequency.WEEKLY, venue_kind="online")
    run(start_group, organizer)
    services.stop_alerts(user=seeker, search_ids=[search.pk])

    assert services.plan_weekly_digests() == 0


def test_near_a_place_is_read_as_browse_reads_it(run, organizer, mailoutbox):
    near_denver, near_boston = UserFactory(), UserFactory()
    save(near_denver, near="Denver, CO", within="25")
    save(near_boston, near="Boston, MA", within="25", online="on")

    run(start_group, organizer, venue_kind="in_person", city="Denver", region="CO")

    assert _to(mailoutbox) == [near_denver.email]
