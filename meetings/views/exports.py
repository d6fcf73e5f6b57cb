"""Downloads. A group's organizers take its roster, attendance register and hours per member
(CSV, streamed row by row) and print a meeting's sign-in sheet (PDF); each member takes their
own hours (CSV, PDF) and certificates (CSV). No case content is in any of them
(``meetings/exports.py``)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from groups import selectors as group_selectors
from groups.access import permission_required
from meetings import exports, selectors
from meetings.forms import ExportPeriodForm
from meetings.views.calendar import group_attendance_page
from members import dates

CSV = "text/csv; charset=utf-8"
PDF = "application/pdf"


def _download(body, *, filename: str, content_type: str):
    response = (
        HttpResponse(body, content_type=content_type)
        if isinstance(body, bytes)
        else StreamingHttpResponse(exports.csv_lines(body), content_type=content_type)
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"  # people's names: never in a shared cache
    return response


@permission_required("meetings.export_group_records", group_selectors.group_for)
@require_GET
def roster_csv(request, group, *, slug: str):
    return _download(
        exports.roster_rows(group), filename=f"{group.slug}-roster.csv", content_type=CSV
    )


def _period_export(request, group, rows, name: str):
    """A register-like export for the period the GET form asks; its page with the errors
    beside the fields when the dates do not make sense (nothing is downloaded then)."""
    form = ExportPeriodForm(request.GET)
    if not form.is_valid():
        return group_attendance_page(request, group, form)
    period = exports.ExportPeriod(form.cleaned_data["start"], form.cleaned_data["end"])
    return _download(
        rows(group, period),
        filename=f"{group.slug}-{name}-{period.slug()}.csv",
        content_type=CSV,
    )


@permission_required("meetings.export_group_records", group_selectors.group_for)
@require_GET
def register_csv(request, group, *, slug: str):
    return _period_export(request, group, exports.register_rows, "attendance")


@permission_required("meetings.export_group_records", group_selectors.group_for)
@require_GET
def hours_csv(request, group, *, slug: str):
    return _period_export(request, group, exports.hours_rows, "hours")


@permission_required("meetings.take_attendance", selectors.meeting_for)
@require_GET
def sign_in_sheet(request, meeting, *, pk: int):
    """The meeting's sign-in sheet: for whoever takes its attendance."""
    day = dates.iso_date(meeting.starts_at, zone=meeting.group.time_zone)
    return _download(
        exports.sign_in_sheet_pdf(meeting),
        filename=f"{meeting.group.slug}-sign-in-{day}.pdf",
        content_type=PDF,
    )


@login_required
@require_GET
def my_hours_csv(request):
    """The signed-in person's own hours (``login_required``: about them)."""
    return _download(
        exports.my_hours_rows(request.user, timezone.get_current_timezone()),
        filename="peercircle-my-hours.csv",
        content_type=CSV,
    )


@login_required
@require_GET
def my_hours_pdf(request):
    """The signed-in person's statement of hours (``login_required``: about them)."""
    tz = timezone.get_current_timezone()
    return _download(
        exports.hours_statement_pdf(request.user, tz, today=timezone.localdate(timezone=tz)),
        filename="peercircle-my-hours.pdf",
        content_type=PDF,
    )


@login_required
@require_GET
def my_certificates_csv(request):
    """The signed-in person's certificates (``login_required``: about them)."""
    return _download(
        exports.my_certificates_rows(request.user),
        filename="peercircle-my-certificates.csv",
        content_type=CSV,
    )
