"""The one door to every members-only page: ``permission_required``.

Each such view declares the rule it needs and how its object is read::

    @permission_required("groups.view_management", selectors.group_for)
    def manage_members(request, group, *, slug): ...

1. Anonymous visitors are sent to sign in.
2. ``load`` reads the object through a selector scoped to the user (404 to anyone outside),
   called with the URL's keyword arguments it names. The selector records on the object who
   loaded it and their membership (``groups.selectors.for_viewer``).
3. The rule, declared in a ``rules.py`` (``config.access.declare``), must hold for the user
   and the object; a refusal is the same 404 an outsider gets.
4. The ground-rules gate: a member whose group changed its ground rules since they accepted
   them is sent to accept them first (``RulesAcceptanceRequired``), for every page alike. Only
   the pages that let a member read and accept the new rules, or leave, pass ``ground_rules=False``.

The view is called as ``view(request, obj, **url_kwargs)``.
"""

import inspect
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404

from config import access
from groups.selectors import require_current_rules


def permission_required(rule: str, load, *, ground_rules: bool = True):
    wanted = set(inspect.signature(load).parameters) - {"user"}

    def decorator(view):
        @wraps(view)
        def wrapper(request, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            obj = load(request.user, **{k: v for k, v in kwargs.items() if k in wanted})
            if not access.allowed(request.user, rule, obj):
                raise Http404("No such page.")
            request.page_object = obj  # what the page shows (config.pagecache reads its group)
            membership = getattr(obj, "viewer_membership", None)
            if ground_rules and membership is not None:
                require_current_rules(membership)
            return view(request, obj, **kwargs)

        wrapper.permission_rule = rule
        return wrapper

    return decorator
