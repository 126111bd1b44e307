"""How much a corpus score would move on other pages like these: a page bootstrap.

The gate compares declutter's scores with pinned floors. A score is an aggregate over pages
(a mean of per-page F1s, or a ratio of summed characters or snippet counts), so it moves
when the pages move; the question the gate needs answered is by how much. Resampling the
pages with replacement and recomputing the aggregate each time answers it without assuming
a distribution: the half-width of the central 95 % of the resampled scores is the spread
a score has from the choice of pages alone, and a floor set that far below today's score is
missed by chance about one time in forty.

Every gated score is a function of per-page *components* summed over pages (one row per
page), so one resample is one weighted sum of rows:

* ``mean``: components ``[f1]``; the score is their mean (the benchmark's shingle F1);
* ``ratio``: components ``[part, whole]`` (content characters kept and content characters;
  insert characters removed and insert characters); the score is sum(part) / sum(whole),
  1.0 when there is no whole (as :class:`benchmarks.metrics.ParagraphRates` does);
* ``snippet_f1``: components ``[tp, fn, fp]``; the score is the F1 of the summed counts (the
  benchmark's trafilatura_eval metric).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

#: Resamples per score, and the seed: fixed so that the same pages give the same spread.
RESAMPLES = 1000
SEED = 20261203
#: Central share of the resampled scores whose half-width is the spread.
CONFIDENCE = 0.95

MEAN, RATIO, SNIPPET_F1 = "mean", "ratio", "snippet_f1"
#: Components per page of each kind of score.
WIDTHS = {MEAN: 1, RATIO: 2, SNIPPET_F1: 3}


def _safe_divide(numerator: np.ndarray, denominator: np.ndarray, empty: float) -> np.ndarray:
    """numerator / denominator elementwise, ``empty`` where the denominator is 0."""
    out = np.full(numerator.shape, empty, dtype=float)
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out


def _mean(sums: np.ndarray, pages: int) -> np.ndarray:
    return sums[..., 0] / pages


def _ratio(sums: np.ndarray, pages: int) -> np.ndarray:
    return _safe_divide(sums[..., 0], sums[..., 1], 1.0)


def _snippet_f1(sums: np.ndarray, pages: int) -> np.ndarray:
    """F1 of summed snippet counts; precision and recall are 0 when nothing was found or
    wanted, as :class:`benchmarks.metrics.SnippetCounts` has them."""
    tp, fn, fp = sums[..., 0], sums[..., 1], sums[..., 2]
    precision = _safe_divide(tp, tp + fp, 0.0)
    recall = _safe_divide(tp, tp + fn, 0.0)
    return _safe_divide(2 * precision * recall, precision + recall, 0.0)


_STATISTICS: dict[str, Callable[[np.ndarray, int], np.ndarray]] = {
    MEAN: _mean,
    RATIO: _ratio,
    SNIPPET_F1: _snippet_f1,
}


def _rows(kind: str, rows: Sequence[Sequence[float]]) -> np.ndarray:
    """The components as a pages x width array, checked against the kind of score."""
    if kind not in _STATISTICS:
        raise ValueError(f"unknown kind of score {kind!r}; use one of {', '.join(_STATISTICS)}")
    if len(rows) == 0:
        raise ValueError("no pages to score")
    array = np.asarray(rows, dtype=float).reshape(len(rows), -1)
    if array.shape[1] != WIDTHS[kind]:
        raise ValueError(f"a {kind} score takes {WIDTHS[kind]} components per page")
    return array


def score(kind: str, rows: Sequence[Sequence[float]]) -> float:
    """The aggregate score of these pages, exactly as the benchmark computes it."""
    array = _rows(kind, rows)
    return float(_STATISTICS[kind](array.sum(axis=0), len(array)))


def half_width(
    kind: str,
    rows: Sequence[Sequence[float]],
    *,
    resamples: int = RESAMPLES,
    seed: int = SEED,
    confidence: float = CONFIDENCE,
) -> float:
    """Half the width of the central ``confidence`` interval of the score over
    ``resamples`` resamples of the pages (with replacement, as many pages as given)."""
    array = _rows(kind, rows)
    pages = len(array)
    picks = np.random.default_rng(seed).integers(0, pages, size=(resamples, pages))
    scores = _STATISTICS[kind](array[picks].sum(axis=1), pages)
    tail = (1 - confidence) / 2
    low, high = np.quantile(scores, [tail, 1 - tail])
    return float(high - low) / 2
