"""Editing a meeting's agenda when presentation slots on it are held.

The one write path for the agenda page: it composes the meetings app's in-place editing
(``meetings.services.set_agenda``) with what only this app knows, that a slot may hold a
member's presentation and what they wrote.
"""

from collections.abc import Collection
from typing import Any

from django.db import transaction

from meetings import services as meeting_services
from meetings.enums import SegmentKind
from meetings.models import Meeting
from members.services import record_audit
from presentations import notifications
from presentations.models import DraftReason, Presentation
from presentations.services.base import PresentationError, check
from presentations.services.cases import release_presentation_content


class HeldSlotsNeedConfirmation(PresentationError):
    """The edit removes slots that members hold; nothing was changed. ``held`` lists them, each
    with a ``removal_label`` that names the presenter, for the organizer to confirm one by one."""

    def __init__(self, held: list[Presentation]):
        self.held = held
        for presentation in held:
            presentation.removal_label = removal_label(presentation)
        count = len(held)
        super().__init__(
            f"This change removes {count} slot{'s' if count != 1 else ''} that "
            f"{'members hold' if count != 1 else 'a member holds'}. Tick each slot you want to "
            "remove to confirm, then save again."
        )


def removal_label(presentation: Presentation) -> str:
    is_case = presentation.segment.kind == SegmentKind.CASE
    what, written = ("case", "written case") if is_case else ("topic", "title and summary")
    return (
        f"Remove {presentation.presenter}'s {what} presentation slot — their {written} will be "
        "kept as a private draft for them"
    )


@transaction.atomic
def edit_agenda(
    *,
    actor,
    meeting: Meeting,
    segments: list[dict[str, Any]],
    confirmed: Collection[int] = (),
) -> list[Presentation]:
    """Save the agenda in place. Removing (or changing the kind of) a segment that a member
    holds needs the organizer's confirmation of that very presentation (``confirmed`` holds
    presentation ids); without it nothing changes and ``HeldSlotsNeedConfirmation`` says which.
    On confirmation the presenter's text is kept as their private draft, they are e-mailed
    (unless they acted themselves) and the audit log names the slot and the presenter.
    Returns the presentations that were removed (each with ``kept_draft``).
    """
    meeting = (
        Meeting.objects.select_for_update(of=("self",)).select_related("group").get(pk=meeting.pk)
    )
    check(actor, "presentations.manage_slots", meeting)
    existing = meeting_services.lock_agenda(meeting)
    try:
        removed = meeting_services.segments_to_remove(existing, segments)
    except meeting_services.MeetingError as exc:
        raise PresentationError(str(exc)) from exc
    held = list(
        Presentation.objects.select_for_update(of=("self",))
        .select_related("presenter__profile", "segment")
        .filter(segment__in=[segment.pk for segment in removed])
        .order_by("segment__position")
    )
    for presentation in held:
        presentation.meeting = meeting
    if any(presentation.pk not in set(confirmed) for presentation in held):
        raise HeldSlotsNeedConfirmation(held)
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
    # One e-mail per presenter for this one edit, however many of their slots it removed.
    for notice in released.values():
        notifications.slot_released(
            meeting=meeting, actor=actor, why=DraftReason.REMOVED_FROM_AGENDA, **notice
        )
    try:
        meeting_services.set_agenda(actor=actor, meeting=meeting, segments=segments)
    except meeting_services.MeetingError as exc:
        raise PresentationError(str(exc)) from exc
    return held
