"""Find a time with a poll, end to end in Chromium on the live server.

An organizer of a group that meets in Denver time proposes three times through the page; a
member in London and a member in Los Angeles each read the times in their own zone (labelled,
and at the clock time zoneinfo gives for that zone) and answer yes / if need be / no with the
radio buttons; the organizer sees the best time marked, chooses it as one meeting and lands on
the meeting page. The members are told the time once each, the organizer not at all. Every page
visited is checked with axe-core (every finding fails the test at the end), and the poll page
is checked once at phone width.
"""

import re
import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from groups.enums import Role
from meetings.models import Meeting
from members.models import Delivery
from polls.models import Poll
from tests.browser.support import PHONE, A11yAudit, log_in, log_out, screenshots
from tests.factories import GroupFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GROUP = "Rocky Mountain Case Circle"
POLL_TITLE = "Our autumn meeting"
GROUP_ZONE = "America/Denver"
LONDON = "Europe/London"
LOS_ANGELES = "America/Los_Angeles"

# The times the organizer proposes, in the group's zone: (days from today, hour, minute).
PROPOSED = [(8, 19, 0), (9, 12, 0), (10, 7, 30)]
CLOSES = (5, 18, 0)

# Each member's answer to the three times, in order (the labels of the radio buttons).
LONDON_ANSWERS = ["No", "Yes", "If need be"]
LA_ANSWERS = ["If need be", "Yes", "No"]
BEST = 1  # the second time: both members say yes


@pytest.fixture(autouse=True)
def _locmem_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []


def member_of(group, user, role=Role.MEMBER):
    """A membership that has accepted the group's current ground rules."""
    return MembershipFactory(
        group=group,
        user=user,
        role=role,
        rules_version=group.rules_versions.order_by("-number").first(),
        rules_accepted_at=timezone.now(),
    )


def in_group_zone(days: int, hour: int, minute: int) -> datetime:
    """``days`` from today (in the group's zone) at ``hour``:``minute`` the group's time."""
    zone = zoneinfo.ZoneInfo(GROUP_ZONE)
    day = timezone.now().astimezone(zone).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


def long_label(moment: datetime, zone: str, place: str) -> str:
    """How the site writes a moment in full for someone in ``zone``: 'Thursday 9 October 2025,
    02:00 London time' (computed here with zoneinfo, independently of the site's helpers)."""
    local = moment.astimezone(zoneinfo.ZoneInfo(zone))
    return f"{local:%A} {local.day} {local:%B %Y}, {local:%H:%M} {place} time"


def _answer_the_poll(page, audit, poll, times, zone, place, answers, who):
    """On the poll's page: the times read in the member's zone; answer each, save."""
    page.get_by_role("link", name=f"{POLL_TITLE} · {GROUP}").click()  # "When can you meet?"
    page.wait_for_url(re.compile(rf"/polls/{poll.pk}/$"))
    audit.check(f"poll, {who} before answering")
    assert "times are shown in your time zone" in page.locator("main header").inner_text()
    legends = page.locator("#answer-heading ~ form legend").all_inner_texts()
    expected = [long_label(t, zone, place) for t in times]
    assert [" ".join(text.split()) for text in legends] == expected
    assert all(f"{place} time" in text for text in legends)
    rows = page.locator("section[aria-labelledby=results-heading] tbody th")
    for row, moment in zip(rows.all(), times, strict=True):
        text = " ".join(row.inner_text().split())
        assert f"{place} time" in text and "Denver time" in text  # theirs, then the group's
        assert moment.astimezone(zoneinfo.ZoneInfo(zone)).strftime("%H:%M") in text
    for label, choice in zip(expected, answers, strict=True):
        group = page.get_by_role("group", name=label)
        group.get_by_label(choice, exact=True).check()
    page.get_by_role("button", name="Save my answers").click()
    page.wait_for_url(re.compile(rf"/polls/{poll.pk}/$"))
    page.get_by_text("Thank you: your answers are saved.").wait_for()
    audit.check(f"poll, {who} answered")
    for label, choice in zip(expected, answers, strict=True):
        group = page.get_by_role("group", name=label)
        assert group.get_by_label(choice, exact=True).is_checked()


def test_poll_proposed_answered_across_zones_and_scheduled(live_server, page):
    base = live_server.url
    audit = A11yAudit(page)
    group = GroupFactory(name=GROUP, time_zone=GROUP_ZONE)
    organizer = UserFactory(
        email="organizer.poll@example.com",
        profile__display_name="Oren Aspen",
        profile__time_zone=GROUP_ZONE,
    )
    londoner = UserFactory(
        email="london.poll@example.com",
        profile__display_name="Lena Birch",
        profile__time_zone=LONDON,
    )
    angeleno = UserFactory(
        email="la.poll@example.com",
        profile__display_name="Luis Pine",
        profile__time_zone=LOS_ANGELES,
    )
    member_of(group, organizer, role=Role.ORGANIZER)
    member_of(group, londoner)
    member_of(group, angeleno)
    times = [in_group_zone(*when) for when in PROPOSED]
    closes_at = in_group_zone(*CLOSES)

    # --- the organizer proposes three times in the group's zone ---------------------------------
    log_in(page, base, organizer.email)
    page.goto(f"{base}{group.get_absolute_url()}")
    audit.check("group page, organizer")
    page.get_by_role("link", name="Find a time with a poll").click()
    page.wait_for_url(re.compile(rf"/groups/{group.slug}/polls/new/$"))
    audit.check("start a poll")
    assert "Denver time" in page.locator("#times-hint").inner_text()
    page.get_by_label("Title").fill(POLL_TITLE)
    for n, moment in enumerate(times, start=1):
        page.get_by_label(f"Time {n}: date").fill(moment.date().isoformat())
        page.get_by_label(f"Time {n}: start").fill(moment.strftime("%H:%M"))
    page.locator("#id_closes_on").fill(closes_at.date().isoformat())
    page.locator("#id_closes_time").fill(closes_at.strftime("%H:%M"))
    page.get_by_role("button", name="Open the poll").click()
    page.wait_for_url(re.compile(rf"/groups/{group.slug}/polls/\d+/$"))
    page.get_by_text("The poll is open.").wait_for()
    audit.check("poll, organizer just opened it")
    poll = Poll.objects.get(group=group)
    assert (poll.title, poll.created_by, poll.closes_at) == (POLL_TITLE, organizer, closes_at)
    assert [o.starts_at for o in poll.options.all()] == times
    assert page.locator("p[role=status]").inner_text().strip() == "Nobody has answered yet."
    opened = set(Delivery.objects.filter(template="poll_opened").values_list("email", flat=True))
    assert opened == {londoner.email, angeleno.email}
    log_out(page, base)

    # --- each member reads the times in their own zone and answers ------------------------------
    log_in(page, base, londoner.email)
    page.wait_for_url(re.compile(r"/me/$"))
    audit.check("dashboard, London member")
    _answer_the_poll(page, audit, poll, times, LONDON, "London", LONDON_ANSWERS, "London member")
    log_out(page, base)

    log_in(page, base, angeleno.email)
    page.wait_for_url(re.compile(r"/me/$"))
    audit.check("dashboard, Los Angeles member")
    _answer_the_poll(
        page, audit, poll, times, LOS_ANGELES, "Los Angeles", LA_ANSWERS, "Los Angeles member"
    )
    page.set_viewport_size(PHONE)
    page.reload()
    audit.check("poll at phone width")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the poll page scrolls sideways on a phone ({width}px)"
    screenshots(page, "journey-poll-answered")
    log_out(page, base)

    # --- the organizer sees the best time and schedules it ------------------------------------
    log_in(page, base, organizer.email)
    page.goto(f"{base}{poll.get_absolute_url()}")
    audit.check("poll, organizer sees the answers")
    best_label = long_label(times[BEST], GROUP_ZONE, "Denver")
    status = " ".join(page.locator("p[role=status]").inner_text().split())
    assert status == f"Best so far: {best_label} (2 can come)"
    rows = page.locator("section[aria-labelledby=results-heading] tbody tr")
    assert rows.count() == len(times)
    marked = [
        n for n in range(len(times)) if rows.nth(n).locator(".badge", has_text="Best").count()
    ]
    assert marked == [BEST]
    best_row = rows.nth(BEST)
    assert best_row.locator("td[data-label=Yes]").inner_text().startswith("2")
    assert "2 members answered." in page.locator("#results-heading ~ p").inner_text()

    page.get_by_role("link", name="Choose the time and schedule it").click()
    page.wait_for_url(re.compile(rf"/polls/{poll.pk}/schedule/$"))
    audit.check("schedule the time")
    choice = page.get_by_label(f"{best_label}: 2 yes, 0 if need be, 0 no (best)", exact=True)
    assert choice.is_checked()  # the best time is offered first
    choice.check()
    page.get_by_label("One meeting", exact=True).check()
    assert page.get_by_label("Meeting title").input_value() == POLL_TITLE
    page.get_by_role("button", name="Schedule it").click()
    page.wait_for_url(re.compile(r"/meetings/\d+/$"))
    page.get_by_text("Scheduled: members are told the time and can RSVP.").wait_for()
    audit.check("meeting page, organizer")
    meeting = Meeting.objects.get(group=group)
    assert page.url.endswith(meeting.get_absolute_url())
    assert (meeting.starts_at, meeting.title) == (times[BEST], POLL_TITLE)
    assert meeting.series_id is None
    poll.refresh_from_db()
    assert (poll.meeting, poll.chosen.starts_at) == (meeting, times[BEST])
    assert poll.closed_at is not None and poll.scheduled_at is not None

    page.goto(f"{base}{poll.get_absolute_url()}")
    audit.check("poll, scheduled")
    assert page.get_by_role("note").get_by_role("link", name=best_label).is_visible()
    assert rows.nth(BEST).locator(".badge", has_text="Chosen").count() == 1

    # --- the members are told once each, the organizer not at all ------------------------------
    scheduled = Delivery.objects.filter(template="poll_scheduled")
    assert sorted(scheduled.values_list("recipient_id", flat=True)) == sorted(
        [londoner.pk, angeleno.pk]
    )
    assert not scheduled.filter(recipient=organizer).exists()
    audit.assert_clean()
