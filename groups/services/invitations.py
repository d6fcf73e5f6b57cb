from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from groups.enums import GroupStatus
from groups.models import Group, Invitation, Membership
from groups.services.base import GroupActionError, lock_group
from groups.services.membership import JoinResult, admit
from members.models import User
from members.services import record_audit

INVITATION_DAYS = 14


@transaction.atomic
def invite_by_email(*, actor: User, group: Group, email: str) -> Invitation:
    """A single-use link that admits its holder without vetting, valid for two weeks."""
    from groups import notifications

    email = email.strip().lower()
    if Membership.objects.filter(group=group, user__email__iexact=email).exists():
        raise GroupActionError(f"{email} is already a member of this group.")
    invitation = Invitation.objects.create(
        group=group,
        email=email,
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
    )
    record_audit(
        actor=actor, verb="invitation.sent", group=group, obj=invitation, data={"email": email}
    )
    notifications.invitation_sent(invitation)
    return invitation


@transaction.atomic
def accept_invitation(*, user: User, token: str, accepted_rules: bool) -> JoinResult:
    invitation = Invitation.objects.select_for_update(of=("self",)).filter(token=token).first()
    if invitation is None or not invitation.is_usable:
        raise GroupActionError("This invitation link has expired or was already used.")
    if not accepted_rules:
        raise GroupActionError("Please read and accept the ground rules to join.")
    group = lock_group(invitation.group_id)
    if group.status != GroupStatus.ACTIVE:
        raise GroupActionError("This group is not taking new members right now.")
    result = admit(
        group=group,
        user=user,
        actor=user,
        verb="invitation.accepted",
        data={"invitation": invitation.pk},
    )
    invitation.used_at = timezone.now()
    invitation.used_by = user
    invitation.save(update_fields=["used_at", "used_by"])
    return result
