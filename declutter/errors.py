"""Input checks that fail early with a message saying what to do instead.

A wrong argument should never surface as a traceback from deep inside a regex or
scikit-learn; these checks run first in every public entry point. Every error raised on
purpose derives from :class:`DeclutterError`, so a batch job can catch that one class, log the
document and go on. The concrete classes also derive from the built-in exception a Python user
would expect (``TypeError`` for a wrong type, ``ValueError`` for a wrong value), so code that
already catches those keeps working.
"""

from __future__ import annotations

from typing import Any


class DeclutterError(Exception):
    """Base class of the errors declutter raises on purpose."""


class InputError(DeclutterError, TypeError):
    """The input is not something declutter can clean (wrong type or too large)."""


class InputTooLargeError(InputError, ValueError):
    """The input is longer than the size limit (see :mod:`declutter.options`)."""


class OptionError(DeclutterError, ValueError):
    """An option has a value outside its documented range."""


class ModelError(DeclutterError, RuntimeError):
    """A model directory is missing, damaged, tampered with, or from another feature version."""


class DataError(DeclutterError, ValueError):
    """Labelled data or a data spec cannot be read as asked (the message cites file:line)."""


def check_text(text: Any, function: str) -> str:
    """Return ``text`` if it is a ``str``, or raise an :class:`InputError` that helps.

    ``bytes`` are refused: guessing the encoding of plain text silently garbles it, and a
    garbled article is worse than a clear error.
    """
    if isinstance(text, str):
        return text
    if isinstance(text, (bytes, bytearray)):
        raise InputError(
            f"{function}() takes text (str), not bytes. Decode it first, e.g. "
            "data.decode('utf-8'), or for an HTML page pass the bytes to clean_html(), "
            "which finds the page's encoding itself."
        )
    if text is None:
        raise InputError(f"{function}() got None instead of text; pass a str (it may be empty).")
    raise InputError(
        f"{function}() takes one document as a str, not {type(text).__name__}. "
        "For many documents use declutter.clean_many()."
    )


__all__ = [
    "DataError",
    "DeclutterError",
    "InputError",
    "InputTooLargeError",
    "ModelError",
    "OptionError",
    "check_text",
]
