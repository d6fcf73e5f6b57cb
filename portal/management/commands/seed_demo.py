"""Demo data: the personas, the vocabularies and realistic groups. Safe to run again.

``--scale N`` adds N synthetic groups with five members each, with bulk inserts, for benchmarks.
"""

import random
import time
from datetime import time as clock
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from groups import services as group_services
from groups.enums import (
    ApplicationStatus,
    Cadence,
    GroupFormat,
    Language,
    LeadershipModel,
    MembershipPolicy,
    Purpose,
    Role,
    VenueKind,
)
from groups.models import (
    Application,
    ApplicationQuestion,
    GroundRulesVersion,
    Group,
    Membership,
    Resource,
    weekday_mask,
)
from meetings import recurrence
from meetings import services as meeting_services
from meetings.enums import AttendanceStatus, RsvpAnswer, SegmentKind
from meetings.models import Attendance, Meeting, MeetingSeries, Rsvp
from members.models import Modality, Population, Specialty, TherapistProfile, User
from members.services import create_profile
from presentations import services as presentation_services
from presentations.models import Election, Nomination, Presentation

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
        "credential_type": "lmft",
        "licence_number": "LMFT-104233",
        "licence_region": "Colorado",
        "city": "Denver",
        "region": "CO",
        "time_zone": "America/Denver",
        "practice_setting": "group",
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
        "credential_type": "lcsw",
        "licence_number": "LCSW-99120",
        "licence_region": "Colorado",
        "city": "Boulder",
        "region": "CO",
        "time_zone": "America/Denver",
        "practice_setting": "private",
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
        "credential_type": "lpc",
        "licence_number": "LPC-55012",
        "licence_region": "Colorado",
        "city": "Aurora",
        "region": "CO",
        "time_zone": "America/Denver",
        "practice_setting": "agency",
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
        "credential_type": "prelicensed",
        "licence_number": "",
        "licence_region": "",
        "city": "Denver",
        "region": "CO",
        "time_zone": "America/Denver",
        "practice_setting": "group",
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
        "credential_type": "psychologist",
        "licence_number": "PSY-0001",
        "licence_region": "Colorado",
        "city": "Denver",
        "region": "CO",
        "time_zone": "America/Denver",
        "practice_setting": "other",
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
            self.seed_resources(users)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        if scale:
            started = time.monotonic()
            created = self.seed_scale(scale, members_per_group, meetings_per_group)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Scale data: {created} groups added in {time.monotonic() - started:.1f}s."
                )
            )

    # --- vocabularies and personas ---------------------------------------------------
    def seed_vocabularies(self):
        for model, names in (
            (Specialty, SPECIALTIES),
            (Modality, MODALITIES),
            (Population, POPULATIONS),
        ):
            for name in names:
                model.objects.get_or_create(slug=slugify(name), defaults={"name": name})

    def seed_personas(self) -> dict[str, User]:
        users = {}
        admin = None
        for persona in PERSONAS:
            persona = dict(persona)
            email = persona.pop("email")
            verified = persona.pop("verified")
            staff = persona.pop("staff", False)
            terms = {
                "specialties": (Specialty, persona.pop("specialties")),
                "modalities": (Modality, persona.pop("modalities")),
                "populations": (Population, persona.pop("populations")),
            }
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email=email, password=DEMO_PASSWORD, is_staff=staff, is_superuser=staff
                )
                EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
                profile = create_profile(user=user, **persona)
                for field, (model, names) in terms.items():
                    getattr(profile, field).set(model.objects.filter(name__in=names))
                if staff:
                    admin = user
                if verified and persona["licence_number"]:
                    profile.licence_verified_at = timezone.now()
                    profile.licence_verified_by = admin or user
                    profile.save(update_fields=["licence_verified_at", "licence_verified_by"])
            users[email] = user
        # Licences verified before the admin existed are attributed to the admin.
        admin = users["admin@example.com"]
        self.seed_admin_two_step(admin)
        TherapistProfile.objects.filter(
            user__in=users.values(), licence_verified_at__isnull=False
        ).update(licence_verified_by=admin)
        return users

    def seed_admin_two_step(self, admin: User) -> None:
        """Site admins sign in with two steps; the demo admin's authenticator uses a fixed,
        public demo key, so `manage.py demo_code` (or any authenticator app) gives its codes."""
        from allauth.mfa.models import Authenticator
        from allauth.mfa.totp.internal.auth import TOTP

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
                group_services.membership.admit(
                    group=group, user=users[email], actor=users[email], verb="member.joined"
                )
        closed = Group.objects.get(slug=slugify(DEMO_GROUPS[0]["name"]))
        applicant = users["applicant@example.com"]
        if not Application.objects.filter(group=closed, applicant=applicant).exists():
            answers = [
                {"question": q.text, "answer": answer}
                for q, answer in zip(
                    ApplicationQuestion.objects.filter(group=closed),
                    ["About twelve.", "Outpatient, with some IOP step-downs.", ""],
                    strict=False,
                )
            ]
            Application.objects.create(
                group=closed,
                applicant=applicant,
                status=ApplicationStatus.PENDING,
                answers=answers,
                note="I am building an eating-disorder caseload and would value consultation.",
                consent_to_share_profile=True,
            )

    # --- scale ----------------------------------------------------------------------------
    # --- meetings --------------------------------------------------------------------------
    def seed_meetings(self, users: dict[str, User]) -> None:
        """A weekly or monthly series per demo group: ten weeks of history and weeks ahead."""
        today = timezone.localdate()
        for spec in DEMO_GROUPS:
            group = Group.objects.get(slug=slugify(spec["name"]))
            if group.series.exists():
                continue
            organizer = users[spec["organizer"]]
            agenda, used = [], 0
            for segment in AGENDAS[group.format]:
                if used + segment["minutes"] <= group.meeting_minutes:
                    agenda.append(segment)
                    used += segment["minutes"]
            meeting_services.set_agenda_template(actor=organizer, group=group, segments=agenda)
            weekday = spec["weekdays"][0]
            starts_on = today - timedelta(weeks=52)  # a year of history for the hours ledger
            # The series says what the group's "When" says: a monthly group meets monthly.
            if spec["cadence"] in (Cadence.TWICE_MONTHLY, Cadence.MONTHLY):
                ordinals = [1, 3] if spec["cadence"] == Cadence.TWICE_MONTHLY else [1]
                rule = recurrence.build_rule(kind="monthly_nth", ordinals=ordinals, weekday=weekday)
            else:
                rule = recurrence.build_rule(
                    kind="weekly",
                    interval=2 if spec["cadence"] == Cadence.BIWEEKLY else 1,
                    weekdays=[weekday],
                )
            series = MeetingSeries.objects.create(
                group=group,
                title="Peer consultation" if group.purpose_consultation else "Group meeting",
                rule=rule,
                starts_on=starts_on,
                start_time=spec["usual_time"],
                duration_minutes=spec["meeting_minutes"],
                time_zone=group.time_zone,
                created_by=organizer,
            )
            step = starts_on
            while step < today:  # history, twelve weeks at a time
                meeting_services.materialize_series(series=series, today=step)
                step += timedelta(weeks=12)
            meeting_services.materialize_series(series=series, today=today)
            meeting_services.sync_group_schedule(group=group, today=today)
            # The demo members have belonged since the history began, so its attendance is theirs.
            group.memberships.filter(joined_at__gt=series.meetings.first().starts_at).update(
                joined_at=series.meetings.first().starts_at
            )
            members = list(group.memberships.values_list("user_id", flat=True))
            now = timezone.now()
            for n, meeting in enumerate(series.meetings.order_by("starts_at")):
                if meeting.ends_at <= now:
                    Attendance.objects.bulk_create(
                        Attendance(
                            meeting=meeting,
                            user_id=user_id,
                            status=AttendanceStatus.EXCUSED
                            if (n + k) % 5 == 4
                            else AttendanceStatus.PRESENT,
                            marked_by=organizer,
                            marked_at=meeting.ends_at,
                        )
                        for k, user_id in enumerate(members)
                    )
                elif meeting.starts_at <= now + timedelta(weeks=3):
                    Rsvp.objects.bulk_create(
                        Rsvp(meeting=meeting, user_id=user_id, answer=RsvpAnswer.GOING)
                        for user_id in members
                        if user_id != users["member@example.com"].pk
                    )

    # --- presentations, rotation, elections -------------------------------------------------
    def seed_presentations(self, users: dict[str, User]) -> None:
        consult = Group.objects.get(slug=slugify(DEMO_GROUPS[0]["name"]))
        if Presentation.objects.filter(meeting__group=consult).exists():
            return
        now = timezone.now()
        organizer, member = users["organizer@example.com"], users["member@example.com"]
        # A rotation history: past case slots taken in turn.
        people = [organizer, member]
        past = consult.meetings.filter(ends_at__lte=now).order_by("starts_at")
        turn = 0
        for meeting in past:
            for segment in meeting.segments.filter(kind="case").order_by("position"):
                Presentation.objects.create(
                    segment=segment,
                    meeting=meeting,
                    presenter=people[turn % 2],
                    case_purged_at=meeting.ends_at + timedelta(days=30)
                    if meeting.ends_at + timedelta(days=30) <= now
                    else None,
                )
                turn += 1
        # The next meeting: member@ presents a de-identified case.
        upcoming = consult.meetings.filter(starts_at__gt=now).order_by("starts_at").first()
        segment = upcoming.segments.filter(kind="case").order_by("position").first()
        presentation = Presentation.objects.create(
            segment=segment, meeting=upcoming, presenter=member
        )
        presentation_services.save_case(
            user=member,
            presentation_id=presentation.pk,
            data={
                "case_question": "How can I help Client A stay in treatment when meals are "
                "the hardest part of her week?",
                "case_background": "Client A is a woman in her late twenties with a long "
                "history of restriction. She works long hours and lives alone. Sessions began "
                "in the spring; attendance has dropped since a family conflict.",
                "case_tried": "Weekly CBT-E, meal planning with a dietitian, and motivational "
                "interviewing about the costs of restriction.",
                "case_help_wanted": ["ideas", "ethics"],
            },
        )
        presentation_services.assign_facilitators(group=consult)
        # An election in its voting phase in the support circle.
        circle = Group.objects.get(slug=slugify(DEMO_GROUPS[1]["name"]))
        if not circle.elections.exists():
            election = Election.objects.create(
                group=circle,
                title="Group leader",
                term_starts_on=timezone.localdate() + timedelta(days=14),
                term_ends_on=timezone.localdate() + timedelta(days=194),
                nominations_close_at=now - timedelta(days=1),
                voting_closes_at=now + timedelta(days=6),
                opened_by=organizer,
            )
            for nominee in (organizer, member):
                Nomination.objects.create(election=election, nominee=nominee, nominated_by=nominee)

    def seed_resources(self, users: dict[str, User]) -> None:
        library = {
            0: [
                (
                    "Academy for Eating Disorders: clinical guidelines",
                    "https://www.aedweb.org/",
                    "article",
                    True,
                    "The medical care guide is worth keeping at hand.",
                ),
                (
                    "iaedp certification (CEDS) pathway",
                    "https://www.iaedp.com/",
                    "ce",
                    False,
                    "Several of us are working towards it.",
                ),
            ],
            1: [
                (
                    "Compassion fatigue self-test (ProQOL)",
                    "https://proqol.org/",
                    "tool",
                    True,
                    "Short and free; we revisit it each spring.",
                ),
                (
                    "Ethics consultation line of the state association",
                    "https://www.socialworkers.org/About/Ethics",
                    "consultant",
                    False,
                    "For the grey areas we can't settle in the group.",
                ),
            ],
        }
        for index, items in library.items():
            group = Group.objects.get(slug=slugify(DEMO_GROUPS[index]["name"]))
            if group.resources.exists():
                continue
            adder = users[DEMO_GROUPS[index]["organizer"]]
            for title, url, category, pinned, note in items:
                Resource.objects.create(
                    group=group,
                    added_by=adder,
                    title=title,
                    url=url,
                    category=category,
                    pinned=pinned,
                    note=note,
                )

    def seed_scale(self, count: int, per_group: int, meetings_per_group: int = 10) -> int:
        """Bulk-insert ``count`` synthetic groups (deterministic names), skipping existing ones."""
        rng = random.Random(20261123)
        existing = set(
            Group.objects.filter(slug__startswith="scale-").values_list("slug", flat=True)
        )
        wanted = [i for i in range(1, count + 1) if f"scale-{i:06d}" not in existing]
        if not wanted:
            return 0
        password = make_password(DEMO_PASSWORD)
        specialties = list(Specialty.objects.all())
        cities = [
            "Denver",
            "Boulder",
            "Austin",
            "Chicago",
            "Seattle",
            "Portland",
            "Brooklyn",
            "Oakland",
            "Atlanta",
            "Boston",
            "Minneapolis",
            "Phoenix",
        ]
        zones = ["America/Denver", "America/Chicago", "America/New_York", "America/Los_Angeles"]
        now = timezone.now()
        batch = 1000
        for start in range(0, len(wanted), batch):
            chunk = wanted[start : start + batch]
            with transaction.atomic():
                users = User.objects.bulk_create(
                    [
                        User(
                            email=f"scale-{i:06d}-{k}@example.org",
                            password=password,
                            date_joined=now,
                        )
                        for i in chunk
                        for k in range(per_group)
                    ]
                )
                TherapistProfile.objects.bulk_create(
                    [
                        TherapistProfile(
                            user=user,
                            display_name=f"Therapist {user.email.split('@')[0][6:]}",
                            city=rng.choice(cities),
                            time_zone=rng.choice(zones),
                            credential_type=rng.choice(["lcsw", "lmft", "lpc", "psychologist"]),
                        )
                        for user in users
                    ]
                )
                groups = []
                for i in chunk:
                    purposes = rng.sample(list(Purpose.values), k=rng.randint(1, 2))
                    capacity = rng.randint(max(per_group, 2), max(per_group, 2) + 3)
                    groups.append(
                        Group(
                            name=f"Peer group {i:06d}",
                            slug=f"scale-{i:06d}",
                            tagline=rng.choice(
                                ["Case consultation", "Support circle", "Practice collaboration"]
                            ),
                            description="A synthetic group for benchmarks.",
                            purpose_support=Purpose.SUPPORT in purposes,
                            purpose_consultation=Purpose.CONSULTATION in purposes,
                            purpose_collaboration=Purpose.COLLABORATION in purposes,
                            membership_policy=rng.choice(MembershipPolicy.values),
                            venue_kind=rng.choice(VenueKind.values),
                            city=rng.choice(cities),
                            cadence=rng.choice(Cadence.values),
                            weekdays=1 << rng.randint(0, 6),
                            time_zone=rng.choice(zones),
                            capacity=capacity,
                            member_count=per_group,
                            created_at=now,
                        )
                    )
                groups = Group.objects.bulk_create(groups)
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
                        for k in range(per_group)
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
        return len(wanted)
