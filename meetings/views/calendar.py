"""Calendar downloads and subscription feeds, and the attendance pages.

The subscription feeds (``personal_feed``, ``group_feed``) are not behind
``groups.access.permission_required`` on purpose: calendar apps fetch them without signing in,
so the secret token in the address is the key. It names its owner, and a feed shows only what
that owner may see (``meetings.selectors.feed_meetings``, scoped to their memberships); a revoked
or unknown token is a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groups import selectors as group_selectors
from groups.access import permission_required
from meetings import selectors, services
from meetings.calendar import alarm_minutes_for, build_calendar
from meetings.enums import AttendanceStatus
from meetings.forms import ExportPeriodForm

ICS = "text/calendar; charset=utf-8"


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=ICS)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@permission_required("meetings.view_meeting", selectors.meeting_for)
def meeting_ics(request, meeting, *, pk: int):
    body = build_calendar(
        [meeting],
        name=meeting.group.name,
        member=True,
        alarm_minutes=alarm_minutes_for(request.user),
    )
    return _ics(body, f"peercircle-meeting-{meeting.pk}.ics")


def personal_feed(request, token: str):
    """Token-based, no sign-in (see the module's docstring): every meeting of the token's
    owner's groups."""
    user = selectors.get_feed_owner(token)
    # A calendar app sends no cookie: the fixed words are in the owner's chosen language.
    with translation.override(user.language or translation.get_language()):
        body = build_calendar(
            selectors.feed_meetings(user),
            name="PeerCircle",
            member=True,
            alarm_minutes=alarm_minutes_for(user),
        )
    return _ics(body, "peercircle.ics")


def group_feed(request, token: str, slug: str):
    """Token-based, no sign-in (see the module's docstring): one of the owner's groups; a group
    they do not belong to is a 404."""
    user = selectors.get_feed_owner(token)
    group = selectors.get_feed_group(user, slug)
    with translation.override(user.language or translation.get_language()):
        body = build_calendar(
            selectors.feed_meetings(user, group=group),
            name=group.name,
            member=True,
            alarm_minutes=alarm_minutes_for(user),
        )
    return _ics(body, f"{slug}.ics")


@login_required
def calendar_settings(request):
    """The signed-in person's own feed addresses: about them, no group object, so
    ``login_required``."""
    token = services.get_or_create_feed_token(user=request.user)
    feed_path = reverse("meetings:feed", kwargs={"token": token.token})
    return render(
        request,
        "meetings/calendar_settings.html",
        {
            "feed_url": request.build_absolute_uri(feed_path),
            "webcal_url": "webcal://" + request.get_host() + feed_path,
            "memberships": list(group_selectors.memberships_for_user(request.user)),
            "token": token,
        },
    )


@login_required
@require_POST
def calendar_regenerate(request):
    """A new address for the signed-in person's own feeds (``login_required``: about them)."""
    services.regenerate_feed_token(user=request.user)
    messages.success(
        request,
        _("Your calendar address is new. The old one no longer works: update your calendar app."),
    )
    return redirect("meetings:calendar_settings")


@login_required
def my_attendance(request):
    """The signed-in person's own record (``login_required``: about them, no group object)."""
    return render(
        request,
        "meetings/my_attendance.html",
        {
            "records": list(selectors.my_attendance(request.user)[:200]),
            "statuses": AttendanceStatus,
        },
    )


@permission_required("meetings.view_group_attendance", group_selectors.group_for)
def group_attendance(request, group, *, slug: str):
    """The group's attendance record: its organizers, and site admins, who may look; the
    organizers also find its downloads here."""
    return group_attendance_page(request, group, ExportPeriodForm())


def group_attendance_page(request, group, period_form: ExportPeriodForm):
    """The attendance record with the downloads' period form (bound, with its errors, when a
    download was asked for dates that do not make sense: meetings/views/exports.py)."""
    return render(
        request,
        "meetings/group_attendance.html",
        {
            "group": group,
            "rows": selectors.attendance_rates(group),
            "period_form": period_form,
        },
    )
