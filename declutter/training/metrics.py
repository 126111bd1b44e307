"""Paragraph-level scores: insert precision/recall/F1 and character-weighted content recall.

Content recall is weighted by characters because losing a long paragraph is worse than
losing a one-word line; insert scores are counted per paragraph, because an insert is
a unit a reader notices whatever its length.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Scores:
    """Paragraph-level scores of one evaluation (one source, one dataset, or all)."""

    paragraphs: int
    inserts: int
    insert_precision: float
    insert_recall: float
    insert_f1: float
    content_recall: float

    def as_dict(self) -> dict[str, float]:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in asdict(self).items()}


def score_decisions(rows: Iterable[tuple[int, bool, int]]) -> Scores:
    """Score (label, removed, characters) rows: label 1 insert, 0 content; -1 is skipped."""
    tp = fp = fn = 0
    content_chars = kept_chars = 0
    n = inserts = 0
    for label, removed, chars in rows:
        if label < 0:
            continue
        n += 1
        if label == 1:
            inserts += 1
            tp += removed
            fn += not removed
        else:
            fp += removed
            content_chars += chars
            kept_chars += 0 if removed else chars
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    content = kept_chars / content_chars if content_chars else 1.0
    return Scores(n, inserts, precision, recall, f1, content)
