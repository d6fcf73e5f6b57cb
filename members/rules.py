"""Who may do what with people's accounts and profiles. The foundation's rules: every app above
takes ``is_site_admin`` from here, so "a site admin" means one thing everywhere.

Rules are declared with ``config.access.declare`` and asked by pages (``{% test_rule %}``) and
services (``config.access.check``) alike."""

import rules
from django.utils.translation import gettext_lazy as _

from config.access import declare


@rules.predicate
def is_site_admin(user):
    """An active staff account (the Django admin's ``is_staff``): verifies licences, may look
    at any group's members and log. Not ``is_superuser``: rules never let a superuser pass."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff)


@rules.predicate
def is_profile_owner(user, profile):
    return (
        profile is not None
        and user is not None
        and user.is_authenticated
        and profile.user_id == user.pk
    )


declare(
    "members.view_licence_number",
    is_profile_owner | is_site_admin,
    refusal=_("A licence number is shown only to the therapist and to site admins."),
)
declare(
    "members.verify_licence",
    is_site_admin,
    refusal=_("Only site admins verify licences."),
)
