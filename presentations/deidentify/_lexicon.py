"""Word lists for the de-identification guard.

The first-name dictionary is the US Census 1990 list kept in ``data/`` (see ``first_names``);
everything else here is the small, curated vocabulary that turns that dictionary and the
context cues into a precise detector: words that look like names but are not (months, states,
faith words, clinical terms), cue words that announce a name, and the nouns that mark an
author's method rather than a person ("Dr. Smith's approach").
"""

from __future__ import annotations

import functools
import gzip
import importlib
import json
import unicodedata
from importlib import resources

from ._normalize import LATIN_FOLD


def _words(text: str, sep: str | None = None) -> frozenset[str]:
    return frozenset(" ".join(word.split()) for word in text.split(sep) if word.strip())


def _census_lines(filename: str) -> list[str]:
    """Lines of one US Census 1990 name file kept in ``data/`` (see ``data/README.md``)."""
    data = resources.files(__package__).joinpath("data", f"{filename}.gz").read_bytes()
    return gzip.decompress(data).decode("ascii").splitlines()


@functools.cache
def first_names() -> frozenset[str]:
    """Given names from the US Census 1990 lists in ``data/`` (public domain).

    5,163 distinct names (1,219 male, 4,275 female), plus the short supplement below; loaded
    once, on first use (about 10 ms). Stored title-cased ("Maria").
    """
    found: set[str] = set()
    for filename in ("dist.male.first", "dist.female.first"):
        for line in _census_lines(filename):
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
    Irish Italian German Mexican Korean Chinese Japanese Vietnamese Filipino Filipina Haitian
    Jamaican Nigerian Polish Russian Ukrainian Greek Cuban Dominican Salvadoran Guatemalan
    Somali Ethiopian Arab Persian Turkish Armenian Hmong Cambodian Thai Pakistani Bengali
    Punjabi Sikh Hindu Buddhist Mormon Amish Quaker Scottish Welsh British American Canadian
    Australian Dutch Swedish Norwegian Danish Brazilian Portuguese Colombian Venezuelan
    Peruvian Hispanic African Caribbean Navajo Cherokee Lakota Hopi Creole Cajun Yiddish
    Abuela Abuelo Tia Tio Bubbe Zayde Nonna Nonno Oma Opa Lola Lolo Yaya
    Act Army Navy Marine Marines Corps Airman Guard Force Coast Ok Okay Van Der Von Den De Del Della Da Di Du Le La Las Los El Al Bin Ibn Ben Mac Mc St
    """)
)

# Also not a name when found through the dictionary alone (no cue): places that are given
# names too. "She grew up in Georgia" is clean; "her daughter Georgia" is still a name.
PLACE_NAMES = STATE_WORDS | _words(
    "China Jordan Israel India Mercy Spring Summer Autumn Winter Fall"
)

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
    bf gf hubby bff sis bro stepmom stepdad stepbrother stepsister ex-husband ex-wife
    ex-boyfriend ex-girlfriend ex-partner therapist counselor PO attorney lawyer
""")

# Nouns for a person, before ", 94," or "is 94" ("the widow, 94, lives alone").
PERSON_NOUNS = _words("""
    woman man widow widower mother father grandmother grandfather client patient veteran
    husband wife aunt uncle lady gentleman resident parent grandma grandpa grandparent
    great-aunt great-uncle great-grandmother great-grandfather neighbor neighbour
""")


# --------------------------------------------------------------------------- issue 13 data
#
# Three packaged data sets widen the dictionaries; all are loaded once, on first use:
# * the US Census 1990 surname list in ``data/`` (88,799 surnames, by frequency);
# * given names and surnames of 35 Latin-script locales shipped by ``Faker`` (MIT), folded to
#   ASCII, so "Björn", "Łucja", "Siobhán" and "Mateus" are known;
# * English word frequencies shipped by ``pyspellchecker`` (MIT), which tell a name that is
#   also a common word ("will", "grace", "long") from one that is not ("martinez").

_FAKER_LOCALES = [
    "en_US",
    "en_GB",
    "en_IE",
    "en_IN",
    "en_NZ",
    "es_ES",
    "es_MX",
    "es_CO",
    "es_AR",
    "de_DE",
    "de_AT",
    "de_CH",
    "fr_FR",
    "fr_CA",
    "it_IT",
    "pl_PL",
    "pt_BR",
    "pt_PT",
    "nl_NL",
    "vi_VN",
    "tr_TR",
    "sv_SE",
    "ga_IE",
    "cs_CZ",
    "sk_SK",
    "hu_HU",
    "yo_NG",
    "tw_GH",
    "zu_ZA",
    "id_ID",
    "ro_RO",
    "hr_HR",
    "fi_FI",
    "da_DK",
    "no_NO",
    "sl_SI",
    "lt_LT",
    "lv_LV",
    "et_EE",
]


def key(word: str) -> str:
    """Dictionary key of a name word: lower case, letters only ("O'Brien" -> "obrien")."""
    return "".join(c for c in word.lower() if c.isalpha())


@functools.cache
def _faker_names() -> tuple[frozenset[str], frozenset[str]]:
    collected: dict[str, list[str]] = {"first": [], "last": []}
    for locale in _FAKER_LOCALES:
        try:
            provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        except (ImportError, AttributeError):  # pragma: no cover - depends on the Faker release
            continue
        for attr in ("first_names", "first_names_male", "first_names_female", "last_names"):
            collected["last" if attr == "last_names" else "first"].extend(
                getattr(provider, attr, ())
            )
    fold = str.maketrans(LATIN_FOLD)

    def words(names: list[str]) -> frozenset[str]:
        # Fold the whole list at once: decompose, spell out "ł" and "ø", drop the accents
        # and whatever is not Latin script.
        blob = unicodedata.normalize("NFKD", "\n".join(names).translate(fold))
        blob = blob.encode("ascii", "ignore").decode().lower().replace("-", " ")
        return frozenset(w for w in blob.split() if w.isalpha() and len(w) > 1)

    return words(collected["first"]), words(collected["last"])


@functools.cache
def word_frequencies() -> dict[str, int]:
    """English word -> count, from pyspellchecker's English dictionary (about 160,000 words)."""
    package = resources.files("spellchecker").joinpath("resources", "en.json.gz")
    return json.loads(gzip.decompress(package.read_bytes()))


def frequency(word: str) -> int:
    return word_frequencies().get(word.lower(), 0)


# A word this frequent in English is a word first and a name second ("grace", "mark", "hunter").
COMMON_WORD_FREQUENCY = 10_000


@functools.cache
def given_name_keys() -> frozenset[str]:
    """Given names, as ``key`` (lower case): the Census list plus the Faker locales.

    A Faker-only name that is also a fairly common English word ("can", "hung") is left out.
    """
    census = {key(name) for name in first_names()}
    foreign = {name for name in _faker_names()[0] - census if frequency(name) < 3_000}
    return frozenset(census | foreign)


@functools.cache
def surname_keys() -> frozenset[str]:
    """Surnames, as ``key``: the Census list (most frequent 50,000) plus the Faker locales."""
    found: set[str] = set()
    for line in _census_lines("dist.all.last")[:50_000]:
        if line.strip():
            found.add(line.split(maxsplit=1)[0].lower())
    return frozenset(found | _faker_names()[1])


@functools.cache
def lower_first_names() -> frozenset[str]:
    """The Census given names (and the supplement), in lower case."""
    return frozenset(name.lower() for name in first_names())


def is_given_name(word: str) -> bool:
    return key(word) in given_name_keys()


def is_surname(word: str) -> bool:
    return key(word) in surname_keys()


# Capital-letter abbreviations that look like initials ("U.S.", "P.M.", "A.A.").
NOT_INITIALS = _words("""
    U.S. U.K. U.N. E.U. D.C. L.A. N.Y. S.F. P.O. A.M. P.M. M.D. D.O. R.N. N.P. P.A. B.A. M.A.
    B.S. M.S. J.D. E.R. I.V. O.T. P.T. A.A. N.A. S.O. O.K. T.V. D.J. P.S. R.I.P. I.D. U.S.A.
    A.D. B.C. C.E.O. E.D. G.P. H.R. I.Q. M.O. P.E. Q.A. R.V. V.A. V.P. W.C. Ph.D. N.B. e.g.
    i.e. A.S.A.P. D.V. S.A. O.D. A.D.D. A.D.H.D.
""")

# Brand and generic drug names that look like a name ("Abilify", "Zoloft").
DRUG_NAMES = _words("""
    Zoloft Prozac Paxil Celexa Lexapro Effexor Cymbalta Pristiq Wellbutrin Remeron Trazodone
    Trintellix Viibryd Abilify Seroquel Risperdal Zyprexa Geodon Latuda Vraylar Rexulti Haldol
    Clozaril Lithium Lithobid Depakote Lamictal Tegretol Trileptal Topamax Neurontin Lyrica
    Xanax Ativan Klonopin Valium Restoril Ambien Lunesta Sonata Belsomra Buspar Vistaril
    Hydroxyzine Adderall Ritalin Concerta Vyvanse Focalin Strattera Intuniv Qelbree Suboxone
    Subutex Sublocade Vivitrol Narcan Antabuse Campral Chantix Naltrexone Spravato Zulresso
    Zurzuvae Auvelity Caplyta Nuplazid Ingrezza Austedo Cogentin Propranolol Inderal Prazosin
    Clonidine Gabapentin Sertraline Fluoxetine Paroxetine Citalopram Escitalopram Venlafaxine
    Duloxetine Bupropion Mirtazapine Quetiapine Aripiprazole Olanzapine Risperidone Lurasidone
    Lamotrigine Lorazepam Clonazepam Alprazolam Diazepam Methylphenidate Tylenol Advil
    Ozempic Wegovy Mounjaro Synthroid Metformin Plan Benadryl Ibuprofen Xyzal Zyrtec Claritin
""")

# Eponymous conditions: "Parkinson's", "Crohn's disease", "Down syndrome".
EPONYMS = _words("""
    Parkinson Parkinsons Alzheimer Alzheimers Asperger Aspergers Tourette Tourettes Crohn Crohns
    Hashimoto Hashimotos Huntington Huntingtons Cushing Cushings Addison Addisons Graves Down
    Lyme Bell Bells Raynaud Raynauds Meniere Menieres Hodgkin Hodgkins Munchausen Korsakoff
    Wernicke Rett Marfan Klinefelter Turner Williams Prader Willi Angelman Ehlers Danlos Sjogren
    Guillain Barre Gehrig Kawasaki Tay Sachs Fragile Capgras Cotard Stockholm Peter Pan Dunning
    Kruger Rorschach Wechsler Stanford Binet Myers Briggs Likert Beck Hamilton Yale Brown
""")

HOLIDAYS = _words(
    """
    Christmas|Christmas Eve|Christmas Day|Easter|Thanksgiving|Halloween|Hanukkah|Chanukah|
    Kwanzaa|Diwali|Eid|Ramadan|Passover|Yom Kippur|Rosh Hashanah|Lunar New Year|New Year|
    New Year's|Mother's Day|Father's Day|Memorial Day|Labor Day|Veterans Day|Valentine's Day|
    Juneteenth|Independence Day|Fourth of July|4th of July|St. Patrick's Day|Mardi Gras|
    Good Friday|Lent|Advent|Martin Luther King Day|MLK Day|Presidents Day|Cinco de Mayo|
    Day of the Dead|Dia de los Muertos|Holi|Nowruz|Vesak|Boxing Day|Black Friday
    """,
    sep="|",
)

# Public figures who come up in sessions ("she loves Taylor Swift"): never a client. Full names.
FAMOUS_PEOPLE = _words(
    """
    Taylor Swift|Robin Williams|Anthony Bourdain|Kurt Cobain|Marilyn Monroe|Amy Winehouse|
    Whitney Houston|Carrie Fisher|Britney Spears|Simone Biles|Michael Phelps|Naomi Osaka|
    Demi Lovato|Selena Gomez|Lady Gaga|Billie Eilish|Ariana Grande|Kanye West|Kim Kardashian|
    Oprah Winfrey|Michelle Obama|Barack Obama|Donald Trump|Joe Biden|Kamala Harris|
    Hillary Clinton|Bill Clinton|George Bush|Abraham Lincoln|Martin Luther King|
    Princess Diana|Prince Harry|Meghan Markle|Elvis Presley|Michael Jackson|Michael Jordan|
    LeBron James|Tom Brady|Serena Williams|Kobe Bryant|Elon Musk|Mark Zuckerberg|Steve Jobs|
    Bill Gates|Jeff Bezos|Mister Rogers|Fred Rogers|Harry Potter|Sherlock Holmes|
    Winnie the Pooh|Jordan Peterson|Joe Rogan|Andrew Tate|Brene Brown|Mel Robbins|
    Glennon Doyle|Matthew Perry|Chester Bennington|Avicii|Jennifer Aniston|Tom Hanks|
    Jim Carrey|Dwayne Johnson|Lin-Manuel Miranda|Frida Kahlo|Vincent van Gogh|
    Ernest Hemingway|Sylvia Plath|Virginia Woolf|Winston Churchill|Abraham Maslow|
    Fred Rogers|Mother Teresa|Dalai Lama|Thich Nhat Hanh|Eckhart Tolle|Pema Chodron|
    Jon Stewart|John Oliver|Greta Thunberg|Bad Bunny|Beyonce|Rihanna|Drake|Adele|Phil|Oz|
    Seuss|Ruth|Drew|Rogers|Bean|Phil McGraw|Ruth Westheimer|Mehmet Oz|Bob Dylan|Joni Mitchell|
    Bruce Springsteen|Johnny Cash|Dolly Parton|Bob Marley|Kendrick Lamar|Billie Holiday|
    Frank Ocean|Lana Del Rey|Olivia Rodrigo|Harry Styles|Ed Sheeran|Phoebe Bridgers|
    Morgan Wallen|Johann Hari|Lori Gottlieb|Mark Manson|James Clear|Matthew Walker|
    Andrew Huberman|Nedra Glover Tawwab|Lindsay Gibson|Pete Walker|Melody Beattie|
    Elizabeth Gilbert|Cheryl Strayed|Stephen King|Toni Morrison|Maya Angelou|Mary Oliver|
    Rumi|Thich Nhat Hanh|Jack Kornfield|Russ Harris|Kelly McGonigal|Susan David|Adam Grant|
    Malcolm Gladwell|Simon Sinek|Tony Robbins|Joel Osteen|Pope Francis|Billy Graham|
    Serena Williams|Venus Williams|Tiger Woods|Aaron Rodgers|Travis Kelce|Patrick Mahomes|
    Taylor Lorenz|Emma Watson|Jennifer Lopez|Ben Affleck|Brad Pitt|Angelina Jolie|
    Johnny Depp|Amber Heard|Will Smith|Chris Rock|Meryl Streep|Tom Cruise|Keanu Reeves|
    Mister Rogers|Bob Ross|Martha Stewart|Julia Child|Anne Frank|Helen Keller|Rosa Parks|
    Harriet Tubman|Frederick Douglass|Malcolm X|Nelson Mandela|Mahatma Gandhi|
    Albert Einstein|Isaac Newton|Charles Darwin|William Shakespeare|Jane Austen|
    Emily Dickinson|Walt Whitman|Robert Frost|Edgar Allan Poe|Mark Twain|Oscar Wilde|
    Soren Kierkegaard|Friedrich Nietzsche|Albert Camus|Jean-Paul Sartre|Fyodor Dostoevsky|
    Leo Tolstoy|Franz Kafka|Sigmund Freud|Frida Kahlo|Pablo Picasso|Ludwig van Beethoven
    """,
    sep="|",
)

# Large places that are also given names: after "in", "to", "from", "near" they are places.
CITY_NAMES = _words("""
    Austin Charlotte Madison Jackson Savannah Phoenix Tyler Aurora Eugene Raleigh Orlando
    Florence Augusta Lincoln Columbus Houston Dallas Denver Cleveland Lafayette Chandler Irving
    Beverly Shelby Helena Camden Marion Sydney Paris Victoria Adelaide Regina Milan Chelsea
    Brooklyn Kent Lancaster Salem Troy Warren Vernon Alexandria Charleston Tracy Boston Chicago
    Seattle Portland Sacramento Atlanta Miami Tampa Nashville Memphis Louisville Denver Tucson
    Fresno Omaha Tulsa Wichita Arlington Richmond Durham Greensboro Spokane Boise Reno Laredo
    Quincy Logan Dayton Clayton Hudson Cameron Sherman Jasper Dakota Carolina Virginia Indiana
    London Dublin Berlin Vienna Rome Geneva Havana Manila Lima Santiago Sofia Valencia Alberta
    Georgia Montgomery Harrison Franklin Jefferson Washington Eugene Bradley Clifton
""")

# Heads of an institution's name, and the words that make a name generic rather than locating.
INSTITUTION_HEADS = (
    "Hospital|Medical Center|Medical Centre|Health Center|Health System|Health|Healthcare"
    "|Clinic|Elementary School|Elementary|Middle School|High School|Junior High|Academy"
    "|Primary School|Preschool|Montessori|Day School|Prep|College|University|School District"
    "|Public Schools|Schools|School|High|Middle"
    "|Church|Chapel|Cathedral|Temple|Mosque|Synagogue|Parish|Ministries|Fellowship|Tabernacle"
    "|LLC|L\\.L\\.C\\.|Inc\\.?|Corp\\.?|Corporation|Co\\.|Ltd\\.?|LLP|PLLC|P\\.C\\."
    "|Associates|Partners|Rehab|Recovery Center|Treatment Center|Nursing Home|Assisted Living"
    "|Rehabilitation Center|Psychiatric Center|Pediatrics|Family Practice|Counseling Center"
    "|Hospice|Medical Group|Medical|Behavioral Health|Mental Health Center|Home Care|Daycare"
    "|Correctional Facility|Detention Center|Jail|Prison|Shelter|Mission"
)
# Alone in front of a head these make a generic phrase ("Mental Health", "Community Church").
GENERIC_INSTITUTION_WORDS = _words("""
    Mental Behavioral Public Women's Womens Men's Mens Family Community Global Occupational
    Sexual Reproductive Holistic Integrative Student Employee Home Oral Emotional Physical
    Spiritual Digital Population Child Children's Childrens Maternal Brain Heart Total Whole
    General Regional Memorial County State City Local University Medical Health Primary Urgent
    Day Outpatient Inpatient Residential Private Charter Catholic Christian Baptist Methodist
    Lutheran Presbyterian Episcopal Evangelical Orthodox Jewish Islamic Buddhist Unitarian
    Nondenominational Elementary Middle High Junior Senior Graduate Medical Nursing Dental
    Psychiatric Trauma Crisis Recovery Treatment Counseling Wellness Care Cancer Veterans
    Youth Teen Pediatric Adolescent Adult Geriatric Addiction Rehabilitation Sleep Pain
    Eating Disorder Disorders Anxiety Depression Autism Dialysis Surgical Surgery Specialty
    Boarding Summer Sunday Bible Law Medicine Business Grad Art Arts Music Dance Film Tech
    Technical Online Virtual Free Big Small New Old Our My Your Her His Their The A An This
    That Every Each Any Some Another Same Other Same Local National American International
    Insurance Healthy Good Better Best Great Gottman EMDR DBT CBT ACT IFS Beck Linehan Hayes
    Internal Family Systems Community Mental Emergency Intensive Partial Acute Long Term
""")
# Whole institutions named in general reference, not locating anyone.
NATIONAL_INSTITUTIONS = _words(
    """
    Veterans Administration|Veterans Health Administration|VA|Kaiser Permanente|Kaiser|
    Planned Parenthood|Mayo Clinic|Cleveland Clinic|Johns Hopkins|Walmart|Starbucks|Amazon|
    Target|Costco|Google|Apple|Microsoft|Facebook|Meta|McDonald's|UPS|FedEx|Uber|Lyft|
    Alcoholics Anonymous|Narcotics Anonymous|Al-Anon|SAMHSA|NAMI|NIMH|APA|AAMFT|NASW|ACA|
    Gottman Institute|Beck Institute|EMDR Institute|Ivy League|Salvation Army|Red Cross|YMCA|
    Boy Scouts|Girl Scouts|Catholic Church|Mormon Church|LDS Church|Church of England|
    Harvard University|Stanford University|Yale University|Princeton University|Anthem|
    Blue Cross|Aetna|Cigna|UnitedHealthcare|Humana|Medicare|Medicaid|Tricare|Optum
    """,
    sep="|",
)

# Words after which a bare word is a social media handle ("her insta is jess.runs").
HANDLE_CUES = (
    r"instagram|insta|twitter|tiktok|tik\s+tok|snapchat|snap|facebook|fb|threads|bluesky"
    r"|youtube|twitch|discord|reddit|tumblr|pinterest|venmo|cashapp|cash\s+app|onlyfans"
    r"|handle|username|user\s*name|screen\s*name|gamertag|gamer\s+tag|account"
)

# Places too large to locate anyone ("the city of Los Angeles").
BIG_PLACES = _words(
    """
    New York|Los Angeles|San Francisco|San Diego|San Antonio|San Jose|Las Vegas|New Orleans|
    Kansas City|Salt Lake|Salt Lake City|Oklahoma City|Mexico City|Fort Worth|El Paso|
    Long Beach|Colorado Springs|St. Louis|Saint Louis|Baton Rouge|Des Moines|Little Rock|
    Los Angeles County|Cook County|Orange County|Miami-Dade County|Harris County|King County
    """,
    sep="|",
)

# Given names that are also English words or brands, not taken as a name in lower-case text
# ("omega-3", "basil", "robin", "amber").
LOWER_NOT_NAMES = _words("""
    omega basil pansy pasty tiara nova asia meta terra fawn france fern sierra venus venice
    milan magnolia dahlia porsche chanel madonna mercedes ebony opal isis dimple luna lulu elmo
    kermit mica merlin geneva cinderella napoleon homer elvis barbie buffy stanford marquis
    vida vena dell cher dion santos silva chang chung hong jung lien saran lala mignon
    margarita warren polly piper flora hazel blanche celeste marlin lacy lacey carmine tawny
    dixie caprice ethyl newton clementine forrest harley sterling skye savanna roma sierra
    tequila blossom maple raven jade ivory herb gala stormy delta dung roman genie willy aura
    aide fanny wally dolly marvel windy robin willow sparkle walker scarlet sandy rosy emerald
    violet bong dong belle sonny birdie conception america earl berry amber yang sherry misty
    iris daisy rosemary chastity marina santa abbey lang bonny shin sari pearly shelly angelic
    lore garland viva pinkie mana yong mack gale laurel glen dale martin marshall clark
    carter cole grant rich price young king bishop
""")
