"""Input checks that fail early with a message saying what to do instead.

A wrong argument should never surface as a traceback from deep inside a regex or
scikit-learn; these checks run first in every public entry point. Every error raised on
purpose derives from :class:`DeclutterError`, so a batch job can catch that one class, log the
document and go on. The concrete classes also derive from the built-in exception a Python user
would expect (``TypeError`` for a wrong type, ``ValueError`` for a wrong value), so code that
already catches those keeps working.
"""

from __future__ import annotations

import codecs
import math
from numbers import Real
from typing import Any


class DeclutterError(Exception):
    """Base class of the errors declutter raises on purpose."""


class InputError(DeclutterError, TypeError):
    """The input is not something declutter can clean (wrong type or too large)."""


class InputTooLargeError(InputError, ValueError):
    """The input is longer than the size limit (see :mod:`declutter.limits`)."""


class OptionError(DeclutterError, ValueError):
    """An option has a value outside its documented range."""


def check_text(text: Any, function: str, *, encoding: str | None = None) -> str:
    """Return ``text`` as a ``str``, or raise an :class:`InputError` that helps.

    ``bytes`` are only accepted together with an explicit ``encoding``: guessing the encoding
    of plain text silently garbles it, and a garbled article is worse than a clear error.
    """
    if isinstance(text, str):
        return text
    if isinstance(text, (bytes, bytearray)):
        if encoding is not None:
            return decode_bytes(bytes(text), encoding, function)
        raise InputError(
            f"{function}() takes text (str), not bytes. Decode it first, e.g. "
            "data.decode('utf-8'), or for an HTML page pass the bytes to clean_html(), "
            "which finds the page's encoding itself."
        )
    if text is None:
        raise InputError(f"{function}() got None instead of text; pass a str (it may be empty).")
    raise InputError(
        f"{function}() takes one document as a str, not {type(text).__name__}. "
        "For many documents use declutter.batch.clean_many()."
    )


def decode_bytes(data: bytes, encoding: str, function: str) -> str:
    """Decode ``data`` strictly with ``encoding``; a bad name or bad byte is an InputError.

    Strict, because replacing undecodable bytes would hide that the encoding is wrong.
    """
    try:
        codecs.lookup(encoding)
    except (LookupError, TypeError):
        raise InputError(
            f"{function}(): unknown encoding {encoding!r}; use a Python codec name such as "
            "'utf-8', 'cp1252' or 'latin-1'."
        ) from None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise InputError(
            f"{function}(): the bytes are not valid {encoding} ({error.reason} at byte "
            f"{error.start}); pass the encoding the data was written in."
        ) from None


def check_threshold(threshold: Any) -> float:
    """Return ``threshold`` as a float in [0, 1], or raise an error that says what is allowed."""
    if isinstance(threshold, bool) or not isinstance(threshold, Real):
        raise InputError(f"threshold must be a number between 0 and 1, not {threshold!r}")
    value = float(threshold)
    if math.isnan(value) or not 0.0 <= value <= 1.0:
        raise OptionError(
            f"threshold must be between 0 and 1 (got {threshold}); lower removes more, "
            "higher keeps more, and None uses the model's tuned value"
        )
    return value


__all__ = [
    "DeclutterError",
    "InputError",
    "InputTooLargeError",
    "OptionError",
    "check_text",
    "check_threshold",
    "decode_bytes",
]
