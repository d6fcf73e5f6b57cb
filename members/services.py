"""Every write about people: accounts, profiles, licence verification, the audit log."""

from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.access import check
from config.errors import DomainError
from members import licence_notifications, places
from members.enums import LEAD_TIME_CHOICES, OPTIONAL_KINDS, LicenceCheckStatus
from members.models import (
    AuditEntry,
    LicenceCheck,
    NotificationPreference,
    TherapistProfile,
    User,
)


class ProfileError(DomainError):
    """A profile cannot take the change asked for (a licence without a number to verify)."""


def record_audit(
    *,
    actor: User | None,
    verb: str,
    subject: User | None = None,
    group=None,
    obj: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit entry: who did what to whom, in which group, when."""
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        verb=verb,
        subject=subject,
        group=group,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        data=data or {},
    )


def record_confirmations(
    *, actor: User, summary: dict[str, Any], what: str, group=None, obj=None
) -> AuditEntry | None:
    """The person confirmed that possible client identifiers in a text are not identifying
    (config/guard.py): record how many and of which kinds, in which text, never the text."""
    if not summary.get("confirmed_findings"):
        return None
    return record_audit(
        actor=actor,
        verb="text.identifiers_confirmed",
        group=group,
        obj=obj,
        data={**summary, "in": what},
    )


def default_display_name(email: str) -> str:
    local = email.split("@")[0]
    return " ".join(part.capitalize() for part in local.replace("_", ".").split(".") if part)


def create_profile(*, user: User, display_name: str = "", **fields) -> TherapistProfile:
    """A new profile; its place (``city``, ``region``) is looked up before the transaction."""
    latitude, longitude = places.coordinates(
        city=fields.get("city") or "", region=fields.get("region") or ""
    )
    return _create_profile(
        user=user, display_name=display_name, latitude=latitude, longitude=longitude, **fields
    )


@transaction.atomic
def _create_profile(*, user: User, display_name: str, **fields) -> TherapistProfile:
    profile = TherapistProfile(
        user=user, display_name=display_name.strip() or default_display_name(user.email), **fields
    )
    profile.full_clean()
    profile.save()
    if profile.licence_number:
        request_licence_check(profile=profile)
    return profile


def ensure_profile(*, user: User) -> TherapistProfile:
    """The user's profile, created if an account came without one (``createsuperuser``)."""
    try:
        return user.profile
    except TherapistProfile.DoesNotExist:
        return create_profile(user=user)


LICENCE_FIELDS = ("licence_number", "licence_region", "credential_type")


# (city, region) -> (latitude, longitude): a place looked up before the transaction.
type Located = tuple[tuple[str, str], tuple[float | None, float | None]]


def update_profile(
    *, actor: User, profile: TherapistProfile, data: dict[str, Any]
) -> TherapistProfile:
    """Apply cleaned form data. Changing the licence clears an earlier verification and asks
    for a check of the new one (``licence_evidence``: what helps the check); evidence given for
    a licence not verified and not waiting asks for a check too.

    A new city or region gives the profile that place's coordinates (``members.places``),
    looked up before the transaction and the profile's row lock: the gazetteer's first look-up
    in a process builds its indexes (a second or two of CPU)."""
    located = None
    if "city" in data or "region" in data:
        city = data.get("city", profile.city) or ""
        region = data.get("region", profile.region) or ""
        located = ((city, region), places.coordinates(city=city, region=region))
    return _update_profile(actor=actor, profile=profile, data=data, located=located)


def _locate_profile(profile: TherapistProfile, located: Located | None) -> list[str]:
    """Give ``profile`` the coordinates of its city and region (``located`` when it is that
    place); the fields that changed."""
    place = (profile.city, profile.region)
    if located is not None and located[0] == place:
        latitude, longitude = located[1]
    else:  # the row changed place since (rare): the indexes are built by now
        latitude, longitude = places.coordinates(city=profile.city, region=profile.region)
    if (profile.latitude, profile.longitude) == (latitude, longitude):
        return []
    profile.latitude, profile.longitude = latitude, longitude
    return ["latitude", "longitude"]


@transaction.atomic
def _update_profile(
    *, actor: User, profile: TherapistProfile, data: dict[str, Any], located: Located | None
) -> TherapistProfile:
    m2m = {
        key: data.pop(key) for key in ("specialties", "modalities", "populations") if key in data
    }
    evidence = (data.pop("licence_evidence", "") or "").strip()
    language = data.pop("language", None)  # on the account: it is the e-mails' language too
    # Compare with the stored row: a ModelForm has already copied its data onto ``profile``.
    profile = TherapistProfile.objects.select_for_update(of=("self",)).get(pk=profile.pk)
    changed = [name for name, value in data.items() if getattr(profile, name) != value]
    for name in changed:
        setattr(profile, name, data[name])
    if profile.licence_verified and any(name in LICENCE_FIELDS for name in changed):
        profile.licence_verified_at = None
        profile.licence_verified_by = None
        changed += ["licence_verified_at", "licence_verified_by"]
    profile.full_clean()
    # The coordinates follow the place; the audit entry names the fields the person changed.
    moved = _locate_profile(profile, located) if {"city", "region"} & set(changed) else []
    profile.save(update_fields=[*changed, *moved, "updated_at"])
    for key, values in m2m.items():
        getattr(profile, key).set(values)
    if language is not None:
        set_language(user=profile.user, language=language)
    licence_changed = any(name in LICENCE_FIELDS for name in changed)
    waiting = LicenceCheck.objects.filter(profile=profile, status=LicenceCheckStatus.PENDING)
    if licence_changed or (evidence and not profile.licence_verified and not waiting.exists()):
        request_licence_check(profile=profile, evidence=evidence)
    elif evidence and waiting.exists():
        waiting.update(evidence=evidence)
    record_audit(
        actor=actor,
        verb="profile.updated",
        subject=profile.user,
        obj=profile,
        data={"fields": sorted(changed + list(m2m))},
    )
    return profile


def request_licence_check(*, profile: TherapistProfile, evidence: str = "") -> LicenceCheck | None:
    """Ask the site admins to check the licence as it is now (with ``profile`` saved): a request
    still waiting for an earlier licence is withdrawn. No number: nothing to check."""
    now = timezone.now()
    LicenceCheck.objects.filter(profile=profile, status=LicenceCheckStatus.PENDING).update(
        status=LicenceCheckStatus.WITHDRAWN, decided_at=now
    )
    if not profile.licence_number:
        return None
    request = LicenceCheck.objects.create(
        profile=profile,
        credential_type=profile.credential_type,
        licence_number=profile.licence_number,
        licence_region=profile.licence_region,
        evidence=evidence[:1000],
        submitted_at=now,
    )
    record_audit(
        actor=profile.user,
        verb="licence.check_requested",
        subject=profile.user,
        obj=request,
        data={"licence_region": profile.licence_region},
    )
    return request


def _same_licence(request: LicenceCheck, profile: TherapistProfile) -> bool:
    return (request.licence_number, request.licence_region, request.credential_type) == (
        profile.licence_number,
        profile.licence_region,
        profile.credential_type,
    )


@transaction.atomic
def decide_licence_check(
    *, actor: User, check_id: int, verified: bool, note: str = ""
) -> LicenceCheck:
    """A site admin records what the board's public record showed. Verified: the profile
    carries the mark (and the date); not verified: the reason goes to the therapist, who can
    correct the licence. Once per request, under its row lock; audited; the therapist told."""
    # The profile's lock first, then the check's: the order update_profile takes them in.
    profile_id = LicenceCheck.objects.filter(pk=check_id).values_list("profile_id", flat=True)
    profile = (
        TherapistProfile.objects.select_for_update(of=("self",)).filter(pk__in=profile_id).first()
    )
    if profile is None:
        raise ProfileError(_("There is no such licence check."))
    check(actor, "members.verify_licence", profile)
    if profile.user_id == actor.pk:
        raise ProfileError(_("Another site admin checks your own licence."))
    request = (
        LicenceCheck.objects.select_for_update(of=("self",))
        .select_related("profile__user")
        .get(pk=check_id)
    )
    if request.status != LicenceCheckStatus.PENDING:
        raise ProfileError(
            _("This check is already closed: %(status)s.")
            % {"status": request.get_status_display().lower()}
        )
    if not _same_licence(request, profile):
        raise ProfileError(_("The therapist changed their licence since: check the new request."))
    note = (note or "").strip()
    if not verified and not note:
        raise ProfileError(_("Say what did not match, so the therapist can put it right."))
    now = timezone.now()
    request.status = LicenceCheckStatus.VERIFIED if verified else LicenceCheckStatus.NOT_VERIFIED
    request.decided_at, request.decided_by, request.note = now, actor, note[:1000]
    request.save(update_fields=["status", "decided_at", "decided_by", "note"])
    profile.licence_verified_at = now if verified else None
    profile.licence_verified_by = actor if verified else None
    profile.save(update_fields=["licence_verified_at", "licence_verified_by", "updated_at"])
    record_audit(
        actor=actor,
        verb="licence.verified" if verified else "licence.not_verified",
        subject=profile.user,
        obj=request,
        data={"licence_region": request.licence_region},
    )
    licence_notifications.licence_decided(request, actor=actor)
    return request


@transaction.atomic
def verify_licence(*, actor: User, profile: TherapistProfile) -> TherapistProfile:
    """Verify the profile's licence as it is now (the admin's action): the check waiting for it
    is decided, or one is recorded and decided at once."""
    check(actor, "members.verify_licence", profile)
    profile = TherapistProfile.objects.select_for_update(of=("self",)).get(pk=profile.pk)
    if not profile.licence_number:
        raise ProfileError(_("%(name)s has no licence number to verify.") % {"name": profile})
    if profile.licence_verified:
        return profile  # already verified as it is: nothing to record or tell
    request = LicenceCheck.objects.filter(
        profile=profile, status=LicenceCheckStatus.PENDING
    ).first()
    if request is None or not _same_licence(request, profile):
        request = request_licence_check(profile=profile)
    decide_licence_check(actor=actor, check_id=request.pk, verified=True)
    profile.refresh_from_db()
    return profile


@transaction.atomic
def update_notification_preferences(
    *,
    user: User,
    enabled: dict[str, bool],
    digest: dict[str, bool],
    lead_minutes: list[int],
    remind_when_unanswered: bool,
) -> None:
    """Save which notifications a person wants, and when meeting reminders come."""
    allowed_leads = {minutes for minutes, _label in LEAD_TIME_CHOICES}
    if any(kind not in OPTIONAL_KINDS for kind in enabled) or any(
        int(m) not in allowed_leads for m in lead_minutes
    ):
        raise ValueError("Unknown notification kind or lead time.")
    for kind in OPTIONAL_KINDS:
        NotificationPreference.objects.update_or_create(
            user=user,
            kind=kind,
            defaults={"enabled": enabled.get(kind, False), "digest": digest.get(kind, True)},
        )
    profile = ensure_profile(user=user)
    profile.reminder_lead_minutes = sorted({int(m) for m in lead_minutes}, reverse=True)
    profile.remind_when_unanswered = remind_when_unanswered
    profile.save(update_fields=["reminder_lead_minutes", "remind_when_unanswered", "updated_at"])
    record_audit(actor=user, verb="notifications.updated", subject=user)


@transaction.atomic
def unsubscribe(*, user: User, kind: str) -> None:
    """One-click unsubscribe from one kind of e-mail."""
    if kind not in OPTIONAL_KINDS:
        raise ValueError("This kind of e-mail cannot be turned off.")
    NotificationPreference.objects.update_or_create(
        user=user, kind=kind, defaults={"enabled": False}
    )
    record_audit(actor=user, verb="notifications.unsubscribed", subject=user, data={"kind": kind})


def set_language(*, user: User, language: str) -> None:
    """The language of someone's pages and e-mails; "" follows their browser (e-mails English)."""
    if language and language not in dict(settings.LANGUAGES):
        raise ValueError(f"unknown language {language!r}")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
