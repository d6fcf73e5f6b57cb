"""The presentations beat tasks: each does its work once, leaves what is no longer due alone, and
the facilitator task handles each group on its own, so one failing group stops no other."""

import logging
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from groups.enums import GroupStatus, LeadershipModel, Role
from groups.models import Group
from meetings.models import Meeting
from members.models import AuditEntry
from presentations import services
from presentations.enums import PresentationStatus
from presentations.models import CaseDraft, Election, Presentation
from presentations.services import rotation
from presentations.tasks import (
    task_assign_facilitators,
    task_close_due_elections,
    task_expire_rotation_invitations,
    task_purge_expired_cases,
)
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory
from tests.presentations.conftest import slots

pytestmark = pytest.mark.django_db

SECRET = "Client A keeps missing sessions after the divorce; stuck on the grief work."


# --- task_purge_expired_cases ---------------------------------------------------------------------


@pytest.fixture
def written(meeting, members):
    """A case with content and a kept draft, both past the group's 30 days once dated back."""
    case = services.claim_slot(user=members[0], segment_id=slots(meeting, "case")[0].pk)
    services.save_case(
        user=members[0],
        presentation_id=case.pk,
        data={
            "case_question": "How do I re-engage a client who avoids the grief work?",
            "case_background": SECRET,
            "case_tried": "Psychoeducation, a slower pace.",
            "case_help_wanted": ["ideas"],
        },
    )
    draft = CaseDraft.objects.create(
        author=members[1], group=meeting.group, kind="case", case_question=SECRET, reason="swap"
    )
    return case, draft


def _age(meeting, draft, days):
    past = timezone.now() - timedelta(days=days)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=past - timedelta(hours=2), ends_at=past)
    CaseDraft.objects.filter(pk=draft.pk).update(created_at=past)


def test_task_purge_expired_cases_blanks_cases_and_drafts_once(written, meeting):
    case, draft = written
    _age(meeting, draft, days=31)

    assert task_purge_expired_cases() == 2
    assert task_purge_expired_cases() == 0

    case.refresh_from_db()
    assert (case.case_question, case.case_background) == ("", "")
    assert case.case_purged_at is not None
    assert not CaseDraft.objects.filter(pk=draft.pk).exists()


def test_task_purge_expired_cases_keeps_what_is_within_retention(written, meeting):
    case, draft = written
    _age(meeting, draft, days=29)

    assert task_purge_expired_cases() == 0

    case.refresh_from_db()
    assert case.case_background == SECRET
    assert CaseDraft.objects.get(pk=draft.pk).case_question == SECRET


# --- task_expire_rotation_invitations ---------------------------------------------------------------


@pytest.fixture
def invited(meeting, organizer, members):
    """Three open presenting turns: the organizer's, members[0]'s and members[1]'s."""
    return services.fill_slots_from_queue(actor=organizer, meeting=meeting)


def _lapse(turn):
    Presentation.objects.filter(pk=turn.pk).update(
        invited_until=timezone.now() - timedelta(hours=1)
    )


def test_task_expire_rotation_invitations_passes_a_lapsed_turn_on_once(invited, members):
    _lapse(invited[0])

    assert task_expire_rotation_invitations() == 1
    assert task_expire_rotation_invitations() == 0

    holder = Presentation.objects.get(segment=invited[0].segment_id)
    assert (holder.presenter, holder.status) == (members[2], PresentationStatus.INVITED)


def test_task_expire_rotation_invitations_leaves_a_turn_answered_meanwhile(invited, organizer):
    services.accept_rotation_invitation(user=organizer, presentation_id=invited[0].pk)
    _lapse(invited[0])  # its answer time ran out after it was answered

    assert task_expire_rotation_invitations() == 0

    holder = Presentation.objects.get(segment=invited[0].segment_id)
    assert (holder.presenter, holder.status) == (organizer, PresentationStatus.CONFIRMED)


# --- task_assign_facilitators: each group on its own ----------------------------------------------


def _rotating_group(name):
    group = GroupFactory(name=name, leadership_model=LeadershipModel.ROTATING)
    facilitator = MembershipFactory(group=group, role=Role.ORGANIZER).user
    meeting = MeetingFactory(group=group, starts_at=timezone.now() + timedelta(days=3))
    return group, facilitator, meeting


def _facilitators(*meetings):
    return [Meeting.objects.get(pk=m.pk).facilitator_id for m in meetings]


def test_task_assign_facilitators_gives_each_rotating_group_its_facilitator_once():
    _, first_lead, first_meeting = _rotating_group("Harbour Circle")
    _, second_lead, second_meeting = _rotating_group("Cedar Circle")

    assert task_assign_facilitators() == 2
    assert task_assign_facilitators() == 0

    assert _facilitators(first_meeting, second_meeting) == [first_lead.pk, second_lead.pk]


def test_task_assign_facilitators_skips_a_paused_group():
    group, _lead, meeting = _rotating_group("Harbour Circle")
    Group.objects.filter(pk=group.pk).update(status=GroupStatus.PAUSED)

    assert task_assign_facilitators() == 0

    assert _facilitators(meeting) == [None]


def test_task_assign_facilitators_one_failing_group_is_logged_rolled_back_and_stops_no_other(
    caplog,
):
    broken, _, broken_meeting = _rotating_group("Alder Circle")
    before, before_lead, before_meeting = _rotating_group("Birch Circle")
    after, after_lead, after_meeting = _rotating_group("Cedar Circle")
    assert broken.pk < before.pk < after.pk  # the broken group is handled first
    real_audit = rotation.record_audit

    def audit_failing_for_broken(**kwargs):
        # Fails inside the group's transaction, after its meeting was given a facilitator.
        if kwargs.get("group") == broken:
            raise RuntimeError("database hiccup")
        return real_audit(**kwargs)

    with (
        mock.patch.object(rotation, "record_audit", side_effect=audit_failing_for_broken),
        caplog.at_level(logging.ERROR, logger="presentations.tasks"),
    ):
        assigned = task_assign_facilitators()

    assert assigned == 2
    assert _facilitators(broken_meeting, before_meeting, after_meeting) == [
        None,  # its assignment was rolled back with the failure
        before_lead.pk,
        after_lead.pk,
    ]
    assert [(r.levelname, r.getMessage(), r.exc_info[0]) for r in caplog.records] == [
        ("ERROR", f"assigning facilitators failed for group {broken.pk}", RuntimeError)
    ]
    assert set(
        AuditEntry.objects.filter(verb="rotation.facilitators_assigned").values_list(
            "group", flat=True
        )
    ) == {before.pk, after.pk}


def test_task_assign_facilitators_logs_the_group_id_and_nothing_it_wrote(caplog, meeting):
    with (
        mock.patch(
            "presentations.tasks.assign_facilitators", side_effect=RuntimeError("database hiccup")
        ),
        caplog.at_level(logging.ERROR, logger="presentations.tasks"),
    ):
        assert task_assign_facilitators() == 0

    (record,) = caplog.records
    assert (record.msg, record.args) == (
        "assigning facilitators failed for group %s",
        (meeting.group_id,),
    )


# --- task_close_due_elections ------------------------------------------------------------------------


@pytest.fixture
def due_election(group, organizer, members):
    """An election with one vote for members[0], whose voting closed a second ago."""
    Group.objects.filter(pk=group.pk).update(leadership_model=LeadershipModel.ELECTED)
    group.refresh_from_db()
    now = timezone.now()
    election = services.open_election(
        actor=organizer,
        group=group,
        term_starts_on=timezone.localdate(),
        term_ends_on=timezone.localdate() + timedelta(days=180),
        nominations_close_at=now + timedelta(days=2),
        voting_closes_at=now + timedelta(days=4),
    )
    nomination = services.nominate(user=organizer, election=election, nominee_id=members[0].pk)
    Election.objects.filter(pk=election.pk).update(nominations_close_at=now - timedelta(hours=1))
    services.cast_vote(user=members[1], election=election, nomination_id=nomination.pk)
    Election.objects.filter(pk=election.pk).update(voting_closes_at=now - timedelta(seconds=1))
    return election


def test_task_close_due_elections_closes_a_due_election_once(due_election, members):
    assert task_close_due_elections() == 1
    assert task_close_due_elections() == 0

    due_election.refresh_from_db()
    assert due_election.winner == members[0]
    assert due_election.closed_at is not None


def test_task_close_due_elections_leaves_one_closed_meanwhile(due_election, members):
    services.close_election(election=due_election)
    closed_at = Election.objects.get(pk=due_election.pk).closed_at

    assert task_close_due_elections() == 0

    assert Election.objects.get(pk=due_election.pk).closed_at == closed_at


def test_task_close_due_elections_one_failing_election_is_logged_and_stops_no_other(
    due_election, caplog
):
    other_group = GroupFactory(name="Second circle", leadership_model=LeadershipModel.ELECTED)
    organizer = MembershipFactory(group=other_group, role=Role.ORGANIZER).user
    now = timezone.now()
    other = services.open_election(
        actor=organizer,
        group=other_group,
        term_starts_on=timezone.localdate(),
        term_ends_on=timezone.localdate() + timedelta(days=180),
        nominations_close_at=now + timedelta(days=2),
        voting_closes_at=now + timedelta(days=4),
    )
    Election.objects.filter(pk=other.pk).update(
        nominations_close_at=now - timedelta(hours=1), voting_closes_at=now - timedelta(seconds=1)
    )
    real_close = services.elections.close_election

    def close(*, election, **kwargs):
        if election.pk == due_election.pk:
            raise RuntimeError("database hiccup")
        return real_close(election=election, **kwargs)

    with (
        mock.patch("presentations.services.elections.close_election", side_effect=close),
        caplog.at_level(logging.ERROR, logger="presentations.services.elections"),
    ):
        assert task_close_due_elections() == 1

    closed = dict(Election.objects.values_list("pk", "closed_at"))
    assert (closed[due_election.pk] is None, closed[other.pk] is not None) == (True, True)
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR] == [
        f"closing election {due_election.pk} failed"
    ]
