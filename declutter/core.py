"""``clean()`` and ``clean_html()``: split, score, decide, and account for every character.

The steps are small functions so that batch cleaning can reuse them: :func:`prepare` cuts
a document into units, :func:`score_units` asks the model about many documents' units in one
call, and :func:`decide` turns scores into segments.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .errors import check_text
from .html import BlockFeatures, blocks_to_text, page_blocks
from .kind_hints import page_kind
from .kinds import CONTENT
from .model import Model, ModelSource, resolve_model
from .options import DEFAULT_MAX_CHARS, Options
from .paragraphs import Span, Unit, cut_lines, edge_pieces, paragraph_lines
from .result import Cleaned, Segment
from .scoring import KindChoice, UnitKinds, take_kinds

#: Decimals kept of every score (see :func:`finish`).
SCORE_DECIMALS = 9


@dataclass(frozen=True)
class Prepared:
    """A document cut into lines and candidate edge pieces, ready to be scored."""

    source: str
    lines: tuple[Span, ...]
    #: For each line, its strippable edge pieces as (position, span), and its piece count.
    edges: tuple[tuple[tuple[int, Span], ...], ...]
    piece_counts: tuple[int, ...]
    units: tuple[Unit, ...]

    @property
    def one_line(self) -> bool:
        """Whether the document is a single line: plain text of one line is judged at the
        model's one-line threshold (:attr:`declutter.model.Model.one_line_threshold`)."""
        return len(self.lines) == 1


def prepare(
    source: str,
    lines: Sequence[Span] | None = None,
    html: Sequence[BlockFeatures] | None = None,
    doc: int = 0,
) -> Prepared:
    """Cut ``source`` into lines (:func:`declutter.paragraphs.paragraph_lines`, or the
    given ones) and their edge pieces, as units."""
    lines = tuple(paragraph_lines(source) if lines is None else lines)
    count = len(lines)
    cut = cut_lines(source, lines)  # only the lines of several pieces (few)
    units: list[Unit] = []
    edges: list[tuple[tuple[int, Span], ...]] = [()] * count
    piece_counts = [1] * count
    for index, (start, end) in enumerate(lines):
        features = html[index] if html is not None else None
        units.append(Unit(source[start:end], doc, index, count, False, features))
        pieces = cut.get(index)
        if pieces is None:  # most lines: nothing to strip
            continue
        chosen = tuple(edge_pieces(pieces))
        edges[index] = chosen
        piece_counts[index] = len(pieces)
        units.extend(
            Unit(source[p.start : p.end], doc, index, count, True, features) for _, p in chosen
        )
    return Prepared(source, lines, tuple(edges), tuple(piece_counts), tuple(units))


def score_units(model: Model, docs: Sequence[Prepared]) -> list[tuple[np.ndarray, UnitKinds]]:
    """Insert probabilities (and lazily named kinds) of every unit of every document.

    All documents' units go to the model in one call: most of the cost of a short
    document is the fixed price of a call.
    """
    units: list[Unit] = []
    for number, doc in enumerate(docs):
        if all(u.doc == number for u in doc.units[:1]):  # prepared with its number in the batch
            units.extend(doc.units)
        else:
            units.extend(_renumber(u, number) for u in doc.units)
    scores, kinds = model.scorer.score(units)
    out, start = [], 0
    for doc in docs:
        end = start + len(doc.units)
        out.append((scores[start:end], kinds[start:end]))
        start = end
    return out


def _renumber(unit: Unit, doc: int) -> Unit:
    return unit._replace(doc=doc)


class Part(NamedTuple):
    """A decided part of a line (the whole line, or a piece cut off it, or what remains)."""

    span: Span
    score: float
    removed: bool


def _strip_edges(
    edges: Sequence[tuple[int, Span]], scores: Sequence[float], n_pieces: int, cut: float
) -> tuple[list[tuple[Span, float]], list[tuple[Span, float]]]:
    """Leading and trailing pieces to cut: contiguous from each edge, each scoring >= cut.

    When every piece of the line is an edge piece, the lowest-scoring one is never cut (the
    line was not removed whole, so something stays): it is the most content-like, and it
    stays whatever the threshold, so a lower threshold never keeps a piece that a higher
    one removes. (Until 2026-12-05 the last piece stayed when all the others reached the
    threshold: "The council approved... debate. Advertisement" lost its sentence and kept
    "Advertisement" at 0.5, and kept the sentence at 0.95.)
    """
    by_position = {pos: (span, score) for (pos, span), score in zip(edges, scores)}
    kept = (
        min(by_position, key=lambda pos: by_position[pos][1])
        if len(by_position) == n_pieces
        else None
    )
    head: list[tuple[Span, float]] = []
    for pos in range(n_pieces - 1):
        if pos == kept or pos not in by_position or by_position[pos][1] < cut:
            break
        head.append(by_position[pos])
    tail: list[tuple[Span, float]] = []
    for pos in range(n_pieces - 1, len(head), -1):
        if pos == kept or pos not in by_position or by_position[pos][1] < cut:
            break
        tail.insert(0, by_position[pos])
    return head, tail


def decide(doc: Prepared, scores: np.ndarray, threshold: float) -> tuple[list[Part], list[int]]:
    """Turn unit scores into the parts of each line; also return which units were removed.

    A line of one piece is removed when its score reaches ``threshold``. A line of several
    pieces is removed whole only when the line and every edge piece reach it; otherwise
    its leading and trailing pieces that reach the same threshold are cut off and the rest
    is kept. So a real sentence never goes down with the "Read more" glued to it, and every
    segment, piece or line, is removed exactly when its score reaches the threshold the
    caller gave (until 2026-12-04 pieces had a stricter threshold of their own, so a piece
    scoring above the caller's threshold could stay). The parts become segments in
    :func:`finish`, once the removed ones have their kinds.
    """
    parts: list[Part] = []
    removed_units: list[int] = []
    row = 0
    values: list[float] = scores.tolist()
    for line, edges, n_pieces in zip(doc.lines, doc.edges, doc.piece_counts):
        line_score = values[row]
        if not edges:  # a line of one piece (most lines): kept or removed whole
            parts.append(Part(line, line_score, line_score >= threshold))
            if line_score >= threshold:
                removed_units.append(row)
            row += 1
            continue
        piece_scores = values[row + 1 : row + 1 + len(edges)]
        if line_score >= threshold and all(s >= threshold for s in piece_scores):
            parts.append(Part(line, line_score, True))
            removed_units.append(row)
        elif max(piece_scores) < threshold:  # no edge piece to cut: kept whole
            parts.append(Part(line, _kept_score(piece_scores, line_score, threshold), False))
        else:
            scored = _ScoredLine(line, line_score, edges, piece_scores, n_pieces, row)
            parts.extend(_split_line(doc.source, scored, threshold, removed_units))
        row += 1 + len(edges)
    return parts, removed_units


class _ScoredLine(NamedTuple):
    """A line of several pieces with its scores, as :func:`_split_line` needs it."""

    span: Span
    score: float
    edges: Sequence[tuple[int, Span]]  # its strippable edge pieces, (position, span)
    piece_scores: list[float]  # the edge pieces' scores, in the same order
    n_pieces: int
    row: int  # the line's unit number; its edge pieces follow it


def _split_line(
    source: str, line: _ScoredLine, threshold: float, removed_units: list[int]
) -> list[Part]:
    """Cut a kept line's insert pieces off its ends; the middle stays as one kept part."""
    head, tail = _strip_edges(line.edges, line.piece_scores, line.n_pieces, threshold)
    unit_of = {span: line.row + 1 + k for k, (_, span) in enumerate(line.edges)}
    out: list[Part] = [Part(span, score, True) for span, score in head]
    removed_units.extend(unit_of[span] for span, _ in head)
    kept_start = head[-1][0].end if head else line.span.start
    kept_end = tail[0][0].start if tail else line.span.end
    while kept_start < kept_end and source[kept_start].isspace():
        kept_start += 1
    while kept_end > kept_start and source[kept_end - 1].isspace():
        kept_end -= 1
    if kept_start < kept_end:
        if head or tail:  # what is left: the most content-like of the line and its pieces
            kept_score = min([*line.piece_scores, line.score])
        else:
            kept_score = _kept_score(line.piece_scores, line.score, threshold)
        out.append(Part(Span(kept_start, kept_end), kept_score, False))
    out.extend(Part(span, score, True) for span, score in tail)
    removed_units.extend(unit_of[span] for span, _ in tail)
    return out


def _kept_score(piece_scores: list[float], line_score: float, threshold: float) -> float:
    """The score reported for a kept line of several pieces (or what is left of it after a
    cut): its own score, unless that reaches the threshold; then the lowest of its edge
    pieces' scores, the content-like evidence it was kept for.

    This makes the threshold mean what it says for every segment: a removed segment's score
    is at or above it, a kept segment's below it (such a line is kept because it, or one of
    its edge pieces, scored below the threshold).
    """
    return line_score if line_score < threshold else min(piece_scores)


def finish(
    doc: Prepared, scored: tuple[np.ndarray, UnitKinds], model: Model, threshold: float
) -> Cleaned:
    """Decide, then name the kind of every removed segment (one kind-model call).

    Scores are rounded to :data:`SCORE_DECIMALS` first: the context model's matrix products
    may sum in a different order for a different batch size, and a result must not depend
    on which other documents were scored with it.
    """
    return finish_many([doc], [scored], model, [threshold])[0]


def finish_many(
    docs: Sequence[Prepared],
    scored: Sequence[tuple[np.ndarray, UnitKinds]],
    model: Model,
    thresholds: Sequence[float],
) -> list[Cleaned]:
    """:func:`finish` for a batch, each document at its own threshold: every document
    decided, then one kind-model call names the removed segments of all of them (a kind
    depends on its unit alone)."""
    decided = []
    for doc, (scores, kinds), threshold in zip(docs, scored, thresholds, strict=True):
        parts, removed_units = decide(doc, np.round(scores, SCORE_DECIMALS), threshold)
        decided.append((parts, (kinds, removed_units)))
    names = take_kinds([request for _, request in decided])
    results = []
    for doc, (parts, (_, removed_units)), doc_names, threshold in zip(
        docs, decided, names, thresholds
    ):
        named = iter(_with_page_hints(doc, removed_units, doc_names))
        source, build = doc.source, Segment._built
        segments = tuple(
            build(a, b, source[a:b], score, next(named) if removed else CONTENT, removed)
            for (a, b), score, removed in parts
        )
        results.append(Cleaned(source, segments, threshold))
    return results


def _with_page_hints(
    doc: Prepared, rows: Sequence[int], choices: Sequence[KindChoice]
) -> list[str]:
    """The kinds of the removed units ``rows``: for a page block, the one its markup names
    (:func:`declutter.kind_hints.page_kind`), else the model's (``choices``). Plain text
    has no markup and keeps the model's first choice."""
    out = []
    for row, choice in zip(rows, choices, strict=True):
        unit = doc.units[row]
        out.append(choice.first if unit.html is None else page_kind(unit.html, unit.text, choice))
    return out


def clean(
    text: str,
    *,
    threshold: float | None = None,
    model: ModelSource = None,
    max_chars: int | None = DEFAULT_MAX_CHARS,
) -> Cleaned:
    """Remove promotional inserts and boilerplate from article text.

    ``text`` is scraped article text with paragraphs on their own lines (separated by blank
    lines or single newlines; hard-wrapped paragraphs are joined first, see
    :func:`declutter.paragraphs.paragraph_lines`). ``threshold`` (0..1) is the insert
    probability at or above which a paragraph is removed: lower removes more, higher keeps
    more. By default the model's tuned threshold for plain text (``model.threshold``),
    chosen for high content recall, is used; text of a single line gets the model's
    one-line threshold (``model.one_line_threshold``), tuned apart because a lone line has
    no neighbours to vouch for it. ``model`` is a loaded model, a model directory, or None
    for the shipped one. ``max_chars`` refuses longer input with an
    :class:`InputTooLargeError` instead of exhausting memory (``None`` lifts the limit); see
    :mod:`declutter.options`.

    >>> result = clean("Rates rose again on Tuesday, the central bank said, citing wages.\\n\\n"
    ...                "Sign up for our newsletter to get the latest news in your inbox.")
    >>> [segment.kind for segment in result.removed]
    ['newsletter']
    >>> result.text
    'Rates rose again on Tuesday, the central bank said, citing wages.'
    """
    options = Options(threshold=threshold, max_chars=max_chars)
    check_text(text, "clean")
    options.check_size(text, "clean")
    loaded = resolve_model(model)
    doc = prepare(text)
    threshold = options.threshold_for(loaded, html=False, one_line=doc.one_line)
    return finish(doc, score_units(loaded, [doc])[0], loaded, threshold)


def prepare_html(markup: str | bytes, *, encoding: str | None = None, doc: int = 0) -> Prepared:
    """Extract an HTML page's text blocks and prepare them, with their HTML features."""
    blocks = page_blocks(markup, encoding=encoding)
    source, spans = blocks_to_text(blocks)
    return prepare(source, [Span(a, b) for a, b in spans], [b.html for b in blocks], doc)


def clean_html(
    markup: str | bytes,
    *,
    threshold: float | None = None,
    model: ModelSource = None,
    encoding: str | None = None,
    max_chars: int | None = DEFAULT_MAX_CHARS,
) -> Cleaned:
    """Extract the text blocks of an HTML page or fragment and clean them like :func:`clean`.

    The result's offsets refer to ``result.source``: the page's visible text blocks in
    document order, separated by blank lines. ``bytes`` are decoded with ``encoding`` when
    given, else from the BOM, a ``<meta charset>`` that agrees with the bytes, or UTF-8.
    Tag, link density and class/id words of each block are extra evidence for the model;
    the default threshold is the model's page threshold (``model.html_threshold``).
    ``max_chars`` limits the page's length (characters, or bytes for ``bytes``) as in
    :func:`clean`.
    """
    options = Options(threshold=threshold, max_chars=max_chars, encoding=encoding)
    return clean_html_prepared(markup, options, resolve_model(model))[1]


def clean_html_prepared(
    markup: str | bytes, options: Options, model: Model
) -> tuple[Prepared, Cleaned]:
    """:func:`clean_html`, also returning the prepared page: its block lines and their
    HTML features (``declutter label --html`` writes those features with each paragraph)."""
    if not isinstance(markup, (bytes, bytearray)):
        check_text(markup, "clean_html")
    options.check_size(markup, "clean_html")
    doc = prepare_html(markup, encoding=options.encoding)
    threshold = options.threshold_for(model, html=True)
    return doc, finish(doc, score_units(model, [doc])[0], model, threshold)
