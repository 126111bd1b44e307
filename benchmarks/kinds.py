"""How often the kind declutter names a removed segment is the kind a reader would name.

Issue 14 asks for kinds that mean something on real pages, measured on at least 200 removed
segments labelled by hand. Two steps:

``python -m benchmarks.kinds sample --out /tmp/kinds.jsonl`` cleans the dev pages of the
evaluation-only corpora with ``clean_html`` and draws a fixed sample of removed segments
(the ones with the smallest SHA-256 of corpus, page and offsets, :data:`PER_CORPUS` a
corpus), each with its text and the kind the model gave, for a person to label.

``python -m benchmarks.kinds score`` reads the hand labels (:data:`LABELS`: corpus, page,
offsets, a hash of the segment's text and the label; no corpus text is kept in the
project), cleans those pages again with the model under test (``--model``) and reports the
share of segments whose kind matches, per kind and in all, and how many of them the model
no longer removes. A label is one of the insert kinds of :mod:`declutter.kinds` or
``content`` (a real paragraph the model removed: counted apart, not as a kind error).
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

import declutter
from declutter.kinds import CONTENT, INSERT_KINDS
from declutter.model import load_model
from declutter.training.corpora import default_corpora_root, load_pages

CORPORA = ("dragnet", "cleaneval", "googletrends2017")
PER_CORPUS = 70
LABELS = Path(__file__).resolve().parent / "kind_labels.jsonl"


def _key(corpus: str, page: str, start: int, end: int) -> str:
    return hashlib.sha256(f"{corpus}/{page}/{start}/{end}".encode()).hexdigest()


def text_sha(text: str) -> str:
    """The first 16 hex digits of the segment text's SHA-256: checks that offsets still
    point at the text that was labelled."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def removed_segments(
    corpus: str, root: Path, model: declutter.Model, ids: Sequence[str] | None = None
) -> Iterator[dict]:
    """Every removed segment of the corpus's dev pages (or the pages ``ids``), with what a
    labeller needs to see: the segments either side, and whether the gold text holds it."""
    for page in load_pages(corpus, root, ids=ids):
        result = declutter.clean_html(page.html, model=model)
        gold = " ".join((page.gold_text or "").split())
        segments = result.segments
        for number, segment in enumerate(segments):
            if not segment.removed:
                continue
            yield {
                "corpus": corpus,
                "page": page.id,
                "start": segment.start,
                "end": segment.end,
                "text": segment.text,
                "predicted": segment.kind,
                "before": segments[number - 1].text[:80] if number else "",
                "after": segments[number + 1].text[:80] if number + 1 < len(segments) else "",
                "in_gold": " ".join(segment.text.split()) in gold,
            }


def sample(
    root: Path,
    model: declutter.Model,
    per_corpus: int = PER_CORPUS,
    offset: int = 0,
    exclude: Sequence[dict] = (),
) -> list[dict]:
    """The fixed sample: per corpus, the removed segments with the smallest keys, from the
    ``offset``-th on, leaving out the segments of the labels ``exclude`` (by offsets or by
    text: a later model may remove a labelled segment at other offsets)."""
    labelled = {(e["corpus"], e["page"], e["start"], e["end"]) for e in exclude}
    labelled_text = {(e["corpus"], e["page"], e["text_sha"]) for e in exclude}
    chosen: list[dict] = []
    for corpus in CORPORA:
        segments = [
            s
            for s in removed_segments(corpus, root, model)
            if (corpus, s["page"], s["start"], s["end"]) not in labelled
            and (corpus, s["page"], text_sha(s["text"])) not in labelled_text
        ]
        segments.sort(key=lambda s: _key(s["corpus"], s["page"], s["start"], s["end"]))
        chosen.extend(segments[offset : offset + per_corpus])
    return chosen


def score(labels: list[dict], root: Path, model: declutter.Model) -> dict:
    """Kind accuracy of ``model`` on the hand-labelled segments."""
    found: dict[tuple[str, str, int, int], dict] = {}
    for corpus in sorted({label["corpus"] for label in labels}):
        ids = sorted({label["page"] for label in labels if label["corpus"] == corpus})
        for segment in removed_segments(corpus, root, model, ids):
            found[(corpus, segment["page"], segment["start"], segment["end"])] = segment
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    confusion: Counter[tuple[str, str]] = Counter()
    content = kept = 0
    for label in labels:
        if label["label"] == CONTENT:
            content += 1
            continue
        segment = found.get((label["corpus"], label["page"], label["start"], label["end"]))
        if segment is None or text_sha(segment["text"]) != label["text_sha"]:
            kept += 1  # no longer removed (or removed with other offsets)
            continue
        total[label["label"]] += 1
        right[label["label"]] += segment["predicted"] == label["label"]
        confusion[(label["label"], segment["predicted"])] += 1
    judged = sum(total.values())
    return {
        "segments": len(labels),
        "labelled_content": content,
        "no_longer_removed": kept,
        "judged": judged,
        "accuracy": round(sum(right.values()) / judged, 4) if judged else None,
        "per_kind": {k: [right[k], total[k]] for k in sorted(total)},
        "confusion": {f"{gold} -> {guess}": n for (gold, guess), n in confusion.most_common()},
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("step", choices=("sample", "score"))
    parser.add_argument("--corpora", type=Path, default=None, help="folder holding the corpora")
    parser.add_argument("--model", default=None, help="model directory (default: shipped)")
    parser.add_argument("--out", type=Path, help="sample: where to write the segments")
    parser.add_argument(
        "--per-corpus", type=int, default=PER_CORPUS, help="sample: segments per corpus"
    )
    parser.add_argument(
        "--offset", type=int, default=0, help="sample: skip this many per corpus (a new sample)"
    )
    parser.add_argument(
        "--exclude", type=Path, action="append", default=[], help="sample: labels to leave out"
    )
    parser.add_argument("--labels", type=Path, default=LABELS, help="score: the hand labels")
    args = parser.parse_args(argv)
    root = args.corpora or default_corpora_root()
    if root is None:
        parser.error("no corpora folder found: pass --corpora PATH")
    model = load_model(args.model)
    if args.step == "sample":
        if args.out is None:
            parser.error("sample needs --out FILE")
        with args.out.open("w", encoding="utf-8") as out:
            exclude = [json.loads(x) for f in args.exclude for x in f.read_text().splitlines()]
            for segment in sample(root, model, args.per_corpus, args.offset, exclude):
                out.write(json.dumps(segment, ensure_ascii=False) + "\n")
        return 0
    labels = [json.loads(line) for line in args.labels.read_text().splitlines() if line.strip()]
    unknown = {label["label"] for label in labels} - {*INSERT_KINDS, CONTENT}
    if unknown:
        parser.error(f"unknown labels in {args.labels}: {', '.join(sorted(unknown))}")
    print(json.dumps(score(labels, root, model), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
