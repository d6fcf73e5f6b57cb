"""A person's own data: export everything the site holds about them, or delete the account.

``export_user_data`` is a read scoped to the person; ``delete_account`` is the one write here
(kept beside the export because both must agree on what "everything about a person" means).
After deletion the profile is gone and the person shows as "Former member" in group history;
meetings and attendance stay consistent for the others.
"""

from typing import Any

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from groups.enums import ApplicationStatus, Role, WaitlistStatus
from groups.models import Application, Group, Membership, WaitlistEntry
from members.models import AuditEntry, Delivery, NotificationPreference, User
from members.services import record_audit

DELETED_DOMAIN = "deleted.invalid"


class AccountDeletionRefused(Exception):
    """Deleting now would leave a group without an organizer; the message says which."""


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export_user_data(user: User) -> dict[str, Any]:
    from meetings.models import Attendance, Certificate, Rsvp
    from presentations.models import Ballot, Nomination, Presentation

    profile = getattr(user, "profile", None)
    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
            "email_addresses": list(
                EmailAddress.objects.filter(user=user).values("email", "verified", "primary")
            ),
        },
        "profile": None,
    }
    if profile is not None:
        data["profile"] = {
            field: getattr(profile, field)
            for field in (
                "display_name",
                "pronouns",
                "credential_type",
                "licence_number",
                "licence_region",
                "practice_setting",
                "city",
                "region",
                "time_zone",
                "accepting_referrals",
                "show_email_to_colleagues",
                "bio",
                "reminder_lead_minutes",
                "remind_when_unanswered",
            )
        }
        data["profile"]["licence_verified_at"] = _iso(profile.licence_verified_at)
        data["profile"]["specialties"] = list(profile.specialties.values_list("name", flat=True))
        data["profile"]["modalities"] = list(profile.modalities.values_list("name", flat=True))
        data["profile"]["populations"] = list(profile.populations.values_list("name", flat=True))
    data["memberships"] = [
        {
            "group": m.group.name,
            "role": m.role,
            "joined_at": _iso(m.joined_at),
            "ground_rules_version": m.rules_version.number if m.rules_version else None,
            "ground_rules_accepted_at": _iso(m.rules_accepted_at),
        }
        for m in Membership.objects.filter(user=user).select_related("group", "rules_version")
    ]
    data["applications"] = [
        {
            "group": a.group.name,
            "status": a.status,
            "answers": a.answers,
            "note": a.note,
            "created_at": _iso(a.created_at),
            "decided_at": _iso(a.decided_at),
            "decision_message": a.decision_message,
        }
        for a in Application.objects.filter(applicant=user).select_related("group")
    ]
    data["waitlist"] = [
        {"group": w.group.name, "status": w.status, "created_at": _iso(w.created_at)}
        for w in WaitlistEntry.objects.filter(user=user).select_related("group")
    ]
    data["rsvps"] = [
        {
            "meeting": r.meeting.title,
            "group": r.meeting.group.name,
            "starts_at": _iso(r.meeting.starts_at),
            "answer": r.answer,
            "note": r.note,
        }
        for r in Rsvp.objects.filter(user=user).select_related("meeting__group")
    ]
    data["attendance"] = [
        {
            "meeting": a.meeting.title,
            "group": a.meeting.group.name,
            "starts_at": _iso(a.meeting.starts_at),
            "status": a.status,
            "minutes": a.meeting.duration_minutes,
        }
        for a in Attendance.objects.filter(user=user).select_related("meeting__group")
    ]
    data["presentations"] = [
        {
            "meeting": p.meeting.title,
            "group": p.meeting.group.name,
            "starts_at": _iso(p.meeting.starts_at),
            "slot": p.segment.label,
            "status": p.status,
            "case_question": p.case_question,
            "case_background": p.case_background,
            "case_tried": p.case_tried,
            "case_help_wanted": p.case_help_wanted,
            "case_purged_at": _iso(p.case_purged_at),
            "topic_title": p.topic_title,
            "topic_summary": p.topic_summary,
            "topic_links": p.topic_links,
        }
        for p in Presentation.objects.filter(presenter=user).select_related(
            "meeting__group", "segment"
        )
    ]
    data["elections"] = {
        "voted_in": [
            b.election.title + " · " + b.election.group.name
            for b in Ballot.objects.filter(voter=user).select_related("election__group")
        ],
        "nominated": [
            n.election.title + " · " + n.election.group.name
            for n in Nomination.objects.filter(nominee=user).select_related("election__group")
        ],
    }
    data["certificates"] = list(
        Certificate.objects.filter(user=user).values(
            "code", "group_name", "period_start", "period_end", "total_minutes", "revoked_at"
        )
    )
    data["notification_preferences"] = list(
        NotificationPreference.objects.filter(user=user).values("kind", "enabled", "digest")
    )
    data["emails_sent"] = [
        {"template": d.template, "status": d.status, "sent_at": _iso(d.sent_at)}
        for d in Delivery.objects.filter(recipient=user).order_by("-created_at")[:1000]
    ]
    data["activity"] = [
        {"verb": e.verb, "at": _iso(e.created_at), "group": e.group.name if e.group else None}
        for e in AuditEntry.objects.filter(actor=user).select_related("group")[:1000]
    ]
    return data


def groups_blocking_deletion(user: User) -> list[Group]:
    """Groups where the person is the only organizer while others remain."""
    blocking = []
    for membership in Membership.objects.filter(user=user, role=Role.ORGANIZER).select_related(
        "group"
    ):
        group = membership.group
        others = group.memberships.exclude(user=user)
        if others.exists() and not others.filter(role=Role.ORGANIZER).exists():
            blocking.append(group)
    return blocking


@transaction.atomic
def delete_account(*, user: User) -> None:
    from groups.cache import invalidate_browse
    from groups.services.base import lock_group
    from groups.services.membership import _drop_membership
    from meetings.models import CalendarFeedToken, Rsvp
    from presentations.models import Presentation

    blocking = groups_blocking_deletion(user)
    if blocking:
        names = ", ".join(g.name for g in blocking)
        raise AccountDeletionRefused(
            f"You are the only organizer of {names}. Hand the organizer role to another member "
            "first (Manage members → Make organizer), then delete your account."
        )
    now = timezone.now()
    for membership in list(Membership.objects.filter(user=user)):
        group = lock_group(membership.group_id)
        if group.memberships.count() == 1:
            # The last member leaves: the group is archived rather than left without anyone.
            membership.delete()
            Group.objects.filter(pk=group.pk).update(member_count=0, status="archived")
            invalidate_browse()  # an archived group leaves the browse page
        else:
            if membership.role == Role.ORGANIZER:
                membership.role = Role.MEMBER  # another organizer remains (checked above)
                membership.save(update_fields=["role"])
            _drop_membership(group=group, membership=membership)
        record_audit(actor=None, verb="member.account_deleted", subject=user, group=group)
    WaitlistEntry.objects.filter(
        user=user, status__in=[WaitlistStatus.WAITING, WaitlistStatus.OFFERED]
    ).update(status=WaitlistStatus.LEFT, resolved_at=now)
    Application.objects.filter(applicant=user, status=ApplicationStatus.PENDING).update(
        status=ApplicationStatus.WITHDRAWN, decided_at=now
    )
    Presentation.objects.filter(presenter=user, meeting__starts_at__gt=now).delete()
    Rsvp.objects.filter(user=user, meeting__starts_at__gt=now).delete()
    Delivery.objects.filter(recipient=user, status__in=["pending", "failed", "queued"]).delete()
    CalendarFeedToken.objects.filter(user=user).delete()
    NotificationPreference.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    if hasattr(user, "profile"):
        user.profile.delete()
    user.email = f"former-{user.pk}@{DELETED_DOMAIN}"
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()
    user.save(update_fields=["email", "is_active", "is_staff", "is_superuser", "password"])
    record_audit(actor=None, verb="account.deleted", subject=user)
