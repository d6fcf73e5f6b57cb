"""Reads about groups, scoped to who is asking. An object the user may not see is a 404."""

from django.db.models import (
    Case,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Now
from django.http import Http404

from groups.enums import (
    MANAGING_ROLES,
    ApplicationStatus,
    GroupStatus,
    MembershipPolicy,
    Role,
    WaitlistStatus,
)
from groups.models import Application, Group, Membership, WaitlistEntry
from members.models import AuditEntry


def memberships_for_user(user) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("group").order_by("group__name")


def _visible_groups(user) -> QuerySet[Group]:
    """Active and paused groups are public; archived ones only to their members and admins."""
    public = Q(status__in=[GroupStatus.ACTIVE, GroupStatus.PAUSED])
    if not user.is_authenticated:
        return Group.objects.filter(public)
    if user.is_staff:
        return Group.objects.all()
    member = Exists(Membership.objects.filter(group=OuterRef("pk"), user=user))
    return Group.objects.filter(public | member)


def for_viewer(obj, user, membership: Membership | None):
    """Record on ``obj`` (a group, or anything of one group) that ``user`` loaded it and their
    membership of its group (None: not a member). The rules (``groups.rules.role_in``) and the
    ground-rules gate (``groups.access``) read this instead of asking the database again."""
    obj.viewer_id = user.pk
    obj.viewer_membership = membership
    return obj


def get_group_for_viewer(user, slug: str) -> Group:
    group = _visible_groups(user).filter(slug=slug).prefetch_related("focus_specialties").first()
    if group is None:
        raise Http404("No such group.")
    return group


def get_group_and_membership(user, slug: str) -> tuple[Group, Membership | None]:
    """The group page's reads: a member's membership (with the group) first, since a member
    may see their group whatever its status; anyone else gets the group as they may see it."""
    if user.is_authenticated:
        membership = with_latest_rules(
            Membership.objects.select_related("group").filter(group__slug=slug, user=user)
        ).first()
        if membership is not None:
            prefetch_related_objects([membership.group], "focus_specialties")
            return membership.group, membership
    return get_group_for_viewer(user, slug), None


def get_membership(user, group: Group) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(group=group, user=user).first()


class RulesAcceptanceRequired(Exception):
    """The member must accept the group's new ground rules before its members' pages open."""

    def __init__(self, group: Group):
        self.group = group
        super().__init__(group.slug)


def require_current_rules(membership: Membership) -> None:
    if needs_rules_acceptance(membership):
        raise RulesAcceptanceRequired(membership.group)


def group_for(user, slug: str) -> Group:
    """A group ``user`` belongs to (any group, for a site admin); 404 to anyone else.

    The loader of ``groups.access.permission_required``: the user's membership (with the
    latest ground rules, for the gate) is recorded on the group (``for_viewer``); the page's
    rule then decides what a member, an organizer or a site admin may do.
    """
    if not user.is_authenticated:
        raise Http404("No such page.")
    membership = with_latest_rules(
        Membership.objects.select_related("group").filter(group__slug=slug, user=user)
    ).first()
    if membership is not None:
        return for_viewer(membership.group, user, membership)
    group = Group.objects.filter(slug=slug).first() if user.is_staff else None
    if group is None:
        raise Http404("No such page.")
    return for_viewer(group, user, None)


def get_group_for_member(user, slug: str, *, check_rules: bool = False) -> tuple[Group, Membership]:
    """A group and the user's membership in it; 404 to anyone who is not a member."""
    if not user.is_authenticated:
        raise Http404("No such page.")
    membership = with_latest_rules(
        Membership.objects.select_related("group").filter(group__slug=slug, user=user)
    ).first()
    if membership is None:
        raise Http404("No such page.")
    if check_rules:
        require_current_rules(membership)
    return membership.group, membership


def get_group_for_manager(user, slug: str) -> tuple[Group, Membership | None]:
    """A group its organizers and co-organizers manage (site admins too); 404 to anyone else."""
    if not user.is_authenticated:
        raise Http404("No such page.")
    membership = (
        Membership.objects.select_related("group")
        .filter(group__slug=slug, user=user, role__in=MANAGING_ROLES)
        .first()
    )
    if membership is not None:
        return membership.group, membership
    if user.is_staff:
        group = Group.objects.filter(slug=slug).first()
        if group is not None:
            return group, None
    raise Http404("No such page.")


ROLE_ORDER = Case(
    When(role=Role.ORGANIZER, then=Value(0)),
    When(role=Role.CO_ORGANIZER, then=Value(1)),
    default=Value(2),
)


def organizers_of(group: Group) -> QuerySet[Membership]:
    return (
        group.memberships.filter(role__in=MANAGING_ROLES)
        .select_related("user__profile")
        .order_by(ROLE_ORDER, "joined_at", "id")
    )


def members_of(group: Group) -> QuerySet[Membership]:
    """Organizers first, then co-organizers, then members by when they joined."""
    return group.memberships.select_related("user__profile").order_by(ROLE_ORDER, "joined_at", "id")


def people_of(memberships) -> dict:
    """The members' users by id, for pages that name the same people several times."""
    return {membership.user_id: membership.user for membership in memberships}


def attach_loaded(objects, loaded: dict, *fields: str) -> None:
    """Point each object's foreign keys ``fields`` at objects already loaded (``loaded``, by
    id): people read with their profiles, segments of the agenda on the page. Anything not among
    them, such as a former member, loads on first use."""
    for obj in objects:
        for field in fields:
            target = loaded.get(getattr(obj, f"{field}_id"))
            if target is not None:
                setattr(obj, field, target)


def active_waitlist_entry(user, group: Group) -> WaitlistEntry | None:
    if not user.is_authenticated:
        return None
    return (
        group.waitlist.filter(
            user=user, status__in=[WaitlistStatus.WAITING, WaitlistStatus.OFFERED]
        )
        .order_by("-created_at")
        .first()
    )


def waitlist_position(entry: WaitlistEntry) -> int:
    """1 for the first person waiting. An open offer counts as position 1."""
    if entry.status == WaitlistStatus.OFFERED:
        return 1
    ahead = WaitlistEntry.objects.filter(
        group=entry.group_id,
        status__in=[WaitlistStatus.WAITING, WaitlistStatus.OFFERED],
    ).filter(Q(created_at__lt=entry.created_at) | Q(created_at=entry.created_at, id__lt=entry.id))
    return ahead.count() + 1


def waitlist_of(group: Group) -> QuerySet[WaitlistEntry]:
    return group.waitlist.filter(
        status__in=[WaitlistStatus.WAITING, WaitlistStatus.OFFERED]
    ).select_related("user__profile")


def pending_application(user, group: Group) -> Application | None:
    if not user.is_authenticated:
        return None
    return group.applications.filter(applicant=user, status=ApplicationStatus.PENDING).first()


def vetting_queue_for(user) -> QuerySet[Application]:
    """Pending applications the user may decide: their own groups', or every one for admins."""
    qs = Application.objects.filter(
        status=ApplicationStatus.PENDING, group__membership_policy=MembershipPolicy.CLOSED
    ).select_related("group", "applicant__profile")
    if not user.is_authenticated:
        return qs.none()
    if not user.is_staff:
        qs = qs.filter(group__memberships__user=user, group__memberships__role__in=MANAGING_ROLES)
    return qs.order_by("created_at")


def get_application_for_vetting(user, pk: int) -> Application:
    application = (
        Application.objects.select_related("group", "applicant__profile", "decided_by__profile")
        .filter(pk=pk)
        .filter(
            Q(group__memberships__user=user, group__memberships__role__in=MANAGING_ROLES)
            if not user.is_staff
            else Q()
        )
        .prefetch_related(
            "applicant__profile__specialties",
            "applicant__profile__modalities",
            "applicant__profile__populations",
        )
        .distinct()
        .first()
    )
    if application is None:
        raise Http404("No such application.")
    return application


def earlier_applications(application: Application) -> QuerySet[Application]:
    """The applicant's other applications to this same group, newest first. Never those to
    other groups: their organizers' decisions and messages are theirs alone (site admins
    reviewing an application see the same)."""
    return (
        Application.objects.filter(applicant=application.applicant_id, group=application.group_id)
        .exclude(pk=application.pk)
        .order_by("-created_at")
    )


def audit_for_group(group: Group) -> QuerySet[AuditEntry]:
    return group.audit_entries.select_related("actor__profile", "subject__profile")


def get_usable_invitation(token: str):
    from groups.models import Invitation

    invitation = Invitation.objects.select_related("group").filter(token=token).first()
    if invitation is None or not invitation.is_usable:
        return None
    return invitation


def invitation_was_revoked(token: str) -> bool:
    """Whether this link was withdrawn by an organizer (so its page can say so plainly)."""
    from groups.models import Invitation

    return Invitation.objects.filter(token=token, revoked_at__isnull=False).exists()


def get_invitation_in_group(group: Group, pk: int):
    """One invitation of ``group`` (the caller has checked the user manages it); 404 for one of
    another group or none at all."""
    from groups.models import Invitation

    invitation = Invitation.objects.filter(group=group, pk=pk).first()
    if invitation is None:
        raise Http404("No such invitation.")
    return invitation


def open_offers_for(user) -> list[WaitlistEntry]:
    if not user.is_authenticated:
        return []
    return list(
        WaitlistEntry.objects.filter(user=user, status=WaitlistStatus.OFFERED)
        .select_related("group")
        .order_by("offer_expires_at")
    )


def latest_rules(group):
    return group.rules_versions.order_by("-number").first()


def with_latest_rules(memberships: QuerySet[Membership]) -> QuerySet[Membership]:
    """Memberships carrying their group's latest ground-rules version (id and date), so that
    ``needs_rules_acceptance`` needs no query of its own."""
    from groups.models import GroundRulesVersion

    latest = GroundRulesVersion.objects.filter(group=OuterRef("group_id")).order_by("-number")
    return memberships.annotate(
        latest_rules_id=Subquery(latest.values("pk")[:1]),
        latest_rules_at=Subquery(latest.values("created_at")[:1]),
    )


def needs_rules_acceptance(membership) -> bool:
    """True when the group's ground rules changed since this member last accepted them."""
    if membership is None:
        return False
    if hasattr(membership, "latest_rules_id"):
        latest_id, latest_at = membership.latest_rules_id, membership.latest_rules_at
    else:  # a membership read without with_latest_rules: the same annotation, by itself
        latest_id, latest_at = (
            with_latest_rules(Membership.objects.filter(pk=membership.pk))
            .values_list("latest_rules_id", "latest_rules_at")
            .get()
        )
    if latest_id is None or membership.rules_version_id == latest_id:
        return False
    if membership.rules_version_id is None:
        # No version on record (older data): only a change made after joining needs accepting.
        return latest_at > membership.joined_at
    return True


def resources_for(group: Group, *, q: str = "", category: str = "") -> QuerySet:
    """The group's library, pinned first, searched by title and note, optionally one category."""
    from groups.models import Resource

    qs = Resource.objects.filter(group=group).select_related("added_by__profile")
    for word in q.split()[:8]:
        qs = qs.filter(Q(title__icontains=word) | Q(note__icontains=word))
    if category:
        qs = qs.filter(category=category)
    return qs


def get_resource_in_group(group: Group, pk: int):
    """One link from the group's library; 404 for a link of another group or none at all."""
    from groups.models import Resource

    resource = Resource.objects.filter(group=group, pk=pk).first()
    if resource is None:
        raise Http404("No such link.")
    return resource


def invitations_of(group: Group, *, limit: int = 100) -> list:
    """The group's invitations: those whose link still works first (they can be revoked), then
    the rest; newest first within each."""
    waiting = Q(used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=Now())
    return list(
        group.invitations.select_related("used_by__profile", "revoked_by__profile", "group")
        .annotate(waiting_first=Case(When(waiting, then=Value(0)), default=Value(1)))
        .order_by("waiting_first", "-created_at", "-id")[:limit]
    )
