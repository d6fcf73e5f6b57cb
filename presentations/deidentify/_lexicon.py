"""Word lists for the de-identification guard.

The first-name dictionary comes from a package (see ``first_names``); everything here is the
small, curated vocabulary that turns that dictionary and the context cues into a precise
detector: words that look like names but are not (months, states, faith words, clinical
terms), cue words that announce a name, and the nouns that mark an author's method rather than
a person ("Dr. Smith's approach").
"""

from __future__ import annotations

import functools


def _words(text: str, sep: str | None = None) -> frozenset[str]:
    return frozenset(" ".join(word.split()) for word in text.split(sep) if word.strip())


@functools.cache
def first_names() -> frozenset[str]:
    """Given names from the US Census 1990 lists shipped by the ``names`` package (MIT).

    5,163 distinct names (1,219 male, 4,275 female), plus the short supplement below; loaded
    once, on first use (about 10 ms). Stored title-cased ("Maria").
    """
    from importlib import resources

    found: set[str] = set()
    package = resources.files("names")
    for filename in ("dist.male.first", "dist.female.first"):
        for line in package.joinpath(filename).read_text(encoding="ascii").splitlines():
            if line.strip():
                found.add(line.split(maxsplit=1)[0].title())
    return frozenset(found | EXTRA_FIRST_NAMES)


# The 1990 Census lists predate many names common among clients today; a short supplement.
EXTRA_FIRST_NAMES = _words("""
    Aaliyah Aiden Amara Anaya Arjun Ayesha Brayden Chiamaka Daeun Deshawn DeShawn Dmitri
    Emeka Esperanza Farah Giselle Hamza Imani Jaden Jayden Kaden Kai Kayla Khadija Layla
    Liam Luis Malik Mateo Mei Mohammed Muhammad Nadia Neha Nevaeh Nguyen Nia Oluwaseun Omar
    Priya Rahul Raj Riya Rohan Sanjay Siddharth Sofia Tariq Thanh Tyrone Xiomara Yusuf Zainab
    Zoe Zoey
""")

MONTHS = _words(
    "January February March April May June July August September October November December"
)
WEEKDAYS = _words("Monday Tuesday Wednesday Thursday Friday Saturday Sunday")

US_STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "PR": "Puerto Rico", "RI": "Rhode Island", "SC": "South Carolina",
    "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont",
    "VA": "Virginia", "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
}  # fmt: skip
STATE_WORDS = frozenset(word for name in US_STATES.values() for word in name.split())

# Capitalized words that are never taken as a name, whatever the cue: calendar words, titles,
# family words, pronouns and function words, faith and identity words, clinical vocabulary.
# (Months are allowed after a strong cue, "my client June", when no day number follows.)
NOT_A_NAME = (
    MONTHS
    | WEEKDAYS
    | _words("""
        Christian Christ Jesus God Lord Allah Bible Catholic Baptist Muslim Jewish Latina
        Latino Latinx Black White Asian Native Indian English Spanish French Christmas Easter
        Thanksgiving Ramadan Passover Valentine General Judge Justice Major Junior Senior
        Client Patient Therapist Counselor Doctor Nurse Session Mr Mrs Ms Mx Dr Miss Mom Mum
        Dad Nana Papa Grandma Grandpa Auntie Karma Zoom Medicare Medicaid Lifeline Self
        Manager Exiles Critic Parts Wise Mind Inner Higher Power CPS ER ICU
        He His Him She Her Hers They Them Their You Your We Our It Its
        A An And As At But By For From If In Of On Or So The Then This To With Yet No Not My
        See Else Era Many Man Lean Numbers Manual Brain Marry Carry Hang Soon Dear
    """)
)

# Also not a name when found through the dictionary alone (no cue): places that are given
# names too. "She grew up in Georgia" is clean; "her daughter Georgia" is still a name.
PLACE_NAMES = STATE_WORDS | _words("China Jordan Israel India Mercy")

# In the dictionary and common English words: not a name at the start of a sentence ("Will she
# come back?", "Hope is a theme", "Frank conversations about risk") nor inside a title-case
# phrase ("The 5 Love Languages"). Elsewhere still a name ("she told Will").
COMMON_WORDS = _words("""
    Son Sun Moon Will May Hope Grace Faith Joy Charity Patience Prudence Mercy Love Harmony
    Liberty Destiny Trinity Precious Genesis Chance Chase Long Young Rich Frank Mark Grant Bill
    Art Guy Dean Earnest Noble Royal Star Spring Summer Winter Autumn Season Echo Angel Sunny
    Honey Page Golden Sage Brook Forest Reed Clay Lance Wade Ward Hunter Foster Porter Miles
    Max Sterling
""")

# Words that, after a capitalized word, make it a place or an organization, not a person
# ("Mercy Hospital", "Gottman Method", "Elm Street").
ORG_WORDS = _words("""
    Hospital Hospitals Clinic Clinics Center Centre Medical Health Healthcare Behavioral
    University College School Schools Academy Institute Church Chapel Temple Mosque
    Synagogue Cathedral Ministries Foundation Association Society House Hall Park County City
    Valley Lake River Methodist Presbyterian Memorial General Regional Community Program
    Project Services Group Network Method Model Protocol Scale Inventory Questionnaire
    Technique Therapy Library Airport Station Bridge Mall Market Inc LLC Corp Company Bank
    Street St Avenue Ave Road Rd Boulevard Blvd Lane Ln Drive Way Court Place Square Heights
    Elementary Middle High Village Plaza Café Cafe Restaurant Store Conference
""")

# ORG_WORDS that are also common surnames: after a cue they continue the name ("Dr. Linda Park").
SURNAME_ORG_WORDS = _words("Park Hall House Lane Church Street Ward Temple Bridge Market")

# "Dr. Smith's approach", "Carl Rogers' person-centered approach": citing an author's method.
METHOD_NOUNS = _words("""
    approach approaches method methods model models protocol protocols theory theories
    technique techniques framework frameworks work book books principles principle
    concept concepts idea ideas research study studies framing stages scale inventory
    therapy treatment manual workbook matrix triad cycle ladder exercise exercises
""")

# Clinicians and researchers whose full names come up when a method is discussed; never a
# client in a case write-up. Matched on the full name only ("Sue Johnson", not "Sue").
KNOWN_AUTHORS = _words(
    """
    Aaron Beck|Judith Beck|Albert Ellis|Carl Rogers|Carl Jung|Sigmund Freud|Anna Freud|
    Irvin Yalom|Marsha Linehan|John Gottman|Julie Gottman|Sue Johnson|Steven Hayes|
    Kristin Neff|Brené Brown|Brene Brown|Bessel van der Kolk|Peter Levine|Stephen Porges|
    Dan Siegel|Daniel Siegel|Richard Schwartz|Francine Shapiro|Jon Kabat-Zinn|Esther Perel|
    Lisa Feldman Barrett|Judith Herman|Pat Ogden|Deb Dana|Tara Brach|Viktor Frankl|
    Donald Winnicott|Melanie Klein|John Bowlby|Mary Ainsworth|Alfred Adler|Karen Horney|
    Harville Hendrix|David Burns|Martin Seligman|Albert Bandura|Jean Piaget|Erik Erikson|
    William Miller|Stephen Rollnick|Edna Foa|Patricia Resick|Judith Cohen|Gabor Mate|
    Gabor Maté|Irvin D. Yalom|Ross Greene|Les Greenberg|Leslie Greenberg|Bill Doherty|
    William Doherty
    """,
    sep="|",
)

TITLES = ("Mr", "Mrs", "Ms", "Mx", "Dr", "Prof", "Rev")

# Nouns after which a capitalized word is the person's name ("her husband Carlos").
RELATION_WORDS = _words("""
    husband wife spouse partner boyfriend girlfriend fiancé fiancée fiance fiancee ex son
    daughter stepson stepdaughter child kid baby mother father stepmother stepfather mom mum
    dad parent sister brother sibling half-sister half-brother twin grandmother grandfather
    grandma grandpa grandson granddaughter aunt uncle cousin niece nephew friend roommate
    neighbor neighbour boss manager supervisor coworker co-worker colleague teacher coach
    pastor priest rabbi imam sponsor caseworker landlord psychiatrist doctor client patient
""")

# Nouns for a person, before ", 94," or "is 94" ("the widow, 94, lives alone").
PERSON_NOUNS = _words("""
    woman man widow widower mother father grandmother grandfather client patient veteran
    husband wife aunt uncle lady gentleman resident parent
""")
