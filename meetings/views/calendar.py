"""Calendar downloads and subscription feeds, and the attendance pages.

The subscription feeds (``personal_feed``, ``group_feed``) are not behind
``groups.access.permission_required`` on purpose: calendar apps fetch them without signing in,
so the secret token in the address is the key. It names its owner, and a feed shows only what
that owner may see (``meetings.selectors.feed_meetings``, scoped to their memberships); a revoked
or unknown token is a 404.

Calendar apps poll the feeds all day, so they answer conditional requests: every answer carries
an ETag and a Last-Modified (``meetings.calendar.feed_etag``, ``feed_last_modified``), and a poll
whose copy is current gets a 304 with no body, after the token lookup (with the digest of the
feed's meetings in the same query) and, for a group's feed, the group's: no meeting is loaded and
no calendar built. Django's ``condition`` decorator would look the owner up twice (once for the
validators, once for the body), so the views call ``get_conditional_response`` themselves.
"""

import hashlib
import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config import pagecache
from config.pagecache import cached_member_page
from groups import selectors as group_selectors
from groups.access import permission_required
from meetings import selectors, services
from meetings.calendar import (
    alarm_minutes_for,
    build_calendar,
    feed_etag,
    feed_last_modified,
)
from meetings.enums import AttendanceStatus
from meetings.forms import ExportPeriodForm

ICS = "text/calendar; charset=utf-8"
# A feed names a person's meetings: never in a shared cache ("private"). "no-cache" rather than
# the downloads' "no-store": the calendar app may keep its copy, but must ask again every time
# (with If-None-Match / If-Modified-Since) before using it, so a change shows at the next poll
# and an unchanged feed costs a 304.
FEED_CACHE_CONTROL = "private, no-cache"
# A feed's calendar is kept with its validators up to this size (a year of weekly meetings in
# several groups is far below it).
KEPT_BODY_LIMIT = 2 * 1024 * 1024


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


def _feed(request, owner, *, group=None, filename: str, kept_key: str, started: int):
    """A feed's answer: 304 (no body, no meeting loaded) when the caller's copy is current,
    else the calendar; both with the validators and the feed's Cache-Control. ``group``: one
    group's feed, else the owner's personal one. The validators, and the calendar when it was
    built, are kept (``kept_key``) under the versions of the owner and their groups
    (config.pagecache), so the next fetch of an unchanged feed is answered from the cache
    (``_kept_answer``)."""
    digest, scope, name = (
        (owner.feed_digest, "all", "PeerCircle")
        if group is None
        else (group.feed_digest, str(group.pk), group.name)
    )
    # A calendar app sends no cookie: the fixed words are in the owner's chosen language.
    language = owner.language or translation.get_language()
    etag = feed_etag(digest, owner=owner, scope=scope, name=name, language=language)
    modified = feed_last_modified(owner=owner, scope=scope, etag=etag)
    response = get_conditional_response(request, etag=etag, last_modified=modified)
    body = None
    if response is None:
        with translation.override(language):
            body = build_calendar(
                selectors.feed_meetings(owner, group=group),
                name=name,
                member=True,
                alarm_minutes=alarm_minutes_for(owner),
            )
        response = _ics(body, filename)
    kept = {"etag": etag, "modified": modified, "body": body, "filename": filename}
    _keep(kept_key, owner, group, started, kept)
    return _with_validators(response, etag, modified)


def _with_validators(response, etag: str, modified: int):
    response["ETag"] = etag
    response["Last-Modified"] = http_date(modified)
    response["Cache-Control"] = FEED_CACHE_CONTROL
    return response


def _kept_key(request, token: str, slug: str = "") -> str:
    """Per token, feed and language (what the caller's Accept-Language chose, when the owner
    chose none). The token is hashed: it is the feed's secret."""
    digest = hashlib.sha256(f"{token}/{slug}/{translation.get_language()}".encode()).hexdigest()
    return f"feed-validators:{digest[:40]}"


def _kept_answer(request, kept_key: str):
    """The answer from the kept copy when nothing the feed shows has been written since it was
    made: a 304 when the caller's copy is current, else the kept calendar (a fetch of an
    unchanged feed asks the database nothing); None otherwise (nothing kept, out of date, or
    only the validators kept and the caller's copy is not current). The kept copy lives a
    minute: the feed's window moves with the clock."""
    kept = cache.get(kept_key)
    if kept is None or not pagecache.holds(kept["versions"]):
        return None
    etag, modified = kept["etag"], kept["modified"]
    response = get_conditional_response(request, etag=etag, last_modified=modified)
    if response is None:
        body = pagecache.unseal(kept_key, kept["body"]) if kept.get("body") else None
        if body is None:
            return None
        response = _ics(body, kept["filename"])
    return _with_validators(response, etag, modified)


def _keep(kept_key, owner, group, started: int, kept: dict) -> None:
    """Keep the feed's validators and its calendar (sealed, like a case page: a feed holds the
    owner's online meeting links) unless something it shows was written since ``started``. A
    body not built this time (a 304) leaves a kept body of the same ETag in place."""
    groups = [group.pk] if group is not None else group_selectors.group_ids_of(owner)
    names = [f"u:{owner.pk}", "people", "all", *(f"g:{pk}" for pk in groups)]
    stamp = pagecache.stamp(names, started=started)
    if stamp is None:
        return
    body = kept.pop("body")
    if body is not None and len(body) <= KEPT_BODY_LIMIT:
        kept["body"] = pagecache.seal(kept_key, body)
    elif body is None and (earlier := cache.get(kept_key)) and earlier["etag"] == kept["etag"]:
        kept["body"] = earlier.get("body")
    cache.set(kept_key, kept | {"versions": stamp}, pagecache.PAGE_SECONDS)


def personal_feed(request, token: str):
    """Token-based, no sign-in (see the module's docstring): every meeting of the token's
    owner's groups."""
    kept_key, started = _kept_key(request, token), time.time_ns()
    if (answer := _kept_answer(request, kept_key)) is not None:
        return answer
    user = selectors.get_feed_owner(token, with_digest=True)
    return _feed(request, user, filename="peercircle.ics", kept_key=kept_key, started=started)


def group_feed(request, token: str, slug: str):
    """Token-based, no sign-in (see the module's docstring): one of the owner's groups; a group
    they do not belong to is a 404."""
    kept_key, started = _kept_key(request, token, slug), time.time_ns()
    if (answer := _kept_answer(request, kept_key)) is not None:
        return answer
    user = selectors.get_feed_owner(token)
    group = selectors.get_feed_group(user, slug)
    return _feed(
        request, user, group=group, filename=f"{slug}.ics", kept_key=kept_key, started=started
    )


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


@cached_member_page
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
