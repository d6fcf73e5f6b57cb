"""Claiming, withdrawing, swapping, assigning and reordering presentation slots."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from config import pagecache
from groups.models import Membership
from meetings.enums import RsvpAnswer
from meetings.models import AgendaSegment, Meeting, Rsvp
from members.services import record_audit
from presentations import notifications
from presentations.enums import PresentationStatus, SignupState, SwapRole, SwapStatus
from presentations.models import DraftReason, Presentation, SwapOffer
from presentations.services.base import PresentationError, check, lock_slot
from presentations.services.cases import release_presentation_content
from presentations.signup import signup_state


def _slots_held(meeting: Meeting, user) -> int:
    return Presentation.objects.filter(meeting=meeting, presenter=user).count()


@transaction.atomic
def claim_slot(*, user, segment_id: int) -> Presentation:
    """A member signs up for an open slot. The slot's row lock and a unique constraint make sure
    that two members racing for it cannot both get it."""
    segment = lock_slot(segment_id)
    meeting = segment.meeting
    check(user, "presentations.sign_up", meeting)
    state = signup_state(meeting)
    if state == SignupState.NOT_OPEN:
        days = meeting.group.signup_opens_days
        raise PresentationError(
            ngettext(
                "Sign-up opens %(days)s day before the meeting.",
                "Sign-up opens %(days)s days before the meeting.",
                days,
            )
            % {"days": days}
        )
    if state == SignupState.CLOSED:
        raise PresentationError(_("Sign-up for this meeting has closed."))
    if Presentation.objects.filter(segment=segment).exists():
        raise PresentationError(_("Someone has just taken this slot. Choose another one."))
    if _slots_held(meeting, user) >= meeting.group.max_slots_per_member:
        raise PresentationError(_("You already have a presentation slot in this meeting."))
    if Rsvp.objects.filter(meeting=meeting, user=user, answer=RsvpAnswer.CANT).exists():
        raise PresentationError(_("You answered that you can't go; change your RSVP first."))
    try:
        with transaction.atomic():
            presentation = Presentation.objects.create(
                segment=segment, meeting=meeting, presenter=user
            )
    except IntegrityError as exc:
        raise PresentationError(_("Someone has just taken this slot. Choose another one.")) from exc
    record_audit(
        actor=user, verb="slot.claimed", subject=user, group=meeting.group, obj=presentation
    )
    return presentation


@transaction.atomic
def withdraw_from_slot(*, user, presentation_id: int) -> None:
    presentation = (
        Presentation.objects.select_for_update(of=("self",))
        .select_related("meeting__group")
        .filter(pk=presentation_id, presenter=user)
        .first()
    )
    if presentation is None:
        raise PresentationError(_("You do not hold that slot."))
    if signup_state(presentation.meeting) == SignupState.CLOSED:
        raise PresentationError(
            _(
                "Sign-up has closed, so the slot can no longer be given up here. Offer a swap or "
                "tell the organizers."
            )
        )
    meeting = presentation.meeting
    draft = release_presentation_content(presentation=presentation, reason=DraftReason.WITHDRAWN)
    presentation.delete()
    record_audit(
        actor=user,
        verb="slot.withdrawn",
        subject=user,
        group=meeting.group,
        obj=meeting,
        data={"kept_as_draft": draft is not None},
    )


@transaction.atomic
def offer_swap(*, user, meeting: Meeting, role: str, to_user_id: int, presentation=None):
    """Offer your slot (or your facilitation) to another member, who accepts or declines."""
    check(user, "presentations.swap", meeting)
    if role not in SwapRole.values:
        raise PresentationError(_("Choose what to swap."))
    if to_user_id == user.pk:
        raise PresentationError(_("Choose another member."))
    to_membership = (
        Membership.objects.filter(group=meeting.group_id, user_id=to_user_id)
        .select_related("user")
        .first()
    )
    if to_membership is None:
        raise PresentationError(_("You can only swap with a member of this group."))
    if role == SwapRole.PRESENTER:
        if presentation is None or presentation.presenter_id != user.pk:
            raise PresentationError(_("You do not hold that slot."))
    elif meeting.facilitator_id != user.pk:
        raise PresentationError(_("You are not the facilitator of this meeting."))
    if meeting.has_started or meeting.is_cancelled:
        raise PresentationError(_("This meeting has started or is cancelled."))
    try:
        with transaction.atomic():
            offer = SwapOffer.objects.create(
                meeting=meeting,
                role=role,
                presentation=presentation,
                from_user=user,
                to_user=to_membership.user,
            )
    except IntegrityError as exc:
        raise PresentationError(_("You already have an offer waiting for an answer.")) from exc
    record_audit(
        actor=user, verb="swap.offered", subject=to_membership.user, group=meeting.group, obj=offer
    )
    notifications.swap_offered(offer)
    return offer


@transaction.atomic
def answer_swap(*, user, offer_id: int, accept: bool) -> SwapOffer:
    offer = (
        SwapOffer.objects.select_for_update(of=("self",))
        .select_related("meeting__group", "presentation")
        .filter(pk=offer_id, to_user=user)
        .first()
    )
    if offer is None or offer.status != SwapStatus.PENDING:
        raise PresentationError(_("That offer is no longer open."))
    meeting = Meeting.objects.select_for_update(of=("self",)).get(pk=offer.meeting_id)
    if accept:
        check(user, "presentations.swap", meeting)
        if offer.role == SwapRole.PRESENTER:
            presentation = Presentation.objects.select_for_update(of=("self",)).get(
                pk=offer.presentation_id
            )
            if presentation.presenter_id != offer.from_user_id:
                raise PresentationError(_("The slot has changed hands meanwhile."))
            if _slots_held(meeting, user) >= meeting.group.max_slots_per_member:
                raise PresentationError(_("You already have a presentation slot in this meeting."))
            # What the old presenter wrote stays theirs: the new presenter starts blank.
            release_presentation_content(presentation=presentation, reason=DraftReason.SWAP)
            presentation.presenter = user
            presentation.status = PresentationStatus.CONFIRMED
            presentation.invited_until = None
            presentation.save(update_fields=["presenter", "status", "invited_until"])
        else:
            if meeting.facilitator_id != offer.from_user_id:
                raise PresentationError(_("The facilitation has changed hands meanwhile."))
            if meeting.backup_facilitator_id == user.pk:
                meeting.backup_facilitator = offer.from_user
            meeting.facilitator = user
            meeting.save(update_fields=["facilitator", "backup_facilitator", "updated_at"])
    offer.status = SwapStatus.ACCEPTED if accept else SwapStatus.DECLINED
    offer.answered_at = timezone.now()
    offer.save(update_fields=["status", "answered_at"])
    record_audit(
        actor=user,
        verb="swap.accepted" if accept else "swap.declined",
        subject=offer.from_user,
        group=meeting.group,
        obj=offer,
    )
    return offer


def _lock_holder(segment) -> Presentation | None:
    return (
        Presentation.objects.select_for_update(of=("self",))
        .select_related("meeting__group", "segment", "presenter__profile")
        .filter(segment=segment)
        .first()
    )


def _cancel_pending_swaps(presentation: Presentation) -> None:
    SwapOffer.objects.filter(presentation=presentation, status=SwapStatus.PENDING).update(
        status=SwapStatus.WITHDRAWN, answered_at=timezone.now()
    )


@transaction.atomic
def assign_slot(*, actor, segment_id: int, user_id: int) -> Presentation:
    """Organizers put a member in a slot, whatever the sign-up window says.

    Over an existing holder, the holder's text is kept as their private draft and the new
    presenter starts blank. Both are told by e-mail (never the organizer who acted).
    """
    segment = lock_slot(segment_id)
    meeting = segment.meeting
    check(actor, "presentations.manage_slots", meeting)
    membership = (
        Membership.objects.filter(group=meeting.group_id, user_id=user_id)
        .select_related("user__profile")
        .first()
    )
    if membership is None:
        raise PresentationError(_("Choose a member of the group."))
    presentation = _lock_holder(segment)
    released = None
    if presentation is not None and presentation.presenter_id == user_id:
        if presentation.status == PresentationStatus.CONFIRMED:
            raise PresentationError(
                _("%(name)s already holds this slot.") % {"name": membership.user}
            )
        presentation.status = PresentationStatus.CONFIRMED
        presentation.invited_until = None
        presentation.save(update_fields=["status", "invited_until"])
    elif presentation is not None:
        released = presentation.presenter
        draft = release_presentation_content(
            presentation=presentation, reason=DraftReason.ASSIGNED_ELSEWHERE
        )
        _cancel_pending_swaps(presentation)
        entry = record_audit(
            actor=actor,
            verb="slot.unassigned",
            subject=released,
            group=meeting.group,
            obj=meeting,
            data={"kept_as_draft": draft is not None},
        )
        notifications.slot_released(
            meeting=meeting,
            slots=[segment.label],
            user=released,
            actor=actor,
            why=DraftReason.ASSIGNED_ELSEWHERE,
            kept_draft=draft is not None,
            key=entry.pk,
        )
        presentation.presenter = membership.user
        presentation.status = PresentationStatus.CONFIRMED
        presentation.invited_until = None
        presentation.claimed_at = timezone.now()
        presentation.save(update_fields=["presenter", "status", "invited_until", "claimed_at"])
    else:
        presentation = Presentation.objects.create(
            segment=segment, meeting=meeting, presenter=membership.user
        )
    entry = record_audit(
        actor=actor,
        verb="slot.assigned",
        subject=membership.user,
        group=meeting.group,
        obj=presentation,
    )
    notifications.slot_assigned(presentation, actor=actor, key=entry.pk)
    return presentation


@transaction.atomic
def unassign_slot(*, actor, segment_id: int) -> None:
    """Organizers take the presenter off a slot. What they wrote is kept as their private
    draft, and they are told by e-mail (unless they took themselves off)."""
    segment = lock_slot(segment_id)
    check(actor, "presentations.manage_slots", segment.meeting)
    presentation = _lock_holder(segment)
    if presentation is None:
        raise PresentationError(_("Nobody holds this slot."))
    presenter = presentation.presenter
    draft = release_presentation_content(presentation=presentation, reason=DraftReason.UNASSIGNED)
    presentation.delete()
    entry = record_audit(
        actor=actor,
        verb="slot.unassigned",
        subject=presenter,
        group=segment.meeting.group,
        obj=segment.meeting,
        data={"kept_as_draft": draft is not None},
    )
    notifications.slot_released(
        meeting=segment.meeting,
        slots=[segment.label],
        user=presenter,
        actor=actor,
        why=DraftReason.UNASSIGNED,
        kept_draft=draft is not None,
        key=entry.pk,
    )


@transaction.atomic
def reorder_agenda(*, actor, meeting: Meeting, segment_ids: list[int]) -> None:
    """Put the meeting's agenda segments in the given order."""
    current = set(
        AgendaSegment.objects.select_for_update(of=("self",))
        .filter(meeting=meeting)
        .values_list("pk", flat=True)
    )
    check(actor, "presentations.manage_slots", meeting)
    if set(segment_ids) != current or len(segment_ids) != len(current):
        raise PresentationError(_("The new order must list each segment of the agenda once."))
    with pagecache.announced([AgendaSegment, Meeting], [f"g:{meeting.group_id}"]):
        for position, segment_id in enumerate(segment_ids):
            AgendaSegment.objects.filter(pk=segment_id).update(position=position)
        Meeting.objects.filter(pk=meeting.pk).update(sequence=F("sequence") + 1)
    record_audit(actor=actor, verb="agenda.reordered", group=meeting.group, obj=meeting)


@transaction.atomic
def move_segment(*, actor, meeting: Meeting, segment_id: int, up: bool) -> None:
    """Move one segment of the agenda a place up (or down); at either end it stays where it
    is (and the order is saved unchanged)."""
    order = list(
        AgendaSegment.objects.select_for_update(of=("self",))
        .filter(meeting=meeting)
        .order_by("position", "id")
        .values_list("pk", flat=True)
    )
    check(actor, "presentations.manage_slots", meeting)
    if segment_id not in order:
        raise PresentationError(_("That segment is not on this meeting's agenda."))
    i = order.index(segment_id)
    j = i - 1 if up else i + 1
    if 0 <= j < len(order):
        order[i], order[j] = order[j], order[i]
    reorder_agenda(actor=actor, meeting=meeting, segment_ids=order)


@transaction.atomic
def set_facilitator(*, actor, meeting: Meeting, user_id: int | None, backup_id=None) -> Meeting:
    """Appointed leadership: an organizer names the facilitator (and a backup) of a meeting."""
    meeting = (
        Meeting.objects.select_for_update(of=("self",)).select_related("group").get(pk=meeting.pk)
    )
    check(actor, "presentations.manage_slots", meeting)
    members = set(
        Membership.objects.filter(group=meeting.group_id).values_list("user_id", flat=True)
    )
    for candidate in (user_id, backup_id):
        if candidate is not None and candidate not in members:
            raise PresentationError(_("Choose a member of the group."))
    if user_id is not None and user_id == backup_id:
        raise PresentationError(_("The backup must be someone else."))
    if meeting.facilitator_id != user_id:
        # As assign_slot does for slots: the former facilitator's open offer has nothing to hand.
        SwapOffer.objects.filter(
            meeting=meeting,
            role=SwapRole.FACILITATOR,
            from_user_id=meeting.facilitator_id,
            status=SwapStatus.PENDING,
        ).update(status=SwapStatus.WITHDRAWN, answered_at=timezone.now())
    meeting.facilitator_id = user_id
    meeting.backup_facilitator_id = backup_id
    meeting.save(update_fields=["facilitator", "backup_facilitator", "updated_at"])
    record_audit(
        actor=actor,
        verb="facilitator.set",
        group=meeting.group,
        obj=meeting,
        data={"facilitator": user_id, "backup": backup_id},
    )
    return meeting
