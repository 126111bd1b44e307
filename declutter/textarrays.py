"""Many texts as one array of code points, with each character's classes: the common ground
of token hashing (:mod:`declutter.hashing`) and the shallow measurements
(:mod:`declutter.measure`).

Feature extraction is nearly all of the cost of scoring, and Python work per character or per
token is what makes it slow. So the texts of a batch are joined (a newline after each) and
read once as UTF-32 code points; lookup tables give every code point its class bits (letter,
digit, space, capital...) and its lower-case form. Everything downstream is numpy over these
arrays. The tables cover the Basic Multilingual Plane and are built once per process; the
rare code points above it are classified one by one.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache, cached_property

import numpy as np

ALNUM, DECIMAL, SPACE, UPPER, CAPITAL, ARROW, QUOTE, UNDERSCORE, STOP, CLOSER = (
    1 << k for k in range(10)
)
#: Characters that mark a separator, a bullet or a "next" arrow: menus and share bars.
ARROWS = "»«›‹→←▶►|•·>"
QUOTES = '"“”«»„'
SENTENCE_STOPS = ".!?…"
CLOSERS = "\"'”’»)"
#: Capitals of the Latin, Greek and Cyrillic basic ranges (the "upper share" measurement).
_UPPER_RANGES = ((0x41, 0x5A), (0xC0, 0xDE), (0x391, 0x3A9), (0x410, 0x42F))
_TABLE_SIZE = 1 << 16


def _classes(char: str) -> int:
    """The class bits of one character (``isalnum`` and friends, as the ``re`` module sees
    ``\\w``, ``\\d`` and ``\\s``)."""
    point = ord(char)
    bits = ALNUM * char.isalnum() | DECIMAL * char.isdecimal() | SPACE * char.isspace()
    bits |= UPPER * any(lo <= point <= hi for lo, hi in _UPPER_RANGES)
    bits |= CAPITAL * char.isupper() | UNDERSCORE * (char == "_")
    bits |= ARROW * (char in ARROWS) | QUOTE * (char in QUOTES)
    return bits | STOP * (char in SENTENCE_STOPS) | CLOSER * (char in CLOSERS)


def _lower(char: str) -> int:
    """The code point of the character's lower case (its first character, for the few that
    lower-case to two, like "İ"), so that lower-casing keeps every offset."""
    lowered = char.lower()
    return ord(lowered[0]) if lowered else ord(char)


@cache
def _tables() -> tuple[np.ndarray, np.ndarray]:
    """Class bits and lower case of every code point below 65536 (built once, ~50 ms)."""
    chars = [chr(p) for p in range(_TABLE_SIZE)]
    classes = np.array([_classes(c) for c in chars], dtype=np.uint16)
    lower = np.array([_lower(c) for c in chars], dtype=np.uint32)
    return classes, lower


def _look_up(points: np.ndarray, table: np.ndarray, each: object) -> np.ndarray:
    """``table[points]``, with code points beyond the table computed one by one by ``each``."""
    high = points >= _TABLE_SIZE
    if not high.any():
        return table[points]
    out = table[np.where(high, 0, points)]
    rare = np.unique(points[high])
    values = np.array([each(chr(int(p))) for p in rare], dtype=table.dtype)  # type: ignore[operator]
    out[high] = values[np.searchsorted(rare, points[high])]
    return out


class TextArrays:
    """Texts joined by newlines and read as code points, with per-text slices.

    Text ``i`` occupies ``points[starts[i] : starts[i] + lengths[i]]``; a newline follows
    it, so no run of letters or digits crosses from one text into the next. The texts must
    be free of lone surrogates (see :func:`declutter.textbits.encodable`).
    """

    def __init__(self, texts: Sequence[str]) -> None:
        self.n = len(texts)
        self.joined = "\n".join(texts) + "\n"
        self.points = np.frombuffer(self.joined.encode("utf-32-le"), dtype="<u4")
        self.lengths = np.fromiter(map(len, texts), dtype=np.int64, count=self.n)
        self.starts = np.cumsum(self.lengths + 1) - (self.lengths + 1)
        self.bits = _look_up(self.points, _tables()[0], _classes)

    def has(self, flag: int) -> np.ndarray:
        """Boolean mask of the characters with the given class bit(s)."""
        return (self.bits & flag) > 0

    def count(self, mask: np.ndarray) -> np.ndarray:
        """Per text, how many of its characters the mask marks."""
        if self.n == 0:
            return np.zeros(0)
        return np.add.reduceat(mask.astype(np.int32), self.starts).astype(np.float64)

    def text_of(self, positions: np.ndarray) -> np.ndarray:
        """The text each position (in the joined string) belongs to."""
        return np.searchsorted(self.starts, positions, side="right") - 1

    @cached_property
    def word_chars(self) -> np.ndarray:
        """Letters and digits: the characters of words (``\\w`` without ``_``)."""
        return self.has(ALNUM)

    @cached_property
    def word_starts(self) -> np.ndarray:
        """The first character of every run of letters and digits."""
        starts = self.word_chars.copy()
        starts[1:] &= ~self.word_chars[:-1]
        return starts

    @cached_property
    def punctuation(self) -> np.ndarray:
        """Characters that are neither word characters, ``_``, nor space: each is a token."""
        return (self.bits & (ALNUM | SPACE | UNDERSCORE)) == 0

    @cached_property
    def lower_points(self) -> np.ndarray:
        """Code points lower-cased one for one (offsets unchanged)."""
        return _look_up(self.points, _tables()[1], _lower)

    @cached_property
    def lower_text(self) -> str:
        """:attr:`joined`, lower-cased one character for one."""
        return self.lower_points.astype("<u4").tobytes().decode("utf-32-le")

    @cached_property
    def normalised_points(self) -> np.ndarray:
        """Lower case with every decimal digit a ``0``: what tokens are read from."""
        return np.where(self.has(DECIMAL), ord("0"), self.lower_points).astype(np.uint64)


__all__ = ["TextArrays"]
