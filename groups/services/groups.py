"""Starting a group, changing its details, questions and ground rules."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from config import pagecache
from config.access import check
from groups.cache import invalidate_browse
from groups.enums import OpeningReason, Purpose, Role
from groups.models import ApplicationQuestion, GroundRulesVersion, Group, Membership
from groups.selectors import latest_rules
from groups.services.base import (
    LICENCE_FIRST,
    GroupActionError,
    announce_if_open,
    has_verified_licence,
    lock_group,
    sync_member_count,
)
from groups.services.waitlist import offer_free_seats
from members import places
from members.models import User
from members.services import record_audit

GROUP_M2M = ("focus_specialties",)


def unique_slug(name: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:120] or "group"
    slug, n = base, 2
    taken = Group.objects.exclude(pk=exclude_pk) if exclude_pk else Group.objects.all()
    while taken.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _apply_purposes(group: Group, purposes) -> None:
    group.purpose_support = Purpose.SUPPORT in purposes
    group.purpose_consultation = Purpose.CONSULTATION in purposes
    group.purpose_collaboration = Purpose.COLLABORATION in purposes


def check_licence_requirement(*, actor: User, group: Group, data: dict[str, Any]) -> None:
    """Asking applicants for a checked licence is for organizers whose own licence is checked
    (a site admin may set it for them): otherwise they could not vet anyone."""
    turning_on = data.get("requires_verified_licence") and not group.requires_verified_licence
    if turning_on and not actor.is_staff and not has_verified_licence(actor):
        raise GroupActionError(LICENCE_FIRST)


def creator_time_zone(user: User) -> str:
    """A new group is scheduled in its creator's zone unless they choose another."""
    profile = getattr(user, "profile", None)
    return getattr(profile, "time_zone", "") or Group._meta.get_field("time_zone").default


def place_coordinates(*, city: str, region: str) -> tuple[float | None, float | None]:
    """Where a group's city is, from the offline gazetteer (``members.places.coordinates``,
    the region narrowing it: "Portland" in "ME"); (None, None) without a city or for a place
    it does not know. The same rule filled existing groups in migration 0015."""
    return places.coordinates(city=city, region=region)


# (city, region) -> (latitude, longitude): a place looked up before the transaction.
type Located = tuple[tuple[str, str], tuple[float | None, float | None]]


def _look_up(city: str, region: str) -> Located:
    """The place of a city and region, looked up before any transaction or row lock: the
    gazetteer's first look-up in a process builds its indexes (a second or two of CPU)."""
    return (city, region), place_coordinates(city=city, region=region)


def _locate(group: Group, located: Located | None = None) -> list[str]:
    """Give ``group`` the coordinates of its city and region (``located`` when it is that
    place, looked up beforehand); the fields that changed."""
    place = (group.city, group.region)
    if located is not None and located[0] == place:
        latitude, longitude = located[1]
    else:  # the row changed place since (rare): the indexes are built by now
        latitude, longitude = place_coordinates(city=group.city, region=group.region)
    if (group.latitude, group.longitude) == (latitude, longitude):
        return []
    group.latitude, group.longitude = latitude, longitude
    return ["latitude", "longitude"]


def place_time_zone(latitude: float | None, longitude: float | None) -> str | None:
    """The time zone at a group's place (``members.places.suggest_time_zone``), None when the
    place is not known."""
    if latitude is None or longitude is None:
        return None
    return places.suggest_time_zone(latitude, longitude)


def create_group(*, actor: User, data: dict[str, Any]) -> Group:
    """Create a group; its creator becomes the organizer and accepts the ground rules.

    Without a ``time_zone`` the group takes its place's zone (the form leaves it out when
    the organizer left the zone it offered), or else its creator's. The place is looked up
    before the transaction."""
    data = dict(data)
    located = _look_up(data.get("city") or "", data.get("region") or "")
    if not data.get("time_zone"):
        data["time_zone"] = place_time_zone(*located[1]) or creator_time_zone(actor)
    return _create_group(actor=actor, data=data, located=located)


@transaction.atomic
def _create_group(*, actor: User, data: dict[str, Any], located: Located) -> Group:
    m2m = {key: data.pop(key) for key in GROUP_M2M if key in data}
    purposes = data.pop("purposes", [])
    if not data.get("slug"):
        data["slug"] = unique_slug(data["name"])
    check_licence_requirement(actor=actor, group=Group(), data=data)
    group = Group(**data, created_by=actor)
    _apply_purposes(group, purposes)
    _locate(group, located)
    group.full_clean()
    group.save()
    for key, values in m2m.items():
        getattr(group, key).set(values)
    version = record_rules_version(group=group, actor=actor)
    Membership.objects.create(
        group=group,
        user=actor,
        role=Role.ORGANIZER,
        rules_version=version,
        rules_accepted_at=group.created_at,
    )
    sync_member_count(group)
    record_audit(actor=actor, verb="group.created", group=group, obj=group, subject=actor)
    invalidate_browse()
    announce_if_open(group=group, actor=actor, reason=OpeningReason.CREATED)
    return group


def record_rules_version(*, group: Group, actor: User | None) -> GroundRulesVersion:
    """The group's ground rules as they are now, as its next numbered version (the first when
    the group is new). Members accept each version (``accept_ground_rules``)."""
    latest = latest_rules(group)
    return GroundRulesVersion.objects.create(
        group=group,
        number=(latest.number if latest else 0) + 1,
        text=group.ground_rules,
        created_by=actor,
    )


def _differs(name: str, old, new) -> bool:
    if name == "ground_rules":
        return " ".join(str(old).split()) != " ".join(str(new).split())
    return old != new


def update_group(*, actor: User, group: Group, data: dict[str, Any]) -> Group:
    """Edit a group. Capacity may not drop below the members it has; raising it offers seats.
    A new place is looked up before the group's row lock is taken."""
    data = dict(data)
    located = None
    if "city" in data or "region" in data:
        located = _look_up(data.get("city", group.city), data.get("region", group.region))
    return _update_group(actor=actor, group=group, data=data, located=located)


@transaction.atomic
def _update_group(
    *, actor: User, group: Group, data: dict[str, Any], located: Located | None
) -> Group:
    m2m = {key: data.pop(key) for key in GROUP_M2M if key in data}
    purposes = data.pop("purposes", None)
    locked = lock_group(group.pk)
    check(actor, "groups.change_group", locked)
    if "time_zone" in data and data["time_zone"] != locked.time_zone:
        # One path for a new zone: it decides what happens to the meetings and tells members.
        # (meetings.services.change_group_time_zone; the edit page calls it.)
        raise GroupActionError(
            _(
                "The time zone is changed on the group's edit page, which asks whether the "
                "meetings keep their local time."
            )
        )
    if "capacity" in data and data["capacity"] < locked.member_count:
        raise GroupActionError(
            _("The group has %(count)s members, so capacity cannot be lower than that.")
            % {"count": locked.member_count}
        )
    check_licence_requirement(actor=actor, group=locked, data=data)
    old = {name: getattr(locked, name) for name in data}
    old_purposes = list(locked.purposes)
    for name, value in data.items():
        setattr(locked, name, value)
    if purposes is not None:
        _apply_purposes(locked, purposes)
    locked.full_clean()
    changed = [name for name in data if _differs(name, old[name], data[name])]
    if purposes is not None and list(locked.purposes) != old_purposes:
        changed += ["purpose_support", "purpose_consultation", "purpose_collaboration"]
    if "city" in changed:
        changed.append("city_key")  # the browse filter's key, worked out by its field
    moved = _locate(locked, located) if {"city", "region"} & set(changed) else []
    if changed:
        locked.save(update_fields=[*changed, *moved, "updated_at"])
    for key, values in m2m.items():
        getattr(locked, key).set(values)
    if "ground_rules" in changed:
        version = record_rules_version(group=locked, actor=actor)
        # Whoever wrote the new rules has accepted them; everyone else is asked on their visit.
        with pagecache.announced(Membership, [f"g:{locked.pk}", f"u:{actor.pk}"]):
            Membership.objects.filter(group=locked, user=actor).update(
                rules_version=version, rules_accepted_at=version.created_at
            )
    if "capacity" in changed and locked.capacity > old["capacity"]:
        offer_free_seats(group=locked)
    if "status" in changed or ("capacity" in changed and locked.capacity > old["capacity"]):
        reason = OpeningReason.REOPENED if "status" in changed else OpeningReason.SEAT
        announce_if_open(group=locked, actor=actor, reason=reason)
    invalidate_browse()
    record_audit(
        actor=actor,
        verb="group.updated",
        group=locked,
        obj=locked,
        data={"fields": sorted(changed + list(m2m))},
    )
    return locked


@transaction.atomic
def replace_questions(*, actor: User, group: Group, questions: list[dict[str, Any]]) -> Group:
    """Replace the application questions of a closed group, in the order given."""
    locked = lock_group(group.pk)
    check(actor, "groups.change_questions", locked)
    locked.questions.all().delete()
    with pagecache.announced(ApplicationQuestion, [f"g:{locked.pk}"]):
        ApplicationQuestion.objects.bulk_create(
            ApplicationQuestion(
                group=locked, text=q["text"].strip(), required=q.get("required", True), position=i
            )
            for i, q in enumerate(questions)
            if q.get("text", "").strip()
        )
    record_audit(
        actor=actor,
        verb="group.questions_changed",
        group=locked,
        obj=locked,
        data={"count": locked.questions.count()},
    )
    return locked


@transaction.atomic
def accept_ground_rules(*, user: User, group: Group, version_id: int) -> Membership:
    """Record that a member accepted this version of the group's ground rules."""
    membership = Membership.objects.select_for_update(of=("self",)).get(group=group, user=user)
    version = GroundRulesVersion.objects.get(pk=version_id, group=group)
    membership.rules_version = version
    membership.rules_accepted_at = timezone.now()
    membership.save(update_fields=["rules_version", "rules_accepted_at"])
    record_audit(
        actor=user,
        verb="ground_rules.accepted",
        subject=user,
        group=group,
        obj=membership,
        data={"version": version.number},
    )
    return membership
