from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from groups.enums import Role
from meetings import services as meeting_services
from meetings.models import Meeting, Rsvp
from members import notifications
from members.models import Delivery, NotificationPreference, TherapistProfile
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory
from tests.support import mail as flaky

pytestmark = pytest.mark.django_db

NY = ZoneInfo("America/New_York")


@pytest.fixture
def setup():
    group = GroupFactory(time_zone="America/New_York")
    organizer = MembershipFactory(group=group, role=Role.ORGANIZER).user
    going = MembershipFactory(group=group).user
    silent = MembershipFactory(group=group).user
    cant = MembershipFactory(group=group).user
    # 7 pm New York on the Monday after the spring DST change (14 March 2027).
    start = datetime(2027, 3, 15, 19, tzinfo=NY).astimezone(UTC)
    meeting = MeetingFactory(group=group, starts_at=start, ends_at=start + timedelta(minutes=90))
    for user, answer in ((organizer, "maybe"), (going, "going"), (cant, "cant")):
        Rsvp.objects.create(meeting=meeting, user=user, answer=answer)
    return {
        "group": group,
        "organizer": organizer,
        "going": going,
        "silent": silent,
        "cant": cant,
        "meeting": meeting,
    }


def _reminders():
    return sorted(
        Delivery.objects.filter(template="meeting_reminder").values_list("email", "due_at")
    )


def test_reminders_fall_due_at_each_persons_lead_times_across_dst(setup):
    TherapistProfile.objects.filter(user=setup["going"]).update(reminder_lead_minutes=[1440, 60])
    TherapistProfile.objects.filter(user=setup["organizer"]).update(reminder_lead_minutes=[10080])
    start = setup["meeting"].starts_at
    notifications.dispatch_due(now=start - timedelta(hours=25))
    assert _reminders() == []
    notifications.dispatch_due(now=start - timedelta(hours=24))
    # The clocks changed early on Sunday, so 24 hours before 7 pm EDT on Monday is 7 pm EDT on
    # Sunday: 23:00 UTC.
    assert _reminders() == [(setup["going"].email, datetime(2027, 3, 14, 23, tzinfo=UTC))]
    notifications.dispatch_due(now=start - timedelta(minutes=60))
    assert len(_reminders()) == 2


def test_week_ahead_reminder_is_before_the_dst_change(setup):
    TherapistProfile.objects.filter(user=setup["organizer"]).update(reminder_lead_minutes=[10080])
    due = setup["meeting"].starts_at - timedelta(minutes=10080)
    notifications.dispatch_due(now=due)
    assert _reminders() == [(setup["organizer"].email, due)]
    assert due.astimezone(NY).hour == 18  # 7 pm EDT minus 168 hours is 6 pm EST


def test_reminders_go_to_going_and_maybe_and_optionally_the_silent(setup, mailoutbox):
    TherapistProfile.objects.filter(user=setup["silent"]).update(remind_when_unanswered=True)
    now = setup["meeting"].starts_at - timedelta(minutes=59)
    sent = notifications.dispatch_due(now=now)
    emails = sorted(m.to[0] for m in mailoutbox)
    assert emails == sorted([setup["organizer"].email, setup["going"].email, setup["silent"].email])
    assert sent == 3
    assert setup["cant"].email not in emails


def test_dispatching_twice_sends_each_reminder_once(setup, mailoutbox):
    now = setup["meeting"].starts_at - timedelta(minutes=30)
    notifications.dispatch_due(now=now)
    notifications.dispatch_due(now=now)
    notifications.dispatch_due(now=now + timedelta(minutes=1))
    assert len(mailoutbox) == 2
    assert Delivery.objects.filter(status="sent").count() == 2


def test_reminder_email_has_ics_unsubscribe_headers_and_local_time(setup, mailoutbox):
    TherapistProfile.objects.filter(user=setup["going"]).update(time_zone="Europe/Berlin")
    notifications.dispatch_due(now=setup["meeting"].starts_at - timedelta(minutes=30))
    message = next(m for m in mailoutbox if m.to == [setup["going"].email])
    assert message.attachments[0][0] == "meeting.ics"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    delivery = Delivery.objects.get(email=setup["going"].email)
    assert message.extra_headers["Message-ID"] == f"<delivery-{delivery.pk}@peercircle.local>"
    assert "00:00 Berlin time" in message.body  # 7 pm in New York is midnight in Berlin


def test_reminder_for_a_meeting_cancelled_meanwhile_is_skipped(setup, mailoutbox):
    now = setup["meeting"].starts_at - timedelta(minutes=30)
    for plan in notifications.PLANNERS:
        plan(now)
    Meeting.objects.filter(pk=setup["meeting"].pk).update(status="cancelled")
    notifications.dispatch_due(now=now)
    assert mailoutbox == []
    assert set(Delivery.objects.values_list("status", flat=True)) == {"skipped"}


def test_rescheduled_meeting_gets_fresh_reminders_and_old_ones_are_skipped(setup, mailoutbox):
    meeting = setup["meeting"]
    now = meeting.starts_at - timedelta(minutes=30)
    for plan in notifications.PLANNERS:
        plan(now)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=meeting.starts_at + timedelta(hours=2),
        ends_at=meeting.ends_at + timedelta(hours=2),
    )
    notifications.dispatch_due(now=now)
    assert mailoutbox == []
    notifications.dispatch_due(now=now + timedelta(hours=2))
    assert len(mailoutbox) == 2


def test_rolled_back_transaction_records_and_sends_nothing(
    setup, mailoutbox, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        meeting_services.cancel_meeting(actor=setup["organizer"], meeting=setup["meeting"])
        raise RuntimeError("the request failed after the service ran")
    assert Delivery.objects.count() == 0
    assert mailoutbox == []


def test_turned_off_kind_is_not_recorded(setup, mailoutbox):
    NotificationPreference.objects.create(
        user=setup["going"], kind="meeting_reminder", enabled=False
    )
    notifications.dispatch_due(now=setup["meeting"].starts_at - timedelta(minutes=30))
    assert [m.to for m in mailoutbox] == [[setup["organizer"].email]]


def test_rsvp_nudge_two_days_before_to_those_who_have_not_answered(setup, mailoutbox):
    notifications.dispatch_due(now=setup["meeting"].starts_at - timedelta(hours=48))
    assert [m.to for m in mailoutbox] == [[setup["silent"].email]]


def test_transient_smtp_failure_is_retried_with_backoff(setup, settings, mailoutbox):
    settings.EMAIL_BACKEND = "tests.support.mail.TransientFailureBackend"
    flaky.FAILURES["count"] = 2
    now = setup["meeting"].starts_at - timedelta(minutes=30)
    notifications.dispatch_due(now=now)
    failed = Delivery.objects.filter(status="failed")
    assert failed.count() == 2
    assert failed.first().last_error.startswith("SMTPServerDisconnected")
    notifications.dispatch_due(now=timezone.now())  # too early for the retry
    assert len(mailoutbox) == 0
    notifications.dispatch_due(now=timezone.now() + timedelta(minutes=2))
    assert len(mailoutbox) == 2
    assert set(Delivery.objects.values_list("status", "attempts")) == {("sent", 2)}


def test_permanent_failure_stays_visible_as_dead(setup, settings):
    settings.EMAIL_BACKEND = "tests.support.mail.PermanentFailureBackend"
    notifications.dispatch_due(now=setup["meeting"].starts_at - timedelta(minutes=30))
    assert set(Delivery.objects.values_list("status", flat=True)) == {"dead"}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notifications.resend(Delivery.objects.values_list("pk", flat=True)) == 2
    notifications.dispatch_due()
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


def test_unsubscribe_link_turns_off_one_kind(client, setup):
    token = notifications.unsubscribe_token(setup["going"].pk, "meeting_reminder")
    url = reverse("members:unsubscribe", args=[token])
    assert "Stop these e-mails?" in client.get(url).content.decode()
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    pref = NotificationPreference.objects.get(user=setup["going"], kind="meeting_reminder")
    assert pref.enabled is False


@pytest.mark.parametrize("token", ["forged", "eyJ1IjoxLCJrIjoibWVldGluZ19yZW1pbmRlciJ9:bad:sig"])
def test_forged_unsubscribe_token_changes_nothing(client, token):
    response = client.post(reverse("members:unsubscribe", args=[token]))
    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_unsubscribe_token_for_an_always_sent_kind_is_refused(client, setup):
    token = notifications.unsubscribe_token(setup["going"].pk, "invitation")
    assert client.post(reverse("members:unsubscribe", args=[token])).status_code == 400


def test_expired_unsubscribe_token_is_refused(setup):
    from django.core import signing

    token = notifications.unsubscribe_token(setup["going"].pk, "meeting_reminder")
    with pytest.raises(signing.SignatureExpired):
        notifications.read_unsubscribe_token(token, max_age_days=-1)


def test_preferences_page_saves_and_refuses_unknown_lead_times(client, setup):
    client.force_login(setup["going"])
    url = reverse("members:notifications")
    bad = client.post(url, {"lead_minutes": ["1440", "999"], "on_meeting_reminder": "on"})
    assert bad.status_code == 200
    assert "Choose lead times from the list." in bad.content.decode()
    assert not NotificationPreference.objects.exists()
    good = client.post(
        url,
        {
            "lead_minutes": ["2880", "15"],
            "on_meeting_reminder": "on",
            "digest_application_received": "0",
        },
    )
    assert good.status_code == 302
    profile = TherapistProfile.objects.get(user=setup["going"])
    assert profile.reminder_lead_minutes == [2880, 15]
    prefs = dict(
        NotificationPreference.objects.filter(user=setup["going"]).values_list("kind", "enabled")
    )
    assert prefs["meeting_reminder"] is True
    assert prefs["rsvp_nudge"] is False
    assert (
        NotificationPreference.objects.get(user=setup["going"], kind="application_received").digest
        is False
    )


def test_application_digest_is_due_at_eight_in_the_organizers_zone(setup):
    from groups import notifications as group_notifications

    TherapistProfile.objects.filter(user=setup["organizer"]).update(time_zone="Asia/Tokyo")
    setup["organizer"].profile.refresh_from_db()
    due = group_notifications.next_digest_time(
        setup["organizer"], now=datetime(2027, 1, 10, 0, 30, tzinfo=UTC)
    )
    assert due == datetime(2027, 1, 11, 8, tzinfo=ZoneInfo("Asia/Tokyo"))
