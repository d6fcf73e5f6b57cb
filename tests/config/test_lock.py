"""The lock files (requirements/*.txt, `make lock`) match pyproject.toml: a dependency added,
removed or re-bounded there without `make lock` fails here, not on someone else's machine."""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)")


def _pins(name: str) -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements" / name).read_text().splitlines():
        match = PIN.match(line)
        if match:
            pins[canonicalize_name(match[1])] = match[2]
    return pins


BASE = _pins("base.txt")
DEV = _pins("dev.txt")


@pytest.mark.parametrize(
    ("lock", "requirements"),
    [
        ("base.txt", PYPROJECT["dependencies"]),
        ("dev.txt", PYPROJECT["dependencies"] + PYPROJECT["optional-dependencies"]["dev"]),
    ],
)
def test_every_dependency_is_pinned_within_its_bounds(lock, requirements):
    pins = _pins(lock)
    wrong = {}
    for text in requirements:
        requirement = Requirement(text)
        pinned = pins.get(canonicalize_name(requirement.name))
        if pinned is None or not requirement.specifier.contains(pinned, prereleases=True):
            wrong[requirement.name] = pinned
    assert wrong == {}, f"run `make lock`: {lock} does not satisfy pyproject.toml"


def test_dev_lock_pins_what_running_needs_at_the_same_versions():
    assert {name: DEV.get(name) for name in BASE} == BASE


def test_nothing_but_pins_in_the_locks():
    for name in ("base.txt", "dev.txt"):
        lines = (ROOT / "requirements" / name).read_text().splitlines()
        loose = [line for line in lines if line.strip() and not line.startswith((" ", "#"))]
        assert [line for line in loose if not PIN.match(line)] == []


def test_the_names_package_is_gone():
    assert "names" not in DEV
