"""Turn labelled documents into the labelled units the classifier is fit on.

Training sees a document exactly as ``clean()`` will: the document is rendered to text
(joins and all) and cut into lines and edge pieces by the same code. So a brand byline glued
to the next paragraph ("By AcmeDataIn May...") is, in training as in use, a *piece* of a
line whose other piece is content, and the context model learns what such a piece looks like
next to its line. A line made of several labelled paragraphs takes their label when they
agree and is unknown (context only) when they do not; each of its paragraphs becomes a
piece with its own label. A line of one paragraph also gets its edge pieces (first and last
sentences), labelled like the paragraph.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..kinds import INSERT
from ..paragraphs import Span, Unit, cut_lines, edge_pieces, on_one_line, paragraph_lines
from .data import LabelledDocument, LabelledParagraph

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


def _kind(para: LabelledParagraph) -> str | None:
    return para.kind or ("other" if para.label == INSERT else None)


def _lines_of(doc: LabelledDocument, text: str, spans: list[tuple[int, int]]) -> list[Span]:
    """The lines ``clean`` (plain text) or ``clean_html`` (blocks) would score.

    A page's line is a block: one paragraph, or several when a paragraph is joined to the
    one before it on the same line (``declutter label`` writes a block that the model cut
    in pieces, a glued byline say, as such joined paragraphs, each with its own label).
    """
    if not doc.is_page:
        return paragraph_lines(text)
    lines: list[Span] = []
    for para, (start, end) in zip(doc.paragraphs, spans, strict=True):
        if start >= end:
            continue
        if lines and para.join is not None and on_one_line(para.join):
            lines[-1] = Span(lines[-1].start, end)
        else:
            lines.append(Span(start, end))
    return lines


def document_units(
    doc: LabelledDocument, doc_number: int, dataset: str, out: LabelledUnits
) -> None:
    """Append the line units and piece units of one document to ``out``."""
    text, spans = doc.render()
    lines = _lines_of(doc, text, spans)
    cut = cut_lines(text, lines)  # as prepare() cuts them: the lines of several pieces
    count = len(lines)
    first = 0  # paragraphs before this index end before the current line
    for index, line in enumerate(lines):
        while first < len(spans) and spans[first][1] <= line.start:
            first += 1
        members = []
        k = first
        while k < len(spans) and spans[k][0] < line.end:
            if spans[k][1] > line.start and spans[k][0] < spans[k][1]:
                members.append(k)
            k += 1
        if not members:
            continue
        paras = [doc.paragraphs[k] for k in members]
        html = paras[0].html
        codes = {_label_code(p.label) for p in paras}
        label = codes.pop() if len(codes) == 1 else UNKNOWN
        kinds = {_kind(p) for p in paras}
        kind = kinds.pop() if label == 1 and len(kinds) == 1 else ("other" if label == 1 else None)
        unit = Unit(text[line.start : line.end], doc_number, index, count, False, html)
        out.add(unit, label, doc.source, kind, dataset)
        if len(members) > 1:
            for k in members:
                start, end = max(spans[k][0], line.start), min(spans[k][1], line.end)
                piece = Unit(text[start:end].strip(), doc_number, index, count, True, html)
                para = doc.paragraphs[k]
                out.add(piece, _label_code(para.label), doc.source, _kind(para), dataset)
            continue
        for _, span in edge_pieces(cut.get(index, [line])):
            piece = Unit(text[span.start : span.end], doc_number, index, count, True, html)
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
