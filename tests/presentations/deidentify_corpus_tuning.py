"""Tuning corpus for the de-identification guard: identifiers as people really type them.

Same format and labelling conventions as ``deidentify_corpus.py``, plus (issue 13):

* name: initials belong to the name ("J. Smith", "Patricia L. Gomez", "Jane D.", "J.S."); a
  name written surname-first is one span ("Lopez, Maria"). A single letter on its own ("Mr. J",
  "Client A") is a pseudonym and clean.
* email: a dodged address is the whole phrase ("jsmith at gmail dot com").
* phone / record_number: a number spelled out in words is the whole run of words.
* institution: a named hospital, clinic, school, employer, church or health system that
  locates a person ("Lincoln Elementary", "Denver Health", "Acme Roofing LLC"); a national body
  as a general reference ("the VA", "the Veterans Administration") is clean, as are generic
  phrases ("the county clinic", "a children's hospital").
* social_handle: the handle with its "@" when written ("@jess_runs_far").
* address: a street named without a number is an address ("Pearl St").
* place: a county, or a small town named as such ("Larimer County", "a town called Millbrook");
  large cities, big counties and states are clean.

Written by hand for issue 13, in the way tired clinicians type between sessions; these are the
examples the detector was tuned on. The honest check is ``deidentify_corpus_heldout.py``.
"""

Expected = list[tuple[str, str]]

TUNING_IDENTIFYING: list[tuple[str, Expected]] = [
    # names in any case, with initials, hyphens, apostrophes, diacritics, surname first
    (
        "new client jennifer martinez, referred by her pcp for panic",
        [("name", "jennifer martinez")],
    ),
    (
        "INTAKE NOTE - ROBERT CHEN - SELF REFERRED FOR INSOMNIA",
        [("name", "ROBERT CHEN")],
    ),
    ("Mr. J. Smith came in late again and left early.", [("name", "J. Smith")]),
    ("Referral letter from Patricia L. Gomez at the school.", [("name", "Patricia L. Gomez")]),
    ("Jane D. has been on my caseload since the spring.", [("name", "Jane D.")]),
    ("J.S. no-showed twice this month, not sure what to do.", [("name", "J.S.")]),
    (
        "Her wife Anna-Lena Schmidt-Weber joined the last session.",
        [("name", "Anna-Lena Schmidt-Weber")],
    ),
    ("sean o'brien keeps texting me between sessions", [("name", "sean o'brien")]),
    (
        "Client is Sean O'Brien, 44, court-mandated for anger management.",
        [("name", "Sean O'Brien")],
    ),
    ("José Hernández started IOP this week.", [("name", "José Hernández")]),
    ("Her mother, Łucja Kowalska, still lives in the old apartment.", [("name", "Łucja Kowalska")]),
    ("Referral: Lopez, Maria. Presenting with postpartum depression.", [("name", "Lopez, Maria")]),
    ("Ms Lee from the front desk said he was crying in the waiting room.", [("name", "Lee")]),
    ("mrs alvarez called to cancel, third time", [("name", "alvarez")]),
    ("my client kevin said his boss yelled at him again", [("name", "kevin")]),
    ("her husband carlos wont come to couples work", [("name", "carlos")]),
    ("Siobhán is doing better since she started the new job.", [("name", "Siobhán")]),
    (
        "Björn Lindqvist, her stepfather, is not allowed at the house.",
        [("name", "Björn Lindqvist")],
    ),
    ("spoke w/ DAVID NGUYEN'S mom about the IEP", [("name", "DAVID NGUYEN")]),
    ("Talked to Kim Park's teacher about the panic attacks at school.", [("name", "Kim Park")]),
    ("She said Tyrell Washington was the one who hurt her.", [("name", "Tyrell Washington")]),
    ("Pt. name: Daniela Ruiz-Ortega", [("name", "Daniela Ruiz-Ortega")]),
    ("His brother Mateus is in the same unit.", [("name", "Mateus")]),
    # text normalised first: look-alike letters, full width, non-ASCII hyphens and spaces
    ("My client Jеnnifer Mаrtinez asked about a sliding scale.", [("name", "Jеnnifer Mаrtinez")]),  # noqa: RUF001
    ("Intake: Ｒｏｂｅｒｔ Ｃｈｅｎ, referred by his GP.", [("name", "Ｒｏｂｅｒｔ Ｃｈｅｎ")]),  # noqa: RUF001
    ("Her cell is 555\u2011201\u20113344, texts only.", [("phone", "555\u2011201\u20113344")]),
    (
        "Her sister Anna\u2010Lena\u00a0Brandt is the emergency contact.",
        [("name", "Anna\u2010Lena\u00a0Brandt")],
    ),
    # dates in every common form
    ("She was admitted Sept. 3, 2024 after the overdose.", [("date", "Sept. 3, 2024")]),
    ("DOB 14.03.1987 per the intake packet.", [("date", "14.03.1987")]),
    ("Intake was 2024/03/14 and she has not missed one since.", [("date", "2024/03/14")]),
    ("Next appt 3/14, she wants to talk about the custody hearing.", [("date", "3/14")]),
    (
        "She was born on the fourteenth of March, nineteen eighty-seven.",
        [("date", "fourteenth of March, nineteen eighty-seven")],
    ),
    (
        "Her birthday is March fourteenth and she dreads it every year.",
        [("date", "March fourteenth")],
    ),
    ("The anniversary of the crash is the 3rd of June.", [("date", "3rd of June")]),
    ("we met again on jan 9th and she cried the whole time", [("date", "jan 9th")]),
    ("Court date moved to 12-Feb-2025.", [("date", "12-Feb-2025")]),
    ("DOB: 7/4/52, lives alone.", [("date", "7/4/52")]),
    ("Last seen 11/2 before the holiday break.", [("date", "11/2")]),
    # ages over 89, in words too
    ("Her grandmother is ninety-three and still drives.", [("age", "ninety-three")]),
    ("He cares for his father, who is a hundred and one.", [("age", "a hundred and one")]),
    ("The ninety-one-year-old neighbor found him.", [("age", "ninety-one-year-old")]),
    # e-mail and numbers written to dodge
    (
        "She said to reach her at jsmith at gmail dot com if the portal fails.",
        [("email", "jsmith at gmail dot com")],
    ),
    ("email is k.reyes (at) yahoo (dot) com", [("email", "k.reyes (at) yahoo (dot) com")]),
    (
        "Her alt email, mjohnson[at]outlook[.]com, is the one she reads.",
        [("email", "mjohnson[at]outlook[.]com")],
    ),
    (
        "Her number is five five five, two oh one, three three four four.",
        [("phone", "five five five, two oh one, three three four four")],
    ),
    ("Call back on 555 201 3344 after 5.", [("phone", "555 201 3344")]),
    ("Mom's cell: 555/201-7788.", [("phone", "555/201-7788")]),
    ("His uncle in London, +44 20 7946 0958, wants updates.", [("phone", "+44 20 7946 0958")]),
    # institutions that locate a person
    (
        "Her son is in 3rd grade at Lincoln Elementary and the teacher called twice.",
        [("institution", "Lincoln Elementary")],
    ),
    (
        "She was hospitalized at Denver Health last month for a week.",
        [("institution", "Denver Health")],
    ),
    (
        "He works nights at Acme Roofing LLC and sleeps during the day.",
        [("institution", "Acme Roofing LLC")],
    ),
    (
        "She's a manager at Brightline Logistics Inc. and hates it.",
        [("institution", "Brightline Logistics Inc.")],
    ),
    (
        "They attend Grace Community Church every Sunday.",
        [("institution", "Grace Community Church")],
    ),
    (
        "He was discharged from St. Joseph's Hospital on Friday.",
        [("institution", "St. Joseph's Hospital")],
    ),
    (
        "Referred by the Riverside Family Clinic after the ER visit.",
        [("institution", "Riverside Family Clinic")],
    ),
    (
        "Her daughter goes to Jefferson High School and is being bullied.",
        [("institution", "Jefferson High School")],
    ),
    ("She was seen at Mercy Hospital after the fall.", [("institution", "Mercy Hospital")]),
    ("He teaches at Westbrook Academy.", [("institution", "Westbrook Academy")]),
    # social handles and profile URLs
    ("She posts everything on Instagram as @jess_runs_far.", [("social_handle", "@jess_runs_far")]),
    (
        "his tiktok is dannyboy.irl and the group should not look it up",
        [("social_handle", "dannyboy.irl")],
    ),
    ("Her LinkedIn: linkedin.com/in/maria-k-torres", [("url", "linkedin.com/in/maria-k-torres")]),
    (
        "Her ex posted the photos at facebook.com/tony.bianchi.77",
        [("url", "facebook.com/tony.bianchi.77")],
    ),
    # streets with or without a number, ZIP+4
    ("She lives off Pearl St near the park.", [("address", "Pearl St")]),
    ("Her apartment is on Colfax Ave, above the laundromat.", [("address", "Colfax Ave")]),
    ("He moved to 1840 Larimer Street, Apt 12.", [("address", "1840 Larimer Street, Apt 12")]),
    ("Mailing address ends in 80218-2241.", [("zip", "80218-2241")]),
    ("pt lives w/ her bf tony and his 2 kids", [("name", "tony")]),
    (
        "Her email is maria dot lopez at hotmail dot com",
        [("email", "maria dot lopez at hotmail dot com")],
    ),
    (
        "She volunteers at the Denver Rescue Mission on weekends.",
        [("institution", "Denver Rescue Mission")],
    ),
    ("Her daughter attends Roosevelt Middle School.", [("institution", "Roosevelt Middle School")]),
    (
        "He got a DUI and spent the night in Larimer County Jail.",
        [("institution", "Larimer County Jail")],
    ),
    ("Client reports her ex, Jason Miller, showed up at her work.", [("name", "Jason Miller")]),
    ("IG @kaylee.mae2, she checks it constantly", [("social_handle", "@kaylee.mae2")]),
    ("Her DOB is June 5th 1990.", [("date", "June 5th 1990")]),
    ("on 6/5 she relapsed after 90 days", [("date", "6/5")]),
    ("Mrs. Garcia-Lopez called about the bill.", [("name", "Garcia-Lopez")]),
    (
        "She grew up in a town called Millbrook and still hates going back.",
        [("place", "Millbrook")],
    ),
    ("He was arrested in Larimer County last year.", [("place", "Larimer County")]),
    ("her instagram is jsmith and she posts daily", [("social_handle", "jsmith")]),
    ("He is a teacher at Lincoln High.", [("institution", "Lincoln High")]),
    ("She's a student at the University of Denver.", [("institution", "University of Denver")]),
    ("saw brittany today, she's doing better", [("name", "brittany")]),
    ("i ran into jennifer at the grocery store and we both froze", [("name", "jennifer")]),
    ("she lives at 1428 elm street with her two kids", [("address", "1428 elm street")]),
    ("her son is at lincoln elementary and hates it", [("institution", "lincoln elementary")]),
    ("he works nights at acme roofing llc", [("institution", "acme roofing llc")]),
    ("Officer Diaz took the report at the scene.", [("name", "Diaz")]),
    ("Judge Hernandez granted the protective order.", [("name", "Hernandez")]),
    ("Father O'Malley heard her confession.", [("name", "O'Malley")]),
    ("Seen at the ER (St. Anthony's) on Friday night.", [("institution", "St. Anthony's")]),
    (
        "She was admitted to Children's Hospital Colorado last year.",
        [("institution", "Children's Hospital Colorado")],
    ),
    ("They attend First Presbyterian downtown.", [("institution", "First Presbyterian")]),
    ("He vents on reddit as u/throwaway_dad_22.", [("social_handle", "u/throwaway_dad_22")]),
    # record numbers and mixes
    ("MRN# 00773412, admitted via ED", [("record_number", "00773412")]),
    (
        "pt is maria gonzalez dob 3/2/88 cell 555-310-2299",
        [("name", "maria gonzalez"), ("date", "3/2/88"), ("phone", "555-310-2299")],
    ),
]

TUNING_CLEAN: list[tuple[str, Expected]] = [
    ("Her PHQ-9 went from 21 to 12; GAD-7 is still 15 and the PCL-5 is 48.", []),
    ("We did EMDR phase 2 resourcing and some Gottman repair work.", []),
    ("DBT skills group on Tuesdays, CBT-I for the sleep, and MI around the drinking.", []),
    ("He takes Zoloft 100 mg and Abilify 5 mg; Xanax was stopped in the spring.", []),
    ("Lexapro, Wellbutrin and Seroquel were all tried before lithium.", []),
    ("Her father has Parkinson's and her grandmother had Alzheimer's.", []),
    ("He has Crohn's disease and Hashimoto's, so appetite is hard to read.", []),
    ("Christmas is the hardest time of year for her.", []),
    ("Over Thanksgiving and Hanukkah the family conflict flared.", []),
    ("She loves Taylor Swift and quotes her lyrics in session.", []),
    ("He brought up Robin Williams when we talked about suicide.", []),
    ("She grew up in Chicago and moved to Denver for work.", []),
    ("He is from New York, studied in Boston, and now lives in Texas.", []),
    ("Client A and Client B are siblings; I see them separately.", []),
    ("Mr. X says the voices are quieter on the new dose.", []),
    ("Tuesday was rough; Wednesday she called in sick.", []),
    ("Sunday scaries are real for this client.", []),
    ("We use the Window of Tolerance and the Polyvagal ladder a lot.", []),
    ("The Veterans Administration covers most of his care.", []),
    ("He gets his meds through the VA and sees a psychiatrist there.", []),
    ("She rated her anxiety 8/10 and her mood 3/10 this week.", []),
    ("She takes 1/2 tab at night and works 24/7 on weekends.", []),
    ("We are 6 sessions into a 12 session protocol.", []),
    ("Her ACE score is 7, and her BDI-II is 31.", []),
    ("Mood: low. Affect: constricted. Thought process: linear. SI: denied.", []),
    ("Will she follow through on the referral? Hard to say.", []),
    ("May is mental health awareness month and she wants to share her story.", []),
    ("She described her Inner Critic and her Wise Mind in detail.", []),
    ("Schema therapy might fit better than standard CBT here.", []),
    ("I'm wondering about countertransference; he reminds me of my brother.", []),
    ("No SI/HI. Sleep 5-6 hrs. Appetite fair. Med compliant.", []),
    ("The IOP at the county hospital has a waitlist of 6 weeks.", []),
    ("She found a children's hospital with an eating disorder unit.", []),
    ("We talked about Brené Brown's work on shame.", []),
    ("Her Medicaid plan covers 20 sessions a year.", []),
    ("Ativan PRN; she has not needed it since the summer.", []),
    ("He has ADHD, takes Adderall XR 20 mg, and has an IEP at school.", []),
    ("Reading Bessel van der Kolk with her was a turning point.", []),
    ("Her grandmother is in her 80s and has dementia.", []),
    ("Ok so quick q for the group: how do you all handle no-shows??", []),
    ("She said Easter with her in-laws went better than expected.", []),
    ("He was diagnosed with Asperger's as a kid, now ASD level 1.", []),
    ("The Gottman Institute training was worth it.", []),
    ("Motivational Interviewing and ACT have been the best fit so far.", []),
    ("Down syndrome runs in the family and she worries about the pregnancy.", []),
    ("She binge-watched Grey's Anatomy all weekend instead of sleeping.", []),
    ("She moved from Florida to California last year.", []),
    ("After the 4th of July fireworks his startle response was bad.", []),
    ("Per the DSM-5-TR, this looks more like PDD than MDD.", []),
    ("She used to work at Starbucks and now is at Walmart.", []),
    ("her insta is private now and she blocked her ex", []),
    ("She lives in Orange County and commutes to Los Angeles.", []),
    ("She moved to the city of Denver after the divorce.", []),
    ("She deleted her TikTok account last week.", []),
    ("she takes omega-3 and fish oil. i think it helps", []),
    ("2 hours on the road each way and she's exhausted", []),
    ("she goes to a methadone clinic and was in a psych hospital", []),
    ("Sister Act is her comfort movie.", []),
    ("She takes St. John's wort and St. Patrick's Day was a bender.", []),
    ("The Christian Counseling Center has a waitlist; so does the Indian Health Service.", []),
    ("She reads Søren Kierkegaard when she can't sleep.", []),
    ("GAD 7/21 and PHQ 12/27 at intake; she slept 4/7 nights last week.", []),
    ("We counted breaths one, two, three, four, five, six, seven, eight, and she settled.", []),
    ("He's a Marine Corps veteran with two deployments to Iraq.", []),
    ("She watches Dr. Phil and reads Oprah's book club picks.", []),
    ("She visited Paris and London over the summer.", []),
    ("New Year's Eve is an anniversary reaction for her.", []),
    ("Per the DSM-5, she meets criteria for GAD and Panic Disorder.", []),
    ("We discussed the Columbia Protocol and she denied SI.", []),
    ("She attends AA meetings three times a week and has a sponsor.", []),
    ("Good Friday and Easter Sunday are hard since her dad died.", []),
    ("The Safety Plan includes Lifeline, her sister, and the Crisis Text Line.", []),
    ("Emotionally Focused Therapy with the couple; the Sound Relationship House.", []),
]

TUNING: list[tuple[str, Expected]] = TUNING_IDENTIFYING + TUNING_CLEAN
