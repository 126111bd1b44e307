"""One command for the whole benchmark: ``python benchmarks/run.py [--quick] [--corpora PATH]``.

Runs the page, text, post-processing and speed tasks for declutter and every installed peer,
then writes ``results.json``, ``report.md`` and the plots to ``--out`` (benchmarks/results).
Quick mode evaluates the first :data:`~benchmarks.evalsets.QUICK_PAGES` pages of each corpus
(by sorted id) and is what the gate and the tests use.

Every run reads one part of each corpus (``--split``, see docs/splits.md): ``dev`` by default,
the part that tuning may look at; ``test`` only for final figures; ``all`` for both. The
report header says which, and results of another part than dev go to files named after it
(``report-test.md``), so that they never overwrite the dev figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import pickle
import platform
import shlex
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable instead
    _HERE = Path(__file__).resolve().parent
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
    sys.path.insert(0, str(_HERE.parent))

from benchmarks import evalsets, peers, tasks
from benchmarks.tasks import DECLUTTER_HTML, DECLUTTER_TEXT, EvalSet
from declutter.training.corpora import CORPORA, DEV, SPLITS

DEFAULT_OUT = Path(__file__).resolve().parent / "results"


@dataclass(frozen=True)
class Options:
    """How the workers run: per-document timeout, and which declutter model to load."""

    timeout: float = 30.0
    model_path: str | None = None
    #: Folder for peers' runs: reused when the peer version and inputs are the same.
    cache: Path | None = None

    def worker_args(self) -> dict[str, Any]:
        """Keyword arguments of :func:`benchmarks.tasks.run_tool`."""
        return {"timeout": self.timeout, "model_path": self.model_path}


#: Name of declutter in the tables (both the HTML and the text entry point).
DECLUTTER = "declutter"

Log = Callable[[str], None]


def stderr_log(message: str) -> None:
    """Progress goes to stderr with a timestamp, so stdout stays clean."""
    print(f"[{dt.datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def load_eval_set(
    root: Path, corpora: Sequence[str], limit: int | None, log: Log, split: str = DEV
) -> EvalSet:
    """Pages of one part of every corpus (the first ``limit`` by id, or all) and their text
    documents."""
    pages = {}
    for corpus in corpora:
        pages[corpus] = evalsets.load_eval_pages(corpus, root, limit, split)
        log(f"{corpus} ({split} part): {len(pages[corpus])} pages")
    eval_set = tasks.build_eval_set(pages)
    log(f"text task: {len(eval_set.texts)} documents with article content")
    return eval_set


def run_page_task(eval_set: EvalSet, tools: Sequence[str], options: Options, log: Log) -> dict:
    """Task 1: every tool extracts the article from every page's HTML."""
    return run_task("page", eval_set, tools, options, log)


def run_text_task(eval_set: EvalSet, tools: Sequence[str], options: Options, log: Log) -> dict:
    """Task 2: declutter.clean on the window text; peers on the same blocks as HTML."""
    return run_task("text", eval_set, tools, options, log)


def run_task(
    task: str, eval_set: EvalSet, tools: Sequence[str], options: Options, log: Log
) -> dict[str, dict[str, Any]]:
    """Run each tool on the task's inputs in its own worker (peers from the cache if asked)."""
    declutter_name = DECLUTTER_HTML if task == "page" else DECLUTTER_TEXT
    make_items = tasks.page_items if task == "page" else tasks.text_items
    runs = {}
    for tool in tools:
        if tool != DECLUTTER and not peers.runs_in(tool, task):
            continue
        name = declutter_name if tool == DECLUTTER else tool
        started = time.perf_counter()
        items = make_items(eval_set, name)
        cache = _cache_path(options, task, name, items) if tool != DECLUTTER else None
        if cache is not None and cache.is_file():
            runs[name] = {**pickle.loads(cache.read_bytes()), "reused": True}
            log(f"{task} task: {tool} reused from {cache.name}")
            continue
        curve = name == DECLUTTER_TEXT
        runs[name] = tasks.run_tool(name, items, curve=curve, **options.worker_args())
        if cache is not None and not runs[name].get("failed"):
            runs[name]["cached_at"] = dt.datetime.now(dt.timezone.utc).strftime(
                "%Y-%m-%d %H:%M UTC"
            )
            cache.parent.mkdir(parents=True, exist_ok=True)
            cache.write_bytes(pickle.dumps(runs[name], protocol=pickle.HIGHEST_PROTOCOL))
        log(f"{task} task: {tool} done in {time.perf_counter() - started:.1f} s"
            f" ({len(runs[name]['errors'])} errors)")  # fmt: skip
    return runs


def _cache_path(options: Options, task: str, tool: str, items: list) -> Path | None:
    """Where a peer's run on exactly these inputs, with this peer version, is kept."""
    if options.cache is None:
        return None
    digest = hashlib.sha256(pickle.dumps(items, protocol=4)).hexdigest()[:20]
    version = peers.peer_version(tool).replace("/", "_")
    return options.cache / f"{task}-{tool}-{version}-{digest}.pkl"


def run_post_task(
    page_runs: dict, options: Options, log: Log
) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """Task 3: declutter.clean on each peer's page-task output; also the errors by item."""
    items = tasks.post_items(page_runs)
    if not items:
        return {}, {}
    run = tasks.run_tool(DECLUTTER_TEXT, items, batch=True, **options.worker_args())
    log(f"post-processing: {len(items)} peer outputs cleaned ({len(run['errors'])} errors)")
    return tasks.split_post_outputs(page_runs, run), run["errors"]


def speed_inputs(eval_set: EvalSet) -> dict[str, Any]:
    """Inputs of the speed jobs: real paragraphs, a ~30-paragraph article, and the batch."""
    from benchmarks.speed import ARTICLE_PARAGRAPHS

    docs = list(eval_set.texts.values())
    if not docs:
        raise ValueError("no text-task documents: cannot measure speed")
    article = min(docs, key=lambda d: (abs(len(d.paragraphs) - ARTICLE_PARAGRAPHS), d.key))
    page = next(p for p in eval_set.all_pages() if evalsets.page_key(p) == article.key)
    paragraphs = [text for doc in docs for text in doc.paragraph_texts][:5000]
    return {
        "paragraphs": paragraphs,
        "article_key": article.key,
        "article_paragraphs": len(article.paragraphs),
        "article_text": article.text,
        "article_html": page.html,
        "batch_texts": [doc.text for doc in docs],
    }


def run_speed_task(
    eval_set: EvalSet, with_trafilatura: bool, options: Options, log: Log
) -> dict[str, Any]:
    """Task 4 (the parts beyond per-page timings): scaling, one article, batch rate."""
    inputs = speed_inputs(eval_set)
    job = {"kind": "speed", "target": "declutter", "model_path": options.model_path, **inputs}
    result = tasks.run_in_worker(job, time_limit=900)
    speed: dict[str, Any] = {
        "article_key": inputs["article_key"],
        "article_paragraphs": inputs["article_paragraphs"],
        "declutter": result,
    }
    if with_trafilatura:
        job = {"kind": "speed", "target": "trafilatura", "article_html": inputs["article_html"]}
        speed["trafilatura"] = tasks.run_in_worker(job, time_limit=300)
    log("speed: scaling, article and batch timings done")
    return speed


def quality_by_corpus(eval_set: EvalSet, outputs: dict[str, str], text_task: bool) -> dict:
    """Scores per corpus; the text task scores only pages that have a text document."""
    scores = {}
    for corpus, pages in eval_set.pages.items():
        chosen = (
            [p for p in pages if evalsets.page_key(p) in eval_set.texts] if text_task else pages
        )
        if chosen:
            scores[corpus] = tasks.score_pages(chosen, outputs)
    return scores


def summarise_runs(eval_set: EvalSet, runs: dict, text_task: bool) -> dict[str, Any]:
    """Per tool: version, errors, timing, quality per corpus (and paragraph rates)."""
    summary = {}
    for name, run in runs.items():
        tool = DECLUTTER if name in (DECLUTTER_HTML, DECLUTTER_TEXT) else name
        entry: dict[str, Any] = {
            "version": run.get("version"),
            "errors": len(run.get("errors", {})),
            "error_examples": dict(list(run.get("errors", {}).items())[:3]),
            "failed": run.get("failed"),
            "reused_from": run.get("cached_at") if run.get("reused") else None,
            "model_sha256": run.get("model_sha256"),
            "threshold": run.get("threshold"),
            "timing": tasks.timing_summary(run),
            "corpora": quality_by_corpus(eval_set, run["outputs"], text_task),
        }
        if text_task:
            entry["paragraphs"] = {}
            for corpus, pages in eval_set.pages.items():
                keys = [evalsets.page_key(p) for p in pages]
                keys = [k for k in keys if k in eval_set.texts]
                if keys:
                    rates = tasks.text_rates(eval_set, keys, run)
                    entry["paragraphs"][corpus] = {
                        "content_recall": rates.content_recall,
                        "insert_removal": rates.insert_removal,
                    }
        summary[tool] = entry
    return summary


def summarise_post(eval_set: EvalSet, page_runs: dict, after: dict) -> dict[str, Any]:
    """Per peer and corpus: page-task F1 before and after declutter.clean."""
    post = {}
    for tool, outputs in after.items():
        before = quality_by_corpus(eval_set, page_runs[tool]["outputs"], text_task=False)
        cleaned = quality_by_corpus(eval_set, outputs, text_task=False)
        post[tool] = {
            corpus: {"before": before[corpus], "after": cleaned[corpus]} for corpus in before
        }
    return post


def summarise_curve(eval_set: EvalSet, text_run: dict | None) -> dict[str, Any]:
    """Threshold curves on the corpora the model saw in training and on the unseen ones."""
    if not text_run:
        return {}
    curves: dict[str, Any] = {}
    newer = evalsets.NEWER_CORPORA
    groups = {
        "unseen": [c for c in eval_set.pages if c not in (*evalsets.SEEN_IN_TRAINING, *newer)],
        "seen": [c for c in eval_set.pages if c in evalsets.SEEN_IN_TRAINING and c not in newer],
        "newer": [c for c in eval_set.pages if c in newer],
    }
    for group, corpora in groups.items():
        keys = [evalsets.page_key(p) for c in corpora for p in eval_set.pages[c]]
        keys = [k for k in keys if k in eval_set.texts]
        if keys:
            curves[group] = {
                "corpora": corpora,
                "points": tasks.declutter_curve(eval_set, keys, text_run),
            }
    curves["threshold"] = text_run.get("threshold")
    return curves


def speed_ratios(page_runs: dict, speed: dict) -> dict[str, Any]:
    """The ratios the issue sets targets for, from timings of this run."""
    ratios: dict[str, Any] = {}
    html_run, trafilatura_run = page_runs.get(DECLUTTER_HTML), page_runs.get("trafilatura")
    if html_run and trafilatura_run:
        ratios["clean_html_vs_trafilatura_median_ratio"] = tasks.median_ratio(
            html_run["seconds"], trafilatura_run["seconds"]
        )
        ours, theirs = html_run["seconds"].values(), trafilatura_run["seconds"].values()
        if sum(ours) > 0:
            ratios["clean_html_vs_trafilatura_total_ratio"] = sum(ours) / sum(theirs)
    ours = speed.get("declutter", {})
    theirs = speed.get("trafilatura", {})
    if ours.get("article_seconds") and theirs.get("article_seconds"):
        ratios["trafilatura_page_over_clean_text"] = (
            theirs["article_seconds"] / ours["article_seconds"]
        )
    scaling = ours.get("scaling_seconds") or {}
    if scaling.get(10) and scaling.get(1000):
        ratios["scaling_1000_over_10"] = scaling[1000] / scaling[10]
    return ratios


def environment(args: argparse.Namespace, tools: Sequence[str], argv: Sequence[str]) -> dict:
    """Header facts of the report: command, date, versions, machine."""
    import declutter

    versions = {name: peers.peer_version(name) for name in tools if name != DECLUTTER}
    try:
        model = declutter.load_model(args.model)
        wanted = ("trained_at", "model_sha256", "cross_validation", "html_threshold")
        card = {k: model.card[k] for k in wanted if k in model.card}
        threshold = model.threshold
    except Exception as error:  # the report still says what went wrong
        card, threshold = {"error": repr(error)}, None
    return {
        "command": "python benchmarks/run.py " + " ".join(shlex.quote(a) for a in argv),
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cores": os.cpu_count(),
        "declutter": declutter.__version__,
        "model_threshold": threshold,
        "model_card": card,
        "model_path": str(args.model) if args.model else "shipped default",
        "peers": versions,
        "mode": "quick" if args.quick else "full",
        "split": args.split,
    }


def run_benchmark(
    root: Path,
    corpora: Sequence[str],
    limit: int | None,
    tools: Sequence[str],
    options: Options | None = None,
    log: Log = stderr_log,
    speed: bool = True,
    split: str = DEV,
) -> dict[str, Any]:
    """Run every task for ``tools`` (``"declutter"`` and peer names) on one part of each
    corpus; return the results."""
    started = time.perf_counter()
    load_before = _load_average()
    eval_set = load_eval_set(root, corpora, limit, log, split)
    options = options or Options()
    page_runs = run_page_task(eval_set, tools, options, log)
    text_runs = run_text_task(eval_set, tools, options, log)
    after, post_errors = run_post_task(page_runs, options, log) if DECLUTTER in tools else ({}, {})
    speed_result = (
        run_speed_task(eval_set, "trafilatura" in tools, options, log)
        if speed and DECLUTTER in tools
        else {}
    )
    return {
        "split": split,
        "corpora": list(corpora),
        "newer_corpora": [c for c in corpora if c in evalsets.NEWER_CORPORA],
        "pages": {c: len(p) for c, p in eval_set.pages.items()},
        "text_documents": len(eval_set.texts),
        "subset_sha256": evalsets.subset_digest(eval_set.all_pages()),
        "seen_in_training": evalsets.seen_in_training(corpora, split),
        "page": summarise_runs(eval_set, page_runs, text_task=False),
        "text": summarise_runs(eval_set, text_runs, text_task=True),
        "post": summarise_post(eval_set, page_runs, after),
        "post_errors": {"count": len(post_errors), "examples": dict(list(post_errors.items())[:3])},
        "curve": summarise_curve(eval_set, text_runs.get(DECLUTTER_TEXT)),
        "speed": speed_result,
        "ratios": speed_ratios(page_runs, speed_result),
        "seconds": time.perf_counter() - started,
        "load_average": {"start": load_before, "end": _load_average()},
    }


def _load_average() -> float | None:
    """The 1-minute load average: timings mean little when other work shares the cores."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return None


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"first {evalsets.QUICK_PAGES} pages per corpus (under 3 minutes)",
    )
    parser.add_argument(
        "--corpora",
        type=Path,
        default=None,
        help="folder holding the corpora (default: ../shared/corpora)",
    )
    parser.add_argument(
        "--split",
        choices=SPLITS,
        default=DEV,
        help="which part of each corpus: dev (default; what tuning may see), test (final "
        "figures only) or all (docs/splits.md)",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where results go")
    parser.add_argument(
        "--only",
        default=",".join(evalsets.DEFAULT_CORPORA),
        help="comma-separated corpora to evaluate (default: the five older ones; add "
        f"{' and '.join(evalsets.NEWER_CORPORA)} by name)",
    )
    parser.add_argument(
        "--tools", default=None, help="comma-separated tools (default: declutter and every peer)"
    )
    parser.add_argument(
        "--pages", type=int, default=None, help="pages per corpus (overrides --quick's count)"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        help="seconds a tool may spend on one document before it counts as failed",
    )
    parser.add_argument(
        "--model",
        type=Path,
        default=None,
        help="evaluate this model directory instead of the shipped model",
    )
    parser.add_argument(
        "--reuse-peers",
        type=Path,
        default=None,
        metavar="DIR",
        help="keep the peers' runs in DIR and reuse them when their version "
        "and inputs are unchanged (their timings are then from that earlier "
        "run; the report says so). Try benchmarks/cache",
    )
    parser.add_argument("--no-plots", action="store_true", help="skip the PNG plots")
    return parser.parse_args(argv)  # fmt: skip


def choose_tools(requested: str | None, log: Log) -> list[str]:
    """declutter plus the installed peers (or the requested subset); notices for the rest."""
    wanted = requested.split(",") if requested else [DECLUTTER, *peers.PEERS]
    unknown = [t for t in wanted if t != DECLUTTER and t not in peers.PEERS]
    if unknown:
        raise SystemExit(
            f"unknown tool(s) {', '.join(unknown)}; choose from: "
            f"{', '.join([DECLUTTER, *peers.PEERS])}"
        )
    present, notices = peers.available_peers([t for t in wanted if t != DECLUTTER])
    for notice in notices:
        log(notice)
    return ([DECLUTTER] if DECLUTTER in wanted else []) + present


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and write results.json, report.md and the plots."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    root = evalsets.corpora_root(args.corpora)
    corpora = [c.strip() for c in args.only.split(",") if c.strip()]
    unknown = [c for c in corpora if c not in CORPORA]
    if unknown:
        raise SystemExit(f"unknown corpus {', '.join(unknown)}; choose from: {', '.join(CORPORA)}")
    limit = args.pages if args.pages is not None else (evalsets.QUICK_PAGES if args.quick else None)
    tools = choose_tools(args.tools, stderr_log)
    options = Options(args.timeout, str(args.model) if args.model else None, args.reuse_peers)
    results = run_benchmark(root, corpora, limit, tools, options, split=args.split)
    results["meta"] = environment(args, tools, argv)
    args.out.mkdir(parents=True, exist_ok=True)
    from benchmarks import report

    results_name, report_name, plot_suffix = report.output_names(args.quick, args.split)
    (args.out / results_name).write_text(json.dumps(results, indent=1, default=str) + "\n")
    (args.out / report_name).write_text(report.render(results))
    if not args.no_plots:
        report.plot_all(results, args.out, suffix=plot_suffix)
    stderr_log(f"done in {results['seconds']:.0f} s; wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
