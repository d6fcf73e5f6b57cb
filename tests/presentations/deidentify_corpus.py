"""Labelled corpus for the de-identification guard (presentations.deidentify).

Each entry is ``(text, expected)`` where ``expected`` lists ``(kind, matched_text)`` for every
identifier a reviewer would want removed before a case is shared with a peer group; ``[]`` marks
a clean example. ``matched_text`` must occur in ``text``; when the same string is expected twice,
the n-th expectation refers to its n-th occurrence.

Labelling conventions (these match what the detector reports):

* name: the name itself, without the cue ("Mrs. Alvarez" -> "Alvarez", "my client Maria" ->
  "Maria"); first and last name together form one span ("Jane Doe").
* record_number / ssn / zip: the number only, without the cue word ("MRN 00482913" -> "00482913").
* address: house number through street suffix and unit, plus ", City, ST 12345" when it follows
  directly; a street named without a number ("on 3rd Avenue") is an address too.
* age: the whole age phrase ("92-year-old", "aged 91", "turned 90"); only ages over 89.
* date: the date expression ("March 14", "14 March 2023", "Tuesday the 5th"); a bare year is
  clean, except a birth year that implies an age over 89 ("born in 1931").

Issue 13 added institutions that locate a person (a named hospital, school, employer or church)
as identifiers, so "Mercy Hospital" below, once labelled clean, is now labelled an institution;
no other label changed.

The texts are invented, in the wording therapists use when presenting a case to peers; every
name, number and address is fictional. The first two lists were written before the detector, and
include the tricky clean phrases listed in the issue.
"""

Expected = list[tuple[str, str]]

IDENTIFYING: list[tuple[str, Expected]] = [
    (
        "Client A is a 34-year-old woman referred after a car accident. She called me from "
        "555-201-3344 the night after our first session.",
        [("phone", "555-201-3344")],
    ),
    (
        "She was seen at Mercy Hospital on 03/02/2024 after an overdose and discharged the "
        "next morning.",
        [("institution", "Mercy Hospital"), ("date", "03/02/2024")],
    ),
    (
        "If the group wants to send her the worksheet, her email is jane.doe@gmail.com.",
        [("email", "jane.doe@gmail.com")],
    ),
    (
        "She lives at 1428 Elm Street with her two kids and a very old cat.",
        [("address", "1428 Elm Street")],
    ),
    (
        "Her MRN 00482913 was printed on the intake form the hospital faxed over.",
        [("record_number", "00482913")],
    ),
    (
        "My client Maria has been struggling with grief since her mother died, and the "
        "anniversary is coming up.",
        [("name", "Maria")],
    ),
    (
        "Mrs. Alvarez reports that the nightmares started again after the move.",
        [("name", "Alvarez")],
    ),
    (
        "Her husband Carlos refuses to come to couples sessions and calls therapy a scam.",
        [("name", "Carlos")],
    ),
    (
        "A boy named Tom in her son's class has been bullying him since September.",
        [("name", "Tom")],
    ),
    (
        "He moved to 22 Baker St. Apt 4, Springfield, IL 62704 last spring to be near his sister.",
        [("address", "22 Baker St. Apt 4, Springfield, IL 62704")],
    ),
    (
        "Her ZIP is 94110, which puts her three blocks from my office. Should I refer out?",
        [("zip", "94110")],
    ),
    (
        "The intake form lists Portland, OR 97205 as her home, though she says she is "
        "couch-surfing.",
        [("zip", "97205")],
    ),
    (
        "Our next appointment moved to March 14 because of her knee surgery.",
        [("date", "March 14")],
    ),
    (
        "She was admitted on 14 March 2023 and discharged a week later with a safety plan.",
        [("date", "14 March 2023")],
    ),
    (
        "Intake date 2024-03-14, referred by her primary care doctor for postpartum anxiety.",
        [("date", "2024-03-14")],
    ),
    (
        "Her grandmother, a 92-year-old widow, moved in with the family this winter.",
        [("age", "92-year-old")],
    ),
    (
        "The father, aged 91, still drives her to every appointment.",
        [("age", "aged 91")],
    ),
    (
        "He is 93 years old and recently moved into assisted living, which he hates.",
        [("age", "93 years old")],
    ),
    (
        "Her SSN 123-45-6789 was printed on the referral letter, which worried me.",
        [("ssn", "123-45-6789")],
    ),
    (
        "Her account #88213 at the clinic went to collections and she is ashamed of it.",
        [("record_number", "88213")],
    ),
    (
        "Her ex's car, license plate 7ABC123, has been parked outside her work twice.",
        [("record_number", "7ABC123")],
    ),
    (
        "Her insulin pump, serial number SN-44A9, keeps alarming during sessions.",
        [("record_number", "SN-44A9")],
    ),
    (
        "She blogs about her recovery at https://www.janedoeblog.com/recovery and asked "
        "whether I read it.",
        [("url", "https://www.janedoeblog.com/recovery")],
    ),
    (
        "The police report says her abuser logged in from 192.168.14.22 the night of the incident.",
        [("ip", "192.168.14.22")],
    ),
    (
        "Fax the records to (415) 555-0134, attention Dr. Patel, before Friday.",
        [("phone", "(415) 555-0134"), ("name", "Patel")],
    ),
    (
        "Jane Doe, DOB 4/7/1985, presents with panic disorder and agoraphobia.",
        [("name", "Jane Doe"), ("date", "4/7/1985")],
    ),
    (
        "Her daughter, Aisha, is 7 and has started refusing to go to school.",
        [("name", "Aisha")],
    ),
    (
        "Her boss Priya Natarajan has been supportive about the medical leave.",
        [("name", "Priya Natarajan")],
    ),
    (
        "Last session was on Tuesday, March 5, and she disclosed the assault for the first time.",
        [("date", "Tuesday, March 5")],
    ),
    (
        "She goes by Sam at work, but her legal name is Samantha and her family uses it.",
        [("name", "Sam"), ("name", "Samantha")],
    ),
    (
        "Her son's teacher, Ms. Okafor, called CPS on 2/12/24 after he came in with a bruise.",
        [("name", "Okafor"), ("date", "2/12/24")],
    ),
    (
        "He was born in 1931, so cognitive screening is on my mind.",
        [("date", "1931")],
    ),
    (
        "Her partner Mei texts her constantly during sessions, which we have named as a pattern.",
        [("name", "Mei")],
    ),
    (
        "Long session today: Keisha talked about her brother DeShawn for most of it.",
        [("name", "Keisha"), ("name", "DeShawn")],
    ),
    (
        "Her new address is 45 Maple Ave #3B, Portland, OR 97205 and she wants mail sent there.",
        [("address", "45 Maple Ave #3B, Portland, OR 97205")],
    ),
    (
        "Phone: 415.867.5309 (cell). She prefers texts to calls.",
        [("phone", "415.867.5309")],
    ),
    (
        "She works the early shift at the coffee shop on 3rd Avenue and comes straight from there.",
        [("address", "3rd Avenue")],
    ),
    (
        "Her Medicaid ID 9988776655 was on the fax cover sheet.",
        [("record_number", "9988776655")],
    ),
    (
        "Her brother's name is Jamal and he lives in the same building.",
        [("name", "Jamal")],
    ),
    (
        "I spoke with her psychiatrist, Dr. Linda Park, on June 3rd about the lithium level.",
        [("name", "Linda Park"), ("date", "June 3rd")],
    ),
    (
        "Her mother turned 90 last month and the caregiving load is crushing her.",
        [("age", "turned 90")],
    ),
    (
        "Contact her case manager at maria.lopez@countyhealth.org or 555-0199.",
        [("email", "maria.lopez@countyhealth.org"), ("phone", "555-0199")],
    ),
    (
        "A copy of her driver's license D1234567 ended up in my paper chart.",
        [("record_number", "D1234567")],
    ),
    (
        "Policy number XG-4471-220 with her insurer was denied for the third time.",
        [("record_number", "XG-4471-220")],
    ),
    (
        "The session on 11/30 was cancelled because of the storm.",
        [("date", "11/30")],
    ),
    (
        "She went to the ER three times in January 2024 for chest pain.",
        [("date", "January 2024")],
    ),
    (
        "Her father Hector, 94, is in hospice and she is anticipating the loss.",
        [("name", "Hector"), ("age", "94")],
    ),
    (
        "We last met on Tuesday the 5th and she has not answered since.",
        [("date", "Tuesday the 5th")],
    ),
    (
        "Mr. and Mrs. Chen came together for the first time on Oct. 2, 2023.",
        [("name", "Chen"), ("date", "Oct. 2, 2023")],
    ),
    (
        "Her ex-husband Dmitri Volkov has a restraining order against him.",
        [("name", "Dmitri Volkov")],
    ),
    (
        "She uses the handle on her site www.healingwithsiobhan.net to find clients.",
        [("url", "www.healingwithsiobhan.net")],
    ),
    (
        "Send the release to P.O. Box 1187, Eugene, OR 97440 rather than her house.",
        [("address", "P.O. Box 1187, Eugene, OR 97440")],
    ),
    (
        "Her social security number is 078-05-1121, which she read out in session.",
        [("ssn", "078-05-1121")],
    ),
    (
        "The referral came from Fatima at the school, who said the boy is 12.",
        [("name", "Fatima")],
    ),
    (
        "Her girlfriend, Rosa, found the note and drove her to County General on 5 Jan 2024.",
        [("name", "Rosa"), ("date", "5 Jan 2024")],
    ),
    (
        "His date of birth is July 4, 1930 and he still lives alone.",
        [("date", "July 4, 1930")],
    ),
    (
        "The nurse says the patient Elena Rossi wants her records sent to 17 Harbor View Road.",
        [("name", "Elena Rossi"), ("address", "17 Harbor View Road")],
    ),
    (
        "We used her work laptop, device ID LT-99812, for the telehealth call by mistake.",
        [("record_number", "LT-99812")],
    ),
]

CLEAN: list[tuple[str, Expected]] = [
    ("Dr. Smith's approach to DBT has helped me think about validation with this client.", []),
    ("She has struggled with panic since 2019 and avoids the highway.", []),
    ("Client A is a 35-year-old teacher referred after a panic attack at work.", []),
    ("We have been using the ACT matrix in session to sort away and toward moves.", []),
    ("I trained in CBT, DBT, EMDR, ACT and IFS, and I'm unsure which fits her best.", []),
    ("We meet on Tuesdays; last Tuesday she didn't show and didn't call.", []),
    ("In March she started a new job and the Sunday dread got worse.", []),
    ("Client B's mother is supportive but anxious, and calls me often.", []),
    ("The client reports improved sleep; my client wants to taper to biweekly sessions.", []),
    ("Will she be able to tolerate exposure work while the custody case is open?", []),
    ("Hope is something we talk about a lot, especially around the holidays.", []),
    ("She grew up in Georgia and moved to Oregon for college.", []),
    ("PHQ-9 was 18 at intake and 11 at session 8; GAD-7 went from 15 to 9.", []),
    ("We bill 90837 and the insurer keeps asking for more documentation.", []),
    ("This is session 12 of the 20 covered by her EAP benefit.", []),
    ("Her faith matters to her; she attends a Christian church and prays daily.", []),
    ("Mr. J and I have worked together for about 18 months now.", []),
    ("The couple responded well to the Gottman Method and the Four Horsemen handout.", []),
    ("She rated her distress 7/10 at the start and 3/10 at the end of the session.", []),
    ("Her father died when she was 12, and she lived with an aunt until 18.", []),
    ("He is in his 40s, works in tech, and has two kids under 5.", []),
    ("Should I refer out? She has been on the waitlist at the county clinic for 6 weeks.", []),
    ("We did 3 rounds of bilateral stimulation in the last session.", []),
    ("May I ask the group about dual relationships in small towns?", []),
    ("Yalom's group therapy principles guide how I run this group.", []),
    ("Carl Rogers' person-centered approach is my home base with this client.", []),
    ("Client C, a veteran in his 60s, has chronic pain and poor sleep.", []),
    ("The ICD-10 code F41.1 fits better than F43.10 at this point.", []),
    ("Since the 2020 lockdowns her anxiety has spiked in crowds.", []),
    ("She takes 50 mg of sertraline and 0.5 mg of lorazepam as needed.", []),
    ("Our group meets every other Thursday at 7 pm.", []),
    ("She was 16 in 2008 when it happened, and has never told her family.", []),
    ("Frank conversations about suicide risk are ongoing and she has a safety plan.", []),
    ("She knows to call 988 if she is in crisis between sessions.", []),
    ("She keeps the Lifeline number 1-800-273-8255 on her fridge.", []),
    ("Her ACE score was 6 out of 10, which fits the history she describes.", []),
    ("The client is a 28-year-old nurse at a large hospital in the Midwest.", []),
    ("In session 4 we started IFS parts mapping; her Manager part is very loud.", []),
    ("Window of Tolerance and Wise Mind are the two ideas that land with her.", []),
    ("Married for 20 years, two adult children, retired at 65 last year.", []),
    ("My client has been sober for 90 days and is proud of it.", []),
    ("She aged out of foster care at 18 and has been on her own since.", []),
    ("She moved here from Texas in 2021 after the divorce.", []),
    ("Is it ethical to accept a $25 gift card from a client at termination?", []),
    ("The Beck Depression Inventory went from 29 to 14 over 10 weeks.", []),
    ("Dr. Linehan's model has been the backbone of the skills group.", []),
    ("Her rent went up to $1,850 a month and she is considering moving back home.", []),
    ("By the 5th session she was more open about the drinking.", []),
    ("Grace and patience with herself are the goals she named.", []),
    ("She is Catholic, speaks Spanish at home, and prefers an in-person group.", []),
    ("June was hard; August was better once the kids were at camp.", []),
    ("The patient has Medicare and the copay is a barrier to weekly sessions.", []),
    ("Her Inner Critic and Exiles came up when we did the IFS unburdening.", []),
    ("Is there a Zoom link for the Monday consultation group?", []),
]


# Written after the detector had been tuned on the examples above, and run once before any
# further change, as a check against over-fitting. First run: 31 of 32 identifiers found (missed
# "her grandfather is 102") and one false positive in 16 clean texts ("the client's Instagram
# link" read as a name). Both were fixed afterwards, so these now count as tuning data too.
HELD_OUT_IDENTIFYING: list[tuple[str, Expected]] = [
    (
        "Client is a 41-year-old father of three; his wife Anna called on 9/14/2023 worried about his drinking.",
        [("name", "Anna"), ("date", "9/14/2023")],
    ),
    (
        "Please don't share this outside the group: her cell is 617-555-0148.",
        [("phone", "617-555-0148")],
    ),
    (
        "Her son Michael, 16, was hospitalized at Children's on February 2nd.",
        [("name", "Michael"), ("date", "February 2nd")],
    ),
    (
        "The school counselor, Mr. Delgado, emailed me at my work address about the referral.",
        [("name", "Delgado")],
    ),
    (
        "She asked if I could write a letter for her landlord at 880 Westfield Blvd.",
        [("address", "880 Westfield Blvd.")],
    ),
    (
        "Her 97-year-old mother lives with her and needs round-the-clock care.",
        [("age", "97-year-old")],
    ),
    ("His chart number is 55-20931 at the VA.", [("record_number", "55-20931")]),
    (
        "Dates of service: 01/08/2024, 01/15/2024 and 01/22/2024.",
        [("date", "01/08/2024"), ("date", "01/15/2024"), ("date", "01/22/2024")],
    ),
    (
        "Her daughter Olivia just started kindergarten and the mornings are chaos.",
        [("name", "Olivia")],
    ),
    ("Her claim number 4471-A-2290 is stuck in appeals.", [("record_number", "4471-A-2290")]),
    ("I ran into Jennifer at the grocery store and we both froze.", [("name", "Jennifer")]),
    (
        "The client's Instagram link is instagram.com/healing.with.kat and she tags the clinic.",
        [("url", "instagram.com/healing.with.kat")],
    ),
    ("She was born on 12/25/1961 and is estranged from her siblings.", [("date", "12/25/1961")]),
    (
        "Her fiancé Tyler proposed during the session break, which she described as a rupture.",
        [("name", "Tyler")],
    ),
    (
        "Mail came back from 301 N. Main St., Apt 2B, so she may have moved.",
        [("address", "301 N. Main St., Apt 2B")],
    ),
    ("Her aunt, who is 96 years of age, raised her after the fire.", [("age", "96 years of age")]),
    (
        "I've been seeing Mr. Okonkwo since the spring and he's made real progress.",
        [("name", "Okonkwo")],
    ),
    ("She texted from a new number, (312) 555-7781, at 2 a.m.", [("phone", "(312) 555-7781")]),
    (
        "Their hearing is scheduled for April 22, 2024 in family court.",
        [("date", "April 22, 2024")],
    ),
    ("Her coworker Brianna reported her to HR after the argument.", [("name", "Brianna")]),
    ("He lives near Lakeview, ZIP code 60657, and walks to sessions.", [("zip", "60657")]),
    ("The patient's MRN: A00987123, per the discharge summary.", [("record_number", "A00987123")]),
    (
        "Her therapist before me was Dr. Feldman at the university counseling center.",
        [("name", "Feldman")],
    ),
    ("She starts a new job on Monday, June 10 and is terrified.", [("date", "Monday, June 10")]),
    ("His ex-wife Donna has primary custody of the kids.", [("name", "Donna")]),
    ("Robert called me twice this week between sessions.", [("name", "Robert")]),
    (
        "Write to her at kbrown1987@yahoo.com with the group's resources.",
        [("email", "kbrown1987@yahoo.com")],
    ),
    ("Her grandfather is 102 and still tells her she is too sensitive.", [("age", "102")]),
]
HELD_OUT_CLEAN: list[tuple[str, Expected]] = [
    ("Client D is a 52-year-old man with a long history of treatment-resistant depression.", []),
    ("We are on week 6 of a 12-week CPT protocol for PTSD.", []),
    ("She described the Four Horsemen from Gottman's research almost word for word.", []),
    ("Her PCL-5 dropped from 54 to 31 in eight sessions.", []),
    ("The group agreed to revisit this in two weeks.", []),
    ("Since 2017 she has lived with her partner and their two dogs.", []),
    ("I'd love the group's thoughts on whether to bring in Motivational Interviewing here.", []),
    ("He works night shifts at a warehouse and sleeps about 5 hours.", []),
    ("She is a first-generation college student from a large Latino family.", []),
    ("Is 45 minutes too short for a trauma session?", []),
    ("Over Thanksgiving she visited family for the first time in years.", []),
    ("He's Jewish, observant, and wants a therapist who understands Shabbat.", []),
    ("The Adverse Childhood Experiences study comes up a lot with this client.", []),
    ("Jean Piaget's stages came up when we discussed her son's development.", []),
    ("Back in 2015 she was hospitalized once; no admissions since.", []),
    ("Summer is hard for her because the kids are home.", []),
]

CORPUS: list[tuple[str, Expected]] = IDENTIFYING + HELD_OUT_IDENTIFYING + CLEAN + HELD_OUT_CLEAN

TRICKY_CLEAN: list[str] = [
    "Dr. Smith's approach to DBT",
    "since 2019",
    "a 35-year-old",
    "the ACT matrix",
    "CBT, DBT, EMDR, ACT and IFS",
    "on Tuesday",
    "in March",
    "Client A",
    "Client B",
    "the client",
    "my client",
    "She moved to Georgia.",
    "Will she come back?",
    "Texas",
]


# --------------------------------------------------------------------------- scoring
#
# Matching rule. Each expected (kind, text) is located in the example (the n-th expectation of
# the same string at its n-th occurrence). An expected span is found (recall) when some finding
# overlaps it by at least one character, whatever the kind: the guard's job is to point at the
# identifying text, and "Portland, OR 97205" reported as an address rather than a ZIP still
# points at it. A finding is correct (precision) when it overlaps some expected span. The
# kind-strict figures, which also require the same kind, are reported alongside.


def gold_spans(text: str, expected: Expected) -> list[tuple[str, int, int]]:
    spans: list[tuple[str, int, int]] = []
    seen: dict[str, int] = {}
    for kind, matched in expected:
        start = -1
        for _ in range(seen.get(matched, 0) + 1):
            start = text.index(matched, start + 1)
        seen[matched] = seen.get(matched, 0) + 1
        spans.append((kind, start, start + len(matched)))
    return spans


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def score(find, corpus=None) -> dict[str, float]:
    """Recall and precision of ``find(text) -> findings`` over the corpus (see the rule above)."""
    corpus = CORPUS if corpus is None else corpus
    gold_total = gold_hit = gold_hit_strict = 0
    found_total = found_ok = found_ok_strict = 0
    for text, expected in corpus:
        gold = gold_spans(text, expected)
        found = [(f.kind, f.start, f.end) for f in find(text)]
        gold_total += len(gold)
        found_total += len(found)
        for kind, start, end in gold:
            hits = [f for f in found if _overlaps(start, end, f[1], f[2])]
            gold_hit += bool(hits)
            gold_hit_strict += any(f[0] == kind for f in hits)
        for kind, start, end in found:
            hits = [g for g in gold if _overlaps(start, end, g[1], g[2])]
            found_ok += bool(hits)
            found_ok_strict += any(g[0] == kind for g in hits)
    return {
        "expected": gold_total,
        "found": found_total,
        "recall": gold_hit / gold_total if gold_total else 1.0,
        "precision": found_ok / found_total if found_total else 1.0,
        "recall_strict": gold_hit_strict / gold_total if gold_total else 1.0,
        "precision_strict": found_ok_strict / found_total if found_total else 1.0,
    }
