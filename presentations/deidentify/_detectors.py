"""The individual detectors. Each takes the text and yields ``(kind, start, end)`` spans.

They may overlap one another; ``find_identifiers`` resolves overlaps. Libraries do the parts
they are good at: ``phonenumbers`` finds and classifies phone numbers, the ``names`` package
supplies the first-name dictionary, ``ipaddress`` validates IP addresses. The rest is
context: cue words before a name or a number, and the formats of dates, ages, streets and ZIPs.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime

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
    import phonenumbers

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


def zip_codes(text: str) -> Iterator[Span]:
    """ZIP+4 anywhere; a 5-digit ZIP only after a state or the word ZIP (a bare 90837 is a CPT code)."""
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


def dates(text: str) -> Iterator[Span]:
    """Dates more precise than a year, and birth years that reveal an age over 89."""
    for m in _DATE_RE.finditer(text):
        if m.group("a") and not _valid_numeric_date(int(m.group("a")), int(m.group("b"))):
            continue
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
_APPOSITIVE_AGE_RE = re.compile(r"\b([A-Za-z]+), (9\d|1[01]\d),(?=\s)")
_PERSON = "|".join(
    sorted(lex.PERSON_NOUNS | set(lex.RELATION_WORDS) | {"he", "she"}, key=len, reverse=True)
)
# "her grandfather is 102", "she was 94": a bare number after a person and a copula.
_COPULA_AGE_RE = re.compile(
    rf"\b(?i:{_PERSON})\s+(?:is|was|will\s+be)\s+(?P<n>9\d|1[01]\d|{_SPELLED})\b"
    r"(?![-/.]\d|\s*(?:%|percent|mg|min|minutes|pounds|lbs|kg|sessions|days|weeks|months|times|out))"
)


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
    for m in _AGE_RE.finditer(text):
        value = _age_value(m.group("n") or m.group("m"))
        if 89 < value < 130:
            yield "age", m.start(), m.end()
    for m in _COPULA_AGE_RE.finditer(text):
        if 89 < _age_value(m.group("n")) < 130:
            yield "age", m.start("n"), m.end("n")
    for m in _APPOSITIVE_AGE_RE.finditer(text):
        before = m.group(1)
        if before[0].isupper() or before.lower() in lex.PERSON_NOUNS:
            yield "age", m.start(2), m.end(2)


# --------------------------------------------------------------------------- personal names


def _sentence_start(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    return i < 0 or text[i] in _SENTENCE_END


def _extend_name(text: str, end: int, *, cued: bool, max_words: int = 2) -> int:
    """Take following capitalized words as the rest of the name ("Priya Natarajan")."""
    for _ in range(max_words):
        m = _NEXT_WORD_RE.match(text, end)
        if not m:
            break
        word = m.group(1)
        if word in lex.NOT_A_NAME or word in lex.COMMON_WORDS:
            break
        if word in lex.ORG_WORDS and not (cued and word in lex.SURNAME_ORG_WORDS):
            break
        end = m.end()
    return end


def _is_person(text: str, start: int, end: int, *, cued: bool) -> bool:
    """Reject "Mercy Hospital", "Dr. Smith's approach", "Carl Rogers' person-centered approach"."""
    following = _NEXT_WORD_RE.match(text, end)
    if following and following.group(1) in lex.ORG_WORDS and not cued:
        return False
    next_word = _FOLLOWING_LOWER_RE.match(text, end)
    if next_word and next_word.group(1) in lex.METHOD_NOUNS:
        return False  # "the Client Centered approach", "a Gottman method"
    if " ".join(text[start:end].split()) in lex.KNOWN_AUTHORS:
        return False
    possessive = _POSSESSIVE_RE.match(text, end)
    if possessive and lex.METHOD_NOUNS.intersection(possessive.group(1).lower().split()):
        return False
    # "St. Mary's", "Saint Francis", "Mount Sinai": a place named after a person.
    before = text[max(0, start - 7) : start]
    return not re.search(r"\b(?:St\.|Saint|San|Santa|Mount|Mt\.|Fort|Lake|Camp)\s*$", before)


_CREDENTIAL_RE = re.compile(
    rf"(?<![\w'\u2019-])(({NAME_WORD})(?:[ \t]+(?:[A-Z]\.|{NAME_WORD})){{1,2}}),?[ \t]+"
    r"(?:M\.?D|Ph\.?D|Psy\.?D|Ed\.?D|D\.?O|LCSW|LICSW|LMSW|LMFT|LPCC|LPC|LMHC|LCPC|LSW|MSW|MFT"
    r"|RN|NP|APRN|PMHNP|PA-C)\b\.?"
)
_TITLE_RE = re.compile(rf"\b(?:(?:{'|'.join(lex.TITLES)})\.?|Miss)[ \t]+({NAME_WORD})(?![\w@])")


def names_after_title(text: str) -> Iterator[Span]:
    """A name after a title or before a credential ("Mrs. Alvarez", "Jane Roe, LCSW")."""
    for m in _TITLE_RE.finditer(text):
        if m.group(1) in lex.NOT_A_NAME:
            continue
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


_RELATION = "|".join(re.escape(word) for word in sorted(lex.RELATION_WORDS, key=len, reverse=True))
_CUE_RE = re.compile(
    rf"(?:\b(?:named|name\s+is|name\s+was|goes\s+by|went\s+by|known\s+as|nicknamed|aka|a\.k\.a\.)"
    rf"|\b(?i:(?:client|patient|full|legal|first|last)?\s*name)\s*:"
    rf"|\bcalls\s+(?:herself|himself|themselves|themself)"
    rf"|(?<![\w-])(?i:{_RELATION})),?[ \t]+({NAME_WORD})(?![\w@])"
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


def names_from_dictionary(text: str) -> Iterator[Span]:
    """Capitalized words in the first-name list, then any surname that follows ("Keisha", "Jane Doe")."""
    first_names = lex.first_names()
    for m in _NAME_WORD_RE.finditer(text):
        word = m.group()
        if (
            _strip_accents(word) not in first_names
            or word in lex.NOT_A_NAME
            or word in lex.PLACE_NAMES
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
        if _is_person(text, start, end, cued=False):
            yield "name", start, end
