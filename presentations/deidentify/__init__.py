"""De-identification guard: find HIPAA Safe Harbor identifiers in free-text case material.

``find_identifiers(text)`` returns the identifiers a presenter should remove before a case is
shared with a peer group: personal names, e-mail addresses, phone and fax numbers, street
addresses, ZIP codes, dates more precise than a year, ages over 89, social security numbers,
record / account / licence / plate / device numbers, URLs and IP addresses; and, since issue 13,
institutions that locate a person (a named hospital, school, employer, church or health system)
and social media handles.

The text is normalised first (``_normalize``: NFKC, look-alike letters from other alphabets,
accents, dashes and spaces), the detectors run on the normalised text, and every finding is
mapped back to the span of the original text, so ``Finding.text == text[start:end]`` holds for
what the person typed (full-width letters, a Cyrillic "e" in a Latin name).. Names are found in any case
("jennifer martinez", "ROBERT CHEN"), with initials ("J. Smith", "Jane D.", "J.S.") and
surname first ("Lopez, Maria"); the rules are in ``docs/deidentification.md``.

Each finding covers the identifying text only, not the cue that revealed it: "Mrs. Alvarez"
gives the name "Alvarez", "MRN 00482913" the record number "00482913". Ages are the exception:
the finding is the whole age phrase ("92-year-old", "aged 91").

It is a guard, not a guarantee: it looks for what can be recognized in free text and is tuned
to stay quiet on clinical vocabulary (CBT, "the ACT matrix", "Client A", "since 2019",
"a 35-year-old", "Dr. Smith's approach to DBT").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from . import _detectors as d
from . import _lexicon, _normalize
from . import _typed as t
from ._normalize import normalize

__all__ = ["DETECTORS", "KINDS", "Finding", "find_identifiers", "warm_up"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One identifier: ``text == source[start:end]``."""

    kind: str
    start: int
    end: int
    text: str


# Detector name -> function. Names are what the ablation report removes one at a time.
DETECTORS: dict[str, Callable[[str], Iterator[d.Span]]] = {
    "email": d.emails,
    "email_dodged": t.dodged_emails,
    "url": d.urls,
    "social_handle": t.social_handles,
    "ip": d.ip_addresses,
    "phone": d.phones,
    "spelled_number": t.spelled_numbers,
    "ssn": d.ssns,
    "record_number": d.record_numbers,
    "long_number": d.long_numbers,
    "zip": d.zip_codes,
    "address": d.addresses,
    "street": t.streets,
    "institution": t.institutions,
    "saint": t.saints,
    "place": t.small_places,
    "lower_case_places": t.lower_case_places,
    "date": d.dates,
    "date_typed": t.dates_as_typed,
    "age": d.ages,
    "name_title": d.names_after_title,
    "name_cue": d.names_after_cue,
    "name_dictionary": d.names_from_dictionary,
    "name_any_case": d.names_any_case,
    "name_lower_cue": d.names_after_lower_cue,
    "name_lower_text": d.names_in_lower_typed_text,
    "name_role": d.names_after_role,
    "name_initials": d.initials,
}

# On overlapping spans of equal length, the more specific kind wins.
KINDS = (
    "email",
    "url",
    "social_handle",
    "ip",
    "ssn",
    "record_number",
    "phone",
    "date",
    "zip",
    "address",
    "institution",
    "place",
    "age",
    "name",
)
_PRIORITY = {kind: rank for rank, kind in enumerate(KINDS)}


def find_identifiers(text: str, detectors: Iterable[str] | None = None) -> list[Finding]:
    """Identifiers in ``text``, sorted by start and non-overlapping.

    Where detectors disagree the longest span wins (then the more specific kind), so
    "22 Baker St. Apt 4, Springfield, IL 62704" is one address, not an address and a ZIP.
    ``detectors`` restricts the run to some of ``DETECTORS`` (used by the ablation report).
    """
    if not text:
        return []
    chosen = DETECTORS if detectors is None else {name: DETECTORS[name] for name in detectors}
    normalized = normalize(text)
    candidates = [
        (kind, *normalized.original_span(start, end))
        for detect in chosen.values()
        for kind, start, end in detect(normalized.text)
        if end > start
    ]
    candidates.sort(key=lambda c: (-(c[2] - c[1]), _PRIORITY[c[0]], c[1]))
    kept: list[tuple[str, int, int]] = []
    for kind, start, end in candidates:
        if all(end <= k_start or start >= k_end for _, k_start, k_end in kept):
            kept.append((kind, start, end))
    kept.sort(key=lambda c: c[1])
    return [Finding(kind, start, end, text[start:end]) for kind, start, end in kept]


def warm_up() -> None:
    """Load the word lists now rather than on the first case checked (about a second, once).

    Optional: ``find_identifiers`` loads what it needs on first use. A web worker may call this
    at start-up so the first member who saves a case does not wait.
    """
    _lexicon.first_names()
    _lexicon.given_name_keys()
    _lexicon.surname_keys()
    _lexicon.word_frequencies()
    _normalize._confusables()
    find_identifiers("Warm up: Maria called 555-201-3344 on March 3.")
