"""The de-identification guard: one test per kind, the tricky clean phrases, and the corpus."""

import dataclasses
import itertools
import statistics
import time

import pytest

from presentations.deidentify import DETECTORS, KINDS, Finding, find_identifiers

from .deidentify_corpus import CLEAN, CORPUS, HELD_OUT_CLEAN, IDENTIFYING, TRICKY_CLEAN, score


def spans(text: str, *expected: tuple[str, str]) -> list[Finding]:
    """Expected findings, located in ``text`` in order."""
    findings, cursor = [], 0
    for kind, matched in expected:
        start = text.index(matched, cursor)
        findings.append(Finding(kind, start, start + len(matched), matched))
        cursor = start + len(matched)
    return findings


UNIT_CASES = [
    # names
    ("Mrs. Alvarez reports the nightmares are back.", [("name", "Alvarez")]),
    ("My client Jane has been sober for a year.", [("name", "Jane")]),
    ("A boy named Tom keeps texting her.", [("name", "Tom")]),
    ("Her husband Carlos will not come in.", [("name", "Carlos")]),
    ("Her daughter, Aisha, is 7.", [("name", "Aisha")]),
    ("Her boss Priya Natarajan approved the leave.", [("name", "Priya Natarajan")]),
    ("I spoke with Dr. Linda Park yesterday.", [("name", "Linda Park")]),
    ("Keisha talked about school the whole hour.", [("name", "Keisha")]),
    ("Mr. and Mrs. Chen came in together.", [("name", "Chen")]),
    ("She goes by Sam at work.", [("name", "Sam")]),
    ("Her ex-husband Dmitri Volkov has a restraining order.", [("name", "Dmitri Volkov")]),
    ("Her partner June moved out.", [("name", "June")]),
    # e-mail
    ("Her email is jane.doe@gmail.com, she said.", [("email", "jane.doe@gmail.com")]),
    # phone and fax
    ("She called me from 555-201-3344 last night.", [("phone", "555-201-3344")]),
    ("Fax: (415) 555-0134.", [("phone", "(415) 555-0134")]),
    (
        "Cell 415.867.5309 or +1 212 555 0199.",
        [("phone", "415.867.5309"), ("phone", "+1 212 555 0199")],
    ),
    ("Reach her on 555-0199 after six.", [("phone", "555-0199")]),
    # street addresses
    ("She lives at 1428 Elm Street now.", [("address", "1428 Elm Street")]),
    ("He moved to 22 Baker St. Apt 4 in May.", [("address", "22 Baker St. Apt 4")]),
    (
        "Send it to 22 Baker St. Apt 4, Springfield, IL 62704 please.",
        [("address", "22 Baker St. Apt 4, Springfield, IL 62704")],
    ),
    ("Mail to P.O. Box 1187, Eugene, OR 97440.", [("address", "P.O. Box 1187, Eugene, OR 97440")]),
    ("She works at the shop on 3rd Avenue.", [("address", "3rd Avenue")]),
    # ZIP codes
    ("Her ZIP is 94110.", [("zip", "94110")]),
    ("Her zip code: 60657.", [("zip", "60657")]),
    ("She lives in Portland, OR 97205 now.", [("zip", "97205")]),
    ("Her ZIP+4 is on file as 94110-1234.", [("zip", "94110-1234")]),
    # dates
    ("Seen on 03/14/2024 at the ER.", [("date", "03/14/2024")]),
    ("Moved to March 14 for surgery.", [("date", "March 14")]),
    ("Admitted 14 March 2023.", [("date", "14 March 2023")]),
    ("Intake 2024-03-14.", [("date", "2024-03-14")]),
    ("Met on Oct. 2, 2023 for the first time.", [("date", "Oct. 2, 2023")]),
    ("Since January 2024 she has been off work.", [("date", "January 2024")]),
    ("We last met on Tuesday the 5th.", [("date", "Tuesday the 5th")]),
    ("The session on 11/30 was cancelled.", [("date", "11/30")]),
    ("Her DOB is 4/7/85.", [("date", "4/7/85")]),
    ("He was born in 1931.", [("date", "1931")]),
    # ages over 89
    ("Her 92-year-old grandmother lives with them.", [("age", "92-year-old")]),
    ("The father, aged 91, drives her.", [("age", "aged 91")]),
    ("He is 93 years old.", [("age", "93 years old")]),
    ("Her mother turned 90 in May.", [("age", "turned 90")]),
    ("Her father Hector, 94, is in hospice.", [("name", "Hector"), ("age", "94")]),
    ("Her grandfather is 102 and sharp.", [("age", "102")]),
    ("A ninety-two-year-old neighbor found her.", [("age", "ninety-two-year-old")]),
    # social security numbers
    ("SSN 123-45-6789 was on the letter.", [("ssn", "123-45-6789")]),
    ("Her social security number is 078051121.", [("ssn", "078051121")]),
    # record, account, licence, plate and device numbers
    ("MRN 4482913 per the chart.", [("record_number", "4482913")]),
    ("Her account #88213 is overdue.", [("record_number", "88213")]),
    ("License plate 7ABC123 again.", [("record_number", "7ABC123")]),
    ("Serial number SN-44A9 on the pump.", [("record_number", "SN-44A9")]),
    ("Her Medicaid ID 9988776655 leaked.", [("record_number", "9988776655")]),
    ("Policy number XG-4471-220 was denied.", [("record_number", "XG-4471-220")]),
    ("The number 00482913 was on the wristband.", [("record_number", "00482913")]),
    # URLs and IP addresses
    (
        "Her blog https://www.janedoeblog.com/recovery.",
        [("url", "https://www.janedoeblog.com/recovery")],
    ),
    ("See www.healingwithsiobhan.net for her practice.", [("url", "www.healingwithsiobhan.net")]),
    ("Logged in from 192.168.14.22 that night.", [("ip", "192.168.14.22")]),
    ("The IPv6 address 2001:db8::8a2e:370:7334 showed up.", [("ip", "2001:db8::8a2e:370:7334")]),
]


@pytest.mark.parametrize(("text", "expected"), UNIT_CASES, ids=[c[0][:40] for c in UNIT_CASES])
def test_detects(text, expected):
    assert find_identifiers(text) == spans(text, *expected)


def test_every_kind_has_a_unit_case():
    assert {kind for _, expected in UNIT_CASES for kind, _ in expected} == set(KINDS)


TRICKY_SENTENCES = [
    "Dr. Smith's approach to DBT has helped me think about validation.",
    "Carl Rogers' person-centered approach is my home base.",
    "She has struggled with panic since 2019.",
    "Client A is a 35-year-old teacher referred after a panic attack.",
    "We have been using the ACT matrix in session.",
    "I trained in CBT, DBT, EMDR, ACT and IFS.",
    "We meet on Tuesdays; last Tuesday she didn't show.",
    "In March she started a new job.",
    "Client B's mother is supportive; the client and my client agree.",
    "Will she be able to tolerate exposure work?",
    "She grew up in Georgia and moved to Oregon.",
    "PHQ-9 was 18 at intake; we bill 90837.",
    "She rated her distress 7/10.",
    "My client has been sober for 90 days.",
    "She keeps the Lifeline number 1-800-273-8255 on her fridge and knows to call 988.",
    "Mr. J and I have worked together for 18 months.",
    "The 5 Love Languages came up with the couple.",
    "I read Lisa Feldman Barrett over the holidays.",
]


@pytest.mark.parametrize("text", TRICKY_SENTENCES + TRICKY_CLEAN)
def test_tricky_clean(text):
    assert find_identifiers(text) == []


@pytest.mark.parametrize("text", [t for t, _ in CLEAN + HELD_OUT_CLEAN])
def test_clean_corpus_examples(text):
    assert find_identifiers(text) == []


def test_findings_are_sorted_non_overlapping_and_match_the_text():
    text = " ".join(t for t, _ in IDENTIFYING)
    findings = find_identifiers(text)
    assert findings == sorted(findings, key=lambda f: f.start)
    for before, after in itertools.pairwise(findings):
        assert before.end <= after.start
    for f in findings:
        assert text[f.start : f.end] == f.text
        assert f.kind in KINDS


def test_overlap_keeps_the_longest_span():
    # The address contains a ZIP (found by the ZIP detector too) and a first name; one finding.
    text = "Send it to 45 Maple Ave #3B, Portland, OR 97205."
    assert find_identifiers(text) == spans(
        text, ("address", "45 Maple Ave #3B, Portland, OR 97205")
    )


def test_finding_is_a_frozen_dataclass():
    finding = Finding("name", 0, 4, "Jane")
    assert dataclasses.is_dataclass(finding)
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.kind = "email"  # type: ignore[misc]


def test_empty_text():
    assert find_identifiers("") == []


def test_detectors_can_be_restricted():
    text = "My client Maria called from 555-201-3344."
    assert [f.kind for f in find_identifiers(text, detectors=["phone"])] == ["phone"]
    assert set(DETECTORS) >= {"phone", "name_dictionary", "name_cue", "name_title"}


def test_corpus_recall_and_precision():
    assert len(CORPUS) >= 70
    result = score(find_identifiers)
    print(
        f"\ncorpus: {len(CORPUS)} texts, {result['expected']} expected identifiers, "
        f"{result['found']} findings; recall {result['recall']:.3f}, precision "
        f"{result['precision']:.3f} (kind-strict: recall {result['recall_strict']:.3f}, "
        f"precision {result['precision_strict']:.3f})"
    )
    assert result["recall"] >= 0.95
    assert result["precision"] >= 0.90


def test_fast_enough():
    case = " ".join(t for t, _ in CORPUS)[:2000]
    find_identifiers(case)  # warm-up: loads the name list and phone metadata
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        find_identifiers(case)
        timings.append(time.perf_counter() - started)
    median = statistics.median(timings)
    print(f"\n2,000-character case: median {median * 1000:.1f} ms")
    assert median < 0.1
