"""Hashed token features of many texts at once, computed on code-point arrays.

Tokens are what the regular expression ``[^\\W_]+|[^\\w\\s]`` would find (runs of letters and
digits, and single punctuation marks) in the text lower-cased with every digit a ``0``, but
they are never built as Python strings: they are found from the character classes of
:class:`~declutter.textarrays.TextArrays`, and each is hashed with a polynomial rolling hash
over its code points (a product per character and a sum per token, so that every token
costs a few array operations shared by the whole batch). The families of hashed tokens are:

* ``w``  each token (words and punctuation marks);
* ``b``  each pair of neighbouring tokens;
* ``first``, ``last``, ``first2``: the opening token, the closing one, the opening pair;
* ``len`` a bucket of the token count;
* ``c``  character 4-grams of the first :data:`CHAR_PREFIX` characters, space-padded;
* ``named``: HTML class/id words and the tag of a block (few: hashed as strings).

Every family has its own salt, and :func:`mix` (the SplitMix64 finaliser) spreads each key
over 64 bits before its top bits pick a column. All arithmetic is on unsigned 64-bit integers
with fixed constants, so hashes are the same on every machine and in every process (Python's
own ``hash`` is salted per process and could not be used).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp
from sklearn.utils import murmurhash3_32

from .textarrays import TextArrays
from .textbits import STOPWORDS, encodable

if TYPE_CHECKING:
    from .html import BlockFeatures

#: Only this many characters of a unit are read for character n-grams.
CHAR_PREFIX = 96
#: Upper bounds (in tokens) of the length buckets; longer units share one last bucket.
_LENGTH_BOUNDS = np.array([1, 3, 6, 12, 30])

_U64 = np.uint64
_MASK64 = (1 << 64) - 1
_BASE = 0x9E3779B97F4A7C15
_LENGTH_SALT = 0xC2B2AE3D27D4EB4F
_PAIR_MULTIPLIER = _U64(0x100000001B3)
_SALT = {
    name: _U64(murmurhash3_32(name, seed=7, positive=True) * 0x9E3779B97F4A7C15 % 2**64)
    for name in ("w", "b", "first", "last", "first2", "len", "c", "named")
}


def mix(keys: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser: every input bit moves every output bit (uint64 in and out)."""
    keys = keys ^ (keys >> _U64(30))
    keys = keys * _U64(0xBF58476D1CE4E5B9)
    keys = keys ^ (keys >> _U64(27))
    keys = keys * _U64(0x94D049BB133111EB)
    return keys ^ (keys >> _U64(31))


def string_hash(token: str) -> int:
    """The rolling hash of a token, as :class:`HashedTokens` computes it on arrays."""
    value, power = 0, 1
    for char in token:
        value = (value + ord(char) * power) & _MASK64
        power = (power * _BASE) & _MASK64
    return value ^ ((len(token) * _LENGTH_SALT) & _MASK64)


_STOPWORD_HASHES = np.array(sorted({string_hash(w) for w in STOPWORDS}), dtype=np.uint64)


class _Powers:
    """``_BASE ** i`` for i = 0..n-1, grown on demand (to the longest token seen) and shared."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._table = np.ones(1, dtype=np.uint64)

    def get(self, n: int) -> np.ndarray:
        table = self._table
        if len(table) >= n:
            return table
        with self._lock:
            size = max(n, 2 * len(self._table), 256)
            table = np.empty(size, dtype=np.uint64)
            table[0] = 1
            np.cumprod(np.full(size - 1, _BASE, dtype=np.uint64), out=table[1:])
            self._table = table
            return table


_powers = _Powers()


class HashedTokens:
    """The hashed tokens of a batch of texts, as parallel arrays of row and 64-bit key."""

    def __init__(self, arrays: TextArrays) -> None:
        self.n_rows = arrays.n
        starts = np.flatnonzero(arrays.word_starts | arrays.punctuation)
        word_ends = arrays.word_chars.copy()
        word_ends[:-1] &= ~arrays.word_chars[1:]
        ends = np.flatnonzero(word_ends | arrays.punctuation) + 1
        rows = arrays.text_of(starts)
        self.counts = np.bincount(rows, minlength=self.n_rows)
        self._token_rows = rows
        hashes = self._rolling_hashes(arrays.normalised_points, starts, ends)
        self.is_word = arrays.word_chars[starts]
        near = np.minimum(np.searchsorted(_STOPWORD_HASHES, hashes), len(_STOPWORD_HASHES) - 1)
        self.is_stopword = self.is_word & (_STOPWORD_HASHES[near] == hashes)
        self._rows: list[np.ndarray] = []
        self._keys: list[np.ndarray] = []
        self._add_word_tokens(rows, hashes)
        self._add_char_grams(arrays)

    @staticmethod
    def _rolling_hashes(points: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """:func:`string_hash` of every (non-empty) ``points[start:end]``.

        Each character is multiplied by the power of its place in its token, and the
        products are summed per token; all arithmetic wraps modulo 2**64.
        """
        if len(starts) == 0:
            return np.zeros(0, dtype=np.uint64)
        lengths = ends - starts
        first = np.cumsum(lengths) - lengths  # where each token's characters begin below
        place = np.arange(int(lengths.sum())) - np.repeat(first, lengths)
        powers = _powers.get(int(lengths.max()))
        terms = points[np.repeat(starts, lengths) + place] * powers[place]
        hashes = np.add.reduceat(terms, first)
        return hashes ^ (lengths.astype(np.uint64) * _U64(_LENGTH_SALT))

    # -- families ---------------------------------------------------------------------------
    def _add(self, rows: np.ndarray, keys: np.ndarray, family: str) -> None:
        self._rows.append(rows)
        self._keys.append(keys ^ _SALT[family])  # mixed all at once in matrix()

    def _add_word_tokens(self, rows: np.ndarray, hashes: np.ndarray) -> None:
        counts = self.counts
        self._add(rows, hashes, "w")
        same_unit = rows[1:] == rows[:-1]
        pairs = hashes[:-1][same_unit] * _PAIR_MULTIPLIER + hashes[1:][same_unit]
        self._add(rows[:-1][same_unit], pairs, "b")
        has_words = np.flatnonzero(counts > 0)
        ends = np.cumsum(counts)
        firsts = ends[has_words] - counts[has_words]
        self._add(has_words, hashes[firsts], "first")
        self._add(has_words, hashes[ends[has_words] - 1], "last")
        self._add(has_words, np.searchsorted(_LENGTH_BOUNDS, counts[has_words]).astype(_U64), "len")
        two = counts[has_words] > 1
        first_pairs = hashes[firsts[two]] * _PAIR_MULTIPLIER + hashes[firsts[two] + 1]
        self._add(has_words[two], first_pairs, "first2")

    def _add_char_grams(self, arrays: TextArrays) -> None:
        """4-grams of ``" " + text[:CHAR_PREFIX] + " "``, one key per position."""
        kept = np.minimum(arrays.lengths, CHAR_PREFIX)
        widths = kept + 2
        padded = np.full(int(widths.sum()), ord(" "), dtype=np.uint64)
        padded_starts = np.cumsum(widths) - widths
        within = np.arange(int(kept.sum())) - np.repeat(np.cumsum(kept) - kept, kept)
        padded[np.repeat(padded_starts + 1, kept) + within] = arrays.normalised_points[
            np.repeat(arrays.starts, kept) + within
        ]
        grams = np.maximum(widths - 3, 0)
        rows = np.repeat(np.arange(self.n_rows), grams)
        at = np.repeat(padded_starts - (np.cumsum(grams) - grams), grams) + np.arange(len(rows))
        shift = _U64(21)  # code points are < 2**21: three fit in 63 bits, the fourth is mixed in
        keys = (padded[at] << (shift * _U64(2))) ^ (padded[at + 1] << shift) ^ padded[at + 2]
        self._add(rows, mix(keys) ^ padded[at + 3], "c")

    def add_named(self, rows: Sequence[int], names: Sequence[str]) -> None:
        """Tokens given as strings for some rows (HTML class words and tags)."""
        if rows:
            codes = np.fromiter(map(_named_hash, names), dtype=np.uint64, count=len(names))
            self._add(np.asarray(rows, dtype=np.int64), codes, "named")

    # -- output -----------------------------------------------------------------------------
    def matrix(self, bits: int) -> sp.csr_matrix:
        """Rows of log(1 + count) per hashed column, each row scaled to unit length."""
        rows = np.concatenate(self._rows).astype(_U64)
        columns = mix(np.concatenate(self._keys)) >> _U64(64 - bits)
        cells, counts = _counted((rows << _U64(bits)) | columns)
        cell_rows = (cells >> _U64(bits)).astype(np.int64)
        data = np.log1p(counts.astype(np.float64))
        norms = np.sqrt(np.bincount(cell_rows, weights=data**2, minlength=self.n_rows))
        data /= np.maximum(norms, 1e-9)[cell_rows]
        indptr = np.zeros(self.n_rows + 1, dtype=np.int64)
        np.cumsum(np.bincount(cell_rows, minlength=self.n_rows), out=indptr[1:])
        indices = (cells & _U64((1 << bits) - 1)).astype(np.int32)
        return sp.csr_matrix((data, indices, indptr), shape=(self.n_rows, 1 << bits))

    def stopword_share(self) -> np.ndarray:
        """Per row, the share of its word tokens that are function words."""
        rows = self._token_rows
        words = np.bincount(rows, weights=self.is_word, minlength=self.n_rows)
        stops = np.bincount(rows, weights=self.is_stopword, minlength=self.n_rows)
        return np.divide(stops, words, out=np.zeros(self.n_rows), where=words > 0)


def _counted(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(keys, return_counts=True)``, ~3x faster here: the keys come in sorted
    runs (one per token family), which a stable sort (timsort) merges quickly."""
    if len(keys) == 0:
        return keys, np.zeros(0, dtype=np.int64)
    ordered = np.sort(keys, kind="stable")
    first = np.empty(len(ordered), dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    at = np.flatnonzero(first)
    return ordered[at], np.diff(at, append=len(ordered))


@lru_cache(maxsize=1 << 14)
def _named_hash(name: str) -> int:
    return murmurhash3_32(name, seed=0, positive=True)


def html_tokens(htmls: Sequence[BlockFeatures | None]) -> tuple[list[int], list[str]]:
    """Rows and strings of the class-word and tag tokens of the units that came from HTML."""
    rows: list[int] = []
    names: list[str] = []
    for row, html in enumerate(htmls):
        if html is None:
            continue
        words = ["cls:" + w for w in encodable(html.class_words).split()]
        words.append("tag:" + encodable(html.tag))
        rows.extend([row] * len(words))
        names.extend(words)
    return rows, names


__all__ = ["CHAR_PREFIX", "HashedTokens", "html_tokens", "mix", "string_hash"]
