"""The group's resource library: links members share, organizers pin, and either may remove."""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.access import check
from groups.models import Group, Resource
from groups.services.base import GroupActionError
from members.models import User
from members.services import record_audit

__all__ = ["RESOURCE_URL_SCHEMES", "add_resource", "remove_resource", "set_pinned"]

RESOURCE_URL_SCHEMES = ["http", "https"]
URL_MESSAGE = gettext_lazy("Enter a full web address that starts with https:// or http://.")


def _locked_resource(group: Group, resource_id: int) -> Resource:
    resource = (
        Resource.objects.select_for_update(of=("self",)).filter(group=group, pk=resource_id).first()
    )
    if resource is None:
        raise GroupActionError(_("That link is no longer in the library."))
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
    check(actor, "groups.add_resource", group)
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
    check(actor, "groups.pin_resource", group)
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
    resource.group = group  # the rule reads the actor's role in this group
    check(actor, "groups.remove_resource", resource)
    record_audit(
        actor=actor,
        verb="resource.removed",
        subject=resource.added_by if resource.added_by_id != actor.pk else None,
        group=group,
        obj=resource,
        data={"title": resource.title, "url": resource.url},
    )
    resource.delete()
