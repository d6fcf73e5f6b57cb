"""Scheduling polls through their services: opening, answering, closing (by an organizer or
at the deadline), reminding those who have not answered, and turning the chosen time into a
meeting or a series. Each action tells the people it concerns once, never the one who acted."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from config.errors import NotAllowed
from groups.enums import Role
from groups.models import Group
from groups.services.membership import leave_group
from meetings.models import Meeting
from members.enums import NotificationKind
from members.models import AuditEntry, Delivery, NotificationPreference
from members.notifications import dispatch_due
from polls import selectors, services
from polls.enums import Availability, Repeat
from polls.forms import exists
from polls.models import Poll, PollAnswer
from polls.services import PollError
from portal.privacy import delete_account, export_user_data
from tests.factories import AdminFactory, MembershipFactory, UserFactory
from tests.polls.helpers import DENVER, answer, denver, open_poll

pytestmark = pytest.mark.django_db

YES, MAYBE, NO = Availability.YES, Availability.IF_NEED_BE, Availability.NO


def _told(template: str) -> set[int]:
    return set(Delivery.objects.filter(template=template).values_list("recipient_id", flat=True))


def _ids(*users) -> set[int]:
    return {u.pk for u in users}


# --- opening --------------------------------------------------------------------------------


def test_create_poll_stores_times_sorted_in_utc_and_tells_every_other_member(
    group, organizer, dana, mia, max_
):
    later, sooner = denver(9, 7, 30), denver(8, 19)
    poll = open_poll(organizer, group, times=[later, sooner, later], note="Our autumn plan")
    assert [o.starts_at for o in poll.options.all()] == [sooner, later]
    assert poll.options.first().starts_at.astimezone(DENVER).hour == 19
    assert poll.note == "Our autumn plan" and poll.created_by == organizer
    assert _told("poll_opened") == _ids(dana, mia, max_)
    entry = AuditEntry.objects.get(verb="poll.opened")
    assert (entry.actor, entry.data) == (organizer, {"options": 2})


@pytest.mark.parametrize(
    ("times", "closes", "message"),
    [
        ([8], 5, "Propose at least 2 different times."),
        ([8, 8], 5, "Propose at least 2 different times."),
        ([-1, 8], -2, "Every proposed time must be in the future."),
        ([8, 9], -1, "The poll must close in the future."),
        ([8, 9], 8.5, "The poll must close before the first proposed time."),
        (list(range(3, 16)), 2, "Propose at most 12 times."),
    ],
)
def test_create_poll_refuses_bad_times_and_saves_nothing(group, organizer, times, closes, message):
    now = timezone.now()
    with pytest.raises(PollError, match=message):
        services.create_poll(
            actor=organizer,
            group=group,
            title="Next",
            options=[now + timedelta(days=d) for d in times],
            closes_at=now + timedelta(days=closes),
        )
    assert Poll.objects.count() == 0 and Delivery.objects.count() == 0


def test_create_poll_is_for_organizers_and_co_organizers(group, organizer, dana):
    co = MembershipFactory(group=group, role=Role.CO_ORGANIZER).user
    assert open_poll(co, group).created_by == co
    for someone in (dana, UserFactory(), AdminFactory()):
        with pytest.raises(NotAllowed):
            open_poll(someone, group)
    assert Poll.objects.count() == 1


def test_create_poll_guards_title_and_note(group, organizer):
    with pytest.raises(services.IdentifiersInPoll):
        open_poll(organizer, group, note="To talk about Jane Smithson, born 04/12/1980")
    assert Poll.objects.count() == 0


def test_create_poll_needs_a_title(group, organizer):
    with pytest.raises(PollError, match="title"):
        open_poll(organizer, group, title="   ")


# --- answering ------------------------------------------------------------------------------


def test_answer_poll_saves_and_changes_one_answer_per_time(group, organizer, dana):
    poll = open_poll(organizer, group)
    answer(dana, poll, YES, MAYBE, NO)
    answer(dana, poll, NO, YES, YES)
    assert list(
        PollAnswer.objects.filter(user=dana)
        .order_by("option__starts_at")
        .values_list("answer", flat=True)
    ) == [NO, YES, YES]


def test_answer_poll_needs_every_time_and_known_answers(group, organizer, dana):
    poll = open_poll(organizer, group)
    first = poll.options.first()
    with pytest.raises(PollError, match="Answer every proposed time"):
        services.answer_poll(user=dana, poll=poll, answers={first.pk: YES})
    ids = list(poll.options.values_list("pk", flat=True))
    with pytest.raises(PollError, match="yes, if need be or no"):
        services.answer_poll(user=dana, poll=poll, answers=dict.fromkeys(ids, "perhaps"))
    other = open_poll(organizer, group)
    with pytest.raises(PollError, match="Answer every proposed time"):
        services.answer_poll(
            user=dana,
            poll=poll,
            answers=dict.fromkeys(other.options.values_list("pk", flat=True), YES),
        )
    assert PollAnswer.objects.count() == 0


def test_answer_poll_is_for_members_only(group, organizer):
    poll = open_poll(organizer, group)
    ids = poll.options.values_list("pk", flat=True)
    for outsider in (UserFactory(), AdminFactory()):
        with pytest.raises(NotAllowed):
            services.answer_poll(user=outsider, poll=poll, answers=dict.fromkeys(ids, YES))
    assert PollAnswer.objects.count() == 0


def test_answer_poll_refused_once_closed_or_past_its_deadline(group, organizer, dana):
    poll = open_poll(organizer, group)
    services.close_poll(poll=poll, actor=organizer)
    with pytest.raises(PollError, match="closed"):
        answer(dana, poll, YES, YES, YES)
    late = open_poll(organizer, group)
    Poll.objects.filter(pk=late.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(PollError, match="closed"):
        answer(dana, late, YES, YES, YES)
    assert PollAnswer.objects.count() == 0


# --- results --------------------------------------------------------------------------------


def test_results_rank_by_who_can_come_then_by_yes_and_count_current_members_only(
    group, organizer, dana, mia, max_
):
    poll = open_poll(organizer, group)
    answer(dana, poll, YES, MAYBE, NO)
    answer(mia, poll, MAYBE, YES, NO)
    answer(max_, poll, YES, NO, YES)
    results = selectors.results_of(poll, dana)
    assert [(r.yes, r.if_need_be, r.no) for r in results.options] == [
        (2, 1, 0),
        (1, 1, 1),
        (1, 0, 2),
    ]
    assert [r.best for r in results.options] == [True, False, False]
    assert results.mine == {
        r.option.pk: a for r, a in zip(results.options, [YES, MAYBE, NO], strict=True)
    }
    assert {u.pk for u in results.waiting} == {organizer.pk}
    leave_group(user=max_, group=group)
    results = selectors.results_of(poll, dana)
    assert [(r.yes, r.if_need_be, r.no) for r in results.options] == [
        (1, 1, 0),
        (1, 1, 0),
        (0, 0, 2),
    ]
    assert [r.best for r in results.options] == [True, True, False]
    assert PollAnswer.objects.filter(user=max_).count() == 3  # theirs, no longer counted


def test_results_have_no_best_time_before_anyone_can_come(group, organizer, dana):
    poll = open_poll(organizer, group)
    assert selectors.results_of(poll, dana).best == []
    answer(dana, poll, NO, NO, NO)
    assert selectors.results_of(poll, dana).best == []


# --- closing --------------------------------------------------------------------------------


def test_close_poll_by_an_organizer_tells_the_other_organizers(group, organizer, dana):
    co = MembershipFactory(group=group, role=Role.CO_ORGANIZER).user
    poll = open_poll(organizer, group)
    services.close_poll(poll=poll, actor=organizer)
    poll.refresh_from_db()
    assert poll.closed_at is not None and not poll.is_open()
    assert _told("poll_closed") == {co.pk}
    with pytest.raises(PollError, match="already closed"):
        services.close_poll(poll=poll, actor=co)
    with pytest.raises(NotAllowed):
        services.close_poll(poll=open_poll(organizer, group), actor=dana)


def test_close_due_polls_closes_at_the_deadline_and_tells_every_organizer(group, organizer):
    co = MembershipFactory(group=group, role=Role.CO_ORGANIZER).user
    poll = open_poll(organizer, group)
    assert services.close_due_polls() == 0
    after = poll.closes_at + timedelta(seconds=1)
    assert services.close_due_polls(now=after) == 1
    assert services.close_due_polls(now=after) == 0
    poll.refresh_from_db()
    assert poll.closed_at == after
    assert _told("poll_closed") == _ids(organizer, co)
    assert AuditEntry.objects.get(verb="poll.closed").actor is None


def test_close_due_polls_goes_on_after_one_fails(group, organizer, monkeypatch):
    first, second = open_poll(organizer, group), open_poll(organizer, group)
    real = services.close_poll

    def flaky(*, poll, **kwargs):
        if poll.pk == first.pk:
            raise RuntimeError("boom")
        return real(poll=poll, **kwargs)

    monkeypatch.setattr(services, "close_poll", flaky)
    assert services.close_due_polls(now=second.closes_at + timedelta(seconds=1)) == 1
    assert Poll.objects.get(pk=second.pk).closed_at is not None
    assert Poll.objects.get(pk=first.pk).closed_at is None


# --- reminders ------------------------------------------------------------------------------


def test_reminder_a_day_before_goes_once_to_members_who_have_not_answered(
    group, organizer, dana, mia, max_
):
    poll = open_poll(organizer, group)
    answer(dana, poll, YES, YES, NO)
    newcomer = UserFactory()
    MembershipFactory(group=group, user=newcomer)  # joined since the poll opened
    NotificationPreference.objects.create(user=max_, kind=NotificationKind.POLL, enabled=False)
    day_before = poll.closes_at - timedelta(hours=23)
    dispatch_due(now=day_before)
    dispatch_due(now=day_before + timedelta(hours=1))
    reminders = Delivery.objects.filter(template="poll_closing")
    assert sorted(reminders.values_list("recipient_id", flat=True)) == sorted(
        _ids(organizer, mia, newcomer)
    )
    assert {d.due_at for d in reminders} == {poll.closes_at - timedelta(hours=24)}


def test_no_reminder_for_a_poll_opened_less_than_two_days_before_it_closes(group, organizer):
    poll = open_poll(organizer, group, closes_at=timezone.now() + timedelta(hours=30))
    dispatch_due(now=poll.closes_at - timedelta(hours=2))
    assert not Delivery.objects.filter(template="poll_closing").exists()


# --- scheduling -----------------------------------------------------------------------------


def test_schedule_once_makes_the_meeting_closes_the_poll_and_tells_the_members(
    group, organizer, dana, mia, max_
):
    poll = open_poll(organizer, group)
    chosen = poll.options.all()[1]
    poll = services.schedule_from_poll(
        actor=organizer, poll=poll, option_id=chosen.pk, title="Autumn kick-off"
    )
    meeting = Meeting.objects.get(group=group)
    assert (meeting.starts_at, meeting.title) == (chosen.starts_at, "Autumn kick-off")
    assert meeting.ends_at - meeting.starts_at == timedelta(minutes=poll.duration_minutes)
    assert (poll.meeting, poll.chosen, poll.series) == (meeting, chosen, None)
    assert poll.closed_at is not None and poll.scheduled_at is not None
    assert _told("poll_scheduled") == _ids(dana, mia, max_)
    assert not Delivery.objects.filter(template="poll_closed").exists()
    with pytest.raises(PollError, match="already scheduled"):
        services.schedule_from_poll(actor=organizer, poll=poll, option_id=chosen.pk)
    assert Meeting.objects.filter(group=group).count() == 1


@pytest.mark.parametrize(("repeat", "gap_days"), [(Repeat.WEEKLY, 7), (Repeat.BIWEEKLY, 14)])
def test_schedule_a_weekly_series_from_the_chosen_time(group, organizer, repeat, gap_days):
    poll = open_poll(organizer, group)
    chosen = poll.options.first()
    poll = services.schedule_from_poll(
        actor=organizer, poll=poll, option_id=chosen.pk, repeat=repeat
    )
    meetings = list(Meeting.objects.filter(group=group).order_by("starts_at"))
    assert poll.series is not None and poll.meeting == meetings[0]
    assert meetings[0].starts_at == chosen.starts_at
    local = [m.starts_at.astimezone(DENVER) for m in meetings]
    assert {(t.weekday(), t.hour, t.minute) for t in local} == {
        (chosen.starts_at.astimezone(DENVER).weekday(), 19, 0)
    }
    assert (local[1].date() - local[0].date()).days == gap_days


def test_schedule_a_monthly_series_keeps_the_weekday_of_the_month(group, organizer):
    poll = open_poll(organizer, group)
    chosen = poll.options.first()
    services.schedule_from_poll(
        actor=organizer, poll=poll, option_id=chosen.pk, repeat=Repeat.MONTHLY
    )
    local = [
        m.starts_at.astimezone(DENVER)
        for m in Meeting.objects.filter(group=group).order_by("starts_at")
    ]
    first = chosen.starts_at.astimezone(DENVER)
    assert local[0] == first
    nth = (first.day - 1) // 7
    for when in local[1:]:
        assert when.weekday() == first.weekday() and when.hour == 19
        if nth < 4:
            assert (when.day - 1) // 7 == nth


def test_series_rule_for_a_fifth_weekday_is_the_last_one():
    assert services.series_rule(datetime(2027, 3, 29, 19), Repeat.MONTHLY).endswith("BYDAY=-1MO")
    assert services.series_rule(datetime(2027, 3, 8, 19), Repeat.MONTHLY).endswith("BYDAY=+2MO")


def test_schedule_refuses_a_past_time_another_polls_time_and_members(group, organizer, dana):
    poll = open_poll(organizer, group)
    other = open_poll(organizer, group)
    with pytest.raises(PollError, match="Choose one of the proposed times"):
        services.schedule_from_poll(actor=organizer, poll=poll, option_id=other.options.first().pk)
    with pytest.raises(NotAllowed):
        services.schedule_from_poll(actor=dana, poll=poll, option_id=poll.options.first().pk)
    first = poll.options.first()
    type(first).objects.filter(pk=first.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    with pytest.raises(PollError, match="That time has passed"):
        services.schedule_from_poll(actor=organizer, poll=poll, option_id=first.pk)
    with pytest.raises(PollError, match="how the series repeats"):
        services.schedule_from_poll(
            actor=organizer, poll=poll, option_id=poll.options.last().pk, repeat="yearly"
        )
    assert Meeting.objects.count() == 0
    assert Poll.objects.get(pk=poll.pk).closed_at is None


def test_scheduled_poll_survives_its_meeting_being_deleted(group, organizer):
    poll = open_poll(organizer, group)
    poll = services.schedule_from_poll(
        actor=organizer, poll=poll, option_id=poll.options.first().pk
    )
    Meeting.objects.filter(pk=poll.meeting_id).delete()
    poll.refresh_from_db()
    assert poll.meeting is None and poll.scheduled_at is not None and poll.chosen is not None


def test_polls_waiting_for_lists_open_unanswered_polls_in_my_groups(group, organizer, dana):
    first, second = open_poll(organizer, group), open_poll(organizer, group)
    answer(dana, first, YES, YES, YES)
    services.close_poll(poll=open_poll(organizer, group), actor=organizer)
    assert selectors.polls_waiting_for(dana, {group.pk: group}) == [second]
    assert selectors.polls_waiting_for(UserFactory(), {}) == []


def test_two_readings_of_one_moment_are_one_time(group, organizer):
    """02:30 on the night Denver's clocks go forward is the moment of 03:30."""
    day = timezone.localdate()
    while exists(day, time(2, 30), "America/Denver"):
        day += timedelta(days=1)
    skipped = datetime.combine(day, time(2, 30), tzinfo=DENVER)
    real = datetime.combine(day, time(3, 30), tzinfo=DENVER)
    poll = open_poll(organizer, group, times=[skipped, real, real + timedelta(days=1)])
    assert [o.starts_at for o in poll.options.all()] == [real, real + timedelta(days=1)]


def test_my_data_export_holds_my_poll_answers_only(group, organizer, dana, mia):
    poll = open_poll(organizer, group, title="Spring")
    answer(dana, poll, YES, MAYBE, NO)
    answer(mia, poll, NO, NO, NO)
    mine = export_user_data(dana)["poll_answers"]
    assert [(row["poll"], row["answer"]) for row in mine] == [
        ("Spring", YES),
        ("Spring", MAYBE),
        ("Spring", NO),
    ]
    assert mine[0]["time"] == poll.options.first().starts_at.isoformat()


def test_deleting_an_account_takes_its_answers_and_keeps_the_poll(group, organizer, dana):
    poll = open_poll(organizer, group)
    answer(dana, poll, YES, YES, YES)
    MembershipFactory(group=group, role=Role.CO_ORGANIZER)  # someone to hand the group on to
    delete_account(user=dana)
    assert PollAnswer.objects.count() == 0 and Poll.objects.filter(pk=poll.pk).exists()


def test_a_paused_group_does_not_poll_nor_remind(group, organizer, dana):
    poll = open_poll(organizer, group)
    Group.objects.filter(pk=group.pk).update(status="paused")
    group.refresh_from_db()
    with pytest.raises(PollError, match="paused or archived"):
        open_poll(organizer, group)
    with pytest.raises(PollError, match="paused or archived"):
        services.schedule_from_poll(
            actor=organizer, poll=Poll.objects.get(pk=poll.pk), option_id=poll.options.first().pk
        )
    dispatch_due(now=poll.closes_at - timedelta(hours=23))
    assert not Delivery.objects.filter(template="poll_closing").exists()
