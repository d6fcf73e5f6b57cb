"""Thin Celery tasks for meetings."""

import logging

from celery import shared_task

from groups.enums import MANAGING_ROLES
from groups.models import Membership
from groups.tasks import RETRY
from meetings.enums import RsvpAnswer
from meetings.models import Meeting
from members.emails import send_templated_mail

logger = logging.getLogger(__name__)


@shared_task(**RETRY)
def task_notify_meeting_changed(*, meeting_id: int, kind: str, message: str = "") -> None:
    """Tell every member that a meeting was cancelled, rescheduled or changed."""
    from meetings.calendar import alarm_minutes_for, build_calendar

    meeting = (
        Meeting.objects.select_related("group", "series")
        .prefetch_related("segments")
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None:
        logger.info("meeting %s is gone; nothing sent", meeting_id)
        return
    members = Membership.objects.filter(group=meeting.group_id).select_related("user__profile")
    for membership in members:
        user = membership.user
        ics = build_calendar(
            [meeting], name=meeting.group.name, member=True, alarm_minutes=alarm_minutes_for(user)
        )
        send_templated_mail(
            template=f"meeting_{kind}",
            to=user.email,
            user=user,
            context={"meeting": meeting, "group": meeting.group, "message": message},
            attachments=[("meeting.ics", ics, "text/calendar; method=PUBLISH")],
        )


@shared_task(**RETRY)
def task_send_low_rsvp_warning(*, meeting_id: int) -> None:
    meeting = Meeting.objects.select_related("group").filter(pk=meeting_id).first()
    if meeting is None or meeting.is_cancelled:
        logger.info("meeting %s is gone or cancelled; no warning sent", meeting_id)
        return
    going = meeting.rsvps.filter(answer=RsvpAnswer.GOING).count()
    organizers = Membership.objects.filter(
        group=meeting.group_id, role__in=MANAGING_ROLES
    ).select_related("user__profile")
    for membership in organizers:
        send_templated_mail(
            template="low_rsvp_warning",
            to=membership.user.email,
            user=membership.user,
            context={"meeting": meeting, "group": meeting.group, "going": going},
        )


@shared_task
def task_extend_all_series() -> int:
    from meetings.services import extend_all_series

    return extend_all_series()


@shared_task
def task_warn_low_rsvps() -> int:
    from meetings.services import warn_low_rsvps

    return warn_low_rsvps()
