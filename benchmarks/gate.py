"""Quality gate: declutter's quick-mode scores must not fall below the pinned floors.

``python benchmarks/gate.py check``  runs the quick subset for declutter alone and exits 1 if
any score is more than the tolerance below its floor in ``benchmarks/floors.json``.
``python benchmarks/gate.py update`` pins the current scores as the new floors, but refuses
(exit 1, naming them) if any would go down: a floor only ever rises, unless someone lowers
it on purpose and says why: ``update --lower-because "REASON"`` re-pins and appends the
reason, the date and every lowered floor (old and new value) to the file's ``lowered``
history, so that the exception stays in the record.

The floors are tied to the SHA-256 of the evaluation subset (page ids and gold). When the
subset changes (other pages, corrected gold), old floors no longer describe it: ``check``
says so and fails, and ``update --accept-new-data`` re-pins on purpose.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable instead
    _HERE = Path(__file__).resolve().parent
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
    sys.path.insert(0, str(_HERE.parent))

DEFAULT_FLOORS = Path(__file__).resolve().parent / "floors.json"
#: How far below a floor a score may fall before the gate fails (run-to-run noise).
DEFAULT_TOLERANCE = 0.01
DECLUTTER = "declutter"


class DataMismatch(Exception):
    """The floors were pinned on another evaluation subset than the one just scored."""


def declutter_scores(results: Mapping[str, Any]) -> dict[str, float]:
    """The scores the gate watches, flattened to ``task/corpus/metric`` names.

    Page and text F1 per corpus, and the text task's content recall (the number users care
    about most) and insert removal per corpus.
    """
    scores: dict[str, float] = {}
    for task in ("page", "text"):
        entry = results.get(task, {}).get(DECLUTTER)
        if not entry:
            continue
        for corpus, score in sorted(entry.get("corpora", {}).items()):
            scores[f"{task}/{corpus}/f1"] = float(score["f1"])
        for corpus, rates in sorted(entry.get("paragraphs", {}).items()):
            scores[f"{task}/{corpus}/content_recall"] = float(rates["content_recall"])
            scores[f"{task}/{corpus}/insert_removal"] = float(rates["insert_removal"])
    if not scores:
        raise ValueError("the results hold no declutter scores; was declutter among the tools?")
    return scores


def read_floors(path: Path) -> dict[str, Any] | None:
    """The floors file, or None when it does not exist yet."""
    if not path.is_file():
        return None
    doc = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(doc.get("floors"), dict) or "subset_sha256" not in doc:
        raise ValueError(f"{path} is not a floors file (needs 'floors' and 'subset_sha256')")
    return doc


def check_floors(
    scores: Mapping[str, float], floors_doc: Mapping[str, Any], digest: str
) -> list[str]:
    """Messages for every score below its floor minus the tolerance (empty: gate passes).

    Raises DataMismatch when the floors belong to another subset, and reports a pinned
    metric that is missing from the scores as a failure (a corpus silently dropped out).
    """
    if floors_doc["subset_sha256"] != digest:
        raise DataMismatch(
            f"the evaluation subset changed (sha256 {digest[:12]}... now, "
            f"{floors_doc['subset_sha256'][:12]}... when the floors were pinned): the floors "
            "do not apply to it. If the change is intended, re-pin with "
            "`python benchmarks/gate.py update --accept-new-data`."
        )
    tolerance = float(floors_doc.get("tolerance", DEFAULT_TOLERANCE))
    failures = []
    for name, floor in sorted(floors_doc["floors"].items()):
        if name not in scores:
            failures.append(f"{name}: pinned at {floor:.4f} but not measured in this run")
        elif scores[name] < floor - tolerance:
            failures.append(
                f"{name}: {scores[name]:.4f} is below its floor {floor:.4f} (tolerance {tolerance})"
            )
    return failures


def _round_down(value: float, places: int = 4) -> float:
    """Round toward zero so a pinned floor never exceeds the score it was taken from."""
    scale = 10**places
    return math.floor(value * scale) / scale


def raise_floors(
    scores: Mapping[str, float],
    floors_doc: Mapping[str, Any] | None,
    digest: str,
    *,
    accept_new_data: bool = False,
    lower_because: str | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
) -> tuple[dict[str, Any] | None, list[str]]:
    """New floors from ``scores`` and what they lower, or (None, reasons) when they would
    lower any floor and no reason was given.

    With ``accept_new_data`` the old floors are discarded when the subset changed (they
    measured other pages); otherwise a subset change is a refusal too. With
    ``lower_because`` (a non-empty reason) lower floors are pinned anyway and recorded.
    """
    old: Mapping[str, float] = {}
    if floors_doc is not None:
        if floors_doc["subset_sha256"] == digest:
            old = floors_doc["floors"]
        elif not accept_new_data:
            return None, [
                "the evaluation subset changed since the floors were pinned; pass "
                "--accept-new-data to re-pin on the new subset"
            ]
    new = {name: _round_down(value) for name, value in scores.items()}
    refusals = [
        f"{name}: {new.get(name, float('nan')):.4f} would lower the floor {floor:.4f}"
        if name in new
        else f"{name}: pinned at {floor:.4f} but not measured in this run"
        for name, floor in sorted(old.items())
        if name not in new or new[name] < floor
    ]
    if refusals and not (lower_because and lower_because.strip()):
        return None, refusals
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    history = list(floors_doc.get("lowered", [])) if floors_doc is not None else []
    lowered = {name: [floor, new[name]] for name, floor in sorted(old.items()) if name in new}
    lowered = {name: pair for name, pair in lowered.items() if pair[1] < pair[0]}
    if lowered:
        history.append({"date": now, "reason": str(lower_because).strip(), "floors": lowered})
    doc: dict[str, Any] = {
        "subset_sha256": digest,
        "tolerance": tolerance,
        "mode": "quick",
        "updated": now,
        "floors": dict(sorted(new.items())),
    }
    if history:
        doc["lowered"] = history
    return doc, refusals


def write_floors(path: Path, doc: Mapping[str, Any]) -> None:
    """Write the floors file (sorted, indented, trailing newline: stable diffs)."""
    path.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def quick_results(corpora_path: Path | None) -> dict[str, Any]:
    """Run the quick subset for declutter alone (no peers, no speed job): the first pages of
    the five older corpora's dev parts, because the gate decides on changes, and decisions
    may look at the dev part only (docs/splits.md)."""
    from benchmarks import evalsets, run
    from declutter.training.corpora import DEV

    root = evalsets.corpora_root(corpora_path)
    return run.run_benchmark(
        root, evalsets.DEFAULT_CORPORA, evalsets.QUICK_PAGES, [run.DECLUTTER], speed=False,
        log=run.stderr_log, split=DEV,
    )  # fmt: skip


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("check", "update"))
    parser.add_argument("--corpora", type=Path, default=None, help="folder holding the corpora")
    parser.add_argument("--floors", type=Path, default=DEFAULT_FLOORS, help="floors file")
    parser.add_argument(
        "--results",
        type=Path,
        default=None,
        help="use a saved quick-mode results JSON instead of running",
    )
    parser.add_argument(
        "--lower-because",
        metavar="REASON",
        default=None,
        help="update: pin even floors that go down, recording REASON in the floors file",
    )
    parser.add_argument(
        "--accept-new-data",
        action="store_true",
        help="update: re-pin even though the evaluation subset changed",
    )
    return parser.parse_args(argv)  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    """Check or update the floors; 0 on success, 1 on any failure or refusal."""
    args = parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.results is not None:
        results = json.loads(args.results.read_text(encoding="utf-8"))
    else:
        results = quick_results(args.corpora)
    scores, digest = declutter_scores(results), results["subset_sha256"]
    floors_doc = read_floors(args.floors)
    if args.action == "check":
        if floors_doc is None:
            print(f"no floors at {args.floors}; pin them with `gate.py update`", file=sys.stderr)
            return 1
        try:
            failures = check_floors(scores, floors_doc, digest)
        except DataMismatch as error:
            print(f"gate: {error}", file=sys.stderr)
            return 1
        for failure in failures:
            print(f"gate: below floor: {failure}", file=sys.stderr)
        if not failures:
            print(f"gate: all {len(floors_doc['floors'])} floors hold")
        return 1 if failures else 0
    new_doc, refusals = raise_floors(
        scores,
        floors_doc,
        digest,
        accept_new_data=args.accept_new_data,
        lower_because=args.lower_because,
    )
    if new_doc is None:
        for refusal in refusals:
            print(f"gate: refusing to update: {refusal}", file=sys.stderr)
        print('gate: to lower floors on purpose: update --lower-because "REASON"', file=sys.stderr)
        return 1
    for lowered in refusals:
        print(f"gate: lowered on purpose: {lowered}", file=sys.stderr)
    write_floors(args.floors, new_doc)
    print(f"gate: pinned {len(new_doc['floors'])} floors in {args.floors}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
