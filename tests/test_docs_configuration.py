"""docs/configuration.md names every environment variable the settings read, and its table of
settings variables lists none that are no longer read."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = sorted((ROOT / "config" / "settings").glob("*.py"))
DOC = (ROOT / "docs" / "configuration.md").read_text()


def _constant(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _is_name(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _is_os_environ(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "environ" and _is_name(node.value, "os")


def variables_read(source: str) -> set[str]:
    """Names read from the environment: ``env("X")``, ``env.<cast>("X")``, ``os.environ["X"]``,
    ``os.environ.get("X")``, ``os.getenv("X")``."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        name = None
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            if (
                _is_name(func, "env")
                or (isinstance(func, ast.Attribute) and _is_name(func.value, "env"))
                or (
                    isinstance(func, ast.Attribute)
                    and func.attr in {"get", "setdefault"}
                    and _is_os_environ(func.value)
                )
                or (
                    isinstance(func, ast.Attribute)
                    and func.attr == "getenv"
                    and _is_name(func.value, "os")
                )
            ):
                name = _constant(node.args[0])
        elif isinstance(node, ast.Subscript) and _is_os_environ(node.value):
            name = _constant(node.slice)
        if name:
            found.add(name)
    return found


def _read_by_settings() -> dict[str, list[str]]:
    where: dict[str, list[str]] = {}
    for path in SETTINGS:
        for name in variables_read(path.read_text()):
            where.setdefault(name, []).append(path.name)
    return where


def _settings_table() -> set[str]:
    section = DOC.split("## Read by the Django settings", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", section, flags=re.MULTILINE))


def test_the_parser_sees_every_way_of_reading_the_environment():
    source = """
import os
a = env("A", default="")
b = env.bool("B", default=False)
c = env.list("C")
d = env.int("D", default=1)
e = env.str("E")
f = env.db("F")
g = os.environ["G"]
h = os.environ.get("H")
i = os.getenv("I", "x")
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
other.get("NOT_ENV")
"""
    assert variables_read(source) == set("ABCDEFGHI")


def test_the_settings_read_the_variables_this_test_expects_to_find():
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "EMAIL_URL", "SENTRY_DSN"} <= set(
        _read_by_settings()
    )


def test_every_variable_read_in_config_settings_is_documented():
    missing = {name: files for name, files in _read_by_settings().items() if f"`{name}`" not in DOC}
    assert missing == {}, "add these to docs/configuration.md"


def test_the_settings_table_lists_only_variables_the_settings_read():
    assert sorted(_settings_table() - set(_read_by_settings())) == []


def test_the_settings_table_lists_every_variable_the_settings_read():
    assert sorted(set(_read_by_settings()) - _settings_table()) == []
