"""Editing a meeting's agenda when presentation slots or case follow-ups on it are held.

The one write path for the agenda page: it composes the meetings app's in-place editing
(``meetings.services.set_agenda``) with what only this app knows, that a slot may hold a
member's presentation and what they wrote, and that a "Case follow-up" segment is a member's
request to report back (``presentations/services/followups.py``).
"""

from collections.abc import Collection
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from meetings import services as meeting_services
from meetings.enums import SegmentKind
from meetings.models import Meeting
from members.services import record_audit
from presentations import notifications
from presentations.models import DraftReason, FollowUp, Presentation
from presentations.services.base import PresentationError, check
from presentations.services.cases import release_presentation_content
from presentations.services.followups import end_in_agenda_editor, locked_on_segments


class HeldSlotsNeedConfirmation(PresentationError):
    """The edit removes slots that members hold, or their case follow-ups; nothing was changed.
    ``held`` lists the presentations and ``follow_ups`` the follow-ups, each with a
    ``removal_label`` that names the presenter, for the organizer to confirm one by one."""

    def __init__(self, held: list[Presentation], follow_ups: list[FollowUp]):
        self.held, self.follow_ups = held, follow_ups
        for presentation in held:
            presentation.removal_label = removal_label(presentation)
        for follow_up in follow_ups:
            follow_up.removal_label = _(
                "Remove %(name)s's case follow-up — they are told by e-mail and may ask again "
                "for a later meeting"
            ) % {"name": follow_up.presenter}
        count = len(held) + len(follow_ups)
        super().__init__(
            ngettext(
                "This change removes %(count)s slot that a member holds. Tick each slot you want "
                "to remove to confirm, then save again.",
                "This change removes %(count)s slots that members hold. Tick each slot you want "
                "to remove to confirm, then save again.",
                count,
            )
            % {"count": count}
        )


def removal_label(presentation: Presentation) -> str:
    if presentation.segment.kind == SegmentKind.CASE:
        label = _(
            "Remove %(name)s's case presentation slot — their written case will be kept as a "
            "private draft for them"
        )
    else:
        label = _(
            "Remove %(name)s's topic presentation slot — their title and summary will be kept "
            "as a private draft for them"
        )
    return label % {"name": presentation.presenter}


def _refuse_new_follow_up_rows(existing: dict, segments: list[dict[str, Any]]) -> None:
    """A "Case follow-up" segment comes only from a presenter's request: no row may become one."""
    for row in segments:
        if row["kind"] == SegmentKind.FOLLOW_UP:
            segment = existing.get(row.get("id"))
            if segment is None or segment.kind != SegmentKind.FOLLOW_UP:
                raise PresentationError(
                    _(
                        "A case follow-up is added when a presenter asks to report back. Choose "
                        "another kind for this segment."
                    )
                )


@transaction.atomic
def edit_agenda(
    *,
    actor,
    meeting: Meeting,
    segments: list[dict[str, Any]],
    confirmed: Collection[int] = (),
    confirmed_follow_ups: Collection[int] = (),
) -> list[Presentation | FollowUp]:
    """Save the agenda in place. Removing (or changing the kind of) a segment that a member
    holds, or a case follow-up's segment, needs the organizer's confirmation of that very
    presentation (``confirmed`` holds presentation ids) or follow-up (``confirmed_follow_ups``);
    without it nothing changes and ``HeldSlotsNeedConfirmation`` says which. On confirmation
    the presenter's text is kept as their private draft, a follow-up ends (removed while
    editing the agenda), each presenter gets one e-mail about the edit (unless they acted
    themselves) and the audit log names the slot and the presenter. Returns the presentations
    and follow-ups that were removed (each with ``presenter`` and ``kept_draft``).
    """
    now = timezone.now()
    meeting = (
        Meeting.objects.select_for_update(of=("self",)).select_related("group").get(pk=meeting.pk)
    )
    check(actor, "presentations.manage_slots", meeting)
    existing = meeting_services.lock_agenda(meeting)
    try:
        removed = meeting_services.segments_to_remove(existing, segments)
    except meeting_services.MeetingError as exc:
        raise PresentationError(str(exc)) from exc
    _refuse_new_follow_up_rows(existing, segments)
    removed_ids = [segment.pk for segment in removed]
    held = list(
        Presentation.objects.select_for_update(of=("self",))
        .select_related("presenter__profile", "segment")
        .filter(segment__in=removed_ids)
        .order_by("segment__position")
    )
    # After the meeting and its agenda, as every follow-up write locks them.
    follow_ups = locked_on_segments(removed_ids)
    for item in [*held, *follow_ups]:
        item.meeting = meeting
    if follow_ups and meeting.has_started:
        raise PresentationError(
            _("This meeting has started; its case follow-ups stay on the agenda as they were.")
        )
    if any(p.pk not in set(confirmed) for p in held) or any(
        f.pk not in set(confirmed_follow_ups) for f in follow_ups
    ):
        raise HeldSlotsNeedConfirmation(held, follow_ups)
    released: dict[int, dict] = {}
    for presentation in held:
        presenter, slot = presentation.presenter, presentation.segment.label
        draft = release_presentation_content(
            presentation=presentation, reason=DraftReason.REMOVED_FROM_AGENDA
        )
        presentation.delete()
        presentation.kept_draft = draft is not None
        entry = record_audit(
            actor=actor,
            verb="agenda.slot_removed",
            subject=presenter,
            group=meeting.group,
            obj=meeting,
            data={"slot": slot, "kept_as_draft": draft is not None},
        )
        notice = released.setdefault(
            presenter.pk, {"user": presenter, "slots": [], "kept_draft": False, "key": entry.pk}
        )
        notice["slots"].append(slot)
        notice["kept_draft"] |= draft is not None
    for follow_up in follow_ups:
        notice = released.get(follow_up.presenter_id)
        if notice is not None:  # told in the same e-mail as their slot
            notice["slots"].append(follow_up.segment.label)
        end_in_agenda_editor(actor=actor, follow_up=follow_up, now=now)
        if notice is None:
            notifications.follow_up_removed(follow_up, actor=actor)
        follow_up.kept_draft = False
    # One e-mail per presenter for this one edit, however many of their slots it removed.
    for notice in released.values():
        notifications.slot_released(
            meeting=meeting, actor=actor, why=DraftReason.REMOVED_FROM_AGENDA, **notice
        )
    try:
        meeting_services.set_agenda(actor=actor, meeting=meeting, segments=segments)
    except meeting_services.MeetingError as exc:
        raise PresentationError(str(exc)) from exc
    return [*held, *follow_ups]
