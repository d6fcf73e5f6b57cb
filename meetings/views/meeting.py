"""Meeting pages: create, read, edit, cancel, agenda, RSVP, attendance."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from groups import selectors as group_selectors
from meetings import selectors, services
from meetings.enums import EditScope, RecurrenceKind, RsvpAnswer
from meetings.forms import (
    AgendaFormSet,
    AttendanceForm,
    CancelForm,
    MeetingCreateForm,
    MeetingEditForm,
    RsvpForm,
    segments_initial,
)
from meetings.services import MeetingError
from members.services import record_confirmations


def _post(request):
    return request.POST if request.method == "POST" else None


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request, slug: str):
    group, membership = group_selectors.get_group_for_manager(request.user, slug)
    if membership is None:
        raise_404()
    form = MeetingCreateForm(_post(request), group=group)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["kind"] == RecurrenceKind.ONCE:
                meeting = services.create_meeting(
                    actor=request.user,
                    group=group,
                    title=data["title"],
                    starts_at=data["starts_at"],
                    duration_minutes=data["duration_minutes"],
                )
                record_confirmations(
                    actor=request.user, summary=form.guard_summary(), what="meeting", obj=meeting
                )
                messages.success(request, "The meeting is scheduled and members can RSVP.")
                return redirect(meeting)
            series = services.create_series(
                actor=request.user,
                group=group,
                title=data["title"],
                rule=data["rule"],
                starts_on=data["starts_on"],
                start_time=data["start_time"],
                duration_minutes=data["duration_minutes"],
                ends_on=data.get("ends_on"),
            )
        except MeetingError as exc:
            form.add_error(None, str(exc))
        else:
            record_confirmations(
                actor=request.user, summary=form.guard_summary(), what="series", group=group
            )
            count = series.meetings.count()
            messages.success(
                request, f"The series is set up: {count} meetings scheduled for the next 12 weeks."
            )
            return redirect(group)
    return render(request, "meetings/create.html", {"group": group, "form": form})


def raise_404():
    from django.http import Http404

    raise Http404("No such page.")


@login_required
@require_POST
def rsvp(request, pk: int):
    meeting, _membership = selectors.get_meeting_for_member(request.user, pk)
    form = RsvpForm(request.POST)
    if not form.is_valid():
        if form.guard_findings and "note" in form.errors:
            # The note may identify a client: show it for revision or confirmation (config/guard).
            return render(request, "meetings/rsvp_review.html", {"meeting": meeting, "form": form})
        first_error = next(iter(form.errors.values()))[0]
        messages.error(request, first_error)
        return redirect(meeting)
    try:
        services.set_rsvp(
            user=request.user,
            meeting=meeting,
            answer=form.cleaned_data["answer"],
            note=form.cleaned_data["note"],
        )
    except MeetingError as exc:
        messages.error(request, str(exc))
    else:
        record_confirmations(
            actor=request.user, summary=form.guard_summary(), what="RSVP note", obj=meeting
        )
        messages.success(request, "Thanks — your answer is saved.")
    return redirect(meeting)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk: int):
    meeting, _membership = selectors.get_meeting_for_manager(request.user, pk)
    members = list(group_selectors.members_of(meeting.group))
    form = MeetingEditForm(_post(request), meeting=meeting, members=members)
    if request.method == "POST" and form.is_valid():
        try:
            updated = services.update_meeting(
                actor=request.user,
                meeting=meeting,
                data=form.service_data(),
                scope=form.cleaned_data.get("scope") or EditScope.THIS,
                message=form.cleaned_data["message"],
            )
        except MeetingError as exc:
            form.add_error(None, str(exc))
        else:
            record_confirmations(
                actor=request.user, summary=form.guard_summary(), what="meeting", obj=meeting
            )
            messages.success(
                request,
                "The meeting is updated."
                if len(updated) == 1
                else f"{len(updated)} meetings are updated.",
            )
            return redirect(updated[0])
    return render(request, "meetings/edit.html", {"meeting": meeting, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_cancel(request, pk: int):
    meeting, _membership = selectors.get_meeting_for_manager(request.user, pk)
    form = CancelForm(_post(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_meeting(
                actor=request.user, meeting=meeting, message=form.cleaned_data["message"]
            )
        except MeetingError as exc:
            messages.error(request, str(exc))
        else:
            record_confirmations(
                actor=request.user,
                summary=form.guard_summary(),
                what="cancellation message",
                obj=meeting,
            )
            messages.success(request, "The meeting is cancelled and members are told by e-mail.")
        return redirect(meeting)
    return render(request, "meetings/cancel.html", {"meeting": meeting, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def agenda_template(request, slug: str):
    group, membership = group_selectors.get_group_for_manager(request.user, slug)
    if membership is None:
        raise_404()
    formset = AgendaFormSet(
        _post(request),
        initial=segments_initial(group.agenda_template.all()),
        prefix="seg",
        minutes_available=group.meeting_minutes,
    )
    if request.method == "POST" and formset.is_valid():
        try:
            services.set_agenda_template(
                actor=request.user, group=group, segments=formset.segments()
            )
        except MeetingError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "The standard agenda is saved; new meetings will copy it.")
            return redirect(group)
    return render(
        request,
        "meetings/agenda.html",
        {"group": group, "formset": formset, "template": True},
    )


ATTENDANCE_FROM_RSVP = {
    RsvpAnswer.GOING: "present",
    RsvpAnswer.MAYBE: "present",
    RsvpAnswer.CANT: "excused",
}


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request, pk: int):
    meeting, membership = selectors.get_meeting_for_member(request.user, pk)
    meeting._role_cache = {request.user.pk: membership.role}
    if not request.user.has_perm("meetings.take_attendance", meeting):
        raise_404()
    members = list(selectors.members_at(meeting))
    recorded = selectors.attendance_of(meeting)
    rsvps = {r.user_id: r.answer for r in selectors.rsvps_of(meeting)}
    initial = {
        m.user_id: recorded.get(m.user_id)
        or ATTENDANCE_FROM_RSVP.get(rsvps.get(m.user_id), "absent")
        for m in members
    }
    form = AttendanceForm(_post(request), members=members, initial_marks=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_attendance(actor=request.user, meeting=meeting, marks=form.marks())
        except MeetingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Attendance is saved.")
            return redirect(meeting)
    return render(
        request,
        "meetings/attendance.html",
        {"meeting": meeting, "form": form, "recorded": bool(recorded)},
    )
