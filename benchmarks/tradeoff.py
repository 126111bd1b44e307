"""Compare models at the same content recall: the text task's trade-off curve, side by side.

A retrain moves its thresholds, so two models' default figures sit at different points of
the content-kept / boilerplate-removed curve and cannot be compared directly. This script
scores the text task (the article region and 3 blocks either side, as ``benchmarks/run.py``
and the gate build it) of the dev parts with each model at threshold 1.0 (nothing cut),
re-thresholds the line scores, and reports, for each model and corpus, boilerplate blocks
removed at the threshold where content characters kept first reach each target::

    python -m benchmarks.tradeoff models/default /tmp/candidate --corpora ../shared/corpora \\
        --only dragnet,cleaneval,googletrends2017

Also given: the model's own text threshold and what it keeps and removes there, and with
``--thresholds 0.9,0.92`` the macro figures (mean over the corpora) at fixed thresholds, to
see where a threshold would put a model against the floors. Dev parts only (this is a tool
for choosing models, so what it reads is development data).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

import declutter
from declutter.model import load_model
from declutter.training.corpora import default_corpora_root, load_pages

from .evalsets import text_document
from .metrics import Overlap, ScoredSpan, overlaps

TARGETS = (0.99, 0.985, 0.98, 0.97)
DEFAULT_CORPORA = ("dragnet", "cleaneval", "googletrends2017")


def block_score(found: Sequence[Overlap]) -> float:
    """The highest threshold at which more than half of a block's characters are removed
    (the benchmark's rule for a removed block): removed at ``t`` iff ``t <= block_score``."""
    total = sum(item.chars for item in found)
    removed = 0
    for item in sorted(found, key=lambda item: -item.score):
        removed += item.chars
        if removed * 2 > total:
            return item.score
    return 0.0


def scored_blocks(model_dir: str, corpus: str, root: Path) -> dict[str, np.ndarray]:
    """Per labelled block of the corpus's dev text task: whether it is an insert, its
    characters, and its block score (:func:`block_score`)."""
    model = load_model(model_dir)
    labels, chars, scores = [], [], []
    for page in load_pages(corpus, root):
        doc = text_document(page)
        if doc is None:
            continue
        cleaned = declutter.clean(doc.text, model=model, threshold=1.0)
        spans = [ScoredSpan(s.start, s.end, float(s.score)) for s in cleaned.segments]
        for paragraph in doc.paragraphs:
            if paragraph.label not in ("content", "insert"):
                continue
            found = overlaps(doc.text, [paragraph], spans)
            if not found:
                continue
            labels.append(paragraph.label == "insert")
            chars.append(sum(item.chars for item in found))
            scores.append(block_score(found))
    return {"insert": np.array(labels), "chars": np.array(chars), "score": np.array(scores)}


def rates(blocks: dict[str, np.ndarray], threshold: float) -> tuple[float, float, float]:
    """Content characters kept, content blocks kept, insert blocks removed (a block counts
    whole: the characters of a kept block are kept)."""
    removed = blocks["score"] >= threshold
    content = ~blocks["insert"]
    chars = blocks["chars"]
    kept_chars = chars[content & ~removed].sum() / max(chars[content].sum(), 1)
    kept_blocks = (content & ~removed).sum() / max(content.sum(), 1)
    removed_inserts = (blocks["insert"] & removed).sum() / max(blocks["insert"].sum(), 1)
    return float(kept_chars), float(kept_blocks), float(removed_inserts)


def at_target(blocks: dict[str, np.ndarray], target: float) -> tuple[float, float, float, float]:
    """The lowest threshold whose content characters kept reach ``target``, and its rates."""
    for t in np.round(np.arange(0.05, 1.0001, 0.005), 3):
        kept_chars, kept_blocks, removed = rates(blocks, float(t))
        if kept_chars >= target:
            return float(t), kept_chars, kept_blocks, removed
    return 1.0, *rates(blocks, 1.0)


def _thresholds(value: str) -> tuple[float, ...]:
    try:
        found = tuple(float(part) for part in value.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a comma-separated list of numbers: {value!r}"
        ) from None
    if not all(0.0 < t <= 1.0 for t in found):
        raise argparse.ArgumentTypeError(f"thresholds must lie in (0, 1]: {value!r}")
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="+", help="model directories")
    parser.add_argument("--corpora", type=Path, default=default_corpora_root())
    parser.add_argument("--only", default=",".join(DEFAULT_CORPORA))
    parser.add_argument("--json", type=Path, help="also write the table's numbers here")
    parser.add_argument(
        "--thresholds",
        type=_thresholds,
        default=(),
        help="comma-separated thresholds in (0, 1] to report macro figures at",
    )
    args = parser.parse_args(argv)
    if args.corpora is None:
        parser.error("no corpora folder: pass --corpora PATH")
    corpora = args.only.split(",")
    out: dict[str, dict] = {}
    print("| model | corpus | own threshold: chars kept / blocks kept / removed | "
          + " | ".join(f"removed at chars kept {t}" for t in TARGETS) + " |")  # fmt: skip
    print("| --- | --- | --- | " + " | ".join("---:" for _ in TARGETS) + " |")
    for model_dir in args.models:
        own = load_model(model_dir).threshold
        every: list[dict[str, np.ndarray]] = []
        for corpus in corpora:
            blocks = scored_blocks(model_dir, corpus, args.corpora)
            every.append(blocks)
            mine = rates(blocks, own)
            targets = {t: at_target(blocks, t) for t in TARGETS}
            out.setdefault(model_dir, {})[corpus] = {"own": [own, *mine], "targets": targets}
            cells = " | ".join(
                f"{r[3]:.3f} (t {r[0]}, blocks {r[2]:.3f})" for r in targets.values()
            )
            print(f"| {Path(model_dir).name} | {corpus} | {own}: {mine[0]:.4f} / {mine[1]:.3f} / "
                  f"{mine[2]:.3f} | {cells} |", flush=True)  # fmt: skip
        out[model_dir]["threshold"] = own
        out[model_dir]["macro"] = {
            t: [float(x) for x in np.mean([rates(blocks, t) for blocks in every], axis=0)]
            for t in (own, *args.thresholds)
        }
    print("\n| model | threshold | macro chars kept | blocks kept | boilerplate removed |")
    print("| --- | --- | ---: | ---: | ---: |")
    for model_dir, found in out.items():
        own = found["threshold"]
        for t, (chars, blocks, removed) in found["macro"].items():
            print(f"| {Path(model_dir).name} | {t}{' (own)' if t == own else ''} | "
                  f"{chars:.4f} | {blocks:.3f} | {removed:.3f} |")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
