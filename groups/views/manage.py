"""Organizer pages: members and roles, removal, hand-over, invitations, questions, audit log."""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from groups import selectors, services
from groups.forms import InviteForm, QuestionFormSet, RemoveMemberForm, RoleForm
from groups.rules import ORGANIZER_ONLY_MESSAGE
from groups.services import GroupActionError
from members.services import record_confirmations


def _manager_group(request, slug):
    group, membership = selectors.get_group_for_manager(request.user, slug)
    if membership is None:  # site admins may look, but only the group's own organizers act
        group._role_cache = {request.user.pk: None}
    else:
        group._role_cache = {request.user.pk: membership.role}
    return group, membership


@login_required
def manage_members(request, slug: str):
    group, membership = _manager_group(request, slug)
    return render(
        request,
        "groups/manage_members.html",
        {
            "group": group,
            "membership": membership,
            "members": list(selectors.members_of(group)),
            "waitlist": list(selectors.waitlist_of(group)),
            "role_form": RoleForm(),
        },
    )


def _require_acting_manager(request, membership, group):
    if membership is None:
        messages.error(request, "Only the group's organizers can change its members.")
        return redirect("groups:manage_members", slug=group.slug)
    return None


@login_required
@require_POST
def change_role(request, slug: str, membership_id: int):
    group, membership = _manager_group(request, slug)
    refusal = _require_acting_manager(request, membership, group)
    if refusal:
        return refusal
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose member, co-organizer or organizer.")
    else:
        try:
            changed = services.change_role(
                actor=request.user,
                group=group,
                membership_id=membership_id,
                role=form.cleaned_data["role"],
            )
        except GroupActionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, f"{changed.user} is now {changed.get_role_display().lower()}."
            )
    return redirect("groups:manage_members", slug=group.slug)


@login_required
@require_http_methods(["GET", "POST"])
def remove_member(request, slug: str, membership_id: int):
    group, membership = _manager_group(request, slug)
    refusal = _require_acting_manager(request, membership, group)
    if refusal:
        return refusal
    target = selectors.members_of(group).filter(pk=membership_id).first()
    if target is None:
        messages.error(request, "That person is no longer a member of this group.")
        return redirect("groups:manage_members", slug=group.slug)
    if (
        request.method == "GET"  # a POST is the service's to refuse, with its reason
        and target.user_id != request.user.pk
        and not rules.test_rule("groups.manage_member", request.user, target)
    ):
        messages.error(request, ORGANIZER_ONLY_MESSAGE)
        return redirect("groups:manage_members", slug=group.slug)
    form = RemoveMemberForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.remove_member(
                actor=request.user,
                group=group,
                membership_id=target.pk,
                reason=form.cleaned_data["reason"],
            )
        except GroupActionError as exc:
            messages.error(request, str(exc))
        else:
            record_confirmations(
                actor=request.user, summary=form.guard_summary(), what="removal reason", group=group
            )
            messages.success(request, f"{target.user} is no longer a member.")
        return redirect("groups:manage_members", slug=group.slug)
    return render(
        request, "groups/remove_member.html", {"group": group, "target": target, "form": form}
    )


@login_required
@require_POST
def hand_over(request, slug: str, membership_id: int):
    group, membership = _manager_group(request, slug)
    refusal = _require_acting_manager(request, membership, group)
    if refusal:
        return refusal
    try:
        target = services.hand_over_organizer(
            actor=request.user, group=group, membership_id=membership_id
        )
    except GroupActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"{target.user} is now the organizer; you stay on as co-organizer."
        )
    return redirect("groups:manage_members", slug=group.slug)


@login_required
@require_http_methods(["GET", "POST"])
def invite(request, slug: str):
    group, membership = _manager_group(request, slug)
    form = InviteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and membership is not None and form.is_valid():
        try:
            invitation = services.invite_by_email(
                actor=request.user, group=group, email=form.cleaned_data["email"]
            )
        except GroupActionError as exc:
            form.add_error("email", str(exc))
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("groups:invite", slug=group.slug)
    return render(
        request,
        "groups/invite.html",
        {
            "group": group,
            "form": form,
            "can_invite": membership is not None,
            "invitations": selectors.invitations_of(group),
            "share_url": request.build_absolute_uri(group.get_absolute_url()),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def revoke_invitation(request, slug: str, pk: int):
    """Confirm (GET), then withdraw (POST) an invitation link of the group."""
    group, membership = _manager_group(request, slug)
    invitation = selectors.get_invitation_in_group(group, pk)
    if membership is None:
        messages.error(request, "Only the group's own organizers can revoke invitations.")
        return redirect("groups:invite", slug=group.slug)
    refusal = services.revocation_refusal(invitation)
    if request.method == "GET" and refusal:
        messages.error(request, refusal)
        return redirect("groups:invite", slug=group.slug)
    if request.method == "POST":
        try:
            services.revoke_invitation(actor=request.user, group=group, invitation_id=pk)
        except GroupActionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                f"The invitation to {invitation.email} is revoked: its link no longer works.",
            )
        return redirect("groups:invite", slug=group.slug)
    return render(
        request, "groups/invitation_revoke.html", {"group": group, "invitation": invitation}
    )


@login_required
@require_http_methods(["GET", "POST"])
def questions(request, slug: str):
    group, membership = _manager_group(request, slug)
    initial = [{"text": q.text, "required": q.required} for q in group.questions.all()]
    formset = QuestionFormSet(
        request.POST if request.method == "POST" else None, initial=initial, prefix="q"
    )
    if request.method == "POST" and membership is None:
        messages.error(request, "Only the group's organizers can change its questions.")
        return redirect("groups:questions", slug=group.slug)
    if request.method == "POST" and formset.is_valid():
        services.replace_questions(
            actor=request.user,
            group=group,
            questions=[f.cleaned_data for f in formset.forms if f.cleaned_data.get("text")],
        )
        messages.success(request, "The application questions are saved.")
        return redirect("groups:questions", slug=group.slug)
    return render(
        request,
        "groups/questions.html",
        {"group": group, "formset": formset, "can_edit": membership is not None},
    )


@login_required
def audit_log(request, slug: str):
    group, _membership = _manager_group(request, slug)
    page = Paginator(selectors.audit_for_group(group), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "groups/audit.html",
        {"group": group, "page": page, "back": reverse("groups:manage_members", args=[slug])},
    )
