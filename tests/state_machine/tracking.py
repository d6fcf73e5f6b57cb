"""What makes the service-layer models cheap to run many times.

``TableWatch`` sees every SQL statement of the test's connection (an execute wrapper): the tables
each statement writes and, while an invariant runs, the tables it reads. ``when_changed`` runs an
invariant again only when something it depends on may have changed since it last passed:

* a table its queries read in that run was written since (every INSERT, UPDATE or DELETE counts,
  refused steps too, whose savepoint rolled the write back: a conservative over-count), or
* the part of the model's own state it compares with (``state``) is different.

An invariant is a deterministic function of those two (the rows of the tables it reads and the
model state it is given), so when neither changed it would ask the same queries, get the same
rows and pass again; skipping it loses no check. The one thing outside both is the clock
(``timezone.now()`` in "future meeting" filters); the models' meetings start hours to weeks
ahead, far beyond one test run, so no row crosses that line while a run lasts.

``Reach`` counts what the random steps did: for each step (the function that called the
service), how many service calls the rules accepted and how many they refused. The models print
it at the end of a run and check that no step went unexercised.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.apps import apps
from django.db import connection

# Anything but a plain read or transaction control counts as a write of every table it names.
READ = re.compile(
    r"^\s*(?:SELECT|SAVEPOINT|RELEASE|ROLLBACK|BEGIN|COMMIT|SET|SHOW)\b", re.IGNORECASE
)
WORD = re.compile(r"\w+")  # table names, quoted by Django or not (raw SQL)


class TableWatch:
    """An execute wrapper (``connection.execute_wrapper(watch)``) that numbers writes per table."""

    def __init__(self) -> None:
        models = apps.get_models(include_auto_created=True)
        self.tables = {model._meta.db_table for model in models}
        # A DELETE may reach rows that refer to the deleted ones. Django emits those deletes and
        # updates as statements of their own (the project declares no database-level
        # ON DELETE), but count the referring tables as written too, so that this holds even
        # if one day it does.
        self.referring: dict[str, set[str]] = {}
        for model in models:
            for field in model._meta.get_fields():
                if field.is_relation and field.concrete and (field.many_to_one or field.one_to_one):
                    target = field.related_model._meta.db_table
                    self.referring.setdefault(target, set()).add(model._meta.db_table)
        self.seq = 0
        self.written: dict[str, int] = {}  # table -> number of its latest write
        self._reading: list[set[str]] = []
        self.active = False

    @contextmanager
    def installed(self) -> Iterator[TableWatch]:
        """Watch the default connection inside the block; outside it, every check runs."""
        with connection.execute_wrapper(self):
            self.active = True
            try:
                yield self
            finally:
                self.active = False

    def __call__(self, execute, sql, params, many, context):
        if not READ.match(sql):
            self.seq += 1
            touched = self._mentioned(sql)
            if sql.lstrip()[:6].upper() in ("DELETE", "TRUNCA"):
                for table in list(touched):
                    touched |= self.referring.get(table, set())
            for table in touched:
                self.written[table] = self.seq
        for reading in self._reading:
            reading |= self._mentioned(sql)
        return execute(sql, params, many, context)

    def _mentioned(self, sql: str) -> set[str]:
        return self.tables.intersection(WORD.findall(sql))

    @contextmanager
    def reading(self) -> Iterator[set[str]]:
        """Collect the tables that the statements inside the block mention."""
        read: set[str] = set()
        self._reading.append(read)
        try:
            yield read
        finally:
            self._reading.remove(read)

    def restart(self) -> None:
        """The database is back where it was when the checks on record ran (a rolled-back
        savepoint): nothing written since."""
        self.written.clear()

    def changed_since(self, seq: int, tables: set[str]) -> bool:
        return any(self.written.get(table, 0) > seq for table in tables)


class Checks:
    """The record of invariants that passed: name -> (write number then, tables read, state)."""

    def __init__(self, watch: TableWatch) -> None:
        self.watch = watch
        self.passed: dict[str, tuple[int, set[str], object]] = {}
        self.ran: Counter[str] = Counter()
        self.skipped: Counter[str] = Counter()

    def copy(self) -> Checks:
        """A record for one sequence; the counts stay shared."""
        other = Checks(self.watch)
        other.passed = dict(self.passed)
        other.ran, other.skipped = self.ran, self.skipped
        return other


def when_changed(state: Callable[[object], object] | None = None):
    """Run the decorated invariant (a method of a model with ``self.checks``) only when a table
    it read, or ``state(self)``, changed since it last passed."""

    def decorate(check):
        name = check.__name__

        @functools.wraps(check)
        def run(self) -> None:
            checks: Checks = self.checks
            if not checks.watch.active:
                check(self)
                return
            key = state(self) if state is not None else None
            record = checks.passed.get(name)
            if record is not None:
                seq, read, before = record
                if before == key and not checks.watch.changed_since(seq, read):
                    checks.skipped[name] += 1
                    return
            seq = checks.watch.seq
            with checks.watch.reading() as read:
                check(self)
            checks.passed[name] = (seq, read, key)
            checks.ran[name] += 1

        return run

    return decorate


class Reach:
    """Service calls per step, accepted or refused."""

    def __init__(self) -> None:
        self.accepted: Counter[str] = Counter()
        self.refused: Counter[str] = Counter()

    def table(self, checks: Checks | None = None) -> str:
        steps = sorted(set(self.accepted) | set(self.refused))
        lines = [f"{'step':<28} {'accepted':>8} {'refused':>8}"]
        lines += [f"{s:<28} {self.accepted[s]:>8} {self.refused[s]:>8}" for s in steps]
        if checks is not None:
            lines.append(f"{'invariant':<40} {'ran':>6} {'skipped':>8}")
            names = sorted(set(checks.ran) | set(checks.skipped))
            lines += [f"{n:<40} {checks.ran[n]:>6} {checks.skipped[n]:>8}" for n in names]
        return "\n".join(lines)
