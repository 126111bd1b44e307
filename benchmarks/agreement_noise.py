"""How wrong are labels by extractor agreement? Measured where every block has a gold label.

``corpus:NAME:agreed`` labels the blocks a corpus leaves unlabelled by the unanimous verdict
of trafilatura, readability-lxml and jusText (:mod:`declutter.training.agreement`). This
script applies the same rule to every block of fully labelled dev pages and counts, per
corpus, how the agreement labels fall on the gold labels::

    python benchmarks/agreement_noise.py --corpora ../shared/corpora \\
        --only scrapinghub_aeb,dragnet,cleaneval --pages 40

Only dev parts are read. Blocks are counted, and characters in brackets.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from declutter.html import page_blocks
from declutter.kinds import CONTENT, INSERT
from declutter.training import corpora
from declutter.training.agreement import agreement_labels, extractor_versions

GOLD_CORPORA = (
    "scrapinghub_aeb",
    "dragnet",
    "cleaneval",
    "readability_tests",
    "postlight_fixtures",
)


def measure(corpus: str, root: Path, pages: int) -> dict[str, int]:
    """Counts of (gold, agreement) label pairs over the first ``pages`` dev pages, in blocks
    and in characters (keys ``"gold->agreed"`` and ``"gold->agreed chars"``)."""
    counts: Counter[str] = Counter()
    for k, page in enumerate(corpora.load_pages(corpus, root)):
        if k >= pages:
            break
        blocks = page_blocks(page.html)
        if not blocks:
            continue
        gold = corpora.block_labels(page, blocks)
        agreed = agreement_labels(page.html, blocks)
        for block, g, a in zip(blocks, gold, agreed, strict=True):
            key = f"{g or 'none'}->{a or 'none'}"
            counts[key] += 1
            counts[key + " chars"] += len(block.text)
        counts["pages"] += 1
    return dict(counts)


def _row(corpus: str, c: dict[str, int]) -> str:
    def pair(g: str, a: str) -> int:
        return c.get(f"{g}->{a}", 0)

    said_insert = pair(INSERT, INSERT) + pair(CONTENT, INSERT)
    said_content = pair(CONTENT, CONTENT) + pair(INSERT, CONTENT)
    wrong_insert = pair(CONTENT, INSERT) / said_insert if said_insert else 0.0
    wrong_content = pair(INSERT, CONTENT) / said_content if said_content else 0.0
    gold_inserts = sum(pair(INSERT, a) for a in (INSERT, CONTENT, "none"))
    gold_content = sum(pair(CONTENT, a) for a in (INSERT, CONTENT, "none"))
    return (
        f"| {corpus} | {c.get('pages', 0)} | {pair(INSERT, INSERT):,} | {pair(CONTENT, INSERT):,} "
        f"({wrong_insert:.1%}) | {pair(CONTENT, CONTENT):,} | {pair(INSERT, CONTENT):,} "
        f"({wrong_content:.1%}) | {pair(INSERT, INSERT) / max(gold_inserts, 1):.2f} | "
        f"{pair(CONTENT, CONTENT) / max(gold_content, 1):.2f} |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, default=corpora.default_corpora_root())
    parser.add_argument("--only", default=",".join(GOLD_CORPORA), help="comma-separated corpora")
    parser.add_argument("--pages", type=int, default=40, help="first N dev pages of each")
    parser.add_argument("--json", type=Path, help="also write the counts here")
    args = parser.parse_args(argv)
    if args.corpora is None:
        parser.error("no corpora folder: pass --corpora PATH")
    versions = extractor_versions()
    print("extractors:", ", ".join(f"{k} {v}" for k, v in versions.items()))
    print()
    print("| corpus | pages | insert: right | insert: wrong (share) | content: right "
          "| content: wrong (share) | gold inserts covered | gold content covered |")  # fmt: skip
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    results = {}
    for corpus in args.only.split(","):
        results[corpus] = measure(corpus, args.corpora, args.pages)
        print(_row(corpus, results[corpus]), flush=True)
    if args.json:
        args.json.write_text(json.dumps({"versions": versions, "counts": results}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
