"""What the groups app tells the apps built on it.

``membership_ended`` is sent inside the transaction that ends a membership (a member leaves, is
removed, or deletes their account), after the row is gone. Apps above groups end what the person
held in the group's future (slots, meeting roles, terms) in their receivers, so groups never
imports them. Arguments: ``group``, ``user``, ``actor`` (None for a system action) and ``reason``
(a ``groups.enums.DepartureReason``).

``group_open`` is sent inside the transaction of a change that may have put a group on browse
with a seat a newcomer can take (the group was created or made active again, its capacity
raised, a member left or was removed, a place on the waitlist was given up or lapsed), with the
group locked, and only when it is active and has such a seat now (``Group.seats_left``: a seat
owed to someone waiting does not count). The saved-search alerts (``alerts``) receive it.
Arguments: ``group``, ``actor`` (None for a system action), ``reason`` (a
``groups.enums.OpeningReason``) and ``about`` (the ids of the people the change was about
besides the actor, such as the member removed: they are not told of it).
"""

from django.dispatch import Signal

membership_ended = Signal()
group_open = Signal()
