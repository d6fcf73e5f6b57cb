"""A visitor in Denver, not signed in, reads a Berlin group's times in Denver time: the page's
script (static/js/timezone.js) told the server the browser's zone in the pc_tz cookie."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.factories import GroupFactory, MeetingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# 02:30 UTC on Tuesday 15 January 2030: 19:30 on Monday the 14th in Denver, 03:30 in Berlin.
STARTS = datetime.datetime(2030, 1, 15, 2, 30, tzinfo=datetime.UTC)


def test_a_visitor_sees_times_in_their_browsers_zone(live_server, browser):
    group = GroupFactory(name="Berlin consultation circle", time_zone="Europe/Berlin")
    MeetingFactory(group=group, starts_at=STARTS, ends_at=STARTS + datetime.timedelta(hours=1))
    context = browser.new_context(timezone_id="America/Denver")
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/groups/")
        # The first drawing (the group's zone) is replaced once the cookie is set.
        card = page.locator("article", has_text=group.name)
        expect(card.locator("time")).to_have_text("Mon 14 Jan 2030, 19:30 Denver time")
        cookies = {c["name"]: c for c in context.cookies()}
        assert (cookies["pc_tz"]["value"], cookies["pc_tz"]["sameSite"]) == (
            "America/Denver",
            "Lax",
        )

        page.goto(f"{live_server.url}{group.get_absolute_url()}")
        expect(page.locator("main time").first).to_have_text(
            "Monday 14 January 2030, 19:30 Denver time"
        )
        assert not re.search(r"\d\d:\d\d UTC\b", page.inner_text("main"))
    finally:
        context.close()
