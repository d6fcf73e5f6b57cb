"""Thin Celery tasks for presentations. E-mails name the slot and meeting, never case content."""

import logging

from celery import shared_task

from groups.enums import GroupStatus, LeadershipModel
from groups.models import Group
from groups.tasks import RETRY
from members.emails import send_templated_mail
from presentations.enums import PresentationStatus, SwapStatus
from presentations.models import Presentation, SwapOffer

logger = logging.getLogger(__name__)


@shared_task(**RETRY)
def task_send_swap_offer(*, offer_id: int) -> None:
    offer = (
        SwapOffer.objects.select_related(
            "meeting__group", "from_user__profile", "to_user__profile", "presentation__segment"
        )
        .filter(pk=offer_id)
        .first()
    )
    if offer is None or offer.status != SwapStatus.PENDING:
        logger.info("swap offer %s is gone or answered; nothing sent", offer_id)
        return
    send_templated_mail(
        template="swap_offer",
        to=offer.to_user.email,
        user=offer.to_user,
        context={"offer": offer, "meeting": offer.meeting, "group": offer.meeting.group},
    )


@shared_task(**RETRY)
def task_send_rotation_invitation(*, presentation_id: int) -> None:
    presentation = (
        Presentation.objects.select_related("meeting__group", "segment", "presenter__profile")
        .filter(pk=presentation_id, status=PresentationStatus.INVITED)
        .first()
    )
    if presentation is None:
        logger.info("rotation invitation %s is gone or answered; nothing sent", presentation_id)
        return
    send_templated_mail(
        template="rotation_invitation",
        to=presentation.presenter.email,
        user=presentation.presenter,
        context={
            "presentation": presentation,
            "meeting": presentation.meeting,
            "group": presentation.meeting.group,
            "slot": presentation.segment.label,
        },
    )


@shared_task(**RETRY)
def task_notify_recognition(*, presentation_id: int) -> None:
    presentation = (
        Presentation.objects.select_related("meeting__group", "segment", "presenter__profile")
        .filter(pk=presentation_id)
        .first()
    )
    if presentation is None:
        logger.info("presentation %s is gone; nothing sent", presentation_id)
        return
    send_templated_mail(
        template="recognition_flag",
        to=presentation.presenter.email,
        user=presentation.presenter,
        context={
            "meeting": presentation.meeting,
            "group": presentation.meeting.group,
            "presentation": presentation,
        },
    )


@shared_task
def task_purge_expired_cases() -> int:
    from presentations.services import purge_expired_cases

    return purge_expired_cases()


@shared_task
def task_expire_rotation_invitations() -> int:
    from presentations.services import expire_rotation_invitations

    return expire_rotation_invitations()


@shared_task
def task_assign_facilitators() -> int:
    from presentations.services import assign_facilitators

    groups = Group.objects.filter(
        status=GroupStatus.ACTIVE, leadership_model=LeadershipModel.ROTATING
    )
    return sum(len(assign_facilitators(group=group)) for group in groups)


@shared_task
def task_close_due_elections() -> int:
    from presentations.services import close_due_elections

    return close_due_elections()
