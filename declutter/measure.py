"""Shallow, language-light measurements of many texts at once: a few numbers per unit.

A text is read as an array of code points; a lookup table gives each code point's classes
(letter, digit, space, upper case...), and every count is a sum over a unit's slice of that
array. So the cost per unit is a handful of numpy operations shared by the whole batch,
instead of a dozen regular-expression scans per unit. The few patterns that are not a
character class (web addresses, e-mail addresses, @handles) are searched once over all the
texts joined, and each match is given to the unit it falls in.
"""

from __future__ import annotations

import re

import numpy as np

from .textarrays import (
    ALNUM,
    ARROW,
    CAPITAL,
    CLOSER,
    DECIMAL,
    QUOTE,
    SPACE,
    STOP,
    UNDERSCORE,
    UPPER,
    TextArrays,
)

#: A web address (matched in lower-cased text: a case-insensitive pattern is ~5x slower).
_URL = re.compile(r"https?://|www\.|\.(?:com|org|net|de|fr|es|it|nl|co\.uk|io)\b")
#: An e-mail address, found from its "@" (a pattern that starts at the address's first
#: letter tries every word in the text, and backtracks quadratically on long ones).
_EMAIL = re.compile(r"@(?<=\w@)[\w-]+\.\w")
#: An @handle or #hashtag at the start of a word. Not searched with a pattern: see
#: :func:`_texts_with_handles`, which gives what this pattern finds in the joined texts.
_HANDLE = re.compile(r"[@#](?<!\S.)\w{2,}")

COLUMNS = (
    "log_chars",
    "log_words",
    "mean_word_length",
    "upper_share",
    "digit_share",
    "punctuation_share",
    "ends_sentence",
    "ends_colon",
    "ends_question",
    "ends_exclamation",
    "has_url",
    "has_email",
    "has_handle",
    "has_arrow",
    "starts_upper",
    "title_case_share",
    "stopword_share",
    "has_quote",
    "shouting",
)
#: Position of each named column in the block :func:`measurements` returns.
COLUMN = {name: position for position, name in enumerate(COLUMNS)}


def measurements(
    arrays: TextArrays, full_lengths: np.ndarray, stopword_share: np.ndarray
) -> np.ndarray:
    """One row of :data:`COLUMNS` per text of ``arrays``.

    ``full_lengths`` is the length of each text before it was cut for reading;
    ``stopword_share`` the share of each text's words that are function words (the
    tokenizer knows it: :meth:`declutter.hashing.HashedTokens.stopword_share`).
    """
    n = arrays.n
    out = np.zeros((n, len(COLUMNS)))
    if n == 0:
        return out
    bits, points, starts, lengths = arrays.bits, arrays.points, arrays.starts, arrays.lengths
    count = arrays.count
    letters = count(arrays.word_chars & ~arrays.has(DECIMAL))
    words, word_chars = count(arrays.word_starts), count(arrays.word_chars)
    upper = np.divide(count(arrays.has(UPPER)), letters, out=np.zeros(n), where=letters > 0)
    size = np.maximum(lengths, 1)
    mean_word = np.divide(word_chars, words, out=np.zeros(n), where=words > 0)

    last = np.where(lengths > 0, bits[starts + lengths - 1], 0)
    before_last = np.where(lengths > 1, bits[np.maximum(starts + lengths - 2, 0)], 0)
    ends_sentence = ((last & STOP) > 0) | (((last & CLOSER) > 0) & ((before_last & STOP) > 0))
    last_point = np.where(lengths > 0, points[starts + lengths - 1], 0)
    joined = arrays.joined

    out[:, COLUMN["log_chars"]] = np.log1p(full_lengths) / 8
    out[:, COLUMN["log_words"]] = np.log1p(words) / 6
    out[:, COLUMN["mean_word_length"]] = np.minimum(mean_word, 20) / 20
    out[:, COLUMN["upper_share"]] = upper
    out[:, COLUMN["digit_share"]] = count(arrays.has(DECIMAL)) / size
    out[:, COLUMN["punctuation_share"]] = count(arrays.punctuation) / size
    out[:, COLUMN["ends_sentence"]] = ends_sentence
    out[:, COLUMN["ends_colon"]] = last_point == ord(":")
    out[:, COLUMN["ends_question"]] = last_point == ord("?")
    out[:, COLUMN["ends_exclamation"]] = last_point == ord("!")
    out[:, COLUMN["has_url"]] = _texts_matching(_URL, arrays.lower_text, arrays)
    out[:, COLUMN["has_email"]] = _texts_matching(_EMAIL, joined, arrays) if "@" in joined else 0.0
    out[:, COLUMN["has_handle"]] = _texts_with_handles(arrays)
    out[:, COLUMN["has_arrow"]] = count(arrays.has(ARROW)) > 0
    out[:, COLUMN["starts_upper"]] = (np.where(lengths > 0, bits[starts], 0) & CAPITAL) > 0
    titles = count(arrays.word_starts & arrays.has(CAPITAL))
    out[:, COLUMN["title_case_share"]] = np.divide(titles, words, out=np.zeros(n), where=words > 0)
    out[:, COLUMN["stopword_share"]] = stopword_share
    out[:, COLUMN["has_quote"]] = count(arrays.has(QUOTE)) > 0
    out[:, COLUMN["shouting"]] = (full_lengths > 3) & (upper > 0.8)
    return out


def _texts_matching(pattern: re.Pattern[str], joined: str, arrays: TextArrays) -> np.ndarray:
    """1.0 for each text of ``arrays`` that holds a match in ``joined`` (its joined form)."""
    where = [m.start() for m in pattern.finditer(joined)]
    hit = np.zeros(arrays.n)
    if where:
        hit[arrays.text_of(np.asarray(where))] = 1.0
    return hit


def _texts_with_handles(arrays: TextArrays) -> np.ndarray:
    """1.0 for each text with an @handle or #hashtag: :data:`_HANDLE` on the joined texts.

    Read from the character classes: scanning ~1 MB of text for the rare ``@`` and ``#``
    costs the regex engine more than these few array operations.
    """
    points = arrays.points
    marks = np.flatnonzero((points == ord("@")) | (points == ord("#")))
    marks = marks[marks + 2 < len(points)]  # the joined texts end with a newline
    word = (arrays.bits & (ALNUM | UNDERSCORE)) > 0  # \w
    after_space = (marks == 0) | arrays.has(SPACE)[np.maximum(marks - 1, 0)]
    found = marks[after_space & word[marks + 1] & word[marks + 2]]
    hit = np.zeros(arrays.n)
    hit[arrays.text_of(found)] = 1.0
    return hit


N_COLUMNS = len(COLUMNS)

__all__ = ["COLUMN", "COLUMNS", "N_COLUMNS", "measurements"]
