"""Demo data: the personas, the vocabularies and realistic groups. Safe to run again.

Everything a person could do goes through the apps' public services, as if the personas had
clicked through the site: they create and join groups, apply, schedule, answer, take
attendance, present, nominate and share links, and the audit log says so. What no service can
make (a year of history, accounts without the sign-up form, thousands of benchmark groups) is
written by ``DirectWrites`` alone, which says why for each.

``--scale N`` adds N synthetic groups with five members each, with bulk inserts, for benchmarks.
"""

import functools
import itertools
import random
import time
import zoneinfo
from datetime import datetime, timedelta
from datetime import time as clock

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from board import services as board_services
from board.models import Topic
from consultations import services as consultation_services
from consultations.enums import Urgency
from groups import services as group_services
from groups.cache import invalidate_browse
from groups.enums import (
    Cadence,
    GroupFormat,
    Language,
    LeadershipModel,
    MembershipPolicy,
    Orientation,
    Purpose,
    ResourceCategory,
    Role,
    VenueKind,
)
from groups.models import GroundRulesVersion, Group, Membership, weekday_mask
from meetings import notes as meeting_notes
from meetings import outside_hours, recurrence
from meetings import services as meeting_services
from meetings.enums import (
    AttendanceStatus,
    HoursCategory,
    RecurrenceKind,
    RsvpAnswer,
    SegmentKind,
)
from meetings.models import AgendaSegment, Meeting, OutsideHours
from members import places
from members import services as member_services
from members.enums import CredentialType, PracticeSetting
from members.models import Modality, Population, Specialty, TherapistProfile, User
from polls import services as poll_services
from polls.enums import Availability
from polls.models import Poll
from portal.demo_documents import seed_documents
from presentations import services as presentation_services
from presentations.models import Election, Presentation

DEMO_PASSWORD = "peercircle-demo"  # noqa: S105 - the documented demo password


SPECIALTIES = [
    "Anxiety",
    "Child and adolescent",
    "Couples",
    "Depression",
    "Eating disorders",
    "Grief and loss",
    "LGBTQ+ affirming care",
    "OCD",
    "Perinatal mental health",
    "Personality disorders",
    "Psychosis",
    "Substance use",
    "Trauma",
]
MODALITIES = [
    "ACT",
    "CBT",
    "DBT",
    "EMDR",
    "Emotionally focused therapy",
    "Family systems",
    "Gottman method",
    "IFS",
    "Motivational interviewing",
    "Narrative therapy",
    "Psychodynamic",
    "Somatic experiencing",
]
POPULATIONS = [
    "Adults",
    "Children",
    "Adolescents",
    "Couples",
    "Families",
    "Older adults",
    "Veterans",
    "First responders",
    "BIPOC clients",
    "LGBTQ+ clients",
]

AGENDAS = {
    GroupFormat.STRUCTURED: [
        {"kind": SegmentKind.CHECK_IN, "minutes": 10},
        {"kind": SegmentKind.CASE, "title": "Case presentation 1", "minutes": 20},
        {"kind": SegmentKind.CASE, "title": "Case presentation 2", "minutes": 20},
        {"kind": SegmentKind.TOPIC, "title": "Special topic", "minutes": 15},
        {"kind": SegmentKind.WRAP_UP, "minutes": 5},
    ],
    GroupFormat.INFORMAL: [
        {"kind": SegmentKind.CHECK_IN, "title": "Check-in round", "minutes": 20},
        {"kind": SegmentKind.DISCUSSION, "title": "Open discussion", "minutes": 25},
        {"kind": SegmentKind.WRAP_UP, "minutes": 5},
    ],
}

PERSONAS = [
    {
        "email": "organizer@example.com",
        "display_name": "Dana Whitfield",
        "pronouns": "she/her",
        "credential_type": CredentialType.LMFT,
        "licence_number": "LMFT-104233",
        "licence_region": "Colorado",
        "city": "Denver",
        "region": "CO",
        "time_zone": "America/Denver",
        "practice_setting": PracticeSetting.GROUP,
        "accepting_referrals": True,
        "bio": "Couples and family therapist; I have run consultation groups for ten years.",
        "specialties": ["Couples", "Eating disorders", "Trauma"],
        "modalities": ["Emotionally focused therapy", "IFS"],
        "populations": ["Couples", "Adults"],
        "verified": True,
    },
    {
        "email": "member@example.com",
        "display_name": "Marcus Oyelaran",
        "pronouns": "he/him",
        "credential_type": CredentialType.LCSW,
        "licence_number": "LCSW-99120",
        "licence_region": "Colorado",
        "city": "Boulder",
        "region": "CO",
        "time_zone": "America/Denver",
        "practice_setting": PracticeSetting.PRIVATE,
        "accepting_referrals": True,
        "bio": "Trauma-focused clinician working with adults and first responders.",
        "specialties": ["Trauma", "Eating disorders", "Substance use"],
        "modalities": ["EMDR", "CBT"],
        "populations": ["Adults", "First responders"],
        "verified": True,
    },
    {
        "email": "applicant@example.com",
        "display_name": "Priya Raman",
        "pronouns": "she/her",
        "credential_type": CredentialType.LPC,
        "licence_number": "LPC-55012",
        "licence_region": "Colorado",
        "city": "Aurora",
        "region": "CO",
        "time_zone": "America/Denver",
        "practice_setting": PracticeSetting.AGENCY,
        "accepting_referrals": False,
        "bio": "Counselor at a community agency, building an eating-disorder caseload.",
        "specialties": ["Eating disorders", "Anxiety"],
        "modalities": ["DBT", "ACT"],
        "populations": ["Adolescents", "Adults"],
        "verified": False,
    },
    {
        "email": "newcomer@example.com",
        "display_name": "Sam Lindqvist",
        "pronouns": "they/them",
        "credential_type": CredentialType.PRELICENSED,
        "licence_number": "",
        "licence_region": "",
        "city": "Denver",
        "region": "CO",
        "time_zone": "America/Denver",
        "practice_setting": PracticeSetting.GROUP,
        "accepting_referrals": False,
        "bio": "Associate therapist, two years into practice, looking for colleagues.",
        "specialties": ["Anxiety", "Depression"],
        "modalities": ["CBT"],
        "populations": ["Adults"],
        "verified": False,
    },
    {
        "email": "admin@example.com",
        "display_name": "PeerCircle Admin",
        "pronouns": "",
        "credential_type": CredentialType.PSYCHOLOGIST,
        "licence_number": "PSY-0001",
        "licence_region": "Colorado",
        "city": "Denver",
        "region": "CO",
        "time_zone": "America/Denver",
        "practice_setting": PracticeSetting.OTHER,
        "accepting_referrals": False,
        "bio": "Site administrator.",
        "specialties": [],
        "modalities": [],
        "populations": [],
        "verified": True,
        "staff": True,
    },
]

DEMO_GROUPS = [
    {
        "organizer": "organizer@example.com",
        "name": "Front Range Eating Disorder Consultation",
        "tagline": "Structured case consultation for clinicians treating eating disorders.",
        "description": (
            "We meet twice a month to think through stuck cases together. Each meeting has two "
            "**case presentations** in the classic format: the consultation question first, then "
            "de-identified background, what has been tried, and what help is wanted.\n\n"
            "- Licensed clinicians with an eating-disorder caseload\n"
            "- Fixed agenda, timed segments\n- Rotating facilitator"
        ),
        "purposes": [Purpose.CONSULTATION],
        "specialties": ["Eating disorders"],
        "format": GroupFormat.STRUCTURED,
        "leadership_model": LeadershipModel.ROTATING,
        "membership_policy": MembershipPolicy.CLOSED,
        "eligibility_criteria": "Licensed clinicians who currently treat eating disorders.",
        "welcome_message": (
            "Welcome, and thank you for joining us. Come to your first meetings to listen: the "
            "rotation will not ask you to present until you have settled in. Bring a question "
            "rather than a polished case when you are ready; stuck is exactly what we are for."
        ),
        "capacity": 6,
        "venue_kind": VenueKind.HYBRID,
        "venue_name": "Cherry Creek Counseling, conference room B",
        "street_address": "250 Steele St, Suite 200",
        "city": "Denver",
        "region": "CO",
        "online_link": "https://meet.example.org/front-range-ed",
        "cadence": Cadence.TWICE_MONTHLY,
        "weekdays": [3],
        "usual_time": clock(18, 30),
        "meeting_minutes": 90,
        "time_zone": "America/Denver",
        "questions": [
            ("How many eating-disorder clients do you see in a typical month?", True),
            ("What level of care do you work in (outpatient, IOP, PHP, residential)?", True),
            ("Anything else the group should know?", False),
        ],
        "members": ["member@example.com"],
    },
    {
        "organizer": "organizer@example.com",
        "name": "Clinician Circle: Burnout and Well-being",
        "tagline": "An informal, confidential space to be heard.",
        "description": (
            "Compassion fatigue, vicarious trauma, the weight of a full caseload: we talk about "
            "what the work does to us. No agenda beyond a check-in round."
        ),
        "purposes": [Purpose.SUPPORT],
        "specialties": ["Trauma"],
        "format": GroupFormat.INFORMAL,
        "orientation": Orientation.FAITH_INTEGRATED,
        "orientation_note": "Clinicians of any faith welcome; a short opening reflection is optional.",
        "leadership_model": LeadershipModel.ELECTED,
        "membership_policy": MembershipPolicy.OPEN,
        "eligibility_criteria": "Any therapist practising in the Denver metro area.",
        "capacity": 6,
        "venue_kind": VenueKind.IN_PERSON,
        "venue_name": "Park Hill Branch Library, meeting room",
        "street_address": "4705 Montview Blvd",
        "address_public": True,
        "city": "Denver",
        "region": "CO",
        "cadence": Cadence.MONTHLY,
        "weekdays": [1],
        "usual_time": clock(19, 0),
        "meeting_minutes": 75,
        "time_zone": "America/Denver",
        "members": ["member@example.com"],
    },
    {
        "organizer": "member@example.com",
        "name": "Private Practice Collaborative",
        "tagline": "Billing, insurance, regulation and referrals, one topic at a time.",
        "description": "Members take turns giving a 15-minute special-topic talk, then we work "
        "through practice-management questions together.",
        "purposes": [Purpose.COLLABORATION],
        "specialties": [],
        "format": GroupFormat.STRUCTURED,
        "leadership_model": LeadershipModel.ELECTED,
        "membership_policy": MembershipPolicy.OPEN,
        "eligibility_criteria": "Therapists in or starting private practice, anywhere in the US.",
        "capacity": 8,
        "venue_kind": VenueKind.ONLINE,
        "online_link": "https://meet.example.org/ppc",
        "city": "",
        "cadence": Cadence.MONTHLY,
        "weekdays": [2],
        "usual_time": clock(12, 0),
        "meeting_minutes": 60,
        "time_zone": "America/Chicago",
        "members": [],
    },
    {
        "organizer": "admin@example.com",
        "name": "Brooklyn Trauma Consultation Group",
        "tagline": "Peer consultation for trauma therapists, with room for support.",
        "description": "Case consultation first, then a support round.",
        "purposes": [Purpose.CONSULTATION, Purpose.SUPPORT],
        "specialties": ["Trauma", "Grief and loss"],
        "format": GroupFormat.STRUCTURED,
        "orientation": Orientation.SECULAR,
        "leadership_model": LeadershipModel.APPOINTED,
        "membership_policy": MembershipPolicy.CLOSED,
        "eligibility_criteria": "Licensed trauma therapists in New York City.",
        "capacity": 5,
        "venue_kind": VenueKind.IN_PERSON,
        "venue_name": "Community room, St. Ann's",
        "street_address": "157 Montague St",
        "city": "Brooklyn",
        "region": "NY",
        "cadence": Cadence.BIWEEKLY,
        "weekdays": [0],
        "usual_time": clock(19, 30),
        "meeting_minutes": 90,
        "time_zone": "America/New_York",
        "questions": [("Which trauma modalities are you trained in?", True)],
        "members": [],
    },
    {
        "organizer": "admin@example.com",
        "name": "Bay Area Child and Adolescent Peer Group",
        "tagline": "Support and case talk for therapists working with kids and teens.",
        "description": "A relaxed weekly lunch-hour group online.",
        "purposes": [Purpose.SUPPORT, Purpose.CONSULTATION, Purpose.COLLABORATION],
        "specialties": ["Child and adolescent", "Anxiety"],
        "format": GroupFormat.INFORMAL,
        "leadership_model": LeadershipModel.ROTATING,
        "membership_policy": MembershipPolicy.OPEN,
        "eligibility_criteria": "Therapists who work with children or adolescents.",
        "capacity": 4,
        "venue_kind": VenueKind.ONLINE,
        "online_link": "https://meet.example.org/bay-kids",
        "city": "Oakland",
        "region": "CA",
        "cadence": Cadence.WEEKLY,
        "weekdays": [4],
        "usual_time": clock(12, 15),
        "meeting_minutes": 50,
        "time_zone": "America/Los_Angeles",
        "language": Language.EN,
        "members": [],
    },
]


# The demo admin's authenticator key (base32). Public, like the demo password: demo data only.
DEMO_ADMIN_TOTP_SECRET = "PEERCIRCLEDEMOADMINTOTP2"  # noqa: S105

CASE_FOR_THE_NEXT_MEETING = {
    "case_question": "How can I help Client A stay in treatment when meals are the hardest part "
    "of her week?",
    "case_background": "Client A is a woman in her late twenties with a long history of "
    "restriction. She works long hours and lives alone. Sessions began in the spring; "
    "attendance has dropped since a family conflict.",
    "case_tried": "Weekly CBT-E, meal planning with a dietitian, and motivational interviewing "
    "about the costs of restriction.",
    "case_help_wanted": ["ideas", "ethics"],
}

# Per demo group (by index in DEMO_GROUPS): title, url, category, pinned, note.
LIBRARY = {
    0: [
        (
            "Academy for Eating Disorders: clinical guidelines",
            "https://www.aedweb.org/",
            ResourceCategory.ARTICLE,
            True,
            "The medical care guide is worth keeping at hand.",
        ),
        (
            "iaedp certification (CEDS) pathway",
            "https://www.iaedp.com/",
            ResourceCategory.CONTINUING_EDUCATION,
            False,
            "Several of us are working towards it.",
        ),
    ],
    1: [
        (
            "Compassion fatigue self-test (ProQOL)",
            "https://proqol.org/",
            ResourceCategory.TOOL,
            True,
            "Short and free; we revisit it each spring.",
        ),
        (
            "Ethics consultation line of the state association",
            "https://www.socialworkers.org/About/Ethics",
            ResourceCategory.CONSULTANT,
            False,
            "For the grey areas we can't settle in the group.",
        ),
    ],
}


ANNOUNCEMENT = {
    "title": "Welcome to the board",
    "body": "This is where we keep in touch **between meetings**.\n\n"
    "- Announcements from the organizers come here and by e-mail.\n"
    "- Start a discussion any time; keep case details for consultation requests.",
}
DISCUSSION = {
    "title": "Readings on pacing trauma work",
    "body": "What have you found helpful on pacing the first sessions of trauma work? "
    "I keep coming back to the window of tolerance idea.",
}
DISCUSSION_REPLY = "I will bring two chapters I like to the next meeting."
CONSULTATION_REQUEST = {
    "question": "How do I respond when a client asks to text between sessions?",
    "background": "An adult client in weekly therapy for some months has started asking "
    "for contact between sessions, most often late in the evening.",
    "tried": "I named the pattern in session and we agreed on a crisis plan.",
    "help_wanted": ["ideas", "ethics"],
}
LAST_MEETING_NOTES = {
    "discussed": "Boundaries around contact between sessions; the reading list for spring.",
    "decisions": "We keep the case presentation at 30 minutes.\nNew members join in March.",
    "case_notes": "The group suggested a written agreement about contact.",
}


@functools.cache
def demo_password_hash() -> str:
    return make_password(DEMO_PASSWORD)


class DirectWrites:
    """The only rows this command writes itself, each because no service can make them.

    Services act in the present, for a person who is there: they refuse a meeting that has
    started, a slot whose sign-up closed, an election whose nominations closed. The demo needs
    a past (members since a year ago, a rotation of presenters, an election already voting),
    accounts made without the sign-up form, and, for benchmarks, thousands of groups in seconds.
    Nothing else in this command writes a model directly.
    """

    @staticmethod
    def account(*, email: str, staff: bool) -> User:
        """An account as the sign-up form (allauth) makes one, with its address verified, so
        the personas can sign in at once. There is no service for signing up. The password is
        hashed once for all the personas (hashing is slow on purpose)."""
        user = User.objects.create_user(email=email, is_staff=staff, is_superuser=staff)
        user.password = demo_password_hash()
        user.save(update_fields=["password"])
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        return user

    @staticmethod
    def members_since(group: Group, moment) -> None:
        """The demo members have belonged since the history began (they joined "now", through
        the services), so the attendance of the past meetings is theirs."""
        group.memberships.filter(joined_at__gt=moment).update(joined_at=moment)

    @staticmethod
    def past_presentation(*, segment: AgendaSegment, presenter: User, now) -> Presentation:
        """A slot presented in a past meeting (sign-up for it closed long ago); its case text
        was purged 30 days after the meeting, as the purge task does."""
        meeting = segment.meeting
        purged = meeting.ends_at + timedelta(days=30)
        return Presentation.objects.create(
            segment=segment,
            meeting=meeting,
            presenter=presenter,
            case_purged_at=purged if purged <= now else None,
        )

    @staticmethod
    def close_nominations(election: Election, moment) -> None:
        """An election whose nominations closed (``moment``) and whose voting is open: the
        service opens elections only with nominations closing in the future."""
        Election.objects.filter(pk=election.pk).update(nominations_close_at=moment)

    @staticmethod
    def scale_groups(chunk: list[int], per_group: int, meetings_per_group: int, rng) -> None:
        """Synthetic groups for benchmarks, in bulk inserts: the services would take hours for
        the tens of thousands of groups a benchmark wants. Each group is consistent as the
        services would leave it: an organizer and members who accepted the first ground rules,
        ``member_count`` equal to its memberships, meetings around today, the coordinates and
        time zone of its city (``scale_town``). Every group makes ``per_group`` therapists,
        who practise in its town; a small group takes only as many of them as it has seats."""
        password = demo_password_hash()
        specialties = list(Specialty.objects.all())
        now = timezone.now()
        towns = [scale_town(rng) for _ in chunk]
        users = User.objects.bulk_create(
            [
                User(email=f"scale-{i:06d}-{k}@example.org", password=password, date_joined=now)
                for i in chunk
                for k in range(per_group)
            ]
        )
        TherapistProfile.objects.bulk_create(
            [
                TherapistProfile(
                    user=user,
                    display_name=f"Therapist {user.email.split('@')[0][6:]}",
                    city=town.name,
                    region=town.region,
                    latitude=town.place.latitude,
                    longitude=town.place.longitude,
                    time_zone=scale_zone(town),
                    credential_type=rng.choice(SCALE_CREDENTIALS),
                )
                for n, town in enumerate(towns)
                for user in users[n * per_group : (n + 1) * per_group]
            ]
        )
        groups = Group.objects.bulk_create(
            [
                _scale_group(i, per_group, rng, now, town)
                for i, town in zip(chunk, towns, strict=True)
            ]
        )
        versions = GroundRulesVersion.objects.bulk_create(
            [
                GroundRulesVersion(group=g, number=1, text=g.ground_rules, created_at=now)
                for g in groups
            ]
        )
        through = Group.focus_specialties.through
        through.objects.bulk_create(
            [through(group=g, specialty=rng.choice(specialties)) for g in groups]
        )
        Membership.objects.bulk_create(
            [
                Membership(
                    group=group,
                    user=users[n * per_group + k],
                    role=Role.ORGANIZER if k == 0 else Role.MEMBER,
                    joined_at=now,
                    rules_version=versions[n],
                    rules_accepted_at=now,
                )
                for n, group in enumerate(groups)
                for k in range(group.member_count)
            ]
        )
        base = now.replace(minute=0, second=0, microsecond=0)
        half = meetings_per_group // 2
        Meeting.objects.bulk_create(
            [
                Meeting(
                    group=group,
                    title="Group meeting",
                    starts_at=base + timedelta(weeks=w - half, hours=n % 48),
                    ends_at=base + timedelta(weeks=w - half, hours=n % 48, minutes=90),
                )
                for n, group in enumerate(groups)
                for w in range(meetings_per_group)
            ],
            batch_size=5000,
        )


# The synthetic groups' shares, roughly as peer groups in the US run (a guess, for benchmarks
# whose filters should select realistic fractions): value -> weight.
SCALE_VENUES = {VenueKind.IN_PERSON: 40, VenueKind.ONLINE: 35, VenueKind.HYBRID: 25}
SCALE_FORMATS = {GroupFormat.STRUCTURED: 55, GroupFormat.INFORMAL: 45}
SCALE_ORIENTATIONS = {
    Orientation.NOT_STATED: 60,
    Orientation.SECULAR: 25,
    Orientation.FAITH_INTEGRATED: 15,
}
SCALE_LANGUAGES = {
    Language.EN: 86,
    Language.ES: 8,
    Language.ZH: 2,
    Language.FR: 1,
    Language.PT: 1,
    Language.DE: 1,
    Language.OTHER: 1,
}
SCALE_CAPACITIES = {3: 8, 4: 17, 5: 20, 6: 30, 7: 10, 8: 10, 10: 5}
SCALE_CADENCES = {
    Cadence.WEEKLY: 20,
    Cadence.BIWEEKLY: 30,
    Cadence.TWICE_MONTHLY: 15,
    Cadence.MONTHLY: 30,
    Cadence.SEVERAL_WEEKLY: 2,
    Cadence.AS_NEEDED: 3,
}
# Usual start times on the group's own clock: evenings most, then mornings and lunchtime.
SCALE_TIMES = {
    **{clock(h, m): 4 for h, m in ((7, 30), (8, 0), (9, 0), (10, 0), (11, 0))},
    **{clock(h, m): 5 for h, m in ((12, 0), (12, 15), (12, 30), (13, 0))},
    **{clock(h, 0): 3 for h in (14, 15, 16)},
    **{clock(h, m): 8 for h, m in ((17, 30), (18, 0), (18, 30), (19, 0), (19, 30), (20, 0))},
}
SCALE_WEEKDAYS = {0: 18, 1: 22, 2: 22, 3: 22, 4: 10, 5: 4, 6: 2}  # Monday 0
# Towns of at least this many people (GeoNames): about 1,000 in the US.
SCALE_TOWN_MINIMUM = 50_000
SCALE_CREDENTIALS = [
    CredentialType.LCSW,
    CredentialType.LMFT,
    CredentialType.LPC,
    CredentialType.PSYCHOLOGIST,
]


@functools.cache
def _scale_towns() -> tuple[list, list[int]]:
    """The US towns of the offline gazetteer (members.places) and their cumulative
    populations: a synthetic group is in a town with a chance in proportion to its people."""
    towns = places.populous_places("US", minimum=SCALE_TOWN_MINIMUM)
    return towns, list(itertools.accumulate(town.population for town in towns))


def scale_town(rng):
    towns, cumulative = _scale_towns()
    return rng.choices(towns, cum_weights=cumulative)[0]


def scale_zone(town) -> str:
    return town.place.time_zone or "America/New_York"


def _pick(rng, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _scale_group(i: int, per_group: int, rng, now, town) -> Group:
    """A group in ``town``, with coordinates as the groups service gives them (its town's:
    online groups name a town half of the time, and have no place otherwise)."""
    purposes = rng.sample(list(Purpose.values), k=rng.randint(1, 2))
    capacity = _pick(rng, SCALE_CAPACITIES)
    venue = _pick(rng, SCALE_VENUES)
    placed = venue != VenueKind.ONLINE or rng.random() < 0.5
    # Most groups full or one short of it: at most per_group members, and at least one.
    members = max(1, min(per_group, capacity - (rng.random() < 0.5)))
    return Group(
        name=f"Peer group {i:06d}",
        slug=f"scale-{i:06d}",
        tagline=rng.choice(["Case consultation", "Support circle", "Practice collaboration"]),
        description="A synthetic group for benchmarks.",
        purpose_support=Purpose.SUPPORT in purposes,
        purpose_consultation=Purpose.CONSULTATION in purposes,
        purpose_collaboration=Purpose.COLLABORATION in purposes,
        membership_policy=rng.choice(MembershipPolicy.values),
        format=_pick(rng, SCALE_FORMATS),
        orientation=_pick(rng, SCALE_ORIENTATIONS),
        language=_pick(rng, SCALE_LANGUAGES),
        venue_kind=venue,
        city=town.name if placed else "",
        region=town.region if placed else "",
        latitude=town.place.latitude if placed else None,
        longitude=town.place.longitude if placed else None,
        cadence=_pick(rng, SCALE_CADENCES),
        weekdays=1 << _pick(rng, SCALE_WEEKDAYS),
        usual_time=_pick(rng, SCALE_TIMES),
        meeting_minutes=rng.choice([60, 90, 90, 120]),
        time_zone=scale_zone(town),
        capacity=capacity,
        member_count=members,  # the memberships bulk-created with it
        created_at=now,
    )


def _group_of(index: int) -> Group:
    return Group.objects.get(slug=slugify(DEMO_GROUPS[index]["name"]))


def _series_rule(spec: dict) -> str:
    """The series says what the group's "When" says: a monthly group meets monthly."""
    weekday = spec["weekdays"][0]
    if spec["cadence"] in (Cadence.TWICE_MONTHLY, Cadence.MONTHLY):
        ordinals = [1, 3] if spec["cadence"] == Cadence.TWICE_MONTHLY else [1]
        return recurrence.build_rule(
            kind=RecurrenceKind.MONTHLY_NTH, ordinals=ordinals, weekday=weekday
        )
    return recurrence.build_rule(
        kind=RecurrenceKind.WEEKLY,
        interval=2 if spec["cadence"] == Cadence.BIWEEKLY else 1,
        weekdays=[weekday],
    )


def _agenda_for(group: Group) -> list[dict]:
    """The format's standard agenda, as much of it as fits in the group's meeting length."""
    agenda, used = [], 0
    for segment in AGENDAS[group.format]:
        if used + segment["minutes"] <= group.meeting_minutes:
            agenda.append(segment)
            used += segment["minutes"]
    return agenda


class Command(BaseCommand):
    help = "Create the demo personas and groups (idempotent). --scale N adds N synthetic groups."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=0, help="Synthetic groups to add.")
        parser.add_argument("--members-per-group", type=int, default=5)
        parser.add_argument("--meetings-per-group", type=int, default=10)

    def handle(self, *args, scale: int, members_per_group: int, meetings_per_group: int, **options):
        with transaction.atomic():
            self.seed_vocabularies()
            users = self.seed_personas()
            self.seed_groups(users)
            self.seed_meetings(users)
            self.seed_presentations(users)
            self.seed_election(users)
            self.seed_resources(users)
            seed_documents(group=_group_of(0), organizer=users[DEMO_GROUPS[0]["organizer"]])
            self.seed_between_meetings(users)
            self.seed_poll(users)
            self.seed_outside_hours(users)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        if scale:
            started = time.monotonic()
            created = self.seed_scale(scale, members_per_group, meetings_per_group)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Scale data: {created} groups added in {time.monotonic() - started:.1f}s."
                )
            )
        # Bulk inserts send no signal: browse's kept results and zones start again.
        invalidate_browse()

    # --- vocabularies and personas ---------------------------------------------------
    def seed_vocabularies(self):
        """The site's own vocabularies (set up by site admins in the Django admin)."""
        for model, names in (
            (Specialty, SPECIALTIES),
            (Modality, MODALITIES),
            (Population, POPULATIONS),
        ):
            for name in names:
                model.objects.get_or_create(slug=slugify(name), defaults={"name": name})

    def seed_personas(self) -> dict[str, User]:
        users, verify = {}, []
        for persona in PERSONAS:
            persona = dict(persona)
            email = persona.pop("email")
            verified = persona.pop("verified")
            staff = persona.pop("staff", False)
            terms = {
                "specialties": Specialty.objects.filter(name__in=persona.pop("specialties")),
                "modalities": Modality.objects.filter(name__in=persona.pop("modalities")),
                "populations": Population.objects.filter(name__in=persona.pop("populations")),
            }
            user = User.objects.filter(email=email).first()
            if user is None:
                user = DirectWrites.account(email=email, staff=staff)
                profile = member_services.create_profile(user=user, **persona)
                member_services.update_profile(actor=user, profile=profile, data=terms)
                if verified and persona["licence_number"]:
                    verify.append(profile)
            users[email] = user
        admin = users["admin@example.com"]
        for profile in verify:  # the demo's site admin checked these licences (not their own)
            if profile.user_id != admin.pk:
                member_services.verify_licence(actor=admin, profile=profile)
        self.seed_admin_two_step(admin)
        return users

    def seed_admin_two_step(self, admin: User) -> None:
        """Site admins sign in with two steps; the demo admin's authenticator uses a fixed,
        public demo key, so `manage.py demo_code` (or any authenticator app) gives its codes."""
        if not Authenticator.objects.filter(user=admin, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(admin, DEMO_ADMIN_TOTP_SECRET)
        self.stdout.write(
            "admin@example.com signs in with two steps: after the password, type the code "
            "that `.venv/bin/python manage.py demo_code` prints (or add the key "
            f"{DEMO_ADMIN_TOTP_SECRET} to an authenticator app)."
        )

    # --- groups -------------------------------------------------------------------------
    def seed_groups(self, users: dict[str, User]) -> None:
        for spec in DEMO_GROUPS:
            spec = dict(spec)
            slug = slugify(spec["name"])
            if Group.objects.filter(slug=slug).exists():
                continue
            organizer = users[spec.pop("organizer")]
            members = spec.pop("members")
            questions = spec.pop("questions", [])
            specialties = Specialty.objects.filter(name__in=spec.pop("specialties"))
            spec["weekdays"] = weekday_mask(spec.pop("weekdays"))
            group = group_services.create_group(
                actor=organizer, data={**spec, "slug": slug, "focus_specialties": specialties}
            )
            if questions:
                group_services.replace_questions(
                    actor=organizer,
                    group=group,
                    questions=[{"text": text, "required": req} for text, req in questions],
                )
            for email in members:
                self.admit(group=group, organizer=organizer, user=users[email])
        self.seed_application(users["applicant@example.com"])

    @staticmethod
    def admit(*, group: Group, organizer: User, user: User) -> None:
        """An open group is joined; a closed one admits whom its organizer invites."""
        if group.membership_policy == MembershipPolicy.OPEN:
            group_services.join_group(user=user, group=group, accepted_rules=True)
            return
        invitation = group_services.invite_by_email(actor=organizer, group=group, email=user.email)
        group_services.accept_invitation(user=user, token=invitation.token, accepted_rules=True)

    @staticmethod
    def seed_application(applicant: User) -> None:
        """The applicant waits for the closed consultation group's decision."""
        closed = _group_of(0)
        if closed.applications.filter(applicant=applicant).exists():
            return
        answers = [
            {"question": question.text, "answer": answer}
            for question, answer in zip(
                closed.questions.all(),
                ["About twelve.", "Outpatient, with some IOP step-downs.", ""],
                strict=False,
            )
        ]
        group_services.apply_to_group(
            user=applicant,
            group=closed,
            answers=answers,
            note="I am building an eating-disorder caseload and would value consultation.",
            consent=True,
            accepted_rules=True,
        )

    # --- meetings --------------------------------------------------------------------------
    def seed_meetings(self, users: dict[str, User]) -> None:
        """A series per demo group, as its "When" says: a year of history and weeks ahead."""
        today = timezone.localdate()
        for spec in DEMO_GROUPS:
            group = Group.objects.get(slug=slugify(spec["name"]))
            if group.series.exists():
                continue
            organizer = users[spec["organizer"]]
            meeting_services.set_agenda_template(
                actor=organizer, group=group, segments=_agenda_for(group)
            )
            starts_on = today - timedelta(weeks=52)  # a year of history for the hours ledger
            series = meeting_services.create_series(
                actor=organizer,
                group=group,
                title="Peer consultation" if group.purpose_consultation else "Group meeting",
                rule=_series_rule(spec),
                starts_on=starts_on,
                start_time=spec["usual_time"],
                duration_minutes=spec["meeting_minutes"],
                today=starts_on,  # the series began a year ago: its meetings since then too
            )
            step = starts_on + timedelta(weeks=12)
            while step < today:  # the rest of the history, twelve weeks at a time
                meeting_services.materialize_series(series=series, today=step)
                step += timedelta(weeks=12)
            meeting_services.materialize_series(series=series, today=today)
            meeting_services.sync_group_schedule(group=group, today=today)
            meetings = list(series.meetings.order_by("starts_at"))
            DirectWrites.members_since(group, meetings[0].starts_at)
            self.answer_and_attend(group, organizer, meetings, skip=users["member@example.com"])

    @staticmethod
    def answer_and_attend(group: Group, organizer: User, meetings: list[Meeting], *, skip: User):
        """The organizer took attendance at every past meeting (one in five excused); everyone
        but ``skip`` (who still has answers to give) says they are going to the next weeks'."""
        members = list(group.memberships.values_list("user_id", flat=True))
        now = timezone.now()
        for n, meeting in enumerate(meetings):
            if meeting.ends_at <= now:
                marks = {
                    user_id: AttendanceStatus.EXCUSED
                    if (n + k) % 5 == 4
                    else AttendanceStatus.PRESENT
                    for k, user_id in enumerate(members)
                }
                meeting_services.record_attendance(actor=organizer, meeting=meeting, marks=marks)
            elif now < meeting.starts_at <= now + timedelta(weeks=3):
                # (A meeting under way as the demo is seeded takes no answers any more.)
                for member in group.memberships.exclude(user=skip).select_related("user"):
                    meeting_services.set_rsvp(
                        user=member.user, meeting=meeting, answer=RsvpAnswer.GOING
                    )

    # --- presentations, rotation, elections -------------------------------------------------
    def seed_presentations(self, users: dict[str, User]) -> None:
        """A rotation history of case slots taken in turn, and member@ presenting a
        de-identified case at the next meeting, with its facilitators assigned."""
        consult = _group_of(0)
        if Presentation.objects.filter(meeting__group=consult).exists():
            return
        now = timezone.now()
        organizer, member = users["organizer@example.com"], users["member@example.com"]
        people = [organizer, member]
        past = AgendaSegment.objects.filter(
            meeting__group=consult, meeting__ends_at__lte=now, kind=SegmentKind.CASE
        ).order_by("meeting__starts_at", "position")
        for turn, segment in enumerate(past.select_related("meeting")):
            DirectWrites.past_presentation(segment=segment, presenter=people[turn % 2], now=now)
        upcoming = consult.meetings.filter(starts_at__gt=now).order_by("starts_at").first()
        segment = upcoming.segments.filter(kind=SegmentKind.CASE).order_by("position").first()
        presentation = presentation_services.assign_slot(
            actor=organizer, segment_id=segment.pk, user_id=member.pk
        )
        presentation_services.save_case(
            user=member, presentation_id=presentation.pk, data=CASE_FOR_THE_NEXT_MEETING
        )
        presentation_services.assign_facilitators(group=consult)

    def seed_election(self, users: dict[str, User]) -> None:
        """An election in its voting phase in the support circle: two nominations made, then
        nominations closed a day ago."""
        circle = _group_of(1)
        if circle.elections.exists():
            return
        organizer, member = users["organizer@example.com"], users["member@example.com"]
        now = timezone.now()
        election = presentation_services.open_election(
            actor=organizer,
            group=circle,
            title="Group leader",
            term_starts_on=timezone.localdate() + timedelta(days=14),
            term_ends_on=timezone.localdate() + timedelta(days=194),
            nominations_close_at=now + timedelta(hours=1),
            voting_closes_at=now + timedelta(days=6),
        )
        for nominee in (organizer, member):
            presentation_services.nominate(user=nominee, election=election, nominee_id=nominee.pk)
        DirectWrites.close_nominations(election, now - timedelta(days=1))

    def seed_resources(self, users: dict[str, User]) -> None:
        """Each of the first two groups' organizers shares links; the essential ones pinned."""
        for index, items in LIBRARY.items():
            group = _group_of(index)
            if group.resources.exists():
                continue
            adder = users[DEMO_GROUPS[index]["organizer"]]
            for title, url, category, pinned, note in items:
                resource = group_services.add_resource(
                    actor=adder, group=group, title=title, url=url, category=category, note=note
                )
                if pinned:
                    group_services.set_pinned(
                        actor=adder, group=group, resource_id=resource.pk, pinned=True
                    )

    # --- between meetings ---------------------------------------------------------------------
    def seed_between_meetings(self, users: dict[str, User]) -> None:
        """The consultation group between meetings: a pinned announcement and a discussion on
        its board, a consultation request member@ can answer, and the last meeting's notes with
        an action item member@ owns."""
        consult = _group_of(0)
        if Topic.objects.filter(group=consult).exists():
            return
        organizer, member = users["organizer@example.com"], users["member@example.com"]
        welcome = board_services.post_announcement(actor=organizer, group=consult, **ANNOUNCEMENT)
        board_services.pin_topic(actor=organizer, topic=welcome, pinned=True)
        thread = board_services.start_discussion(actor=member, group=consult, **DISCUSSION)
        board_services.post_reply(actor=organizer, topic=thread, body=DISCUSSION_REPLY)
        consultation_services.ask_for_consultation(
            actor=organizer, group=consult, urgency=Urgency.SOON, **CONSULTATION_REQUEST
        )
        last = consult.meetings.filter(ends_at__lte=timezone.now()).order_by("-starts_at").first()
        meeting_notes.save_notes(actor=organizer, meeting=last, **LAST_MEETING_NOTES)
        meeting_notes.add_action_item(
            actor=organizer,
            meeting=last,
            owner=member,
            text="Share the informed-consent template we discussed",
            due_on=timezone.localdate() + timedelta(days=5),
        )

    def seed_poll(self, users: dict[str, User]) -> None:
        """The consultation group is finding a time for an extra case-review evening: the
        organizer proposed three evenings and answered; member@ has not yet."""
        consult = _group_of(0)
        if Poll.objects.filter(group=consult).exists():
            return
        organizer = users["organizer@example.com"]
        zone = zoneinfo.ZoneInfo(consult.time_zone)
        today = timezone.localdate(timezone=zone)
        evenings = [
            datetime.combine(today + timedelta(days=days), clock(19, 0), tzinfo=zone)
            for days in (10, 11, 13)
        ]
        poll = poll_services.create_poll(
            actor=organizer,
            group=consult,
            title="An extra case-review evening",
            note="For the two cases we could not reach last time.",
            options=evenings,
            closes_at=datetime.combine(today + timedelta(days=6), clock(18, 0), tzinfo=zone),
        )
        options = list(poll.options.order_by("starts_at"))
        values = [Availability.YES, Availability.IF_NEED_BE, Availability.NO]
        poll_services.answer_poll(
            user=organizer,
            poll=poll,
            answers={o.pk: v for o, v in zip(options, values, strict=True)},
        )

    def seed_outside_hours(self, users: dict[str, User]) -> None:
        """member@ logged a CE course from elsewhere and set the licence renewal he works to."""
        member = users["member@example.com"]
        if OutsideHours.objects.filter(user=member).exists():
            return
        today = timezone.localdate()
        outside_hours.log_outside_hours(
            user=member,
            data={
                "day": today - timedelta(days=40),
                "category": HoursCategory.ETHICS,
                "provider": "Colorado Society for Clinical Social Work",
                "title": "Ethics of dual relationships in small communities",
                "hours": 3,
            },
        )
        outside_hours.set_renewal_plan(
            user=member,
            data={
                "starts_on": today - timedelta(days=400),
                "ends_on": today + timedelta(days=330),
                "required_total": 40,
                "required_consultation": 10,
                "required_ce": 20,
                "required_ethics": 4,
            },
        )

    # --- scale ----------------------------------------------------------------------------
    def seed_scale(self, count: int, per_group: int, meetings_per_group: int = 10) -> int:
        """Bulk-insert ``count`` synthetic groups (deterministic names), skipping existing ones."""
        rng = random.Random(20261123)
        existing = set(
            Group.objects.filter(slug__startswith="scale-").values_list("slug", flat=True)
        )
        wanted = [i for i in range(1, count + 1) if f"scale-{i:06d}" not in existing]
        batch = 1000
        for start in range(0, len(wanted), batch):
            with transaction.atomic():
                DirectWrites.scale_groups(
                    wanted[start : start + batch], per_group, meetings_per_group, rng
                )
        return len(wanted)
