"""What licence checks send: the outcome, to the therapist whose licence it was (never the
number: the e-mail says which region and credential, and links to the profile)."""

from members.enums import LicenceCheckStatus
from members.enums import NotificationKind as Kind
from members.models import Delivery, LicenceCheck
from members.notifications import builder, notify


def licence_decided(request: LicenceCheck, *, actor) -> None:
    notify(
        kind=Kind.LICENCE,
        template="licence_decided",
        obj=request,
        actor=actor,
        recipients=[request.profile.user],
    )


@builder("licence_decided")
def build_licence_decided(delivery: Delivery) -> dict | None:
    request = LicenceCheck.objects.select_related("profile").filter(pk=delivery.object_id).first()
    if request is None or request.status not in (
        LicenceCheckStatus.VERIFIED,
        LicenceCheckStatus.NOT_VERIFIED,
    ):
        return None
    return {
        "check": request,
        "verified": request.status == LicenceCheckStatus.VERIFIED,
        "profile": request.profile,
    }
