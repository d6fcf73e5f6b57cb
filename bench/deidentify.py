"""Timing and corpus figures of the de-identification guard (presentations.deidentify).

Run from the project root:

    .venv/bin/python bench/deidentify.py            # timing of a 2,000-character case
    .venv/bin/python bench/deidentify.py --report   # also recall/precision per corpus,
                                                    # per kind and per detector (Markdown)

The matching rule is the one in tests/presentations/deidentify_corpus.py: an expected span is
found when any finding overlaps it; a finding is correct when it overlaps an expected span.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from presentations.deidentify import DETECTORS, find_identifiers  # noqa: E402
from tests.presentations.deidentify_corpus import CORPUS, gold_spans, score  # noqa: E402
from tests.presentations.deidentify_corpus_heldout import (  # noqa: E402
    HELD_OUT,
    HELD_OUT_A,
    HELD_OUT_B,
    HELD_OUT_C,
)
from tests.presentations.deidentify_corpus_tuning import TUNING  # noqa: E402

CORPORA = {
    "original (issue 9) corpus": CORPUS,
    "issue 13 tuning corpus": TUNING,
    "issue 13 held-out part A": HELD_OUT_A,
    "issue 13 held-out part B": HELD_OUT_B,
    "issue 13 held-out part C": HELD_OUT_C,
    "issue 13 held-out, A, B and C": HELD_OUT,
}


def timing() -> None:
    case = " ".join(text for text, _ in TUNING + CORPUS)[:2000]
    started = time.perf_counter()
    find_identifiers(case)
    cold = time.perf_counter() - started
    runs = []
    for _ in range(30):
        started = time.perf_counter()
        find_identifiers(case)
        runs.append(time.perf_counter() - started)
    print(
        f"2,000-character case: first call (loads the word lists) {cold * 1000:.0f} ms; then "
        f"median {statistics.median(runs) * 1000:.1f} ms, max {max(runs) * 1000:.1f} ms "
        f"over {len(runs)} runs"
    )


def _row(label: str, result: dict, corpus) -> str:
    identifying = sum(1 for _, expected in corpus if expected)
    return (
        f"| {label} | {len(corpus)} ({identifying} identifying) | {result['expected']} "
        f"| {result['recall']:.3f} | {result['precision']:.3f} "
        f"| {result['recall_strict']:.3f} / {result['precision_strict']:.3f} |"
    )


def _only(names):
    names = list(names)
    return lambda text: find_identifiers(text, detectors=names)


def report() -> None:
    print("\n### Recall and precision\n")
    print("| corpus | texts | identifiers | recall | precision | kind-strict recall / precision |")
    print("|---|---|---|---|---|---|")
    for label, corpus in CORPORA.items():
        print(_row(label, score(find_identifiers, corpus), corpus))

    everything = CORPUS + TUNING + HELD_OUT
    print("\n### Recall per kind (all corpora)\n")
    print("| kind | found / expected | recall |")
    print("|---|---|---|")
    totals: dict[str, list[int]] = {}
    for text, expected in everything:
        found = find_identifiers(text)
        for kind, start, end in gold_spans(text, expected):
            hit = any(f.start < end and start < f.end for f in found)
            totals.setdefault(kind, [0, 0])
            totals[kind][0] += hit
            totals[kind][1] += 1
    for kind, (hit, total) in sorted(totals.items()):
        print(f"| {kind} | {hit} / {total} | {hit / total:.3f} |")

    print("\n### Per detector (all corpora)\n")
    print(
        "Findings each detector makes on its own (correct = overlaps an expected span), and "
        "what recall and precision become when it alone is removed.\n"
    )
    print("| detector | findings alone | correct | recall without it | precision without it |")
    print("|---|---|---|---|---|")
    for name in DETECTORS:
        alone = score(_only([name]), everything)
        without = score(_only(n for n in DETECTORS if n != name), everything)
        correct = round(alone["precision"] * alone["found"])
        print(
            f"| {name} | {alone['found']} | {correct} | {without['recall']:.3f} "
            f"| {without['precision']:.3f} |"
        )
    full = score(find_identifiers, everything)
    print(
        f"| (all detectors) | {full['found']} | | {full['recall']:.3f} | {full['precision']:.3f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", action="store_true", help="also print the corpus figures")
    args = parser.parse_args()
    timing()
    if args.report:
        report()


if __name__ == "__main__":
    main()
