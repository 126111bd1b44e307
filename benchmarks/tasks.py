"""The four benchmark tasks: run the tools in worker processes, then score what they returned.

Running and scoring are kept apart: :func:`run_tool` only produces outputs and timings (in a
fresh process per tool and task), and the ``score_*`` functions only compare outputs with the
gold, so the scoring can be unit-tested without any extractor installed.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.evalsets import EvalText, page_key, text_document, wrap_as_html
from benchmarks.metrics import (
    Overlap,
    ParagraphRates,
    ScoredSpan,
    SnippetCounts,
    mean_prf,
    normalise_whitespace,
    overlaps,
    paragraph_rates,
    percentile,
    shingle_prf,
    snippet_counts,
    threshold_curve,
)
from declutter.training.corpora import Page

REPO = Path(__file__).resolve().parents[1]
#: The two ways declutter is run: on a page's HTML, and on plain text.
DECLUTTER_HTML = "declutter.clean_html"
DECLUTTER_TEXT = "declutter.clean"
#: Thresholds of the precision/recall curve (a run at threshold 1.0 re-thresholded).
CURVE_THRESHOLDS = tuple(round(0.01 * i, 2) for i in range(1, 100))

Log = Callable[[str], None]


def _quiet(message: str) -> None:
    """Default logger: say nothing."""


# --------------------------------------------------------------------------- data


@dataclass
class EvalSet:
    """Everything the tasks evaluate on, built once per run."""

    pages: dict[str, list[Page]]
    texts: dict[str, EvalText] = field(default_factory=dict)

    def all_pages(self) -> list[Page]:
        """Pages of every corpus, corpus by corpus."""
        return [page for pages in self.pages.values() for page in pages]


def build_eval_set(pages: Mapping[str, list[Page]]) -> EvalSet:
    """Attach each page's text-task document (pages without article content get none)."""
    texts: dict[str, EvalText] = {}
    for corpus_pages in pages.values():
        for page in corpus_pages:
            doc = text_document(page)
            if doc is not None:
                texts[doc.key] = doc
    return EvalSet(dict(pages), texts)


# --------------------------------------------------------------------------- workers


def worker_environment() -> dict[str, str]:
    """One thread per library (fair timings on a shared machine), and the repo importable."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[name] = "1"
    env["PYTHONWARNINGS"] = "ignore"
    return env


def run_in_worker(job: dict[str, Any], time_limit: float) -> dict[str, Any]:
    """Run ``job`` in a fresh ``python -m benchmarks.worker``; a crash becomes ``failed``."""
    with tempfile.TemporaryDirectory(prefix="declutter-bench-") as folder:
        job_path, result_path = Path(folder, "job.pkl"), Path(folder, "result.pkl")
        job_path.write_bytes(pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL))
        command = [sys.executable, "-m", "benchmarks.worker", str(job_path), str(result_path)]
        try:
            finished = subprocess.run(
                command, cwd=REPO, env=worker_environment(), capture_output=True,
                text=True, timeout=time_limit, check=False,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            return {"tool": job.get("tool"), "failed": f"worker exceeded {time_limit:.0f} s"}
        if not result_path.is_file():
            tail = (finished.stderr or "").strip().splitlines()[-3:]
            return {
                "tool": job.get("tool"),
                "failed": f"worker exited {finished.returncode}: {' | '.join(tail)}",
            }
        return pickle.loads(result_path.read_bytes())


def run_tool(
    tool: str,
    items: Sequence[tuple[str, Any]],
    *,
    timeout: float = 30.0,
    curve: bool = False,
    batch: bool = False,
    model_path: str | None = None,
) -> dict[str, Any]:
    """Outputs, per-item seconds, errors and process facts of one tool on ``items``.

    ``batch`` (declutter.clean only) cleans through the batch API without per-item timing,
    for post-processing, where only the outputs matter. ``model_path`` evaluates another
    model directory than the shipped one. A failed worker still returns every
    key, with empty output and an error, so a broken peer scores zero instead of silently
    shrinking the evaluation set.
    """
    job = {
        "tool": tool, "items": list(items), "timeout": timeout, "curve": curve, "batch": batch,
        "model_path": model_path,
    }  # fmt: skip
    result = run_in_worker(job, time_limit=60 + timeout * 2 + 2 * timeout * len(items) / 10)
    if "failed" in result:
        reason = result["failed"]
        result = {
            "tool": tool,
            "failed": reason,
            "outputs": {key: "" for key, _ in items},
            "seconds": {},
            "errors": {key: f"worker failed: {reason[:200]}" for key, _ in items},
        }
    return result


# --------------------------------------------------------------------------- tasks


def page_items(eval_set: EvalSet, tool: str) -> list[tuple[str, Any]]:
    """Page-task inputs: declutter gets the raw bytes (it decodes them itself, and that
    time is counted); peers get text decoded once by declutter's decoder."""
    from declutter.decoding import decode_page as decode_html

    if tool == DECLUTTER_HTML:
        return [(page_key(page), page.html) for page in eval_set.all_pages()]
    return [(page_key(page), decode_html(page.html)) for page in eval_set.all_pages()]


def text_items(eval_set: EvalSet, tool: str) -> list[tuple[str, str]]:
    """Text-task inputs: the window text for declutter, the same blocks as ``<p>`` for peers."""
    if tool == DECLUTTER_TEXT:
        return [(key, doc.text) for key, doc in eval_set.texts.items()]
    return [
        (key, wrap_as_html(doc.paragraph_texts, doc.lang)) for key, doc in eval_set.texts.items()
    ]


def post_items(page_runs: Mapping[str, Mapping[str, Any]]) -> list[tuple[str, str]]:
    """Post-processing inputs: every non-empty page-task output of every peer."""
    items = []
    for tool, run in page_runs.items():
        if tool == DECLUTTER_HTML:
            continue
        items.extend(
            (f"{tool}\t{key}", text) for key, text in run["outputs"].items() if text.strip()
        )
    return items


def split_post_outputs(
    page_runs: Mapping[str, Mapping[str, Any]], post_run: Mapping[str, Any]
) -> dict[str, dict[str, str]]:
    """Per peer, each page's output after declutter.clean (empty stays empty)."""
    after: dict[str, dict[str, str]] = {}
    for tool, run in page_runs.items():
        if tool == DECLUTTER_HTML:
            continue
        after[tool] = {
            key: post_run["outputs"].get(f"{tool}\t{key}", "") if text.strip() else ""
            for key, text in run["outputs"].items()
        }
    return after


# --------------------------------------------------------------------------- scoring


def score_pages(pages: Sequence[Page], outputs: Mapping[str, str]) -> dict[str, Any]:
    """Quality of ``outputs`` on one corpus: shingle P/R/F1 (mean over pages), or snippet
    counts when the corpus gives snippets instead of a gold text."""
    if not pages:
        raise ValueError("no pages to score")
    if all(page.gold_text is None for page in pages):
        counts = SnippetCounts()
        for page in pages:
            found = outputs.get(page_key(page), "")
            counts += snippet_counts(found, page.with_snippets, page.without_snippets)
        return {
            "metric": "snippets", "documents": len(pages), "precision": counts.precision,
            "recall": counts.recall, "f1": counts.f1, "accuracy": counts.accuracy,
            "tp": counts.tp, "fn": counts.fn, "fp": counts.fp, "tn": counts.tn,
        }  # fmt: skip
    prf = mean_prf(
        shingle_prf(outputs.get(page_key(page), ""), page.gold_text or "") for page in pages
    )
    return {
        "metric": "shingles", "documents": len(pages), "precision": prf.precision,
        "recall": prf.recall, "f1": prf.f1,
    }  # fmt: skip


def substring_overlaps(doc: EvalText, output: str) -> list[Overlap]:
    """Paragraph outcomes for a tool that returns text only: a paragraph counts as kept iff
    its whitespace-normalised text occurs in the normalised output."""
    found = normalise_whitespace(output)
    result = []
    for para, text in zip(doc.paragraphs, doc.paragraph_texts, strict=True):
        if para.label is None:
            continue
        chars = sum(1 for ch in text if not ch.isspace())
        kept = normalise_whitespace(text) in found
        if chars:
            result.append(Overlap(para.label, 0.0 if kept else 1.0, chars))
    return result


def segment_overlaps(doc: EvalText, segments: Sequence[tuple[int, int, float, bool]]) -> list:
    """Paragraph outcomes from declutter's own segments (exact offsets, partial credit)."""
    spans = [ScoredSpan(start, end, 1.0 if removed else 0.0) for start, end, _, removed in segments]
    return overlaps(doc.text, doc.paragraphs, spans)


def text_rates(eval_set: EvalSet, keys: Iterable[str], run: Mapping[str, Any]) -> ParagraphRates:
    """Character-weighted content recall and insert removal of one tool on the text task."""
    found: list[Overlap] = []
    for key in keys:
        doc = eval_set.texts[key]
        if key in run.get("segments", {}):
            found.extend(segment_overlaps(doc, run["segments"][key]))
        else:
            found.extend(substring_overlaps(doc, run["outputs"].get(key, "")))
    return paragraph_rates(found, 0.5)


def declutter_curve(
    eval_set: EvalSet, keys: Iterable[str], run: Mapping[str, Any]
) -> list[dict[str, float]]:
    """Insert precision/recall and content recall against the threshold (text task)."""
    found: list[Overlap] = []
    for key in keys:
        scored = run.get("curve_segments", {}).get(key)
        if scored is None:
            continue
        spans = [ScoredSpan(start, end, score) for start, end, score in scored]
        found.extend(overlaps(eval_set.texts[key].text, eval_set.texts[key].paragraphs, spans))
    return [
        {
            "threshold": t,
            "insert_precision": rates.insert_precision,
            "insert_recall": rates.insert_removal,
            "content_recall": rates.content_recall,
        }
        for t, rates in threshold_curve(found, CURVE_THRESHOLDS)
    ]


def timing_summary(run: Mapping[str, Any]) -> dict[str, Any]:
    """Median and p95 ms per document, documents per second, memory, import and load time."""
    seconds = list(run.get("seconds", {}).values())
    if not seconds:
        return {"documents": 0}
    total = sum(seconds)
    return {
        "documents": len(seconds),
        "median_ms": 1000 * percentile(seconds, 0.5),
        "p95_ms": 1000 * percentile(seconds, 0.95),
        "docs_per_second": len(seconds) / total if total > 0 else float("inf"),
        "peak_rss_mb": run.get("peak_rss_mb"),
        "memory_method": run.get("memory_method"),
        "import_seconds": run.get("import_seconds"),
        "setup_seconds": run.get("setup_seconds"),
    }


def median_ratio(numerator: Mapping[str, float], denominator: Mapping[str, float]) -> float | None:
    """Median over shared documents of per-document time ratios (numerator / denominator)."""
    ratios = [
        numerator[key] / denominator[key]
        for key in numerator.keys() & denominator.keys()
        if denominator[key] > 0
    ]
    return percentile(ratios, 0.5) if ratios else None


def macro(values: Iterable[float | None]) -> float | None:
    """Unweighted mean of the values that exist (None when none do)."""
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None
