"""``evaluate()``: run the real cleaning pipeline on labelled documents and score it.

Each labelled document is rendered to the text a user would pass (joins and all), cleaned
by the same code as :func:`declutter.clean` (or, for documents made from HTML pages, with
their blocks and HTML features as :func:`declutter.clean_html` sees them), and each labelled
paragraph counts as removed when most of its characters were removed. So the scores include
the segmentation step, glued inserts included, not just the classifier.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from ..core import Prepared, finish_many, prepare, score_units
from ..model import Model
from ..options import Options
from ..paragraphs import Span
from ..result import Cleaned
from .data import LabelledDocument
from .metrics import Scores, score_decisions

BATCH_DOCUMENTS = 64


def prepare_labelled(doc: LabelledDocument, number: int = 0) -> Prepared:
    """Prepare a labelled document as ``clean`` (plain text) or ``clean_html`` (blocks) would."""
    text, spans = doc.render()
    if doc.is_page:
        html = [p.html for p in doc.paragraphs if p.html is not None]  # all: is_page
        return prepare(text, [Span(a, b) for a, b in spans], html, number)
    return prepare(text, doc=number)


def _removed_prefix(cleaned: Cleaned) -> tuple[list[int], list[int]]:
    """Prefix sums of non-whitespace characters: all, and those inside removed segments."""
    source = cleaned.source
    removed = bytearray(len(source))
    for seg in cleaned.removed:
        removed[seg.start : seg.end] = b"\x01" * (seg.end - seg.start)
    total, inside = [0], [0]
    for char, flag in zip(source, removed):
        solid = not char.isspace()
        total.append(total[-1] + solid)
        inside.append(inside[-1] + (solid and flag))
    return total, inside


def paragraph_decisions(doc: LabelledDocument, cleaned: Cleaned) -> list[tuple[int, bool, int]]:
    """(label, removed, characters) for each paragraph of ``doc`` given its cleaning result.

    A paragraph counts as removed when more than half of its non-whitespace characters lie
    inside removed segments.
    """
    _, spans = doc.render()
    total, inside = _removed_prefix(cleaned)
    rows = []
    for para, (start, end) in zip(doc.paragraphs, spans):
        label = -1 if para.label is None else int(para.label == "insert")
        solid = total[end] - total[start]
        share = (inside[end] - inside[start]) / solid if solid else 0.0
        rows.append((label, share > 0.5, end - start))
    return rows


def clean_labelled(
    model: Model, docs: Sequence[LabelledDocument], threshold: float | None = None
) -> list[Cleaned]:
    """Clean labelled documents in batches through one model call per batch, each at the
    threshold given, else at the one ``clean()`` or ``clean_html()`` would use for it."""
    options = Options(threshold)
    results: list[Cleaned] = []
    for start in range(0, len(docs), BATCH_DOCUMENTS):
        chunk = docs[start : start + BATCH_DOCUMENTS]
        batch = [prepare_labelled(d, i) for i, d in enumerate(chunk)]
        thresholds = [
            options.threshold_for(model, html=doc.is_page, one_line=prepared.one_line)
            for doc, prepared in zip(chunk, batch, strict=True)
        ]
        results += finish_many(batch, score_units(model, batch), model, thresholds)
    return results


def evaluate(
    model: Model, docs: Iterable[LabelledDocument], threshold: float | None = None
) -> dict[str, Any]:
    """Paragraph-level scores per source and overall, as a JSON-ready dict."""
    docs = list(docs)
    by_source: dict[str, list[tuple[int, bool, int]]] = defaultdict(list)
    for doc, cleaned in zip(docs, clean_labelled(model, docs, threshold)):
        by_source[doc.source].extend(paragraph_decisions(doc, cleaned))
    every = [row for rows in by_source.values() for row in rows]
    applied = "model default (text / one line / html)" if threshold is None else threshold
    return {
        "threshold": applied,
        "documents": len(docs),
        "overall": score_decisions(every).as_dict(),
        "sources": {s: score_decisions(rows).as_dict() for s, rows in sorted(by_source.items())},
    }


def format_table(report: dict[str, Any], title: str = "") -> str:
    """A fixed-width table of an :func:`evaluate` report: one row per source, then overall."""
    columns = ("paras", 6), ("ins", 5), ("ins_P", 6), ("ins_R", 6), ("ins_F1", 6), ("cont_R", 7)
    head = f"{'source':<34} " + " ".join(f"{name:>{width}}" for name, width in columns)
    lines = [title, head, "-" * len(head)] if title else [head, "-" * len(head)]

    def row(name: str, s: dict[str, Any]) -> str:
        return (
            f"{name[:34]:<34} {s['paragraphs']:>6} {s['inserts']:>5} {s['insert_precision']:>6.3f} "
            f"{s['insert_recall']:>6.3f} {s['insert_f1']:>6.3f} {s['content_recall']:>7.4f}"
        )

    lines += [row(name, s) for name, s in report["sources"].items()]
    lines += ["-" * len(head), row("OVERALL", report["overall"])]
    return "\n".join(lines)


__all__ = ["Scores", "clean_labelled", "evaluate", "format_table", "paragraph_decisions"]
