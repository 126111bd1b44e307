"""What the classifier sees of a unit: hashed tokens plus a few shallow measurements.

The work is done for a whole batch of units at once (:mod:`declutter.hashing` for the
tokens, :mod:`declutter.measure` for the measurements), because extraction is nearly all of
the cost of scoring and per-unit Python work is what makes it slow. This module adds what
is known of a unit beyond its text (is it a piece of a line, how long is its document, what
did its HTML block say) and returns everything as two blocks, :func:`extract`: hashed
tokens (sparse) and shallow measurements (dense).

Bump :data:`FEATURE_VERSION` whenever a change here, in those two modules, or in the context
features of :func:`declutter.context.context_matrix`, alters the numbers a model was fit
on: a model records it, and loading refuses a mismatch (version 2 added the neighbours'
shape, version 3 dropped the unit's position in its document, version 4 moved extraction to
numpy: new hash functions, and counts by code-point classes; version 5 added where a line
stands relative to the document's content-like text; version 6 whether an HTML block lies
in the page's main region; version 7 whether a piece reads as a byline, and a page block's
piece sees its block's score only where it is lower than its own; version 8 whether a page
block lies in comment-thread markup, a column of pass two only, and version 9 how much of
the page's content-like text shares a block's class words, also pass two only:
:func:`declutter.context.context_matrix`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import scipy.sparse as sp

from .byline_cut import reads_as_byline
from .hashing import HashedTokens, html_tokens
from .html import BlockFeatures
from .measure import N_COLUMNS, measurements
from .paragraphs import Unit
from .textarrays import TextArrays
from .textbits import encodable

FEATURE_VERSION = 9
#: Only this many characters of a unit are read (its opening is what tells, for long ones).
TEXT_LIMIT = 2000
#: Units are featurized in chunks of about this many characters, to bound peak memory.
CHUNK_CHARS = 1 << 20
_TAG_GROUPS = ("p", "heading", "li", "cell", "div", "inline", "other")
_SEMANTIC = ("article", "main", "aside", "nav", "footer", "header", "form")


def _tag_group(tag: str) -> str:
    if tag == "p":
        return "p"
    if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
        return "heading"
    if tag in {"li", "dt", "dd"}:
        return "li"
    if tag in {"td", "th"}:
        return "cell"
    if tag in {"div", "section", "article", "main", "blockquote", "pre", "figure", "figcaption"}:
        return "div"
    if tag in {"a", "span", "b", "strong", "em", "i", "font", "small"}:
        return "inline"
    return "other"


def html_measurements(html: BlockFeatures | None) -> list[float]:
    """What the HTML block said: tag group, link density, semantic container, depth, and
    whether it lies in or out of the page's main region."""
    if html is None:
        return [0.0] * (2 + len(_TAG_GROUPS) + len(_SEMANTIC) + 3)
    group = _tag_group(html.tag)
    return [
        1.0,
        float(html.link_density),
        *(float(group == g) for g in _TAG_GROUPS),
        *(float(html.in_semantic == s) for s in _SEMANTIC),
        min(float(html.depth), 60) / 60,
        float(html.main_region == "in"),
        float(html.main_region == "out"),
    ]


N_POSITION = 3
N_DENSE = N_COLUMNS + N_POSITION + len(html_measurements(None))
#: The dense block's column that is 1 for a page block (a unit with HTML features), 0 for text.
HAS_HTML_COLUMN = N_COLUMNS + N_POSITION


def page_rows(dense: np.ndarray) -> np.ndarray:
    """Which rows of a dense block are page blocks: the rows the page context networks
    score, and whose pieces read their block's score the page way (:mod:`declutter.context`)."""
    return dense[:, HAS_HTML_COLUMN] > 0


def position_block(units: Sequence[Unit]) -> np.ndarray:
    """Per unit: whether it is a piece of a line, whether that piece reads as a byline, and
    how long its document is.

    A byline piece is what a byline cut leaves before the paragraph it was glued to
    ("Präsentiert von Luftfahrt Monitor|EuroWings Süd streicht..."): its words alone are
    few and its neighbours are article text, so without this column the context pass pulled
    such pieces under the threshold by chance of the draw (0.84-0.93 against 0.92 across
    retrains, docs/experiments.md sections 12 and 13). Pieces only: a whole line "By Jane
    Smith" is a person's byline, which the corpora label as they please.

    Deliberately *not* where the unit stands: in training data the first and last lines are
    mostly boilerplate (page furniture, or the edges of an evaluation window), and a model
    that learns that removes the last real paragraph of an already-clean article. Edges
    reach the context step only as "no neighbour here", next to the neighbours' scores.
    """
    pieces = np.fromiter((u.piece for u in units), dtype=np.float64, count=len(units))
    bylines = np.fromiter(
        (u.piece and reads_as_byline(u.text) for u in units), dtype=np.float64, count=len(units)
    )
    counts = np.fromiter((u.lines for u in units), dtype=np.float64, count=len(units))
    return np.column_stack([pieces, bylines, np.log1p(counts) / 6])


def html_block(units: Sequence[Unit]) -> np.ndarray:
    """:func:`html_measurements` of every unit (all zeros for plain text, cheaply)."""
    width = len(html_measurements(None))
    if all(u.html is None for u in units):
        return np.zeros((len(units), width))
    return np.asarray([html_measurements(u.html) for u in units], dtype=np.float64).reshape(
        len(units), width
    )


def _chunks(units: Sequence[Unit]) -> Iterator[Sequence[Unit]]:
    """Consecutive runs of units of about :data:`CHUNK_CHARS` characters (read) each."""
    start, size = 0, 0
    for end, unit in enumerate(units, 1):
        size += min(len(unit.text), TEXT_LIMIT) + 1
        if size >= CHUNK_CHARS:
            yield units[start:end]
            start, size = end, 0
    if start < len(units):
        yield units[start:]


def extract(units: Sequence[Unit], hash_bits: int) -> tuple[sp.csr_matrix, np.ndarray]:
    """The hashed-token block and the dense block of a batch of units (see the module doc)."""
    if len(units) == 0:
        return sp.csr_matrix((0, 1 << hash_bits)), np.zeros((0, N_DENSE))
    parts = [_extract_chunk(chunk, hash_bits) for chunk in _chunks(units)]
    if len(parts) == 1:
        return parts[0]
    return sp.vstack([p[0] for p in parts], format="csr"), np.vstack([p[1] for p in parts])


def _extract_chunk(units: Sequence[Unit], hash_bits: int) -> tuple[sp.csr_matrix, np.ndarray]:
    texts = [u.text[:TEXT_LIMIT] for u in units]
    try:
        arrays = TextArrays(texts)
    except UnicodeEncodeError:  # lone surrogates: see textbits.encodable
        arrays = TextArrays([encodable(t) for t in texts])
    tokens = HashedTokens(arrays)
    tokens.add_named(*html_tokens([u.html for u in units]))
    full_lengths = np.fromiter((len(u.text) for u in units), dtype=np.float64, count=len(units))
    measured = measurements(arrays, full_lengths, tokens.stopword_share())
    dense = np.hstack([measured, position_block(units), html_block(units)])
    return tokens.matrix(hash_bits), dense
