"""Meeting pages: scheduling, editing, cancelling, the standard agenda, RSVP, attendance.

Every page here is a members' page: ``groups.access.permission_required`` signs the visitor
in, loads the meeting (or group) scoped to them, asks the rule of ``meetings/rules.py`` and
the ground-rules gate. The meeting page and its agenda editor live in ``portal/views/meetings``.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from groups import selectors as group_selectors
from groups.access import permission_required
from meetings import selectors, services
from meetings.enums import EditScope, RecurrenceKind
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


def _schedule_once(request, group, form):
    data = form.cleaned_data
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
    messages.success(request, _("The meeting is scheduled and members can RSVP."))
    return redirect(meeting)


def _schedule_series(request, group, form):
    data = form.cleaned_data
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
    record_confirmations(
        actor=request.user, summary=form.guard_summary(), what="series", group=group
    )
    count = series.meetings.count()
    messages.success(
        request,
        ngettext(
            "The series is set up: %(count)s meeting scheduled for the next 12 weeks.",
            "The series is set up: %(count)s meetings scheduled for the next 12 weeks.",
            count,
        )
        % {"count": count},
    )
    return redirect(group)


@permission_required("meetings.add_meeting", group_selectors.group_for)
@require_http_methods(["GET", "POST"])
def meeting_create(request, group, *, slug: str):
    form = MeetingCreateForm(_post(request), group=group)
    if request.method == "POST" and form.is_valid():
        once = form.cleaned_data["kind"] == RecurrenceKind.ONCE
        try:
            return (_schedule_once if once else _schedule_series)(request, group, form)
        except MeetingError as exc:
            form.add_error(None, str(exc))
    return render(request, "meetings/create.html", {"group": group, "form": form})


@permission_required("meetings.answer_rsvp", selectors.meeting_for)
@require_POST
def rsvp(request, meeting, *, pk: int):
    """A refusal of the service (the meeting is cancelled or has started) is told on the page
    the member answered from (``config.middleware.DomainErrorMiddleware``)."""
    form = RsvpForm(request.POST)
    if not form.is_valid():
        if form.guard_findings and "note" in form.errors:
            # The note may identify a client: show it for revision or confirmation (config/guard).
            return render(request, "meetings/rsvp_review.html", {"meeting": meeting, "form": form})
        first_error = next(iter(form.errors.values()))[0]
        messages.error(request, first_error)
        return redirect(meeting)
    services.set_rsvp(
        user=request.user,
        meeting=meeting,
        answer=form.cleaned_data["answer"],
        note=form.cleaned_data["note"],
    )
    record_confirmations(
        actor=request.user, summary=form.guard_summary(), what="RSVP note", obj=meeting
    )
    messages.success(request, _("Thanks — your answer is saved."))
    return redirect(meeting)


@permission_required("meetings.change_meeting", selectors.meeting_for)
@require_http_methods(["GET", "POST"])
def meeting_edit(request, meeting, *, pk: int):
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
            count = len(updated)
            messages.success(
                request,
                ngettext("The meeting is updated.", "%(count)s meetings are updated.", count)
                % {"count": count},
            )
            return redirect(updated[0])
    return render(request, "meetings/edit.html", {"meeting": meeting, "form": form})


@permission_required("meetings.change_meeting", selectors.meeting_for)
@require_http_methods(["GET", "POST"])
def meeting_cancel(request, meeting, *, pk: int):
    form = CancelForm(_post(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_meeting(
                actor=request.user, meeting=meeting, message=form.cleaned_data["message"]
            )
        except MeetingError as exc:
            # Already cancelled, or over: the meeting's page shows how it stands.
            messages.error(request, str(exc))
        else:
            record_confirmations(
                actor=request.user,
                summary=form.guard_summary(),
                what="cancellation message",
                obj=meeting,
            )
            messages.success(request, _("The meeting is cancelled and members are told by e-mail."))
        return redirect(meeting)
    return render(request, "meetings/cancel.html", {"meeting": meeting, "form": form})


@permission_required("meetings.change_agenda_template", group_selectors.group_for)
@require_http_methods(["GET", "POST"])
def agenda_template(request, group, *, slug: str):
    """The form checks what the service checks (the kinds, the length of the usual meeting);
    a refusal it did not foresee is told on this page (``DomainErrorMiddleware``)."""
    formset = AgendaFormSet(
        _post(request),
        initial=segments_initial(group.agenda_template.all()),
        prefix="seg",
        minutes_available=group.meeting_minutes,
    )
    if request.method == "POST" and formset.is_valid():
        services.set_agenda_template(actor=request.user, group=group, segments=formset.segments())
        messages.success(request, _("The standard agenda is saved; new meetings will copy it."))
        return redirect(group)
    return render(
        request,
        "meetings/agenda.html",
        {"group": group, "formset": formset, "template": True},
    )


@permission_required("meetings.take_attendance", selectors.meeting_for)
@require_http_methods(["GET", "POST"])
def attendance(request, meeting, *, pk: int):
    sheet = selectors.attendance_sheet(meeting)
    form = AttendanceForm(_post(request), members=sheet.members, initial_marks=sheet.marks)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_attendance(actor=request.user, meeting=meeting, marks=form.marks())
        except MeetingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Attendance is saved."))
            return redirect(meeting)
    return render(
        request,
        "meetings/attendance.html",
        {"meeting": meeting, "form": form, "recorded": sheet.recorded},
    )
