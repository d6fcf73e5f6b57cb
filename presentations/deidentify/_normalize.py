"""Normalise text before detection, keeping a map back to the original characters.

People (and copy-paste) write names in full-width forms or with a Cyrillic "e" or "a" that
looks Latin, phone numbers with non-breaking hyphens, a no-break space between first and last
name, "Jose" with a combining accent. The detectors are written for plain ASCII-ish text, so each character is
mapped first:

1. Unicode NFKC (full-width and compatibility forms, ligatures);
2. dashes, hyphens and minus signs to "-", every kind of space to " ", curly apostrophes and
   quotes to their ASCII forms;
3. Latin letters with diacritics to their base letter ("é" -> "e", "ł" -> "l", "ß" -> "ss");
4. letters of other alphabets that look like a Latin letter (Unicode's confusables list, as
   shipped by the ``confusable-homoglyphs`` package) to that letter (Cyrillic "e" -> "e").

A character may become several ("ß" -> "ss") or none (a combining accent), so ``normalize``
returns, with the new text, the index in the original of every character of the new one;
``Normalized.original_span`` maps a finding back so the review page highlights what the person
actually typed. ASCII text (the usual case) is returned as is, at no cost.
"""

from __future__ import annotations

import functools
import json
import unicodedata
from dataclasses import dataclass
from importlib import resources

_DASHES = "\u2010\u2011\u2012\u2013\u2043\u2212\ufe58\ufe63\uff0d\u00ad"
_APOSTROPHES = "\u2018\u2019\u201b\u02bc\u02bb\u2032\u0060\u00b4"
_QUOTES = "\u201c\u201d\u201e\u201f\u2033"
# Latin letters NFKD does not take apart.
LATIN_FOLD = {
    "ß": "ss",
    "ẞ": "SS",
    "æ": "ae",
    "Æ": "AE",
    "œ": "oe",
    "Œ": "OE",
    "ø": "o",
    "Ø": "O",
    "ł": "l",
    "Ł": "L",
    "đ": "d",
    "Đ": "D",
    "ð": "d",
    "Ð": "D",
    "þ": "th",
    "Þ": "Th",
    "ı": "i",  # noqa: RUF001
    "ħ": "h",
    "Ħ": "H",
}


@functools.cache
def _confusables() -> dict[str, str]:
    """Non-Latin letters that look like one ASCII letter, from Unicode's confusables data."""
    package = resources.files("confusable_homoglyphs")
    data = json.loads(package.joinpath("confusables.json").read_text(encoding="utf-8"))
    table: dict[str, str] = {}
    for char, entries in data.items():
        if len(char) != 1 or char.isascii() or not char.isalpha():
            continue
        if "LATIN" in unicodedata.name(char, ""):
            continue  # Latin letters are folded by their decomposition instead
        for entry in entries:
            target = entry["c"]
            if len(target) == 1 and target.isascii() and target.isalpha():
                table[char] = target
                break
    return table


@functools.lru_cache(maxsize=4096)
def _fold(char: str) -> str:
    """What one non-ASCII character becomes (see the module docstring)."""
    if unicodedata.combining(char):
        return ""
    if char in _DASHES:
        return "-"
    if char in _APOSTROPHES:
        return "'"
    if char in _QUOTES:
        return '"'
    if unicodedata.category(char) == "Zs" or char in "\u200b\u2060\ufeff":
        return " " if unicodedata.category(char) == "Zs" else ""
    out = []
    for c in unicodedata.normalize("NFKC", char):
        if c.isascii():
            out.append(c)
        elif c in LATIN_FOLD:
            out.append(LATIN_FOLD[c])
        elif "LATIN" in unicodedata.name(c, ""):
            base = "".join(
                b for b in unicodedata.normalize("NFKD", c) if not unicodedata.combining(b)
            )
            out.append(base if base.isascii() and base else c)
        else:
            out.append(_confusables().get(c, c))
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Normalized:
    original: str
    text: str
    origin: tuple[int, ...] | None  # original index of each character of ``text``

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        if self.origin is None:
            return start, end
        o_start = self.origin[start]
        o_end = self.origin[end - 1] + 1
        # A character that became several ("ß" -> "ss") or a base letter followed by combining
        # accents: take the whole original character, with its accents.
        while o_end < len(self.original) and unicodedata.combining(self.original[o_end]):
            o_end += 1
        return o_start, o_end


def normalize(text: str) -> Normalized:
    if text.isascii():
        return Normalized(text, text, None)
    out: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        piece = char if char.isascii() else _fold(char)
        out.append(piece)
        origin.extend([i] * len(piece))
    return Normalized(text, "".join(out), tuple(origin))
