"""Scores for extracted text: shingle P/R/F1, snippet counts, and paragraph-level rates.

Three views, because the corpora carry three kinds of gold:

* page-level gold text (scrapinghub_aeb, dragnet, cleaneval, googletrends2017): token
  4-shingle precision/recall/F1, computed per document and then averaged, the way the
  Scrapinghub article-extraction benchmark describes its metric;
* snippets (trafilatura_eval): a few sentences that must, or must not, appear in the output,
  counted as tp/fn/fp/tn over all pages, the way trafilatura's evaluation describes it;
* paragraph labels (the text task, where every paragraph is content or insert): how many
  characters of content survive and how many characters of inserts go, which is the view a
  user of ``declutter.clean`` cares about most (content recall comes first).
"""

from __future__ import annotations

import functools
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

#: Shingle length of the Scrapinghub benchmark metric.
SHINGLE_SIZE = 4

_TOKEN = re.compile(r"\w+")


def tokenize(text: str) -> list[str]:
    """Split ``text`` into word tokens (runs of Unicode word characters), keeping case.

    Punctuation and whitespace are dropped, so the metric does not punish a tool for how it
    joins paragraphs or renders quotes; case is kept because it is part of the text.
    """
    return _TOKEN.findall(text)


def shingles(tokens: Sequence[str], size: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    """The multiset of ``size``-token shingles of ``tokens``.

    A text shorter than ``size`` tokens (but not empty) becomes one shingle of all its tokens,
    so that a two-word gold text can still be matched exactly instead of scoring as empty.
    """
    if not tokens:
        return Counter()
    if len(tokens) < size:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1))


@functools.lru_cache(maxsize=8192)
def _gold_shingles(gold: str, size: int) -> Counter[tuple[str, ...]]:
    """Gold shingles, cached: every tool of every task is scored against the same gold.

    Callers must not modify the returned Counter (``&`` and ``sum`` do not).
    """
    return shingles(tokenize(gold), size)


@dataclass(frozen=True)
class PRF:
    """Precision, recall and F1 of one document (or their means over many)."""

    precision: float
    recall: float
    f1: float


def f1_score(precision: float, recall: float) -> float:
    """Harmonic mean of precision and recall; 0 when both are 0."""
    total = precision + recall
    return 2 * precision * recall / total if total else 0.0


def shingle_prf(prediction: str, gold: str, size: int = SHINGLE_SIZE) -> PRF:
    """Token-shingle precision, recall and F1 of ``prediction`` against ``gold``.

    ``P = |pred ∩ gold| / |pred|`` and ``R = |pred ∩ gold| / |gold|`` where both are
    multisets of shingles (a shingle repeated in the gold must be repeated in the prediction
    to count twice). Edge cases, chosen so that doing nothing never scores well:

    * prediction and gold both empty: P = R = F1 = 1 (the tool correctly returned nothing);
    * prediction empty, gold not: P = R = F1 = 0 (an empty answer earns no precision credit,
      which is also how a crashed extractor is scored);
    * gold empty, prediction not: P = 0, R = 1, F1 = 0 (nothing to find, everything returned
      is junk).
    """
    pred = shingles(tokenize(prediction), size)
    want = _gold_shingles(gold, size)
    if not pred and not want:
        return PRF(1.0, 1.0, 1.0)
    if not pred:
        return PRF(0.0, 0.0, 0.0)
    if not want:
        return PRF(0.0, 1.0, 0.0)
    common = sum((pred & want).values())
    precision = common / sum(pred.values())
    recall = common / sum(want.values())
    return PRF(precision, recall, f1_score(precision, recall))


def mean_prf(scores: Iterable[PRF]) -> PRF:
    """Per-document scores averaged field by field (F1 is the mean of F1s, not of P and R).

    Raises ValueError on no scores, since an average of nothing would hide an empty corpus.
    """
    items = list(scores)
    if not items:
        raise ValueError("no documents were scored; check the corpus path and subset")
    return PRF(
        statistics.fmean(s.precision for s in items),
        statistics.fmean(s.recall for s in items),
        statistics.fmean(s.f1 for s in items),
    )


def normalise_whitespace(text: str) -> str:
    """Collapse every run of whitespace to one space and trim, for snippet matching."""
    return " ".join(text.split())


@dataclass(frozen=True)
class SnippetCounts:
    """Snippet outcomes summed over pages: ``with`` found/missed, ``without`` found/absent."""

    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0

    def __add__(self, other: SnippetCounts) -> SnippetCounts:
        return SnippetCounts(
            self.tp + other.tp, self.fn + other.fn, self.fp + other.fp, self.tn + other.tn
        )

    @property
    def precision(self) -> float:
        """tp / (tp + fp); 0 when no snippet was found at all."""
        found = self.tp + self.fp
        return self.tp / found if found else 0.0

    @property
    def recall(self) -> float:
        """tp / (tp + fn); 0 when there was no ``with`` snippet."""
        wanted = self.tp + self.fn
        return self.tp / wanted if wanted else 0.0

    @property
    def accuracy(self) -> float:
        """(tp + tn) / all snippets; 0 when there were none."""
        total = self.tp + self.fn + self.fp + self.tn
        return (self.tp + self.tn) / total if total else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of :attr:`precision` and :attr:`recall`."""
        return f1_score(self.precision, self.recall)


def snippet_counts(
    prediction: str, with_snippets: Iterable[str], without_snippets: Iterable[str]
) -> SnippetCounts:
    """Count which snippets a prediction contains, after whitespace normalisation.

    A snippet is found iff its normalised text is a substring of the normalised prediction.
    Snippets that are empty after normalisation are ignored: every text would contain them.
    """
    text = normalise_whitespace(prediction)
    tp = fn = fp = tn = 0
    for snippet in filter(None, map(normalise_whitespace, with_snippets)):
        if snippet in text:
            tp += 1
        else:
            fn += 1
    for snippet in filter(None, map(normalise_whitespace, without_snippets)):
        if snippet in text:
            fp += 1
        else:
            tn += 1
    return SnippetCounts(tp, fn, fp, tn)


@dataclass(frozen=True)
class LabelledSpan:
    """A gold paragraph: its character range in the cleaned text and its label."""

    start: int
    end: int
    label: str


@dataclass(frozen=True)
class ScoredSpan:
    """A segment as ``declutter.clean`` scored it (kept or removed follows from the score)."""

    start: int
    end: int
    score: float


@dataclass(frozen=True)
class Overlap:
    """Non-whitespace characters shared by one gold paragraph and one scored segment."""

    label: str
    score: float
    chars: int


def _visible_chars(text: str) -> int:
    return sum(1 for ch in text if not ch.isspace())


def overlaps(
    text: str, paragraphs: Sequence[LabelledSpan], segments: Sequence[ScoredSpan]
) -> list[Overlap]:
    """Pair every gold paragraph with the segments that cover it, in characters.

    Only non-whitespace characters count, because segments skip the whitespace between
    paragraphs; both inputs must be sorted by start (as documents are). Unlabelled
    paragraphs (label None) are skipped: they are context, not gold.
    """
    result: list[Overlap] = []
    first = 0
    for para in paragraphs:
        if para.label is None:
            continue
        while first < len(segments) and segments[first].end <= para.start:
            first += 1
        index = first
        while index < len(segments) and segments[index].start < para.end:
            seg = segments[index]
            lo, hi = max(para.start, seg.start), min(para.end, seg.end)
            chars = _visible_chars(text[lo:hi]) if hi > lo else 0
            if chars:
                result.append(Overlap(para.label, seg.score, chars))
            index += 1
    return result


@dataclass(frozen=True)
class ParagraphRates:
    """Character-weighted outcome at one threshold, summed over documents."""

    content_chars: int
    content_kept: int
    insert_chars: int
    insert_removed: int

    @property
    def content_recall(self) -> float:
        """Share of content characters kept (1.0 when there was no content)."""
        return self.content_kept / self.content_chars if self.content_chars else 1.0

    @property
    def insert_removal(self) -> float:
        """Share of insert characters removed (insert recall; 1.0 when there were none)."""
        return self.insert_removed / self.insert_chars if self.insert_chars else 1.0

    @property
    def insert_precision(self) -> float:
        """Share of removed characters that were inserts (1.0 when nothing was removed)."""
        removed = self.insert_removed + (self.content_chars - self.content_kept)
        return self.insert_removed / removed if removed else 1.0


def paragraph_rates(found: Iterable[Overlap], threshold: float) -> ParagraphRates:
    """Rates when every segment scoring ``>= threshold`` is removed (declutter's rule)."""
    content_chars = content_kept = insert_chars = insert_removed = 0
    for item in found:
        removed = item.score >= threshold
        if item.label == "content":
            content_chars += item.chars
            content_kept += 0 if removed else item.chars
        else:
            insert_chars += item.chars
            insert_removed += item.chars if removed else 0
    return ParagraphRates(content_chars, content_kept, insert_chars, insert_removed)


def threshold_curve(
    found: Sequence[Overlap], thresholds: Iterable[float]
) -> list[tuple[float, ParagraphRates]]:
    """:func:`paragraph_rates` at each threshold, from one scoring run."""
    return [(t, paragraph_rates(found, t)) for t in thresholds]


def percentile(values: Sequence[float], fraction: float) -> float:
    """The ``fraction`` quantile by linear interpolation (0.5 = median, 0.95 = p95)."""
    if not values:
        raise ValueError("percentile of no values; was any document timed?")
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)
