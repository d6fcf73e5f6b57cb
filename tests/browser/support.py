"""Helpers for the browser journeys: axe checks, screenshots, signing in and out."""

import re
from functools import cache
from pathlib import Path

from tests.factories import PASSWORD

VENDOR = Path(__file__).parent / "vendor" / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
# Every impact counts: a minor violation is still a page someone cannot use as well.
BLOCKING_IMPACTS = {"minor", "moderate", "serious", "critical"}
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@cache
def _axe_source() -> str:
    return VENDOR.read_text(encoding="utf-8")


def axe_violations(page) -> list[dict]:
    """Every axe violation on the current page (all of BLOCKING_IMPACTS).

    The site's CSP blocks inline <script> elements, so axe is not injected as a script tag:
    page.evaluate runs its source through the DevTools protocol, which CSP does not govern.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in results["violations"] if v.get("impact") in BLOCKING_IMPACTS]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        node = v["nodes"][0] if v["nodes"] else {}
        target = node.get("target", ["?"])[0] if node else "?"
        summary = (node.get("failureSummary") or "").replace("\n", " ")[:240]
        lines.append(
            f"[{v['impact']}] {v['id']}: {v['help']} — first target {target!r} "
            f"({len(v['nodes'])} node(s)); {summary}"
        )
    return "\n".join(lines)


class A11yAudit:
    """Collects axe findings for every page of a journey; assert once at the end so that one
    finding does not hide the rest of the journey."""

    def __init__(self, page):
        self.page = page
        self.findings: dict[str, list[dict]] = {}

    def check(self, label: str | None = None) -> None:
        page = self.page
        page.wait_for_load_state("load")
        path = re.sub(r"^https?://[^/]+", "", page.url)
        violations = axe_violations(page)
        if violations:
            self.findings[f"{label or path} ({path})"] = violations

    def assert_clean(self) -> None:
        message = "\n\n".join(f"{where}:\n{describe(v)}" for where, v in self.findings.items())
        assert not self.findings, f"axe found violations:\n{message}"


def screenshot(page, name: str, label: str) -> None:
    """One full-page screenshot at the current size: test-artifacts/screenshots/{name}-{label}.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)


def screenshots(page, name: str) -> None:
    """Desktop and phone screenshots of the current page into test-artifacts/screenshots/."""
    original = page.viewport_size
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        screenshot(page, name, label)
    if original:
        page.set_viewport_size(original)


def log_in(page, base_url: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(password)
    page.locator("form").filter(has=page.locator("#id_login")).locator(
        "button[type=submit]"
    ).first.click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def log_out(page, base_url: str) -> None:
    page.goto(f"{base_url}/accounts/logout/")
    page.get_by_role("button", name=re.compile("sign me out|Sign out|Log out", re.I)).click()
    page.wait_for_url(lambda url: "/accounts/logout/" not in url)
