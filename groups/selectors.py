"""Reads about groups, scoped to who is asking. An object the user may not see is a 404."""

import zoneinfo
from datetime import timedelta

from django.db.models import (
    Case,
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, Now
from django.http import Http404
from django.utils import timezone

from groups.enums import (
    MANAGING_ROLES,
    ApplicationStatus,
    GroupStatus,
    MembershipPolicy,
    Role,
    WaitlistStatus,
)
from groups.models import (
    DOCUMENT_KEPT_FOR_AUTHOR,
    NEW_MEMBER_WEEKS,
    Application,
    Document,
    DocumentVersion,
    GroundRulesVersion,
    Group,
    Invitation,
    Membership,
    Resource,
    WaitlistEntry,
)
from members.models import AuditEntry


def group_ids_of(user) -> list[int]:
    """The ids of the groups ``user`` belongs to (the personal calendar feed's groups, the
    referral finder's, the kept pages' versions: config.pagecache)."""
    return list(Membership.objects.filter(user=user).values_list("group_id", flat=True))


def memberships_for_user(user) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user)
        .select_related("group", "buddy__user__profile")
        .order_by("group__name")
    )


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


def group_language(slug: str) -> str | None:
    """The language a group meets in, by its address; only decides the language of the fixed
    text on its pages (groups.middleware.GroupLanguageMiddleware), never what is shown."""
    return Group.objects.filter(slug=slug).values_list("language", flat=True).first()


def get_group_for_viewer(user, slug: str) -> Group:
    group = _visible_groups(user).filter(slug=slug).prefetch_related("focus_specialties").first()
    if group is None:
        raise Http404("No such group.")
    return group


def get_group_and_membership(user, slug: str) -> tuple[Group, Membership | None]:
    """The group page's reads: a member's membership (with the group) first, since a member
    may see their group whatever its status; anyone else gets the group as they may see it.
    The membership (None: not a member) is recorded on the group (``for_viewer``), so the
    page's rules (``{% test_rule %}``) ask nothing more."""
    if user.is_authenticated:
        membership = with_latest_rules(
            Membership.objects.select_related("group").filter(group__slug=slug, user=user)
        ).first()
        if membership is not None:
            prefetch_related_objects([membership.group], "focus_specialties")
            return for_viewer(membership.group, user, membership), membership
    return for_viewer(get_group_for_viewer(user, slug), user, None), None


def get_membership(user, group: Group) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(group=group, user=user).first()


class RulesAcceptanceRequired(Exception):
    """The member must accept the group's new ground rules before its members' pages open."""

    def __init__(self, group: Group):
        self.group = group
        super().__init__(group.slug)


class AgreementAcceptanceRequired(RulesAcceptanceRequired):
    """The member must accept the current version of the group's confidentiality agreement
    before its members' pages open (after the ground rules, when both changed)."""


def require_current_rules(membership: Membership) -> None:
    if needs_rules_acceptance(membership):
        raise RulesAcceptanceRequired(membership.group)
    if needs_agreement_acceptance(membership):
        raise AgreementAcceptanceRequired(membership.group)


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


def resource_for(user, slug: str, pk: int) -> Resource:
    """A link in the library of a group ``user`` belongs to (``group_for``); 404 for a link of
    another group or none at all. The membership is recorded on the link and its group."""
    group = group_for(user, slug)
    resource = group.resources.filter(pk=pk).first()  # its ``group`` is the group above
    if resource is None:
        raise Http404("No such link.")
    return for_viewer(resource, user, group.viewer_membership)


def application_for(user, pk: int) -> Application:
    """An application to a group ``user`` belongs to (any application, for a site admin); 404
    to anyone else. The loader of the vetting page: the membership is recorded on the
    application and its group, and the rule (``groups.vet_applications``) decides."""
    if not user.is_authenticated:
        raise Http404("No such application.")
    application = (
        Application.objects.select_related("group", "applicant__profile", "decided_by__profile")
        .prefetch_related(
            "applicant__profile__specialties",
            "applicant__profile__modalities",
            "applicant__profile__populations",
        )
        .filter(pk=pk)
        .first()
    )
    membership = (
        None
        if application is None
        else with_latest_rules(
            Membership.objects.filter(group=application.group_id, user=user)
        ).first()
    )
    if application is None or (membership is None and not user.is_staff):
        raise Http404("No such application.")
    if membership is not None:
        membership.group = application.group
    for_viewer(application.group, user, membership)
    return for_viewer(application, user, membership)


def member_in(group: Group, membership_id: int) -> Membership | None:
    """One membership of ``group`` (None: not a member of it), its person's profile loaded."""
    return group.memberships.select_related("user__profile").filter(pk=membership_id).first()


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


def get_usable_invitation(token: str) -> Invitation | None:
    invitation = (
        Invitation.objects.select_related("group", "invited_by__profile")
        .filter(token=token)
        .first()
    )
    if invitation is None or not invitation.is_usable:
        return None
    return invitation


def invitation_was_revoked(token: str) -> bool:
    """Whether this link was withdrawn by an organizer (so its page can say so plainly)."""
    return Invitation.objects.filter(token=token, revoked_at__isnull=False).exists()


def get_invitation_in_group(group: Group, pk: int) -> Invitation:
    """One invitation of ``group``; 404 for one of another group or none at all."""
    invitation = Invitation.objects.filter(group=group, pk=pk).first()
    if invitation is None:
        raise Http404("No such invitation.")
    return invitation


def waitlists_for(user) -> list[WaitlistEntry]:
    """The user's places on waiting lists, offers first (soonest deadline first), then by when
    they joined; each with ``position`` (1 for the first in line, an open offer counting as 1,
    as :func:`waitlist_position`) and its group's ``waitlist_count`` (how many wait, offers
    included). One query, however many."""
    if not user.is_authenticated:
        return []
    active = [WaitlistStatus.WAITING, WaitlistStatus.OFFERED]
    ahead = (
        WaitlistEntry.objects.filter(group=OuterRef("group"), status__in=active)
        .filter(
            Q(created_at__lt=OuterRef("created_at"))
            | Q(created_at=OuterRef("created_at"), id__lt=OuterRef("id"))
        )
        .order_by()
        .values("group")
        .annotate(n=Count("pk"))
        .values("n")
    )
    entries = list(
        WaitlistEntry.objects.filter(user=user, status__in=active)
        .select_related("group")
        .annotate(ahead=Coalesce(Subquery(ahead), 0))
        .order_by(
            Case(When(status=WaitlistStatus.OFFERED, then=Value(0)), default=Value(1)),
            "offer_expires_at",
            "created_at",
        )
    )
    for entry in entries:
        entry.position = 1 if entry.status == WaitlistStatus.OFFERED else entry.ahead + 1
    return entries


# Decided applications stay on the applicant's dashboard this long, so the answer is seen there.
RECENT_DECISIONS_DAYS = 30


def applications_for(user) -> QuerySet[Application]:
    """The user's own applications: pending ones, and those decided in the last
    ``RECENT_DECISIONS_DAYS`` days (withdrawn ones are gone); newest first."""
    if not user.is_authenticated:
        return Application.objects.none()
    since = timezone.now() - timedelta(days=RECENT_DECISIONS_DAYS)
    return (
        Application.objects.filter(applicant=user)
        .filter(
            Q(status=ApplicationStatus.PENDING)
            | Q(
                status__in=[ApplicationStatus.APPROVED, ApplicationStatus.DECLINED],
                decided_at__gte=since,
            )
        )
        .select_related("group")
        .order_by("-created_at")
    )


def open_offers_for(user, waitlists: list[WaitlistEntry] | None = None) -> list[WaitlistEntry]:
    """The user's open seat offers, soonest deadline first: picked from ``waitlists`` (what
    :func:`waitlists_for` gave) when the caller has it, so it costs no second query."""
    if waitlists is None:
        waitlists = waitlists_for(user)
    return [entry for entry in waitlists if entry.status == WaitlistStatus.OFFERED]


def latest_rules(group: Group) -> GroundRulesVersion | None:
    return group.rules_versions.order_by("-number").first()


def rules_to_compare(
    group: Group, *, new: str | None, old: str | None
) -> tuple[list[GroundRulesVersion], GroundRulesVersion, GroundRulesVersion]:
    """Every version of the group's ground rules (newest first) and the two to compare:
    ``new`` (default the latest) and ``old`` (default the one before it). 404 for a version
    the group does not have."""
    versions = list(group.rules_versions.order_by("-number"))
    try:
        new_number = int(new or versions[0].number)
        old_number = int(old or max(new_number - 1, 1))
    except (ValueError, IndexError) as exc:
        raise Http404("No such version.") from exc
    by_number = {version.number: version for version in versions}
    if new_number not in by_number or old_number not in by_number:
        raise Http404("No such version.")
    return versions, by_number[old_number], by_number[new_number]


def with_latest_rules(memberships: QuerySet[Membership]) -> QuerySet[Membership]:
    """Memberships carrying their group's latest ground-rules version (id and date) and the
    current version of its confidentiality agreement, so that ``needs_rules_acceptance`` and
    ``needs_agreement_acceptance`` need no query of their own."""
    latest = GroundRulesVersion.objects.filter(group=OuterRef("group_id")).order_by("-number")
    agreement = Document.objects.filter(group=OuterRef("group_id"), is_agreement=True)
    return memberships.annotate(
        latest_rules_id=Subquery(latest.values("pk")[:1]),
        latest_rules_at=Subquery(latest.values("created_at")[:1]),
        latest_agreement_id=Subquery(agreement.values("current_id")[:1]),
    )


def needs_agreement_acceptance(membership) -> bool:
    """True when the group has a confidentiality agreement whose current version this member
    has not accepted (on joining, or since it changed)."""
    if membership is None:
        return False
    if hasattr(membership, "latest_agreement_id"):
        latest_id = membership.latest_agreement_id
    else:
        latest_id = (
            Document.objects.filter(group_id=membership.group_id, is_agreement=True)
            .values_list("current_id", flat=True)
            .first()
        )
    return latest_id is not None and membership.agreement_version_id != latest_id


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


def _group_today(group: Group):
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(group.time_zone))


def documents_for(group: Group, *, q: str = "") -> QuerySet[Document]:
    """The group's documents in the library (not removed, not past their last day), the
    agreement first, then the most recently changed; searched by title and description. Each
    carries its current version and who added it."""
    qs = (
        group.documents.filter(removed_at__isnull=True)
        .exclude(available_until__lt=_group_today(group))
        .select_related("current", "added_by__profile")
    )
    for word in q.split()[:8]:
        qs = qs.filter(Q(title__icontains=word) | Q(description__icontains=word))
    return qs


def document_for(user, slug: str, pk: int) -> Document:
    """A document in the library of a group ``user`` belongs to (``group_for``); 404 for one
    of another group, removed, past its last day, or none at all."""
    group = group_for(user, slug)
    document = documents_for(group).filter(pk=pk).first()
    if document is None:
        raise Http404("No such document.")
    document.group = group
    return for_viewer(document, user, group.viewer_membership)


def versions_of(document: Document) -> list[DocumentVersion]:
    """Every version of a document, newest first, with who uploaded it."""
    return list(document.versions.select_related("uploaded_by__profile").order_by("-number"))


def version_of(document: Document, number: int) -> DocumentVersion:
    version = document.versions.filter(number=number).first()
    if version is None:
        raise Http404("No such version.")
    version.document = document
    return version


def agreement_for(user, slug: str) -> Document:
    """The confidentiality agreement of a group ``user`` belongs to, with its current version:
    readable before the agreement gate opens (it is what the member is asked to accept)."""
    group = group_for(user, slug)
    document = (
        group.documents.filter(is_agreement=True, current__isnull=False)
        .select_related("current")
        .first()
    )
    if document is None:
        raise Http404("This group has no confidentiality agreement.")
    document.group = group
    return for_viewer(document, user, group.viewer_membership)


def agreement_acceptance(document: Document) -> dict | None:
    """For the agreement's page: who of the group's members accepted its current version and
    who has not yet (None for any other document)."""
    if not document.is_agreement:
        return None
    members = list(
        document.group.memberships.select_related("user__profile").order_by("joined_at", "id")
    )
    waiting = [m.user for m in members if m.agreement_version_id != document.current_id]
    return {"accepted": len(members) - len(waiting), "total": len(members), "waiting": waiting}


def accepted_agreement_number(membership) -> int | None:
    """The number of the agreement version this member last accepted (None: never)."""
    if membership is None or membership.agreement_version_id is None:
        return None
    return (
        DocumentVersion.objects.filter(pk=membership.agreement_version_id)
        .values_list("number", flat=True)
        .first()
    )


def kept_document_for(user, pk: int) -> Document:
    """A document an organizer took out of a library, for the colleague who added it alone,
    while it is kept for them; 404 to anyone else."""
    if not user.is_authenticated:
        raise Http404("No such document.")
    document = (
        Document.objects.filter(
            pk=pk,
            added_by=user,
            removed_at__gt=timezone.now() - DOCUMENT_KEPT_FOR_AUTHOR,
        )
        .select_related("group")
        .first()
    )
    if document is None:
        raise Http404("No such document.")
    return document


def resources_for(group: Group, *, q: str = "", category: str = "") -> QuerySet[Resource]:
    """The group's library, pinned first, searched by title and note, optionally one category.
    Each link's ``group`` is ``group`` itself (and so what was recorded on it for the viewer)."""
    qs = group.resources.select_related("added_by__profile")
    for word in q.split()[:8]:
        qs = qs.filter(Q(title__icontains=word) | Q(note__icontains=word))
    if category:
        qs = qs.filter(category=category)
    return qs


def invitations_of(group: Group, *, limit: int = 100) -> list:
    """The group's invitations: those whose link still works first (they can be revoked), then
    the rest; newest first within each."""
    waiting = Q(used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=Now())
    return list(
        group.invitations.select_related("used_by__profile", "revoked_by__profile", "group")
        .annotate(waiting_first=Case(When(waiting, then=Value(0)), default=Value(1)))
        .order_by("waiting_first", "-created_at", "-id")[:limit]
    )


def membership_with_buddy(membership: Membership) -> Membership:
    """``membership`` with its buddy (and the buddy's profile) loaded, in one query."""
    if membership.buddy_id is None:
        return membership
    membership.buddy = (
        Membership.objects.select_related("user__profile").filter(pk=membership.buddy_id).first()
    )
    return membership


def newcomers_of(membership: Membership) -> list[Membership]:
    """The newcomers a buddy looks after now (still new), oldest first (also after they
    stopped offering: those they have stay theirs)."""
    if membership is None:
        return []
    since = timezone.now() - timedelta(weeks=NEW_MEMBER_WEEKS)
    return list(
        membership.buddied.filter(joined_at__gt=since)
        .select_related("user__profile")
        .order_by("joined_at", "pk")
    )


def buddies_for(user) -> dict[int, list[Membership]]:
    """For the dashboard: group id -> the newcomers ``user`` looks after there now."""
    since = timezone.now() - timedelta(weeks=NEW_MEMBER_WEEKS)
    found: dict[int, list[Membership]] = {}
    rows = (
        Membership.objects.filter(buddy__user=user, joined_at__gt=since)
        .select_related("user__profile")
        .order_by("joined_at", "pk")
    )
    for row in rows:
        found.setdefault(row.group_id, []).append(row)
    return found
