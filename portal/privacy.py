"""A person's own data: export everything the site holds about them, or delete the account.

``export_user_data`` is a read scoped to the person; ``delete_account`` is the one write here
(kept beside the export because both must agree on what "everything about a person" means).
After deletion the profile is gone and the person shows as "Former member" in group history;
meetings and attendance stay consistent for the others.
"""

import re
from typing import Any

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from alerts import selectors as alert_selectors
from alerts import services as alert_services
from board import selectors as board_selectors
from board import services as board_services
from config.errors import DomainError
from consultations import selectors as consultation_selectors
from consultations import services as consultation_services
from groups.enums import ApplicationStatus, DepartureReason, Role
from groups.models import Application, Document, Group, Invitation, Membership, WaitlistEntry
from groups.services import documents as document_services
from groups.services import leave_all_groups, withdraw_application
from meetings.certificates import forget_certificate_holder
from meetings.models import (
    ActionItem,
    Attendance,
    CalendarFeedToken,
    Certificate,
    Meeting,
    OutsideHours,
    RenewalPlan,
    Rsvp,
)
from meetings.outside_hours import erase_outside_hours
from members.enums import NotificationKind
from members.models import AuditEntry, Delivery, LicenceCheck, NotificationPreference, User
from members.services import record_audit
from polls.models import PollAnswer
from presentations.models import (
    Ballot,
    CaseDraft,
    Election,
    FollowUp,
    LeadershipTerm,
    Nomination,
    Presentation,
)
from presentations.services import end_roles, tell_organizers

DELETED_DOMAIN = "deleted.invalid"


class AccountDeletionRefused(DomainError):
    """Deleting now would leave a group without an organizer; the message says which."""


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export_user_data(user: User) -> dict[str, Any]:
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
                "latitude",  # worked out from the city and region; only ever shown here
                "longitude",
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
            "confidentiality_agreement_version": (
                m.agreement_version.number if m.agreement_version else None
            ),
            "confidentiality_agreement_accepted_at": _iso(m.agreement_accepted_at),
        }
        for m in Membership.objects.filter(user=user).select_related(
            "group", "rules_version", "agreement_version"
        )
    ]
    data["documents_added"] = [
        {
            "group": d.group.name,
            "title": d.title,
            "description": d.description,
            "added_at": _iso(d.created_at),
            "versions": [
                {"number": v.number, "file_name": v.name, "uploaded_at": _iso(v.uploaded_at)}
                for v in d.versions.all()
                if v.uploaded_by_id == user.pk
            ],
            "removed_from_the_library_at": _iso(d.removed_at),
        }
        for d in Document.objects.filter(added_by=user)
        .select_related("group")
        .prefetch_related("versions")
        .order_by("created_at", "pk")
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
    data["case_drafts"] = _export_case_drafts(user)
    # Between meetings: what they wrote on the boards and in consultations, the action items
    # they own and their report-back requests.
    data["board"] = board_selectors.authored_by(user)
    data["consultations"] = consultation_selectors.authored_by(user)
    data["licence_checks"] = [
        {
            "credential_type": c.credential_type,
            "licence_number": c.licence_number,
            "licence_region": c.licence_region,
            "what_you_gave": c.evidence,
            "status": c.status,
            "asked_at": _iso(c.submitted_at),
            "decided_at": _iso(c.decided_at),
            "note": c.note,
        }
        for c in LicenceCheck.objects.filter(profile__user=user).order_by("submitted_at", "pk")
    ]
    data["outside_hours"] = [
        {
            "date": e.day.isoformat(),
            "category": e.category,
            "provider": e.provider,
            "title": e.title,
            "hours": str(e.hours),
            # the certificate attached, if any: its name and size (the file is on the hours page)
            "certificate": (
                {"name": e.certificate_name, "size": e.certificate_size}
                if e.has_certificate
                else None
            ),
        }
        for e in OutsideHours.objects.filter(user=user).order_by("day", "pk")
    ]
    data["saved_searches"] = alert_selectors.export_of(user)
    data["poll_answers"] = [
        {
            "group": a.poll.group.name,
            "poll": a.poll.title,
            "time": _iso(a.option.starts_at),
            "answer": a.answer,
            "answered_at": _iso(a.answered_at),
        }
        for a in PollAnswer.objects.filter(user=user)
        .select_related("poll__group", "option")
        .order_by("poll", "option__starts_at")
    ]
    data["action_items"] = [
        {
            "group": item.meeting.group.name,
            "meeting": item.meeting.title,
            "text": item.text,
            "due_on": item.due_on.isoformat(),
            "done_at": _iso(item.done_at),
        }
        for item in ActionItem.objects.filter(owner=user)
        .select_related("meeting__group")
        .order_by("due_on", "pk")
    ]
    data["follow_ups"] = [
        {
            "group": follow_up.group.name,
            "meeting": follow_up.meeting.title if follow_up.meeting else None,
            "status": follow_up.status,
            "created_at": _iso(follow_up.created_at),
        }
        for follow_up in FollowUp.objects.filter(presenter=user)
        .select_related("group", "meeting")
        .order_by("created_at", "pk")
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


def _export_case_drafts(user: User) -> list[dict[str, Any]]:
    """The person's private drafts (case text kept for them when a slot changed hands)."""

    return [
        {
            "group": d.group.name,
            "meeting": d.source_meeting.title if d.source_meeting else None,
            "meeting_starts_at": _iso(d.source_meeting.starts_at) if d.source_meeting else None,
            "kind": d.kind,
            "case_question": d.case_question,
            "case_background": d.case_background,
            "case_tried": d.case_tried,
            "case_help_wanted": d.case_help_wanted,
            "topic_title": d.topic_title,
            "topic_summary": d.topic_summary,
            "topic_links": d.topic_links,
            "created_at": _iso(d.created_at),
        }
        for d in CaseDraft.objects.filter(author=user)
        .select_related("group", "source_meeting")
        .order_by("created_at", "pk")
    ]


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


FORMER_MEMBER = "Former member"


@transaction.atomic
def delete_account(*, user: User) -> None:
    """Delete an account and leave no ghost.

    Every role, term and future slot ends (the organizers of each group are told, once each,
    what opened); the name is replaced by "Former member" wherever history is kept; the
    certificates are revoked; personal data the history does not need is purged. What is kept
    and why: docs/account-deletion.md.
    """

    blocking = groups_blocking_deletion(user)
    if blocking:
        names = ", ".join(g.name for g in blocking)
        raise AccountDeletionRefused(
            _(
                "You are the only organizer of %(groups)s. Hand the organizer role to another "
                "member first (Manage members → Make organizer), then delete your account."
            )
            % {"groups": names}
        )
    now = timezone.now()
    names = _names_of(user)
    addresses = {user.email.lower()} | {
        e.lower() for e in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    }
    group_ids = _groups_of(user)
    # Everything they held in the groups' future ends first, so each group's organizers are
    # told once, in one e-mail, what opened.
    openings = end_roles(user=user, now=now, reason=DepartureReason.ACCOUNT_DELETED)
    # Through the groups' services: a group they were the last member of is archived, each seat
    # passes to the waitlist, every count stays right, and each group's log records it.
    leave_all_groups(user=user, reason=DepartureReason.ACCOUNT_DELETED)
    tell_organizers(user=user, openings=openings, reason=DepartureReason.ACCOUNT_DELETED)
    for application_id in Application.objects.filter(
        applicant=user, status=ApplicationStatus.PENDING
    ).values_list("pk", flat=True):
        withdraw_application(user=user, application_id=application_id)
    # What they wrote between meetings goes with them; colleagues' replies stay theirs.
    board_services.erase_author(user=user)
    consultation_services.erase_author(user=user)
    _forget_name(user=user, names=names, addresses=addresses, group_ids=group_ids)
    _purge_personal_data(user=user, addresses=addresses, now=now)
    CalendarFeedToken.objects.filter(user=user).delete()
    NotificationPreference.objects.filter(user=user).delete()
    PollAnswer.objects.filter(user=user).delete()  # when they could come: no one's concern now
    alert_services.erase_saved_searches(user=user)  # and what they found: theirs alone
    # Documents an organizer took out of a library, kept for them alone: nobody to keep them for.
    document_services.erase_kept_for(user=user)
    # Their own record of hours, theirs alone; the certificates' files go once this commits.
    erase_outside_hours(user=user)
    RenewalPlan.objects.filter(user=user).delete()
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


def _names_of(user: User) -> set[str]:
    """The names the site showed for the person, before anything changes."""
    names = {str(user).strip()}
    profile = getattr(user, "profile", None)
    if profile is not None and profile.display_name.strip():
        names.add(profile.display_name.strip())
    return {name for name in names if name and name != FORMER_MEMBER}


def _groups_of(user: User) -> set[int]:
    """Groups whose history may name the person: now a member, or facilitated there."""

    ids = set(Membership.objects.filter(user=user).values_list("group_id", flat=True))
    ids |= set(
        Meeting.objects.filter(Q(facilitator=user) | Q(backup_facilitator=user)).values_list(
            "group_id", flat=True
        )
    )
    ids |= set(Nomination.objects.filter(nominee=user).values_list("election__group_id", flat=True))
    ids |= set(LeadershipTerm.objects.filter(leader=user).values_list("group_id", flat=True))
    ids |= set(
        AuditEntry.objects.filter(Q(subject=user) | Q(actor=user))
        .exclude(group__isnull=True)
        .values_list("group_id", flat=True)
    )
    return ids


def _replace_names(value, names: set[str]):
    """``value`` (JSON) with every whole-word occurrence of the names as "Former member"."""
    if isinstance(value, str):
        for name in sorted(names, key=len, reverse=True):
            value = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", FORMER_MEMBER, value)
        return value
    if isinstance(value, list):
        return [_replace_names(item, names) for item in value]
    if isinstance(value, dict):
        return {key: _replace_names(item, names) for key, item in value.items()}
    return value


def _forget_name(*, user: User, names: set[str], addresses: set[str], group_ids: set[int]) -> None:
    """Replace the person's name (and address) by "Former member" where history is kept."""

    # Election results and their notes.
    elections = Election.objects.filter(
        Q(group__in=group_ids) | Q(winner=user) | Q(nominations__nominee=user)
    ).distinct()
    for election in elections:
        results = [
            {**row, "nominee": FORMER_MEMBER}
            if row.get("nominee_id") == user.pk
            or ("nominee_id" not in row and row.get("nominee") in names)
            else row
            for row in election.results or []
        ]
        note = _replace_names(election.result_note, names)
        if (results, note) != (election.results, election.result_note):
            election.results, election.result_note = results, note
            election.save(update_fields=["results", "result_note"])
    # Audit entries: their names in the data, their address where it was recorded, and the
    # free-text reasons written about them (a decision or a removal).
    entries = AuditEntry.objects.filter(
        Q(group__in=group_ids) | Q(subject=user) | Q(actor=user)
    ).exclude(data={})
    for entry in entries:
        data = _replace_names(entry.data, names)
        if str(data.get("email", "")).lower() in addresses:
            data["email"] = FORMER_MEMBER
        if entry.subject_id == user.pk:
            data.pop("reason", None)
        if data != entry.data:
            entry.data = data
            entry.save(update_fields=["data"])
    forget_certificate_holder(user=user, names=names, group_ids=group_ids)


def _purge_personal_data(*, user: User, addresses: set[str], now) -> None:
    """Personal data the history does not need: texts they wrote or were sent, addresses."""

    Application.objects.filter(applicant=user).update(answers=[], note="", decision_message="")
    Rsvp.objects.filter(user=user, meeting__starts_at__gt=now).delete()
    Rsvp.objects.filter(user=user).exclude(note="").update(note="")
    former_address = f"former-{user.pk}@{DELETED_DOMAIN}"
    Invitation.objects.filter(Q(used_by=user) | Q(email__in=addresses)).update(email=former_address)
    for address in addresses:
        Invitation.objects.filter(email__iexact=address).update(email=former_address)
    # E-mails to them (their address, what was said): gone. Messages they wrote to colleagues
    # keep the row (the colleague's history) without the text.
    Delivery.objects.filter(recipient=user).delete()
    for address in addresses:
        Delivery.objects.filter(email__iexact=address).delete()
    Delivery.objects.filter(
        kind=NotificationKind.COLLEAGUE_MESSAGE, context__sender_id=user.pk
    ).update(context={})
