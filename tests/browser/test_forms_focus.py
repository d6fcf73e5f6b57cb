"""A form sent with errors, by keyboard only: focus lands on the error summary at the top, and
a link in the summary takes focus to its field. A success message is said to screen readers
through the status region that is in the page from the start."""

import pytest
from django.utils import timezone

from groups.enums import ResourceCategory, Role
from tests.browser.support import log_in
from tests.factories import GroupFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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
    return user, group


def _focused(page) -> dict:
    return page.evaluate(
        """() => {
            const e = document.activeElement;
            return {id: e.id, summary: e.hasAttribute('data-error-summary')};
        }"""
    )


def test_errors_by_keyboard_focus_the_summary_then_the_field(live_server, page, organizer):
    user, group = organizer
    log_in(page, live_server.url, user.email)
    page.goto(f"{live_server.url}/groups/{group.slug}/meetings/new/")
    page.locator("#id_title").fill("")
    page.locator("#id_title").press("Enter")
    page.wait_for_load_state("load")
    page.wait_for_function("() => document.activeElement.hasAttribute('data-error-summary')")

    summary = page.locator("[data-error-summary]")
    on_arrival = (
        _focused(page),
        summary.get_attribute("role"),
        summary.get_by_role("heading").inner_text(),
        summary.get_by_role("link").first.get_attribute("href"),
    )
    page.keyboard.press("Tab")
    on_link = page.evaluate("document.activeElement.getAttribute('href')")
    page.keyboard.press("Enter")
    on_field = _focused(page)

    assert (on_arrival, on_link, on_field) == (
        ({"id": "", "summary": True}, "alert", "There is a problem", "#id_title"),
        "#id_title",
        {"id": "id_title", "summary": False},
    )


def test_the_summary_link_to_a_group_of_radios_focuses_the_first(live_server, page):
    """Notifications: the first reminder checkbox (id_lead_minutes_0) for an error about them."""
    user = UserFactory()
    log_in(page, live_server.url, user.email)
    page.goto(f"{live_server.url}/me/notifications/")
    page.evaluate(
        """() => {
            const box = document.getElementById('id_lead_minutes_0');
            box.value = 'not-a-choice';
            box.checked = true;
        }"""
    )
    page.get_by_role("button", name="Save my choices").press("Enter")
    page.wait_for_function("() => document.activeElement.hasAttribute('data-error-summary')")
    link = page.locator("[data-error-summary] a").first
    href = link.get_attribute("href")
    link.focus()
    page.keyboard.press("Enter")
    described = page.locator("fieldset:has(#id_lead_minutes_0)").get_attribute("aria-describedby")

    assert (href, _focused(page)["id"], described) == (
        "#id_lead_minutes_0",
        "id_lead_minutes_0",
        "id_lead_minutes_helptext id_lead_minutes_errors",
    )


def test_a_success_message_fills_the_status_region_after_load(live_server, page, organizer):
    user, group = organizer
    log_in(page, live_server.url, user.email)
    page.goto(f"{live_server.url}/groups/{group.slug}/resources/")
    page.locator("#id_title").fill("Ethics of dual relationships")
    page.locator("#id_url").fill("https://www.example.org/ethics")
    page.locator("#id_category").select_option(ResourceCategory.CONTINUING_EDUCATION)
    page.get_by_role("button", name="Add to the library").click()
    page.wait_for_function("() => document.getElementById('status-region').textContent.length > 0")
    region = page.locator("#status-region")

    assert (
        region.get_attribute("role"),
        region.get_attribute("aria-live"),
        region.inner_text(),
    ) == ("status", "polite", "Thank you for sharing “Ethics of dual relationships”.")
