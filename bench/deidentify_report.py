"""What each part of the de-identification guard adds, measured on the labelled corpus.

Run from the project root: ``.venv/bin/python bench/deidentify_report.py``

Prints recall and precision (matching rule in tests/presentations/deidentify_corpus.py: a span
found by any overlapping finding, whatever its kind) for the full detector, then with each
detector removed in turn (the ablation), per kind, with the library-backed detectors swapped
for the plain regex one would write instead, and the time taken per case.
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from presentations.deidentify import DETECTORS, find_identifiers  # noqa: E402
from presentations.deidentify import _lexicon as lexicon  # noqa: E402
from tests.presentations.deidentify_corpus import (  # noqa: E402
    CORPUS,
    HELD_OUT_CLEAN,
    HELD_OUT_IDENTIFYING,
    gold_spans,
    score,
)

# What one would write without phonenumbers: the usual North American pattern.
_NAIVE_PHONE_RE = re.compile(
    r"(?<!\d)(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?!\d)"
)


def naive_phones(text):
    for m in _NAIVE_PHONE_RE.finditer(text):
        yield "phone", m.start(), m.end()


def runner(names):
    names = list(names)
    return lambda text: find_identifiers(text, detectors=names)


def line(label, result, base=None):
    delta = ""
    if base is not None:
        delta = (
            f"  (recall {result['recall'] - base['recall']:+.3f},"
            f" precision {result['precision'] - base['precision']:+.3f})"
        )
    return (
        f"{label:<34} recall {result['recall']:.3f}  precision {result['precision']:.3f}"
        f"  strict {result['recall_strict']:.3f}/{result['precision_strict']:.3f}"
        f"  findings {result['found']:>3}{delta}"
    )


def per_kind(find):
    totals: dict[str, list[int]] = {}
    for text, expected in CORPUS:
        found = find(text)
        for kind, start, end in gold_spans(text, expected):
            hit = any(f.start < end and start < f.end for f in found)
            totals.setdefault(kind, [0, 0])
            totals[kind][0] += hit
            totals[kind][1] += 1
    return totals


def main() -> None:
    all_names = list(DETECTORS)
    find_identifiers("warm up: Maria called 555-201-3344.")
    base = score(find_identifiers)
    held_out = score(find_identifiers, HELD_OUT_IDENTIFYING + HELD_OUT_CLEAN)
    identifying = sum(1 for _, e in CORPUS if e)
    print(
        f"Corpus: {len(CORPUS)} texts ({identifying} identifying, {len(CORPUS) - identifying} clean), "
        f"{base['expected']} expected identifiers\n"
    )
    print(line("full detector", base))
    print(line("  held-out part (see corpus notes)", held_out))

    print("\nAblation: each detector removed in turn")
    for name in all_names:
        result = score(runner(n for n in all_names if n != name))
        print(line(f"  without {name}", result, base))
    names_off = [n for n in all_names if not n.startswith("name_")]
    print(line("  without all three name detectors", score(runner(names_off)), base))
    only = {
        "  names: cues and titles only": [*names_off, "name_title", "name_cue"],
        "  names: dictionary only": [*names_off, "name_dictionary"],
    }
    for label, selected in only.items():
        print(line(label, score(runner(selected)), base))

    print("\nLibraries against the regex one would write instead")
    DETECTORS["phone_naive_regex"] = naive_phones
    try:
        swapped = [n if n != "phone" else "phone_naive_regex" for n in all_names]
        print(line("  phone: naive regex, not phonenumbers", score(runner(swapped)), base))
    finally:
        del DETECTORS["phone_naive_regex"]
    census = lexicon.first_names()
    real_names = lexicon.first_names
    swaps = {
        "  names: Census lists without supplement": census - lexicon.EXTRA_FIRST_NAMES,
        "  names: supplement only, no Census": lexicon.EXTRA_FIRST_NAMES,
    }
    try:
        for label, name_set in swaps.items():
            lexicon.first_names = lambda name_set=name_set: name_set
            print(line(label, score(find_identifiers), base))
    finally:
        lexicon.first_names = real_names
    print(
        f"  (first names loaded: {len(census)}, of which supplement {len(lexicon.EXTRA_FIRST_NAMES)})"
    )

    print("\nRecall per kind")
    for kind, (hit, total) in sorted(per_kind(find_identifiers).items()):
        print(f"  {kind:<14} {hit:>3}/{total:<3} {hit / total:.3f}")

    print("\nTiming (after warm-up)")
    per_case = []
    for text, _ in CORPUS:
        started = time.perf_counter()
        for _ in range(5):
            find_identifiers(text)
        per_case.append(((time.perf_counter() - started) / 5, len(text)))
    times = sorted(t for t, _ in per_case)
    print(
        f"  per corpus case ({statistics.mean(n for _, n in per_case):.0f} chars on average): "
        f"mean {statistics.mean(times) * 1000:.2f} ms, median {statistics.median(times) * 1000:.2f} ms, "
        f"p95 {times[int(len(times) * 0.95)] * 1000:.2f} ms, max {times[-1] * 1000:.2f} ms"
    )
    case = " ".join(text for text, _ in CORPUS)[:2000]
    runs = []
    for _ in range(20):
        started = time.perf_counter()
        find_identifiers(case)
        runs.append(time.perf_counter() - started)
    print(
        f"  2,000-character case: median {statistics.median(runs) * 1000:.1f} ms, "
        f"max {max(runs) * 1000:.1f} ms"
    )
    for name in all_names:
        detect = DETECTORS[name]
        started = time.perf_counter()
        for _ in range(20):
            list(detect(case))
        print(f"    {name:<16} {(time.perf_counter() - started) / 20 * 1000:6.2f} ms")


if __name__ == "__main__":
    main()
