"""The layering contract in .importlinter: apps import only the apps below them."""

from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent


def test_apps_import_only_downwards(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=str(ROOT / ".importlinter"), no_cache=True) == 0, (
        "An import goes against members <- groups <- meetings <- presentations <- portal; "
        "run `.venv/bin/lint-imports` to see which. A page that needs several apps belongs in "
        "portal/."
    )
