"""Joining, leaving, the waitlist, applications and invitations: the visitor's next steps.

Except leaving, these pages are for people who are not members yet, so no rule of the group
applies: they need only to be signed in (``login_required``; an invitation link also greets
someone not signed in yet), and the services decide (an open group, a free seat, a usable
invitation). After a join, an application or an answer to a seat
offer, the person lands on the group's page, which shows where they now stand; a new member
lands on their welcome page (``portal/views/welcome.py``).
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from config.errors import DomainError
from groups import selectors, services
from groups.access import permission_required
from groups.enums import Role
from groups.forms import AcceptRulesForm, ApplicationForm
from members.services import record_confirmations
from members.timezones import use_page_zone


def _report(request, result, group):
    if result.joined:
        messages.success(
            request, _("Welcome to %(group)s! You are now a member.") % {"group": group.name}
        )
    else:
        messages.info(
            request,
            _(
                "%(group)s is full, so you are on its waitlist at position %(position)s. "
                "We will e-mail you when a seat is free."
            )
            % {"group": group.name, "position": result.position},
        )


@login_required
@require_http_methods(["GET", "POST"])
def join(request, slug: str):
    group = selectors.get_group_for_viewer(request.user, slug)
    if selectors.get_membership(request.user, group):
        messages.info(request, _("You are already a member of this group."))
        return redirect(group)
    if not group.is_open and request.method == "GET":
        messages.info(
            request, _("This is a closed group: apply, and the organizers will review it.")
        )
        return redirect("groups:apply", slug=group.slug)
    form = AcceptRulesForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.join_group(user=request.user, group=group, accepted_rules=True)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            _report(request, result, group)
            if result.joined:
                return redirect("groups:welcome", slug=group.slug)
        return redirect(group)
    return render(request, "groups/join.html", {"group": group, "form": form})


@permission_required("groups.view_members_area", selectors.group_for, ground_rules=False)
@require_http_methods(["GET", "POST"])
def leave(request, group, *, slug):
    """Confirm (GET), then leave (POST). A refusal (the last organizer) is the middleware's: a
    message on this page, which explains what to do first."""
    if request.method == "POST":
        services.leave_group(user=request.user, group=group)
        messages.success(request, _("You have left %(group)s.") % {"group": group.name})
        return redirect(group)
    return render(
        request,
        "groups/leave.html",
        {"group": group, "membership": group.viewer_membership, "Role": Role},
    )


WAITLIST_ACTIONS = {
    "accept": (
        services.accept_offer,
        gettext_lazy("Welcome to %(group)s! You are now a member."),
    ),
    "decline": (
        services.decline_offer,
        gettext_lazy("You declined the seat; it goes to the next person."),
    ),
    "leave": (services.leave_waitlist, gettext_lazy("You have left the waitlist.")),
}


@login_required
@require_POST
def waitlist_action(request, slug: str, action: str):
    """Answer a seat offer, or leave the waitlist. A refusal (an offer that lapsed meanwhile)
    is the middleware's: a message on the page the answer was given from."""
    group = selectors.get_group_for_viewer(request.user, slug)
    entry = selectors.active_waitlist_entry(request.user, group)
    if entry is None:
        messages.error(request, _("You are not on this group's waitlist."))
        return redirect(group)
    handler, success = WAITLIST_ACTIONS[action]
    handler(user=request.user, entry_id=entry.pk)
    messages.success(request, str(success) % {"group": group.name})
    if action == "accept":
        return redirect("groups:welcome", slug=group.slug)
    return redirect(group)


@login_required
@require_http_methods(["GET", "POST"])
def apply(request, slug: str):
    group = selectors.get_group_for_viewer(request.user, slug)
    if not group.is_open and selectors.pending_application(request.user, group):
        messages.info(request, _("Your application is already with the organizers."))
        return redirect(group)
    form = ApplicationForm(
        request.POST if request.method == "POST" else None, questions=list(group.questions.all())
    )
    if request.method == "POST" and form.is_valid():
        try:
            _send_application(request, group, form)
        except DomainError as exc:
            messages.error(request, str(exc))
        return redirect(group)
    if group.is_open:
        messages.info(request, _("This group is open: you can join it directly."))
        return redirect("groups:join", slug=group.slug)
    return render(request, "groups/apply.html", {"group": group, "form": form})


def _send_application(request, group, form) -> None:
    services.apply_to_group(
        user=request.user,
        group=group,
        answers=form.answers(),
        note=form.cleaned_data["note"],
        consent=form.cleaned_data["consent"],
        accepted_rules=form.cleaned_data["accept_rules"],
    )
    record_confirmations(
        actor=request.user, summary=form.guard_summary(), what="application", group=group
    )
    messages.success(
        request, _("Your application is sent. The organizers will let you know by e-mail.")
    )


@login_required
@require_POST
def withdraw(request, slug: str):
    group = selectors.get_group_for_viewer(request.user, slug)
    application = selectors.pending_application(request.user, group)
    if application is None:
        messages.error(request, _("There is no pending application to withdraw."))
        return redirect(group)
    services.withdraw_application(user=request.user, application_id=application.pk)
    messages.success(request, _("Your application is withdrawn."))
    return redirect(group)


@require_http_methods(["GET", "POST"])
def invitation(request, token: str):
    """The invitation link. Someone not signed in (often without an account yet) sees whose
    invitation it is and what accepting means, with a way to sign up (their address filled in)
    or sign in that comes back here; signed in, they accept it."""
    invite = selectors.get_usable_invitation(token)
    if invite is None:
        withdrawn = selectors.invitation_was_revoked(token)
        return render(
            request, "groups/invitation_invalid.html", {"withdrawn": withdrawn}, status=404
        )
    use_page_zone(invite.group.time_zone)  # a visitor whose zone is unknown reads the group's
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect_to_login(request.get_full_path())
        return render(request, "groups/invitation_welcome.html", _welcome(request, invite))
    group = invite.group
    form = AcceptRulesForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.accept_invitation(user=request.user, token=token, accepted_rules=True)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            _report(request, result, group)
            if result.joined:
                return redirect("groups:welcome", slug=group.slug)
        return redirect(group)
    return render(
        request, "groups/invitation.html", {"group": group, "form": form, "invitation": invite}
    )


def _welcome(request, invite) -> dict:
    """The links of the page an invitee sees before signing in: both come back to the
    invitation (allauth keeps ``next`` through sign-up and the e-mail confirmation)."""
    back = urlencode({"next": request.path})
    return {
        "group": invite.group,
        "invitation": invite,
        "signup_url": f"{reverse('account_signup')}?{urlencode({'email': invite.email})}&{back}",
        "login_url": f"{reverse('account_login')}?{back}",
    }
