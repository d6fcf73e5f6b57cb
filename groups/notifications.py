"""What groups send: seat offers, applications, decisions, invitations (built at send time)."""

from datetime import datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.enums import MANAGING_ROLES, ApplicationStatus, WaitlistStatus
from groups.models import (
    DOCUMENT_KEPT_FOR_AUTHOR,
    Application,
    Document,
    DocumentVersion,
    Group,
    Invitation,
    Membership,
    WaitlistEntry,
)
from groups.selectors import vetting_queue_for
from members.emails import recipient_timezone
from members.enums import NotificationKind as Kind
from members.models import User
from members.notifications import builder, notify, preferences_for, wants_digest

DIGEST_HOUR = 8


# --- recording (called by services, inside their transactions) -------------------------------


# ``actor``: the person whose action an e-mail tells of, None when the system acted. ``notify``
# never sends it to them; nothing here filters recipients by hand.


def seat_offered(entry: WaitlistEntry) -> None:
    notify(
        kind=Kind.WAITLIST,
        template="waitlist_offer",
        obj=entry,
        actor=None,
        recipients=[entry.user],
    )


def offer_expired(entry: WaitlistEntry) -> None:
    notify(
        kind=Kind.WAITLIST,
        template="waitlist_expired",
        obj=entry,
        actor=None,
        recipients=[entry.user],
    )


def member_removed(*, group, user, actor) -> None:
    """One e-mail to a member an organizer removed (never to the organizer): they are no longer
    a member, and what they wrote for upcoming slots is kept for them as private drafts."""
    notify(
        kind=Kind.APPLICATION_DECIDED,
        template="member_removed",
        obj=group,
        actor=actor,
        recipients=[user],
        dedupe_key=f"removed:{user.pk}:{timezone.now().isoformat()}",
        context={"actor": getattr(actor, "pk", None)},
    )


def application_received(application: Application) -> None:
    managers = [
        m.user
        for m in Membership.objects.filter(
            group=application.group_id, role__in=MANAGING_ROLES
        ).select_related("user__profile")
    ]
    prefs = preferences_for(managers, Kind.APPLICATION_RECEIVED)
    at_once = [u for u in managers if not wants_digest(prefs.get(u.pk), Kind.APPLICATION_RECEIVED)]
    notify(
        kind=Kind.APPLICATION_RECEIVED,
        template="application_received",
        obj=application,
        actor=application.applicant,
        recipients=at_once,
    )
    for manager in managers:
        if manager in at_once:
            continue
        due = next_digest_time(manager)
        notify(
            kind=Kind.APPLICATION_RECEIVED,
            template="application_digest",
            obj=manager,
            actor=application.applicant,
            recipients=[manager],
            dedupe_key=due.date().isoformat(),
            due_at=due,
        )


def next_digest_time(user, now=None) -> datetime:
    """The next 8 am in the person's own time zone."""
    tz = recipient_timezone(user)
    local_now = (now or timezone.now()).astimezone(tz)
    due = datetime.combine(local_now.date(), time(DIGEST_HOUR), tzinfo=tz)
    if due <= local_now:
        due = datetime.combine(local_now.date() + timedelta(days=1), time(DIGEST_HOUR), tzinfo=tz)
    return due


def application_decided(application: Application) -> None:
    notify(
        kind=Kind.APPLICATION_DECIDED,
        template="application_decided",
        obj=application,
        actor=application.decided_by,
        recipients=[application.applicant],
    )


def invitation_sent(invitation: Invitation) -> None:
    notify(
        kind=Kind.INVITATION,
        template="invitation",
        obj=invitation,
        actor=invitation.invited_by,
        emails=[invitation.email],
    )


def buddy_paired(*, buddy: Membership, newcomer_ids: list[int], actor) -> None:
    """One e-mail to a buddy volunteer, naming the newcomers they were just given."""
    notify(
        kind=Kind.BUDDY,
        template="buddy_paired",
        obj=buddy,
        actor=actor,
        recipients=[buddy.user],
        dedupe_key="newcomers:" + ",".join(str(pk) for pk in newcomer_ids),
        context={"newcomers": newcomer_ids},
    )


def document_replaced(*, version: DocumentVersion, actor) -> None:
    """One e-mail to the colleague who added a document, when an organizer uploaded a new
    version of it (the earlier versions are kept)."""
    notify(
        kind=Kind.DOCUMENT,
        template="document_replaced",
        obj=version,
        actor=actor,
        recipients=[version.document.added_by],
        context={"actor": actor.pk},
    )


def document_removed(*, document: Document, actor) -> None:
    """One e-mail to the colleague who added a document an organizer took out of the library:
    it is kept for them alone to download for a while (``KEPT_FOR_AUTHOR``)."""
    notify(
        kind=Kind.DOCUMENT,
        template="document_removed",
        obj=document,
        actor=actor,
        recipients=[document.added_by],
        context={"actor": actor.pk},
    )


# --- building (called by the send task, with the delivery row locked) -------------------------


@builder("waitlist_offer")
def build_waitlist_offer(delivery):
    entry = WaitlistEntry.objects.select_related("group").filter(pk=delivery.object_id).first()
    if entry is None or entry.status != WaitlistStatus.OFFERED:
        return None
    return {"entry": entry, "group": entry.group, "url": entry.group.get_absolute_url()}


@builder("waitlist_expired")
def build_waitlist_expired(delivery):
    entry = WaitlistEntry.objects.select_related("group").filter(pk=delivery.object_id).first()
    if entry is None or entry.status != WaitlistStatus.EXPIRED:
        return None
    return {"entry": entry, "group": entry.group, "url": entry.group.get_absolute_url()}


@builder("member_removed")
def build_member_removed(delivery):
    group = Group.objects.filter(pk=delivery.object_id).first()
    if group is None or Membership.objects.filter(group=group, user=delivery.recipient).exists():
        return None  # gone, or they are a member again: nothing to tell
    return {"group": group, "drafts_url": reverse("presentations:drafts")}


@builder("application_received")
def build_application_received(delivery):
    application = (
        Application.objects.select_related("group", "applicant__profile")
        .filter(pk=delivery.object_id, status=ApplicationStatus.PENDING)
        .first()
    )
    if application is None:
        return None
    return {
        "application": application,
        "group": application.group,
        "url": reverse("groups:vetting_detail", kwargs={"pk": application.pk}),
    }


@builder("application_digest")
def build_application_digest(delivery):
    pending = list(
        vetting_queue_for(delivery.recipient).filter(
            created_at__gte=delivery.due_at - timedelta(days=1)
        )
    )
    if not pending:
        return None
    return {"applications": pending, "url": reverse("groups:vetting_queue")}


@builder("application_decided")
def build_application_decided(delivery):
    application = (
        Application.objects.select_related("group", "applicant__profile")
        .filter(pk=delivery.object_id)
        .first()
    )
    if application is None or application.status not in (
        ApplicationStatus.APPROVED,
        ApplicationStatus.DECLINED,
    ):
        return None
    is_member = Membership.objects.filter(
        group=application.group_id, user=application.applicant_id
    ).exists()
    group = application.group
    return {
        "application": application,
        "group": group,
        "approved": application.status == ApplicationStatus.APPROVED,
        "is_member": is_member,
        # A new member's link is their welcome: the next meeting, what to expect, their buddy.
        "url": reverse("groups:welcome", args=[group.slug])
        if is_member
        else group.get_absolute_url(),
    }


@builder("invitation")
def build_invitation(delivery):
    invitation = (
        Invitation.objects.select_related("group", "invited_by__profile")
        .filter(pk=delivery.object_id)
        .first()
    )
    if invitation is None or not invitation.is_usable:
        return None
    return {
        "invitation": invitation,
        "group": invitation.group,
        "url": invitation.get_absolute_url(),
    }


@builder("buddy_paired")
def build_buddy_paired(delivery):
    """The newcomers still paired with this buddy (none left: nothing to tell)."""
    buddy = Membership.objects.select_related("group").filter(pk=delivery.object_id).first()
    if buddy is None:
        return None
    newcomers = list(
        buddy.buddied.filter(pk__in=delivery.context.get("newcomers", []))
        .select_related("user__profile")
        .order_by("joined_at")
    )
    if not newcomers:
        return None
    return {"group": buddy.group, "newcomers": [m.user for m in newcomers]}


def _actor_name(delivery):
    actor = User.objects.filter(pk=delivery.context.get("actor")).first()
    # Lazy: the e-mail is written later, in the recipient's language.
    return str(actor) if actor is not None else _("An organizer")


@builder("document_replaced")
def build_document_replaced(delivery):
    version = (
        DocumentVersion.objects.select_related("document__group")
        .filter(pk=delivery.object_id, document__removed_at__isnull=True)
        .first()
    )
    if (
        version is None
        or not Membership.objects.filter(
            group_id=version.document.group_id, user=delivery.recipient
        ).exists()
    ):
        return None  # gone, or they left the group: nothing of it is theirs to see
    return {
        "group": version.document.group,
        "document": version.document,
        "version": version,
        "actor_name": _actor_name(delivery),
        "url": reverse("groups:document", args=[version.document.group.slug, version.document_id]),
    }


@builder("document_removed")
def build_document_removed(delivery):
    document = (
        Document.objects.select_related("group")
        .filter(pk=delivery.object_id, removed_at__isnull=False)
        .first()
    )
    if document is None:
        return None
    return {
        "group": document.group,
        "document": document,
        "actor_name": _actor_name(delivery),
        "kept_until": document.removed_at + DOCUMENT_KEPT_FOR_AUTHOR,
        "url": reverse("groups:kept_document", args=[document.pk]),
    }
