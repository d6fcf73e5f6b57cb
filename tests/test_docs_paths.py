"""The docs stay true about where things are: every repository path they name exists."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOP = (
    "config|members|groups|meetings|presentations|board|consultations|polls|portal|templates|static|"
    "tests|docs|bench|"
    "scripts|requirements|\\.ci"
)
# `groups/services/base.py`, `portal/views/`, `templates/emails/<name>.txt` (placeholders skipped)
PATH = re.compile(rf"`((?:{TOP})/[\w./-]*)`")
DOCS = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_path_a_doc_names_exists(doc):
    named = set(PATH.findall(doc.read_text()))
    missing = sorted(p for p in named if not (ROOT / p.rstrip("/")).exists())
    assert missing == [], f"{doc.name} names paths that do not exist"
