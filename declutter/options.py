"""Every cleaning option, checked once and decided in one place.

``clean``, ``clean_html``, ``clean_many``, ``clean_html_many``, the streaming CLI, Dask and
Spark all take the same options; each builds one frozen :class:`Options` (which validates
every value on construction) and hands it down, so a default or a limit cannot differ
between paths. The defaults:

* ``threshold``: None, meaning the model's own tuned threshold for the input's kind
  (``model.html_threshold`` for pages, ``model.one_line_threshold`` for plain text of a
  single line, ``model.threshold`` for other plain text);
* ``max_chars``: :data:`DEFAULT_MAX_CHARS`. Cleaning holds the whole document, one feature
  row per line and edge piece, and the result in memory at once, so a runaway input (a
  log file, a base64 blob, a concatenated crawl) should get an immediate, catchable
  :class:`~declutter.errors.InputTooLargeError` instead of an out-of-memory kill that takes
  the batch down. 20,000,000 is about 400 times the longest real article in our corpora;
  ``None`` lifts the limit for trusted input;
* ``batch_size``: None, meaning :data:`DEFAULT_BATCH_SIZE` documents of text or
  :data:`DEFAULT_HTML_BATCH_SIZE` pages per model call (pages are larger and their
  parsing dominates, so smaller chunks keep workers balanced);
* ``n_jobs``: 1 (this process); N worker processes; -1 one per core. More than
  :data:`MAX_JOBS_PER_CORE` per core only costs memory (each worker holds a model) and is
  refused;
* ``encoding``: None. Text is ``str``, or bytes decoded strictly with this encoding (an
  unknown or unsafe one is an error); for page bytes it is a hint that wins over the page's
  own charset when it names a safe text encoding, and is logged and ignored otherwise (see
  :func:`declutter.decoding.decode_page`).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from numbers import Real
from typing import Any

from .errors import InputError, InputTooLargeError, OptionError

DEFAULT_MAX_CHARS = 20_000_000
DEFAULT_BATCH_SIZE = 64
DEFAULT_HTML_BATCH_SIZE = 16
MAX_JOBS_PER_CORE = 4


@dataclass(frozen=True)
class Options:
    """The options of one cleaning call, validated when built (see the module docstring)."""

    threshold: float | None = None
    max_chars: int | None = DEFAULT_MAX_CHARS
    batch_size: int | None = None
    n_jobs: int = 1
    encoding: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "threshold", _checked_threshold(self.threshold))
        _check_positive("max_chars", self.max_chars, "characters, or None for no limit")
        _check_positive("batch_size (--batch-size)", self.batch_size, "documents per call")
        check_jobs(self.n_jobs)

    def threshold_for(self, model: Any, *, html: bool, one_line: bool = False) -> float:
        """The threshold to apply: the one given, else the model's for pages, for plain text
        of one line (``one_line``), or for other plain text."""
        if self.threshold is not None:
            return self.threshold
        if html:
            return float(model.html_threshold)
        return float(model.one_line_threshold if one_line else model.threshold)

    def batch_size_for(self, *, html: bool) -> int:
        """Documents per model call: the one given, else the default for text or pages."""
        if self.batch_size is not None:
            return self.batch_size
        return DEFAULT_HTML_BATCH_SIZE if html else DEFAULT_BATCH_SIZE

    def check_size(self, data: str | bytes, function: str) -> None:
        """Refuse ``data`` longer than ``max_chars`` (a length comparison: it costs nothing)."""
        if self.max_chars is None or len(data) <= self.max_chars:
            return
        unit = "bytes" if isinstance(data, (bytes, bytearray)) else "characters"
        raise InputTooLargeError(
            f"{function}() got {len(data):,} {unit}, more than max_chars={self.max_chars:,}. "
            "This is far longer than any article; check that the input is one document. "
            f"To clean it anyway pass max_chars=None or a larger limit, and expect memory "
            "use to grow with its length."
        )


def _checked_threshold(threshold: Any) -> float | None:
    """``threshold`` as a float in [0, 1], None, or an error that says what is allowed."""
    if threshold is None:
        return None
    if isinstance(threshold, bool) or not isinstance(threshold, Real):
        raise InputError(f"threshold must be a number between 0 and 1, not {threshold!r}")
    try:
        value = float(threshold)
    except OverflowError:
        value = math.inf
    if math.isnan(value) or not 0.0 <= value <= 1.0:
        raise OptionError(
            f"threshold must be between 0 and 1 (got {value:.6g}); lower removes more, "
            "higher keeps more, and None uses the model's tuned value"
        )
    return value


def _check_positive(name: str, value: Any, meaning: str) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise OptionError(f"{name} must be a positive whole number of {meaning}, not {value!r}")


def check_jobs(n_jobs: Any) -> None:
    """Raise :class:`OptionError` unless ``n_jobs`` is 1, a sane number of workers, or -1."""
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs == 0 or n_jobs < -1:
        raise OptionError(
            f"n_jobs (--jobs) must be 1 (this process), N worker processes, or -1 (one per core), "
            f"not {n_jobs!r}"
        )
    most = MAX_JOBS_PER_CORE * (os.cpu_count() or 1)
    if n_jobs > most:
        raise OptionError(
            f"n_jobs (--jobs) {n_jobs} is more than {MAX_JOBS_PER_CORE} workers per core "
            f"({most} here); each worker holds its own model, so more only costs memory. "
            "Use -1 for one per core."
        )


__all__ = [
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_HTML_BATCH_SIZE",
    "DEFAULT_MAX_CHARS",
    "MAX_JOBS_PER_CORE",
    "Options",
]
