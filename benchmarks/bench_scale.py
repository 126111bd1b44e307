"""Throughput at scale: one by one vs batched, 1 vs 2 worker processes, Dask 1 vs 2 workers.

``python benchmarks/bench_scale.py [--docs 600] [--repeats 3] [--corpora PATH]``

Documents are real: the scrapinghub_aeb pages of ``../shared/corpora``, labelled and cut to
their article window (3 blocks either side) and rendered as plain text, the way a scraper hands
text to :func:`declutter.clean`; the raw pages for the HTML rows. Without the corpora the text
of ``examples/article.txt`` is used. The set is cycled to ``--docs`` documents.

Every figure is the median of ``--repeats`` timed runs after one untimed warm-up run, so worker
start-up and model loading (paid once by a long job) are not counted. Results go to
``benchmarks/results/scale.md`` with the command, versions, core count and the machine's
load average at the start: on a shared machine, other work slows every row.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shlex
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from declutter.batch import clean_html_many, clean_many
from declutter.core import clean, clean_html
from declutter.model import load_model

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results" / "scale.md"
CORPUS = "scrapinghub_aeb"
WINDOW = 3


def log(message: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- documents


def corpus_documents(root: Path | None) -> tuple[list[str], list[bytes], str]:
    """Rendered article-window texts and raw pages of the corpus, or the example article."""
    if root is not None and (root / CORPUS).is_dir():
        from declutter.training.corpora import load_corpus, load_pages

        # all pages, dev and test parts: only speed is measured here, and the documented
        # rates were measured on all 131 pages
        texts = [doc.render()[0] for doc in load_corpus(CORPUS, root, window=WINDOW, split="all")]
        pages = [page.html for page in load_pages(CORPUS, root, split="all")]
        described = f"{CORPUS}: {len(texts)} texts (window={WINDOW}), {len(pages)} pages"
        return texts, pages, described
    text = (REPO / "examples" / "article.txt").read_text(encoding="utf-8")
    page = "".join(f"<p>{line}</p>" for line in text.splitlines())
    return [text], [f"<html><body>{page}</body></html>".encode()], "examples/article.txt"


def cycle(items: Sequence[Any], count: int) -> list[Any]:
    return [items[i % len(items)] for i in range(count)]


# --------------------------------------------------------------------------- timing


def median_rate(run: Callable[[], int], repeats: int) -> tuple[float, float]:
    """Documents per second and this process's CPU milliseconds per document (medians).

    The CPU figure does not depend on how busy the machine is, so it shows what batching
    saves even when other jobs share the cores; it is meaningless when workers do the work.
    """
    run()
    rates, cpu = [], []
    for _ in range(repeats):
        started, started_cpu = time.perf_counter(), time.process_time()
        done = run()
        rates.append(done / (time.perf_counter() - started))
        cpu.append(1000 * (time.process_time() - started_cpu) / done)
    return statistics.median(rates), statistics.median(cpu)


def one_by_one(function: Callable[[Any], Any], docs: Sequence[Any]) -> Callable[[], int]:
    def run() -> int:
        for doc in docs:
            function(doc)
        return len(docs)

    return run


def batched(many: Callable[..., Any], docs: Sequence[Any], **options: Any) -> Callable[[], int]:
    def run() -> int:
        return sum(1 for _ in many(docs, **options))

    return run


def dask_rate(
    texts: Sequence[str], workers: int, repeats: int, partitions: int
) -> tuple[float, float] | None:
    """Documents per second through ``dask.bag`` on a local cluster of ``workers`` processes."""
    try:
        import dask.bag as db
        from distributed import Client, LocalCluster
    except ImportError:
        log("dask/distributed not installed: Dask rows skipped (pip install 'declutter[scale]')")
        return None
    from declutter.distributed import PreloadModel, partition_cleaner

    os.environ["PYTHONPATH"] = os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])
    cluster = LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with cluster, Client(cluster) as client:
        client.register_plugin(PreloadModel())
        cleaner = partition_cleaner()

        def run() -> int:
            bag = db.from_sequence(texts, npartitions=partitions)
            return sum(1 for _ in bag.map_partitions(cleaner).compute())

        return median_rate(run, repeats)


# --------------------------------------------------------------------------- report


def versions() -> str:
    names = ["scikit-learn", "numpy", "joblib", "dask", "distributed", "pandas"]
    found = []
    for name in names:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return f"Python {platform.python_version()}, " + ", ".join(found)


def machine() -> str:
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return f"{os.cpu_count()} cores ({usable} usable), {platform.machine()}; load average {load}"


Row = tuple[str, str, "tuple[float, float] | None", bool]


def write_report(rows: list[Row], header: dict[str, str]) -> str:
    """A Markdown report; speedups are relative to the first row of the same group."""
    lines = ["# declutter at scale: throughput", ""]
    lines += [f"- **{key}:** {value}" for key, value in header.items()]
    lines += [
        "",
        "| input | how | documents/s | speedup | CPU ms/document (this process) |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    base: dict[str, float] = {}
    for group, how, measured, in_process in rows:
        if measured is None:
            lines.append(f"| {group} | {how} | not run | | |")
            continue
        rate, cpu = measured
        base.setdefault(group, rate)
        cpu_cell = f"{cpu:.1f}" if in_process else "(workers)"
        speedup = rate / base[group]
        lines.append(f"| {group} | {how} | {rate:,.1f} | {speedup:.2f}x | {cpu_cell} |")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=600, help="documents per timed run")
    parser.add_argument("--single-docs", type=int, default=150,
                        help="documents for the slow one-by-one rows")  # fmt: skip
    parser.add_argument("--pages", type=int, default=200, help="HTML pages per timed run")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per figure")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--corpora", type=Path, help="the corpora folder (default: found)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    from declutter.training.corpora import default_corpora_root

    root = args.corpora or default_corpora_root()
    header = {
        "command": ("python benchmarks/bench_scale.py " + shlex.join(argv or sys.argv[1:])).strip(),
        "date": f"{dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC",
        "machine": machine(),
        "versions": versions(),
    }
    texts, pages, described = corpus_documents(root)
    model = load_model()
    config = model.card.get("config", {})
    header["model"] = (
        f"{model.path} (model.joblib sha256 {str(model.card.get('model_sha256'))[:12]}, "
        f"context model {config.get('context_model', '?')})"
    )
    docs, singles = cycle(texts, args.docs), cycle(texts, args.single_docs)
    html = cycle(pages, args.pages)
    mean_chars = statistics.mean(len(t) for t in texts)
    header["documents"] = f"{described}; mean {mean_chars:,.0f} characters per text"
    size, repeats = args.batch_size, args.repeats
    rows: list[Row] = []

    def measure(group: str, how: str, run: Callable[[], int], in_process: bool = True) -> None:
        log(f"{group}: {how}")
        rate, cpu = median_rate(run, repeats)
        rows.append((group, how, (rate, cpu), in_process))
        log(f"  {rate:,.1f} documents/s, {cpu:.1f} CPU ms/document in this process")

    measure("text", "clean() one by one", one_by_one(clean, singles))
    measure("text", f"clean_many(batch_size={size}, n_jobs=1)",
            batched(clean_many, docs, batch_size=size))  # fmt: skip
    measure("text", f"clean_many(batch_size={size}, n_jobs=2)",
            batched(clean_many, docs, batch_size=size, n_jobs=2), in_process=False)  # fmt: skip
    measure("html", "clean_html() one by one", one_by_one(clean_html, html[: args.pages // 2]))
    measure("html", "clean_html_many(batch_size=16, n_jobs=1)",
            batched(clean_html_many, html, batch_size=16))  # fmt: skip
    measure("html", "clean_html_many(batch_size=16, n_jobs=2)",
            batched(clean_html_many, html, batch_size=16, n_jobs=2), in_process=False)  # fmt: skip
    partitions = max(8, args.docs // size)
    for workers in (1, 2):
        log(f"dask: {workers} worker(s)")
        how = f"LocalCluster, {workers} process worker(s), {partitions} partitions"
        rows.append(("text, Dask bag", how, dask_rate(docs, workers, repeats, partitions), False))
    report = write_report(rows, header)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    print(report)
    log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
