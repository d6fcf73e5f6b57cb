"""POST actions on the meeting page's run of show: slots, swaps, rotation, facilitation.

Every button lives on the meeting page, so each action goes back there, with the success
message or the service's refusal (``presentations.views.run_action``). Who may press which
button is the rule each view declares (``presentations/rules.py``); the service asks the same
rule.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groups import selectors as group_selectors
from groups.access import permission_required
from meetings.enums import SegmentKind
from meetings.selectors import meeting_for
from presentations import selectors, services
from presentations.enums import SwapRole
from presentations.forms import FacilitatorForm, MemberChoiceForm
from presentations.services import PresentationError
from presentations.views import run_action

ACCEPT = "accept"  # the answer button's value on invitations and swap offers


def _members(meeting):
    return list(group_selectors.members_of(meeting.group))


def _claimed(segment) -> str:
    if segment.kind == SegmentKind.CASE:
        message = _("The “%(slot)s” slot is yours. Write your case from the agenda below.")
    else:
        message = _("The “%(slot)s” slot is yours.")
    return message % {"slot": segment.label}


@permission_required("presentations.sign_up", meeting_for)
@require_POST
def claim(request, meeting, *, pk: int, segment_id: int):
    segment = selectors.segment_of(meeting, segment_id)
    return run_action(
        request,
        meeting,
        lambda: services.claim_slot(user=request.user, segment_id=segment.pk),
        _claimed(segment),
    )


@permission_required("presentations.sign_up", meeting_for)
@require_POST
def withdraw(request, meeting, *, pk: int, segment_id: int):
    presentation = selectors.held_by(request.user, selectors.segment_of(meeting, segment_id))
    return run_action(
        request,
        meeting,
        lambda: services.withdraw_from_slot(user=request.user, presentation_id=presentation.pk),
        _(
            "You have given up the slot; it is open again. Anything you wrote for it is kept in "
            "My drafts."
        ),
    )


def _held_presentation(request, meeting, role: str):
    """The slot offered in a presenter swap (404 unless the member holds it); None for a
    facilitation swap."""
    if role != SwapRole.PRESENTER:
        return None
    segment_id = request.POST.get("segment", "")
    if not segment_id.isdigit():
        raise Http404("No such slot.")
    return selectors.held_by(request.user, selectors.segment_of(meeting, int(segment_id)))


@permission_required("presentations.swap", meeting_for)
@require_POST
def offer_swap(request, meeting, *, pk: int, role: str):
    form = MemberChoiceForm(request.POST, members=_members(meeting), exclude={request.user.pk})
    if not form.is_valid():
        messages.error(request, _("Choose a member of the group to swap with."))
        return redirect(meeting)
    presentation = _held_presentation(request, meeting, role)
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
        _("Your offer is sent. We will tell you when they answer."),
    )


@permission_required("presentations.swap", meeting_for)
@require_POST
def answer_swap(request, meeting, *, pk: int, offer_id: int):
    accept = request.POST.get("answer") == ACCEPT
    return run_action(
        request,
        meeting,
        lambda: services.answer_swap(user=request.user, offer_id=offer_id, accept=accept),
        _("You took over.") if accept else _("You declined the offer."),
    )


@permission_required("presentations.manage_slots", meeting_for)
@require_POST
def assign(request, meeting, *, pk: int, segment_id: int):
    segment = selectors.segment_of(meeting, segment_id)
    form = MemberChoiceForm(request.POST, members=_members(meeting))
    if not form.is_valid():
        messages.error(request, _("Choose a member of the group."))
        return redirect(meeting)
    return run_action(
        request,
        meeting,
        lambda: services.assign_slot(
            actor=request.user, segment_id=segment.pk, user_id=form.cleaned_data["user"]
        ),
        _("The slot is assigned."),
    )


@permission_required("presentations.manage_slots", meeting_for)
@require_POST
def unassign(request, meeting, *, pk: int, segment_id: int):
    return run_action(
        request,
        meeting,
        lambda: services.unassign_slot(actor=request.user, segment_id=segment_id),
        _("The slot is open again."),
    )


@permission_required("presentations.manage_slots", meeting_for)
@require_POST
def move(request, meeting, *, pk: int, segment_id: int, direction: str):
    segment = selectors.segment_of(meeting, segment_id)
    return run_action(
        request,
        meeting,
        lambda: services.move_segment(
            actor=request.user, meeting=meeting, segment_id=segment.pk, up=direction == "up"
        ),
        _("The agenda order is saved."),
    )


@permission_required("presentations.manage_slots", meeting_for)
@require_POST
def fill_from_queue(request, meeting, *, pk: int):
    def action():
        if not services.fill_slots_from_queue(actor=request.user, meeting=meeting):
            raise PresentationError(_("No open slot, or nobody left in the queue to invite."))

    return run_action(
        request, meeting, action, _("The next members in line are invited (48 hours to answer).")
    )


@permission_required("presentations.answer_invitation", meeting_for)
@require_POST
def answer_invitation(request, meeting, *, pk: int, presentation_id: int):
    if request.POST.get("answer") == ACCEPT:
        answer = services.accept_rotation_invitation
        success = _("Thank you — the slot is yours.")
    else:
        answer = services.decline_rotation_invitation
        success = _("No problem — the next member in line is invited.")
    return run_action(
        request,
        meeting,
        lambda: answer(user=request.user, presentation_id=presentation_id),
        success,
    )


@permission_required("presentations.manage_slots", meeting_for)
@require_POST
def set_facilitator(request, meeting, *, pk: int):
    form = FacilitatorForm(request.POST, members=_members(meeting))
    if not form.is_valid():
        messages.error(request, _("Choose members of the group."))
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
        _("The facilitator is saved."),
    )


@permission_required("presentations.manage_slots", meeting_for)
@require_POST
def rotate_facilitators(request, meeting, *, pk: int):
    def action():
        if not services.rotate_facilitators(actor=request.user, meeting=meeting):
            raise PresentationError(
                _("Every upcoming meeting already has a facilitator, or nobody opted in.")
            )

    return run_action(request, meeting, action, _("Facilitators are assigned by rotation."))
