"""The site in Spanish (docs/translations.md): Chromium visits the pages of the every-page sweep
(tests/browser/sweep/pages.py) as each persona with Spanish chosen, and no page may show a fixed
English text: every element's text, and every label a screen reader reads (aria-label, title,
alt, placeholder, a button's value), is compared with the English of the catalogue, where a
placeholder (``%(name)s``) stands for any text. What people wrote is English in the demo and
stays so; only the fixed text of the site is judged.

Pages reached by filling a form first (a visit with ``act``) and the Django admin (site staff's
tool, not translated) are left out; the pages they lead to are covered by other visits."""

import re
from functools import cache
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.db.models import CharField, TextField
from playwright.sync_api import Error as PlaywrightError

from tests.browser.support import log_in
from tests.browser.sweep.pages import MEMBER_SECRET, SWEEPS, World, build_world
from tests.support.totp import totp

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "es" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[sdif]")
TAG = re.compile(r"<[^>]+>")
# Each element's own text (whitespace folded) and what assistive technology reads from it.
TEXTS = """() => {
  const fold = (s) => (s || '').replace(/\\s+/g, ' ').trim();
  // An element's text with a space between its pieces (badges side by side stay words).
  const textOf = (el) => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    const parts = [];
    while (walker.nextNode()) parts.push(walker.currentNode.nodeValue);
    return parts.join(' ');
  };
  const exact = new Set(), spaced = new Set();
  const both = (value) => { if (value) { exact.add(value); spaced.add(value); } };
  for (const el of document.body.querySelectorAll('*')) {
    if (['SCRIPT', 'STYLE', 'TEMPLATE'].includes(el.tagName)) continue;
    const text = fold(el.textContent), pieces = fold(textOf(el));
    if (text && text.length < 500) exact.add(text);
    if (pieces && pieces.length < 500) spaced.add(pieces);
    for (const name of ['aria-label', 'title', 'alt', 'placeholder']) both(fold(el.getAttribute(name)));
    if (el.tagName === 'INPUT' && ['submit', 'button'].includes(el.type)) both(fold(el.value));
  }
  both(fold(document.title));
  return [[...exact], [...spaced]];
}"""


def _english(text: str) -> str:
    return " ".join(TAG.sub("", text).split())


@cache
def english_catalogue() -> tuple[frozenset[str], re.Pattern | None]:
    """The English of every entry whose Spanish differs: plain strings as a set, strings with
    placeholders as one pattern that matches a whole text."""
    plain, patterns = set(), []
    for entry in polib.pofile(str(CATALOGUE)):
        for english, spanish in _pairs(entry):
            english = _english(english)
            if not re.search(r"[A-Za-z]{2}", english) or english == _english(spanish):
                continue
            if PLACEHOLDER.search(english):
                parts = PLACEHOLDER.split(english)
                if sum(len(part.strip()) for part in parts) >= 8:  # enough fixed words to judge
                    patterns.append(".+?".join(re.escape(part) for part in parts))
            else:
                plain.add(english)
    pattern = re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None
    return frozenset(plain), pattern


def _pairs(entry: polib.POEntry):
    if entry.msgid_plural:
        yield entry.msgid, entry.msgstr_plural.get(0, "")
        yield entry.msgid_plural, entry.msgstr_plural.get(1, "")
    else:
        yield entry.msgid, entry.msgstr


def untranslated(texts: list[str], written: frozenset[str] = frozenset()) -> list[str]:
    """The texts that are fixed English, leaving out what people wrote (``written``)."""
    plain, pattern = english_catalogue()
    return sorted(
        text
        for text in texts
        if (text in plain or (pattern is not None and pattern.fullmatch(text) is not None))
        and not _was_written(text, written)
    )


def _was_written(text: str, written: frozenset[str]) -> bool:
    """A text people wrote (a title, a description, a default a person kept), shown whole or
    in part, or heading a line with the date beside it; and the names of the languages, which
    the switcher and the profile write each in its own language."""
    if text in LANGUAGE_NAMES:
        return True
    return any(
        text == value
        or (len(text) >= 16 and text in value)  # a phrase of a description, not a bare word
        or (len(value) >= 12 and text.startswith(value))
        for value in written
    )


LANGUAGE_NAMES = frozenset(name for _code, name in settings.LANGUAGES)


def stored_texts() -> frozenset[str]:
    """Every free text in the database (what people, the demo included, wrote): each text
    field's values, not fields with choices."""
    values: set[str] = set()
    for model in apps.get_models():
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, (CharField, TextField)) and not f.choices and not f.is_relation
        ]
        for name in fields:
            for value in model.objects.exclude(**{name: ""}).values_list(name, flat=True)[:5000]:
                if isinstance(value, str):
                    values.add(" ".join(value.split()))
    return frozenset(values)


def test_the_check_finds_english_and_lets_spanish_through():
    """The check itself: a fixed English text (with a value in it, or inside markup) is found;
    its Spanish, and what people wrote, are not."""
    entries = [e for e in polib.pofile(str(CATALOGUE)) if not e.msgid_plural]
    with_value = next(e for e in entries if "%(" in e.msgid and "<" not in e.msgid)
    plain = next(e for e in entries if "%" not in e.msgid and len(e.msgid) > 20)
    filled = PLACEHOLDER.sub("Ana", with_value.msgid)
    assert untranslated([filled, plain.msgid]) == sorted([filled, plain.msgid])
    assert untranslated([PLACEHOLDER.sub("Ana", with_value.msgstr), plain.msgstr]) == []
    assert untranslated(["How do I pace exposure work with a client who dissociates?"]) == []
    # The same English, written by a person (a title they chose), is theirs.
    assert untranslated([plain.msgid], frozenset({plain.msgid})) == []
    assert untranslated(["English", "Español"]) == []


WORD = re.compile(r"[A-Za-z]{4,}")
# Names of things, the same in both languages.
SAME_IN_BOTH = {"PeerCircle", "GeoNames", "Markdown", "Google", "Calendar", "Outlook", "https"}


def _fold(text: str) -> str:
    """Words only, lower case: a stored description's Markdown and line breaks fall away."""
    return " ".join(re.findall(r"[^\W_]+", text.casefold()))


@cache
def spanish_like_english() -> frozenset[str]:
    """Catalogue entries whose Spanish is the English ("Roles", "Informal")."""
    return frozenset(
        _english(e.msgid)
        for e in polib.pofile(str(CATALOGUE))
        if not e.msgid_plural and _english(e.msgid) == _english(e.msgstr)
    )


def never_marked(english: set[str], spanish: list[str], written: frozenset[str]) -> list[str]:
    """Texts the Spanish page shows exactly as the English page does, once what people wrote
    (stored texts found inside them), words the same in both languages and names of things
    are taken out: fixed text nobody marked for translation, which the catalogue cannot know
    of."""
    folded_written = sorted({_fold(v) for v in written if len(v) >= 3}, key=len, reverse=True)
    whole = " | ".join(f" {value} " for value in folded_written)
    found = []
    for text in sorted(set(spanish) & english):
        if _was_written(text, written) or text in spanish_like_english():
            continue
        if re.fullmatch(r"[A-Z0-9\W_]+", text) or f" {_fold(text)} " in whole:
            continue  # a code or an acronym; a part of what someone wrote
        rest = f" {_fold(text)} "
        for value in folded_written:
            if value and f" {value} " in rest:
                rest = rest.replace(f" {value} ", " ")
        words = [w for w in WORD.findall(rest) if w not in {x.casefold() for x in SAME_IN_BOTH}]
        if words:
            found.append(text)
    return found


def test_the_check_finds_english_nobody_marked():
    """Text the Spanish page shows as the English page does is found, unless people wrote it
    (in part too, Markdown and all), it is a code, or Spanish says it the same way."""
    english = {
        "Nobody marked this sentence",
        "Licensed clinicians Fixed agenda",
        "NOSUCHCODE",
        "Informal",
        "Dana Whitfield",
    }
    spanish = [*english, "Hola"]
    written = frozenset({"- Licensed clinicians\n- **Fixed** agenda\n- More", "Dana Whitfield"})
    assert never_marked(english, spanish, written) == ["Nobody marked this sentence"]


def _sign_in(persona: str, page, base: str, world: World) -> None:
    if persona == "anonymous":
        return
    log_in(page, base, world.users[persona].email, world.ids["password"])
    if persona == "member":  # the sweep gave him two-step sign-in
        page.get_by_label("Code").fill(totp(MEMBER_SECRET))
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/2fa/authenticate/" not in url)


def _choose(language: str, page, base: str) -> None:
    cookie = {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}
    page.context.add_cookies([cookie])


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_page_shows_fixed_english_to_someone_who_chose_spanish(live_server, page, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    world = build_world()
    written = stored_texts()
    base = live_server.url
    findings: dict[str, list[str]] = {}
    # Each persona signs in once (a two-step code cannot be used twice).
    by_persona: dict[str, list] = {}
    for segments in SWEEPS.values():
        for persona, visits in segments:
            by_persona.setdefault(persona, []).extend(v for v in visits if v.act is None)
    for persona, visits in by_persona.items():
        if persona == "admin":
            continue
        page.context.clear_cookies()
        _sign_in(persona, page, base, world)
        for visit in visits:
            where = f"{visit.name} ({visit.url(world)}) as {persona}"
            try:
                _choose("en", page, base)
                page.goto(base + visit.url(world))
                in_english = set(page.evaluate(TEXTS)[1])
                _choose("es", page, base)
                page.goto(base + visit.url(world))
                if "/reauthenticate/" in page.url:
                    continue  # allauth asks for the password again (its own page, in Spanish)
                assert page.locator("html").get_attribute("lang") == "es", "not in Spanish"
                exact, in_spanish = page.evaluate(TEXTS)
                english = untranslated(exact + in_spanish, written) + [
                    f"(never marked) {text}"
                    for text in never_marked(in_english, in_spanish, written)
                ]
            except (PlaywrightError, AssertionError) as error:
                english = [f"could not be checked: {str(error).splitlines()[0]}"]
            if english:
                findings[where] = english
    report = "\n\n".join(f"{where}:\n  " + "\n  ".join(texts) for where, texts in findings.items())
    assert not findings, f"{len(findings)} page(s) show English:\n\n{report}"
