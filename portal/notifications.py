"""What the pages above the apps send: the "we miss you" note (``portal/nudges.py``)."""

from groups.models import Membership
from members.models import Delivery, TherapistProfile
from members.notifications import builder


@builder("we_miss_you")
def build_we_miss_you(delivery: Delivery) -> dict | None:
    """Nothing once the member has left the group or the writer's account is closed."""
    membership = Membership.objects.select_related("group").filter(pk=delivery.object_id).first()
    context = delivery.context or {}
    sender = (
        TherapistProfile.objects.select_related("user")
        .filter(user_id=context.get("sender_id"), user__is_active=True)
        .first()
    )
    message = context.get("message", "")
    if membership is None or sender is None or not message:
        return None
    return {
        "group": membership.group,
        "sender": sender,
        "message": message,
        "reply_to": sender.user.email,
    }
