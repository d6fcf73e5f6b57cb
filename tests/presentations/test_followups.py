"""Case follow-ups ("report back"), through the services: asking places a short segment on the
group's next meeting (or waits for one), organizers accept or remove it, the presenter may
withdraw it; what happens around it (the agenda editor, a cancelled meeting, a case gone, the
presenter leaving) is caught up with. Every refusal leaves everything as it was."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from config.errors import NotAllowed
from groups.enums import DepartureReason, Role
from groups.services.membership import leave_group, remove_member
from meetings.enums import MeetingKind, MeetingStatus, SegmentKind
from meetings.models import AgendaSegment, Meeting
from meetings.services import cancel_meeting, set_agenda
from members.models import AuditEntry, Delivery
from portal.privacy import delete_account
from presentations import services
from presentations.enums import PresentationStatus
from presentations.models import (
    FollowUp,
    FollowUpEnd,
    FollowUpReason,
    FollowUpStatus,
    Presentation,
)
from presentations.services import HeldSlotsNeedConfirmation, PresentationError, edit_agenda
from presentations.services import followups as followup_services
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory

pytestmark = pytest.mark.django_db

QUESTION = "How do I re-engage a client who avoids the grief work?"
BACKGROUND = "Weekly sessions for a year; attendance dropped after a loss in the family."


# --- helpers shared by the other test_followups_* modules ----------------------------------------


def presented(group, user, *, days_ago: int = 2, kind: str = SegmentKind.CASE, **fields):
    """A case ``user`` presented at a meeting of ``group`` that started ``days_ago`` days ago."""
    starts_at = (timezone.now() - timedelta(days=days_ago)).replace(microsecond=0)
    past = MeetingFactory(group=group, starts_at=starts_at, title="Past meeting")
    segment = AgendaSegment.objects.create(meeting=past, position=0, kind=kind, minutes=30)
    return Presentation.objects.create(
        segment=segment,
        meeting=past,
        presenter=user,
        case_question=QUESTION,
        case_background=BACKGROUND,
        case_saved_at=timezone.now(),
        **fields,
    )


def upcoming(group, *, days: int, kinds=("check_in", "discussion", "wrap_up")) -> Meeting:
    starts_at = (timezone.now() + timedelta(days=days)).replace(microsecond=0)
    meeting = MeetingFactory(group=group, starts_at=starts_at, title=f"In {days} days")
    for position, kind in enumerate(kinds):
        AgendaSegment.objects.create(meeting=meeting, position=position, kind=kind, minutes=15)
    return meeting


def agenda(meeting) -> list[tuple]:
    return list(
        AgendaSegment.objects.filter(meeting=meeting)
        .order_by("position", "pk")
        .values_list("kind", "title", "minutes")
    )


def snapshot() -> tuple:
    """Everything a follow-up service may write, to show that a refusal wrote nothing."""
    return (
        list(FollowUp.objects.order_by("pk").values()),
        list(AgendaSegment.objects.order_by("pk").values()),
        list(Meeting.objects.order_by("pk").values_list("pk", "sequence")),
        Delivery.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.fixture
def presenter(members):
    return members[0]


@pytest.fixture
def case(group, presenter):
    return presented(group, presenter)


# --- asking ------------------------------------------------------------------------------------


def test_asking_puts_a_ten_minute_follow_up_before_the_wrap_up_of_the_next_meeting(
    group, organizer, presenter, case, meeting
):
    later = upcoming(group, days=12)
    sequence = meeting.sequence

    follow_up = services.ask_follow_up(user=presenter, presentation_id=case.pk)

    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.meeting_id, follow_up.source_id) == (
        FollowUpStatus.PROPOSED,
        meeting.pk,
        case.pk,
    )
    assert (follow_up.presenter_id, follow_up.group_id) == (presenter.pk, group.pk)
    assert follow_up.proposed_at is not None
    assert agenda(meeting) == [
        ("check_in", "", 10),
        ("case", "", 20),
        ("case", "", 20),
        ("topic", "", 15),
        ("follow_up", "Case follow-up", 10),
        ("wrap_up", "", 5),
    ]
    assert list(meeting.segments.order_by("position").values_list("position", flat=True)) == [
        0,
        1,
        2,
        3,
        4,
        5,
    ]
    assert follow_up.segment.meeting_id == meeting.pk
    assert agenda(later) == [("check_in", "", 15), ("discussion", "", 15), ("wrap_up", "", 15)]
    meeting.refresh_from_db()
    assert meeting.sequence == sequence + 1
    verbs = list(AuditEntry.objects.order_by("pk").values_list("verb", "actor_id"))
    assert verbs[-2:] == [("follow_up.asked", presenter.pk), ("follow_up.proposed", None)]
    assert list(
        Delivery.objects.filter(template="follow_up_requested").values_list("recipient_id", "kind")
    ) == [(organizer.pk, "follow_up")]


def test_without_a_wrap_up_the_follow_up_goes_at_the_end(group, organizer, presenter, case):
    meeting = upcoming(group, days=3, kinds=("check_in", "discussion"))

    services.ask_follow_up(user=presenter, presentation_id=case.pk)

    assert agenda(meeting) == [
        ("check_in", "", 15),
        ("discussion", "", 15),
        ("follow_up", "Case follow-up", 10),
    ]


def test_an_empty_agenda_gets_the_follow_up_alone(group, organizer, presenter, case):
    meeting = upcoming(group, days=3, kinds=())

    services.ask_follow_up(user=presenter, presentation_id=case.pk)

    assert agenda(meeting) == [("follow_up", "Case follow-up", 10)]


def test_the_next_meeting_is_the_earliest_scheduled_one_of_the_group_not_yet_started(
    group, organizer, presenter, case
):
    started = MeetingFactory(group=group, starts_at=timezone.now() - timedelta(minutes=5))
    cancelled = upcoming(group, days=2)
    Meeting.objects.filter(pk=cancelled.pk).update(status=MeetingStatus.CANCELLED)
    upcoming(GroupFactory(), days=1)  # another group's
    later = upcoming(group, days=9)
    next_one = upcoming(group, days=4)
    huddle = upcoming(group, days=1)  # a consultation huddle is never "the next meeting"
    Meeting.objects.filter(pk=huddle.pk).update(kind=MeetingKind.HUDDLE)

    follow_up = services.ask_follow_up(user=presenter, presentation_id=case.pk)

    assert follow_up.meeting_id == next_one.pk
    assert not AgendaSegment.objects.filter(
        meeting__in=[started, cancelled, later, huddle], kind=SegmentKind.FOLLOW_UP
    ).exists()


def test_with_no_next_meeting_the_follow_up_waits_and_nobody_is_told(group, organizer, presenter):
    case = presented(group, presenter)

    follow_up = services.ask_follow_up(user=presenter, presentation_id=case.pk)

    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.meeting_id, follow_up.segment_id) == (
        FollowUpStatus.WAITING,
        None,
        None,
    )
    assert not Delivery.objects.filter(template="follow_up_requested").exists()
    assert not AgendaSegment.objects.filter(kind=SegmentKind.FOLLOW_UP).exists()


def test_a_waiting_follow_up_is_placed_once_a_meeting_is_scheduled(group, organizer, presenter):
    case = presented(group, presenter)
    follow_up = services.ask_follow_up(user=presenter, presentation_id=case.pk)
    assert services.attach_waiting_follow_ups() == 0
    meeting = upcoming(group, days=6)

    assert services.attach_waiting_follow_ups() == 1
    assert services.attach_waiting_follow_ups() == 0  # safe to run again

    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.meeting_id) == (FollowUpStatus.PROPOSED, meeting.pk)
    assert agenda(meeting)[-2:] == [("follow_up", "Case follow-up", 10), ("wrap_up", "", 15)]
    assert Delivery.objects.filter(template="follow_up_requested").count() == 1


def test_a_sweep_that_fails_for_one_follow_up_still_places_the_others(
    group, organizer, members, monkeypatch, caplog
):
    first = services.ask_follow_up(user=members[0], presentation_id=presented(group, members[0]).pk)
    second = services.ask_follow_up(
        user=members[1], presentation_id=presented(group, members[1]).pk
    )
    upcoming(group, days=6)
    place = followup_services._place

    def failing_for_the_first(follow_up, now):
        if follow_up.pk == first.pk:
            raise RuntimeError("boom")
        return place(follow_up, now)

    monkeypatch.setattr(followup_services, "_place", failing_for_the_first)

    assert services.attach_waiting_follow_ups() == 1

    assert FollowUp.objects.get(pk=first.pk).status == FollowUpStatus.WAITING
    assert FollowUp.objects.get(pk=second.pk).status == FollowUpStatus.PROPOSED
    assert f"case follow-up {first.pk} could not be updated" in caplog.text


@pytest.mark.parametrize(
    ("who", "error"),
    [("member", NotAllowed), ("organizer", NotAllowed), ("outsider", NotAllowed)],
)
def test_only_the_presenter_may_ask(group, organizer, members, case, meeting, who, error):
    user = {"member": members[1], "organizer": organizer, "outsider": MembershipFactory().user}
    before = snapshot()

    with pytest.raises(error):
        services.ask_follow_up(user=user[who], presentation_id=case.pk)

    assert snapshot() == before


def test_a_presenter_who_left_the_group_may_not_ask(group, presenter, case, meeting):
    leave_group(user=presenter, group=group)
    before = snapshot()

    with pytest.raises(NotAllowed):
        services.ask_follow_up(user=presenter, presentation_id=case.pk)

    assert snapshot() == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": SegmentKind.TOPIC}, "Only a case presentation can be followed up."),
        ({"days_ago": -1}, "You can ask to report back once the meeting has started."),
        ({"cancelled": True}, "This meeting was cancelled, so there is nothing to report back on."),
        (
            {"status": PresentationStatus.INVITED, "invited_until": timezone.now()},
            "You can ask to report back on a case you presented.",
        ),
    ],
)
def test_asking_is_refused_unless_the_case_was_presented(
    group, presenter, meeting, change, message
):
    cancelled = change.pop("cancelled", False)
    case = presented(group, presenter, **change)
    if cancelled:
        Meeting.objects.filter(pk=case.meeting_id).update(status=MeetingStatus.CANCELLED)
    before = snapshot()

    with pytest.raises(PresentationError, match=message):
        services.ask_follow_up(user=presenter, presentation_id=case.pk)

    assert snapshot() == before


def test_a_presentation_that_does_not_exist_is_refused(presenter):
    with pytest.raises(PresentationError, match="no longer exists"):
        services.ask_follow_up(user=presenter, presentation_id=987654)
    with pytest.raises(PresentationError, match="no longer exists"):
        services.withdraw_follow_up(user=presenter, presentation_id=987654)


@pytest.mark.parametrize("has_meeting", [True, False])
def test_one_live_follow_up_per_case(group, organizer, presenter, case, request, has_meeting):
    if has_meeting:
        request.getfixturevalue("meeting")
    services.ask_follow_up(user=presenter, presentation_id=case.pk)
    before = snapshot()

    with pytest.raises(PresentationError, match="already asked"):
        services.ask_follow_up(user=presenter, presentation_id=case.pk)

    assert snapshot() == before


def test_the_database_refuses_a_second_live_follow_up_for_a_case(group, presenter, case):
    FollowUp.objects.create(source=case, presenter=presenter, group=group)

    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUp.objects.create(source=case, presenter=presenter, group=group)


def test_asking_again_after_a_removal_skips_the_meeting_that_said_no(
    group, organizer, presenter, case, meeting
):
    first = services.ask_follow_up(user=presenter, presentation_id=case.pk)
    services.remove_follow_up(
        actor=organizer, meeting=meeting, follow_up_id=first.pk, reason=FollowUpReason.LATER
    )

    again = services.ask_follow_up(user=presenter, presentation_id=case.pk)
    assert (again.status, again.meeting_id) == (FollowUpStatus.WAITING, None)

    later = upcoming(group, days=14)
    assert services.attach_waiting_follow_ups() == 1
    again.refresh_from_db()
    assert again.meeting_id == later.pk
    assert not meeting.segments.filter(kind=SegmentKind.FOLLOW_UP).exists()


def test_asking_again_after_withdrawing_may_use_the_same_meeting(
    group, organizer, presenter, case, meeting
):
    services.ask_follow_up(user=presenter, presentation_id=case.pk)
    services.withdraw_follow_up(user=presenter, presentation_id=case.pk)

    again = services.ask_follow_up(user=presenter, presentation_id=case.pk)

    assert (again.status, again.meeting_id) == (FollowUpStatus.PROPOSED, meeting.pk)
    assert meeting.segments.filter(kind=SegmentKind.FOLLOW_UP).count() == 1


# --- the organizers decide ------------------------------------------------------------------------


@pytest.fixture
def proposed(group, organizer, presenter, case, meeting):
    return services.ask_follow_up(user=presenter, presentation_id=case.pk)


@pytest.mark.parametrize("role", [Role.ORGANIZER, Role.CO_ORGANIZER])
def test_organizers_accept_and_the_presenter_is_told(group, members, meeting, proposed, role):
    actor = members[2]
    group.memberships.filter(user=actor).update(role=role)

    services.accept_follow_up(actor=actor, meeting=meeting, follow_up_id=proposed.pk)

    proposed.refresh_from_db()
    assert (proposed.status, proposed.decided_by_id) == (FollowUpStatus.ACCEPTED, actor.pk)
    assert proposed.decided_at is not None
    assert list(
        Delivery.objects.filter(template="follow_up_accepted").values_list(
            "recipient_id", flat=True
        )
    ) == [proposed.presenter_id]
    assert AuditEntry.objects.filter(verb="follow_up.accepted", actor=actor).count() == 1


def test_accepting_twice_is_refused(organizer, meeting, proposed):
    services.accept_follow_up(actor=organizer, meeting=meeting, follow_up_id=proposed.pk)
    before = snapshot()

    with pytest.raises(PresentationError, match="already accepted"):
        services.accept_follow_up(actor=organizer, meeting=meeting, follow_up_id=proposed.pk)

    assert snapshot() == before


@pytest.mark.parametrize("who", ["presenter", "member", "outsider"])
def test_only_organizers_decide(members, meeting, proposed, who):
    user = {"presenter": members[0], "member": members[1], "outsider": MembershipFactory().user}
    before = snapshot()

    with pytest.raises(NotAllowed):
        services.accept_follow_up(actor=user[who], meeting=meeting, follow_up_id=proposed.pk)
    with pytest.raises(NotAllowed):
        services.remove_follow_up(actor=user[who], meeting=meeting, follow_up_id=proposed.pk)

    assert snapshot() == before


def test_deciding_on_a_follow_up_of_another_meeting_is_refused(group, organizer, proposed):
    other = upcoming(group, days=20)
    before = snapshot()

    for decide in (services.accept_follow_up, services.remove_follow_up):
        with pytest.raises(PresentationError, match="no longer on this meeting's agenda"):
            decide(actor=organizer, meeting=other, follow_up_id=proposed.pk)

    assert snapshot() == before


def test_once_the_meeting_has_started_its_follow_ups_stay_as_they_are(organizer, meeting, proposed):
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(minutes=1))
    before = snapshot()

    with pytest.raises(PresentationError, match="has started"):
        services.remove_follow_up(actor=organizer, meeting=meeting, follow_up_id=proposed.pk)
    with pytest.raises(PresentationError, match="has started"):
        services.withdraw_follow_up(user=proposed.presenter, presentation_id=proposed.source_id)

    assert snapshot() == before


def test_removing_takes_off_only_its_own_segment(organizer, members, meeting, proposed):
    held = services.claim_slot(
        user=members[1], segment_id=meeting.segments.filter(kind="case")[0].pk
    )
    others = list(
        meeting.segments.exclude(pk=proposed.segment_id)
        .order_by("pk")
        .values_list("pk", "position")
    )

    services.remove_follow_up(
        actor=organizer, meeting=meeting, follow_up_id=proposed.pk, reason=FollowUpReason.FULL
    )

    proposed.refresh_from_db()
    assert (proposed.status, proposed.ended_because, proposed.reason) == (
        FollowUpStatus.REMOVED,
        FollowUpEnd.REMOVED,
        FollowUpReason.FULL,
    )
    assert (proposed.segment_id, proposed.meeting_id) == (None, meeting.pk)
    assert proposed.ended_at is not None
    assert proposed.decided_by_id == organizer.pk
    assert list(meeting.segments.order_by("pk").values_list("pk", "position")) == others
    assert Presentation.objects.get(pk=held.pk).presenter_id == members[1].pk
    assert list(
        Delivery.objects.filter(template="follow_up_removed").values_list("recipient_id", flat=True)
    ) == [proposed.presenter_id]


def test_removing_an_accepted_follow_up(organizer, meeting, proposed):
    services.accept_follow_up(actor=organizer, meeting=meeting, follow_up_id=proposed.pk)

    services.remove_follow_up(actor=organizer, meeting=meeting, follow_up_id=proposed.pk)

    proposed.refresh_from_db()
    assert (proposed.status, proposed.reason) == (FollowUpStatus.REMOVED, FollowUpReason.NONE)
    assert not meeting.segments.filter(kind=SegmentKind.FOLLOW_UP).exists()


def test_a_reason_not_on_the_list_is_refused(organizer, meeting, proposed):
    before = snapshot()

    with pytest.raises(PresentationError, match="Choose one of the reasons"):
        services.remove_follow_up(
            actor=organizer, meeting=meeting, follow_up_id=proposed.pk, reason="Jane Smith"
        )

    assert snapshot() == before


def test_removing_twice_is_refused(organizer, meeting, proposed):
    services.remove_follow_up(actor=organizer, meeting=meeting, follow_up_id=proposed.pk)
    before = snapshot()

    with pytest.raises(PresentationError, match="no longer on this meeting's agenda"):
        services.remove_follow_up(actor=organizer, meeting=meeting, follow_up_id=proposed.pk)

    assert snapshot() == before


# --- the presenter withdraws ------------------------------------------------------------------


def test_withdrawing_takes_the_segment_off_and_tells_nobody(organizer, meeting, proposed):
    deliveries = Delivery.objects.count()

    services.withdraw_follow_up(user=proposed.presenter, presentation_id=proposed.source_id)

    proposed.refresh_from_db()
    assert (proposed.status, proposed.ended_because) == (
        FollowUpStatus.REMOVED,
        FollowUpEnd.WITHDRAWN,
    )
    assert not meeting.segments.filter(kind=SegmentKind.FOLLOW_UP).exists()
    assert Delivery.objects.count() == deliveries
    assert AuditEntry.objects.filter(
        verb="follow_up.ended", actor=proposed.presenter, data__because="withdrawn"
    ).exists()


def test_withdrawing_a_waiting_follow_up(group, presenter, case):
    services.ask_follow_up(user=presenter, presentation_id=case.pk)

    follow_up = services.withdraw_follow_up(user=presenter, presentation_id=case.pk)

    assert (follow_up.status, follow_up.ended_because) == (
        FollowUpStatus.REMOVED,
        FollowUpEnd.WITHDRAWN,
    )


def test_withdrawing_with_nothing_asked_is_refused(group, presenter, case, meeting):
    before = snapshot()

    with pytest.raises(PresentationError, match="no request"):
        services.withdraw_follow_up(user=presenter, presentation_id=case.pk)

    assert snapshot() == before


def test_only_the_presenter_withdraws(members, proposed):
    before = snapshot()

    with pytest.raises(NotAllowed):
        services.withdraw_follow_up(user=members[1], presentation_id=proposed.source_id)

    assert snapshot() == before


# --- what happens around a follow-up ------------------------------------------------------------


def _rows_without_follow_ups(meeting) -> list[dict]:
    """The agenda as the editor posts it, without the follow-ups' rows."""
    return [
        {"id": s.pk, "kind": s.kind, "title": s.title, "minutes": s.minutes}
        for s in meeting.segments.exclude(kind=SegmentKind.FOLLOW_UP).order_by("position")
    ]


def _edit_out_follow_up(organizer, meeting, follow_up):
    """The organizer saves the agenda without the follow-up's row, confirming it (the agenda
    editor)."""
    return edit_agenda(
        actor=organizer,
        meeting=meeting,
        segments=_rows_without_follow_ups(meeting),
        confirmed_follow_ups={follow_up.pk},
    )


def test_deleting_the_segment_in_the_agenda_editor_asks_to_confirm_naming_the_presenter(
    organizer, presenter, meeting, proposed
):
    before = snapshot()

    with pytest.raises(HeldSlotsNeedConfirmation) as refused:
        edit_agenda(actor=organizer, meeting=meeting, segments=_rows_without_follow_ups(meeting))

    assert refused.value.held == []
    assert [f.pk for f in refused.value.follow_ups] == [proposed.pk]
    assert refused.value.follow_ups[0].removal_label == (
        f"Remove {presenter}'s case follow-up — they are told by e-mail and may ask again for "
        "a later meeting"
    )
    assert "removes 1 slot that a member holds" in str(refused.value)
    assert snapshot() == before


def test_confirming_another_id_does_not_count(organizer, meeting, proposed):
    before = snapshot()

    with pytest.raises(HeldSlotsNeedConfirmation):
        edit_agenda(
            actor=organizer,
            meeting=meeting,
            segments=_rows_without_follow_ups(meeting),
            confirmed={proposed.pk},  # a presentation id: not this follow-up
            confirmed_follow_ups={proposed.pk + 1},
        )

    assert snapshot() == before


@pytest.mark.parametrize("accepted", [False, True])
def test_deleting_the_segment_in_the_agenda_editor_ends_the_follow_up_and_tells_the_presenter(
    organizer, meeting, proposed, accepted
):
    if accepted:
        services.accept_follow_up(actor=organizer, meeting=meeting, follow_up_id=proposed.pk)
    segment_id = proposed.segment_id

    removed = _edit_out_follow_up(organizer, meeting, proposed)

    assert removed == [proposed]
    assert removed[0].kept_draft is False
    assert not AgendaSegment.objects.filter(pk=segment_id).exists()
    proposed.refresh_from_db()
    assert (proposed.status, proposed.ended_because, proposed.segment_id) == (
        FollowUpStatus.REMOVED,
        FollowUpEnd.AGENDA_EDITED,
        None,
    )
    assert (proposed.meeting_id, proposed.decided_by_id) == (meeting.pk, organizer.pk)
    entry = AuditEntry.objects.filter(verb="follow_up.ended").get()
    assert (entry.actor, entry.subject, entry.data) == (
        organizer,
        proposed.presenter,
        {"because": FollowUpEnd.AGENDA_EDITED},
    )
    removed_mail = Delivery.objects.get(template="follow_up_removed")
    assert (removed_mail.recipient_id, removed_mail.context["actor"]) == (
        proposed.presenter_id,
        organizer.pk,
    )
    assert services.attach_waiting_follow_ups() == 0
    assert Delivery.objects.filter(template="follow_up_removed").count() == 1


def test_a_presenter_editing_out_their_own_follow_up_gets_no_email(group, presenter, case, meeting):
    group.memberships.filter(user=presenter).update(role=Role.ORGANIZER)
    follow_up = services.ask_follow_up(user=presenter, presentation_id=case.pk)

    _edit_out_follow_up(presenter, meeting, follow_up)

    follow_up.refresh_from_db()
    assert follow_up.ended_because == FollowUpEnd.AGENDA_EDITED
    assert not Delivery.objects.filter(recipient=presenter).exists()


def test_removing_ones_slot_and_follow_up_in_one_edit_sends_one_email(
    organizer, presenter, meeting, proposed
):
    held = services.assign_slot(
        actor=organizer,
        segment_id=meeting.segments.filter(kind="case").first().pk,
        user_id=presenter.pk,
    )
    rows = [row for row in _rows_without_follow_ups(meeting) if row["id"] != held.segment_id]

    removed = edit_agenda(
        actor=organizer,
        meeting=meeting,
        segments=rows,
        confirmed={held.pk},
        confirmed_follow_ups={proposed.pk},
    )

    assert [type(item).__name__ for item in removed] == ["Presentation", "FollowUp"]
    told = Delivery.objects.filter(recipient=presenter).exclude(template="slot_assigned")
    assert list(told.values_list("template", flat=True)) == ["slot_released"]
    assert told.get().context["slots"] == ["Case presentation", "Case follow-up"]
    proposed.refresh_from_db()
    assert proposed.ended_because == FollowUpEnd.AGENDA_EDITED


def test_once_the_meeting_has_started_the_editor_keeps_its_follow_ups(organizer, meeting, proposed):
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    before = snapshot()

    with pytest.raises(PresentationError, match="has started"):
        _edit_out_follow_up(organizer, meeting, proposed)

    assert snapshot() == before


@pytest.mark.parametrize("new_row", [True, False])
def test_no_row_becomes_a_follow_up_in_the_agenda_editor(organizer, meeting, new_row):
    rows = _rows_without_follow_ups(meeting)
    if new_row:
        rows.append({"id": None, "kind": SegmentKind.FOLLOW_UP, "title": "", "minutes": 5})
    else:
        rows[0]["kind"] = SegmentKind.FOLLOW_UP
    before = snapshot()

    with pytest.raises(PresentationError, match="added when a presenter asks"):
        edit_agenda(actor=organizer, meeting=meeting, segments=rows)

    assert snapshot() == before


def test_keeping_a_follow_up_row_needs_no_confirmation(organizer, meeting, proposed):
    rows = [
        {"id": s.pk, "kind": s.kind, "title": s.title, "minutes": s.minutes}
        for s in meeting.segments.order_by("-position")
    ]

    assert edit_agenda(actor=organizer, meeting=meeting, segments=rows) == []

    proposed.refresh_from_db()
    assert (proposed.status, proposed.segment.position) == (FollowUpStatus.PROPOSED, 1)


def test_a_segment_deleted_outside_the_editor_ends_the_follow_up_at_the_sweep(
    organizer, meeting, proposed
):
    """The catch-up for a writer other than the agenda editor (``set_agenda`` alone)."""
    set_agenda(actor=organizer, meeting=meeting, segments=_rows_without_follow_ups(meeting))
    proposed.refresh_from_db()
    assert (proposed.status, proposed.segment_id) == (FollowUpStatus.PROPOSED, None)
    assert proposed.shown_status == FollowUpStatus.REMOVED

    assert services.attach_waiting_follow_ups() == 0

    proposed.refresh_from_db()
    assert (proposed.status, proposed.ended_because) == (
        FollowUpStatus.REMOVED,
        FollowUpEnd.AGENDA_EDITED,
    )
    removed = Delivery.objects.get(template="follow_up_removed")
    assert removed.recipient_id == proposed.presenter_id
    services.attach_waiting_follow_ups()
    assert Delivery.objects.filter(template="follow_up_removed").count() == 1


def test_asking_again_after_the_agenda_editor_removed_it_skips_that_meeting(
    group, organizer, presenter, case, meeting, proposed
):
    _edit_out_follow_up(organizer, meeting, proposed)
    later = upcoming(group, days=15)

    again = services.ask_follow_up(user=presenter, presentation_id=case.pk)

    proposed.refresh_from_db()
    assert proposed.ended_because == FollowUpEnd.AGENDA_EDITED
    assert again.meeting_id == later.pk  # not the meeting whose organizers took it off


def test_asking_again_after_its_segment_went_catches_up_first(
    group, organizer, presenter, case, meeting, proposed
):
    set_agenda(actor=organizer, meeting=meeting, segments=_rows_without_follow_ups(meeting))
    later = upcoming(group, days=15)

    again = services.ask_follow_up(user=presenter, presentation_id=case.pk)

    proposed.refresh_from_db()
    assert proposed.ended_because == FollowUpEnd.AGENDA_EDITED
    assert again.meeting_id == later.pk


def test_deciding_after_the_agenda_editor_removed_it_is_refused(organizer, meeting, proposed):
    _edit_out_follow_up(organizer, meeting, proposed)

    with pytest.raises(PresentationError, match="no longer on this meeting's agenda"):
        services.accept_follow_up(actor=organizer, meeting=meeting, follow_up_id=proposed.pk)
    with pytest.raises(PresentationError, match="no request"):
        services.withdraw_follow_up(user=proposed.presenter, presentation_id=proposed.source_id)


@pytest.mark.parametrize("accepted", [False, True])
def test_a_cancelled_meeting_sends_the_follow_up_on_to_the_next_one(
    group, organizer, meeting, proposed, accepted
):
    if accepted:
        services.accept_follow_up(actor=organizer, meeting=meeting, follow_up_id=proposed.pk)
    later = upcoming(group, days=14)
    cancel_meeting(actor=organizer, meeting=meeting)
    proposed.refresh_from_db()
    assert proposed.shown_status == FollowUpStatus.WAITING

    services.attach_waiting_follow_ups()

    proposed.refresh_from_db()
    assert (proposed.status, proposed.meeting_id) == (FollowUpStatus.PROPOSED, later.pk)
    assert proposed.decided_by_id is None
    assert not meeting.segments.filter(kind=SegmentKind.FOLLOW_UP).exists()
    assert later.segments.filter(kind=SegmentKind.FOLLOW_UP).count() == 1
    requested = Delivery.objects.filter(template="follow_up_requested")
    assert sorted(requested.values_list("dedupe_key", flat=True)) == sorted(
        [f"m{meeting.pk}", f"m{later.pk}"]
    )


def test_a_cancelled_meeting_with_none_after_it_leaves_the_follow_up_waiting(
    organizer, meeting, proposed
):
    cancel_meeting(actor=organizer, meeting=meeting)

    services.attach_waiting_follow_ups()

    proposed.refresh_from_db()
    assert (proposed.status, proposed.meeting_id, proposed.segment_id) == (
        FollowUpStatus.WAITING,
        None,
        None,
    )
    assert AuditEntry.objects.filter(verb="follow_up.waiting_again").count() == 1


def test_a_deleted_meeting_sends_the_follow_up_on_to_the_next_one(group, meeting, proposed):
    later = upcoming(group, days=14)
    meeting.delete()
    proposed.refresh_from_db()
    assert proposed.shown_status == FollowUpStatus.WAITING

    services.attach_waiting_follow_ups()

    proposed.refresh_from_db()
    assert (proposed.status, proposed.meeting_id) == (FollowUpStatus.PROPOSED, later.pk)


@pytest.mark.parametrize("placed", [True, False])
def test_a_case_that_is_gone_ends_its_follow_up(group, presenter, case, request, placed):
    meeting = request.getfixturevalue("meeting") if placed else None
    follow_up = services.ask_follow_up(user=presenter, presentation_id=case.pk)
    Meeting.objects.filter(pk=case.meeting_id).delete()  # the case with it
    follow_up.refresh_from_db()
    assert follow_up.source_id is None
    if placed:
        assert follow_up.shown_status == FollowUpStatus.REMOVED

    services.attach_waiting_follow_ups()

    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.ended_because) == (
        FollowUpStatus.REMOVED,
        FollowUpEnd.CASE_GONE,
    )
    if meeting is not None:
        assert not meeting.segments.filter(kind=SegmentKind.FOLLOW_UP).exists()
    assert follow_up.get_absolute_url() == group.get_absolute_url()


# --- the presenter leaves -----------------------------------------------------------------------


@pytest.mark.parametrize("how", ["left", "removed"])
def test_leaving_the_group_ends_the_follow_ups_there_only(
    group, organizer, presenter, case, meeting, how
):
    placed = services.ask_follow_up(user=presenter, presentation_id=case.pk)
    other_case = presented(group, presenter, days_ago=30)
    waiting_case = presented(group, presenter, days_ago=20)
    waiting = FollowUp.objects.create(source=waiting_case, presenter=presenter, group=group)
    ended = services.ask_follow_up(user=presenter, presentation_id=other_case.pk)
    services.withdraw_follow_up(user=presenter, presentation_id=other_case.pk)
    elsewhere = GroupFactory()
    MembershipFactory(group=elsewhere, user=presenter)
    upcoming(elsewhere, days=5)
    kept = services.ask_follow_up(
        user=presenter, presentation_id=presented(elsewhere, presenter).pk
    )
    deliveries = Delivery.objects.filter(template__startswith="follow_up").count()

    if how == "left":
        leave_group(user=presenter, group=group)
    else:
        membership = group.memberships.get(user=presenter)
        remove_member(actor=organizer, group=group, membership_id=membership.pk)

    because = FollowUpEnd.LEFT_GROUP if how == "left" else FollowUpEnd.REMOVED_FROM_GROUP
    for follow_up in (placed, waiting):
        follow_up.refresh_from_db()
        assert (follow_up.status, follow_up.ended_because) == (FollowUpStatus.REMOVED, because)
    ended.refresh_from_db()
    assert ended.ended_because == FollowUpEnd.WITHDRAWN
    kept.refresh_from_db()
    assert kept.status == FollowUpStatus.PROPOSED
    assert not meeting.segments.filter(kind=SegmentKind.FOLLOW_UP).exists()
    assert Delivery.objects.filter(template__startswith="follow_up").count() == deliveries


def test_deleting_the_account_ends_every_follow_up(group, organizer, presenter, case, meeting):
    follow_up = services.ask_follow_up(user=presenter, presentation_id=case.pk)

    delete_account(user=presenter)

    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.ended_because) == (
        FollowUpStatus.REMOVED,
        FollowUpEnd.ACCOUNT_DELETED,
    )
    assert not meeting.segments.filter(kind=SegmentKind.FOLLOW_UP).exists()


def test_end_follow_ups_maps_every_way_out():
    assert set(followup_services.DEPARTURE_ENDINGS) == set(DepartureReason.values)


# --- the model --------------------------------------------------------------------------------


def test_the_string_of_a_follow_up_names_no_one_and_nothing_written(proposed):
    assert str(proposed) == f"Case follow-up #{proposed.pk} (proposed)"
    assert proposed.get_absolute_url() == f"/presentations/{proposed.source_id}/follow-up/"
