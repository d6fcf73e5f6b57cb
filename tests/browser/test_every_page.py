"""The every-page sweep (issue 16): one instance of every page template, visited in Chromium
as the persona who can see it, at 390 and 1,280 px.

On each page, at each width: the document is no wider than the viewport (and no element sticks
out past it), axe-core finds no violation of any impact, and a screenshot goes to
test-artifacts/screenshots/sweep-*. The page's HTML is kept and, at the end of each
sweep, the Nu HTML Checker (vnu, npm package vnu-jar, scripts/ensure-vnu.sh) checks it all in
one run. Each failure names the page, the width, the rule and the element.

The world is the demo (``seed_demo``) plus what tests/browser/sweep/pages.py adds through the
services. Which page templates exist is read from templates/ (sweep/inventory.py): a new page
template fails ``test_every_page_template_is_visited`` until a visit renders it or it is
exempted there with a reason. Each visit names the templates it must render and fails if the
live server (in this process, with Django's test instrumentation) did not render them.
"""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.test.signals import template_rendered
from playwright.sync_api import Error as PlaywrightError

from tests.browser.support import DESKTOP, PHONE, log_in
from tests.browser.sweep.checks import HTML, check_at, save_html, vnu_errors
from tests.browser.sweep.inventory import EXEMPT, page_templates
from tests.browser.sweep.pages import MEMBER_SECRET, SWEEPS, Visit, World, build_world
from tests.support.totp import totp

ROOT = Path(__file__).resolve().parents[2]


# --- the inventory: every page template is visited or exempted, by name -----------------


def test_every_page_template_is_visited():
    pages = page_templates()
    visited = {
        name
        for segments in SWEEPS.values()
        for _, visits in segments
        for v in visits
        for name in v.templates
    }
    forgotten = sorted(pages - visited - set(EXEMPT))
    assert forgotten == [], (
        "Page templates no sweep visit renders (add a Visit in tests/browser/sweep/pages.py, "
        f"or an exemption with its reason in sweep/inventory.py): {forgotten}"
    )
    assert sorted((visited | set(EXEMPT)) - pages) == []  # no visit or exemption of a non-page


def test_every_visit_has_a_name_of_its_own():
    """The name is the file name of the page's screenshots and saved HTML."""
    names = [v.name for segments in SWEEPS.values() for _, visits in segments for v in visits]
    assert sorted(n for n in set(names) if names.count(n) > 1) == []


# --- the sweep ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def vnu_jar() -> str | None:
    """The checker's jar, installed on first use; None (with the reason printed) when Java or
    npm is missing, which fails under REQUIRE_SERVICES=1."""
    problem = None
    if shutil.which("java") is None:
        problem = "Java is not installed (the Nu HTML Checker runs on it)"
    else:
        done = subprocess.run(  # noqa: S603
            ["bash", str(ROOT / "scripts" / "ensure-vnu.sh")],  # noqa: S607
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if done.returncode == 0:
            return done.stdout.strip().splitlines()[-1]
        problem = f"scripts/ensure-vnu.sh failed: {done.stderr.strip()[-400:]}"
    if settings.REQUIRE_SERVICES:
        pytest.fail(f"{problem} (REQUIRE_SERVICES=1)", pytrace=False)
    return None


@pytest.fixture
def rendered():
    """Names of the templates the live server rendered since the list was last cleared."""
    names: list[str] = []

    def record(sender, template, context, **kwargs):
        names.append(template.name)

    template_rendered.connect(record, dispatch_uid="every-page-sweep")
    yield names
    template_rendered.disconnect(dispatch_uid="every-page-sweep")


def _sign_in(persona: str, page, base: str, world: World) -> None:
    if persona in ("anonymous", "admin"):  # the admin signs in as the first visit
        return
    log_in(page, base, world.users[persona].email, world.ids["password"])
    if persona == "member":  # the sweep gave him two-step sign-in
        page.get_by_label("Code").fill(totp(MEMBER_SECRET))
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/2fa/authenticate/" not in url)


def _visit(page, base: str, world: World, visit: Visit, rendered: list[str]) -> list[str]:
    rendered.clear()
    if page.viewport_size != PHONE:
        page.set_viewport_size(PHONE)
    response = page.goto(base + visit.url(world))
    problems = []
    if "/reauthenticate/" in page.url and "reauthenticate" not in visit.name:
        _confirm_password(page, world)  # allauth asks again before security settings
        response = None if visit.act else page.goto(base + visit.url(world))
    if visit.act:
        visit.act(page, world)
    elif response is None or response.status != visit.status:
        problems.append(f"HTTP {response.status if response else '?'}, not {visit.status}")
    page.wait_for_load_state("load")
    missing = sorted(set(visit.templates) - set(rendered))
    if missing:
        shown = sorted({n for n in rendered if "/includes/" not in n and "elements" not in n})
        problems.append(f"did not render {missing}; rendered {shown} at {page.url}")
    name = f"sweep-{visit.name}"
    problems += [f"at 390: {p}" for p in check_at(page, PHONE, name, "phone")]
    problems += [f"at 1280: {p}" for p in check_at(page, DESKTOP, name, "desktop")]
    return problems


def _confirm_password(page, world: World) -> None:
    page.locator("#id_password").fill(world.ids["password"])
    page.get_by_role("button", name="Confirm and continue").click()
    page.wait_for_load_state("load")


def _sweep(sweep: str, page, live_server, rendered, vnu_jar) -> None:
    world = build_world()
    base = live_server.url
    folder = HTML / sweep
    shutil.rmtree(folder, ignore_errors=True)
    findings: dict[str, list[str]] = {}
    saved: dict[Path, str] = {}
    for persona, visits in SWEEPS[sweep]:
        page.context.clear_cookies()  # the next persona starts signed out
        page.set_viewport_size(PHONE)
        _sign_in(persona, page, base, world)
        for visit in visits:
            where = f"{visit.name} ({visit.url(world)}) as {persona}"
            try:
                problems = _visit(page, base, world, visit, rendered)
            except PlaywrightError as error:  # one broken page does not hide the others
                problems = [f"could not be visited: {str(error).splitlines()[0]} at {page.url}"]
            saved[save_html(page, folder, visit.name)] = where
            if persona == "admin" and visit is visits[0]:  # signing in was the first page
                _enter_admin_code(page, world)
            if problems:
                findings[where] = problems
    if vnu_jar:
        for path, errors in vnu_errors(vnu_jar, list(saved)).items():
            findings.setdefault(saved.get(path, str(path)), []).extend(errors)
    report = "\n\n".join(f"{where}:\n  " + "\n  ".join(p) for where, p in findings.items())
    assert not findings, f"{len(findings)} page(s) with findings:\n\n{report}"
    if vnu_jar is None:
        # Only without Java or npm on a developer machine: under REQUIRE_SERVICES=1 (CI) the
        # vnu_jar fixture fails the test instead. Widths and axe were checked above.
        pytest.skip("the Nu HTML Checker could not run (Java or npm missing); see above")


def _enter_admin_code(page, world: World) -> None:
    page.get_by_label("Code").fill(totp(world.ids["admin_secret"]))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/2fa/authenticate/" not in url)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("sweep", list(SWEEPS))
def test_every_page_fits_passes_axe_and_the_nu_checker(
    sweep, live_server, page, rendered, vnu_jar, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _sweep(sweep, page, live_server, rendered, vnu_jar)
