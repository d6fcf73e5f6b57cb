"""PeerCircle's own errors: what a service raises when a rule refuses what was asked.

Services raise these, never the builtin ``PermissionError``; ``str(exc)`` is written for the
person who asked. Views catch them only to show the message beside a form; anything they do
not catch becomes one response in one place, ``config.middleware.DomainErrorMiddleware``.
"""


class DomainError(Exception):
    """A rule of PeerCircle refused the action (a full group, a closed election, ...)."""


class NotAllowed(DomainError):
    """The person's role does not allow the action: a rule of a ``rules.py`` said no."""
