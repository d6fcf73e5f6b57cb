"""What scheduling polls e-mail, built when each e-mail goes out: a new poll (every member but
its organizer), a reminder a day before it closes (those who have not answered), the poll closed
(the organizers: time to choose) and the chosen time (every member but the organizer who chose
it). Times are written in each recipient's own zone; the organizer's note never leaves the site.
An e-mail whose reason has gone (answered, closed, scheduled, left, meeting deleted) is skipped,
and whoever turned poll e-mails off is not recorded one at all."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from groups.enums import Role
from groups.models import Membership
from groups.services.membership import leave_group
from meetings.models import Meeting
from meetings.services import cancel_meeting
from members import notifications
from members.dates import when
from members.enums import DeliveryStatus, NotificationKind
from members.models import Delivery, NotificationPreference
from members.notifications import dispatch_due, send_delivery
from polls import services
from polls.enums import Availability, Repeat
from tests.factories import MembershipFactory, UserFactory
from tests.polls.helpers import answer, denver, open_poll

pytestmark = pytest.mark.django_db

SITE = settings.SITE_URL.rstrip("/")
TITLE = "Autumn schedule"
NOTE = "Evenings suit most of us; mornings only if nothing else works"
LONDON, NEW_YORK = "Europe/London", "America/New_York"  # Mia's zone; everyone else's (factory)
SENT, SKIPPED = DeliveryStatus.SENT, DeliveryStatus.SKIPPED
YES, NO = Availability.YES, Availability.NO


@pytest.fixture
def mia(mia):
    """Mia reads her e-mail in London; the group meets in Denver; the others are in New York."""
    mia.profile.time_zone = LONDON
    mia.profile.save(update_fields=["time_zone"])
    return mia


@pytest.fixture
def cora(group):
    """A co-organizer: told when a poll closes, like the organizer."""
    user = UserFactory(profile__display_name="Cora Co-organizer")
    MembershipFactory(group=group, role=Role.CO_ORGANIZER, user=user)
    return user


@pytest.fixture
def poll(group, organizer, dana, mia, max_):
    return open_poll(organizer, group, title=TITLE, note=NOTE)


@pytest.fixture
def broker_holds(monkeypatch):
    """``dispatch_due`` records and claims what is due, but no worker has sent it yet."""
    monkeypatch.setattr(notifications, "enqueue", lambda ids: len(ids))


def _send(template: str) -> dict[str, str]:
    """Send every delivery of ``template`` now, as the worker would: {e-mail address: outcome}."""
    rows = Delivery.objects.filter(template=template).order_by("pk").values_list("pk", "email")
    return {email: send_delivery(pk) for pk, email in rows}


def _recorded(template: str) -> set[str]:
    return set(Delivery.objects.filter(template=template).values_list("email", flat=True))


def _by_person(mailoutbox, subject_start: str = "") -> dict[str, object]:
    messages = [m for m in mailoutbox if m.subject.startswith(f"[PeerCircle] {subject_start}")]
    by_person = {m.to[0]: m for m in messages}
    assert len(by_person) == len(messages)  # one e-mail each
    return by_person


def _html(message) -> str:
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    return html


def _parts(message) -> list[str]:
    return [message.subject, message.body, _html(message)]


def _listed_times(message) -> tuple[list[str], list[str]]:
    """The times listed in the text ("- ..." lines) and in the HTML (<li> items)."""
    text = [line[2:] for line in message.body.splitlines() if line.startswith("- ")]
    html = re.findall(r"<li>(.*?)</li>", _html(message))
    return text, html


def _times(poll, zone: str) -> list[str]:
    return [when(o.starts_at, zone=zone) for o in poll.options.order_by("starts_at")]


def _poll_link(poll) -> str:
    return f"{SITE}{poll.get_absolute_url()}"


def _assert_no_note(mailoutbox) -> None:
    assert mailoutbox
    for message in mailoutbox:
        for part in _parts(message):
            assert NOTE not in part
            assert "Evenings suit" not in part


# --- a new poll ---------------------------------------------------------------------------------


def test_poll_opened_goes_once_to_every_member_but_the_organizer(
    mailoutbox, poll, organizer, dana, mia, max_
):
    assert _send("poll_opened") == {dana.email: SENT, mia.email: SENT, max_.email: SENT}
    assert _send("poll_opened") == {dana.email: SENT, mia.email: SENT, max_.email: SENT}

    by_person = _by_person(mailoutbox)
    assert sorted(by_person) == sorted([dana.email, mia.email, max_.email])
    assert organizer.email not in by_person
    for message in by_person.values():
        assert message.subject == f"[PeerCircle] When can you meet? {TITLE} · Mile High Consult"
        assert message.extra_headers["List-Unsubscribe"].startswith(f"<{SITE}/")


def test_poll_opened_lists_every_time_in_the_recipients_own_zone_and_links_the_poll(
    mailoutbox, poll, dana, mia, max_
):
    _send("poll_opened")

    by_person = _by_person(mailoutbox)
    for user, zone in [(mia, LONDON), (dana, NEW_YORK), (max_, NEW_YORK)]:
        message = by_person[user.email]
        assert _listed_times(message) == (_times(poll, zone), _times(poll, zone))
        closes = when(poll.closes_at, zone=zone)
        lines = message.body.splitlines()
        assert lines[0] == f"Hello {user},"
        assert (
            f'Olga Organizer is finding a time for Mile High Consult ("{TITLE}") and proposes:'
            in lines
        )
        assert f"Say which times suit you (yes, if need be or no) before {closes}:" in lines
        assert _poll_link(poll) in lines
        assert f'href="{_poll_link(poll)}"' in _html(message)
    london = _listed_times(by_person[mia.email])[0]
    assert len(london) == 3
    assert all(line.endswith(" London time") for line in london)
    assert london[0] == when(denver(8), zone=LONDON)  # proposed as 19:00 Denver time


def test_poll_opened_never_carries_the_organizers_note(mailoutbox, poll):
    assert poll.note == NOTE

    _send("poll_opened")

    assert len(mailoutbox) == 3
    _assert_no_note(mailoutbox)


def test_poll_opened_is_skipped_for_someone_who_left_the_group(
    mailoutbox, group, poll, dana, mia, max_
):
    leave_group(user=dana, group=group)

    assert _send("poll_opened") == {dana.email: SKIPPED, mia.email: SENT, max_.email: SENT}
    assert sorted(m.to[0] for m in mailoutbox) == sorted([mia.email, max_.email])


def test_poll_opened_is_skipped_once_the_poll_closed(mailoutbox, poll, organizer):
    services.close_poll(poll=poll, actor=organizer)

    assert set(_send("poll_opened").values()) == {SKIPPED}
    assert mailoutbox == []


# --- the reminder a day before it closes ----------------------------------------------------------


def test_poll_closing_reminder_goes_once_to_those_who_have_not_answered(
    mailoutbox, poll, organizer, dana, mia, max_
):
    answer(dana, poll, YES, YES, NO)
    day_before = poll.closes_at - timedelta(hours=23)

    dispatch_due(now=day_before)
    dispatch_due(now=day_before + timedelta(hours=1))

    assert _recorded("poll_closing") == {organizer.email, mia.email, max_.email}
    by_person = _by_person(mailoutbox, "The poll closes soon")
    assert sorted(by_person) == sorted([organizer.email, mia.email, max_.email])
    for user, zone in [(mia, LONDON), (max_, NEW_YORK), (organizer, NEW_YORK)]:
        message = by_person[user.email]
        assert message.subject == (
            f"[PeerCircle] The poll closes soon: {TITLE} · Mile High Consult"
        )
        assert _listed_times(message) == (_times(poll, zone), _times(poll, zone))
        closes = when(poll.closes_at, zone=zone)
        assert (
            f'Mile High Consult is finding a time ("{TITLE}"), and you have not answered yet. '
            f"The poll closes on {closes}."
        ) in message.body.splitlines()
        assert _poll_link(poll) in message.body.splitlines()
        assert f'href="{_poll_link(poll)}"' in _html(message)
    _assert_no_note(list(by_person.values()))


def test_no_reminder_for_a_poll_opened_less_than_two_days_before_it_closes(
    mailoutbox, group, organizer, dana
):
    poll = open_poll(organizer, group, closes_at=timezone.now() + timedelta(hours=47))

    dispatch_due(now=poll.closes_at - timedelta(hours=23))

    assert _recorded("poll_closing") == set()
    assert _by_person(mailoutbox, "The poll closes soon") == {}


def test_poll_closing_reminder_is_skipped_for_someone_who_answered_since(
    mailoutbox, broker_holds, poll, organizer, dana, mia, max_
):
    dispatch_due(now=poll.closes_at - timedelta(hours=23))
    assert _recorded("poll_closing") == {organizer.email, dana.email, mia.email, max_.email}
    answer(dana, poll, YES, NO, NO)

    assert _send("poll_closing") == {
        organizer.email: SENT,
        dana.email: SKIPPED,
        mia.email: SENT,
        max_.email: SENT,
    }
    assert sorted(_by_person(mailoutbox, "The poll closes soon")) == sorted(
        [organizer.email, mia.email, max_.email]
    )


def test_poll_closing_reminder_is_skipped_once_the_poll_closed(
    mailoutbox, broker_holds, poll, organizer
):
    dispatch_due(now=poll.closes_at - timedelta(hours=23))
    services.close_poll(poll=poll, actor=organizer)

    outcomes = _send("poll_closing")

    assert len(outcomes) == 4
    assert set(outcomes.values()) == {SKIPPED}
    assert _by_person(mailoutbox, "The poll closes soon") == {}


def test_poll_closing_reminder_is_skipped_for_someone_who_left_the_group(
    mailoutbox, broker_holds, group, poll, organizer, dana, mia, max_
):
    dispatch_due(now=poll.closes_at - timedelta(hours=23))
    leave_group(user=mia, group=group)

    assert _send("poll_closing") == {
        organizer.email: SENT,
        dana.email: SENT,
        mia.email: SKIPPED,
        max_.email: SENT,
    }
    assert mia.email not in _by_person(mailoutbox, "The poll closes soon")


# --- the poll closed: time to choose -------------------------------------------------------------


def _schedule_link(group, poll) -> str:
    return f"{SITE}/groups/{group.slug}/polls/{poll.pk}/schedule/"


def test_poll_closed_at_its_deadline_tells_every_organizer_it_is_time_to_choose(
    mailoutbox, group, poll, organizer, cora
):
    services.close_due_polls(now=poll.closes_at + timedelta(seconds=1))

    assert _send("poll_closed") == {organizer.email: SENT, cora.email: SENT}
    by_person = _by_person(mailoutbox)
    assert sorted(by_person) == sorted([organizer.email, cora.email])
    for message in by_person.values():
        assert message.subject == (
            f'[PeerCircle] Time to choose: the poll "{TITLE}" has closed · Mile High Consult'
        )
        lines = message.body.splitlines()
        assert (
            f'The poll "{TITLE}" of Mile High Consult has closed. '
            "See the answers and turn the best time into a meeting or a series:"
        ) in lines
        assert _schedule_link(group, poll) in lines
        assert f'href="{_schedule_link(group, poll)}"' in _html(message)
    _assert_no_note(mailoutbox)


def test_poll_closed_by_an_organizer_names_them_and_is_not_sent_to_them(
    mailoutbox, group, poll, organizer, cora
):
    services.close_poll(poll=poll, actor=organizer)

    assert _send("poll_closed") == {cora.email: SENT}
    (message,) = mailoutbox
    assert message.to == [cora.email]
    assert message.subject == (
        f'[PeerCircle] Time to choose: the poll "{TITLE}" has closed · Mile High Consult'
    )
    assert (
        f'Olga Organizer closed the poll "{TITLE}" of Mile High Consult. '
        "See the answers and turn the best time into a meeting or a series:"
    ) in message.body.splitlines()
    assert "Olga Organizer closed the poll" in _html(message)
    assert _schedule_link(group, poll) in message.body.splitlines()
    _assert_no_note(mailoutbox)


def test_poll_closed_is_skipped_once_the_poll_is_scheduled(mailoutbox, poll, organizer, cora):
    services.close_due_polls(now=poll.closes_at + timedelta(seconds=1))
    services.schedule_from_poll(actor=cora, poll=poll, option_id=poll.options.first().pk)

    assert _send("poll_closed") == {organizer.email: SKIPPED, cora.email: SKIPPED}
    assert mailoutbox == []


# --- the chosen time ------------------------------------------------------------------------------


def test_poll_scheduled_tells_every_member_but_the_organizer_the_time_in_their_zone(
    mailoutbox, poll, organizer, dana, mia, max_
):
    chosen = poll.options.order_by("starts_at")[1]
    poll = services.schedule_from_poll(actor=organizer, poll=poll, option_id=chosen.pk)
    meeting = poll.meeting
    assert meeting.starts_at == chosen.starts_at

    assert _send("poll_scheduled") == {dana.email: SENT, mia.email: SENT, max_.email: SENT}

    by_person = _by_person(mailoutbox)
    assert organizer.email not in by_person
    meeting_link = f"{SITE}{meeting.get_absolute_url()}"
    for user, zone in [(mia, LONDON), (dana, NEW_YORK), (max_, NEW_YORK)]:
        message = by_person[user.email]
        at = when(meeting.starts_at, zone=zone)
        assert message.subject == f"[PeerCircle] Mile High Consult meets on {at}"
        lines = message.body.splitlines()
        assert (
            f'The poll "{TITLE}" has found a time: Mile High Consult meets on {at} (90 minutes).'
        ) in lines
        assert meeting_link in lines
        assert f'href="{meeting_link}"' in _html(message)
        assert f"<strong>{at}</strong>" in _html(message)
    assert by_person[mia.email].subject.endswith(" London time")
    _assert_no_note(mailoutbox)


def test_poll_scheduled_as_a_series_says_so(mailoutbox, poll, organizer, dana):
    poll = services.schedule_from_poll(
        actor=organizer, poll=poll, option_id=poll.options.first().pk, repeat=Repeat.WEEKLY
    )

    _send("poll_scheduled")

    at = when(poll.meeting.starts_at, zone=NEW_YORK)
    assert (
        f'The poll "{TITLE}" has found a time: Mile High Consult meets on {at} (90 minutes), '
        "the first of a series."
    ) in _by_person(mailoutbox)[dana.email].body.splitlines()


def test_poll_scheduled_is_skipped_once_its_meeting_is_deleted(
    mailoutbox, poll, organizer, dana, mia, max_
):
    poll = services.schedule_from_poll(
        actor=organizer, poll=poll, option_id=poll.options.first().pk
    )
    Meeting.objects.filter(pk=poll.meeting_id).delete()
    poll.refresh_from_db()
    assert poll.meeting is None

    assert _send("poll_scheduled") == {dana.email: SKIPPED, mia.email: SKIPPED, max_.email: SKIPPED}
    assert mailoutbox == []


def test_poll_scheduled_is_skipped_once_its_meeting_is_cancelled(
    mailoutbox, poll, organizer, dana, mia, max_
):
    poll = services.schedule_from_poll(
        actor=organizer, poll=poll, option_id=poll.options.first().pk
    )
    cancel_meeting(actor=organizer, meeting=poll.meeting)

    assert _send("poll_scheduled") == {dana.email: SKIPPED, mia.email: SKIPPED, max_.email: SKIPPED}


def test_poll_closed_is_skipped_for_an_organizer_who_is_no_longer_one(
    mailoutbox, poll, organizer, cora
):
    services.close_due_polls(now=poll.closes_at + timedelta(seconds=1))
    Membership.objects.filter(user=cora).update(role=Role.MEMBER)

    assert _send("poll_closed") == {organizer.email: SENT, cora.email: SKIPPED}


# --- the "poll" preference -----------------------------------------------------------------------


def _opened(poll, organizer):
    pass  # the poll fixture opened it


def _closing(poll, organizer):
    dispatch_due(now=poll.closes_at - timedelta(hours=23))


def _closed(poll, organizer):
    services.close_due_polls(now=poll.closes_at + timedelta(seconds=1))


def _scheduled(poll, organizer):
    services.schedule_from_poll(actor=organizer, poll=poll, option_id=poll.options.first().pk)


@pytest.mark.parametrize(
    ("template", "act", "others"),
    [
        ("poll_opened", _opened, ["dana", "mia", "max_"]),
        ("poll_closing", _closing, ["organizer", "dana", "mia", "max_"]),
        ("poll_closed", _closed, ["organizer"]),
        ("poll_scheduled", _scheduled, ["dana", "mia", "max_"]),
    ],
)
def test_every_poll_email_honours_the_poll_preference(
    request, mailoutbox, group, organizer, cora, template, act, others
):
    NotificationPreference.objects.create(user=cora, kind=NotificationKind.POLL, enabled=False)
    poll = open_poll(organizer, group, title=TITLE)

    act(poll, organizer)

    expected = {request.getfixturevalue(name).email for name in others}
    assert _recorded(template) == expected
    assert cora.email not in {m.to[0] for m in mailoutbox}
    assert not Delivery.objects.filter(recipient=cora).exists()
