"""Deleting an account leaves no ghost (issue 12, seam 4): no role, term, slot or name survives,
the organizers learn which slots opened, and personal data the history does not need is purged."""

import html
import json
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from config.errors import DomainError
from groups.enums import ApplicationStatus, Role, WaitlistStatus
from groups.models import Application, Membership
from meetings.models import AgendaSegment, Certificate, Meeting, Rsvp
from members.models import AuditEntry, Delivery
from members.services import record_audit
from portal import privacy
from presentations.models import (
    Election,
    LeadershipTerm,
    Nomination,
    Presentation,
    SwapOffer,
    VoteTally,
)
from tests.factories import (
    PASSWORD,
    ApplicationFactory,
    GroupFactory,
    InvitationFactory,
    MeetingFactory,
    MembershipFactory,
    RsvpFactory,
    UserFactory,
    WaitlistEntryFactory,
)

pytestmark = pytest.mark.django_db

NAME = "Marcus Bell"


@pytest.fixture
def group():
    return GroupFactory(name="Thursday Circle", capacity=10, leadership_model="elected")


@pytest.fixture
def organizer(group):
    return MembershipFactory(
        group=group, role=Role.ORGANIZER, user__profile__display_name="Olga Organizer"
    ).user


@pytest.fixture
def co_organizer(group):
    return MembershipFactory(
        group=group, role=Role.CO_ORGANIZER, user__profile__display_name="Cora Co"
    ).user


@pytest.fixture
def other(group):
    return MembershipFactory(group=group, user__profile__display_name="Ida Other").user


@pytest.fixture
def me(group):
    return MembershipFactory(
        group=group,
        user__profile__display_name=NAME,
        user__profile__licence_number="LCSW-778899",
    ).user


def _future(group, days=7, **fields):
    return MeetingFactory(
        group=group,
        starts_at=(timezone.now() + timedelta(days=days)).replace(microsecond=0),
        **fields,
    )


def _past(group, days=7, **fields):
    return MeetingFactory(
        group=group,
        starts_at=(timezone.now() - timedelta(days=days)).replace(microsecond=0),
        **fields,
    )


def _slot(meeting, kind="case", position=1):
    return AgendaSegment.objects.create(meeting=meeting, position=position, kind=kind, minutes=20)


def _delete(user):
    privacy.delete_account(user=user)
    user.refresh_from_db()


# --- roles, terms and slots end ---------------------------------------------------------------------


def test_deletion_clears_future_facilitation_backup_and_timekeeping(group, me, other):
    facilitated = _future(group, facilitator=me, backup_facilitator=other)
    backed_up = _future(group, days=14, facilitator=other, backup_facilitator=me)
    timed = _future(group, days=21, timekeeper=me)
    past = _past(group, facilitator=me, backup_facilitator=other, timekeeper=me)

    _delete(me)

    rows = {
        m.pk: (m.facilitator_id, m.backup_facilitator_id, m.timekeeper_id)
        for m in Meeting.objects.all()
    }
    assert rows == {
        facilitated.pk: (None, other.pk, None),
        backed_up.pk: (other.pk, None, None),
        timed.pk: (None, None, None),
        past.pk: (me.pk, other.pk, me.pk),
    }


def test_deletion_ends_the_current_term_today_and_drops_terms_not_started(group, me):
    from zoneinfo import ZoneInfo

    today = min(timezone.localdate(), timezone.localdate(timezone=ZoneInfo(group.time_zone)))
    current = LeadershipTerm.objects.create(
        group=group,
        leader=me,
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=60),
    )
    coming = LeadershipTerm.objects.create(
        group=group,
        leader=me,
        starts_on=today + timedelta(days=61),
        ends_on=today + timedelta(days=200),
    )
    ended = LeadershipTerm.objects.create(
        group=group, leader=me, starts_on=date(2024, 1, 1), ends_on=date(2024, 6, 30)
    )

    _delete(me)

    assert dict(LeadershipTerm.objects.values_list("pk", "ends_on")) == {
        current.pk: today,
        ended.pk: date(2024, 6, 30),
    }
    assert not LeadershipTerm.objects.filter(pk=coming.pk).exists()


def test_former_leader_is_not_shown_as_leader_nor_made_facilitator(client, group, me, other):
    from presentations.services import assign_facilitators

    today = timezone.localdate()
    LeadershipTerm.objects.create(
        group=group,
        leader=me,
        starts_on=today - timedelta(days=3),
        ends_on=today + timedelta(days=60),
    )

    _delete(me)
    later = _future(group, days=10)

    assert assign_facilitators(group=group) == []
    later.refresh_from_db()
    assert later.facilitator is None
    client.force_login(other)
    page = client.get(reverse("groups:detail", args=[group.slug]))
    text = " ".join(html.unescape(strip_tags(page.content.decode())).split())
    assert "Nobody leads the group at the moment." in text
    assert "Former member" not in text


def test_deletion_removes_future_presentations_and_keeps_past_ones_without_case_text(group, me):
    future = _future(group)
    past = _past(group)
    Presentation.objects.create(
        segment=_slot(future), meeting=future, presenter=me, case_question="Future question?"
    )
    kept = Presentation.objects.create(
        segment=_slot(past),
        meeting=past,
        presenter=me,
        case_question="Past question?",
        case_background="A client in her forties.",
        case_tried="Two things.",
    )

    _delete(me)

    assert list(Presentation.objects.values_list("pk", "case_question", "case_background")) == [
        (kept.pk, "", "")
    ]
    kept.refresh_from_db()
    assert kept.case_purged_at is not None


def test_deletion_cancels_pending_swap_offers_from_and_to_them(group, me, other):
    meeting = _future(group, facilitator=me)
    presentation = Presentation.objects.create(
        segment=_slot(meeting), meeting=meeting, presenter=other
    )
    mine = SwapOffer.objects.create(
        meeting=meeting, role="facilitator", from_user=me, to_user=other
    )
    theirs = SwapOffer.objects.create(
        meeting=meeting, role="presenter", presentation=presentation, from_user=other, to_user=me
    )

    _delete(me)

    assert dict(SwapOffer.objects.values_list("pk", "status")) == {
        mine.pk: "withdrawn",
        theirs.pk: "withdrawn",
    }
    assert SwapOffer.objects.filter(answered_at__isnull=True).count() == 0


def _election(group, organizer, *, closed=False, **fields):
    now = timezone.now()
    return Election.objects.create(
        group=group,
        term_starts_on=timezone.localdate() + timedelta(days=1),
        term_ends_on=timezone.localdate() + timedelta(days=100),
        nominations_close_at=now + timedelta(days=1) if not closed else now - timedelta(days=3),
        voting_closes_at=now + timedelta(days=2) if not closed else now - timedelta(days=2),
        closed_at=now - timedelta(days=2) if closed else None,
        opened_by=organizer,
        **fields,
    )


def test_deletion_removes_nominations_in_open_elections_only(group, organizer, me, other):
    closed = _election(group, organizer, closed=True)
    Nomination.objects.create(election=closed, nominee=me, nominated_by=other)
    open_ = _election(group, organizer)
    Nomination.objects.create(election=open_, nominee=me, nominated_by=me)
    theirs = Nomination.objects.create(election=open_, nominee=other, nominated_by=me)

    _delete(me)

    assert list(Nomination.objects.filter(election=open_)) == [theirs]
    assert Nomination.objects.filter(election=closed, nominee=me).count() == 1


# --- the organizers are told, once each -----------------------------------------------------------


def test_each_organizer_gets_one_email_listing_the_slots_that_opened(
    group, organizer, co_organizer, me, other, mailoutbox, django_capture_on_commit_callbacks
):
    _future(group, title="Case night", facilitator=me)
    second = _future(group, days=14, title="Topic night", backup_facilitator=me)
    Presentation.objects.create(
        segment=_slot(second, kind="topic"),
        meeting=second,
        presenter=me,
        topic_title="Secret-ish topic",
        case_question="Nothing to mail",
    )
    unrelated = GroupFactory(name="Unrelated Circle")
    MembershipFactory(group=unrelated, role=Role.ORGANIZER)
    MembershipFactory(group=unrelated, user=me)

    with django_capture_on_commit_callbacks(execute=True):
        _delete(me)

    assert sorted(m.to[0] for m in mailoutbox) == sorted([organizer.email, co_organizer.email])
    body = mailoutbox[0].body
    assert "Thursday Circle" in mailoutbox[0].subject
    assert "Facilitator of Case night" in body
    assert "Backup facilitator of Topic night" in body
    assert "Topic presentation slot in Topic night" in body
    for leaked in (NAME, "Secret-ish topic", "Nothing to mail", other.email):
        assert leaked not in body
        assert leaked not in mailoutbox[0].alternatives[0][0]


def test_no_email_when_no_slot_opened(
    group, organizer, me, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _delete(me)

    assert mailoutbox == []


# --- "Former member" wherever history is kept ----------------------------------------------------------


def test_election_results_and_note_name_a_former_member(group, organizer, me, other):
    election = _election(
        group,
        organizer,
        closed=True,
        winner=me,
        results=[
            {"nominee": NAME, "votes": 3, "nominee_id": me.pk},
            {"nominee": "Ida Other", "votes": 1, "nominee_id": other.pk},
        ],
        result_note=f"{NAME} won with 3 votes.",
    )
    legacy = _election(
        GroupFactory(),
        organizer,
        closed=True,
        results=[{"nominee": NAME, "votes": 2}],
        result_note=f"Tie between {NAME}, Ida Other; decided by lot.",
    )
    Nomination.objects.create(election=legacy, nominee=me, nominated_by=me)

    _delete(me)

    election.refresh_from_db()
    legacy.refresh_from_db()
    assert (election.results, election.result_note) == (
        [
            {"nominee": "Former member", "votes": 3, "nominee_id": me.pk},
            {"nominee": "Ida Other", "votes": 1, "nominee_id": other.pk},
        ],
        "Former member won with 3 votes.",
    )
    assert (legacy.results, legacy.result_note) == (
        [{"nominee": "Former member", "votes": 2}],
        "Tie between Former member, Ida Other; decided by lot.",
    )


def test_audit_entries_no_longer_name_them(client, group, organizer, me):
    address = me.email
    closed = record_audit(
        actor=None,
        verb="election.closed",
        subject=me,
        group=group,
        data={"results": [{"nominee": NAME, "votes": 2}], "note": f"{NAME} won with 2 votes."},
    )
    invited = record_audit(
        actor=organizer, verb="invitation.sent", group=group, data={"email": address}
    )
    declined = record_audit(
        actor=organizer,
        verb="application.declined",
        subject=me,
        group=group,
        data={"reason": f"Sorry {NAME}, we are full."},
    )

    _delete(me)

    data = {
        e.pk: e.data for e in AuditEntry.objects.filter(pk__in=[closed.pk, invited.pk, declined.pk])
    }
    assert data == {
        closed.pk: {
            "results": [{"nominee": "Former member", "votes": 2}],
            "note": "Former member won with 2 votes.",
        },
        invited.pk: {"email": "Former member"},
        declined.pk: {},
    }
    client.force_login(organizer)
    page = client.get(reverse("groups:audit", args=[group.slug]))
    body = page.content.decode()
    assert NAME not in body
    assert address not in body
    assert "Former member" in body


def test_certificates_are_revoked_and_the_public_check_names_no_one(client, group, me, other):
    mine = Certificate.objects.create(
        user=me,
        group=group,
        holder_name=NAME,
        credential="LCSW (Licensed Clinical Social Worker)",
        licence="LCSW 778899 (Colorado)",
        group_name=group.name,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 3, 31),
        meetings=[{"date": "2025-01-09", "minutes": 90, "facilitator": "Ida Other"}],
        total_minutes=90,
    )
    theirs = Certificate.objects.create(
        user=other,
        group=group,
        holder_name="Ida Other",
        group_name=group.name,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 3, 31),
        meetings=[
            {"date": "2025-01-09", "minutes": 90, "facilitator": NAME},
            {"date": "2025-01-16", "minutes": 90, "facilitator": "Ida Other"},
        ],
        total_minutes=180,
    )

    _delete(me)

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.holder_name, mine.licence, mine.credential, mine.revoked_at is not None) == (
        "Former member",
        "",
        "",
        True,
    )
    assert [row["facilitator"] for row in theirs.meetings] == ["Former member", "Ida Other"]
    assert theirs.revoked_at is None
    page = client.get(reverse("meetings:verify", args=[mine.code]))
    text = " ".join(html.unescape(strip_tags(page.content.decode())).split())
    assert NAME not in text
    assert "778899" not in text
    assert "Holder Former member" in text
    assert "This certificate is no longer valid." in text


# --- personal data the history does not need ------------------------------------------------------------


def test_applications_keep_no_notes_answers_or_decision_messages(group, organizer, me):
    application = ApplicationFactory(
        group=GroupFactory(membership_policy="closed"),
        applicant=me,
        status="declined",
        answers=[{"question": "Why?", "answer": "I treat eating disorders in Boulder."}],
        note="My supervisor is Dr. Grey.",
        decision_message="Not this time, Marcus.",
    )

    _delete(me)

    application.refresh_from_db()
    assert (application.answers, application.note, application.decision_message) == ([], "", "")
    assert Application.objects.get(pk=application.pk).status == "declined"


def test_deliveries_keep_no_address_or_text_of_theirs(group, organizer, me, other):
    from portal.colleagues import send_colleague_message

    address = me.email
    Delivery.objects.create(
        recipient=me,
        email=address,
        kind="meeting_reminder",
        template="meeting_reminder",
        object_type="meetings.meeting",
        object_id=1,
        due_at=timezone.now(),
        status="sent",
        context={"note": "personal"},
    )
    InvitationFactory(group=group, email=address)
    Delivery.objects.create(
        recipient=None,
        email=address,
        kind="invitation",
        template="invitation",
        object_type="groups.invitation",
        object_id=1,
        due_at=timezone.now(),
        status="sent",
    )
    sent = send_colleague_message(
        sender=me, recipient_profile=other.profile, message="Call me about the referral, Marcus"
    )

    _delete(me)

    assert not Delivery.objects.filter(email=address).exists()
    assert not Delivery.objects.filter(recipient=me).exists()
    sent.refresh_from_db()
    assert (sent.email, sent.context) == (other.email, {})
    from groups.models import Invitation

    assert not Invitation.objects.filter(email=address).exists()


def test_rsvp_notes_are_cleared(group, me):
    past = _past(group)
    rsvp = RsvpFactory(meeting=past, user=me, answer="cant", note="My daughter is ill.")

    _delete(me)

    assert Rsvp.objects.get(pk=rsvp.pk).note == ""


def test_case_drafts_are_deleted(group, me):
    from presentations.models import CaseDraft

    CaseDraft.objects.create(
        author=me, group=group, kind="case", case_question="Kept for me?", reason="swap"
    )

    _delete(me)

    assert CaseDraft.objects.filter(author=me).count() == 0


def test_export_lists_my_case_drafts(client, group, me):
    from presentations.models import CaseDraft

    meeting = _future(group, title="Case night")
    CaseDraft.objects.create(
        author=me,
        group=group,
        source_meeting=meeting,
        kind="case",
        case_question="How do I end well?",
        case_background="Background.",
        reason="swap",
    )
    CaseDraft.objects.create(
        author=UserFactory(), group=group, kind="case", case_question="Not mine", reason="swap"
    )
    client.force_login(me)

    data = json.loads(client.get(reverse("members:export")).content)

    assert [
        (d["group"], d["meeting"], d["kind"], d["case_question"], d["case_background"])
        for d in data["case_drafts"]
    ] == [("Thursday Circle", "Case night", "case", "How do I end well?", "Background.")]


# --- the page that asks for confirmation ---------------------------------------------------------------


def test_deletion_page_says_certificates_will_be_revoked(client, me):
    client.force_login(me)

    text = " ".join(
        html.unescape(strip_tags(client.get(reverse("members:my_data")).content.decode())).split()
    )

    assert "Your certificates of attendance are revoked" in text


def test_delete_through_the_page_ends_roles_and_logs_out(client, group, organizer, me):
    meeting = _future(group, facilitator=me)
    client.force_login(me)

    response = client.post(
        reverse("members:delete_account"), {"password": PASSWORD, "confirm": "on"}
    )

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.facilitator is None
    assert "_auth_user_id" not in client.session


def test_votes_for_a_removed_nomination_go_with_it(group, organizer, me, other):
    election = _election(group, organizer)
    mine = Nomination.objects.create(election=election, nominee=me, nominated_by=me)
    VoteTally.objects.create(election=election, nomination=mine, votes=1)

    _delete(me)

    assert VoteTally.objects.filter(election=election).count() == 0


def test_an_organizer_of_two_affected_groups_gets_one_email_for_both(
    group, organizer, me, mailoutbox, django_capture_on_commit_callbacks
):
    second = GroupFactory(name="Monday Circle")
    MembershipFactory(group=second, user=organizer, role=Role.ORGANIZER)
    MembershipFactory(group=second, user=me)
    _future(group, title="Case night", facilitator=me)
    _future(second, title="Monday meeting", timekeeper=me)

    with django_capture_on_commit_callbacks(execute=True):
        _delete(me)

    assert [m.to[0] for m in mailoutbox] == [organizer.email]
    body = " ".join(mailoutbox[0].body.split())
    assert "Thursday Circle: - Facilitator of Case night" in body
    assert "Monday Circle: - Timekeeper of Monday meeting" in body


# --- through the groups' services ----------------------------------------------------------------


def test_deletion_withdraws_pending_applications_through_the_service(group, organizer, me):
    pending = ApplicationFactory(applicant=me)

    _delete(me)

    pending.refresh_from_db()
    assert (pending.status, pending.decided_at is not None) == (ApplicationStatus.WITHDRAWN, True)
    entry = AuditEntry.objects.get(verb="application.withdrawn")
    assert (entry.actor, entry.subject, entry.group) == (me, me, pending.group)


def test_deletion_passes_the_seat_on_and_logs_each_group(group, organizer, me):
    group.capacity = group.member_count
    group.save(update_fields=["capacity"])
    waiting = WaitlistEntryFactory(group=group)
    mine_elsewhere = WaitlistEntryFactory(user=me)

    _delete(me)

    group.refresh_from_db()
    waiting.refresh_from_db()
    mine_elsewhere.refresh_from_db()
    assert group.member_count == 1
    assert waiting.status == WaitlistStatus.OFFERED  # the seat they freed: first in line
    assert mine_elsewhere.status == WaitlistStatus.LEFT
    assert list(
        AuditEntry.objects.filter(verb="member.account_deleted").values_list(
            "actor", "subject", "group"
        )
    ) == [(None, me.pk, group.pk)]


def test_deletion_refused_is_a_domain_error_and_changes_nothing(group, organizer, other):
    with pytest.raises(DomainError, match="only organizer of Thursday Circle"):
        privacy.delete_account(user=organizer)

    organizer.refresh_from_db()
    assert organizer.is_active is True
    assert list(
        Membership.objects.filter(group=group).order_by("pk").values_list("user", "role")
    ) == [
        (organizer.pk, Role.ORGANIZER),
        (other.pk, Role.MEMBER),
    ]
