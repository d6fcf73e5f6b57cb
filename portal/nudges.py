"""A "we miss you" note: an organizer writes to a member who has stopped coming (the group
health page lists them, ``portal/health.py``). One e-mail to that member, never to the writer;
at most one note to a member of a group a month, whoever writes it, so nobody is chased."""

import uuid
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.access import check
from config.errors import DomainError
from groups.models import Group, Membership
from members import dates
from members.enums import NotificationKind
from members.models import Delivery, User
from members.notifications import notify
from members.services import record_audit, record_confirmations

TEMPLATE = "we_miss_you"
EVERY = timedelta(days=30)
MAX_LENGTH = 2000


def last_note_at(membership: Membership):
    """When the member was last sent a note about this membership, if within ``EVERY``."""
    return (
        Delivery.objects.filter(
            template=TEMPLATE,
            object_type=Membership._meta.label_lower,
            object_id=str(membership.pk),
            created_at__gt=timezone.now() - EVERY,
        )
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )


@transaction.atomic
def send_we_miss_you(
    *,
    actor: User,
    group: Group,
    membership_id: int,
    message: str,
    guard_summary: dict | None = None,
) -> Delivery:
    """E-mail ``message`` to the member of ``group`` behind ``membership_id``; return the
    Delivery. Only the group's organizers (``portal.send_we_miss_you``); not to oneself; not
    again within ``EVERY`` (counted under a lock on the membership, so two organizers at once
    cannot both send)."""
    check(actor, "portal.send_we_miss_you", group)
    text = message.strip()
    if not text:
        raise ValidationError(_("Please write a few words before sending."), code="required")
    if len(text) > MAX_LENGTH:
        raise ValidationError(_("The note is too long."), code="max_length")
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("user__profile")
        .filter(group=group, pk=membership_id)
        .first()
    )
    if membership is None:
        raise DomainError(_("They are no longer a member of this group."))
    if membership.user_id == actor.pk:
        raise DomainError(_("This note is for someone else."))
    sent = last_note_at(membership)
    if sent is not None:
        raise DomainError(
            _(
                "%(name)s was sent a note from the group on %(sent)s. One a month is plenty: "
                "you can write again from %(again)s."
            )
            % {
                "name": membership.user,
                "sent": dates.date_only(sent),
                "again": dates.date_only(sent + EVERY),
            }
        )
    (delivery,) = notify(
        kind=NotificationKind.COLLEAGUE_MESSAGE,
        template=TEMPLATE,
        obj=membership,
        actor=actor,
        recipients=[membership.user],
        dedupe_key=uuid.uuid4().hex,
        context={"message": text, "sender_id": actor.pk},
    )
    record_audit(
        actor=actor,
        verb="member.missed_you",
        subject=membership.user,
        group=group,
        obj=delivery,
        data={"length": len(text)},
    )
    # What the writer confirmed is not a client identifier (the form's guard), never the text.
    record_confirmations(actor=actor, summary=guard_summary or {}, what="we miss you note")
    return delivery
