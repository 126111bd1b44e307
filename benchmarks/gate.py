"""Quality gate: declutter must not score below its pinned floors on the corpora's dev parts.

``python benchmarks/gate.py check`` runs declutter (no peers) on the gate's pages of the dev
part of every corpus, page task and text task, scores them with the benchmark's metrics and
exits 1 if any score is below its floor in ``benchmarks/floors.json``, naming the metric,
the corpus, the floor and the score. CI runs it after the test suite. It also cleans our
own labelled text (:data:`OWN_SETS`: whole documents, and single paragraphs one at a time)
and holds its content recall and insert removal to floors, since a retrain once kept every
corpus floor while losing a sixth of the single paragraphs' content.

``python benchmarks/gate.py update`` measures every dev page, chooses how many pages each
corpus needs (:func:`choose_page_count`: enough that the score's 95 % page-bootstrap interval
is at most :data:`TARGET_HALF_WIDTH` either side, else all of them) and pins each floor at
the score minus that measured half-width (:mod:`benchmarks.bootstrap`), so that a floor sits
as far below today's score as a change of pages alone could move it. It refuses (exit 1,
naming them) to lower any floor unless given ``--lower "REASON"``: the reason, the date and
the old and new floor are then recorded next to that floor, because a retrain that drops a
floor must say which behaviour got worse and why it is worth it.

The floors belong to the pages they were measured on (a SHA-256 of their ids and gold per
corpus): ``check`` fails when the pages changed (a corpus edited, a new split), and
``update`` re-pins, under the same rule about lowering.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable instead
    _HERE = Path(__file__).resolve().parent
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
    sys.path.insert(0, str(_HERE.parent))

from benchmarks import bootstrap, evalsets, metrics, tasks
from declutter.model import resolve_model
from declutter.training.corpora import CORPORA, DEV, SPLIT_RULE, CorpusNotFoundError, Page
from declutter.training.data import read_jsonl
from declutter.training.evaluation import clean_labelled, paragraph_decisions

DEFAULT_FLOORS = Path(__file__).resolve().parent / "floors.json"
_REPOSITORY = Path(__file__).resolve().parent.parent
#: Our own labelled text the gate also measures, by its name in the floors file: whole
#: documents, and single paragraphs cleaned one at a time (how m36 lost 42 of 241 content
#: paragraphs while every corpus floor held). Both ship with the repository, so their
#: floors are checked without the corpora too; both have been read to choose models, so
#: like the corpora's dev parts they are development data.
OWN_SETS = {
    "own:test": _REPOSITORY / "training_data" / "test.jsonl",
    "own:test_single": _REPOSITORY / "training_data" / "test_single.jsonl",
}
#: Widest 95 % interval half-width the page count aims for (more pages cost more time).
TARGET_HALF_WIDTH = 0.01
#: The gated metrics of every corpus: the benchmark's F1 and recall on the page task (recall
#: so that no retrain pays for F1 with the article: content recall comes first), its F1 on
#: the text task, and the text task's character-weighted content recall and insert removal.
#: Our own sets have the last two only.
PAGE_F1, PAGE_RECALL, TEXT_F1 = "page/f1", "page/recall", "text/f1"
CONTENT_RECALL, INSERT_REMOVAL = "text/content_recall", "text/insert_removal"
METRICS = (PAGE_F1, PAGE_RECALL, TEXT_F1, CONTENT_RECALL, INSERT_REMOVAL)
#: Places a floor is rounded down to.
PLACES = 4

Log = Callable[[str], None]


class GateError(Exception):
    """The gate could not measure or compare (missing corpora, unusable files): exit 2."""


def _stderr(message: str) -> None:
    print(f"gate: {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- measuring


def metric_kind(corpus: str, metric: str) -> str:
    """How a metric aggregates its per-page components (:mod:`benchmarks.bootstrap`): the
    F1 (or recall) of trafilatura_eval's summed snippet counts, a mean of per-page shingle
    F1s (or recalls) elsewhere, and summed characters for the text task's rates."""
    if metric in (CONTENT_RECALL, INSERT_REMOVAL):
        return bootstrap.RATIO
    if corpus == "trafilatura_eval":  # snippets found of snippets wanted, summed
        return bootstrap.RATIO if metric == PAGE_RECALL else bootstrap.SNIPPET_F1
    return bootstrap.MEAN


def gate_order(pages: Sequence[Page]) -> list[Page]:
    """Pages ranked by the SHA-256 of ``corpus:id``: the first ``n`` of them are a sample
    that does not follow how ids are named (trafilatura_eval's names start with the site)."""
    return sorted(pages, key=lambda page: hashlib.sha256(evalsets.page_key(page).encode()).digest())


def page_digest(page: Page) -> str:
    """SHA-256 of a page's id and gold (the benchmark's subset digest of one page)."""
    return evalsets.subset_digest([page])


def subset_digest(page_digests: Sequence[str]) -> str:
    """SHA-256 of the pages a corpus's floors were measured on, in gate order."""
    return hashlib.sha256("\n".join(page_digests).encode()).hexdigest()


def f1_components(corpus: str, output: str, page: Page) -> list[float]:
    """One page's part of the corpus F1: its shingle F1, or its snippet counts."""
    if metric_kind(corpus, PAGE_F1) == bootstrap.SNIPPET_F1:
        counts = metrics.snippet_counts(output, page.with_snippets, page.without_snippets)
        return [counts.tp, counts.fn, counts.fp]
    return [metrics.shingle_prf(output, page.gold_text or "").f1]


def recall_components(corpus: str, output: str, page: Page) -> list[float]:
    """One page's part of the corpus's page recall: its shingle recall, or its snippets
    found and wanted."""
    if metric_kind(corpus, PAGE_RECALL) == bootstrap.RATIO:
        counts = metrics.snippet_counts(output, page.with_snippets, page.without_snippets)
        return [counts.tp, counts.tp + counts.fn]
    return [metrics.shingle_prf(output, page.gold_text or "").recall]


def text_components(doc: evalsets.EvalText, segments: Sequence[Any]) -> dict[str, list[float]]:
    """One text document's characters: content kept of content, inserts removed of inserts
    (declutter's own segment offsets, as the benchmark's text task counts them)."""
    rates = metrics.paragraph_rates(tasks.segment_overlaps(doc, segments), 0.5)
    return {
        CONTENT_RECALL: [rates.content_kept, rates.content_chars],
        INSERT_REMOVAL: [rates.insert_removed, rates.insert_chars],
    }


def _run_declutter(
    pages: Mapping[str, list[Page]], model_path: str | None, log: Log
) -> tuple[tasks.EvalSet, dict[str, Any], dict[str, Any]]:
    """The page task in one worker while this process labels the pages for the text task,
    then the text task in another: both cores busy, no peer, no threshold curve."""
    page_only = tasks.EvalSet(dict(pages))
    items = tasks.page_items(page_only, tasks.DECLUTTER_HTML)
    with ThreadPoolExecutor(max_workers=1) as pool:
        page_future = pool.submit(
            tasks.run_tool, tasks.DECLUTTER_HTML, items, model_path=model_path
        )
        eval_set = tasks.build_eval_set(pages)
        log(f"text task: {len(eval_set.texts)} documents labelled")
        text_items = tasks.text_items(eval_set, tasks.DECLUTTER_TEXT)
        text_run = tasks.run_tool(tasks.DECLUTTER_TEXT, text_items, model_path=model_path)
        page_run = page_future.result()
    return eval_set, page_run, text_run


def _page_rows(
    page: Page, eval_set: tasks.EvalSet, page_run: Mapping[str, Any], text_run: Mapping[str, Any]
) -> dict[str, Any]:
    """One page's record in a measurement: id, digest and every metric's components (the
    text metrics only when the page has a text document)."""
    key = evalsets.page_key(page)
    row: dict[str, Any] = {"id": page.id, "digest": page_digest(page)}
    output = page_run["outputs"].get(key, "")
    row[PAGE_F1] = f1_components(page.corpus, output, page)
    row[PAGE_RECALL] = recall_components(page.corpus, output, page)
    doc = eval_set.texts.get(key)
    if doc is not None:
        row[TEXT_F1] = f1_components(page.corpus, text_run["outputs"].get(key, ""), page)
        row.update(text_components(doc, text_run.get("segments", {}).get(key, [])))
    return row


def measure(
    root: Path | None,
    corpora: Sequence[str],
    counts: Mapping[str, int] | None = None,
    model_path: str | None = None,
    log: Log = _stderr,
) -> dict[str, Any]:
    """declutter's per-page components on the dev part of each corpus (and per-document
    ones on each of our own sets named, :data:`OWN_SETS`): the first ``counts[corpus]``
    pages in gate order, or every dev page when no count is given."""
    started = time.perf_counter()
    pages: dict[str, list[Page]] = {}
    dev_pages: dict[str, int] = {}
    for corpus in [c for c in corpora if c not in OWN_SETS]:
        if root is None:
            raise GateError(f"{corpus} needs the corpora folder (--corpora)")
        ordered = gate_order(evalsets.load_eval_pages(corpus, root, split=DEV))
        dev_pages[corpus] = len(ordered)
        pages[corpus] = ordered[: counts[corpus]] if counts and corpus in counts else ordered
        log(f"{corpus}: {len(pages[corpus])} of {len(ordered)} dev pages")
    measured: dict[str, Any] = {}
    failures: dict[str, str] = {}
    sha = None
    if pages:
        eval_set, page_run, text_run = _run_declutter(pages, model_path, log)
        failures = {**page_run.get("errors", {}), **text_run.get("errors", {})}
        sha = page_run.get("model_sha256") or text_run.get("model_sha256")
        for corpus, corpus_pages in pages.items():
            measured[corpus] = {
                "dev_pages": dev_pages[corpus],
                "pages": [_page_rows(p, eval_set, page_run, text_run) for p in corpus_pages],
            }
    for name in [c for c in corpora if c in OWN_SETS]:
        rows, sha = own_rows(name, model_path)
        measured[name] = {"dev_pages": len(rows), "pages": rows[: (counts or {}).get(name)]}
        log(f"{name}: {len(measured[name]['pages'])} of {len(rows)} documents")
    return {
        "split": DEV,
        "model_sha256": sha,
        "errors": dict(sorted(failures.items())),
        "seconds": round(time.perf_counter() - started, 1),
        "corpora": {corpus: measured[corpus] for corpus in corpora},
    }


def _own_digest(name: str, doc: Any) -> str:
    """SHA-256 of one of our documents' id, text and labels (what its floors depend on)."""
    labels = [p.label for p in doc.paragraphs]
    return hashlib.sha256(json.dumps([name, doc.id, doc.render()[0], labels]).encode()).hexdigest()


def own_rows(name: str, model_path: str | None) -> tuple[list[dict[str, Any]], str]:
    """Every document of one of our own sets (:data:`OWN_SETS`), cleaned as ``clean()``
    cleans it (one-line documents at the one-line threshold), as measurement rows in gate
    order: id, digest and the characters of content kept and of inserts removed (a
    paragraph counts as removed when most of it is, as ``declutter evaluate`` counts it).
    Also returns the model's SHA-256."""
    model = resolve_model(model_path)
    docs = list(read_jsonl(OWN_SETS[name]))
    rows = []
    for doc, result in zip(docs, clean_labelled(model, docs), strict=True):
        decisions = paragraph_decisions(doc, result)
        content = [(removed, chars) for label, removed, chars in decisions if label == 0]
        inserts = [(removed, chars) for label, removed, chars in decisions if label == 1]
        rows.append({
            "id": doc.id,
            "digest": _own_digest(name, doc),
            CONTENT_RECALL: [sum(c for r, c in content if not r), sum(c for _, c in content)],
            INSERT_REMOVAL: [sum(c for r, c in inserts if r), sum(c for _, c in inserts)],
        })  # fmt: skip
    rows.sort(key=lambda row: hashlib.sha256(f"{name}:{row['id']}".encode()).digest())
    return rows, model.sha256


# --------------------------------------------------------------------------- scoring


def metric_rows(corpus: str, pages: Sequence[Mapping[str, Any]], metric: str) -> list[list]:
    """The components of one metric over these pages (pages without them left out)."""
    return [list(page[metric]) for page in pages if metric in page]


def corpus_scores(corpus: str, pages: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    """Every gated metric of one corpus on these pages, as the benchmark computes it."""
    return {
        metric: bootstrap.score(metric_kind(corpus, metric), rows)
        for metric in METRICS
        if (rows := metric_rows(corpus, pages, metric))
    }


def half_widths(corpus: str, pages: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    """The 95 % page-bootstrap half-width of every gated metric of one corpus."""
    return {
        metric: bootstrap.half_width(metric_kind(corpus, metric), rows)
        for metric in METRICS
        if (rows := metric_rows(corpus, pages, metric))
    }


def choose_page_count(
    corpus: str, pages: Sequence[Mapping[str, Any]], target: float = TARGET_HALF_WIDTH
) -> int:
    """The fewest pages (a prefix in gate order) from which on every metric's half-width
    stays within ``target``, checked in steps of a fortieth of the corpus; all pages when
    even they do not reach it. Scanning down from all pages and stopping at the first count
    that misses keeps a lucky dip at a small count from being chosen."""
    total = len(pages)
    step = max(1, math.ceil(total / 40))
    chosen = total
    for count in range(total, 0, -step):
        if max(half_widths(corpus, pages[:count]).values(), default=math.inf) > target:
            break
        chosen = count
    return chosen


# --------------------------------------------------------------------------- floors


def round_down(value: float, places: int = PLACES) -> float:
    """Round toward minus infinity, so a floor never sits above the value it came from."""
    scale = 10**places
    return math.floor(value * scale + 1e-9) / scale


def pinned_corpus(corpus: str, pages: Sequence[Mapping[str, Any]], dev_pages: int) -> dict:
    """A corpus's floors from a measurement of every dev page: its page count, the digest
    of those pages and, per metric, score, half-width and floor (score - half-width)."""
    count = choose_page_count(corpus, pages)
    chosen = pages[:count]
    scores, spreads = corpus_scores(corpus, chosen), half_widths(corpus, chosen)
    return {
        "pages": count,
        "dev_pages": dev_pages,
        "subset_sha256": subset_digest([page["digest"] for page in chosen]),
        "floors": {
            metric: {
                "score": round(scores[metric], PLACES + 2),
                "half_width": round(spreads[metric], PLACES + 2),
                "floor": round_down(scores[metric] - spreads[metric]),
            }
            for metric in scores
        },
    }


def read_floors(path: Path) -> dict[str, Any] | None:
    """The floors file, or None when there is none yet. The quick-subset format used until
    2026-12-03 counts as none: its floors were for eight pages of five corpora."""
    if not path.is_file():
        return None
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise GateError(f"{path} is not JSON: {error}") from error
    if isinstance(doc, dict) and "corpora" in doc:
        return doc
    if isinstance(doc, dict) and "subset_sha256" in doc:
        return None
    raise GateError(f"{path} is not a floors file (no 'corpora')")


def write_floors(path: Path, doc: Mapping[str, Any]) -> None:
    """Write the floors file (sorted, indented, trailing newline: stable diffs)."""
    path.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n", encoding="utf-8")


#: A floor that would go down: corpus, metric, floor before, floor after (-inf: dropped).
Lowered = tuple[str, str, float, float]


def lowered_floors(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Lowered]:
    """Every pinned floor that ``new`` would lower (or no longer have)."""
    found = []
    for corpus, pinned in sorted(old.get("corpora", {}).items()):
        fresh = new.get("corpora", {}).get(corpus)
        if fresh is None:
            continue
        for metric, floor in sorted(pinned["floors"].items()):
            after = fresh["floors"].get(metric, {}).get("floor", -math.inf)
            if after < floor["floor"]:
                found.append((corpus, metric, floor["floor"], after))
    return found


def updated_floors(
    measurement: Mapping[str, Any],
    old: Mapping[str, Any] | None,
    *,
    lower_reason: str | None = None,
    today: str | None = None,
    only_new: bool = False,
) -> tuple[dict[str, Any] | None, list[Lowered]]:
    """The floors file after pinning ``measurement`` (every dev page of each measured corpus)
    over ``old``, and the floors it lowers. Returns (None, lowered) when it lowers any and no
    reason is given. Corpora not measured keep their floors; every floor keeps the record of
    its past lowerings, and each floor lowered now gets one more: date, reason, from, to.
    With ``only_new``, only floors that do not exist yet are pinned (a new metric, a new
    corpus); every pinned floor stays as it is, whatever today's score."""
    old = old or {"corpora": {}}
    today = today or dt.date.today().isoformat()
    corpora = dict(old.get("corpora", {}))
    for corpus, measured in measurement["corpora"].items():
        if len(measured["pages"]) != measured["dev_pages"]:
            raise GateError(f"update needs every dev page of {corpus}; the measurement has "
                            f"{len(measured['pages'])} of {measured['dev_pages']}")  # fmt: skip
        fresh = pinned_corpus(corpus, measured["pages"], measured["dev_pages"])
        if only_new and corpus in corpora:
            fresh = _with_new_floors(corpus, corpora[corpus], fresh)
        corpora[corpus] = fresh
    new = _floors_doc(measurement, corpora, today)
    lowered = lowered_floors(old, new)
    if lowered and not (lower_reason and lower_reason.strip()):
        return None, lowered
    _carry_history(old, new, lowered, (lower_reason or "").strip(), today)
    return new, lowered


def _with_new_floors(corpus: str, pinned: Mapping[str, Any], fresh: Mapping[str, Any]) -> dict:
    """``pinned`` with the floors of ``fresh`` that it lacks, on the same pages only."""
    if (fresh["pages"], fresh["subset_sha256"]) != (pinned["pages"], pinned["subset_sha256"]):
        raise GateError(
            f"{corpus}: its floors were pinned on other pages; new floors must be pinned on "
            "the same ones (update without --only-new re-pins them all)"
        )
    floors = {**fresh["floors"], **pinned["floors"]}
    return {**pinned, "floors": dict(sorted(floors.items()))}


def _floors_doc(measurement: Mapping[str, Any], corpora: dict[str, Any], today: str) -> dict:
    return {
        "about": "declutter's floors on the corpora's dev parts: see benchmarks/README.md "
        "(Quality gate); pinned by `python benchmarks/gate.py update`",
        "split": DEV,
        "split_rule": SPLIT_RULE,
        "bootstrap": {
            "resamples": bootstrap.RESAMPLES,
            "seed": bootstrap.SEED,
            "confidence": bootstrap.CONFIDENCE,
            "target_half_width": TARGET_HALF_WIDTH,
        },
        "model_sha256": measurement.get("model_sha256"),
        "updated": today,
        "corpora": dict(sorted(corpora.items())),
    }


def _carry_history(
    old: Mapping[str, Any],
    new: dict[str, Any],
    lowered: Sequence[Lowered],
    reason: str,
    today: str,
) -> None:
    """Keep each floor's record of past lowerings and add one for each floor lowered now."""
    model = (new.get("model_sha256") or "")[:12]
    now_lowered = {(corpus, metric) for corpus, metric, _, _ in lowered}
    for corpus, pinned in new["corpora"].items():
        before = old.get("corpora", {}).get(corpus, {}).get("floors", {})
        for metric, floor in pinned["floors"].items():
            history = list(before.get(metric, {}).get("lowered", []))
            if (corpus, metric) in now_lowered:
                history.append({"date": today, "reason": reason, "model": model,
                                "from": before[metric]["floor"], "to": floor["floor"]})  # fmt: skip
            if history:
                floor["lowered"] = history


# --------------------------------------------------------------------------- checking


def check_floors(measurement: Mapping[str, Any], doc: Mapping[str, Any]) -> list[str]:
    """One line per problem (empty: the gate passes): a score below its floor (metric,
    corpus, floor, score), a pinned metric not measured, pages other than those pinned."""
    problems = []
    for corpus, measured in sorted(measurement["corpora"].items()):
        pinned = doc["corpora"][corpus]
        digest = subset_digest([page["digest"] for page in measured["pages"]])
        if digest != pinned["subset_sha256"]:
            problems.append(
                f"{corpus}: the pages changed since the floors were pinned (other pages, gold "
                "or split); re-pin with `python benchmarks/gate.py update`"
            )
            continue
        scores = corpus_scores(corpus, measured["pages"])
        for metric, floor in sorted(pinned["floors"].items()):
            if metric not in scores:
                problems.append(f"{metric} on {corpus}: floor {floor['floor']:.4f}, not measured")
            elif scores[metric] < floor["floor"]:
                problems.append(f"{metric} on {corpus}: score {scores[metric]:.4f} is below its "
                                f"floor {floor['floor']:.4f}")  # fmt: skip
    return problems


def score_table(measurement: Mapping[str, Any], doc: Mapping[str, Any]) -> str:
    """Every gated score against its floor, one line each, for the CI log."""
    lines = [f"{'corpus':<20} {'metric':<20} {'pages':>5} {'score':>7} {'floor':>7} {'margin':>7}"]
    for corpus, measured in sorted(measurement["corpora"].items()):
        scores = corpus_scores(corpus, measured["pages"])
        for metric, floor in sorted(doc["corpora"][corpus]["floors"].items()):
            score = scores.get(metric, math.nan)
            lines.append(f"{corpus:<20} {metric:<20} {len(measured['pages']):>5} {score:>7.4f} "
                         f"{floor['floor']:>7.4f} {score - floor['floor']:>+7.4f}")  # fmt: skip
    return "\n".join(lines)


# --------------------------------------------------------------------------- command line


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("action", choices=("check", "update"))
    parser.add_argument("--corpora", type=Path, default=None, help="folder holding the corpora")
    parser.add_argument("--floors", type=Path, default=DEFAULT_FLOORS, help="floors file")
    parser.add_argument("--only", default=None,
                        help="comma-separated corpora (default: every corpus; check: every "
                        "corpus with floors)")  # fmt: skip
    parser.add_argument("--model", type=Path, default=None,
                        help="measure this model directory instead of the shipped one")  # fmt: skip
    parser.add_argument("--lower", metavar="REASON", default=None,
                        help="update: pin floors that go down too, recording REASON (which "
                        "behaviour got worse and why it is worth it) and the date next to "
                        "each of them")  # fmt: skip
    parser.add_argument("--only-new", action="store_true",
                        help="update: pin only floors that do not exist yet (a new metric or "
                        "corpus) and leave every pinned floor as it is")  # fmt: skip
    parser.add_argument("--measurement", type=Path, default=None,
                        help="use a measurement saved by --save-measurement instead of "
                        "running declutter")  # fmt: skip
    parser.add_argument("--save-measurement", type=Path, default=None, metavar="FILE",
                        help="also write the per-page measurement to FILE (JSON)")  # fmt: skip
    return parser.parse_args(argv)


def _chosen_corpora(only: str | None, known: Sequence[str]) -> list[str]:
    if only is None:
        return list(known)
    chosen = [c.strip() for c in only.split(",") if c.strip()]
    unknown = [c for c in chosen if c not in known]
    if unknown:
        raise GateError(f"unknown or unpinned corpus {', '.join(unknown)}; "
                        f"choose from: {', '.join(known)}")  # fmt: skip
    return chosen


def _saved(args: argparse.Namespace) -> dict[str, Any] | None:
    """The measurement given with ``--measurement``, if any."""
    if args.measurement is None:
        return None
    try:
        return json.loads(args.measurement.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise GateError(f"cannot read the measurement {args.measurement}: {error}") from error


def _measurement(
    args: argparse.Namespace,
    corpora: Sequence[str],
    counts: Mapping[str, int] | None,
    saved: dict[str, Any] | None,
) -> dict[str, Any]:
    """Run declutter (or take the saved measurement), keeping only the chosen corpora."""
    if saved is not None:
        missing = [c for c in corpora if c not in saved["corpora"]]
        if missing:
            raise GateError(f"{args.measurement} has no {', '.join(missing)}")
        found = {**saved, "corpora": {c: saved["corpora"][c] for c in corpora}}
    else:
        try:  # our own sets ship with the repository: no corpora needed for them alone
            needs_corpora = any(c not in OWN_SETS for c in corpora)
            root = evalsets.corpora_root(args.corpora) if needs_corpora else None
        except FileNotFoundError as error:
            raise GateError(str(error)) from error
        model = str(args.model) if args.model else None
        try:
            found = measure(root, corpora, counts, model)
        except CorpusNotFoundError as error:
            raise GateError(str(error)) from error
        _stderr(f"measured in {found['seconds']:.0f} s")
    if args.save_measurement is not None:
        args.save_measurement.write_text(json.dumps(found) + "\n", encoding="utf-8")
    return found


def run_check(args: argparse.Namespace) -> int:
    """Measure the pinned pages and compare every score with its floor."""
    doc = read_floors(args.floors)
    if doc is None:
        _stderr(f"no floors at {args.floors}; pin them with `python benchmarks/gate.py update`")
        return 1
    corpora = _chosen_corpora(args.only, sorted(doc["corpora"]))
    counts = {corpus: doc["corpora"][corpus]["pages"] for corpus in corpora}
    found = _measurement(args, corpora, counts, _saved(args))
    for corpus, measured in found["corpora"].items():  # a saved one may hold more pages
        measured["pages"] = measured["pages"][: counts[corpus]]
    print(score_table(found, doc))
    problems = [f"declutter failed on {key}: {error}" for key, error in found["errors"].items()]
    problems += check_floors(found, doc)
    for problem in problems:
        _stderr(f"FAILED: {problem}")
    if not problems:
        total = sum(len(doc["corpora"][c]["floors"]) for c in corpora)
        print(f"gate: all {total} floors hold on {len(corpora)} corpora")
    return 1 if problems else 0


def run_update(args: argparse.Namespace) -> int:
    """Measure every dev page, choose page counts, pin floors; refuse to lower one silently."""
    if args.lower is not None and not args.lower.strip():
        raise GateError("--lower needs a reason: which behaviour got worse, and why it is worth it")
    saved = _saved(args)
    corpora = _chosen_corpora(args.only, list(saved["corpora"]) if saved else [*CORPORA, *OWN_SETS])
    found = _measurement(args, corpora, None, saved)
    if found["errors"]:
        for key, error in found["errors"].items():
            _stderr(f"declutter failed on {key}: {error}")
        _stderr("refusing to pin floors on a run with failures")
        return 1
    old = read_floors(args.floors)
    new, lowered = updated_floors(found, old, lower_reason=args.lower, only_new=args.only_new)
    for corpus, metric, before, after in lowered:
        verb = "lowering" if new is not None else "refusing to lower"
        _stderr(f"{verb} {metric} on {corpus}: floor {before:.4f} -> {after:.4f}")
    if new is None:
        _stderr('to lower floors on purpose: update --lower "REASON" (which behaviour got '
                "worse, and why it is worth it)")  # fmt: skip
        return 1
    write_floors(args.floors, new)
    for corpus in corpora:
        pinned = new["corpora"][corpus]
        spreads = ", ".join(f"{m} ±{f['half_width']:.4f}" for m, f in pinned["floors"].items())
        _stderr(f"{corpus}: {pinned['pages']} of {pinned['dev_pages']} pages; {spreads}")
    print(f"gate: pinned the floors of {len(corpora)} corpora in {args.floors}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Check or update the floors: 0 passed or pinned, 1 a floor missed or a refusal, 2 the
    gate could not run (missing corpora, bad options or files)."""
    args = parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        return run_check(args) if args.action == "check" else run_update(args)
    except GateError as error:
        _stderr(str(error))
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
