"""The de-identification guard: one test per kind, the tricky clean phrases, and the corpus."""

import dataclasses
import itertools
import statistics
import time

import pytest

from presentations.deidentify import DETECTORS, KINDS, Finding, find_identifiers

from .deidentify_corpus import CLEAN, CORPUS, HELD_OUT_CLEAN, IDENTIFYING, TRICKY_CLEAN, score
from .deidentify_corpus_heldout import HELD_OUT, HELD_OUT_A, HELD_OUT_B, HELD_OUT_C
from .deidentify_corpus_tuning import TUNING, TUNING_CLEAN


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
    cases = UNIT_CASES + ISSUE_13_CASES
    assert {kind for _, expected in cases for kind, _ in expected} == set(KINDS)


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


# --------------------------------------------------------------------------- issue 13: as people type

ISSUE_13_CASES = [
    # names in any case, initials, hyphens and apostrophes, diacritics, surname first, no dot
    ("new client jennifer martinez called", [("name", "jennifer martinez")]),
    ("INTAKE: ROBERT CHEN, SELF REFERRED", [("name", "ROBERT CHEN")]),
    ("Mr. J. Smith came in late.", [("name", "J. Smith")]),
    ("A letter from Patricia L. Gomez came.", [("name", "Patricia L. Gomez")]),
    ("Jane D. has been on my caseload.", [("name", "Jane D.")]),
    ("J.S. no-showed twice.", [("name", "J.S.")]),
    ("Her wife Anna-Lena Schmidt-Weber came.", [("name", "Anna-Lena Schmidt-Weber")]),
    ("sean o'brien keeps texting me", [("name", "sean o'brien")]),
    ("Björn Lindqvist is not allowed at the house.", [("name", "Björn Lindqvist")]),
    ("Referral: Lopez, Maria. Postpartum.", [("name", "Lopez, Maria")]),
    ("Ms Lee said he was crying.", [("name", "Lee")]),
    ("my client kevin said so", [("name", "kevin")]),
    # normalised first; findings point at the original text
    ("My client Jеnnifer Mаrtinez called.", [("name", "Jеnnifer Mаrtinez")]),  # noqa: RUF001
    ("Intake: Ｒｏｂｅｒｔ Ｃｈｅｎ, referred.", [("name", "Ｒｏｂｅｒｔ Ｃｈｅｎ")]),  # noqa: RUF001
    ("Her cell is 555\u2011201\u20113344 now.", [("phone", "555\u2011201\u20113344")]),
    ("Jose\u0301 called.", [("name", "Jose\u0301")]),
    # dates
    ("Next appt 3/14, then court.", [("date", "3/14")]),
    (
        "Born the fourteenth of March, nineteen eighty-seven.",
        [("date", "fourteenth of March, nineteen eighty-seven")],
    ),
    ("Her birthday is March fourteenth.", [("date", "March fourteenth")]),
    ("we met on jan 9th again", [("date", "jan 9th")]),
    ("Court moved to 12-Feb-2025.", [("date", "12-Feb-2025")]),
    # ages in words
    ("He cares for his father, who is a hundred and one.", [("age", "a hundred and one")]),
    # dodged e-mail and numbers
    ("reach her at jsmith at gmail dot com please", [("email", "jsmith at gmail dot com")]),
    ("email is k.reyes (at) yahoo (dot) com", [("email", "k.reyes (at) yahoo (dot) com")]),
    (
        "Her number is five five five, two oh one, three three four four.",
        [("phone", "five five five, two oh one, three three four four")],
    ),
    # institutions
    ("Her son is at Lincoln Elementary now.", [("institution", "Lincoln Elementary")]),
    ("She was at Denver Health for a week.", [("institution", "Denver Health")]),
    ("He works at Acme Roofing LLC nights.", [("institution", "Acme Roofing LLC")]),
    ("They attend Grace Community Church weekly.", [("institution", "Grace Community Church")]),
    # social handles, streets
    ("She posts as @jess_runs_far a lot.", [("social_handle", "@jess_runs_far")]),
    ("his tiktok is dannyboy.irl btw", [("social_handle", "dannyboy.irl")]),
    ("She lives off Pearl St near the park.", [("address", "Pearl St")]),
    # counties and small towns named as such
    ("She grew up in a town called Millbrook.", [("place", "Millbrook")]),
    ("He was arrested in Larimer County last year.", [("place", "Larimer County")]),
    ("Her insta is kaylamarie, she checks it hourly.", [("social_handle", "kaylamarie")]),
    # typed without capitals; roles used as titles
    ("saw brittany today, she's doing better", [("name", "brittany")]),
    ("i ran into jennifer at the store", [("name", "jennifer")]),
    ("mr. j. smith came in late", [("name", "j. smith")]),
    ("she lives at 1428 elm street with her kids", [("address", "1428 elm street")]),
    ("her apartment is on colfax ave now", [("address", "colfax ave")]),
    ("her son is at lincoln elementary", [("institution", "lincoln elementary")]),
    ("he works nights at acme roofing llc", [("institution", "acme roofing llc")]),
    ("Officer Diaz took the report.", [("name", "Diaz")]),
    ("Judge Hernandez granted the order.", [("name", "Hernandez")]),
]


@pytest.mark.parametrize(
    ("text", "expected"), ISSUE_13_CASES, ids=[c[0][:40] for c in ISSUE_13_CASES]
)
def test_detects_as_people_type(text, expected):
    assert find_identifiers(text) == spans(text, *expected)


ISSUE_13_CLEAN = [
    "Her PHQ-9 went from 21 to 12; GAD-7 is 15 and the PCL-5 is 48.",
    "We did EMDR resourcing, some Gottman repair work and DBT skills.",
    "He takes Zoloft 100 mg and Abilify 5 mg; Xanax was stopped.",
    "Her father has Parkinson's and her grandmother had Alzheimer's.",
    "Christmas is the hardest time of year for her.",
    "She loves Taylor Swift and quotes her lyrics.",
    "She grew up in Chicago and moved to Denver for work.",
    "Client A and Client B are siblings.",
    "Tuesday was rough; Wednesday she called in sick.",
    "He gets his meds through the VA.",
    "She rated her anxiety 8/10 this week and takes 1/2 tab at night.",
    "After the 4th of July fireworks his startle response was bad.",
    "The IOP at the county hospital has a waitlist.",
]


@pytest.mark.parametrize("text", ISSUE_13_CLEAN)
def test_clean_as_people_type(text):
    assert find_identifiers(text) == []


ISSUE_13_CLEAN_LOWER = [
    "she takes omega-3 and fish oil. i think it helps",
    "pt reports mood 4/10, sleep poor, appetite ok. denies si/hi. continue weekly.",
    "2 hours on the road and 5 min down the street",
    "she's in poor health and in mental health treatment",
    "she goes to a methadone clinic and a psych hospital",
    "she watches dr. phil and loves taylor swift",
    "she lives in orange county and commutes to los angeles",
    "gad 7/21 at intake; we counted breaths one, two, three, four, five, six, seven, eight",
]


@pytest.mark.parametrize("text", ISSUE_13_CLEAN_LOWER)
def test_clean_typed_in_lower_case(text):
    assert find_identifiers(text) == []


@pytest.mark.parametrize("case", ["lower", "upper"])
def test_clean_corpora_stay_clean_in_any_case(case):
    # Typing in lower case or in capitals must not turn clean clinical text into findings.
    clean = [t for t, e in CORPUS + TUNING if not e]
    flagged = [
        (getattr(t, case)(), find_identifiers(getattr(t, case)()))
        for t in clean
        if find_identifiers(getattr(t, case)())
    ]
    assert flagged == []


def test_tuning_corpus_recall_and_precision():
    result = score(find_identifiers, TUNING)
    print(f"\ntuning corpus: recall {result['recall']:.3f}, precision {result['precision']:.3f}")
    assert len(TUNING) >= 100
    assert result["recall"] >= 0.95
    assert result["precision"] >= 0.95


@pytest.mark.parametrize("text", [t for t, _ in TUNING_CLEAN])
def test_tuning_clean_examples(text):
    assert find_identifiers(text) == []


@pytest.mark.parametrize("part", ["A", "B", "C", "all"])
def test_held_out_corpus_recall_and_precision(part):
    # Written after tuning; the first score of each part, before anything was changed, is in
    # docs/deidentification.md.
    corpus = {"A": HELD_OUT_A, "B": HELD_OUT_B, "C": HELD_OUT_C, "all": HELD_OUT}[part]
    result = score(find_identifiers, corpus)
    print(f"\nheld-out {part}: recall {result['recall']:.3f}, precision {result['precision']:.3f}")
    assert len(corpus) >= 80
    assert result["recall"] >= 0.90
    assert result["precision"] >= 0.90


def test_findings_point_at_the_original_text_after_normalising():
    # Full-width letters, a Cyrillic "a", a combining accent and "ß" (which becomes two
    # letters) before the name: the finding still covers exactly what was typed.
    text = "Straße: ｍｙ client Jose\u0301 Mаrtinez called 555\u2011201\u20113344."  # noqa: RUF001
    findings = find_identifiers(text)
    assert [(f.kind, f.text) for f in findings] == [
        ("name", "Jose\u0301 Mаrtinez"),  # noqa: RUF001
        ("phone", "555\u2011201\u20113344"),
    ]
    for f in findings:
        assert text[f.start : f.end] == f.text


def test_warm_up_loads_the_word_lists_and_changes_no_result():
    from presentations.deidentify import _lexicon, warm_up

    text = "new client jennifer martinez, her insta is kaylamarie"
    before = find_identifiers(text)
    warm_up()
    assert _lexicon.surname_keys.cache_info().currsize == 1
    assert find_identifiers(text) == before
