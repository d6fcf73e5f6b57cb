"""The individual detectors. Each takes the text and yields ``(kind, start, end)`` spans.

They may overlap one another; ``find_identifiers`` resolves overlaps. Libraries do the parts
they are good at: ``phonenumbers`` finds and classifies phone numbers, the US Census 1990 name
lists (``deidentify/data/``) supply the first-name dictionary, ``ipaddress`` validates IP
addresses. The rest is context: cue words before a name or a number, and the formats of dates, ages, streets and ZIPs.
"""

from __future__ import annotations

import ipaddress
import itertools
import re
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime

import phonenumbers

from . import _lexicon as lex

Span = tuple[str, int, int]

_UP = "A-ZÀ-ÖØ-Þ"
_LOW = "a-zß-öø-ÿ"
# One word of a name: "Maria", "DeShawn", "O'Brien", "McAllister", "Mary-Jo", "José".
NAME_WORD = rf"(?:[{_UP}]['\u2019])?[{_UP}][{_LOW}]+(?:[{_UP}][{_LOW}]+)?(?:-[{_UP}][{_LOW}]+)?"
_NAME_WORD_RE = re.compile(rf"(?<![\w@./'\u2019-]){NAME_WORD}(?![\w@])")
_NEXT_WORD_RE = re.compile(rf"[ \t]+({NAME_WORD})(?![\w@])")
_FOLLOWING_LOWER_RE = re.compile(r"[ \t]+([a-z]+)\b")
_POSSESSIVE_RE = re.compile(r"['\u2019]s?\s+((?:[\w-]+\s+){0,2}[\w-]+)")
_SENTENCE_END = '.!?:;"“”()[]\n•*-–—'  # noqa: RUF001 - typographic quotes and dashes


# --------------------------------------------------------------------------- e-mail, URL, IP

_EMAIL_RE = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b"
)


def emails(text: str) -> Iterator[Span]:
    for m in _EMAIL_RE.finditer(text):
        yield "email", m.start(), m.end()


_TLDS = "com|org|net|edu|gov|io|co|us|info|biz|me|app|health|care|blog|online|site|ly"
_URL_RE = re.compile(
    r"\b(?:https?://|www\.)[^\s<>\"'()\[\]{}]+"
    rf"|(?<![\w@.-])[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:{_TLDS})\b(?![@.\w])(?:/[^\s<>\"'()]*)?",
    re.IGNORECASE,
)


def urls(text: str) -> Iterator[Span]:
    for m in _URL_RE.finditer(text):
        end = m.end()
        while end > m.start() and text[end - 1] in ".,;:!?":
            end -= 1
        yield "url", m.start(), end


_IPV4_RE = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.]*\d)")
_IPV6_RE = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{1,4}(?![\w:])")


def ip_addresses(text: str) -> Iterator[Span]:
    for regex in (_IPV4_RE, _IPV6_RE):
        for m in regex.finditer(text):
            try:
                ipaddress.ip_address(m.group())
            except ValueError:
                continue
            yield "ip", m.start(), m.end()


# --------------------------------------------------------------------------- phone (phonenumbers)


def phones(text: str) -> Iterator[Span]:
    """Phone and fax numbers, found by Google's libphonenumber port for the US region.

    POSSIBLE leniency, so the fictional 555 numbers people use in examples and bare 7-digit
    local numbers count. Toll-free and premium lines (crisis lines, businesses) are public
    numbers, not a person's, and are left alone.
    """
    for match in phonenumbers.PhoneNumberMatcher(
        text, "US", leniency=phonenumbers.Leniency.POSSIBLE
    ):
        kind = phonenumbers.number_type(match.number)
        if kind in (
            phonenumbers.PhoneNumberType.TOLL_FREE,
            phonenumbers.PhoneNumberType.PREMIUM_RATE,
        ):
            continue
        yield "phone", match.start, match.end


# --------------------------------------------------------------------------- SSN and record numbers

_SSN_RE = re.compile(r"(?<![\w-])(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?![\w-])")
_SSN_CUE_RE = re.compile(
    r"\b(?:SSN|SSN#|social security(?: number| no\.?| #)?|social)\s*(?:is|was|of)?\s*[:#]?\s*"
    r"(\d{3}[- ]?\d{2}[- ]?\d{4})(?![\w-])",
    re.IGNORECASE,
)


def ssns(text: str) -> Iterator[Span]:
    for m in _SSN_RE.finditer(text):
        yield "ssn", m.start(), m.end()
    for m in _SSN_CUE_RE.finditer(text):
        yield "ssn", m.start(1), m.end(1)


_RECORD_CUES = (
    r"MRN|MR\#|medical record(?:\s+(?:number|no\.?|\#))?|chart(?:\s+(?:number|no\.?|\#))"
    r"|record(?:\s+(?:number|no\.?|\#))|patient\s+(?:ID|number|no\.?|\#)"
    r"|account(?:\s+(?:number|no\.?|\#))?|acct\.?(?:\s+(?:number|no\.?|\#))?"
    r"|policy(?:\s+(?:number|no\.?|\#))?|member\s+(?:ID|number|no\.?|\#)|subscriber\s+ID"
    r"|group\s+(?:number|no\.?)|insurance\s+(?:ID|number|no\.?)|health\s+plan\s+(?:ID|number)"
    r"|(?:Medicaid|Medicare)(?:\s+(?:ID|number|no\.?|\#))?"
    r"|(?:driver['\u2019]?s\s+)?licen[cs]e(?:\s+plate)?(?:\s+(?:number|no\.?|\#))?"
    r"|plate(?:\s+(?:number|no\.?|\#))?|tag\s+number|VIN"
    r"|serial(?:\s+(?:number|no\.?|\#))?|S/N|device\s+(?:ID|number|serial)|IMEI"
    r"|case\s+(?:number|no\.?|\#)|claim\s+(?:number|no\.?|\#)|docket(?:\s+(?:number|no\.?))?"
    r"|(?:student|employee|badge|visa|certificate)\s*(?:ID|number|no\.?|\#)"
    r"|(?:passport|NPI|DEA)(?:\s*(?:ID|number|no\.?|\#))?"
    r"|ID(?:\s+(?:number|no\.?|\#))?|card\s+number|routing\s+number"
)
_RECORD_RE = re.compile(
    rf"\b(?:{_RECORD_CUES})(?![\w-])\s*(?:(?:is|was|of|reads)\s+)?[:\#]?\s*(?:no\.\s*)?"
    r"((?=[A-Z0-9-]*\d)[A-Z0-9](?:[A-Z0-9-]*[A-Z0-9])?)(?![\w-])",
    re.IGNORECASE,
)
_NOT_AN_ID_RE = re.compile(r"(?:19|20)\d{2}|\d+(?:st|nd|rd|th)", re.IGNORECASE)
_LONG_NUMBER_RE = re.compile(r"(?<![\w.,$-])\d{7,}(?![\w-]|[.,]\d)")


def record_numbers(text: str) -> Iterator[Span]:
    """Medical-record, account, licence, plate, serial and other ID numbers after a cue word."""
    for m in _RECORD_RE.finditer(text):
        value = m.group(1)
        if len(value) >= 3 and not _NOT_AN_ID_RE.fullmatch(value):  # "licensed in 2019", "3rd"
            yield "record_number", m.start(1), m.end(1)


def long_numbers(text: str) -> Iterator[Span]:
    """A run of seven or more digits with no cue is an identifier of some kind in a case note."""
    for m in _LONG_NUMBER_RE.finditer(text):
        yield "record_number", m.start(), m.end()


# --------------------------------------------------------------------------- ZIP and street address

_STATE_ABBR = "|".join(lex.US_STATES)
_STATE_NAME = "|".join(sorted(lex.US_STATES.values(), key=len, reverse=True)).replace(" ", r"\s+")
_STATE = rf"(?:(?-i:{_STATE_ABBR})|{_STATE_NAME})"
_ZIP = r"\d{5}(?:-\d{4})?"
_ZIP_RE = re.compile(
    rf"(?:\b{_STATE}\.?,?\s+({_ZIP})(?![\w-])"
    rf"|\b(?:zip|zip\s*code|zipcode|postal\s+code|postcode)\s*(?:is|was|of)?\s*[:\#]?\s*({_ZIP})(?![\w-])"
    r"|(?<![\w-])(\d{5}-\d{4})(?![\w-]))",
    re.IGNORECASE,
)


_FIVE_DIGITS_RE = re.compile(r"\d{5}")


def zip_codes(text: str) -> Iterator[Span]:
    """ZIP+4 anywhere; a 5-digit ZIP only after a state or the word ZIP (a bare 90837 is a CPT code)."""
    if not _FIVE_DIGITS_RE.search(text):
        return
    for m in _ZIP_RE.finditer(text):
        group = next(g for g in (1, 2, 3) if m.group(g))
        yield "zip", m.start(group), m.end(group)


_SUFFIX = (
    r"(?:Street|St|Avenue|Ave|Av|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl|Way"
    r"|Terrace|Ter|Circle|Cir|Highway|Hwy|Parkway|Pkwy|Square|Sq|Trail|Trl|Alley|Loop|Pike"
    r"|Plaza|Crescent|Close|Grove|Heights|Hts|Ridge|Crossing|Turnpike|Expressway|Route|Rte)"
)
_DIRECTION = (
    r"(?:North|South|East|West|Northeast|Northwest|Southeast|Southwest|NE|NW|SE|SW|[NSEW]\.?)"
)
_STREET_WORD = r"(?:[A-Z][a-z'\u2019]+|\d{1,3}(?:st|nd|rd|th))"
_UNIT = (
    r"(?:,?\s*(?:Apt|Apartment|Unit|Suite|Ste|Room|Rm|Floor|Fl|Bldg|Building)\b\.?\s*\#?\s*[A-Za-z0-9-]+"
    r"|,?\s*\#\s*[A-Za-z0-9-]+)?"
)
_CITY_STATE_ZIP = (
    rf"(?:,\s*[A-Z][a-z]+(?:\s+[A-Z][a-z]+){{0,2}},?\s*(?-i:{_STATE_ABBR}|{_STATE_NAME})\b\.?"
    rf"(?:,?\s*{_ZIP}(?![\w-]))?)?"
)
_ADDRESS_RE = re.compile(
    rf"(?<![\w.,/-])\d{{1,6}}(?:-?[A-Z])?\s+(?:{_DIRECTION}\s+)?(?:{_STREET_WORD}\s+){{1,3}}{_SUFFIX}\b\.?"
    rf"(?:\s+{_DIRECTION}\b\.?)?{_UNIT}{_CITY_STATE_ZIP}"
    rf"|\bP\.?\s?O\.?\s+Box\s+\d+{_CITY_STATE_ZIP}"
)
_STREET_ONLY_RE = re.compile(
    r"\b(?:on|off|near|along|corner\s+of)\s+"
    r"((?:[A-Z][a-z]+|\d{1,3}(?:st|nd|rd|th))(?:\s+[A-Z][a-z]+){0,2}\s+"
    r"(?:Street|Avenue|Road|Boulevard|Lane|Drive|St\.|Ave\.|Blvd\.|Rd\.))"
)


def addresses(text: str) -> Iterator[Span]:
    """Street addresses (number, street, suffix, unit, then city, state and ZIP when they follow)."""
    for m in _ADDRESS_RE.finditer(text):
        end = m.end()
        if text[end - 1] == "," or (
            text[end - 1] == "." and not _ends_with_abbreviation(text, end)
        ):
            end -= 1
        yield "address", m.start(), end
    for m in _STREET_ONLY_RE.finditer(text):
        yield "address", m.start(1), m.end(1)


def _ends_with_abbreviation(text: str, end: int) -> bool:
    word = re.search(r"([A-Za-z]+)\.$", text[max(0, end - 12) : end])
    return bool(word) and word.group(1) in {"St", "Ave", "Av", "Rd", "Blvd", "Ln", "Dr", "Ct", "Pl"}


# --------------------------------------------------------------------------- dates

_MONTH_FULL = "January|February|March|April|June|July|August|September|October|November|December"
_MONTH_ABBR = r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
_MONTH = rf"(?:(?i:{_MONTH_FULL})|May|(?:{_MONTH_ABBR})\.?)"
_DAY = r"(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]\d{2}|20\d{2}|['\u2019]\d{2})"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DATE_RE = re.compile(
    "|".join(
        [
            # 03/14/2024, 3-14-24, 14.03.2024 (validated below)
            r"(?<![\w/.-])(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?:\d{4}|\d{2})(?![\w/-]|\.\d)",
            # 2024-03-14, 2024/03/14
            r"(?<![\w/.-])(?:19|20)\d{2}(?P<isep>[/.-])(?:0?[1-9]|1[0-2])(?P=isep)(?:0?[1-9]|[12]\d|3[01])(?![\w/-])",
            # Tuesday, March 5 / March 14th, 2024 / Mar. 3 / March 14 2024
            rf"\b(?:{_WEEKDAY},?\s+)?{_MONTH}\s+{_DAY}(?![\d:])(?:,?\s+{_YEAR}\b)?",
            # 14 March 2023 / the 14th of March / 5 Jan 2024
            rf"\b(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}(?![a-z])(?:,?\s+{_YEAR}\b)?",
            # March 2024 / March of 2023
            rf"\b{_MONTH}\s+(?:of\s+)?(?:1[89]\d{{2}}|20\d{{2}})\b",
            # Tuesday the 5th
            rf"\b{_WEEKDAY}\s+the\s+(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)\b",
        ]
    )
)
# on 11/30, DOB 3/14: a month/day with no year needs a cue (7/10 is a rating).
_SHORT_DATE_RE = re.compile(
    r"\b(?:on|by|until|before|after|dated|due|DOB:?)\s+"
    r"((?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\d|3[01]))(?![\w/]|\.\d)"
)
_BORN_RE = re.compile(
    r"\b(?:born\s+(?:in\s+)?|b\.\s*|birth\s*year\s*:?\s*)(1[89]\d{2})\b", re.IGNORECASE
)


_HOLIDAY_RE = re.compile(r"(?:the\s+)?(?:4th|4|fourth)\s+of\s+July", re.IGNORECASE)


def dates(text: str) -> Iterator[Span]:
    """Dates more precise than a year, and birth years that reveal an age over 89."""
    for m in _DATE_RE.finditer(text):
        if m.group("a") and not _valid_numeric_date(int(m.group("a")), int(m.group("b"))):
            continue
        if _HOLIDAY_RE.fullmatch(m.group()):
            continue  # "the 4th of July" is a holiday, not a person's date
        yield "date", m.start(), m.end()
    for m in _SHORT_DATE_RE.finditer(text):
        yield "date", m.start(1), m.end(1)
    this_year = datetime.now(UTC).year
    for m in _BORN_RE.finditer(text):
        if this_year - int(m.group(1)) > 89:
            yield "date", m.start(1), m.end(1)


def _valid_numeric_date(a: int, b: int) -> bool:
    return (1 <= a <= 12 and 1 <= b <= 31) or (1 <= b <= 12 and 1 <= a <= 31)


# --------------------------------------------------------------------------- ages over 89

_TENS = {"ninety": 90, "a hundred": 100, "one hundred": 100, "hundred": 100}
_UNITS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
}
_SPELLED = r"(?:ninety|(?:a |one )?hundred)(?:[- ](?:and[- ])?(?:one|two|three|four|five|six|seven|eight|nine))?"
_NUMBER = rf"(?P<n>\d{{2,3}}|{_SPELLED})"
_AGE_RE = re.compile(
    rf"\b{_NUMBER}(?:[- ](?:years?|yrs?)[- ]old\b|[- ](?:years?|yrs?)[- ]of[- ]age\b|\s?(?:y/o|yo|y\.o\.)(?!\w))"
    rf"|\b(?:aged?:?|at\s+age|age\s+of|turned|turns|turning)\s+{_NUMBER.replace('?P<n>', '?P<m>')}\b(?![-/.]\d)",
    re.IGNORECASE,
)
_APPOSITIVE_AGE_RE = re.compile(rf"\b([A-Za-z-]+), (9\d|1[01]\d|(?i:{_SPELLED})),(?=\s)")
_PERSON_WORDS = frozenset(
    w.lower() for w in lex.PERSON_NOUNS | lex.RELATION_WORDS | {"he", "she", "who"}
)
# "her grandfather is 102", "she was 94", "who's ninety": a bare number after a person and a
# copula. Found from the copula (rare) and checked back for the person word (fast).
_COPULA_AGE_RE = re.compile(
    rf"(?:[ \t]+(?:is|was|will\s+be|turned|turns)|['\u2019]s)\s+(?P<n>9\d|1[01]\d|{_SPELLED})\b"
    r"(?![-/.]\d|\s*(?:%|percent|mg|min|minutes|pounds|lbs|kg|sessions|days|weeks|months|times|out))"
)
_WORD_BEFORE_RE = re.compile(r"([A-Za-z-]+)$")
_AGE_HINT_RE = re.compile(r"\d\d|ninety|hundred", re.IGNORECASE)


def _age_value(words: str) -> int:
    if words.isdigit():
        return int(words)
    words = words.lower().replace("-", " ").replace(" and ", " ")
    total = 0
    for tens, value in _TENS.items():
        if words.startswith(tens):
            total = value
            words = words[len(tens) :].strip()
            break
    return total + _UNITS.get(words, 0)


def ages(text: str) -> Iterator[Span]:
    """Ages over 89 ("92-year-old", "aged 91", "turned 90", "Hector, 94,")."""
    if not _AGE_HINT_RE.search(text):
        return
    for m in _AGE_RE.finditer(text):
        value = _age_value(m.group("n") or m.group("m"))
        if 89 < value < 130:
            yield "age", m.start(), m.end()
    for m in _COPULA_AGE_RE.finditer(text):
        person = _WORD_BEFORE_RE.search(text, max(0, m.start() - 20), m.start())
        if not person or person.group(1).lower() not in _PERSON_WORDS:
            continue
        if 89 < _age_value(m.group("n")) < 130:
            yield "age", m.start("n"), m.end("n")
    for m in _APPOSITIVE_AGE_RE.finditer(text):
        before = m.group(1)
        if not 89 < _age_value(m.group(2)) < 130:
            continue
        if before[0].isupper() or before.lower().rsplit("-", 1)[-1] in lex.PERSON_NOUNS:
            yield "age", m.start(2), m.end(2)


# --------------------------------------------------------------------------- personal names


def _sentence_start(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    return i < 0 or text[i] in _SENTENCE_END


_MIDDLE_INITIAL_RE = re.compile(rf"[ \t]+[A-Z]\.(?=[ \t]+{NAME_WORD}(?![\w@]))")
_LAST_INITIAL_RE = re.compile(r"[ \t]+[A-Z]\.?(?=[ \t]*(?:[,;:)\n]|$|[ \t]+[a-z]))")


def _surname_use(text: str, end: int) -> bool:
    """ "Kim Park's teacher", "Kim Park said": a surname, not a park or a hall."""
    return bool(re.match(r"['\u2019]s\b|[ \t]+(?!of\b|in\b|on\b|at\b)[a-z]", text[end : end + 6]))


def _extend_name(text: str, end: int, *, cued: bool, max_words: int = 2) -> int:
    """Take following capitalized words as the rest of the name ("Priya Natarajan").

    Initials belong to the name: "Patricia L. Gomez", "Jane D.".
    """
    for _ in range(max_words):
        initial = _MIDDLE_INITIAL_RE.match(text, end)
        m = _NEXT_WORD_RE.match(text, initial.end() if initial else end)
        if not m:
            break
        word = m.group(1)
        if word in lex.NOT_A_NAME or word in lex.COMMON_WORDS:
            break
        if word in lex.ORG_WORDS and not (
            word in lex.SURNAME_ORG_WORDS and (cued or _surname_use(text, m.end()))
        ):
            break
        end = m.end()
    last_initial = _LAST_INITIAL_RE.match(text, end)
    if last_initial and not text[last_initial.start() :].lstrip().startswith(("I ", "A ")):
        end = last_initial.end()
    return end


def _is_person(text: str, start: int, end: int, *, cued: bool) -> bool:
    """Reject "Mercy Hospital", "Dr. Smith's approach", "Carl Rogers' person-centered approach"."""
    following = _NEXT_WORD_RE.match(text, end)
    if following and following.group(1) in lex.ORG_WORDS and not cued:
        return False
    next_word = _FOLLOWING_LOWER_RE.match(text, end)
    if next_word and next_word.group(1) in lex.METHOD_NOUNS:
        return False  # "the Client Centered approach", "a Gottman method"
    full_name = " ".join(text[start:end].split())
    if full_name in lex.KNOWN_AUTHORS or full_name in lex.FAMOUS_PEOPLE:
        return False
    possessive = _POSSESSIVE_RE.match(text, end)
    if possessive and lex.METHOD_NOUNS.intersection(possessive.group(1).lower().split()):
        return False
    # "St. Mary's", "Saint Francis", "Mount Sinai": a place named after a person.
    before = text[max(0, start - 7) : start]
    return not re.search(
        r"\b(?:St\.|Saint|San|Santa|Mount|Mt\.|Fort|Lake|Camp|Los|Las|El|Port|Palm)\s*$", before
    )


_CREDENTIAL_RE = re.compile(
    rf"(?<![\w'\u2019-])(({NAME_WORD})(?:[ \t]+(?:[A-Z]\.|{NAME_WORD})){{1,2}}),?[ \t]+"
    r"(?:M\.?D|Ph\.?D|Psy\.?D|Ed\.?D|D\.?O|LCSW|LICSW|LMSW|LMFT|LPCC|LPC|LMHC|LCPC|LSW|MSW|MFT"
    r"|RN|NP|APRN|PMHNP|PA-C)\b\.?"
)
_TITLE_RE = re.compile(
    rf"\b(?:(?:{'|'.join(lex.TITLES)})\.?|Miss)[ \t]+((?:[A-Z]\.[ \t]*){{0,2}}({NAME_WORD}))(?![\w@])"
)
# "mrs alvarez", "MR. SMITH": a title and a surname typed in one case.
_TITLE_ANY_CASE_RE = re.compile(
    r"(?<![\w.])(?i:mr|mrs|ms|mx|dr|miss)\.?[ \t]+((?:[a-zA-Z]\.[ \t]*){0,2})"
    r"([a-z][a-z'-]*[a-z]|[A-Z][A-Z'-]*[A-Z])(?![\w@])"
)


def names_after_title(text: str) -> Iterator[Span]:
    """A name after a title or before a credential ("Mrs. Alvarez", "Jane Roe, LCSW")."""
    for m in _TITLE_RE.finditer(text):
        if m.group(2) in lex.NOT_A_NAME:
            continue
        if m.group(1) in lex.FAMOUS_PEOPLE and text[m.start() : m.start() + 2] in ("Dr", "Mr"):
            continue  # "Dr. Phil", "Mr. Rogers"
        start = m.start(1)
        end = _extend_name(text, m.end(1), cued=True)
        if _is_person(text, start, end, cued=True):
            yield "name", start, end
    for m in _CREDENTIAL_RE.finditer(text):
        first = m.group(2)
        if first in lex.NOT_A_NAME or first in lex.COMMON_WORDS:
            continue
        if _strip_accents(first) in lex.first_names() or re.search(r"\s[A-Z]\.", m.group(1)):
            yield "name", m.start(1), m.end(1)
    for m in _TITLE_ANY_CASE_RE.finditer(text):
        word = m.group(2)
        if _plausible_lower_name(word, surname=True) and not _not_a_person_any_case(
            text, m.start(2), m.end(2)
        ):
            if " ".join(m.group().split()).title().removeprefix("Dr. ") in lex.FAMOUS_PEOPLE:
                continue  # "dr. phil"
            start = m.start(1) if m.group(1) else m.start(2)
            yield "name", start, m.end(2)


def _not_a_person_any_case(text: str, start: int, end: int) -> bool:
    """The checks ``_is_person`` makes, for a name typed in lower case or capitals.

    "carl rogers' approach", "TAYLOR SWIFT", "moved to DENVER", "los angeles", "dr. phil".
    """
    full = " ".join(text[start:end].split()).title()
    before_words = re.findall(r"[\w'-]+", text[max(0, start - 30) : start])[-2:]
    after_words = re.findall(r"[\w-]+", text[end : end + 30])[:2]
    for i in range(len(before_words) + 1):
        for j in range(len(after_words) + 1):
            window = " ".join([*before_words[i:], full, *after_words[:j]]).title()
            if window in lex.KNOWN_AUTHORS or window in lex.FAMOUS_PEOPLE:
                return True  # "CARL" of "CARL ROGERS", "williams" of "robin williams"
    possessive = _POSSESSIVE_RE.match(text, end)
    if possessive and lex.METHOD_NOUNS.intersection(possessive.group(1).lower().split()):
        return True
    before = text[max(0, start - 12) : start]
    if re.search(r"\b(?i:los|las|san|santa|el|new|fort|port|palm|st\.|saint)\s+$", before):
        return True
    return full.split()[0] in lex.CITY_NAMES and bool(_PLACE_PREPOSITION_RE.search(before))


def _plausible_lower_name(word: str, *, surname: bool = False) -> bool:
    """A word typed in lower case or capitals that is a name and not a common English word."""
    if word.title() in lex.NOT_A_NAME or word.title() in lex.COMMON_WORDS or len(word) < 2:
        return False
    known = lex.is_given_name(word) or (surname and lex.is_surname(word))
    return known and lex.frequency(word) < lex.COMMON_WORD_FREQUENCY


_RELATION = "|".join(re.escape(word) for word in sorted(lex.RELATION_WORDS, key=len, reverse=True))
_CUE_RE = re.compile(
    rf"(?:\b(?:named|name\s+is|name\s+was|goes\s+by|went\s+by|known\s+as|nicknamed|aka|a\.k\.a\.)"
    rf"|\b(?i:(?:client|patient|full|legal|first|last)?\s*name)\s*:"
    rf"|\bcalls\s+(?:herself|himself|themselves|themself)"
    rf"|(?<!\w)(?i:{_RELATION})),?[ \t]+({NAME_WORD})(?![\w@])"
)


def names_after_cue(text: str) -> Iterator[Span]:
    """A capitalized word after a naming cue or a relationship noun ("her husband Carlos")."""
    for m in _CUE_RE.finditer(text):
        word = m.group(1)
        start = m.start(1)
        if word in lex.NOT_A_NAME and not (word in lex.MONTHS and not _day_follows(text, m.end(1))):
            continue
        end = _extend_name(text, m.end(1), cued=True)
        if _is_person(text, start, end, cued=True):
            yield "name", start, end


def _day_follows(text: str, end: int) -> bool:
    return bool(re.match(r"\s+\d", text[end : end + 3]))


def _strip_accents(word: str) -> str:
    if word.isascii():
        return word
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


_PREVIOUS_WORD_RE = re.compile(rf"(?<![\w'\u2019-])({NAME_WORD})[ \t]+$")


def _inside_proper_noun(text: str, start: int) -> bool:
    """True if the word continues a capitalized phrase ("Lisa Feldman Barrett", "Blue Cross").

    A sentence opener or a calendar word before it does not count ("On Monday Maria called").
    """
    previous = _PREVIOUS_WORD_RE.search(text, max(0, start - 40), start)
    if not previous or _sentence_start(text, previous.start(1)):
        return False
    word = previous.group(1)
    return word not in lex.NOT_A_NAME and word not in lex.COMMON_WORDS


def _is_first_name(word: str) -> bool:
    """In the Census list (as before), or a given name of another locale ("Björn", "Anna-Lena")."""
    if _strip_accents(word) in lex.first_names():
        return True
    first_part = word.split("-", 1)[0]
    return (
        lex.is_given_name(first_part)
        and first_part not in lex.NOT_A_NAME
        and first_part not in lex.COMMON_WORDS
    )


_SURNAME_FIRST_RE = re.compile(rf"(?<![\w'-])({NAME_WORD}),[ \t]+$")
_PLACE_PREPOSITION_RE = re.compile(
    r"\b(?:in|to|from|near|outside|around|of|visit|visited|visiting|at|downtown|across)[ \t]+$",
    re.IGNORECASE,
)
_EPONYM_FOLLOW_RE = re.compile(
    r"(?:['\u2019]s?)?[ \t]+(?:disease|syndrome|palsy|disorder|chorea|dementia|thyroiditis"
    r"|lymphoma|effect|test|inventory|scale|type)\b|['\u2019]s?(?![\w])",
    re.IGNORECASE,
)


def _not_a_person_word(text: str, word: str, start: int, end: int) -> bool:
    """Drug names, eponymous conditions, holidays, large places after "in"/"to"/"from"."""
    if word in lex.DRUG_NAMES or word in lex.HOLIDAYS:
        return True
    if word in lex.EPONYMS and _EPONYM_FOLLOW_RE.match(text, end):
        return True
    return word in lex.CITY_NAMES and bool(
        _PLACE_PREPOSITION_RE.search(text, max(0, start - 12), start)
    )


_HOLIDAY_PHRASE_RE = re.compile(
    r"\b(?:"
    + "|".join(
        re.escape(h).replace(r"\ ", r"\s+") for h in sorted(lex.HOLIDAYS, key=len, reverse=True)
    )
    + r")(?:['\u2019]s)?(?:\s+(?:Eve|Day))?\b"
)


def names_from_dictionary(text: str) -> Iterator[Span]:
    """Capitalized words in the first-name list, then any surname that follows ("Keisha", "Jane Doe")."""
    holidays = [m.span() for m in _HOLIDAY_PHRASE_RE.finditer(text)]
    for m in _NAME_WORD_RE.finditer(text):
        word = m.group()
        if any(h_start <= m.start() < h_end for h_start, h_end in holidays):
            continue  # "New Year's Eve", "Mother's Day"
        if (
            word in lex.NOT_A_NAME
            or word in lex.PLACE_NAMES
            or not _is_first_name(word)
            or _not_a_person_word(text, word, m.start(), m.end())
        ):
            continue
        start = m.start()
        if _sentence_start(text, start):
            if word in lex.COMMON_WORDS:
                continue
        elif _inside_proper_noun(text, start):
            continue  # "Lisa Feldman Barrett", "Blue Cross Anthem": not a name of its own
        if word in lex.COMMON_WORDS and _NEXT_WORD_RE.match(text, m.end()):
            continue  # part of a title-case phrase: "The 5 Love Languages", "Hope Theory"
        end = _extend_name(text, m.end(), cued=False)
        if not _is_person(text, start, end, cued=False):
            continue
        # "Lopez, Maria": a surname written first.
        before = _SURNAME_FIRST_RE.search(text, max(0, start - 30), start)
        if (
            before
            and before.group(1) not in lex.NOT_A_NAME
            and lex.is_surname(before.group(1))
            and _strip_accents(before.group(1)) not in lex.first_names()
        ):
            start = before.start(1)
        yield "name", start, end


# "jennifer martinez", "ROBERT CHEN": a given name and a surname typed in one case.
_ANY_CASE_WORD_RE = re.compile(r"(?<![\w@.'-])([A-Za-z]+(?:['-][A-Za-z]+)?)(?![\w@]|['-][A-Za-z])")


def names_any_case(text: str) -> Iterator[Span]:
    """A given name and a surname, both in lower case or both in capitals.

    "jennifer martinez", "ROBERT CHEN", "SMITH, JOHN"; and a given name alone in capitals
    ("TALKED TO MARIA"), when it is in the Census list and not a clinical acronym.
    """
    words = list(_ANY_CASE_WORD_RE.finditer(text))
    for word in words:
        w = word.group(1)
        if (
            w.isupper()
            and len(w) >= 4
            and w.title() in lex.first_names()
            and w.lower() not in lex.LOWER_NOT_NAMES
            and w.title() not in lex.NOT_A_NAME
            and w.title() not in lex.COMMON_WORDS
            and w.title() not in lex.PLACE_NAMES
            and lex.frequency(w) < lex.COMMON_WORD_FREQUENCY
            and not _not_a_person_any_case(text, word.start(), word.end())
        ):
            yield "name", word.start(), word.end()
    for first, last in itertools.pairwise(words):
        a, b = first.group(1), last.group(1)
        between = text[first.end() : last.start()]
        if between not in (" ", "  ", "\t", ", "):
            continue
        end = last.end()
        if re.search(r"['\u2019][sS]$", b):  # "DAVID NGUYEN'S mom"
            b, end = b[:-2], end - 2
        if between == ", ":
            a, b = b, a  # "SMITH, JOHN"
            if not lex.is_surname(b) or b.title() in lex.first_names():
                continue
        if not ((a.islower() and b.islower()) or (a.isupper() and b.isupper() and len(a) > 2)):
            continue
        if a.title() in lex.NOT_A_NAME or b.title() in lex.NOT_A_NAME:
            continue
        if not (lex.is_given_name(a) and (lex.is_surname(b) or lex.is_given_name(b))):
            continue
        if lex.frequency(a) >= 60_000 or lex.frequency(b) >= lex.COMMON_WORD_FREQUENCY:
            continue
        if a.title() in lex.COMMON_WORDS or b.title() in lex.COMMON_WORDS:
            continue
        if _not_a_person_any_case(text, first.start(), end):
            continue
        yield "name", first.start(), end


# "my client kevin", "her husband carlos": a lower-case given name after a naming cue.
_LOWER_CUES = frozenset(w.lower() for w in lex.RELATION_WORDS) | {
    "named", "nicknamed", "aka", "client", "patient", "pt", "is", "was", "by", "as",
}  # fmt: skip
# "is"/"was" count only after "name", "by"/"as" only after "goes", "went", "known".
_CUE_BEFORE = {"is": "name", "was": "name", "by": ("goes", "went"), "as": "known"}
_TOKEN_RE = re.compile(r"[A-Za-z][A-Za-z'-]*")
_LOWER_NAME_AFTER_RE = re.compile(r",?[ \t]+(?:is[ \t]+)?([a-z][a-z'-]*[a-z])(?![\w@])")


def names_after_lower_cue(text: str) -> Iterator[Span]:
    previous = ""
    for token in _TOKEN_RE.finditer(text):
        cue = token.group().lower()
        before, previous = previous, cue
        if cue not in _LOWER_CUES:
            continue
        wanted = _CUE_BEFORE.get(cue)
        if wanted is not None and before not in (
            wanted if isinstance(wanted, tuple) else (wanted,)
        ):
            continue
        m = _LOWER_NAME_AFTER_RE.match(text, token.end())
        if not m or (
            m.group().lstrip(", \t").startswith("is") and cue not in ("client", "patient", "pt")
        ):
            continue
        word = m.group(1)
        if word.title() in lex.DRUG_NAMES or not _plausible_lower_name(word):
            continue
        end = m.end(1)
        following = re.match(r"[ \t]+([a-z][a-z'-]*[a-z])(?![\w@])", text[end : end + 40])
        if following and _plausible_lower_name(following.group(1), surname=True):
            end += following.end()
        if not _not_a_person_any_case(text, m.start(1), end):
            yield "name", m.start(1), end


# Names typed all in lower case, with no cue: "saw brittany today", "i think kayla is...".
_LOWER_TYPED_RE = re.compile(r"(?:^|[.!?]\s+)[a-z]|(?<![\w'])i(?=\s|['\u2019])")
_LOWER_WORD_RE = re.compile(r"(?<![\w@./'-])([a-z]{4,})(?!\w|@|[.-]\w)")


def names_in_lower_typed_text(text: str) -> Iterator[Span]:
    """In text typed without capitals, a lower-case word that is a given name and rare as a word.

    Only where the text itself is typed in lower case (a sentence or the text starting in
    lower case, or "i" for "I"); a given name in the Census list that is rare in English
    (under 4,000 in the word-frequency list, less a list of word-like names: "jennifer",
    "hannah", not "grace", "amber" or "robin").
    """
    if not _LOWER_TYPED_RE.search(text):
        return
    census = lex.lower_first_names()
    for m in _LOWER_WORD_RE.finditer(text):
        word = m.group(1)
        if word not in census or word in lex.LOWER_NOT_NAMES or lex.frequency(word) >= 4_000:
            continue
        title = word.title()
        if (
            title in lex.NOT_A_NAME
            or title in lex.COMMON_WORDS
            or title in lex.PLACE_NAMES
            or title in lex.DRUG_NAMES
            or title in lex.CITY_NAMES
        ):
            continue
        end = m.end(1)
        following = re.match(r"[ \t]+([a-z][a-z'-]*[a-z])(?![\w@])", text[end : end + 40])
        if following and _plausible_lower_name(following.group(1), surname=True):
            end += following.end()
        if not _not_a_person_any_case(text, m.start(1), end):
            yield "name", m.start(1), end


# "Officer Diaz", "Judge Hernandez", "Sgt. Brooks": a role used as a title before a surname.
_ROLE_TITLE_RE = re.compile(
    r"\b(?:Officer|Detective|Det\.|Judge|Principal|Sergeant|Sgt\.?|Deputy|Professor|Coach"
    r"|Sheriff|Agent|Lieutenant|Lt\.|Captain|Capt\.|Corporal|Cpl\.|Nurse|Trooper|Pastor"
    r"|Reverend|Deacon|Rabbi|Imam|Father|Sister|Brother|Councilman|Councilwoman|Mayor)"
    rf"[ \t]+({NAME_WORD})(?![\w@])"
)


def names_after_role(text: str) -> Iterator[Span]:
    for m in _ROLE_TITLE_RE.finditer(text):
        word = m.group(1)
        if word in lex.NOT_A_NAME or word in lex.COMMON_WORDS or word in lex.HOLIDAYS:
            continue
        if lex.frequency(word) >= lex.COMMON_WORD_FREQUENCY:
            continue  # "Sister Act", "Brother Bear"
        if not (lex.is_surname(word) or lex.is_given_name(word)):
            continue
        end = _extend_name(text, m.end(1), cued=True)
        if _is_person(text, m.start(1), end, cued=True):
            yield "name", m.start(1), end


# "J.S.", "J. S.", "A.M.K.": two or three initials, not a common abbreviation ("U.S.", "P.M.").
_INITIALS_RE = re.compile(r"(?<![\w.])([A-Z]\.[ ]?[A-Z]\.(?:[ ]?[A-Z]\.)?)(?![\w]|\.\w)")


def initials(text: str) -> Iterator[Span]:
    for m in _INITIALS_RE.finditer(text):
        if m.group(1).replace(" ", "") not in lex.NOT_INITIALS:
            yield "name", m.start(1), m.end(1)
