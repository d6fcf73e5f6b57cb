"""Who may do what with saved searches. Rules are declared with ``config.access.declare`` and
asked by pages (``groups.access.permission_required``, ``{% test_rule %}``) and services
(``config.access.check``) alike.

A saved search is its owner's alone: no rule lets a site admin in, so anyone else gets the same
404 as for a search that does not exist."""

import rules
from django.utils.translation import gettext_lazy as _

from config.access import declare


@rules.predicate
def is_active_account(user):
    return bool(user is not None and user.is_authenticated and user.is_active)


@rules.predicate
def is_search_owner(user, search):
    return search is not None and is_active_account(user) and search.owner_id == user.pk


declare(
    "alerts.save_search",  # no object: one's own new search
    is_active_account,
    refusal=_("Sign in to save a search and get alerts."),
)
declare(
    "alerts.change_search",  # the object is the saved search: edit, remove, stop its e-mails
    is_search_owner,
    refusal=_("Only the person who saved a search can change it."),
)
