"""Who may do what: every rule is declared in an app's ``rules.py`` with ``declare`` and asked
through ``allowed`` (pages, templates with ``{% test_rule %}``) or ``check`` (services).

Rules, not Django permissions: ``user.has_perm`` lets a superuser pass every check, and what a
page offers must match what the service allows, superuser or not.
"""

import rules

from config.errors import NotAllowed

_REFUSALS: dict[str, str] = {}


def declare(name: str, predicate, *, refusal: str) -> None:
    """Register rule ``name`` and the sentence a person reads when it refuses them."""
    rules.add_rule(name, predicate)
    _REFUSALS[name] = refusal


def allowed(user, name: str, obj=None) -> bool:
    if name not in _REFUSALS:
        raise KeyError(f"No rule named {name!r} is declared.")
    return rules.test_rule(name, user, obj)


def check(user, name: str, obj=None) -> None:
    """Raise ``NotAllowed`` (with the rule's own sentence) unless ``user`` passes rule ``name``."""
    if not allowed(user, name, obj):
        raise NotAllowed(_REFUSALS[name])


def declared() -> dict[str, str]:
    """Every declared rule with its refusal (for tests and docs)."""
    return dict(_REFUSALS)
