"""Welcoming newcomers: members volunteer as buddies, and each newcomer is paired with one.

A newcomer is paired when they join (``pair_newcomer``, called by every path that admits a
member, with the group locked), with the volunteer who has the fewest newcomers at the moment,
then the longest-standing. Someone who volunteers takes newcomers still waiting for a buddy.
When a buddy leaves, their newcomers are paired again (shown, not e-mailed). The buddy is told
by e-mail when paired at a join; the newcomer sees their buddy on the dashboard and the welcome
page."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from config.access import check
from groups import notifications
from groups.models import NEW_MEMBER_WEEKS, Group, Membership
from groups.services.base import GroupActionError, lock_group
from members.models import User
from members.services import record_audit

MAX_NEWCOMERS_EACH = 2  # a volunteer takes at most this many newcomers at once


def _new_since():
    return timezone.now() - timedelta(weeks=NEW_MEMBER_WEEKS)


def _volunteers(group: Group, *, exclude: set[int]):
    """The group's buddy volunteers, least busy first (newcomers they look after now), then
    the longest-standing."""
    return (
        Membership.objects.filter(group=group, buddy_volunteer=True)
        .exclude(pk__in=exclude)
        .annotate(load=Count("buddied", filter=Q(buddied__joined_at__gt=_new_since())))
        .filter(load__lt=MAX_NEWCOMERS_EACH)
        .select_related("user")
        .order_by("load", "joined_at", "pk")
    )


def pair_newcomers(
    *,
    group: Group,
    newcomers: list[Membership],
    actor: User | None,
    exclude: set[int] = frozenset(),
    tell: bool = True,
) -> dict[int, Membership]:
    """With ``group`` locked: give each newcomer a buddy while volunteers have room; each buddy
    is told once (``tell``), of all the newcomers they were given, never the person who acted
    (an organizer who admits a newcomer and is the volunteer sees them on the dashboard).
    Returns newcomer membership id -> buddy membership."""
    paired: dict[int, Membership] = {}
    for newcomer in newcomers:
        buddy = _volunteers(group, exclude={newcomer.pk, *exclude}).first()
        if buddy is None:
            break
        newcomer.buddy = buddy
        newcomer.save(update_fields=["buddy"])
        paired[newcomer.pk] = buddy
        record_audit(
            actor=actor,
            verb="member.buddy_paired",
            subject=newcomer.user,
            group=group,
            obj=newcomer,
            data={"buddy": buddy.user_id},
        )
    for buddy in {b.pk: b for b in paired.values()}.values() if tell else ():
        given = sorted(pk for pk, b in paired.items() if b.pk == buddy.pk)
        notifications.buddy_paired(buddy=buddy, newcomer_ids=given, actor=actor)
    return paired


def pair_newcomer(*, group: Group, membership: Membership, actor: User | None) -> None:
    """A member was just admitted (``group`` locked): a buddy, if a volunteer has room. Not for
    the founders of a new group, who start it together."""
    if membership.is_new:
        pair_newcomers(group=group, newcomers=[membership], actor=actor)


@transaction.atomic
def set_buddy_volunteer(*, user: User, group: Group, willing: bool) -> Membership:
    """A member offers (or stops offering) to be a newcomer's buddy. Offering takes up to
    ``MAX_NEWCOMERS_EACH`` newcomers still without one; stopping keeps the newcomers they have
    (their first weeks pass soon) but takes no more."""
    locked = lock_group(group.pk)
    membership = Membership.objects.filter(group=locked, user=user).first()
    if membership is None:
        raise GroupActionError(_("Only members of the group can be a newcomer's buddy."))
    check(user, "groups.volunteer_as_buddy", locked)
    if membership.buddy_volunteer == willing:
        return membership
    membership.buddy_volunteer = willing
    membership.save(update_fields=["buddy_volunteer"])
    record_audit(
        actor=user,
        verb="member.buddy_volunteered" if willing else "member.buddy_stepped_back",
        subject=user,
        group=locked,
        obj=membership,
    )
    if willing:
        waiting = list(
            Membership.objects.filter(group=locked, buddy__isnull=True, joined_at__gt=_new_since())
            .exclude(pk=membership.pk)
            .select_related("user", "group")
            .order_by("joined_at", "pk")
        )
        waiting = [m for m in waiting if m.is_new][:MAX_NEWCOMERS_EACH]
        others = set(
            Membership.objects.filter(group=locked, buddy_volunteer=True)
            .exclude(pk=membership.pk)
            .values_list("pk", flat=True)
        )
        pair_newcomers(group=locked, newcomers=waiting, actor=user, exclude=others)
    return membership


def pair_again(*, group: Group, newcomer_ids: list[int], actor: User | None) -> None:
    """Their buddy left (``group`` locked; the database already cleared the link): pair these
    newcomers again, those still new and still members."""
    orphans = Membership.objects.filter(
        group=group, pk__in=newcomer_ids, buddy__isnull=True
    ).select_related("user", "group")
    # Not e-mailed: a departure (an account deleted) already tells the organizers what opened,
    # and the new buddy sees their newcomers on the dashboard and the welcome page.
    pair_newcomers(
        group=group,
        newcomers=[m for m in orphans.order_by("joined_at") if m.is_new],
        actor=actor,
        tell=False,
    )
