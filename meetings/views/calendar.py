"""Calendar downloads and subscription feeds, and the attendance pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from groups import selectors as group_selectors
from meetings import selectors, services
from meetings.calendar import alarm_minutes_for, build_calendar

ICS = "text/calendar; charset=utf-8"


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=ICS)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def meeting_ics(request, pk: int):
    meeting, _membership = selectors.get_meeting_for_member(request.user, pk)
    body = build_calendar(
        [meeting],
        name=meeting.group.name,
        member=True,
        alarm_minutes=alarm_minutes_for(request.user),
    )
    return _ics(body, f"peercircle-meeting-{meeting.pk}.ics")


def personal_feed(request, token: str):
    user = selectors.get_feed_owner(token)
    body = build_calendar(
        selectors.feed_meetings(user),
        name="PeerCircle",
        member=True,
        alarm_minutes=alarm_minutes_for(user),
    )
    return _ics(body, "peercircle.ics")


def group_feed(request, token: str, slug: str):
    user = selectors.get_feed_owner(token)
    membership = group_selectors.memberships_for_user(user).filter(group__slug=slug).first()
    if membership is None:
        raise Http404("No such calendar.")
    body = build_calendar(
        selectors.feed_meetings(user, group=membership.group),
        name=membership.group.name,
        member=True,
        alarm_minutes=alarm_minutes_for(user),
    )
    return _ics(body, f"{slug}.ics")


@login_required
def calendar_settings(request):
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
    services.regenerate_feed_token(user=request.user)
    messages.success(
        request,
        "Your calendar address is new. The old one no longer works: update your calendar app.",
    )
    return redirect("meetings:calendar_settings")


@login_required
def my_attendance(request):
    return render(
        request,
        "meetings/my_attendance.html",
        {"records": list(selectors.my_attendance(request.user)[:200])},
    )


@login_required
def group_attendance(request, slug: str):
    group, _membership = group_selectors.get_group_for_manager(request.user, slug)
    return render(
        request,
        "meetings/group_attendance.html",
        {"group": group, "rows": selectors.attendance_rates(group)},
    )
