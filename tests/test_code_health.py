"""The code shows its own health: thin views, one home for permissions, own domain errors,
imports at the top, no dead code. Each test names what to do when it fails."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    "config",
    "members",
    "groups",
    "meetings",
    "presentations",
    "board",
    "consultations",
    "polls",
    "alerts",
    "portal",
)
MAX_VIEW_LINES = 40


def _modules(*, views_only: bool = False):
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts or relative.parts[:2] == ("config", "settings"):
                continue
            if views_only and "views" not in relative.parts and path.name != "views.py":
                continue
            yield relative, ast.parse(path.read_text(), filename=str(relative))


def test_no_view_function_is_longer_than_forty_lines():
    long = [
        f"{path}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for path, tree in _modules(views_only=True)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef) and node.end_lineno - node.lineno + 1 > MAX_VIEW_LINES
    ]
    assert long == [], "Move the business rule into a service or selector, or split the view."


def test_views_leave_authorization_to_the_rules():
    """Who may do what is a rule in a rules.py, asked by groups.access.permission_required; a
    view neither tests a membership by hand nor writes the rules' memory."""
    found = []
    for path, tree in _modules(views_only=True):
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Compare)
                and isinstance(node.left, ast.Name)
                and node.left.id == "membership"
                and any(isinstance(op, ast.Is | ast.IsNot) for op in node.ops)
            ):
                found.append(f"{path}:{node.lineno} membership is (not) None")
            if isinstance(node, ast.Attribute) and node.attr == "_role_cache":
                found.append(f"{path}:{node.lineno} _role_cache")
    assert found == []


def test_services_raise_the_projects_own_errors_not_builtin_permission_error():
    raised = [
        f"{path}:{node.lineno}"
        for path, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Raise)
        and node.exc is not None
        and "PermissionError" in ast.unparse(node.exc)
    ]
    assert raised == [], "Raise config.errors.NotAllowed (config.access.check) instead."


def test_every_import_inside_a_function_says_why():
    """Imports belong at the top of the module; one that must stay in a function (a cycle, a
    heavy optional dependency) carries a comment on its line saying why."""
    silent = []
    for path, tree in _modules():
        lines = (ROOT / path).read_text().splitlines()
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(func):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    text = " ".join(lines[node.lineno - 1 : node.end_lineno])
                    if "#" not in text:
                        silent.append(f"{path}:{node.lineno} {ast.unparse(node)}")
    assert silent == []


def test_vulture_finds_no_dead_code():
    result = subprocess.run(
        [sys.executable, "-m", "vulture"],  # paths, exclusions and whitelist: pyproject.toml
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, ""), "vulture could not run: see stderr"
    assert result.stdout.splitlines() == [], (
        "Delete the dead code; a name only Django or a template uses goes in "
        "scripts/vulture_whitelist.py with a comment saying who uses it."
    )
