"""POST actions on the meeting page's run of show: slots, swaps, rotation, facilitation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from groups import selectors as group_selectors
from meetings import selectors as meeting_selectors
from presentations import selectors as presentation_selectors
from presentations import services
from presentations.enums import SwapRole
from presentations.forms import FacilitatorForm, MemberChoiceForm
from presentations.services import PresentationError


def _meeting_segment(request, pk: int, segment_id: int):
    meeting, membership = meeting_selectors.get_meeting_for_member(request.user, pk)
    segment = meeting.segments.filter(pk=segment_id).first()
    if segment is None:
        raise Http404("No such slot.")
    return meeting, membership, segment


def run_action(request, meeting, action, success: str):
    """Do one service call; show its refusal or the success message; back to the meeting."""
    try:
        action()
    except PresentationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
    return redirect(meeting)


@login_required
@require_POST
def claim(request, pk: int, segment_id: int):
    meeting, _m, segment = _meeting_segment(request, pk, segment_id)
    return run_action(
        request,
        meeting,
        lambda: services.claim_slot(user=request.user, segment_id=segment.pk),
        f"The “{segment.label}” slot is yours."
        + (" Write your case from the agenda below." if segment.kind == "case" else ""),
    )


@login_required
@require_POST
def withdraw(request, pk: int, segment_id: int):
    meeting, _m, segment = _meeting_segment(request, pk, segment_id)
    presentation = presentation_selectors.held_by(request.user, segment)
    return run_action(
        request,
        meeting,
        lambda: services.withdraw_from_slot(user=request.user, presentation_id=presentation.pk),
        "You have given up the slot; it is open again. Anything you wrote for it is kept in My "
        "drafts.",
    )


@login_required
@require_POST
def offer_swap(request, pk: int, role: str):
    meeting, _m = meeting_selectors.get_meeting_for_member(request.user, pk)
    members = list(group_selectors.members_of(meeting.group))
    form = MemberChoiceForm(request.POST, members=members, exclude={request.user.pk})
    if not form.is_valid():
        messages.error(request, "Choose a member of the group to swap with.")
        return redirect(meeting)
    presentation = None
    if role == SwapRole.PRESENTER:
        segment_id = request.POST.get("segment", "")
        segment = (
            meeting.segments.filter(pk=int(segment_id)).first() if segment_id.isdigit() else None
        )
        if segment is None:
            raise Http404("No such slot.")
        presentation = presentation_selectors.held_by(request.user, segment)
    return run_action(
        request,
        meeting,
        lambda: services.offer_swap(
            user=request.user,
            meeting=meeting,
            role=role,
            to_user_id=form.cleaned_data["user"],
            presentation=presentation,
        ),
        "Your offer is sent. We will tell you when they answer.",
    )


@login_required
@require_POST
def answer_swap(request, pk: int, offer_id: int):
    meeting, _m = meeting_selectors.get_meeting_for_member(request.user, pk)
    accept = request.POST.get("answer") == "accept"
    return run_action(
        request,
        meeting,
        lambda: services.answer_swap(user=request.user, offer_id=offer_id, accept=accept),
        "You took over." if accept else "You declined the offer.",
    )


def _manager_meeting(request, pk):
    meeting, membership = meeting_selectors.get_meeting_for_manager(request.user, pk)
    return meeting, membership


@login_required
@require_POST
def assign(request, pk: int, segment_id: int):
    meeting, _m = _manager_meeting(request, pk)
    segment = meeting.segments.filter(pk=segment_id).first()
    if segment is None:
        raise Http404("No such slot.")
    form = MemberChoiceForm(request.POST, members=list(group_selectors.members_of(meeting.group)))
    if not form.is_valid():
        messages.error(request, "Choose a member of the group.")
        return redirect(meeting)
    return run_action(
        request,
        meeting,
        lambda: services.assign_slot(
            actor=request.user, segment_id=segment.pk, user_id=form.cleaned_data["user"]
        ),
        "The slot is assigned.",
    )


@login_required
@require_POST
def unassign(request, pk: int, segment_id: int):
    meeting, _m = _manager_meeting(request, pk)
    return run_action(
        request,
        meeting,
        lambda: services.unassign_slot(actor=request.user, segment_id=segment_id),
        "The slot is open again.",
    )


@login_required
@require_POST
def move(request, pk: int, segment_id: int, direction: str):
    meeting, _m = _manager_meeting(request, pk)
    order = list(meeting.segments.order_by("position", "id").values_list("pk", flat=True))
    if segment_id not in order:
        raise Http404("No such segment.")
    i = order.index(segment_id)
    j = i - 1 if direction == "up" else i + 1
    if 0 <= j < len(order):
        order[i], order[j] = order[j], order[i]
    return run_action(
        request,
        meeting,
        lambda: services.reorder_agenda(actor=request.user, meeting=meeting, segment_ids=order),
        "The agenda order is saved.",
    )


@login_required
@require_POST
def fill_from_queue(request, pk: int):
    meeting, _m = _manager_meeting(request, pk)

    def action():
        invited = services.fill_slots_from_queue(actor=request.user, meeting=meeting)
        if not invited:
            raise PresentationError("No open slot, or nobody left in the queue to invite.")

    return run_action(
        request, meeting, action, "The next members in line are invited (48 hours to answer)."
    )


@login_required
@require_POST
def answer_invitation(request, pk: int, presentation_id: int):
    meeting, _m = meeting_selectors.get_meeting_for_member(request.user, pk)
    if request.POST.get("answer") == "accept":
        return run_action(
            request,
            meeting,
            lambda: services.accept_rotation_invitation(
                user=request.user, presentation_id=presentation_id
            ),
            "Thank you — the slot is yours.",
        )
    return run_action(
        request,
        meeting,
        lambda: services.decline_rotation_invitation(
            user=request.user, presentation_id=presentation_id
        ),
        "No problem — the next member in line is invited.",
    )


@login_required
@require_POST
def set_facilitator(request, pk: int):
    meeting, _m = _manager_meeting(request, pk)
    form = FacilitatorForm(request.POST, members=list(group_selectors.members_of(meeting.group)))
    if not form.is_valid():
        messages.error(request, "Choose members of the group.")
        return redirect(meeting)
    return run_action(
        request,
        meeting,
        lambda: services.set_facilitator(
            actor=request.user,
            meeting=meeting,
            user_id=form.cleaned_data["facilitator"],
            backup_id=form.cleaned_data["backup"],
        ),
        "The facilitator is saved.",
    )


@login_required
@require_POST
def rotate_facilitators(request, pk: int):
    meeting, _m = _manager_meeting(request, pk)

    def action():
        if not services.assign_facilitators(group=meeting.group):
            raise PresentationError(
                "Every upcoming meeting already has a facilitator, or nobody opted in."
            )

    return run_action(request, meeting, action, "Facilitators are assigned by rotation.")
