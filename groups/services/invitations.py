"""Invitations by e-mail: a single-use link, limited per organizer and per address, revocable
until it is used."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.access import check
from groups import notifications
from groups.enums import GroupStatus
from groups.models import Group, Invitation, Membership
from groups.services.base import GroupActionError, lock_group
from groups.services.membership import JoinResult, admit
from members import dates
from members.models import User
from members.services import record_audit

INVITATION_DAYS = 14
# PeerCircle sends e-mail to people who never signed up, so it must never become a way to send
# bulk mail or to pester one person: each organizer sends at most this many invitations for a
# group in any 24 hours, and one address gets at most one invitation to a group a week.
INVITATIONS_PER_DAY = 20
SENDING_WINDOW = timedelta(days=1)
REPEAT_AFTER = timedelta(days=7)


def _when(moment: datetime) -> str:
    """A moment as the reader sees it: their own time zone (activated per request), labelled."""
    return dates.when(moment)


def _repeat_refusal(last: Invitation) -> str:
    if last.revoked_at is not None:
        sent = _("An invitation went to %(email)s on %(when)s and was withdrawn.")
    elif last.used_at is not None:
        sent = _("An invitation went to %(email)s on %(when)s and was used.")
    elif last.is_usable:
        sent = _("An invitation went to %(email)s on %(when)s and its link still works.")
    else:
        sent = _("An invitation went to %(email)s on %(when)s and its link has expired.")
    again = _(
        "We send an address at most one invitation a week, so you can invite them again "
        "from %(when)s."
    )
    message = " ".join(
        [
            sent % {"email": last.email, "when": _when(last.created_at)},
            again % {"when": _when(last.created_at + REPEAT_AFTER)},
        ]
    )
    if last.is_usable:
        message += " " + _("If it should not have gone out, revoke it in the list below.")
    return message


def _check_sending_limits(*, actor: User, group: Group, email: str, now: datetime) -> None:
    """Refuse a repeat to one address within a week, and more than the daily number of
    invitations from one organizer for one group. Called with the group's row locked, so two
    requests at once cannot both pass the check."""
    last = (
        Invitation.objects.filter(group=group, email=email, created_at__gt=now - REPEAT_AFTER)
        .order_by("-created_at")
        .first()
    )
    if last is not None:
        raise GroupActionError(_repeat_refusal(last))
    recent = list(
        Invitation.objects.filter(
            group=group, invited_by=actor, created_at__gt=now - SENDING_WINDOW
        )
        .order_by("created_at")
        .values_list("created_at", flat=True)[:INVITATIONS_PER_DAY]
    )
    if len(recent) >= INVITATIONS_PER_DAY:
        raise GroupActionError(
            _(
                "You have sent %(count)s invitations for this group in the last 24 hours, the "
                "most we allow, so that nobody can use PeerCircle to send bulk e-mail. You can "
                "send more from %(when)s."
            )
            % {"count": INVITATIONS_PER_DAY, "when": _when(recent[0] + SENDING_WINDOW)}
        )


@transaction.atomic
def invite_by_email(*, actor: User, group: Group, email: str) -> Invitation:
    """A single-use link that admits its holder without vetting, valid for two weeks.

    Limited per organizer and per address (see ``INVITATIONS_PER_DAY`` and ``REPEAT_AFTER``).
    """
    email = email.strip().lower()
    locked = lock_group(group.pk)  # the limits below are checked, then an invitation is added
    check(actor, "groups.invite", locked)
    if Membership.objects.filter(group=locked, user__email__iexact=email).exists():
        raise GroupActionError(_("%(email)s is already a member of this group.") % {"email": email})
    now = timezone.now()
    _check_sending_limits(actor=actor, group=locked, email=email, now=now)
    invitation = Invitation.objects.create(
        group=locked,
        email=email,
        invited_by=actor,
        created_at=now,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    record_audit(
        actor=actor, verb="invitation.sent", group=locked, obj=invitation, data={"email": email}
    )
    notifications.invitation_sent(invitation)
    return invitation


@transaction.atomic
def accept_invitation(*, user: User, token: str, accepted_rules: bool) -> JoinResult:
    invitation = Invitation.objects.select_for_update(of=("self",)).filter(token=token).first()
    if invitation is not None and invitation.revoked_at is not None:
        raise GroupActionError(_("This invitation was withdrawn by the group's organizers."))
    if invitation is None or not invitation.is_usable:
        raise GroupActionError(_("This invitation link has expired or was already used."))
    if not accepted_rules:
        raise GroupActionError(_("Please read and accept the ground rules to join."))
    group = lock_group(invitation.group_id)
    if group.status != GroupStatus.ACTIVE:
        raise GroupActionError(_("This group is not taking new members right now."))
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


def check_revocation(*, actor: User, group: Group, invitation: Invitation) -> None:
    """Raise the reason ``actor`` cannot revoke this invitation of ``group``, if any: their
    role (``groups.revoke_invitation``), or the invitation is already used, revoked or expired.
    The revocation page asks before it offers the button; ``revoke_invitation`` asks again with
    the invitation locked."""
    check(actor, "groups.revoke_invitation", group)
    if invitation.used_at is not None:
        raise GroupActionError(
            _("This invitation was already used, so there is nothing to revoke.")
        )
    if invitation.revoked_at is not None:
        raise GroupActionError(_("This invitation was already revoked."))
    if not invitation.is_usable:
        raise GroupActionError(
            _("This invitation has expired, so its link no longer works anyway.")
        )


@transaction.atomic
def revoke_invitation(*, actor: User, group: Group, invitation_id: int) -> Invitation:
    """Withdraw an invitation link of ``group`` before it is used: it admits nobody from now on.
    The invitee is not told (an e-mail about an e-mail helps nobody); if the invitation e-mail
    has not gone out yet, it never will."""
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .filter(pk=invitation_id, group=group)
        .first()
    )
    if invitation is None:
        check(actor, "groups.revoke_invitation", group)  # an outsider learns nothing more
        raise GroupActionError(_("That invitation no longer exists."))
    check_revocation(actor=actor, group=group, invitation=invitation)
    invitation.revoked_at = timezone.now()
    invitation.revoked_by = actor
    invitation.save(update_fields=["revoked_at", "revoked_by"])
    record_audit(
        actor=actor,
        verb="invitation.revoked",
        group=group,
        obj=invitation,
        data={"email": invitation.email},
    )
    return invitation
