"""Is a block of promotional lines inside a real article removed whole, and nothing around it?

Issue 14 asks that a block of consecutive promotional lines inside an article be removed
whole in at least 95 % of cases written after the model is frozen, from real article text
of the corpora's test parts and insert wording that is not in the training data, with no
article line around it lost. This builds those cases at run time, so that no corpus text
is kept in the project:

* **articles**: the gold text of the evaluation-only corpora (dragnet, cleaneval,
  googletrends2017; never trained on), test part by default. An article is the page's gold
  lines of at least :data:`MIN_PROSE_CHARS` characters (its prose paragraphs: titles,
  bylines and captions left out), at most :data:`MAX_PARAGRAPHS` of them, from pages that
  have at least :data:`MIN_PARAGRAPHS` and are in Latin script; the first
  :data:`PER_CORPUS` such pages of each corpus by the SHA-256 of ``corpus:id``;
* **blocks**: :data:`BLOCKS` (``promo_blocks.jsonl``): twelve blocks of three to five lines
  in our own wording (a webinar, a newsletter, a guide, a paywall, a teaser list, ...);
  ``tests/test_case_wording.py`` checks that none of their lines is in the training data;
* **a case**: article ``i`` with block ``i mod 12`` put after its middle paragraph, one
  paragraph per line with blank lines between them, cleaned by ``declutter.clean`` at the
  model's own threshold.

Reported, per corpus and in all: blocks removed whole (every line of the block removed),
block lines removed, cases where an article paragraph was lost (and where the paragraph
just before or after the block was), and article characters lost. A paragraph counts as
removed when most of its characters are, as ``declutter evaluate`` counts it.

``python -m benchmarks.promo_blocks --corpora ../shared/corpora`` (test part: final figures
only; ``--split dev`` to look at cases while developing).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from declutter.model import load_model
from declutter.training.corpora import DEV, TEST, default_corpora_root, load_pages
from declutter.training.data import LabelledDocument, LabelledParagraph
from declutter.training.evaluation import clean_labelled, paragraph_decisions

CORPORA = ("dragnet", "cleaneval", "googletrends2017")
BLOCKS = Path(__file__).resolve().parent / "promo_blocks.jsonl"
PER_CORPUS = 20
MIN_PROSE_CHARS = 80
MIN_PARAGRAPHS = 4
MAX_PARAGRAPHS = 10
#: Share of an article's letters that must be Latin (ASCII or Latin-1/Extended) letters:
#: the blocks are English, and an English block inside a Chinese page tests nothing real.
MIN_LATIN_SHARE = 0.9


@dataclass(frozen=True)
class Case:
    """One article with one block inserted after its middle paragraph."""

    corpus: str
    page: str
    block: str
    document: LabelledDocument
    #: Paragraph indexes of the block's lines in ``document``.
    block_rows: tuple[int, ...]


def read_blocks(path: Path = BLOCKS) -> list[dict[str, Any]]:
    """The promotional blocks: id, kind and lines."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _latin(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c <= "\u024f" for c in letters) / len(letters) >= MIN_LATIN_SHARE


def article_paragraphs(gold: str) -> list[str] | None:
    """The prose paragraphs of a gold text, or None when it has too few or is not Latin."""
    lines = [" ".join(line.split()) for line in gold.splitlines()]
    prose = [line for line in lines if len(line) >= MIN_PROSE_CHARS]
    if len(prose) < MIN_PARAGRAPHS or not _latin(" ".join(prose)):
        return None
    return prose[:MAX_PARAGRAPHS]


def build_case(corpus: str, page: str, article: list[str], block: dict[str, Any]) -> Case:
    """The article with the block after its middle paragraph, as a labelled document."""
    middle = len(article) // 2
    paragraphs = [LabelledParagraph(text, "content") for text in article[:middle]]
    paragraphs += [LabelledParagraph(line, "insert", block["kind"]) for line in block["lines"]]
    paragraphs += [LabelledParagraph(text, "content") for text in article[middle:]]
    rows = tuple(range(middle, middle + len(block["lines"])))
    doc = LabelledDocument(f"{corpus}:{page}+{block['id']}", corpus, tuple(paragraphs))
    return Case(corpus, page, block["id"], doc, rows)


def build_cases(root: Path, split: str, per_corpus: int = PER_CORPUS) -> list[Case]:
    """:data:`PER_CORPUS` cases per corpus, articles in SHA-256 order of ``corpus:id``."""
    blocks = read_blocks()
    cases: list[Case] = []
    for corpus in CORPORA:
        pages = sorted(
            load_pages(corpus, root, split=split),
            key=lambda p: hashlib.sha256(f"{corpus}:{p.id}".encode()).digest(),
        )
        chosen = 0
        for page in pages:
            article = article_paragraphs(page.gold_text or "")
            if article is None:
                continue
            cases.append(build_case(corpus, page.id, article, blocks[len(cases) % len(blocks)]))
            chosen += 1
            if chosen == per_corpus:
                break
    return cases


def score_case(case: Case, decisions: Sequence[tuple[int, bool, int]]) -> dict[str, Any]:
    """What cleaning did to one case's block and to the article around it."""
    block = set(case.block_rows)
    first, last = min(block), max(block)
    article = [
        (row, removed, chars)
        for row, (_, removed, chars) in enumerate(decisions)
        if row not in block
    ]
    lost = [row for row, removed, _ in article if removed]
    return {
        "case": case.document.id,
        "block_lines": len(block),
        "block_removed": sum(decisions[row][1] for row in block),
        "article_paragraphs": len(article),
        "article_lost": len(lost),
        "neighbour_lost": any(row in (first - 1, last + 1) for row in lost),
        "article_chars": sum(chars for _, _, chars in article),
        "article_chars_lost": sum(chars for _, removed, chars in article if removed),
    }


def summarise(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Totals over some scored cases."""
    whole = sum(r["block_removed"] == r["block_lines"] for r in rows)
    chars = sum(r["article_chars"] for r in rows)
    return {
        "cases": len(rows),
        "blocks_removed_whole": whole,
        "share_removed_whole": round(whole / len(rows), 4) if rows else None,
        "block_lines_removed": sum(r["block_removed"] for r in rows),
        "block_lines": sum(r["block_lines"] for r in rows),
        "cases_with_article_loss": sum(r["article_lost"] > 0 for r in rows),
        "cases_with_neighbour_loss": sum(r["neighbour_lost"] for r in rows),
        "article_chars_kept": round(1 - sum(r["article_chars_lost"] for r in rows) / chars, 4)
        if chars
        else None,
    }


def run(root: Path, split: str, model_dir: str | None = None) -> dict[str, Any]:
    """Build the cases, clean them, score them: per case, per corpus and in all."""
    model = load_model(model_dir)
    cases = build_cases(root, split)
    results = clean_labelled(model, [case.document for case in cases])
    rows = []
    for case, result in zip(cases, results, strict=True):
        row = score_case(case, paragraph_decisions(case.document, result))
        rows.append({**row, "removed": [segment.text[:60] for segment in result.removed]})
    per_corpus = {c: [r for r in rows if r["case"].startswith(c + ":")] for c in CORPORA}
    return {
        "split": split,
        "model_sha256": model.sha256,
        "threshold": model.threshold,
        "all": summarise(rows),
        "corpora": {corpus: summarise(found) for corpus, found in per_corpus.items()},
        "cases": rows,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the cases and print the summary (``--out FILE``: every case as JSON too)."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=None, help="folder holding the corpora")
    parser.add_argument("--split", choices=(DEV, TEST), default=TEST,
                        help="part of each corpus the articles come from (test: final "
                        "figures only)")  # fmt: skip
    parser.add_argument("--model", default=None, help="model directory (default: shipped)")
    parser.add_argument("--out", type=Path, default=None, help="write every case here (JSON)")
    args = parser.parse_args(argv)
    root = args.corpora or default_corpora_root()
    if root is None or not Path(root).is_dir():
        print("promo_blocks: no corpora folder; pass --corpora PATH", file=sys.stderr)
        return 2
    report = run(Path(root), args.split, args.model)
    if args.out is not None:
        args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    summary = {key: report[key] for key in ("split", "model_sha256", "threshold", "all")}
    print(json.dumps({**summary, "corpora": report["corpora"]}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
