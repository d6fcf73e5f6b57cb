"""Organizer pages: members and roles, removal, hand-over, invitations, questions, audit log.

Site admins may open these pages (``groups.view_management``); what they would change is the
services' to refuse (``groups.manage_members``, ``groups.invite``, ...), with the rule's own
sentence. An action on the members always ends on the members page, with its outcome.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from config.errors import DomainError
from groups import selectors, services
from groups.access import permission_required
from groups.enums import Role, WaitlistStatus
from groups.forms import InviteForm, QuestionFormSet, RemoveMemberForm, RoleForm
from members.services import record_confirmations


def _to_members(group):
    return redirect("groups:manage_members", slug=group.slug)


@permission_required("groups.view_management", selectors.group_for)
def manage_members(request, group, *, slug):
    return render(
        request,
        "groups/manage_members.html",
        {
            "group": group,
            "membership": group.viewer_membership,
            "members": list(selectors.members_of(group)),
            "waitlist": list(selectors.waitlist_of(group)),
            "role_form": RoleForm(),
            "Role": Role,
            "WaitlistStatus": WaitlistStatus,
        },
    )


@permission_required("groups.view_management", selectors.group_for)
@require_POST
def change_role(request, group, *, slug, membership_id):
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose member, co-organizer or organizer."))
        return _to_members(group)
    try:
        changed = services.change_role(
            actor=request.user,
            group=group,
            membership_id=membership_id,
            role=form.cleaned_data["role"],
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _role_changed(changed))
    return _to_members(group)


def _role_changed(membership) -> str:
    """ "Dana is now co-organizer.": a whole sentence for each role."""
    sentences = {
        Role.ORGANIZER: _("%(name)s is now organizer."),
        Role.CO_ORGANIZER: _("%(name)s is now co-organizer."),
        Role.MEMBER: _("%(name)s is now member."),
    }
    return sentences[membership.role] % {"name": membership.user}


@permission_required("groups.view_management", selectors.group_for)
@require_http_methods(["GET", "POST"])
def remove_member(request, group, *, slug, membership_id):
    """Confirm (GET), then remove (POST). A removal the rules refuse (their role, oneself, the
    last organizer) is said on the members page, before the form is ever shown."""
    target = selectors.member_in(group, membership_id)
    form = RemoveMemberForm(request.POST if request.method == "POST" else None)
    try:
        services.check_removal(actor=request.user, group=group, membership=target)
        if request.method == "POST" and form.is_valid():
            services.remove_member(
                actor=request.user,
                group=group,
                membership_id=target.pk,
                reason=form.cleaned_data["reason"],
            )
            record_confirmations(
                actor=request.user, summary=form.guard_summary(), what="removal reason", group=group
            )
            messages.success(request, _("%(name)s is no longer a member.") % {"name": target.user})
            return _to_members(group)
    except DomainError as exc:
        messages.error(request, str(exc))
        return _to_members(group)
    return render(
        request, "groups/remove_member.html", {"group": group, "target": target, "form": form}
    )


@permission_required("groups.view_management", selectors.group_for)
@require_POST
def hand_over(request, group, *, slug, membership_id):
    try:
        target = services.hand_over_organizer(
            actor=request.user, group=group, membership_id=membership_id
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(name)s is now the organizer; you stay on as co-organizer.")
            % {"name": target.user},
        )
    return _to_members(group)


@permission_required("groups.view_management", selectors.group_for)
@require_http_methods(["GET", "POST"])
def invite(request, group, *, slug):
    form = InviteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invite_by_email(
                actor=request.user, group=group, email=form.cleaned_data["email"]
            )
        except DomainError as exc:
            form.add_error("email", str(exc))
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("groups:invite", slug=group.slug)
    return render(
        request,
        "groups/invite.html",
        {
            "group": group,
            "form": form,
            "invitations": selectors.invitations_of(group),
            "share_url": request.build_absolute_uri(group.get_absolute_url()),
        },
    )


@permission_required("groups.view_management", selectors.group_for)
@require_http_methods(["GET", "POST"])
def revoke_invitation(request, group, *, slug, pk):
    """Confirm (GET), then withdraw (POST) an invitation link of the group. Either way, a
    refusal (their role; a link already used, revoked or expired) is said on the invite page."""
    invitation = selectors.get_invitation_in_group(group, pk)
    try:
        services.check_revocation(actor=request.user, group=group, invitation=invitation)
        if request.method == "POST":
            services.revoke_invitation(actor=request.user, group=group, invitation_id=pk)
            messages.success(
                request,
                _("The invitation to %(email)s is revoked: its link no longer works.")
                % {"email": invitation.email},
            )
            return redirect("groups:invite", slug=group.slug)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("groups:invite", slug=group.slug)
    return render(
        request, "groups/invitation_revoke.html", {"group": group, "invitation": invitation}
    )


@permission_required("groups.view_management", selectors.group_for)
@require_http_methods(["GET", "POST"])
def questions(request, group, *, slug):
    """A refusal of the service (a site admin saving) is the middleware's: a message on this
    page, which is where the form was sent from."""
    initial = [{"text": q.text, "required": q.required} for q in group.questions.all()]
    formset = QuestionFormSet(
        request.POST if request.method == "POST" else None, initial=initial, prefix="q"
    )
    if request.method == "POST" and formset.is_valid():
        services.replace_questions(actor=request.user, group=group, questions=formset.questions())
        messages.success(request, _("The application questions are saved."))
        return redirect("groups:questions", slug=group.slug)
    return render(request, "groups/questions.html", {"group": group, "formset": formset})


@permission_required("groups.view_management", selectors.group_for)
def audit_log(request, group, *, slug):
    page = Paginator(selectors.audit_for_group(group), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "groups/audit.html",
        {"group": group, "page": page, "back": reverse("groups:manage_members", args=[slug])},
    )
