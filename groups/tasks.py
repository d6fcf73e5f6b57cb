"""Thin Celery tasks: keyword-only primary keys, fetch, log-and-return if gone, call one thing."""

import logging

from celery import shared_task
from django.urls import reverse

from groups.enums import MANAGING_ROLES, ApplicationStatus, WaitlistStatus
from groups.models import Application, Invitation, Membership, WaitlistEntry
from members.emails import send_templated_mail

logger = logging.getLogger(__name__)

RETRY = {
    "autoretry_for": (ConnectionError, TimeoutError, OSError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 8,
}


@shared_task(**RETRY)
def task_send_waitlist_offer(*, entry_id: int) -> None:
    entry = (
        WaitlistEntry.objects.select_related("group", "user__profile").filter(pk=entry_id).first()
    )
    if entry is None or entry.status != WaitlistStatus.OFFERED:
        logger.info("waitlist offer %s is gone or no longer open; nothing sent", entry_id)
        return
    send_templated_mail(
        template="waitlist_offer",
        to=entry.user.email,
        user=entry.user,
        context={"entry": entry, "group": entry.group, "url": entry.group.get_absolute_url()},
    )


@shared_task(**RETRY)
def task_notify_application_received(*, application_id: int) -> None:
    application = (
        Application.objects.select_related("group", "applicant__profile")
        .filter(pk=application_id)
        .first()
    )
    if application is None or application.status != ApplicationStatus.PENDING:
        logger.info("application %s is gone or decided; nothing sent", application_id)
        return
    managers = Membership.objects.filter(
        group=application.group_id, role__in=MANAGING_ROLES
    ).select_related("user__profile")
    url = reverse("groups:vetting_detail", kwargs={"pk": application.pk})
    for membership in managers:
        send_templated_mail(
            template="application_received",
            to=membership.user.email,
            user=membership.user,
            context={"application": application, "group": application.group, "url": url},
        )


@shared_task(**RETRY)
def task_notify_application_decided(*, application_id: int) -> None:
    application = (
        Application.objects.select_related("group", "applicant__profile")
        .filter(pk=application_id)
        .first()
    )
    if application is None or application.status not in (
        ApplicationStatus.APPROVED,
        ApplicationStatus.DECLINED,
    ):
        logger.info("application %s is gone or undecided; nothing sent", application_id)
        return
    send_templated_mail(
        template="application_decided",
        to=application.applicant.email,
        user=application.applicant,
        context={
            "application": application,
            "group": application.group,
            "approved": application.status == ApplicationStatus.APPROVED,
            "is_member": Membership.objects.filter(
                group=application.group_id, user=application.applicant_id
            ).exists(),
            "url": application.group.get_absolute_url(),
        },
    )


@shared_task(**RETRY)
def task_send_invitation(*, invitation_id: int) -> None:
    invitation = (
        Invitation.objects.select_related("group", "invited_by__profile")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not invitation.is_usable:
        logger.info("invitation %s is gone or used; nothing sent", invitation_id)
        return
    send_templated_mail(
        template="invitation",
        to=invitation.email,
        context={
            "invitation": invitation,
            "group": invitation.group,
            "url": invitation.get_absolute_url(),
        },
    )


@shared_task
def task_expire_waitlist_offers() -> int:
    from groups.services import expire_offers

    return expire_offers()
