"""The meeting page and its agenda editor: the meeting with its presentation slots."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from groups import selectors as group_selectors
from meetings import selectors
from meetings.enums import RsvpAnswer
from meetings.forms import AgendaFormSet, RsvpForm, segments_initial
from meetings.layout import agenda_with_times
from presentations import selectors as presentation_selectors
from presentations.forms import FacilitatorForm, MemberChoiceForm
from presentations.services import HeldSlotsNeedConfirmation, PresentationError, edit_agenda
from presentations.services.base import case_ready_by, signup_state, signup_window


@login_required
def meeting_detail(request, pk: int):
    meeting, membership = selectors.get_meeting_for_member(request.user, pk)
    meeting._role_cache = {request.user.pk: membership.role}
    # One read of the members (with profiles) supplies every person the page names.
    members = list(group_selectors.members_of(meeting.group))
    people = group_selectors.people_of(members)
    group_selectors.attach_loaded(
        [meeting], people, "facilitator", "backup_facilitator", "timekeeper"
    )
    segments = selectors.segments_of(meeting)
    presentations = presentation_selectors.presentations_by_segment(meeting, people, segments)
    agenda = agenda_with_times(meeting, segments, presentations)
    rsvps = selectors.rsvp_summary(request.user, meeting, people)
    swaps_for_me, my_offers = presentation_selectors.pending_swaps(
        request.user, meeting, people, presentations
    )
    my_rsvp = rsvps.mine
    context = {
        "meeting": meeting,
        "group": meeting.group,
        "membership": membership,
        "agenda": agenda,
        "has_slots": any(row["is_slot"] for row in agenda),
        "my_slots": [
            row
            for row in agenda
            if row["presentation"] and row["presentation"].presenter_id == request.user.pk
        ],
        "signup": signup_state(meeting),
        "signup_window": signup_window(meeting),
        "case_ready_by": case_ready_by(meeting),
        "members": members,
        "swap_form": MemberChoiceForm(members=members, exclude={request.user.pk}),
        "swaps_for_me": swaps_for_me,
        "my_offers": my_offers,
        "counts": rsvps.counts,
        "my_rsvp": my_rsvp,
        "rsvp_form": RsvpForm(
            initial={"answer": my_rsvp.answer, "note": my_rsvp.note} if my_rsvp else None
        ),
        "answers": RsvpAnswer,
    }
    if membership.manages:
        context["rsvps"] = rsvps.answers
        context["assign_form"] = MemberChoiceForm(members=members)
        context["facilitator_form"] = FacilitatorForm(
            members=members,
            initial={
                "facilitator": meeting.facilitator_id,
                "backup": meeting.backup_facilitator_id,
            },
        )
    return render(request, "meetings/detail.html", context)


def _confirmed_removals(request) -> set[int]:
    """The presentations the organizer ticked to remove (garbled values count as unticked)."""
    return {int(v) for v in request.POST.getlist("remove_presentation") if v.isdigit()}


def _removal_notice(removed, user) -> str:
    """What the organizer is told after removing held slots: who hears of it, what is kept."""
    notices = {}
    for p in removed:
        if p.presenter_id != user.pk:
            kept = notices.get(p.presenter_id, (p.presenter, False))[1] or p.kept_draft
            notices[p.presenter_id] = (p.presenter, kept)
    return "".join(
        f" {presenter} is told by e-mail"
        + ("; what they wrote is kept as a private draft for them." if kept else ".")
        for presenter, kept in notices.values()
    )


def _row_segment_id(form) -> int | None:
    value = str(form["id"].value() or "")
    return int(value) if value.isdigit() else None


@login_required
@require_http_methods(["GET", "POST"])
def meeting_agenda(request, pk: int):
    meeting, _membership = selectors.get_meeting_for_manager(request.user, pk)
    segments = selectors.segments_of(meeting)
    holders = presentation_selectors.held_slots(meeting)
    formset = AgendaFormSet(
        request.POST if request.method == "POST" else None,
        initial=segments_initial(segments, with_ids=True),
        prefix="seg",
        minutes_available=meeting.duration_minutes,
        segment_ids=[s.pk for s in segments],
    )
    context = {"meeting": meeting, "group": meeting.group, "template": False, "held": []}
    if request.method == "POST" and formset.is_valid():
        confirmed = _confirmed_removals(request)
        try:
            removed = edit_agenda(
                actor=request.user,
                meeting=meeting,
                segments=formset.segments(),
                confirmed=confirmed,
            )
        except HeldSlotsNeedConfirmation as exc:
            context["held"] = exc.held
            context["confirm_error"] = str(exc)
            context["confirmed"] = confirmed
        except PresentationError as exc:
            messages.error(request, str(exc))
        else:
            told = _removal_notice(removed, request.user)
            messages.success(request, f"The agenda is saved.{told}")
            return redirect(meeting)
    for form in formset:
        holder = holders.get(_row_segment_id(form))
        form.holder = holder.presenter if holder is not None else None
    context["formset"] = formset
    return render(request, "meetings/agenda.html", context)
