"""What the groups app tells the apps built on it.

``membership_ended`` is sent inside the transaction that ends a membership (a member leaves, is
removed, or deletes their account), after the row is gone. Apps above groups end what the person
held in the group's future (slots, meeting roles, terms) in their receivers, so groups never
imports them. Arguments: ``group``, ``user``, ``actor`` (None for a system action) and ``reason``
(a ``groups.enums.DepartureReason``).
"""

from django.dispatch import Signal

membership_ended = Signal()
