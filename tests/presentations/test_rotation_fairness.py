"""Fair turns, proven with hypothesis: over any run of meetings, two active members who never
declined (or were never skipped) differ by at most one turn."""

from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from presentations.rotation import Candidate, next_in_line, order_queue

BASE = datetime(2027, 1, 4, 19, tzinfo=UTC)


def _members(n: int) -> dict[int, Candidate]:
    return {uid: Candidate(uid, joined_at=BASE - timedelta(days=100 - uid)) for uid in range(n)}


def test_queue_order_never_presented_first_then_least_recent_then_join_date():
    joined = BASE - timedelta(days=30)
    queue = order_queue(
        [
            Candidate(1, joined, last_turn=(BASE - timedelta(days=7), 1)),
            Candidate(2, joined + timedelta(days=2)),
            Candidate(3, joined, last_turn=(BASE - timedelta(days=21), 0)),
            Candidate(4, joined + timedelta(days=1)),
            Candidate(5, joined, last_turn=(BASE - timedelta(days=7), 0)),
        ]
    )
    assert [c.user_id for c in queue] == [4, 2, 3, 5, 1]


@settings(max_examples=200, deadline=None)
@given(
    n_members=st.integers(min_value=2, max_value=9),
    n_meetings=st.integers(min_value=1, max_value=30),
    slots=st.integers(min_value=1, max_value=3),
    data=st.data(),
)
def test_presenting_turns_differ_by_at_most_one(n_members, n_meetings, slots, data):
    candidates = _members(n_members)
    decliners = data.draw(st.sets(st.integers(0, n_members - 1), max_size=n_members - 1))
    counts: Counter[int] = Counter()
    declined_ever: set[int] = set()
    for t in range(n_meetings):
        when = BASE + timedelta(weeks=t)
        taken: set[int] = set()
        declined: set[int] = set()
        for slot in range(slots):
            while True:
                line = next_in_line(candidates.values(), skip=taken | declined)
                if not line:
                    break
                uid = line[0].user_id
                if uid in decliners and data.draw(st.booleans()):
                    declined.add(uid)
                    declined_ever.add(uid)
                    continue
                counts[uid] += 1
                taken.add(uid)
                candidates[uid] = replace(candidates[uid], last_turn=(when, slot))
                break
    steady = [uid for uid in candidates if uid not in declined_ever]
    if len(steady) >= 2:
        turns = [counts[uid] for uid in steady]
        assert max(turns) - min(turns) <= 1, (counts, steady)


@settings(max_examples=200, deadline=None)
@given(
    n_members=st.integers(min_value=2, max_value=8),
    n_meetings=st.integers(min_value=1, max_value=40),
    data=st.data(),
)
def test_facilitation_turns_differ_by_at_most_one(n_members, n_meetings, data):
    """Round-robin facilitators skipping can't-go members: those never skipped stay within one."""
    candidates = _members(n_members)
    counts: Counter[int] = Counter()
    skipped_ever: set[int] = set()
    absentees = data.draw(st.sets(st.integers(0, n_members - 1), max_size=n_members - 1))
    for t in range(n_meetings):
        cant_go = {uid for uid in absentees if data.draw(st.booleans())}
        line = next_in_line(candidates.values(), skip=cant_go, count=2)
        # Those ahead of the chosen facilitator in the full queue were skipped this time.
        full = [c.user_id for c in order_queue(candidates.values())]
        if line:
            chosen = line[0].user_id
            skipped_ever |= set(full[: full.index(chosen)]) & cant_go
            counts[chosen] += 1
            turn = (BASE + timedelta(weeks=t), 0)
            candidates[chosen] = replace(candidates[chosen], last_turn=turn)
        else:
            skipped_ever |= cant_go
    steady = [uid for uid in candidates if uid not in skipped_ever]
    if len(steady) >= 2:
        turns = [counts[uid] for uid in steady]
        assert max(turns) - min(turns) <= 1, (counts, steady)
