"""The task wiring: every beat entry names a task the worker has registered (a typo or a removed
task fails here, not silently in production), can be called as scheduled, and every task in an
app's ``tasks.py`` is either on the beat schedule or an on-demand task listed below."""

import importlib
import importlib.util
import inspect
from pathlib import Path

import pytest
from celery import Task
from django.apps import apps
from django.conf import settings

from config.celery import app as celery_app

# Queued by the code for one object at a time, never by the clock.
ON_DEMAND = {
    "members.tasks.task_send_delivery": "one e-mail, queued by notify() and the dispatcher",
    "alerts.tasks.task_match_group": "a group that opened, queued on commit by its change",
}

SCHEDULE = settings.CELERY_BEAT_SCHEDULE


def _registered() -> dict[str, Task]:
    """The worker's task registry after autodiscovery (what `celery worker` would load)."""
    celery_app.loader.import_default_modules()
    return dict(celery_app.tasks)


def _project_apps():
    root = Path(settings.BASE_DIR).resolve()
    return [a for a in apps.get_app_configs() if Path(a.path).resolve().is_relative_to(root)]


def _defined_tasks() -> dict[str, Task]:
    """Every Celery task defined in a project app's tasks.py, found without the registry."""
    found = {}
    for config in _project_apps():
        module_name = f"{config.name}.tasks"
        if importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        for _, task in inspect.getmembers(module, lambda obj: isinstance(obj, Task)):
            if task.__module__ == module_name:
                found[task.name] = task
    return found


def test_the_celery_app_reads_the_beat_schedule_from_the_settings():
    assert celery_app.conf.beat_schedule == SCHEDULE


def test_every_beat_entry_runs_a_task_of_a_project_apps_tasks_module():
    scheduled = {spec["task"] for spec in SCHEDULE.values()}

    assert scheduled - set(_defined_tasks()) == set()


@pytest.mark.parametrize("entry", sorted(SCHEDULE))
def test_beat_entry_names_a_registered_task(entry):
    assert SCHEDULE[entry]["task"] in _registered()


@pytest.mark.parametrize("entry", sorted(SCHEDULE))
def test_beat_entry_can_call_its_task_with_the_arguments_it_gives(entry):
    spec = SCHEDULE[entry]
    task = _registered()[spec["task"]]

    inspect.signature(task.run).bind(*spec.get("args", ()), **spec.get("kwargs", {}))


def test_every_task_in_a_tasks_module_is_registered_by_autodiscovery():
    assert set(_defined_tasks()) - set(_registered()) == set()


def test_every_task_is_scheduled_or_listed_as_on_demand():
    scheduled = {spec["task"] for spec in SCHEDULE.values()}

    assert set(_defined_tasks()) - scheduled - set(ON_DEMAND) == set()


def test_the_on_demand_list_names_only_real_unscheduled_tasks():
    scheduled = {spec["task"] for spec in SCHEDULE.values()}

    assert set(ON_DEMAND) - set(_defined_tasks()) == set()
    assert set(ON_DEMAND) & scheduled == set()
