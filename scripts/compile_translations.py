"""Compile every translation catalogue (``locale/<lang>/LC_MESSAGES/django.po``) to the
``django.mo`` Django reads, in pure Python (polib), so running the site needs no GNU gettext.

Run by `make run`, `make test` and the Docker build; a catalogue is compiled again only when its
``.po`` is newer than its ``.mo``. ``--check`` compiles nothing and exits 1 when one is stale.
Usage: python scripts/compile_translations.py [--check]
"""

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def catalogues() -> list[Path]:
    return sorted((ROOT / "locale").glob("*/LC_MESSAGES/*.po"))


def stale(po: Path) -> bool:
    mo = po.with_suffix(".mo")
    return not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime


def main(argv: list[str]) -> int:
    check = "--check" in argv
    outdated = [po for po in catalogues() if stale(po)]
    if check:
        for po in outdated:
            print(f"{po.relative_to(ROOT)} is not compiled: run scripts/compile_translations.py")
        return 1 if outdated else 0
    for po in outdated:
        polib.pofile(str(po)).save_as_mofile(str(po.with_suffix(".mo")))
        print(f"Compiled {po.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
