import collections
import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test
import tests.test_state_machine as sm

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
stats = collections.Counter()
orig = sm.refused

def counting(call, *a, **k):
    name = getattr(call, "__name__", None) or getattr(getattr(call, "func", None), "__name__", "?")
    try:
        with sm.transaction.atomic():
            r = call(*a, **k)
        stats[(name, "ok")] += 1
        return r
    except sm.REFUSALS as e:
        stats[(name, "refused:" + str(e)[:60])] += 1
        return None

def test_probe(monkeypatch):
    monkeypatch.setattr(sm, "refused", counting)
    run_state_machine_as_test(sm.ServiceModel, settings=settings(max_examples=100, stateful_step_count=30, deadline=None, database=None, suppress_health_check=list(HealthCheck)))
    for k, v in sorted(stats.items()):
        print(v, k)
