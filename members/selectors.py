"""Reads about people, scoped to who is asking. (Whether someone is a site admin is a rule:
``members.rules.is_site_admin``.)"""

from django.http import Http404

from members.enums import LicenceCheckStatus
from members.models import LicenceCheck, User
from members.rules import is_site_admin


def active_user(user_id: int) -> User | None:
    return User.objects.filter(pk=user_id, is_active=True).select_related("profile").first()


def licence_queue():
    """Licence checks waiting for a site admin, oldest first, with the therapist."""
    return LicenceCheck.objects.filter(status=LicenceCheckStatus.PENDING).select_related(
        "profile__user"
    )


def licence_check_for(user, pk: int) -> LicenceCheck:
    """One licence check, for a site admin (``members.verify_licence``); 404 to anyone else
    and for one that does not exist."""
    if not is_site_admin(user):
        raise Http404("No such page.")
    found = LicenceCheck.objects.select_related("profile__user", "decided_by").filter(pk=pk)
    request = found.first()
    if request is None:
        raise Http404("No such licence check.")
    return request


def licence_history(request: LicenceCheck) -> list[LicenceCheck]:
    """The therapist's earlier checks, newest first (what was decided before, and why)."""
    return list(
        LicenceCheck.objects.filter(profile=request.profile_id)
        .exclude(pk=request.pk)
        .select_related("decided_by")
        .order_by("-submitted_at", "-pk")[:20]
    )


def latest_licence_check(profile) -> LicenceCheck | None:
    if profile is None:
        return None
    return LicenceCheck.objects.filter(profile=profile).order_by("-submitted_at", "-pk").first()
