"""Speed measurements that are not one pass over the corpus: scaling, one article, a batch.

These run inside a worker process (see :mod:`benchmarks.worker`), one job for declutter and
one for trafilatura, so each tool is timed cold-imported and alone. Every figure is a median
of repeated calls after a warm-up call, because the first call pays for lazy imports and
caches that a long-running scraper pays only once.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

#: Document lengths (in paragraphs) of declutter's scaling curve.
SCALING_SIZES = (1, 10, 100, 1000)
#: Paragraph count of the "typical article" compared with trafilatura on its page.
ARTICLE_PARAGRAPHS = 30


def median_seconds(call: Callable[[], Any], repeats: int, warmup: int = 1) -> float:
    """Median wall time of ``call`` over ``repeats`` runs, after ``warmup`` untimed runs."""
    for _ in range(warmup):
        call()
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def synthetic_document(paragraphs: Sequence[str], count: int) -> str:
    """A document of ``count`` paragraphs, cycling through real ones, blank-line separated."""
    if not paragraphs:
        raise ValueError("no paragraphs to build synthetic documents from")
    return "\n\n".join(paragraphs[i % len(paragraphs)] for i in range(count))


def repeats_for(count: int) -> int:
    """Enough repeats for a stable median without spending minutes on the long documents."""
    return max(5, min(100, 2000 // count))


def scaling_curve(clean: Callable[[str], Any], paragraphs: Sequence[str]) -> dict[int, float]:
    """Median seconds of ``clean`` on synthetic documents of each of :data:`SCALING_SIZES`."""
    curve = {}
    for count in SCALING_SIZES:
        text = synthetic_document(paragraphs, count)
        curve[count] = median_seconds(lambda text=text: clean(text), repeats_for(count))
    return curve


def batch_rate(clean: Callable[[str], Any], texts: Sequence[str]) -> float:
    """Documents per second when cleaning ``texts`` one after another in one process."""
    if not texts:
        return 0.0
    clean(texts[0])
    started = time.perf_counter()
    for text in texts:
        clean(text)
    elapsed = time.perf_counter() - started
    return len(texts) / elapsed if elapsed > 0 else float("inf")


def declutter_speed(job: dict[str, Any]) -> dict[str, Any]:
    """Scaling curve, one ~30-paragraph article, and batch throughput of ``declutter.clean``."""
    import declutter

    model = declutter.load_model(job.get("model_path"))

    def clean(text: str) -> Any:
        return declutter.clean(text, model=model)

    result: dict[str, Any] = {
        "scaling_seconds": scaling_curve(clean, job["paragraphs"]),
        "article_seconds": median_seconds(lambda: clean(job["article_text"]), 200, warmup=3),
        "batch_docs_per_second": batch_rate(clean, job["batch_texts"]),
        "batch_documents": len(job["batch_texts"]),
    }
    many = _clean_many()
    if many is not None:
        texts = job["batch_texts"]
        for n_jobs in (1, 2):
            rate = _many_rate(many, texts, n_jobs, model)
            result[f"clean_many_docs_per_second_{n_jobs}_jobs"] = rate
    return result


def _clean_many() -> Callable[..., Any] | None:
    """declutter's batch entry point (``declutter.batch.clean_many``), if this version has one."""
    try:
        from declutter.batch import clean_many
    except ImportError:
        return None
    return clean_many


#: Documents per chunk of the batch API (declutter.batch.DEFAULT_BATCH_SIZE).
_BATCH_CHUNK = 64


def _many_rate(many: Callable[..., Any], texts: Sequence[str], n_jobs: int, model: Any) -> float:
    """Documents per second of the batch API (its results are lazy: consume them all).

    The warm-up gives every worker at least one chunk, so that each has started and loaded
    the model before the clock runs (a long-running crawl pays that once per worker).
    """
    for _ in many(texts[: 2 * n_jobs * _BATCH_CHUNK], model=model, n_jobs=n_jobs):
        pass
    started = time.perf_counter()
    count = sum(1 for _ in many(texts, model=model, n_jobs=n_jobs))
    elapsed = time.perf_counter() - started
    return count / elapsed if elapsed > 0 else 0.0


def trafilatura_article_speed(job: dict[str, Any]) -> dict[str, Any]:
    """Median seconds of trafilatura's default extraction on the article's page."""
    import trafilatura

    html = job["article_html"]
    seconds = median_seconds(lambda: trafilatura.extract(html), 30, warmup=2)
    return {"article_seconds": seconds, "version": trafilatura.__version__}


def run_speed_job(job: dict[str, Any]) -> dict[str, Any]:
    """Entry point for the worker: ``target`` is ``declutter`` or ``trafilatura``."""
    targets = {"declutter": declutter_speed, "trafilatura": trafilatura_article_speed}
    if job["target"] not in targets:
        raise ValueError(f"unknown speed target {job['target']!r}; use one of {list(targets)}")
    return {"tool": job["target"], **targets[job["target"]](job)}
