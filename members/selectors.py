"""Reads about people, scoped to who is asking."""

from django.db.models import Q, QuerySet
from django.http import Http404

from groups.models import Membership
from members.models import TherapistProfile, User


def is_site_admin(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def co_member_ids(user: User) -> QuerySet:
    """Ids of everyone who shares at least one group with ``user`` (``user`` included)."""
    return Membership.objects.filter(group__memberships__user=user).values("user_id")


def profiles_visible_to(viewer: User) -> QuerySet[TherapistProfile]:
    base = TherapistProfile.objects.select_related("user", "licence_verified_by__profile")
    if not viewer.is_authenticated:
        return base.none()
    if is_site_admin(viewer):
        return base
    return base.filter(Q(user=viewer) | Q(user_id__in=co_member_ids(viewer)))


def get_profile_for_viewer(viewer: User, pk: int) -> TherapistProfile:
    """The profile if ``viewer`` may open it; otherwise 404, exactly as if it did not exist."""
    profile = (
        profiles_visible_to(viewer)
        .prefetch_related("specialties", "modalities", "populations")
        .filter(pk=pk)
        .first()
    )
    if profile is None:
        raise Http404("No such profile.")
    return profile


def shared_groups(viewer: User, other: User):
    from groups.models import Group

    return (
        Group.objects.filter(memberships__user=viewer)
        .filter(memberships__user=other)
        .distinct()
        .order_by("name")
    )


def active_user(user_id: int) -> User | None:
    return User.objects.filter(pk=user_id, is_active=True).select_related("profile").first()


def network_for(user: User) -> QuerySet[TherapistProfile]:
    """Profiles of active colleagues who share at least one group with ``user``, ``user`` excluded.

    Never wider than that, not even for site admins: the referral finder is no directory.
    The membership subquery yields each colleague once however many groups they share.
    """
    if not user.is_authenticated:
        return TherapistProfile.objects.none()
    return (
        TherapistProfile.objects.filter(user_id__in=co_member_ids(user), user__is_active=True)
        .exclude(user_id=user.pk)
        .select_related("user")
        .prefetch_related("specialties", "modalities", "populations")
        .order_by("display_name", "pk")
    )


def get_colleague_profile(user: User, pk: int) -> TherapistProfile:
    """A colleague's profile from ``user``'s network; otherwise 404, as if it did not exist."""
    profile = network_for(user).filter(pk=pk).first()
    if profile is None:
        raise Http404("No such colleague.")
    return profile
