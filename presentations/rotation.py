"""Fair turns: who is next to present or facilitate. Pure functions, shared by the services and
the property tests that prove the fairness bound.

A turn is identified by when it happened: the meeting's start and the slot's position in the
agenda. Two members who presented at the same meeting are therefore never tied: whoever had the
earlier slot presented less recently, and the queue behaves like a round robin.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

Turn = tuple[datetime, int]  # (meeting start, slot position)


@dataclass(frozen=True)
class Candidate:
    user_id: int
    joined_at: datetime
    last_turn: Turn | None = None  # None: never presented (or facilitated)


def _key(candidate: Candidate):
    if candidate.last_turn is None:
        return (0, candidate.joined_at, 0, candidate.user_id)
    return (1, candidate.last_turn[0], candidate.last_turn[1], candidate.user_id)


def order_queue(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Never first (ties by join date), then least recently, slot by slot."""
    return sorted(candidates, key=_key)


def next_in_line(
    candidates: Iterable[Candidate], *, skip: set[int] = frozenset(), count: int = 1
) -> list[Candidate]:
    """The first ``count`` candidates of the queue, skipping the given user ids."""
    return [c for c in order_queue(candidates) if c.user_id not in skip][:count]
