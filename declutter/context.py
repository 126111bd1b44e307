"""Pass two's view of a unit: its own first score, the lines around it, and its shape.

Boilerplate comes in clusters, and a short line between two good paragraphs is usually
good; pass one, scoring each unit alone, can know neither (see jusText's context step).
These columns give pass two what it needs: the pass-one scores of the lines at offsets
-3..+3, the shape of the nearest lines, and where the line stands in the document's
article text. Used by scoring (:mod:`declutter.scoring`) and by training alike, so both
see the same numbers; a change here changes the features: bump
:data:`declutter.features.FEATURE_VERSION`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .comment_markup import in_comment_markup
from .features import N_DENSE, page_rows
from .measure import COLUMN
from .paragraphs import Unit

CONTEXT_OFFSETS = (-3, -2, -1, 1, 2, 3)
#: Neighbours whose shape (length, words, sentence end, title case, stop words) is a feature.
SHAPE_OFFSETS = (-2, -1, 1, 2)
#: The shallow measurements that describe a neighbouring line's shape.
NEIGHBOUR_SHAPE = ("log_chars", "log_words", "ends_sentence", "title_case_share", "stopword_share")
_NEIGHBOUR_COLUMNS = [COLUMN[name] for name in NEIGHBOUR_SHAPE]
#: Width of :func:`context_matrix`: own scores (2), each neighbour's score and whether it is
#: missing, four summaries of them, three region columns, the neighbours' shapes, whether a
#: page block lies in comment-thread markup, how much of its page's content-like text shares
#: its markup, and the unit's own shallow features.
N_CONTEXT_COLUMNS = (
    2 + 2 * len(CONTEXT_OFFSETS) + 4 + 3 + len(SHAPE_OFFSETS) * len(NEIGHBOUR_SHAPE) + 2 + N_DENSE
)
_CLIP = 8.0


class _Lines:
    """The lines of a batch of units, sorted by (document, line) key, to look up neighbours.

    A unit's key is ``doc * stride + line``; the stride leaves room for every offset, so a
    key plus an offset never reaches another document's lines. Lookups are vectorised with
    ``searchsorted``: this runs on every call to ``clean``.
    """

    def __init__(self, units: Sequence[Unit], clipped: np.ndarray, dense: np.ndarray) -> None:
        n = len(units)
        doc = np.fromiter((u.doc for u in units), dtype=np.int64, count=n)
        line = np.fromiter((u.line for u in units), dtype=np.int64, count=n)
        is_line = ~np.fromiter((u.piece for u in units), dtype=bool, count=n)
        self.n = n
        self.stride = int(line.max(initial=0)) + 2 * len(CONTEXT_OFFSETS) + 1
        self.unit_keys = doc * self.stride + line
        self.rows = np.flatnonzero(is_line)
        self.order = np.argsort(self.unit_keys[self.rows], kind="stable")
        self.keys = self.unit_keys[self.rows][self.order]
        self.values = clipped[self.rows][self.order]
        self.shape = dense[self.rows][self.order][:, _NEIGHBOUR_COLUMNS]

    def find(self, offset: int) -> tuple[np.ndarray, np.ndarray]:
        """For each unit, the position of the line ``offset`` lines away, and whether it exists
        (offset 0: the unit's own line; a piece's is the line it is cut from)."""
        wanted = self.unit_keys + offset
        if not len(self.keys):
            return np.zeros(self.n, dtype=np.int64), np.zeros(self.n, dtype=bool)
        at = np.minimum(np.searchsorted(self.keys, wanted), len(self.keys) - 1)
        return at, self.keys[at] == wanted

    def scores_at(self, at: np.ndarray, found: np.ndarray) -> np.ndarray:
        """Clipped pass-one scores of the lines found (0 where there is none)."""
        values = self.values[at] if len(self.keys) else np.zeros(self.n)
        return np.where(found, values, 0.0)

    def shapes_at(self, at: np.ndarray, found: np.ndarray) -> np.ndarray:
        """The shape columns of the lines found (zeros where there is none)."""
        if not len(self.keys):
            return np.zeros((self.n, len(_NEIGHBOUR_COLUMNS)))
        return np.where(found[:, None], self.shape[at], 0.0)


def context_matrix(units: Sequence[Unit], logits: np.ndarray, dense: np.ndarray) -> np.ndarray:
    """Pass-two features: own score, neighbouring lines' scores and shapes, where the line
    stands in the article, and the unit's own shallow features.

    ``logits`` are pass-one log-odds, ``dense`` the shallow feature block of pass one's
    matrix. A unit's neighbours are the *lines* at the given offsets in the same document
    (pieces of a line stand in their line's place). Missing neighbours (document edges)
    read as 0 with an indicator, so that the edge itself is a feature.

    The second column is the score of the unit's own line (a piece's: the line it is cut
    from). In a page, a piece sees its block's score only where the block scores lower
    (more like content) than the piece: a block cut in two holds two things, and its score
    is mostly the other one's ("Download a free sample|The regulator also said...", the
    block 0.95, so the page's last paragraph went with its button). In plain text the line
    vouches for its pieces either way: there most pieces are cuts of one paragraph at a
    false glue point, and without that support for insert lines too, scrapinghub_aeb's text
    lost 0.05 of its insert removal (docs/experiments.md section 13; feature version 7).
    """
    clipped = np.clip(logits, -_CLIP, _CLIP) / _CLIP
    lines = _Lines(units, clipped, dense)
    own_at, has_own = lines.find(0)
    # Each block is written into its columns as soon as it is made, never stacked: with
    # stacking, every block lived on beside one or two full copies of the matrix (on a
    # 200,000 one-letter lines the peak of a clean() call fell from 1.88 to 1.65 KB a line).
    out = np.empty((len(units), N_CONTEXT_COLUMNS - N_DENSE + dense.shape[1]))
    filled = 0

    def put(block: np.ndarray) -> None:
        nonlocal filled
        width = 1 if block.ndim == 1 else block.shape[1]
        out[:, filled : filled + width] = block.reshape(len(units), width)
        filled += width

    put(clipped)
    line_score = lines.scores_at(own_at, has_own)
    on_page = page_rows(dense)
    put(np.where(has_own, np.where(on_page, np.minimum(line_score, clipped), line_score), clipped))
    for column in _neighbour_score_columns(lines):
        put(column)
    lengths = np.fromiter((len(u.text) for u in units), dtype=np.float64, count=len(units))
    # the lines in document order, as the two columns of the page's content-like text read them
    line_rows = lines.rows[lines.order]
    line_docs = lines.keys // lines.stride
    line_logits, line_lengths = logits[line_rows], lengths[line_rows]
    put(_region_columns(line_docs, line_logits, line_lengths, own_at, has_own))
    for offset in SHAPE_OFFSETS:
        put(lines.shapes_at(*lines.find(offset)))
    put(comment_markup_column(units))
    line_units = [units[i] for i in line_rows]
    put(_sibling_content_column(line_units, line_docs, line_logits, line_lengths, own_at, has_own))
    put(dense)
    assert filled == out.shape[1], "every column of the context matrix is written"
    return out


def comment_markup_column(units: Sequence[Unit]) -> np.ndarray:
    """1 for a page block in comment-thread markup
    (:func:`declutter.comment_markup.in_comment_markup`), else 0 (always 0 in plain text).

    The class words reach pass one as hashed tokens, but each comment system spells its
    containers its own way ("commentbody", "commtree", "coms"), so on a site the model never
    saw the tokens say little; the column is the same on every site. On dragnet's dev pages
    289 k of the insert characters ``clean_html`` kept (m45) lay in such markup. It is a
    column of pass two only: in pass one (m46, docs/experiments.md section 14) it moved
    every plain-text score as well, through the refit of the shared linear model.
    """
    return np.fromiter(
        (u.html is not None and in_comment_markup(u.html.class_words) for u in units),
        dtype=np.float64,
        count=len(units),
    )


def _sibling_content_column(
    line_units: Sequence[Unit],
    line_docs: np.ndarray,
    line_logits: np.ndarray,
    line_lengths: np.ndarray,
    at: np.ndarray,
    found: np.ndarray,
) -> np.ndarray:
    """For a page block: the share of its page's content-like characters (characters weighted
    by pass one's content probability, as in :func:`_region_columns`) that lie in *other*
    blocks with exactly the same class/id words; 0 in plain text.

    An article's paragraphs sit side by side in one container and so share their class
    words; a sidebar widget, a teaser rail or a slideshow of captions has words of its own,
    however much it reads like prose. Pass one sees the words only as hashed tokens, which
    mean little on a site it never saw; this column says, on any site, whether the block
    keeps company with the text the page is about. On dragnet's dev pages (m47's pass one)
    half the characters of the insert blocks ``clean_html`` kept score below 0.2 here,
    against a tenth of the content characters. A piece reads its line's value. The
    ``line_*`` arguments and ``at``/``found`` are as for :func:`_region_columns`.
    """
    n_lines = len(line_units)
    on_page = np.fromiter((u.html is not None for u in line_units), dtype=bool, count=n_lines)
    if not on_page.any():
        return np.zeros(len(at))
    mass = line_lengths * (1.0 - sigmoid(line_logits))
    groups = np.unique(
        [f"{d}\x00{u.html.class_words if u.html else ''}" for d, u in zip(line_docs, line_units)],
        return_inverse=True,
    )[1].reshape(-1)
    group_mass = np.bincount(groups, weights=mass)[groups]
    _, doc_index = np.unique(line_docs, return_inverse=True)
    doc_mass = np.bincount(doc_index.reshape(-1), weights=mass)[doc_index.reshape(-1)]
    share = np.where(on_page, (group_mass - mass) / np.maximum(doc_mass, 1.0), 0.0)
    return np.where(found, share[at], 0.0)


def _neighbour_score_columns(lines: _Lines) -> list[np.ndarray]:
    """Each neighbour's score and whether it is missing, then their mean, highest, lowest
    and the share of neighbours present."""
    columns: list[np.ndarray] = []
    near_values, near_found = [], []
    for offset in CONTEXT_OFFSETS:
        at, found = lines.find(offset)
        value = lines.scores_at(at, found)
        columns += [value, (~found).astype(float)]
        near_values.append(value)
        near_found.append(found)
    values, found = np.array(near_values), np.array(near_found)
    count = found.sum(axis=0)
    mean = np.divide(values.sum(axis=0), count, out=np.zeros(lines.n), where=count > 0)
    highest = np.where(count > 0, np.where(found, values, -np.inf).max(axis=0), 0.0)
    lowest = np.where(count > 0, np.where(found, values, np.inf).min(axis=0), 0.0)
    return [*columns, mean, highest, lowest, count / len(CONTEXT_OFFSETS)]


def _region_columns(
    line_docs: np.ndarray,
    line_logits: np.ndarray,
    line_lengths: np.ndarray,
    at: np.ndarray,
    found: np.ndarray,
) -> np.ndarray:
    """Where a unit's line stands relative to the document's article text, as pass one sees it.

    The article is one run of long, content-like lines with boilerplate before and after
    (navigation above; comments, teasers and footers below). Three numbers per line place
    it in that run: the share of the document's content-like characters (characters
    weighted by pass one's content probability) on lines before it, on lines after it, and
    on the line itself. A teaser list after the article's last paragraph has almost nothing
    after it; the article's own short lines have plenty on both sides. ``line_*`` are the
    document-sorted lines (documents in ascending order); ``at``/``found`` map each unit to
    its line. Units without a line of their own read as zeros.
    """
    n_lines = len(line_docs)
    if n_lines == 0:
        return np.zeros((len(at), 3))
    # In 1/1024ths of a character, as integers: sums over a batch are then exact, and a
    # document's columns do not depend on which other documents share its batch.
    mass = np.rint(line_lengths * (1.0 - sigmoid(line_logits)) * 1024).astype(np.int64)
    running = np.cumsum(mass)
    starts = np.flatnonzero(np.r_[True, line_docs[1:] != line_docs[:-1]])
    ends = np.r_[starts[1:], n_lines]
    doc_of_line = np.repeat(np.arange(len(starts)), ends - starts)
    doc_base = running[starts] - mass[starts]  # mass of the documents before each one
    total = (running[ends - 1] - doc_base)[doc_of_line]
    before = running - mass - doc_base[doc_of_line]
    after = total - before - mass
    safe = np.maximum(total, 1).astype(np.float64)
    per_line = np.column_stack([before / safe, after / safe, mass / safe])
    return np.where(found[:, None], per_line[at], 0.0)


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function, clipped so that huge log-odds give no overflow warning."""
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))


__all__ = [
    "CONTEXT_OFFSETS",
    "NEIGHBOUR_SHAPE",
    "N_CONTEXT_COLUMNS",
    "SHAPE_OFFSETS",
    "context_matrix",
    "sigmoid",
]
