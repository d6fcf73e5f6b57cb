"""WCAG 2.2 contrast of the site's own colours, measured on computed styles in Chromium:
form-control borders and the focus ring at least 3:1 against what they sit on (1.4.11), error
text and the audit log's code at least 4.5:1 (1.4.3)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from groups.enums import Role
from meetings.models import Attendance
from members.services import record_audit
from tests.browser.support import log_in
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# contrast(selector, property): the lowest contrast of that colour property on the elements the
# selector finds, against the background they sit on (the first ancestor with an opaque one).
CONTRAST_JS = """
([selector, property]) => {
    const rgb = (value) => (value.match(/[\\d.]+/g) || []).map(Number);
    const luminance = ([r, g, b]) => {
        const c = [r, g, b].map((v) => {
            v /= 255;
            return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
        });
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    };
    const behind = (element) => {
        for (let e = element.parentElement; e; e = e.parentElement) {
            const bg = rgb(getComputedStyle(e).backgroundColor);
            if (bg.length === 3 || bg[3] === 1) return bg.slice(0, 3);
        }
        return [255, 255, 255];
    };
    const ratios = [...document.querySelectorAll(selector)]
        .filter((e) => e.offsetParent !== null)
        .map((e) => {
            const a = luminance(rgb(getComputedStyle(e)[property]).slice(0, 3));
            const b = luminance(behind(e));
            return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
        });
    return ratios.length ? Math.round(Math.min(...ratios) * 100) / 100 : null;
}
"""

CONTROLS = (
    "main input.form-control, main select.form-select, main textarea.form-control, "
    "main input.form-check-input"
)


def _contrast(page, selector: str, prop: str) -> float | None:
    return page.evaluate(CONTRAST_JS, [selector, prop])


@pytest.fixture
def organizer():
    user = UserFactory()
    group = GroupFactory(name="Mile High Consult")
    MembershipFactory(
        group=group,
        user=user,
        role=Role.ORGANIZER,
        rules_version=group.rules_versions.first(),
        rules_accepted_at=timezone.now(),
    )
    record_audit(actor=user, verb="member.joined", group=group)
    return user, group


THRESHOLDS = {
    "error text": 4.5,
    "control borders": 3,
    "focus ring": 3,
    "checkbox borders": 3,
    "audit code": 4.5,
}


def test_form_controls_errors_focus_and_code_meet_wcag(live_server, page, organizer):
    user, group = organizer
    log_in(page, live_server.url, user.email)
    measured = {}

    # A form with errors: text fields, selects, a textarea and error text.
    page.goto(f"{live_server.url}/groups/{group.slug}/meetings/new/")
    page.locator("#id_title").fill("")
    page.locator("#id_title").press("Enter")
    page.wait_for_load_state("load")
    measured["error text"] = _contrast(page, ".invalid-feedback", "color")
    measured["control borders"] = _contrast(page, CONTROLS, "borderTopColor")
    page.locator("#id_title").focus()
    page.keyboard.press("Tab")
    measured["focus ring"] = _contrast(page, ":focus-visible", "outlineColor")

    # Unticked checkboxes.
    page.goto(f"{live_server.url}/me/notifications/")
    measured["checkbox borders"] = _contrast(page, "main input.form-check-input", "borderTopColor")

    # The audit log's verbs in <code>.
    page.goto(f"{live_server.url}/groups/{group.slug}/audit/")
    measured["audit code"] = _contrast(page, "main code", "color")

    below = {
        what: (ratio, THRESHOLDS[what])
        for what, ratio in measured.items()
        if ratio is None or ratio < THRESHOLDS[what]
    }
    assert below == {}


def test_the_hours_chart_keeps_readable_labels_on_a_phone(live_server, page, organizer):
    """On a 390 px screen the chart is drawn as rows: its labels stay at least 12 px, every
    month is there, and the page itself does not scroll sideways."""
    user, group = organizer
    past = MeetingFactory(group=group, starts_at=timezone.now() - timedelta(days=20))
    Attendance.objects.create(meeting=past, user=user, status="present")
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, user.email)
    page.goto(f"{live_server.url}/me/hours/")
    label_px = page.evaluate(
        "() => Math.min(...[...document.querySelectorAll('svg.chart-rows text')]"
        ".map((t) => t.getBoundingClientRect().height))"
    )
    width = page.evaluate("() => document.documentElement.scrollWidth")
    shown = (
        page.locator("svg.chart-rows").is_visible(),
        page.locator("svg.chart-columns").is_visible(),
    )

    assert (label_px >= 12, width, shown) == (True, 390, (True, False))
