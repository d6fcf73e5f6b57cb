"""Detectors for identifiers as people actually type them (issue 13).

E-mail addresses and numbers written to dodge a filter ("jsmith at gmail dot com", "five five
five, two oh one..."), institutions that locate a person ("Lincoln Elementary", "Denver
Health", "Acme Roofing LLC"), social media handles, streets named without a number ("Pearl
St"), and the date forms the format-based detector does not cover (words, ordinals, a month
and day with no year, "12-Feb-2025"). Same contract as ``_detectors``: each takes the
normalised text and yields ``(kind, start, end)``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from . import _lexicon as lex

Span = tuple[str, int, int]

# --------------------------------------------------------------------------- dodged e-mail

_AT = r"(?:\s*[\(\[\{<]\s*at\s*[\)\]\}>]\s*|\s+at\s+|\s*@\s*)"
_DOT = r"(?:\s*[\(\[\{<]\s*(?:dot|\.)\s*[\)\]\}>]\s*|\s+dot\s+|\s*\.\s*)"
_TLD = r"(?:com|net|org|edu|gov|us|co|io|me|info|biz|uk|ca|de)"
_DODGED_EMAIL_RE = re.compile(
    rf"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*(?:\s+dot\s+[A-Za-z0-9]+)*{_AT}[A-Za-z0-9-]+(?:{_DOT}[A-Za-z0-9-]+)*?{_DOT}{_TLD}\b",
    re.IGNORECASE,
)


def dodged_emails(text: str) -> Iterator[Span]:
    """ "jsmith at gmail dot com", "k.reyes (at) yahoo (dot) com", "mj[at]outlook[.]com"."""
    for m in _DODGED_EMAIL_RE.finditer(text):
        if "@" in m.group() and " " not in m.group():
            continue  # a plain address: the e-mail detector's
        yield "email", m.start(), m.end()


# --------------------------------------------------------------------------- spelled numbers

_DIGIT_VALUES = {
    word: value
    for value, words in enumerate(
        ["zero oh o", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    )
    for word in words.split()
}
_DIGIT_WORD = r"(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|double|triple|\d{1,4})"
_SPELLED_NUMBER_RE = re.compile(
    rf"(?<![\w-]){_DIGIT_WORD}(?:(?:[ \t]*[,.\-/][ \t]*|[ \t]+){_DIGIT_WORD}){{4,}}(?![\w-])",
    re.IGNORECASE,
)


def spelled_numbers(text: str) -> Iterator[Span]:
    """A phone or ID number spelled out in words, whole or in part ("five five five, two oh one")."""
    for m in _SPELLED_NUMBER_RE.finditer(text):
        tokens = re.findall(r"[A-Za-z]+|\d+", m.group())
        words = [t.lower() for t in tokens if not t.isdigit()]
        if not words or any(w in ("double", "triple") for w in tokens[-1:]):
            continue
        digits, repeat = [], 1
        for token in tokens:
            low = token.lower()
            if low in ("double", "triple"):
                repeat = 2 if low == "double" else 3
                continue
            value = token if token.isdigit() else str(_DIGIT_VALUES.get(low, 0))
            digits.extend(list(value) * repeat)
            repeat = 1
        steps = {int(b) - int(a) for a, b in itertools.pairwise(digits)}
        if steps in ({1}, {-1}):
            continue  # counting breaths: "one, two, three, four, five, six, seven"
        if len(digits) >= 7 and len(words) >= 3:
            kind = "phone" if len(digits) in (7, 10, 11) else "record_number"
            yield kind, m.start(), m.end()


# --------------------------------------------------------------------------- institutions

_CAP = r"(?:[A-Z][a-z]+(?:['\u2019]s)?|[A-Z]{2,5}|St\.|Mt\.|Saint|Mount|O['\u2019][A-Z][a-z]+|&|of|the|and|de|la)"
_INSTITUTION_RE = re.compile(
    rf"(?<![\w'-])((?:[A-Z][A-Za-z'\u2019.-]*|\d{{1,3}}(?:st|nd|rd|th))(?:[ \t]+{_CAP}){{0,4}}?)"
    rf"[ \t,]+({lex.INSTITUTION_HEADS})(?![\w-])"
)
_UNIVERSITY_OF_RE = re.compile(
    r"\b((?:University|College|Bank|Church|Hospital|School)[ \t]+of[ \t]+(?:the[ \t]+)?[A-Z][a-z]+(?:[ \t]+[A-Z][a-z]+)?)"
)
# "Children's Hospital Colorado", "Memorial Hospital Central": a generic name and a place.
_GENERIC_AND_PLACE_RE = re.compile(
    r"\b((?:Children['\u2019]s|Memorial|General|Regional|Community|University|County|Veterans)"
    r"[ \t]+(?:Hospital|Medical[ \t]+Center|Health|Clinic)[ \t]+(?:of[ \t]+)?([A-Z][a-z]+))"
)
# "First Baptist", "First Presbyterian": a congregation named by its order.
_FIRST_CHURCH_RE = re.compile(
    r"\bFirst[ \t]+(?:Baptist|Presbyterian|Methodist|Lutheran|Congregational|Christian|Reformed"
    r"|Assembly|Church|Unitarian|Episcopal|AME)\b"
)
_SENTENCE_WORDS = lex.NOT_A_NAME | lex.COMMON_WORDS | lex.MONTHS | lex.WEEKDAYS


def institutions(text: str) -> Iterator[Span]:
    """Named hospitals, clinics, schools, employers, churches and health systems."""
    for m in _INSTITUTION_RE.finditer(text):
        words = [w for w in re.split(r"[ \t]+", m.group(1)) if w]
        # Drop leading words that only start the sentence or phrase ("The", "At", "Her").
        offset = m.start(1)
        while words and (
            words[0] in _SENTENCE_WORDS - {"Grace", "Hope", "Faith", "Mercy"}
            or words[0].lower() in ("of", "the", "and", "&", "de", "la")
        ):
            offset = text.index(words[0], offset) + len(words[0])
            words.pop(0)
        if not words:
            continue
        start = text.index(words[0], offset)
        name = " ".join([*words, m.group(2)])
        distinctive = [
            w
            for w in words
            if w.strip("'\u2019s") not in lex.GENERIC_INSTITUTION_WORDS
            and w not in lex.GENERIC_INSTITUTION_WORDS
            and w not in lex.NOT_A_NAME
            and w.lower() not in ("of", "the", "and", "&", "de", "la", "st.", "saint")
        ]
        if not distinctive or _national(name) or _national(" ".join(words)):
            continue
        head = m.group(2)
        if head in ("Health", "Medical", "Healthcare") and not _health_system(words):
            continue
        if head == "School" and len(words) == 1 and words[0] in lex.GENERIC_INSTITUTION_WORDS:
            continue
        yield "institution", start, m.end(2)
    for m in _UNIVERSITY_OF_RE.finditer(text):
        if not _national(m.group(1)):
            yield "institution", m.start(1), m.end(1)
    for m in _GENERIC_AND_PLACE_RE.finditer(text):
        place = m.group(2)
        if place in lex.STATE_WORDS or place in lex.CITY_NAMES or lex.is_surname(place):
            yield "institution", m.start(1), m.end(1)
    for m in _FIRST_CHURCH_RE.finditer(text):
        yield "institution", m.start(), m.end()


# "St. Anthony's", "Saint Luke's": a hospital, school or church known by its saint.
_SAINTS_RE = re.compile(
    r"\b(?:St\.?|Saint)[ \t]+[A-Z][a-z]+['\u2019]s\b"
    r"(?![ \t]+(?:Day|Eve|wort|Wort|Cathedral|Basilica|Square|Place|Fire|Dance))"
)


def saints(text: str) -> Iterator[Span]:
    for m in _SAINTS_RE.finditer(text):
        yield "institution", m.start(), m.end()


def _national(name: str) -> bool:
    name = " ".join(name.split())
    return (
        name in lex.NATIONAL_INSTITUTIONS or name.removeprefix("the ") in lex.NATIONAL_INSTITUTIONS
    )


def _health_system(words: list[str]) -> bool:
    """ "Denver Health", "Lakeshore Health": a place or proper name before "Health"."""
    last = words[-1]
    return last not in lex.GENERIC_INSTITUTION_WORDS and last[:1].isupper() and not last.isupper()


# --------------------------------------------------------------------------- social handles

_REDDIT_RE = re.compile(r"(?<![\w/])u/[A-Za-z0-9_-]{3,20}\b")
_HANDLE_RE = re.compile(r"(?<![\w@.])@([A-Za-z0-9_](?:[A-Za-z0-9_.]{1,29}[A-Za-z0-9_])?)(?![\w@])")
_HANDLE_CUE_RE = re.compile(
    rf"\b(?:(?i:{lex.HANDLE_CUES})|IG|SC)\b(?:['\u2019]s)?"
    r"(?:[ \t]+(?:handle|name|account|page|profile|username))?"
    r"(?P<link>,?[ \t]+(?:is|was|=|as)[ \t]+|[ \t]*[:=][ \t]*|,[ \t]+|[ \t]+)@?"
    r"(?P<h>[A-Za-z0-9_][A-Za-z0-9_.]{1,29}[A-Za-z0-9_])(?![\w@])"
)


def social_handles(text: str) -> Iterator[Span]:
    """ "@jess_runs_far", "his tiktok is dannyboy.irl", "IG: jess.runs"."""
    for m in _HANDLE_RE.finditer(text):
        yield "social_handle", m.start(), m.end()
    for m in _REDDIT_RE.finditer(text):
        yield "social_handle", m.start(), m.end()
    for m in _HANDLE_CUE_RE.finditer(text):
        handle = m.group("h")
        if not re.search(r"[\d_.]", handle):
            # A plain word is a handle only when it is named as one ("her insta is jsmith",
            # "on insta as kaylamarie"), and not an ordinary word ("her insta is private").
            if not re.search(r"is|was|as|=|:", m.group("link")) or len(handle) < 4:
                continue
            if lex.frequency(handle) >= 500 or handle.title() in lex.NOT_A_NAME:
                continue
        start = m.start("h") - (1 if text[m.start("h") - 1] == "@" else 0)
        yield "social_handle", start, m.end("h")


# --------------------------------------------------------------------------- streets

_STREET_SUFFIX = (
    r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Terrace|Parkway|Pkwy"
    r"|Highway|Hwy|Pike|Turnpike)"
)
_STREET_RE = re.compile(
    rf"(?<![\w'-])((?:[A-Z][a-z]+|\d{{1,3}}(?:st|nd|rd|th))(?:[ \t]+[A-Z][a-z]+)?[ \t]+{_STREET_SUFFIX})\b\.?(?![ \t]*[A-Z][a-z]+['\u2019]s)"
)
_CORNER_RE = re.compile(
    r"\bcorner\s+of\s+((?:[A-Z][a-z]+|\d{1,3}(?:st|nd|rd|th))\s+(?:and|&)\s+(?:[A-Z][a-z]+|\d{1,3}(?:st|nd|rd|th)))"
)
_NOT_STREETS = lex._words(
    "Memory Lane|Wall Street|Sesame Street|Easy Street|Fleet Street|Abbey Road|Penny Lane"
    "|Fast Lane|Slow Lane|Lovers Lane|Main Street",
    sep="|",
)


def streets(text: str) -> Iterator[Span]:
    """A street named without a house number: "Pearl St", "Colfax Ave", "on Elm Street"."""
    for m in _STREET_RE.finditer(text):
        words = list(re.finditer(r"\S+", m.group(1)))
        while len(words) > 2 and words[0].group() in _SENTENCE_WORDS:
            words.pop(0)  # "The Elm Street house" -> "Elm Street"
        name = " ".join(w.group() for w in words)
        if words[0].group() in _SENTENCE_WORDS or name in _NOT_STREETS:
            continue
        yield "address", m.start(1) + words[0].start(), m.end(1)
    for m in _CORNER_RE.finditer(text):
        yield "address", m.start(1), m.end(1)


# --------------------------------------------------------------------------- typed in lower case

_STOP = lex._words(
    "the a an her his my our their your this that its on off in at to of and or near by from "
    "with for old new big small"
)
_LOWER_ADDRESS_RE = re.compile(
    r"(?<![\w.,/-])\d{1,6}[ \t]+(?:[nsew]\.?[ \t]+)?((?:[a-z][a-z'-]+[ \t]+){1,3})"
    r"(?:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|highway|hwy|parkway|pkwy|terrace)\b\.?"
    r"(?:,?[ \t]*(?:apt|unit|suite|ste|\#)\.?[ \t]*\#?[a-z0-9-]+)?"
)
_LOWER_STREET_RE = re.compile(
    r"(?<![\w'-])([a-z][a-z'-]+)[ \t]+(?:st|ave|blvd|rd|ln|street|avenue|boulevard|road)\b\.?"
)
_LOWER_INSTITUTION_RE = re.compile(
    r"(?<![\w'-])((?:[a-z][a-z'.-]+[ \t]+){1,3})"
    r"(elementary|high school|middle school|academy|church|hospital|health|llc|inc\.?)(?![\w-])"
)


def _rare(word: str) -> bool:
    return word not in _STOP and lex.frequency(word) < lex.COMMON_WORD_FREQUENCY


def lower_case_places(text: str) -> Iterator[Span]:
    """Addresses, streets and institutions typed in lower case: "1428 elm street", "pearl st",
    "lincoln elementary", "acme roofing llc". The name part must not be a common word."""
    for m in _LOWER_ADDRESS_RE.finditer(text):
        last = m.group(1).split()[-1]
        if _rare(last):
            end = m.end() - (1 if text[m.end() - 1] in ".," else 0)
            yield "address", m.start(), end if text[end - 1] != " " else end - 1
    for m in _LOWER_STREET_RE.finditer(text):
        if _rare(m.group(1)) and m.group(1).title() not in lex.NOT_A_NAME:
            end = m.end() - (1 if text[m.end() - 1] == "." else 0)
            yield "address", m.start(1), end
    generic = {w.lower() for w in lex.GENERIC_INSTITUTION_WORDS}
    for m in _LOWER_INSTITUTION_RE.finditer(text):
        head = m.group(2)
        company = head in ("llc", "inc", "inc.")
        # Walk back from the head over the words of the name: any rare word before "llc" or
        # "inc"; otherwise only names, places and unknown words ("lincoln", "westbrook"), and
        # generic words between them ("denver community church").
        words = list(re.finditer(r"\S+", m.group(1)))
        kept = []
        for w in reversed(words):
            word = w.group()
            if word in _STOP or not _rare(word):
                break
            if company or word in generic or _named(word):
                kept.append(w)
                continue
            break
        distinctive = [w for w in kept if w.group() not in generic]
        if not distinctive:
            continue
        yield "institution", m.start(1) + kept[-1].start(), m.end(2)


def _named(word: str) -> bool:
    return (
        lex.is_surname(word)
        or lex.is_given_name(word)
        or word.title() in lex.CITY_NAMES
        or lex.frequency(word) == 0
    )


# --------------------------------------------------------------------------- small places

_PLACE_RE = re.compile(
    r"\b(?:town|city|village|suburb|neighbou?rhood|hamlet|township|community)[ \t]+"
    r"(?:called|named|of)[ \t]+([A-Z][a-z]+(?:[ \t][A-Z][a-z]+)?)"
    r"|(?<![\w'-])((?:[A-Z][a-z]+[ \t]){1,2}County)\b"
)


def small_places(text: str) -> Iterator[Span]:
    """A county or a small town named as such: "a town called Millbrook", "Larimer County".

    Large cities and states are not identifiers ("the city of Denver", "Texas").
    """
    for m in _PLACE_RE.finditer(text):
        group = 1 if m.group(1) else 2
        words = list(re.finditer(r"\S+", m.group(group)))
        while words and words[0].group() in _SENTENCE_WORDS:
            words.pop(0)
        if not words or (group == 2 and len(words) < 2):
            continue
        name = " ".join(w.group() for w in words)
        if name in lex.CITY_NAMES or name in lex.US_STATES.values() or name in lex.BIG_PLACES:
            continue
        yield "place", m.start(group) + words[0].start(), m.end(group)


# --------------------------------------------------------------------------- dates in words

_MONTH = (
    r"(?:(?i:January|February|March|April|June|July|August|September|October|November|December)"
    r"|May|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
    r"|(?:jan|feb|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?)"
)
_UNIT_W = r"(?:one|two|three|four|five|six|seven|eight|nine)"
_TEEN_W = r"(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"
_TENS_W = r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
_ORD_UNIT_W = r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)"
_DAY_ORD_W = (
    rf"(?:{_ORD_UNIT_W}|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth"
    rf"|seventeenth|eighteenth|nineteenth|twentieth|twenty[- ]{_ORD_UNIT_W}|thirtieth|thirty[- ]first)"
)
_YEAR_W = (
    rf"(?:(?:nineteen|twenty)[- ](?:hundred(?:[- ]and)?[- ])?(?:{_TENS_W}(?:[- ]{_UNIT_W})?|{_TEEN_W}|oh[- ]{_UNIT_W})"
    rf"|two[- ]thousand(?:[- ]and)?(?:[- ](?:{_TENS_W}(?:[- ]{_UNIT_W})?|{_TEEN_W}|{_UNIT_W}))?)"
)
_YEAR = rf"(?:(?:1[89]|20)\d{{2}}|['\u2019]\d{{2}}|{_YEAR_W})"
_DAY_NUM = r"(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?"
_WORD_DATE_RE = re.compile(
    "|".join(
        [
            # March fourteenth, March the 14th, jan 9th, sept 3 2024
            rf"\b{_MONTH}[ \t]+(?:the[ \t]+)?(?i:{_DAY_ORD_W}|{_DAY_NUM})(?![\w:])(?:,?[ \t]+(?i:{_YEAR})\b)?",
            # the fourteenth of March, nineteen eighty-seven / 3rd of June
            rf"\b(?i:{_DAY_ORD_W}|(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th))[ \t]+(?:day[ \t]+)?of[ \t]+{_MONTH}(?![a-z])(?:,?[ \t]+(?i:{_YEAR})\b)?",
            # March '24, Sept '23: a month and a two-digit year
            rf"\b{_MONTH}[ \t]+['\u2019]\d{{2}}\b",
            # 12-Feb-2025, 12 Feb 25
            r"(?<![\w-])(?:0?[1-9]|[12]\d|3[01])[-/ ](?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[-/ ](?:\d{4}|\d{2})(?![\w-])",
        ]
    )
)
_HOLIDAY_DATE_RE = re.compile(r"(?i:(?:the[ \t]+)?(?:4th|fourth)[ \t]+of[ \t]+July)")

# 3/14 with no year: a date unless it reads as a score, a fraction or a count ("7/10", "1/2 tab",
# "5/6 sessions", "24/7").
_MONTH_DAY_RE = re.compile(
    r"(?<![\w/.$#-])(?P<m>0?[1-9]|1[0-2])/(?P<d>0?[1-9]|[12]\d|3[01])(?![\w/%]|\.\d|[ \t]*(?:%|percent))"
)
_SCORE_CUE_RE = re.compile(
    r"\b(?:(?i:rat(?:e|ed|es|ing)|scale|score[ds]?|scoring|pain|distress|suds|mood|anxiety|level"
    r"|out\s+of|sleep|energy|craving|urge|stress|depression|a|an|about|around|roughly"
    r"|phq|gad|pcl|bdi|bai|moca|mmse|audit|dast|epds|y-?bocs|c-?ssrs|ace|k10|dass|des)"
    r"|[A-Z]{2,}[A-Za-z]*(?:-\w+)?)\W*(?:\w+\W+){0,3}$"
)
_COUNT_AFTER_RE = re.compile(
    r"[ \t]+(?:of|sessions?|times?|days?|nights?|weeks?|items?|questions?|criteria|symptoms?"
    r"|tabs?|tablets?|pills?|doses?|cups?|drinks?|meetings?|groups?|appointments?|classes?"
    r"|shifts?|hours?|hrs?|split|custody|schedule|rotation)\b",
    re.IGNORECASE,
)
_DATE_CUE_RE = re.compile(
    r"(?i:on|by|until|till|before|after|since|from|dated|due|dob|seen|admitted|discharged|appt"
    r"|appointment|session|last|next|born|birthday|week\s+of)\W*$"
)


def dates_as_typed(text: str) -> Iterator[Span]:
    for m in _WORD_DATE_RE.finditer(text):
        if _HOLIDAY_DATE_RE.search(m.group()):
            continue
        yield "date", m.start(), m.end()
    for m in _MONTH_DAY_RE.finditer(text):
        month, day = int(m.group("m")), int(m.group("d"))
        before = text[max(0, m.start() - 40) : m.start()]
        if _DATE_CUE_RE.search(before):
            yield "date", m.start(), m.end()
            continue
        if (month, day) == (9, 11) or day in (10, 5, 100) or month < day <= 4:
            continue  # 9/11, 7/10, 4/5, 1/2, 3/4
        if _SCORE_CUE_RE.search(before) or _COUNT_AFTER_RE.match(text, m.end()):
            continue
        yield "date", m.start(), m.end()
