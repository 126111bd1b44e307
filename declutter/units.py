"""Turn labelled documents into the labelled units the classifier is fit on.

Each labelled paragraph is a line unit. Because ``clean()`` also scores the first and last
sentences (or glued fragments) of a line as *pieces*, the edge pieces of every paragraph are
added as piece units with the paragraph's label, and paragraphs glued to a neighbour in the
rendered text are added as pieces too: the model then sees pieces as it will meet them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .data import LabelledDocument
from .features import Unit
from .kinds import INSERT
from .paragraphs import Span, edge_pieces, split_pieces

UNKNOWN = -1


@dataclass
class LabelledUnits:
    """Parallel lists: units, labels (1 insert, 0 content, -1 unknown), groups, kinds, datasets."""

    units: list[Unit] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    kinds: list[str | None] = field(default_factory=list)
    datasets: list[str] = field(default_factory=list)

    def add(self, unit: Unit, label: int, group: str, kind: str | None, dataset: str) -> None:
        self.units.append(unit)
        self.labels.append(label)
        self.groups.append(group)
        self.kinds.append(kind)
        self.datasets.append(dataset)


def _label_code(label: str | None) -> int:
    if label is None:
        return UNKNOWN
    return 1 if label == INSERT else 0


def document_units(
    doc: LabelledDocument, doc_number: int, dataset: str, out: LabelledUnits
) -> None:
    """Append the line units and edge-piece units of one document to ``out``."""
    count = len(doc.paragraphs)
    for index, para in enumerate(doc.paragraphs):
        label = _label_code(para.label)
        kind = para.kind or ("other" if label == 1 else None)
        out.add(
            Unit(para.text, doc_number, index, count, False, para.html),
            label,
            doc.source,
            kind,
            dataset,
        )
        glued = para.join is not None and para.join in ("", " ")
        nxt = doc.paragraphs[index + 1] if index + 1 < count else None
        if glued or (nxt is not None and nxt.join in ("", " ")):
            out.add(
                Unit(para.text, doc_number, index, count, True, para.html),
                label,
                doc.source,
                kind,
                dataset,
            )
            continue
        pieces = split_pieces(para.text, Span(0, len(para.text)))
        for _, span in edge_pieces(pieces):
            piece = Unit(
                para.text[span.start : span.end], doc_number, index, count, True, para.html
            )
            out.add(piece, label, doc.source, kind, dataset)


def build_units(datasets: list[tuple[str, list[LabelledDocument]]]) -> LabelledUnits:
    """Labelled units of every document of every dataset, documents numbered in order."""
    out = LabelledUnits()
    number = 0
    for name, docs in datasets:
        for doc in docs:
            document_units(doc, number, name, out)
            number += 1
    return out
