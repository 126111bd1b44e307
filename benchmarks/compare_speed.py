"""Is this checkout slower than another revision? ``clean`` and ``clean_html`` side by side.

``python -m benchmarks.compare_speed REV [--corpora PATH] [--pages 120] [--rounds 2]``

Issue 14 asks that ``clean`` and ``clean_html`` stay no slower per document than before,
measured side by side in one run. This checks ``REV`` out into a temporary git worktree and
alternates rounds: in each, ``REV``'s declutter and this checkout's are timed, each in a
fresh process that imports its own package and loads its own shipped model, on the same
inputs: the first ``--pages`` dev pages (by id) of dragnet, cleaneval and googletrends2017,
as pages (``clean_html``) and as their blocks' text, one line a block (``clean``). Per
document the median of three calls after a warm-up; the table gives each round's total and
median, so the run-to-run noise stands beside the difference.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from benchmarks import evalsets

CORPORA = ("dragnet", "cleaneval", "googletrends2017")
REPO = Path(__file__).resolve().parent.parent

#: What each side runs: only names both old and new checkouts have (the public API, the
#: corpus loader and ``prepare_html``), so that any revision since the splits can be timed.
_CHILD = r"""
import json, statistics, sys, time
from pathlib import Path
import declutter
from declutter.core import prepare_html
from declutter.training.corpora import load_pages
root, count, corpora = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3].split(",")
pages = [p for c in corpora for p in sorted(load_pages(c, root), key=lambda p: p.id)[:count]]
htmls = [p.html for p in pages]
texts = ["\n".join(u.text for u in prepare_html(h).units if not u.piece) for h in htmls]
model = declutter.load_model()
out = {"package": declutter.__file__, "model": model.sha256[:12]}
tasks = (("clean", declutter.clean, texts), ("clean_html", declutter.clean_html, htmls))
for name, call, docs in tasks:
    call(docs[0])
    per_doc = []
    for doc in docs:
        timings = []
        for _ in range(3):
            started = time.perf_counter()
            call(doc)
            timings.append(time.perf_counter() - started)
        per_doc.append(statistics.median(timings))
    out[name] = {"docs": len(docs), "total_s": sum(per_doc),
                 "median_ms": 1000 * statistics.median(per_doc)}
print(json.dumps(out))
"""


def time_side(checkout: Path, corpora_root: Path, pages: int) -> dict:
    """One side's timings, in a fresh process that imports ``checkout``'s declutter."""
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(corpora_root.resolve()), str(pages), ",".join(CORPORA)],
        cwd=checkout, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"timing {checkout} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def table(rows: Sequence[tuple[str, int, dict]]) -> str:
    """Markdown: one row per side and round, totals and medians of both functions."""
    lines = [
        "| side | round | model | docs | clean total s | clean median ms "
        "| clean_html total s | clean_html median ms |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for side, number, found in rows:
        text, page = found["clean"], found["clean_html"]
        lines.append(
            f"| {side} | {number} | {found['model']} | {text['docs']} | {text['total_s']:.2f} "
            f"| {text['median_ms']:.2f} | {page['total_s']:.2f} | {page['median_ms']:.2f} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("rev", help="the git revision to compare with (e.g. a commit or a tag)")
    parser.add_argument("--corpora", type=Path, default=None,
                        help="folder holding the corpora (default: $DECLUTTER_CORPORA or "
                        "../shared/corpora)")  # fmt: skip
    parser.add_argument("--pages", type=int, default=120, help="dev pages per corpus")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of both sides")
    args = parser.parse_args(argv)
    try:
        corpora_root = evalsets.corpora_root(args.corpora)
    except FileNotFoundError as error:
        parser.error(str(error))
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        old = Path(folder) / "old"
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "-q", str(old),
                        args.rev], check=True)  # fmt: skip
        try:
            for number in range(1, args.rounds + 1):
                for side, checkout in ((args.rev, old), ("this checkout", REPO)):
                    print(f"round {number}: {side}", file=sys.stderr, flush=True)
                    rows.append((side, number, time_side(checkout, corpora_root, args.pages)))
        finally:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(old)],
                           check=False)  # fmt: skip
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
