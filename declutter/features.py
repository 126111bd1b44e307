"""What the classifier sees of a unit: hashed tokens plus a few shallow measurements.

The work is done for a whole batch of units at once (:mod:`declutter.hashing` for the
tokens, :mod:`declutter.measure` for the measurements), because extraction is nearly all of
the cost of scoring and per-unit Python work is what makes it slow. This module adds what
is known of a unit beyond its text (is it a piece of a line, how long is its document, what
did its HTML block say) and gathers everything in :class:`UnitFeaturizer`, one scikit-learn
transformer, so that the whole model is one artifact.

Bump :data:`FEATURE_VERSION` whenever a change here, in those two modules, or in the context
features of :func:`declutter.classifier.context_matrix`, alters the numbers a model was fit
on: a model records it, and loading refuses a mismatch (version 2 added the neighbours'
shape, version 3 dropped the unit's position in its document, version 4 moved extraction to
numpy: new hash functions, and counts by code-point classes; version 5 added where a line
stands relative to the document's content-like text).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin

from .hashing import HashedTokens, html_tokens
from .measure import N_COLUMNS, measurements
from .textarrays import TextArrays
from .textbits import encodable

FEATURE_VERSION = 6
#: Only this many characters of a unit are read (its opening is what tells, for long ones).
TEXT_LIMIT = 2000
#: Units are featurized in chunks of about this many characters, to bound peak memory.
CHUNK_CHARS = 1 << 20
_TAG_GROUPS = ("p", "heading", "li", "cell", "div", "inline", "other")
_SEMANTIC = ("article", "main", "aside", "nav", "footer", "header", "form")


class Unit(NamedTuple):
    """One scoreable unit: a line (paragraph) or a piece of one, with where it stands.

    ``doc`` and ``index`` place the unit among its document's lines (pieces share their
    line's place, with ``piece`` set); ``count`` is the number of lines in the document.
    ``html`` holds features of the HTML block it came from, or None for plain text.

    A named tuple because a batch builds one per line and piece: a tuple is built several
    times faster than a frozen dataclass. ``html`` takes no part in equality and hashing (a
    dict could not be hashed, and two units with the same text and place are the same unit).
    """

    text: str
    doc: int
    index: int  # type: ignore[assignment]  # the field hides tuple.index(), unused here
    count: int  # type: ignore[assignment]  # and tuple.count()
    piece: bool = False
    html: Mapping[str, Any] | None = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Unit) and self[:5] == other[:5]

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(self[:5])


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


def html_measurements(html: Mapping[str, Any] | None) -> list[float]:
    """What the HTML block said: tag group, link density, semantic container, depth, and
    whether it lies in or out of the page's main region."""
    if html is None:
        return [0.0] * (2 + len(_TAG_GROUPS) + len(_SEMANTIC) + 3)
    group = _tag_group(str(html.get("tag", "")))
    semantic = str(html.get("in_semantic", ""))
    return [
        1.0,
        float(html.get("link_density", 0.0)),
        *(float(group == g) for g in _TAG_GROUPS),
        *(float(semantic == s) for s in _SEMANTIC),
        min(float(html.get("depth", 0)), 60) / 60,
        float(html.get("main_region") == "in"),
        float(html.get("main_region") == "out"),
    ]


N_POSITION = 2
N_DENSE = N_COLUMNS + N_POSITION + len(html_measurements(None))


def position_block(units: Sequence[Unit]) -> np.ndarray:
    """Per unit: whether it is a piece of a line, and how long its document is.

    Deliberately *not* where the unit stands: in training data the first and last lines are
    mostly boilerplate (page furniture, or the edges of an evaluation window), and a model
    that learns that removes the last real paragraph of an already-clean article. Edges
    reach the context step only as "no neighbour here", next to the neighbours' scores.
    """
    pieces = np.fromiter((u.piece for u in units), dtype=np.float64, count=len(units))
    counts = np.fromiter((u.count for u in units), dtype=np.float64, count=len(units))
    return np.column_stack([pieces, np.log1p(counts) / 6])


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


class UnitFeaturizer(TransformerMixin, BaseEstimator, auto_wrap_output_keys=None):  # type: ignore[call-arg]
    """Turn a sequence of :class:`Unit` into a sparse matrix: hashed tokens | shallow features.

    Stateless (hashing needs no vocabulary), so ``fit`` only records the input width.
    Its output is always a sparse matrix (no ``set_output`` wrapping: that costs time on
    every call and a DataFrame of 2**18 columns would be of no use).
    """

    def __init__(self, hash_bits: int = 18, dense_weight: float = 1.0) -> None:
        self.hash_bits = hash_bits
        self.dense_weight = dense_weight

    def fit(self, units: Sequence[Unit], y: Any = None) -> UnitFeaturizer:
        self.n_features_out_ = (1 << self.hash_bits) + N_DENSE
        return self

    def transform_parts(self, units: Sequence[Unit]) -> tuple[sp.csr_matrix, np.ndarray]:
        """The hashed-token block (log counts, unit length per row) and the dense block.

        Kept apart for scoring, where a dot product with each block is cheaper than
        building their horizontal stack; :meth:`transform` stacks them for fitting.
        """
        hashed, dense = extract(units, self.hash_bits)
        return hashed, dense * self.dense_weight

    def transform(self, units: Sequence[Unit]) -> sp.csr_matrix:
        hashed, dense = self.transform_parts(units)
        return sp.hstack([hashed, sp.csr_matrix(dense)], format="csr")
