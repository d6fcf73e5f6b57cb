"""Which templates are pages: every template under templates/ that extends base.html (directly
or through a layout, allauth's included) or is a whole document of its own; not includes,
partials or e-mails. The sweep must render each of them, or name it here with a reason."""

import re
from functools import cache
from pathlib import Path

from django.template import Engine

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"
EXTENDS = re.compile(r"""{%-?\s*extends\s+["']([^"']+)["']""")

# Pages the sweep does not visit, each with the reason. Keep it short: a page that can be
# reached with a URL belongs in the sweep.
EXEMPT = {
    "500.html": "rendered only when a view crashes; tests/config checks it",
    "429.html": "rendered only once a rate limit is hit; tests/members/test_login_throttle.py",
    "refused.html": "a service refusing a page load; no GET refuses today; "
    "tests/config/test_domain_errors.py renders it",
    "account/signup_closed.html": "sign-up is never closed (members.adapters.AccountAdapter)",
    "account/verified_email_required.html": "no view uses allauth's verified_email_required",
    "account/email.html": "ACCOUNT_CHANGE_EMAIL is on, so allauth shows email_change.html",
    "account/password_set.html": "every account has a password (sign-up asks for one; no "
    "social or code sign-in), and allauth refuses the page to a session that did not type one",
    "account/base_confirm_code.html": "a layout for the sign-in-by-code flows, which are off",
}


def _source(name: str) -> str:
    """The text of the template Django would load for ``name`` (read, not compiled, so one
    broken template elsewhere does not stop the inventory)."""
    for loader in Engine.get_default().template_loaders:
        for origin in loader.get_template_sources(name):
            if Path(origin.name).is_file():
                return Path(origin.name).read_text(encoding="utf-8")
    raise LookupError(f"no template {name!r}")


@cache
def _is_page(name: str) -> bool:
    source = _source(name)
    match = EXTENDS.search(source)
    if match is None:
        # A whole document of its own (after its {% load %} and {% get_current_language %}).
        head = re.sub(r"^(\s*\{%[^%]*%\})*\s*", "", source)
        return name == "base.html" or head.lower().startswith("<!doctype html")
    return _is_page(match.group(1))


def page_templates() -> set[str]:
    """Template names (as views render them) of every page under templates/."""
    names = set()
    for path in TEMPLATES.rglob("*.html"):
        name = path.relative_to(TEMPLATES).as_posix()
        parts = path.relative_to(TEMPLATES).parts
        if name == "base.html" or parts[0] == "emails" or "includes" in parts:
            continue
        if parts[:2] == ("allauth", "layouts") or parts[:2] == ("allauth", "elements"):
            continue
        if path.name.startswith("_") or "snippets" in parts:
            continue
        if _is_page(name):
            names.add(name)
    return names
