from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone

from board.models import Topic
from consultations.selectors import open_requests_for
from groups.enums import (
    ApplicationStatus,
    GroupFormat,
    Language,
    MembershipPolicy,
    Orientation,
    Role,
    VenueKind,
)
from groups.models import Application, Group, Membership
from groups.selectors import needs_rules_acceptance
from meetings.models import Attendance, Meeting, MeetingNotes, OutsideHours
from meetings.notes import open_action_items_for
from meetings.outside_hours import renewal_progress
from members import places
from members.models import AuditEntry, Specialty, TherapistProfile, User
from polls.models import Poll, PollAnswer
from polls.selectors import polls_waiting_for
from presentations.enums import ElectionPhase
from presentations.models import Election, Presentation

pytestmark = pytest.mark.django_db

PERSONAS = [
    "admin@example.com",
    "applicant@example.com",
    "member@example.com",
    "newcomer@example.com",
    "organizer@example.com",
]


def _snapshot():
    return {
        "users": sorted(User.objects.values_list("email", flat=True)),
        "groups": sorted(Group.objects.values_list("slug", "member_count")),
        "memberships": sorted(Membership.objects.values_list("group__slug", "user__email", "role")),
        "applications": sorted(
            Application.objects.values_list("group__slug", "applicant__email", "status")
        ),
        "specialties": Specialty.objects.count(),
        "meetings": Meeting.objects.count(),
        "attendance": Attendance.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


def test_seed_demo_creates_personas_and_is_idempotent():
    call_command("seed_demo")
    first = _snapshot()
    call_command("seed_demo")

    assert _snapshot() == first
    assert first["users"] == PERSONAS
    for email in PERSONAS:
        user = User.objects.get(email=email)
        assert user.check_password("peercircle-demo")
        assert user.emailaddress_set.get().verified is True
    assert User.objects.get(email="admin@example.com").is_staff is True


def test_seed_demo_places_the_personas():
    call_command("seed_demo")
    organizer_groups = Membership.objects.filter(
        user__email="organizer@example.com", role=Role.ORGANIZER
    ).select_related("group")
    policies = sorted(m.group.membership_policy for m in organizer_groups)
    assert policies == [MembershipPolicy.CLOSED, MembershipPolicy.OPEN]
    member_groups = set(
        Membership.objects.filter(user__email="member@example.com").values_list(
            "group_id", flat=True
        )
    )
    assert {m.group_id for m in organizer_groups} <= member_groups
    assert not Membership.objects.filter(user__email="newcomer@example.com").exists()
    pending = Application.objects.get(applicant__email="applicant@example.com")
    assert pending.status == ApplicationStatus.PENDING
    assert pending.group.membership_policy == MembershipPolicy.CLOSED


def test_seed_demo_scale_adds_groups_with_members_once():
    call_command("seed_demo", scale=30)
    call_command("seed_demo", scale=30)
    groups = Group.objects.filter(slug__startswith="scale-")
    assert groups.count() == 30
    for group in groups:
        # Five therapists a group; a small group takes only as many as it has seats.
        assert group.member_count == Membership.objects.filter(group=group).count()
        assert 1 <= group.member_count <= min(5, group.capacity)
    assert TherapistProfile.objects.filter(user__email__startswith="scale-").count() == 150


def test_seed_demo_scale_spreads_the_groups_over_real_places_and_kinds():
    """Benchmarks filter the synthetic groups: they are in US towns (with the gazetteer's
    coordinates and time zone), of every venue, format, size, orientation, time and language."""
    call_command("seed_demo", scale=400, members_per_group=1, meetings_per_group=1)
    groups = list(Group.objects.filter(slug__startswith="scale-"))
    for group in groups:
        if group.city:
            place = places.locate(group.city, region=group.region, country="US")
            assert place is not None, group.city
            assert (group.latitude, group.longitude) == (place.latitude, place.longitude)
            assert group.time_zone == place.time_zone
        else:
            assert group.venue_kind == VenueKind.ONLINE
            assert (group.latitude, group.longitude) == (None, None)
    assert {g.venue_kind for g in groups} == set(VenueKind.values)
    assert {g.format for g in groups} == set(GroupFormat.values)
    assert {g.orientation for g in groups} == set(Orientation.values)
    assert {g.language for g in groups} >= {Language.EN, Language.ES}
    assert {g.capacity <= 4 for g in groups} == {True, False}
    assert {g.capacity >= 7 for g in groups} == {True, False}
    assert {g.usual_time.hour < 12 for g in groups} == {True, False}
    assert {g.usual_time.hour >= 17 for g in groups} == {True, False}
    assert len({(g.city, g.region) for g in groups}) > 100
    profiles = TherapistProfile.objects.filter(user__email__startswith="scale-")
    assert not profiles.filter(latitude=None).exists()


def test_seed_demo_gives_each_group_past_meetings_with_attendance_and_upcoming_ones():
    call_command("seed_demo")
    now = timezone.now()
    for group in Group.objects.all():
        past = Meeting.objects.filter(group=group, ends_at__lte=now)
        assert past.exists(), group
        assert Attendance.objects.filter(meeting__in=past).exists(), group
        assert Meeting.objects.filter(group=group, starts_at__gt=now).exists(), group
        assert group.series.count() == 1


def test_seed_demo_has_a_case_a_rotation_history_and_an_election_voting():
    call_command("seed_demo")
    case = Presentation.objects.exclude(case_question="").get()
    assert case.presenter.email == "member@example.com"
    assert case.case_confirmed_findings == []  # written de-identified: nothing to confirm
    presenters = set(
        Presentation.objects.filter(case_question="").values_list("presenter__email", flat=True)
    )
    assert presenters == {"organizer@example.com", "member@example.com"}
    assert Election.objects.get().phase() == ElectionPhase.VOTING


def test_scale_members_have_accepted_the_ground_rules():
    call_command("seed_demo", scale=3)
    memberships = Membership.objects.filter(group__slug__startswith="scale-")
    assert memberships.count() == sum(
        Group.objects.filter(slug__startswith="scale-").values_list("member_count", flat=True)
    )
    assert not any(needs_rules_acceptance(m) for m in memberships)


def test_seed_demo_acts_through_the_services_and_leaves_their_trail():
    """What a person could do was done through the services, so the audit log tells it."""
    call_command("seed_demo")
    verbs = Counter(AuditEntry.objects.values_list("verb", flat=True))
    past = Meeting.objects.filter(ends_at__lte=timezone.now()).count()

    assert {
        verb: verbs[verb]
        for verb in (
            "group.created",
            "series.created",
            "member.joined",
            "invitation.accepted",
            "application.submitted",
            "licence.verified",
            "slot.assigned",
            "election.nominated",
            "resource.added",
            "resource.pinned",
        )
    } == {
        "group.created": 5,
        "series.created": 5,
        "member.joined": 1,  # the open circle
        "invitation.accepted": 1,  # the closed group admits whom its organizer invites
        "application.submitted": 1,
        "licence.verified": 2,  # not the admin's own: another admin checks it
        "slot.assigned": 1,
        "election.nominated": 2,
        "resource.added": 4,
        "resource.pinned": 2,
    }
    assert verbs["attendance.recorded"] == past
    assert all(g.member_count == g.memberships.count() for g in Group.objects.all())


def test_seed_demo_shows_the_group_between_meetings():
    call_command("seed_demo")
    call_command("seed_demo")  # idempotent: nothing twice
    member = User.objects.get(email="member@example.com")
    consult = Group.objects.order_by("pk").first()

    topics = Topic.objects.filter(group__memberships__user=member).order_by("pk")
    assert [(t.kind, t.pinned) for t in topics] == [("announcement", True), ("discussion", False)]
    assert list(open_requests_for(member).values_list("urgency", flat=True)) == ["soon"]
    items = list(open_action_items_for(member))
    assert [(i.text, i.meeting.group_id) for i in items] == [
        ("Share the informed-consent template we discussed", items[0].meeting.group_id)
    ]
    assert MeetingNotes.objects.filter(meeting=items[0].meeting).count() == 1
    assert consult.pk in {t.group_id for t in topics}


def test_seed_demo_has_a_poll_waiting_for_member():
    call_command("seed_demo")
    call_command("seed_demo")  # idempotent: one poll
    member = User.objects.get(email="member@example.com")
    consult = Group.objects.order_by("pk").first()
    poll = Poll.objects.get()
    assert poll.group == consult and poll.is_open()
    assert polls_waiting_for(member, {consult.pk: consult}) == [poll]
    assert set(PollAnswer.objects.filter(poll=poll).values_list("user__email", flat=True)) == {
        "organizer@example.com"
    }


def test_seed_demo_gives_member_hours_from_elsewhere_and_a_renewal():
    call_command("seed_demo")
    call_command("seed_demo")  # idempotent
    member = User.objects.get(email="member@example.com")
    assert OutsideHours.objects.filter(user=member).count() == 1
    lines = renewal_progress(member)
    assert [line.label for line in lines][-1] == "In all" and lines[-1].reported == 3.0
