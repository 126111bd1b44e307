"""Reading with a size limit: never hold more of an input than the limit allows.

Checking a document's length *after* reading it protects nothing: ``/dev/zero``, a JSON line
with no end, or a 6 MB gzip that inflates to 6 GiB exhausts memory before the check runs.
So every reader in :mod:`declutter.streaming` asks for at most ``limit + 1`` bytes (or, for
text, characters: see :func:`declutter.decoding.read_text`) and refuses the input when that
``+ 1`` arrives. Nothing is inflated or kept beyond that, whatever the input claims to be.
"""

from __future__ import annotations

from typing import IO

from .errors import InputTooLargeError

#: Read this much at a time when skipping the rest of an over-long line.
_SKIP_BYTES = 1 << 20


def too_large(limit: int, unit: str) -> InputTooLargeError:
    """The error for an input that goes past ``limit`` (a message that says how to lift it)."""
    return InputTooLargeError(
        f"longer than {limit:,} {unit} (max_chars; --max-chars on the command line), so "
        "reading stopped there. This is far longer than any article: check that it is one "
        "document. To clean it anyway, give a larger --max-chars (max_chars= in Python)."
    )


def read_bounded(handle: IO[bytes], limit: int | None) -> bytes:
    """All bytes of ``handle``, or :func:`too_large` once more than ``limit`` have come."""
    if limit is None:
        return handle.read()
    data = handle.read(limit + 1)
    if len(data) > limit:
        raise too_large(limit, "bytes")
    return data


class EndlessLineError(InputTooLargeError):
    """A line went on for twice the limit without ending: the rest of the input is not
    read (it is not line-based text, or it never ends)."""


def read_line(handle: IO[bytes], limit: int | None) -> bytes:
    """The next line (``b""`` at the end), or :func:`too_large` for a line over ``limit``.

    An over-long line is skipped to its end, a megabyte at a time, before the error is
    raised, so that the next call reads the next line: one bad line costs one record. A
    line whose end does not come within another ``limit`` bytes is not skipped to its end,
    which might never come (``/dev/zero``, a gzip bomb): :class:`EndlessLineError`.
    """
    if limit is None:
        return handle.readline()
    line = handle.readline(limit + 1)
    if len(line) <= limit or line.endswith(b"\n"):
        return line
    skipped = 0
    while skipped <= limit:
        rest = handle.readline(_SKIP_BYTES)
        if not rest or rest.endswith(b"\n"):
            raise too_large(limit, "bytes on one line")
        skipped += len(rest)
    raise EndlessLineError(
        f"a line goes on past {2 * limit:,} bytes, so the rest of this input was not read "
        "(is it JSON Lines? --max-chars sets the limit)"
    )


__all__ = ["EndlessLineError", "read_bounded", "read_line", "too_large"]
