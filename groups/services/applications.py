"""Applications to closed groups: applying, withdrawing, and the organizers' decision."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.access import check
from groups import notifications
from groups.enums import ApplicationStatus, GroupStatus, MembershipPolicy
from groups.models import Application, Group, Membership
from groups.services.base import LICENCE_NEEDED, GroupActionError, has_verified_licence, lock_group
from groups.services.membership import JoinResult, admit
from members.models import User
from members.services import record_audit


def is_member_of(user: User, group: Group) -> bool:
    return Membership.objects.filter(group=group, user=user).exists()


@transaction.atomic
def apply_to_group(
    *,
    user: User,
    group: Group,
    answers: list[dict[str, str]],
    note: str,
    consent: bool,
    accepted_rules: bool,
) -> Application:
    """Apply to a closed group. At most one application per person and group is pending."""
    if group.membership_policy != MembershipPolicy.CLOSED:
        raise GroupActionError(
            _("This group is open: you can join it directly, no application needed.")
        )
    if group.status != GroupStatus.ACTIVE:
        raise GroupActionError(_("This group is not taking applications right now."))
    if not consent:
        raise GroupActionError(
            _(
                "Please agree to share your profile with the organizers: they need it to review "
                "your application."
            )
        )
    if not accepted_rules:
        raise GroupActionError(_("Please read and accept the ground rules to apply."))
    if group.requires_verified_licence and not has_verified_licence(user):
        raise GroupActionError(LICENCE_NEEDED)
    if Membership.objects.filter(group=group, user=user).exists():
        raise GroupActionError(_("You are already a member of this group."))
    if Application.objects.filter(
        group=group, applicant=user, status=ApplicationStatus.PENDING
    ).exists():
        raise GroupActionError(_("You already have an application waiting with this group."))
    application = Application(
        group=group,
        applicant=user,
        answers=answers,
        note=note.strip(),
        consent_to_share_profile=True,
    )
    application.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as exc:
        raise GroupActionError(
            _("You already have an application waiting with this group.")
        ) from exc
    record_audit(
        actor=user, verb="application.submitted", subject=user, group=group, obj=application
    )
    notifications.application_received(application)
    return application


@transaction.atomic
def withdraw_application(*, user: User, application_id: int) -> Application:
    application = (
        Application.objects.select_for_update(of=("self",))
        .filter(pk=application_id, applicant=user)
        .first()
    )
    if application is None or application.status != ApplicationStatus.PENDING:
        raise GroupActionError(_("There is no pending application to withdraw."))
    application.status = ApplicationStatus.WITHDRAWN
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "decided_at"])
    record_audit(
        actor=user,
        verb="application.withdrawn",
        subject=user,
        group=application.group,
        obj=application,
    )
    return application


def _already_decided(application: Application) -> str:
    """ "This application was already approved.": a whole sentence for each decided state."""
    sentences = {
        ApplicationStatus.APPROVED: _("This application was already approved."),
        ApplicationStatus.DECLINED: _("This application was already declined."),
        ApplicationStatus.WITHDRAWN: _("This application was already withdrawn."),
    }
    return sentences.get(application.status) or _("This application was already decided.")


@transaction.atomic
def decide_application(
    *, actor: User, application: Application, approve: bool, message: str = ""
) -> tuple[Application, JoinResult | None]:
    """Approve (member, or the waitlist when full) or decline a pending application. The
    group's organizers decide, and site admins (``groups.vet_applications``)."""
    group = lock_group(application.group_id)
    check(actor, "groups.vet_applications", group)
    if application.applicant_id == actor.pk:  # a site admin, too, is vetted by someone else
        raise GroupActionError(_("You cannot decide your own application."))
    application = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
    if application.status != ApplicationStatus.PENDING:
        raise GroupActionError(_already_decided(application))
    result = None
    if approve and group.requires_verified_licence:
        if not has_verified_licence(application.applicant, lock=True):
            raise GroupActionError(
                _(
                    "This group asks for a checked licence, and the applicant's is not verified "
                    "(yet): wait for the check, or decline with a note."
                )
            )
        if is_member_of(actor, group) and not has_verified_licence(actor):
            raise GroupActionError(
                _(
                    "This group asks its organizers for a checked licence too, and yours is not "
                    "verified yet: add it on your profile, or ask another organizer to decide."
                )
            )
    if approve:
        if Membership.objects.filter(group=group, user=application.applicant_id).exists():
            raise GroupActionError(_("The applicant is already a member."))
        result = admit(
            group=group,
            user=application.applicant,
            actor=actor,
            verb="application.admitted",
            data={"application": application.pk},
        )
    application.status = ApplicationStatus.APPROVED if approve else ApplicationStatus.DECLINED
    application.decided_at = timezone.now()
    application.decided_by = actor
    application.decision_message = message.strip()
    application.save(update_fields=["status", "decided_at", "decided_by", "decision_message"])
    record_audit(
        actor=actor,
        verb="application.approved" if approve else "application.declined",
        subject=application.applicant,
        group=group,
        obj=application,
        data={"reason": application.decision_message[:500]} if application.decision_message else {},
    )
    notifications.application_decided(application)
    return application, result
