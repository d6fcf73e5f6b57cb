"""Pages fit a phone (390 px) and a desktop (1,280 px): no page is wider than the screen, the
tables that turn into stacked rows keep every action on screen, the group page puts the next
step before the ground rules on a phone, and browse shows the first group on the first screen.

The pages are the ones that overflowed (issue 16), filled with long names, long e-mail
addresses and long codes, the things that push a page sideways."""

from datetime import timedelta

import pytest
from django.utils import timezone

from groups.enums import MembershipPolicy, Role
from meetings.models import Attendance
from members.services import record_audit
from tests.browser.support import DESKTOP, PHONE, log_in
from tests.factories import (
    AgendaSegmentFactory,
    ApplicationFactory,
    GroupFactory,
    InvitationFactory,
    MeetingFactory,
    MembershipFactory,
    UserFactory,
    WaitlistEntryFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG = "Maximiliana Oyelaran-Whitfield-Castellanos"
ORGANIZER = "organizer-with-a-long-address@counselling-practice.example.com"

# What a page's content may hold that a person acts on.
ACTIONS = "main button, main a.btn, main select, main input:not([type=hidden])"


def _member(group, user, role=Role.MEMBER):
    return MembershipFactory(
        group=group,
        user=user,
        role=role,
        rules_version=group.rules_versions.order_by("-number").first(),
        rules_accepted_at=timezone.now(),
    )


@pytest.fixture
def world():
    organizer = UserFactory(email=ORGANIZER, profile__display_name=f"Olga {LONG}")
    group = GroupFactory(
        name="Front Range Eating Disorder Consultation for Clinicians",
        membership_policy=MembershipPolicy.CLOSED,
        capacity=4,
    )
    _member(group, organizer, Role.ORGANIZER)
    others = [UserFactory(profile__display_name=f"{n} {LONG}") for n in ("Ana", "Ben", "Cy")]
    for user in others:
        _member(group, user)
    WaitlistEntryFactory(group=group, offered=True, user=UserFactory(profile__display_name=LONG))
    ApplicationFactory(group=group, applicant=UserFactory(profile__display_name=f"Pia {LONG}"))
    InvitationFactory(group=group, email="a-colleague-with-a-long-address@example-clinic.org")

    meeting = MeetingFactory(group=group, title="Peer consultation with a long title too")
    for position, kind in enumerate(("check_in", "case", "case", "topic", "wrap_up")):
        AgendaSegmentFactory(meeting=meeting, position=position, kind=kind, minutes=15)
    for days in (30, 60):
        past = MeetingFactory(
            group=group, starts_at=timezone.now() - timedelta(days=days), title=f"Past {LONG}"
        )
        Attendance.objects.create(meeting=past, user=organizer, status="present")
    record_audit(
        actor=organizer,
        verb="member.role_changed",
        subject=others[0],
        group=group,
        data={"from": "member", "to": "co_organizer", "reason": "A" * 80},
    )
    record_audit(
        actor=organizer,
        verb="certificate.issued",
        group=group,
        data={"code": "PC-7H3K-92QX-LMNB-5T8R-ZZ41"},
    )
    open_group = GroupFactory(name="Clinician Circle: Burnout and Well-being")
    _member(open_group, organizer, Role.ORGANIZER)
    return {"group": group, "meeting": meeting, "open_group": open_group}


def _too_wide(page) -> dict:
    """The page's width and the actions that lie outside the screen, if any."""
    return page.evaluate(
        """(selector) => {
            const width = document.documentElement.clientWidth;
            const off = [...document.querySelectorAll(selector)]
                .filter((e) => e.offsetParent !== null)
                .filter((e) => {
                    const r = e.getBoundingClientRect();
                    return r.left < -0.5 || r.right > width + 0.5;
                })
                .map((e) => (e.innerText || e.name || e.id).trim().slice(0, 40));
            return {scrollWidth: document.documentElement.scrollWidth, off: off};
        }""",
        ACTIONS,
    )


def _organizer_pages(world) -> dict[str, str]:
    slug = world["group"].slug
    return {
        "meeting page": f"/meetings/{world['meeting'].pk}/",
        "manage members": f"/groups/{slug}/members/",
        "audit log": f"/groups/{slug}/audit/",
        "invitations": f"/groups/{slug}/invite/",
        "my attendance": "/me/attendance/",
        "hours": "/me/hours/",
        "vetting queue": "/groups/vetting/",
        "browse": "/groups/",
        "group page": f"/groups/{slug}/",
    }


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_pages_fit_the_screen_with_every_action_on_it(live_server, page, world, size):
    page.set_viewport_size(size)
    log_in(page, live_server.url, ORGANIZER)
    found = {}
    for name, path in _organizer_pages(world).items():
        response = page.goto(live_server.url + path)
        found[name] = {"status": response.status, **_too_wide(page)}

    expected = {name: {"status": 200, "scrollWidth": size["width"], "off": []} for name in found}
    assert found == expected


def test_the_meeting_page_shows_the_assign_control_on_both_screens(live_server, page, world):
    log_in(page, live_server.url, ORGANIZER)
    seen = []
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        page.goto(f"{live_server.url}/meetings/{world['meeting'].pk}/")
        buttons = page.get_by_role("button", name="Assign Case presentation")
        boxes = [buttons.nth(i).bounding_box() for i in range(buttons.count())]
        seen.append([box["x"] >= 0 and box["x"] + box["width"] <= size["width"] for box in boxes])

    assert seen == [[True, True], [True, True]]


def test_stacked_rows_label_each_cell_on_a_phone(live_server, page, world):
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, ORGANIZER)
    page.goto(f"{live_server.url}/groups/vetting/")
    cell = page.locator("table.table-stack td[data-label=Credential]").first

    labels = cell.evaluate("(td) => getComputedStyle(td, '::before').content")
    header = page.locator("table.table-stack thead").bounding_box()

    assert (labels, header["width"] <= 1) == ('"Credential"', True)


def test_the_next_step_comes_before_the_ground_rules_on_a_phone(live_server, page, world):
    """Phone: the Join or Apply box is above the ground rules. Desktop: it is beside them."""
    url = f"{live_server.url}/groups/{world['group'].slug}/"
    positions = {}
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        page.goto(url)
        step = page.get_by_role("complementary", name="Your next step").bounding_box()
        rules = page.locator("#rules-heading").bounding_box()
        positions[label] = {
            "step above rules": step["y"] < rules["y"],
            "step beside rules": step["x"] > rules["x"] + rules["width"],
        }

    assert positions == {
        "phone": {"step above rules": True, "step beside rules": False},
        "desktop": {"step above rules": True, "step beside rules": True},
    }


def test_browse_folds_the_filters_on_a_phone(live_server, page, world):
    """The first group is on the first screen of a phone; "Filters" opens the form (a <details>,
    so without JavaScript too); on a desktop the form is open beside the list."""
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/groups/")
    first_card = page.locator("article.card-group-item").first.bounding_box()
    search = page.get_by_role("search", name="Filter groups")
    folded = (first_card["y"] < PHONE["height"], search.is_visible())
    page.locator("summary", has_text="Filters").click()
    opened = search.is_visible()

    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/groups/")
    on_desktop = (search.is_visible(), page.locator("summary", has_text="Filters").is_visible())

    assert (folded, opened, on_desktop) == ((True, False), True, (True, False))


def test_the_browse_filters_open_on_a_phone_without_javascript(live_server, browser, world):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/groups/")
    page.locator("summary", has_text="Filters").click()
    page.get_by_label("City").fill("Denver")
    page.get_by_role("button", name="Show groups").click()
    url = page.url
    context.close()

    assert "city=Denver" in url


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_ids_are_unique_on_the_pages(live_server, page, world, size):
    page.set_viewport_size(size)
    log_in(page, live_server.url, ORGANIZER)
    pages = {
        **_organizer_pages(world),
        "resources": f"/groups/{world['group'].slug}/resources/",
        "notifications": "/me/notifications/",
    }
    repeated = {}
    for name, path in pages.items():
        assert page.goto(live_server.url + path).status == 200, name
        repeated[name] = page.evaluate(
            """() => {
                const ids = [...document.querySelectorAll('[id]')].map((e) => e.id);
                return [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
            }"""
        )

    assert repeated == {name: [] for name in pages}
