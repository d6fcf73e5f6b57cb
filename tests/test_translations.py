"""The Spanish catalogue (docs/translations.md): every entry translated, none fuzzy, the
placeholders and markup of each English string kept, every marked string of the code in the
catalogue, and the compiled catalogue current."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"
# %(name)s, %s, %d, %%: what Python's % formatting reads.
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")
TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>")
ATTRIBUTE_VALUE = re.compile(r'(?:href|id|class|lang)="([^"]*)"')


def entries() -> list[polib.POEntry]:
    return [entry for entry in polib.pofile(str(CATALOGUE)) if not entry.obsolete]


def translations(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural.get(index, "") for index in (0, 1)]
    return [entry.msgstr]


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def test_the_catalogue_is_spanish_with_two_plural_forms():
    catalogue = polib.pofile(str(CATALOGUE))
    assert catalogue.metadata["Language"] == "es"
    assert catalogue.metadata["Plural-Forms"].replace(" ", "") == "nplurals=2;plural=(n!=1);"
    assert "charset=UTF-8" in catalogue.metadata["Content-Type"]
    assert len(entries()) > 500


def test_every_entry_is_translated_and_none_is_fuzzy():
    empty = [entry.msgid for entry in entries() if not all(t.strip() for t in translations(entry))]
    fuzzy = [entry.msgid for entry in entries() if "fuzzy" in entry.flags]
    assert empty == []
    assert fuzzy == []


def test_each_translation_keeps_the_placeholders_and_markup_of_its_english():
    mismatched = []
    for entry in entries():
        for index, text in enumerate(translations(entry)):
            english = entry.msgid_plural if entry.msgid_plural and index else entry.msgid
            # A singular form may say "one" in words instead of "%(counter)s".
            wanted = [p for p in placeholders(english) if not (entry.msgid_plural and not index)]
            found = [p for p in placeholders(text) if not (entry.msgid_plural and not index)]
            same_tags = sorted(TAG.findall(english)) == sorted(TAG.findall(text))
            same_links = sorted(ATTRIBUTE_VALUE.findall(english)) == sorted(
                ATTRIBUTE_VALUE.findall(text)
            )
            if wanted != found or not same_tags or not same_links:
                mismatched.append((entry.msgid, text))
    assert mismatched == []


def test_the_plural_forms_keep_their_counts():
    missing = [
        entry.msgid_plural
        for entry in entries()
        if entry.msgid_plural
        and placeholders(entry.msgid_plural) != placeholders(entry.msgstr_plural.get(1, ""))
    ]
    assert missing == []


def test_the_compiled_catalogue_is_current():
    """`make test`, `make run` and the Docker build compile it (scripts/compile_translations.py)."""
    result = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(ROOT / "scripts" / "compile_translations.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout
    compiled = polib.mofile(str(CATALOGUE.with_suffix(".mo")))
    assert {entry.msgid for entry in compiled if entry.msgid} == {
        entry.msgid for entry in entries()
    }


def test_every_marked_string_is_in_the_catalogue(tmp_path, settings):
    """`make messages` was run after the last string was marked: a string marked in the code
    but missing from the catalogue would be shown in English to everyone."""
    if not shutil.which("xgettext"):
        if settings.REQUIRE_SERVICES:
            pytest.fail("GNU gettext (xgettext) is required to check the catalogue")
        # Only on a developer machine without GNU gettext; CI (REQUIRE_SERVICES=1) fails above.
        pytest.skip("needs GNU gettext's xgettext (REQUIRE_SERVICES=1 makes this a failure)")
    source = tmp_path / "source"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".git",
            ".venv",
            "node_modules",
            "var",
            "static",
            "staticfiles",
            "tests",
            "*.mo",
            "__pycache__",
            ".ruff_cache",
            ".pytest_cache",
            "test-artifacts",
        ),
    )
    subprocess.run(  # noqa: S603 - Django's own command on a copy of our source
        [sys.executable, "manage.py", "makemessages", *MAKEMESSAGES_ARGS],
        cwd=source,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        check=True,
        capture_output=True,
    )
    copy = source / "locale"
    extracted = {
        (entry.msgctxt, entry.msgid)
        for entry in polib.pofile(str(copy / "es" / "LC_MESSAGES" / "django.po"))
        if not entry.obsolete
    }
    known = {(entry.msgctxt, entry.msgid) for entry in entries()}
    assert sorted(extracted - known, key=str) == []


# As the Makefile's `messages` target runs it.
MAKEMESSAGES_ARGS = [
    "--locale=es",
    "--no-obsolete",
    "--add-location=file",
    *(f"--ignore={p}" for p in ("static/*", "staticfiles/*", "tests/*", "bench/*", "scripts/*")),
    "--ignore=var/*",
    "--ignore=node_modules/*",
]


def test_the_site_speaks_two_languages():
    assert [code for code, _name in settings.LANGUAGES] == ["en", "es"]
    assert settings.LANGUAGE_CODE == "en"
