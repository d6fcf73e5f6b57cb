"""The group's resource library: links members share, organizers pin, and either may remove."""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from groups.enums import MANAGING_ROLES
from groups.models import Group, Membership, Resource
from groups.services.base import GroupActionError
from members.models import User
from members.services import record_audit

__all__ = ["RESOURCE_URL_SCHEMES", "add_resource", "remove_resource", "set_pinned"]

RESOURCE_URL_SCHEMES = ["http", "https"]
URL_MESSAGE = "Enter a full web address that starts with https:// or http://."


def _role(actor: User, group: Group) -> str | None:
    return Membership.objects.filter(group=group, user=actor).values_list("role", flat=True).first()


def _locked_resource(group: Group, resource_id: int) -> Resource:
    resource = (
        Resource.objects.select_for_update(of=("self",)).filter(group=group, pk=resource_id).first()
    )
    if resource is None:
        raise GroupActionError("That link is no longer in the library.")
    return resource


@transaction.atomic
def add_resource(
    *,
    actor: User,
    group: Group,
    title: str,
    url: str,
    category: str,
    note: str = "",
) -> Resource:
    """Share a link with the group's library. Only members may add, and only web links."""
    if _role(actor, group) is None:
        raise GroupActionError("Only members of the group can add to its library.")
    url = url.strip()
    try:
        URLValidator(schemes=RESOURCE_URL_SCHEMES, message=URL_MESSAGE)(url)
    except ValidationError as exc:
        raise ValidationError({"url": exc.messages}) from exc
    resource = Resource(
        group=group,
        added_by=actor,
        title=title.strip(),
        url=url,
        category=category,
        note=note.strip(),
    )
    resource.full_clean()
    resource.save()
    record_audit(
        actor=actor,
        verb="resource.added",
        group=group,
        obj=resource,
        data={"title": resource.title, "category": resource.category},
    )
    return resource


@transaction.atomic
def set_pinned(*, actor: User, group: Group, resource_id: int, pinned: bool) -> Resource:
    """Pin a link to the top of the library, or unpin it. Organizers and co-organizers only."""
    if _role(actor, group) not in MANAGING_ROLES:
        raise GroupActionError("Only the group's organizers can pin links.")
    resource = _locked_resource(group, resource_id)
    if resource.pinned == pinned:
        return resource
    resource.pinned = pinned
    resource.full_clean()
    resource.save(update_fields=["pinned"])
    record_audit(
        actor=actor,
        verb="resource.pinned" if pinned else "resource.unpinned",
        group=group,
        obj=resource,
        data={"title": resource.title},
    )
    return resource


@transaction.atomic
def remove_resource(*, actor: User, group: Group, resource_id: int) -> None:
    """Take a link out of the library: the colleague who shared it, or an organizer."""
    resource = _locked_resource(group, resource_id)
    role = _role(actor, group)
    if role is None or (role not in MANAGING_ROLES and resource.added_by_id != actor.pk):
        raise GroupActionError(
            "Only the colleague who shared this link, or an organizer, can remove it."
        )
    record_audit(
        actor=actor,
        verb="resource.removed",
        subject=resource.added_by if resource.added_by_id != actor.pk else None,
        group=group,
        obj=resource,
        data={"title": resource.title, "url": resource.url},
    )
    resource.delete()
