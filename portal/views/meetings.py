"""The meeting page and its agenda editor: the meeting with its presentation slots."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from config import access
from config.errors import DomainError
from config.pagecache import cached_member_page
from groups.access import permission_required
from meetings import selectors
from meetings.enums import RsvpAnswer
from meetings.forms import AgendaFormSet, RsvpForm, segments_initial
from meetings.notes import notes_summary_for
from portal.selectors import meeting_page
from presentations import selectors as presentation_selectors
from presentations.forms import FacilitatorForm, MemberChoiceForm
from presentations.services import HeldSlotsNeedConfirmation, edit_agenda, follow_ups_by_segment
from presentations.signup import case_ready_by, signup_state, signup_window


@cached_member_page
@permission_required("meetings.view_meeting", selectors.meeting_for)
def meeting_detail(request, meeting, *, pk: int):
    """A meeting of my group: the agenda with its slots, who is coming, my answer and slots."""
    page = meeting_page(request.user, meeting)
    my_rsvp = page.rsvps.mine
    context = {
        "meeting": meeting,
        "group": meeting.group,
        "membership": meeting.viewer_membership,
        "agenda": page.agenda,
        "has_slots": page.has_slots(),
        "my_slots": page.slots_of(request.user),
        "signup": signup_state(meeting),
        "signup_window": signup_window(meeting),
        "case_ready_by": case_ready_by(meeting),
        "members": page.members,
        "swap_form": MemberChoiceForm(members=page.members, exclude={request.user.pk}),
        "swaps_for_me": page.swaps_for_me,
        "my_offers": page.my_offers,
        "counts": page.rsvps.counts,
        "my_rsvp": my_rsvp,
        "rsvp_form": RsvpForm(
            initial={"answer": my_rsvp.answer, "note": my_rsvp.note} if my_rsvp else None
        ),
        "answers": RsvpAnswer,
        "follow_ups": page.follow_ups,
        "notes_summary": notes_summary_for(meeting),
    }
    if access.allowed(request.user, "presentations.manage_slots", meeting):
        context.update(_organizer_context(meeting, page))
    return render(request, "meetings/detail.html", context)


def _organizer_context(meeting, page) -> dict:
    """What organizers see besides: everyone's answers, and the forms to assign slots and roles."""
    return {
        "rsvps": page.rsvps.answers,
        "assign_form": MemberChoiceForm(members=page.members),
        "facilitator_form": FacilitatorForm(
            members=page.members,
            initial={
                "facilitator": meeting.facilitator_id,
                "backup": meeting.backup_facilitator_id,
            },
        ),
    }


def _confirmed_removals(request, name: str) -> set[int]:
    """The presentations (``remove_presentation``) or case follow-ups (``remove_follow_up``)
    the organizer ticked to remove (garbled values count as unticked)."""
    return {int(v) for v in request.POST.getlist(name) if v.isdigit()}


def _removal_notice(removed, user) -> str:
    """What the organizer is told after removing held slots: who hears of it, what is kept."""
    notices = {}
    for p in removed:
        if p.presenter_id != user.pk:
            kept = notices.get(p.presenter_id, (p.presenter, False))[1] or p.kept_draft
            notices[p.presenter_id] = (p.presenter, kept)
    sentences = [
        (
            _("%(name)s is told by e-mail; what they wrote is kept as a private draft for them.")
            if kept
            else _("%(name)s is told by e-mail.")
        )
        % {"name": presenter}
        for presenter, kept in notices.values()
    ]
    return "".join(f" {sentence}" for sentence in sentences)


def _row_segment_id(form) -> int | None:
    value = str(form["id"].value() or "")
    return int(value) if value.isdigit() else None


def _show_holders(formset, meeting) -> None:
    """Name beside each row the member who holds its slot (the editor warns before removing)."""
    holders = presentation_selectors.held_slots(meeting)
    follow_ups = follow_ups_by_segment(meeting)
    for form in formset:
        holder = holders.get(_row_segment_id(form))
        form.holder = holder.presenter if holder is not None else None
        form.follow_up = follow_ups.get(_row_segment_id(form))


@require_http_methods(["GET", "POST"])
@permission_required("meetings.change_meeting", selectors.meeting_for)
def meeting_agenda(request, meeting, *, pk: int):
    """The organizers' editor of one meeting's agenda (timed segments and presentation slots)."""
    segments = selectors.segments_of(meeting)
    formset = AgendaFormSet(
        request.POST if request.method == "POST" else None,
        initial=segments_initial(segments, with_ids=True),
        prefix="seg",
        minutes_available=meeting.duration_minutes,
        segment_ids=[s.pk for s in segments],
    )
    context = {"meeting": meeting, "group": meeting.group, "template": False, "held": []}
    if request.method == "POST" and formset.is_valid():
        confirmed = _confirmed_removals(request, "remove_presentation")
        confirmed_follow_ups = _confirmed_removals(request, "remove_follow_up")
        try:
            removed = edit_agenda(
                actor=request.user,
                meeting=meeting,
                segments=formset.segments(),
                confirmed=confirmed,
                confirmed_follow_ups=confirmed_follow_ups,
            )
        except HeldSlotsNeedConfirmation as exc:
            context.update(
                held=exc.held,
                held_follow_ups=exc.follow_ups,
                confirm_count=len(exc.held) + len(exc.follow_ups),
                confirm_error=str(exc),
                confirmed=confirmed,
                confirmed_follow_ups=confirmed_follow_ups,
            )
        except DomainError as exc:
            messages.error(request, str(exc))  # shown above the agenda, kept as typed
        else:
            told = _removal_notice(removed, request.user)
            messages.success(request, _("The agenda is saved.") + told)
            return redirect(meeting)
    _show_holders(formset, meeting)
    context["formset"] = formset
    return render(request, "meetings/agenda.html", context)
