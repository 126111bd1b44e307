"""The input size limit: refuse a document up front rather than run a worker out of memory.

Cleaning holds the whole document, one feature row per line and per edge piece, and the
result in memory at once, so its peak memory grows linearly with the input (see
``benchmarks/results/stress.md`` for the measured figures). A scraper that hands over a
runaway page (a log file, a base64 blob, a concatenated crawl) should get an immediate,
catchable :class:`~declutter.errors.InputTooLargeError` instead of an out-of-memory kill that
takes the whole batch down.

:data:`DEFAULT_MAX_CHARS` is 20,000,000 characters: about 400 times the longest real article
in our corpora (news articles are 2-50 KB of text), and small enough that a worker cleaning
one such document stays within a few gigabytes. Pass ``max_chars=None`` to lift the limit
when the input is trusted, or a smaller number for tighter workers.
"""

from __future__ import annotations

from typing import Any

from .errors import InputTooLargeError, OptionError

#: Longest input (in characters for text, in bytes for raw HTML) cleaned by default.
DEFAULT_MAX_CHARS = 20_000_000


def check_max_chars(max_chars: Any) -> int | None:
    """Validate the ``max_chars`` option: a positive int, or None for no limit."""
    if max_chars is None:
        return None
    if isinstance(max_chars, bool) or not isinstance(max_chars, int) or max_chars < 1:
        raise OptionError(
            f"max_chars must be a positive whole number of characters or None (no limit), "
            f"not {max_chars!r}"
        )
    return max_chars


def check_size(data: str | bytes, max_chars: int | None, function: str) -> None:
    """Raise :class:`InputTooLargeError` when ``data`` is longer than ``max_chars``.

    The check is a length comparison, so refusing a huge input costs nothing.
    """
    limit = check_max_chars(max_chars)
    if limit is None or len(data) <= limit:
        return
    unit = "bytes" if isinstance(data, (bytes, bytearray)) else "characters"
    raise InputTooLargeError(
        f"{function}() got {len(data):,} {unit}, more than max_chars={limit:,}. "
        "This is far longer than any article; check that the input is one document. "
        f"To clean it anyway pass {function}(..., max_chars=None) or a larger limit, and "
        "expect memory use to grow with its length."
    )


__all__ = ["DEFAULT_MAX_CHARS", "check_max_chars", "check_size"]
