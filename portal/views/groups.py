"""The group page and the group's settings: a group with its meetings."""

import time

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from board import selectors as board_selectors
from config import access
from config.errors import DomainError
from config.pagecache import cached_member_page
from consultations import selectors as consultation_selectors
from groups import selectors
from groups.access import permission_required
from groups.cache import keep_public_page, kept_public_page, public_page_key
from groups.enums import WaitlistStatus
from groups.forms import GroupForm
from meetings import selectors as meeting_selectors
from meetings import services as meeting_services
from meetings.layout import month_grid
from members.timezones import shown_zones_key, use_page_zone
from portal.selectors import group_for_page


@cached_member_page
def group_detail(request, slug: str):
    """Public: anyone sees what a group is and how to join; its members (who accepted the
    current ground rules and confidentiality agreement) also see each other and the meetings.
    What a visitor who is not signed in sees is kept in the cache (groups.cache)."""
    cache_key, started = _visitor_key(request, slug), time.time_ns()
    if cache_key and (html := kept_public_page(cache_key)) is not None:
        return HttpResponse(html)
    group = group_for_page(request.user, slug)
    request.page_object = group  # config.pagecache keeps a member's page under its version
    use_page_zone(group.time_zone)  # a visitor whose zone is unknown reads the group's, labelled
    membership = group.viewer_membership
    rules_pending = selectors.needs_rules_acceptance(membership)
    agreement_pending = selectors.needs_agreement_acceptance(membership)
    context = {
        "group": group,
        "membership": membership,
        "rules_pending": rules_pending,
        "agreement_pending": agreement_pending,
        "share_url": request.build_absolute_uri(group.get_absolute_url()),
    }
    gated = rules_pending or agreement_pending
    if access.allowed(request.user, "groups.view_members_area", group) and not gated:
        context.update(_members_area(request, group))
    else:
        context["organizers"] = list(selectors.organizers_of(group))
        context["next_meeting_at"] = _next_meeting_at(group)
    if not membership:
        context.update(_joining(request.user, group))
    response = render(request, "groups/detail.html", context)
    if cache_key:
        keep_public_page(
            cache_key,
            response.content,
            group_id=group.pk,
            started=started,
            next_meeting_at=context.get("next_meeting_at"),
        )
    return response


def _visitor_key(request, slug: str) -> str | None:
    """The cache key of the page a visitor sees at its own address; None for a signed-in
    person, a visitor with a message waiting (the page shows it once), or an address with a
    query string (anyone could make endless copies of one page)."""
    if (
        request.user.is_authenticated
        or request.META.get("QUERY_STRING")
        or len(messages.get_messages(request))
    ):
        return None
    return public_page_key(
        slug,
        zones=shown_zones_key(),
        site=request.build_absolute_uri("/"),  # the page names its own address
    )


def _next_meeting_at(group):
    """The start of the group's next regular meeting, as the browse list shows it to anyone."""
    return (
        meeting_selectors.browsable_groups()
        .filter(pk=group.pk)
        .values_list("next_meeting_at", flat=True)
        .first()
    )


def _members_area(request, group) -> dict:
    """Members see everyone, organizers first (the organizers are the head of that list), and
    the meetings: the next ones, the last ones, and a month of the calendar."""
    members = list(selectors.members_of(group))
    return {
        "members": members,
        "organizers": [m for m in members if m.manages],
        "upcoming": meeting_selectors.group_upcoming(group),
        "past": meeting_selectors.group_past(group),
        "month": month_grid(group, request.GET.get("month"), timezone.get_current_timezone()),
        # Between meetings: what is new on the board, and requests waiting for an answer.
        "board_unread": board_selectors.unread_counts(request.user, groups=[group]).get(
            group.pk, 0
        ),
        "open_consultations": consultation_selectors.open_count(group),
    }


def _joining(user, group) -> dict:
    """Where someone who is not a member stands: waiting for a seat, offered one, applying."""
    entry = selectors.active_waitlist_entry(user, group)
    return {
        "waitlist_entry": entry,
        "waitlist_position": selectors.waitlist_position(entry) if entry else None,
        "offer_open": entry is not None and entry.status == WaitlistStatus.OFFERED,
        "application": selectors.pending_application(user, group),
    }


@require_http_methods(["GET", "POST"])
@permission_required("groups.change_group", selectors.group_for)
def group_edit(request, group, *, slug: str):
    """The group's details and settings, for its organizers (and site admins, who may fix
    them: ``groups.change_group``, which the service checks again)."""
    form = GroupForm(
        request.POST if request.method == "POST" else None,
        instance=group,
        schedule_from=meeting_selectors.running_schedule(group),
        upcoming_meetings=meeting_selectors.upcoming_count(group),
        actor=request.user,
    )
    if request.method == "POST" and form.is_valid():
        try:
            # The meetings service composes the group's update with what a new time zone and
            # the running series mean for the meetings (groups never import meetings).
            group = meeting_services.edit_group(
                actor=request.user,
                group=group,
                data=form.service_data(),
                keep_local_times=form.keep_local_times(),
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The group's details are saved."))
            return redirect(group)
    if request.method == "POST":
        group.refresh_from_db()  # the form edited the instance: show the stored state
    return render(request, "groups/form.html", {"form": form, "group": group, "creating": False})
