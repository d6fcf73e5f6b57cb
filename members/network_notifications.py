"""What the referral finder sends: a message from one colleague to another.

The sender's address goes to the recipient (in the body and as ``reply_to``); the recipient's
address is never shown to the sender by PeerCircle.
"""

from members.models import Delivery, TherapistProfile
from members.notifications import builder


@builder("colleague_message")
def build_colleague_message(delivery: Delivery) -> dict | None:
    sender = (
        TherapistProfile.objects.select_related("user")
        .filter(pk=delivery.object_id, user__is_active=True)
        .first()
    )
    context = delivery.context or {}
    message = context.get("message", "")
    if sender is None or not message or context.get("sender_id") != sender.user_id:
        return None
    return {"sender": sender, "message": message, "reply_to": sender.user.email}
