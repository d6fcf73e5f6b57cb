"""Scheduling polls ("find a time"): an organizer proposes times in the group's zone, members
answer each yes / if need be / no until the deadline, and the chosen time becomes a meeting or
a series in one step. Every write here: checked by a rule, atomic, audited, and the people it
concerns told once (``polls/notifications.py``), never the person who acted."""

import logging
import zoneinfo
from collections.abc import Iterable
from datetime import UTC, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from config import pagecache
from config.access import check
from config.errors import DomainError
from config.guard import IdentifiersFound, check_free_text
from groups.enums import GroupStatus
from groups.models import Group
from meetings import recurrence
from meetings import services as meeting_services
from meetings.enums import RecurrenceKind
from members.models import User
from members.services import record_audit
from polls import notifications
from polls.enums import Availability, Repeat
from polls.models import Poll, PollAnswer, PollOption

logger = logging.getLogger(__name__)

MIN_OPTIONS = 2
MAX_OPTIONS = 12
TEXT_FIELDS = ("title", "note")


class PollError(DomainError):
    """A poll action refused for a reason the person can act on; the message says which."""


class IdentifiersInPoll(IdentifiersFound, PollError):
    """The title or note contains what looks like client identifiers; nothing was saved."""

    def __init__(self, findings):
        IdentifiersFound.__init__(self, findings)


def _guard(data: dict, confirmed: Iterable[str]) -> None:
    """The form's guard (config/guard.py) again, for any caller."""
    try:
        check_free_text(data, TEXT_FIELDS, confirmed)
    except IdentifiersFound as exc:
        raise IdentifiersInPoll(exc.findings) from None


def _locked(poll: Poll) -> Poll:
    """The poll under its row lock, fresh, with its group (and what the loader recorded on the
    poll about its viewer, so the rules ask nothing more)."""
    locked = Poll.objects.select_for_update(of=("self",)).select_related("group").get(pk=poll.pk)
    for name in ("viewer_id", "viewer_membership"):
        if hasattr(poll, name):
            setattr(locked, name, getattr(poll, name))
    return locked


def check_times(
    *, options: list[datetime], closes_at: datetime, now: datetime | None = None
) -> list[datetime]:
    """The proposed times to the minute, sorted and without repeats; refused with a sentence when there are
    too few or too many, one has passed, or the deadline is not before the first of them."""
    now = now or timezone.now()
    # Compared as instants (UTC): two readings of one moment across a clock change are one.
    times = sorted({t.astimezone(UTC).replace(second=0, microsecond=0) for t in options})
    if len(times) < MIN_OPTIONS:
        raise PollError(
            ngettext(
                "Propose at least %(count)s different time.",
                "Propose at least %(count)s different times.",
                MIN_OPTIONS,
            )
            % {"count": MIN_OPTIONS}
        )
    if len(times) > MAX_OPTIONS:
        raise PollError(
            ngettext(
                "Propose at most %(count)s time.", "Propose at most %(count)s times.", MAX_OPTIONS
            )
            % {"count": MAX_OPTIONS}
        )
    if times[0] <= now:
        raise PollError(_("Every proposed time must be in the future."))
    if closes_at <= now:
        raise PollError(_("The poll must close in the future."))
    if closes_at > times[0]:
        raise PollError(_("The poll must close before the first proposed time."))
    return times


@transaction.atomic
def create_poll(
    *,
    actor: User,
    group: Group,
    title: str,
    options: list[datetime],
    closes_at: datetime,
    duration_minutes: int = 90,
    note: str = "",
    confirmed: Iterable[str] = (),
) -> Poll:
    """An organizer proposes times; every other member is asked to answer."""
    check(actor, "polls.add_poll", group)
    if group.status != GroupStatus.ACTIVE:
        raise PollError(_("The group is paused or archived: it is not finding times now."))
    title, note = (title or "").strip(), (note or "").strip()
    if not title:
        raise PollError(_("Give the poll a title."))
    _guard({"title": title, "note": note}, confirmed)
    times = check_times(options=options, closes_at=closes_at)
    poll = Poll(
        group=group,
        title=title,
        note=note,
        duration_minutes=duration_minutes,
        closes_at=closes_at,
        created_by=actor,
    )
    poll.full_clean()
    poll.save()
    with pagecache.announced(PollOption, [f"g:{group.pk}"]):
        PollOption.objects.bulk_create(PollOption(poll=poll, starts_at=t) for t in times)
    record_audit(
        actor=actor, verb="poll.opened", group=group, obj=poll, data={"options": len(times)}
    )
    notifications.poll_opened(poll, actor=actor)
    return poll


@transaction.atomic
def answer_poll(*, user: User, poll: Poll, answers: dict[int, str]) -> list[PollAnswer]:
    """A member answers every proposed time (again, to change their answers) while the poll is
    open. ``answers``: option id -> an ``Availability`` value."""
    poll = _locked(poll)
    check(user, "polls.answer_poll", poll)
    if not poll.is_open():
        raise PollError(_("This poll is closed: answers can no longer change."))
    option_ids = set(poll.options.values_list("pk", flat=True))
    if set(answers) != option_ids:
        raise PollError(_("Answer every proposed time."))
    if any(value not in Availability.values for value in answers.values()):
        raise PollError(_("Answer each time with yes, if need be or no."))
    now = timezone.now()
    saved = []
    for option_id in sorted(answers):
        answer, _created = PollAnswer.objects.update_or_create(
            option_id=option_id,
            user=user,
            defaults={"poll": poll, "answer": answers[option_id], "answered_at": now},
        )
        saved.append(answer)
    record_audit(actor=user, verb="poll.answered", group=poll.group, obj=poll)
    return saved


def _close(poll: Poll, *, actor: User | None, now: datetime) -> None:
    poll.closed_at = now
    poll.save(update_fields=["closed_at"])
    record_audit(actor=actor, verb="poll.closed", group=poll.group, obj=poll)


@transaction.atomic
def close_poll(*, poll: Poll, actor: User | None = None, now: datetime | None = None) -> Poll:
    """Stop the answers: an organizer closes it early (``actor``), or the schedule closes it
    at its deadline (``actor`` None). The organizers are told it is time to choose."""
    now = now or timezone.now()
    poll = _locked(poll)
    if actor is not None:
        check(actor, "polls.close_poll", poll)
    if poll.closed_at is not None:
        if actor is not None:
            raise PollError(_("This poll is already closed."))
        return poll
    if actor is None and now < poll.closes_at:
        return poll  # not due yet
    _close(poll, actor=actor, now=now)
    notifications.poll_closed(poll, actor=actor)
    return poll


def close_due_polls(*, now: datetime | None = None) -> int:
    """Close every open poll whose deadline has passed; return how many closed. Each in its own
    transaction: one that fails is logged by id (and tried again on the next run)."""
    now = now or timezone.now()
    due = Poll.objects.filter(closed_at__isnull=True, closes_at__lte=now).order_by("pk")
    count = 0
    for poll in due:
        try:
            close_poll(poll=poll, now=now)
        except Exception:
            logger.exception("closing poll %s failed", poll.pk)
            continue
        count += 1
    return count


def series_rule(local: datetime, repeat: str) -> str:
    """The recurrence rule that repeats ``local`` (the chosen time in the group's zone)."""
    if repeat in (Repeat.WEEKLY, Repeat.BIWEEKLY):
        return recurrence.build_rule(
            kind=RecurrenceKind.WEEKLY,
            interval=2 if repeat == Repeat.BIWEEKLY else 1,
            weekdays=[local.weekday()],
        )
    # Monthly on the same weekday of the month: the 1st-4th, or the last when it is the 5th.
    nth = (local.day - 1) // 7 + 1
    return recurrence.build_rule(
        kind=RecurrenceKind.MONTHLY_NTH,
        ordinals=[nth if nth <= 4 else -1],
        weekday=local.weekday(),
    )


@transaction.atomic
def schedule_from_poll(
    *,
    actor: User,
    poll: Poll,
    option_id: int,
    repeat: str = Repeat.ONCE,
    title: str = "",
    confirmed: Iterable[str] = (),
) -> Poll:
    """The chosen time becomes one meeting or a series starting then, in one step; the poll
    closes if it was open. Once only: a second attempt (a double click, another organizer at
    the same moment) is refused under the poll's row lock. Members are told the time."""
    poll = _locked(poll)
    check(actor, "polls.schedule_poll", poll)
    check(actor, "meetings.add_meeting", poll.group)
    if poll.scheduled_at is not None:
        raise PollError(_("This poll's time is already scheduled."))
    if poll.group.status != GroupStatus.ACTIVE:
        raise PollError(_("The group is paused or archived: reactivate it to schedule meetings."))
    option = poll.options.filter(pk=option_id).first()
    if option is None:
        raise PollError(_("Choose one of the proposed times."))
    if option.starts_at <= timezone.now():
        raise PollError(_("That time has passed; choose a later one or start a new poll."))
    if repeat not in Repeat.values:
        raise PollError(_("Choose one meeting or how the series repeats."))
    title = (title or "").strip() or poll.title
    _guard({"title": title, "note": ""}, confirmed)
    now = timezone.now()
    if poll.closed_at is None:
        _close(poll, actor=actor, now=now)
    if repeat == Repeat.ONCE:
        poll.meeting = meeting_services.create_meeting(
            actor=actor,
            group=poll.group,
            title=title,
            starts_at=option.starts_at,
            duration_minutes=poll.duration_minutes,
        )
    else:
        local = option.starts_at.astimezone(zoneinfo.ZoneInfo(poll.group.time_zone))
        poll.series = meeting_services.create_series(
            actor=actor,
            group=poll.group,
            title=title,
            rule=series_rule(local, repeat),
            starts_on=local.date(),
            start_time=local.time().replace(tzinfo=None),
            duration_minutes=poll.duration_minutes,
        )
        poll.meeting = poll.series.meetings.order_by("starts_at").first()
    poll.chosen, poll.scheduled_at = option, now
    poll.save(update_fields=["chosen", "scheduled_at", "meeting", "series"])
    record_audit(
        actor=actor,
        verb="poll.scheduled",
        group=poll.group,
        obj=poll,
        data={"repeat": repeat, "meeting": poll.meeting_id},
    )
    notifications.poll_scheduled(poll, actor=actor)
    return poll
