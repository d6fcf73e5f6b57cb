"""End-to-end journeys through the real pages in Chromium on the live server.

Every page a journey visits is checked with axe-core (serious and critical violations fail the
test), and each journey's final page is screenshotted at desktop and phone sizes into
test-artifacts/screenshots/.
"""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from groups.enums import LeadershipModel, MembershipPolicy, Role
from groups.models import Group, Membership
from meetings.models import Meeting, Rsvp
from members.models import User
from presentations.models import Presentation
from tests.browser.support import A11yAudit, log_in, log_out, screenshots
from tests.factories import (
    ApplicationQuestionFactory,
    GroupFactory,
    MeetingFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RULES = re.compile("I have read the ground rules", re.I)


@pytest.fixture(autouse=True)
def _locmem_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []


def member_of(group, user, role=Role.MEMBER, **extra):
    """A membership that has accepted the group's current ground rules."""
    return MembershipFactory(
        group=group,
        user=user,
        role=role,
        rules_version=group.rules_versions.order_by("-number").first(),
        rules_accepted_at=timezone.now(),
        **extra,
    )


def soon(days: int, hour: int = 18):
    """A meeting start `days` from now at a round hour, in UTC."""
    return (timezone.now() + timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )


# --- (a) a newcomer finds, joins and RSVPs ---------------------------------------------------


def test_newcomer_signs_up_joins_an_open_group_and_rsvps(live_server, page):
    base = live_server.url
    audit = A11yAudit(page)
    open_group = GroupFactory(name="Denver Trauma Consultation", city="Denver")
    GroupFactory(name="Boulder Closed Circle", city="Boulder")
    meeting = MeetingFactory(group=open_group, title="March case consultation", starts_at=soon(5))

    page.goto(f"{base}/accounts/signup/")
    audit.check("sign-up")
    page.get_by_label("Email").fill("newcomer@example.com")
    page.get_by_label("Your name as colleagues will see it").fill("Nia Newcomer")
    page.get_by_label("Time zone").select_option("America/Denver")
    page.locator("#id_password1").fill("a-long-unusual-passphrase-42")
    page.locator("#id_password2").fill("a-long-unusual-passphrase-42")
    page.get_by_role("button", name=re.compile("Sign up|Create", re.I)).click()
    page.wait_for_url(re.compile(r"/accounts/confirm-email/$"))
    audit.check("verification sent")

    assert len(mail.outbox) == 1
    link = re.search(r"(/accounts/confirm-email/[^\s]+/)", mail.outbox[0].body).group(1)
    page.goto(f"{base}{link}")
    audit.check("confirm e-mail")
    page.get_by_role("button", name=re.compile("Confirm", re.I)).click()
    page.wait_for_url(re.compile(r"/me/$"))
    audit.check("dashboard")

    page.goto(f"{base}/groups/")
    audit.check("browse")
    filters = page.get_by_role("search", name="Filter groups")
    filters.get_by_label("City").fill("Denver")
    filters.get_by_label("Membership").select_option("open")
    filters.get_by_role("button", name="Show groups").click()
    page.wait_for_url(re.compile(r"/groups/\?.*city=Denver"))
    audit.check("browse, filtered")
    assert page.get_by_role("status").inner_text().strip() == "1 group found"
    assert page.get_by_role("link", name="Boulder Closed Circle").count() == 0

    page.get_by_role("link", name="Denver Trauma Consultation").first.click()
    page.wait_for_url(re.compile(rf"/groups/{open_group.slug}/$"))
    audit.check("group page, visitor")
    page.get_by_role("link", name="Join", exact=True).click()
    page.wait_for_url(re.compile(r"/join/$"))
    audit.check("join")
    page.get_by_label(RULES).check()
    page.get_by_role("button", name="Join the group").click()
    page.wait_for_url(re.compile(rf"/groups/{open_group.slug}/welcome/$"))
    audit.check("welcome page")
    assert page.get_by_role("heading", name=f"Welcome to {open_group.name}").is_visible()
    page.get_by_role("link", name=f"Back to {open_group.name}").click()
    page.wait_for_url(re.compile(rf"/groups/{open_group.slug}/$"))
    audit.check("group page, member")
    assert page.get_by_role("heading", name="Members only").is_visible()

    page.get_by_role("link", name=re.compile("March case consultation")).first.click()
    page.wait_for_url(re.compile(rf"/meetings/{meeting.pk}/$"))
    audit.check("meeting page")
    page.get_by_label("Going", exact=True).check()
    page.get_by_role("button", name="Save my answer").click()
    page.wait_for_load_state("load")
    audit.check("meeting page, after RSVP")
    page.locator("#rsvp-counts").filter(has_text="1 going").wait_for()
    user = User.objects.get(email="newcomer@example.com")
    assert Rsvp.objects.get(meeting=meeting, user=user).answer == "going"

    page.goto(f"{base}/me/calendar/")
    audit.check("calendar subscription")
    feed = page.get_by_label("Your personal calendar address")
    assert re.fullmatch(rf"{re.escape(base)}/calendar/[^/]+\.ics", feed.input_value())
    screenshots(page, "journey-a-newcomer-calendar-feed")
    audit.assert_clean()


# --- (b) applying to a closed group ---------------------------------------------------------


def test_applicant_is_vetted_into_a_closed_group(live_server, page):
    base = live_server.url
    audit = A11yAudit(page)
    group = GroupFactory(
        name="Closed Couples Consultation", membership_policy=MembershipPolicy.CLOSED
    )
    question = ApplicationQuestionFactory(group=group, text="Which couples work do you do?")
    organizer = UserFactory(email="organizer.b@example.com", profile__display_name="Olga Organizer")
    member_of(group, organizer, role=Role.ORGANIZER)
    applicant = UserFactory(email="applicant.b@example.com", profile__display_name="Ari Applicant")

    log_in(page, base, applicant.email)
    audit.check("dashboard, applicant")
    page.goto(f"{base}{group.get_absolute_url()}")
    audit.check("closed group, visitor")
    page.get_by_role("link", name="Apply", exact=True).click()
    page.wait_for_url(re.compile(r"/apply/$"))
    audit.check("apply")
    page.get_by_label(question.text).fill("Emotionally focused therapy with couples.")
    page.get_by_label(re.compile("I agree to share my profile")).check()
    page.get_by_label(RULES).check()
    page.get_by_role("button", name="Send application").click()
    page.get_by_role("heading", name="Application pending").wait_for()
    audit.check("closed group, application pending")

    log_out(page, base)
    log_in(page, base, organizer.email)
    page.goto(f"{base}/groups/vetting/")
    audit.check("vetting queue")
    page.get_by_role("link", name=re.compile("Review.*Ari Applicant")).click()
    page.wait_for_url(re.compile(r"/groups/vetting/\d+/$"))
    audit.check("vetting detail")
    assert page.get_by_text("Emotionally focused therapy with couples.").is_visible()
    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Send decision").click()
    page.wait_for_load_state("load")
    audit.check("after decision")
    assert Membership.objects.filter(group=group, user=applicant).exists()

    log_out(page, base)
    log_in(page, base, applicant.email)
    page.goto(f"{base}{group.get_absolute_url()}")
    audit.check("closed group, new member")
    assert page.get_by_role("heading", name="Members only").is_visible()
    assert page.get_by_role("link", name="Olga Organizer").is_visible()
    screenshots(page, "journey-b-approved-applicant-members-only")
    audit.assert_clean()


# --- (c) an organizer sets up a group; a member claims the case slot ------------------------


def test_organizer_sets_up_series_and_member_claims_case_slot(live_server, page):
    base = live_server.url
    audit = A11yAudit(page)
    organizer = UserFactory(email="organizer.c@example.com", profile__display_name="Orla Organizer")
    member = UserFactory(email="member.c@example.com", profile__display_name="Milo Member")

    log_in(page, base, organizer.email)
    page.goto(f"{base}/groups/new/")
    audit.check("new group form")
    page.locator("#id_name").fill("Front Range Case Circle")
    page.get_by_label("Peer case consultation").check()
    page.locator("#id_city").fill("Denver")
    page.get_by_role("button", name="Create group").click()
    page.wait_for_url(re.compile(r"/groups/front-range-case-circle/$"))
    audit.check("new group page, organizer")
    group = Group.objects.get(slug="front-range-case-circle")

    # The standard agenda is copied into meetings when they are created, so it is set first.
    page.get_by_role("link", name="Standard agenda").click()
    page.wait_for_url(re.compile(r"/agenda/$"))
    audit.check("standard agenda")
    page.get_by_label("Segment 1: kind").select_option(label="Check-in")
    page.get_by_label("Segment 1: minutes").fill("15")
    page.get_by_label("Segment 2: kind").select_option(label="Case presentation")
    page.get_by_label("Segment 2: minutes").fill("45")
    page.get_by_role("button", name="Save the standard agenda").click()
    page.wait_for_url(re.compile(r"/groups/front-range-case-circle/$"))
    audit.check("group page, agenda saved")
    assert list(group.agenda_template.values_list("kind", flat=True)) == ["check_in", "case"]

    first = timezone.localdate() + timedelta(days=3)
    page.get_by_role("link", name="Schedule a meeting").first.click()
    page.wait_for_url(re.compile(r"/meetings/new/$"))
    audit.check("schedule a meeting")
    page.get_by_label("Title").fill("Weekly case circle")
    page.get_by_label(re.compile("Every week or every few weeks")).check()
    page.get_by_label("Date (or first date of the series)").fill(first.isoformat())
    page.get_by_label("Start time").fill("18:00")
    weekday = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][first.weekday()]
    page.get_by_label(weekday, exact=True).check()
    page.get_by_role("button", name=re.compile("Schedule|Create|Save", re.I)).click()
    page.wait_for_load_state("load")
    audit.check("after scheduling")
    meetings = list(Meeting.objects.filter(group=group).order_by("starts_at"))
    assert len(meetings) >= 10 and meetings[0].series_id is not None
    first_meeting = meetings[0]
    assert first_meeting.segments.filter(kind="case").exists()

    log_out(page, base)
    log_in(page, base, member.email)
    page.goto(f"{base}{group.get_absolute_url()}")
    page.get_by_role("link", name="Join", exact=True).click()
    page.get_by_label(RULES).check()
    page.get_by_role("button", name="Join the group").click()
    page.wait_for_url(re.compile(r"/groups/front-range-case-circle/welcome/$"))
    audit.check("welcome page, the next meeting on it")

    page.locator(f"a[href='{first_meeting.get_absolute_url()}']").first.click()
    page.wait_for_url(re.compile(rf"/meetings/{first_meeting.pk}/$"))
    audit.check("meeting page, member")
    page.get_by_role("button", name=re.compile("Sign up for Case presentation")).click()
    # The message shows twice: in the alert and in the screen readers' status region.
    page.locator(".alert").get_by_text("slot is yours").wait_for()
    audit.check("meeting page, slot claimed")
    presentation = Presentation.objects.get(meeting=first_meeting, presenter=member)

    page.get_by_role("link", name="Case presentation").first.click()
    page.wait_for_url(re.compile(rf"/presentations/{presentation.pk}/$"))
    audit.check("case editor")
    page.get_by_label(re.compile("Consultation question")).fill(
        "How do I pace the work with a client who misses sessions?"
    )
    page.get_by_label("De-identified background").fill(
        "Client A asked me to call (720) 318-4421 when I run late."
    )
    page.get_by_role("button", name="Save case").click()
    page.locator("#findings-alert").wait_for()
    audit.check("case editor, identifiers flagged")
    mark = page.locator("mark").filter(has_text="318-4421")
    assert mark.count() >= 1 and mark.first.is_visible()
    assert presentation.__class__.objects.get(pk=presentation.pk).case_background == ""
    screenshots(page, "journey-c-case-phone-number-flagged")
    audit.assert_clean()


# --- (d) facilitator rotation -----------------------------------------------------------------


def test_organizer_assigns_facilitators_by_rotation(live_server, page):
    base = live_server.url
    audit = A11yAudit(page)
    group = GroupFactory(name="Rotating Peers", leadership_model=LeadershipModel.ROTATING)
    organizer = UserFactory(email="organizer.d@example.com", profile__display_name="Ola Organizer")
    people = [organizer] + [
        UserFactory(profile__display_name=name) for name in ("Bea Blue", "Cal Cyan", "Dee Dun")
    ]
    for i, person in enumerate(people):
        member_of(group, person, role=Role.ORGANIZER if i == 0 else Role.MEMBER)
    meetings = [
        MeetingFactory(group=group, title=f"Rotation meeting {n}", starts_at=soon(3 + 7 * n))
        for n in range(3)
    ]

    log_in(page, base, organizer.email)
    page.goto(f"{base}{group.get_absolute_url()}")
    audit.check("rotating group page")
    page.get_by_role("link", name=re.compile("Rotation meeting 0")).first.click()
    page.wait_for_url(re.compile(rf"/meetings/{meetings[0].pk}/$"))
    audit.check("first meeting, before rotation")
    page.get_by_role("button", name="Assign facilitators by rotation").click()
    page.get_by_text("Facilitators are assigned by rotation.").wait_for()
    audit.check("first meeting, after rotation")

    facilitators = [Meeting.objects.get(pk=m.pk).facilitator for m in meetings]
    assert None not in facilitators
    assert len({f.pk for f in facilitators}) == 3
    assert {f.pk for f in facilitators} <= {p.pk for p in people}
    names = [str(f) for f in facilitators]
    for meeting, name in zip(meetings, names, strict=True):
        page.goto(f"{base}{meeting.get_absolute_url()}")
        assert page.get_by_text(re.compile(rf"Facilitator:\s*{re.escape(name)}")).count() == 1
    page.goto(f"{base}{meetings[0].get_absolute_url()}")
    screenshots(page, "journey-d-facilitator-rotation")
    audit.assert_clean()


# --- security headers and CSP ---------------------------------------------------------------


def test_csp_blocks_inline_scripts_and_security_headers_are_sent(live_server, page):
    response = page.goto(f"{live_server.url}/groups/")
    headers = response.headers
    csp = headers["content-security-policy"]
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert "script-src" in directives
    assert "'unsafe-inline'" not in directives["script-src"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"

    console = []
    page.on("console", lambda msg: console.append(msg.text))
    # page.evaluate is not governed by CSP: use it to listen for the violation event.
    page.evaluate(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.__violations.push(e.violatedDirective));"
    )
    try:
        page.add_script_tag(content="window.__inlineRan = true")
    except Exception as exc:  # Playwright may report the blocked script as an error.
        assert "Content Security Policy" in str(exc) or "script" in str(exc).lower()
    page.wait_for_function("window.__violations.length > 0")
    assert not page.evaluate("window.__inlineRan")
    assert any(v.startswith("script-src") for v in page.evaluate("window.__violations"))
    assert any("Content Security Policy" in text for text in console)
