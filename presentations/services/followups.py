"""Case follow-ups: a presenter asks to report back on their case at the group's next meeting.

Once the meeting where they presented has started, the presenter of a case may ask. The request
gets a short "Case follow-up" segment (10 minutes) on the group's next scheduled meeting that
has not started, before its wrap-up if it has one, else at the end; the organizers are told by
e-mail and accept or remove it (with a reason from a list, never free text); the presenter may
withdraw it. With no meeting scheduled yet it waits, and ``attach_waiting_follow_ups`` (beat,
hourly) places it once there is one. A later request for the same case skips the meetings where
the organizers took one off.

Locks, always in this order: the case presentation (asking), the meeting the follow-up is on
(its ``Meeting`` row), that meeting's agenda (``meetings.services.lock_agenda``), the follow-up.
The agenda editor (``presentations/services/agenda.py``) takes the meeting and the agenda first
too, then the follow-ups on the segments it removes, so the two never wait on each other in a
circle. It asks the organizer to confirm each such follow-up, as for a held slot, and on
confirmation ends it at once (``end_in_agenda_editor``) and tells the presenter.

What happened around a follow-up without this app being asked (its meeting cancelled: it goes
back to waiting and on to the next meeting; its case gone: it ends; its segment deleted by a
writer other than the agenda editor: it ends and the presenter is told) is caught up with by
``_reconcile``, whenever a service touches the follow-up and hourly for all of them. Until then
pages show ``FollowUp.shown_status``.
"""

import logging
from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from config import pagecache
from groups.enums import DepartureReason
from groups.selectors import attach_loaded
from meetings import services as meeting_services
from meetings.enums import MeetingKind, MeetingStatus, SegmentKind
from meetings.models import AgendaSegment, Meeting
from members.services import record_audit
from presentations import notifications
from presentations.enums import PresentationStatus
from presentations.models import (
    LIVE_FOLLOW_UP,
    ORGANIZER_ENDINGS,
    FollowUp,
    FollowUpEnd,
    FollowUpReason,
    FollowUpStatus,
    Presentation,
)
from presentations.services.base import PresentationError, check

logger = logging.getLogger(__name__)

FOLLOW_UP_MINUTES = 10
FOLLOW_UP_TITLE = "Case follow-up"
ON_AGENDA = (FollowUpStatus.PROPOSED, FollowUpStatus.ACCEPTED)
DEPARTURE_ENDINGS = {
    DepartureReason.LEFT: FollowUpEnd.LEFT_GROUP,
    DepartureReason.REMOVED: FollowUpEnd.REMOVED_FROM_GROUP,
    DepartureReason.ACCOUNT_DELETED: FollowUpEnd.ACCOUNT_DELETED,
}


def follow_up_refusal(presentation: Presentation, *, now: datetime | None = None) -> str | None:
    """Why the presenter cannot ask to report back on this presentation, or None if they can
    (a live request aside). The page shows the same sentence the service refuses with.
    ``presentation`` comes with its segment and meeting."""
    now = now or timezone.now()
    if presentation.segment.kind != SegmentKind.CASE:
        return _("Only a case presentation can be followed up.")
    if presentation.status != PresentationStatus.CONFIRMED:
        return _("You can ask to report back on a case you presented.")
    if presentation.meeting.is_cancelled:
        return _("This meeting was cancelled, so there is nothing to report back on.")
    if presentation.meeting.starts_at > now:
        return _("You can ask to report back once the meeting has started.")
    return None


# --- locks and the follow-up's segment ---------------------------------------------------------


def _lock_meeting(meeting_id: int) -> Meeting:
    return (
        Meeting.objects.select_for_update(of=("self",)).select_related("group").get(pk=meeting_id)
    )


def _locked(follow_up_id: int, **scope) -> FollowUp | None:
    """The follow-up under its row lock (None if it is not in ``scope``), its meeting locked
    first, as the agenda editor locks them (see the module's note)."""
    planned = (
        FollowUp.objects.filter(pk=follow_up_id, **scope)
        .values_list("meeting_id", flat=True)
        .first()
    )
    meeting = None if planned is None else _lock_meeting(planned)
    follow_up = (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("presenter__profile")
        .filter(pk=follow_up_id, **scope)
        .first()
    )
    if follow_up is not None and follow_up.meeting_id is not None:
        # Held already, unless the follow-up moved on meanwhile.
        held = meeting is not None and meeting.pk == follow_up.meeting_id
        follow_up.meeting = meeting if held else _lock_meeting(follow_up.meeting_id)
    return follow_up


def _drop_segment(follow_up: FollowUp) -> None:
    """Take the follow-up's own segment off its meeting's agenda, under the agenda's lock. No
    other segment, slot or presentation is touched."""
    if follow_up.segment_id is None:
        return
    meeting_services.lock_agenda(follow_up.meeting)
    AgendaSegment.objects.filter(pk=follow_up.segment_id).delete()
    follow_up.segment = None
    meeting_services.bump_sequence(follow_up.meeting)


def _next_meeting(follow_up: FollowUp, now: datetime) -> Meeting | None:
    """The group's next scheduled meeting that has not started, locked; not one where the
    organizers already took a request about this case off the agenda."""
    said_no = FollowUp.objects.filter(
        source=follow_up.source_id,
        status=FollowUpStatus.REMOVED,
        ended_because__in=ORGANIZER_ENDINGS,
        meeting__isnull=False,
    ).values("meeting_id")
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("group")
        .filter(
            group=follow_up.group_id,
            status=MeetingStatus.SCHEDULED,
            kind=MeetingKind.REGULAR,  # never a consultation huddle
            starts_at__gt=now,
        )
        .exclude(pk__in=said_no)
        .order_by("starts_at", "pk")
        .first()
    )


def _place(follow_up: FollowUp, now: datetime) -> bool:
    """Put a waiting follow-up on the next meeting's agenda, before the wrap-up if there is one,
    else at the end, and tell the organizers. False when there is no such meeting yet."""
    meeting = _next_meeting(follow_up, now)
    if meeting is None:
        return False
    agenda = sorted(
        meeting_services.lock_agenda(meeting).values(), key=lambda s: (s.position, s.pk)
    )
    at = next((i for i, s in enumerate(agenda) if s.kind == SegmentKind.WRAP_UP), len(agenda))
    segment = AgendaSegment(
        meeting=meeting,
        position=at,
        kind=SegmentKind.FOLLOW_UP,
        title=FOLLOW_UP_TITLE,
        minutes=FOLLOW_UP_MINUTES,
    )
    segment.full_clean()
    segment.save()
    moved = []
    for position, item in enumerate([*agenda[:at], segment, *agenda[at:]]):
        if item.position != position:
            item.position = position
            moved.append(item)
    with pagecache.announced(AgendaSegment, [f"g:{meeting.group_id}"]):
        AgendaSegment.objects.bulk_update(moved, ["position"])
    follow_up.meeting, follow_up.segment = meeting, segment
    follow_up.status, follow_up.proposed_at = FollowUpStatus.PROPOSED, now
    follow_up.full_clean()
    follow_up.save(update_fields=["meeting", "segment", "status", "proposed_at"])
    meeting_services.bump_sequence(meeting)
    record_audit(
        actor=None,
        verb="follow_up.proposed",
        subject=follow_up.presenter,
        group=meeting.group,
        obj=follow_up,
        data={"meeting": meeting.pk},
    )
    notifications.follow_up_requested(follow_up)
    return True


def _end(
    follow_up: FollowUp, because: str, now: datetime, *, decided_by=None, reason: str = ""
) -> None:
    fields = ["status", "ended_because", "reason", "ended_at", "segment"]
    follow_up.status, follow_up.ended_because = FollowUpStatus.REMOVED, because
    follow_up.reason, follow_up.ended_at = reason, now
    if decided_by is not None:
        follow_up.decided_by, follow_up.decided_at = decided_by, now
        fields += ["decided_by", "decided_at"]
    follow_up.full_clean()
    follow_up.save(update_fields=fields)


def _reconcile(follow_up: FollowUp, now: datetime) -> None:
    """Catch up with what happened around a live follow-up (locked) without this app: its case
    gone (it ends), its meeting cancelled or gone (back to waiting, and on to the next meeting
    at once if there is one), its segment deleted outside the agenda editor (it ends and the
    presenter is told)."""
    if not follow_up.is_live:
        return
    if follow_up.source_id is None:
        _drop_segment(follow_up)
        _end(follow_up, FollowUpEnd.CASE_GONE, now)
        _audit_ended(follow_up)
        return
    if follow_up.status == FollowUpStatus.WAITING:
        return
    if follow_up.meeting is None or follow_up.meeting.is_cancelled:
        _drop_segment(follow_up)
        follow_up.meeting, follow_up.status = None, FollowUpStatus.WAITING
        follow_up.proposed_at = follow_up.decided_at = follow_up.decided_by = None
        follow_up.full_clean()
        follow_up.save(
            update_fields=[
                "meeting",
                "segment",
                "status",
                "proposed_at",
                "decided_at",
                "decided_by",
            ]
        )
        record_audit(
            actor=None,
            verb="follow_up.waiting_again",
            subject=follow_up.presenter,
            group=follow_up.group,
            obj=follow_up,
        )
        _place(follow_up, now)
        return
    if follow_up.segment_id is None:
        _end(follow_up, FollowUpEnd.AGENDA_EDITED, now)
        _audit_ended(follow_up)
        notifications.follow_up_removed(follow_up, actor=None)


def _audit_ended(follow_up: FollowUp, actor=None) -> None:
    record_audit(
        actor=actor,
        verb="follow_up.ended",
        subject=follow_up.presenter,
        group=follow_up.group,
        obj=follow_up,
        data={"because": follow_up.ended_because},
    )


# --- the presenter ----------------------------------------------------------------------------


@transaction.atomic
def ask_follow_up(*, user, presentation_id: int, now: datetime | None = None) -> FollowUp:
    """The presenter asks to report back on their case. The case's row lock (and a unique
    constraint) make two requests at once one. Placed on the next meeting right away if there
    is one (status proposed, organizers told), else left waiting."""
    now = now or timezone.now()
    presentation = (
        Presentation.objects.select_for_update(of=("self",))
        .select_related("meeting__group", "segment")
        .filter(pk=presentation_id)
        .first()
    )
    if presentation is None:
        raise PresentationError(_("That presentation no longer exists."))
    check(user, "presentations.ask_follow_up", presentation)
    refusal = follow_up_refusal(presentation, now=now)
    if refusal is not None:
        raise PresentationError(refusal)
    live = (
        FollowUp.objects.filter(source=presentation, status__in=LIVE_FOLLOW_UP)
        .values_list("pk", flat=True)
        .first()
    )
    if live is not None:
        current = _locked(live)
        _reconcile(current, now)
        if current.is_live:
            raise PresentationError(_("You have already asked to report back on this case."))
    follow_up = FollowUp(
        source=presentation, presenter=user, group=presentation.meeting.group, created_at=now
    )
    follow_up.full_clean()
    follow_up.save()
    record_audit(
        actor=user,
        verb="follow_up.asked",
        subject=user,
        group=presentation.meeting.group,
        obj=follow_up,
        data={"presentation": presentation.pk},
    )
    _place(follow_up, now)
    return follow_up


@transaction.atomic
def withdraw_follow_up(*, user, presentation_id: int, now: datetime | None = None) -> FollowUp:
    """The presenter takes back their request: its segment leaves the agenda (nothing else
    does). The organizers are not e-mailed; the group's log records it."""
    now = now or timezone.now()
    presentation = (
        Presentation.objects.select_related("meeting__group").filter(pk=presentation_id).first()
    )
    if presentation is None:
        raise PresentationError(_("That presentation no longer exists."))
    check(user, "presentations.ask_follow_up", presentation)
    live = (
        FollowUp.objects.filter(source=presentation, presenter=user, status__in=LIVE_FOLLOW_UP)
        .values_list("pk", flat=True)
        .first()
    )
    follow_up = None if live is None else _locked(live)
    if follow_up is not None:
        _reconcile(follow_up, now)
    if follow_up is None or not follow_up.is_live:
        raise PresentationError(_("You have no request to report back on this case."))
    if follow_up.meeting is not None and follow_up.meeting.starts_at <= now:
        raise PresentationError(_("That meeting has started; its agenda stays as it was."))
    _drop_segment(follow_up)
    _end(follow_up, FollowUpEnd.WITHDRAWN, now)
    _audit_ended(follow_up, actor=user)
    return follow_up


# --- the organizers ---------------------------------------------------------------------------


def _on_this_agenda(actor, meeting: Meeting, follow_up_id: int, now: datetime) -> FollowUp:
    check(actor, "presentations.decide_follow_up", meeting)
    follow_up = _locked(follow_up_id, meeting=meeting.pk)
    if follow_up is not None:
        _reconcile(follow_up, now)
    if follow_up is None or follow_up.meeting_id != meeting.pk or follow_up.status not in ON_AGENDA:
        raise PresentationError(_("That request is no longer on this meeting's agenda."))
    if follow_up.meeting.starts_at <= now:
        raise PresentationError(_("This meeting has started; its agenda stays as it was."))
    return follow_up


@transaction.atomic
def accept_follow_up(
    *, actor, meeting: Meeting, follow_up_id: int, now: datetime | None = None
) -> FollowUp:
    """An organizer keeps the follow-up on the agenda; the presenter is told."""
    now = now or timezone.now()
    follow_up = _on_this_agenda(actor, meeting, follow_up_id, now)
    if follow_up.status == FollowUpStatus.ACCEPTED:
        raise PresentationError(_("This follow-up is already accepted."))
    follow_up.status = FollowUpStatus.ACCEPTED
    follow_up.decided_by, follow_up.decided_at = actor, now
    follow_up.full_clean()
    follow_up.save(update_fields=["status", "decided_by", "decided_at"])
    record_audit(
        actor=actor,
        verb="follow_up.accepted",
        subject=follow_up.presenter,
        group=follow_up.meeting.group,
        obj=follow_up,
        data={"meeting": meeting.pk},
    )
    notifications.follow_up_accepted(follow_up, actor=actor)
    return follow_up


@transaction.atomic
def remove_follow_up(
    *,
    actor,
    meeting: Meeting,
    follow_up_id: int,
    reason: str = "",
    now: datetime | None = None,
) -> FollowUp:
    """An organizer takes the follow-up off the agenda (proposed or accepted), with a reason
    from ``FollowUpReason`` or none; only its own segment goes. The presenter is told."""
    now = now or timezone.now()
    if reason not in FollowUpReason.values:
        raise PresentationError(_("Choose one of the reasons offered, or none."))
    follow_up = _on_this_agenda(actor, meeting, follow_up_id, now)
    _drop_segment(follow_up)
    _end(follow_up, FollowUpEnd.REMOVED, now, decided_by=actor, reason=reason)
    record_audit(
        actor=actor,
        verb="follow_up.removed",
        subject=follow_up.presenter,
        group=follow_up.meeting.group,
        obj=follow_up,
        data={"meeting": meeting.pk, "reason": reason},
    )
    notifications.follow_up_removed(follow_up, actor=actor)
    return follow_up


# --- the agenda editor (presentations/services/agenda.py) ------------------------------------


def locked_on_segments(segment_ids: list[int]) -> list[FollowUp]:
    """The follow-ups on these segments, with their presenters, under their row locks (the
    agenda editor, which holds the meeting and its agenda already), in agenda order."""
    return list(
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("presenter__profile", "segment")
        .filter(segment__in=segment_ids, status__in=ON_AGENDA)
        .order_by("segment__position", "pk")
    )


def end_in_agenda_editor(*, actor, follow_up: FollowUp, now: datetime) -> None:
    """The organizer confirmed deleting the follow-up's segment in the agenda editor (which
    deletes it next): the follow-up ends at once. The editor tells the presenter."""
    follow_up.segment = None
    _end(follow_up, FollowUpEnd.AGENDA_EDITED, now, decided_by=actor)
    _audit_ended(follow_up, actor=actor)


# --- by time, and when someone leaves ---------------------------------------------------------


def attach_waiting_follow_ups(*, now: datetime | None = None) -> int:
    """Beat (hourly): catch up with every follow-up whose segment, meeting or case changed
    around it, then place each waiting one on its group's next meeting. Each follow-up in its
    own transaction: one that fails is logged by its id and tried again next time. Returns how
    many were placed."""
    now = now or timezone.now()
    on_agenda = Q(status__in=ON_AGENDA) & (
        Q(meeting__isnull=True)
        | Q(segment__isnull=True)
        | Q(meeting__status=MeetingStatus.CANCELLED)
    )
    stale = FollowUp.objects.filter(status__in=LIVE_FOLLOW_UP).filter(
        Q(source__isnull=True) | on_agenda
    )
    for pk in stale.order_by("pk").values_list("pk", flat=True):
        _in_own_transaction(pk, lambda follow_up: _reconcile(follow_up, now), LIVE_FOLLOW_UP)
    next_meeting = Meeting.objects.filter(
        group=OuterRef("group"),
        status=MeetingStatus.SCHEDULED,
        kind=MeetingKind.REGULAR,
        starts_at__gt=now,
    )
    waiting = FollowUp.objects.filter(status=FollowUpStatus.WAITING).filter(Exists(next_meeting))
    placed = 0
    for pk in waiting.order_by("created_at", "pk").values_list("pk", flat=True):
        placed += bool(
            _in_own_transaction(
                pk, lambda follow_up: _place(follow_up, now), [FollowUpStatus.WAITING]
            )
        )
    return placed


def _in_own_transaction(pk: int, action, statuses):
    """``action(follow_up)`` on the follow-up, locked, if its status is still in ``statuses``."""
    try:
        with transaction.atomic():
            follow_up = _locked(pk, status__in=statuses)
            return None if follow_up is None else action(follow_up)
    except Exception:
        # A beat sweep: one follow-up failing must not hold up the others.
        logger.exception("case follow-up %s could not be updated", pk)
        return None


def end_follow_ups(*, user, reason: str, now: datetime, group_ids: set[int] | None = None) -> int:
    """The person left (``reason``: a ``DepartureReason``): their live follow-ups in
    ``group_ids`` (or everywhere) end and their segments leave the agendas. Nobody is e-mailed
    for it. Returns how many ended."""
    in_groups = Q() if group_ids is None else Q(group__in=group_ids)
    pks = FollowUp.objects.filter(in_groups, presenter=user, status__in=LIVE_FOLLOW_UP)
    ended = 0
    for follow_up in filter(
        None, (_locked(pk, status__in=LIVE_FOLLOW_UP) for pk in pks.values_list("pk", flat=True))
    ):
        _drop_segment(follow_up)
        _end(follow_up, DEPARTURE_ENDINGS[reason], now)
        _audit_ended(follow_up)
        ended += 1
    return ended


# --- reads for the pages (public names the meeting page, portal, reads from here) ---------------


def follow_ups_of(presentation: Presentation) -> list[FollowUp]:
    """The case's follow-ups, newest first, each with its meeting (the presenter's page)."""
    return list(
        FollowUp.objects.filter(source=presentation)
        .select_related("meeting")
        .order_by("-created_at", "-pk")
    )


def follow_ups_on(meeting: Meeting, segments: list, people: dict) -> list[FollowUp]:
    """The follow-ups on this meeting's agenda (the meeting page), in agenda order. Each of
    their segments gets ``case_follow_up`` (the run of show names the presenter); presenters and
    segments come from what the page has already loaded. No query when the agenda has no
    follow-up segment."""
    by_segment = {s.pk: s for s in segments if s.kind == SegmentKind.FOLLOW_UP}
    if not by_segment:
        return []
    follow_ups = list(FollowUp.objects.filter(segment__in=list(by_segment), status__in=ON_AGENDA))
    attach_loaded(follow_ups, people, "presenter")
    attach_loaded(follow_ups, by_segment, "segment")
    for follow_up in follow_ups:
        follow_up.meeting = meeting
        follow_up.segment.case_follow_up = follow_up
    return sorted(follow_ups, key=lambda f: (f.segment.position, f.segment.pk))


def follow_ups_by_segment(meeting: Meeting) -> dict[int, FollowUp]:
    """The follow-ups on this meeting's agenda by segment id, with their presenters (the
    agenda editor names them beside their rows)."""
    return {
        follow_up.segment_id: follow_up
        for follow_up in FollowUp.objects.filter(
            segment__meeting=meeting, status__in=ON_AGENDA
        ).select_related("presenter__profile")
    }
