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


def read_line(handle: IO[bytes], limit: int | None) -> bytes:
    """The next line (``b""`` at the end), or :func:`too_large` for a line over ``limit``.

    An over-long line is skipped to its end, a megabyte at a time, before the error is
    raised, so that the next call reads the next line: one bad line costs one record.
    """
    if limit is None:
        return handle.readline()
    line = handle.readline(limit + 1)
    if len(line) <= limit or line.endswith(b"\n"):
        return line
    while (rest := handle.readline(_SKIP_BYTES)) and not rest.endswith(b"\n"):
        pass
    raise too_large(limit, "bytes on one line")


__all__ = ["read_bounded", "read_line", "too_large"]
