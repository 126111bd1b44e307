"""Input checks that fail early with a message saying what to do instead.

A wrong argument should never surface as a traceback from deep inside a regex or
scikit-learn; these checks run first in every public entry point.
"""

from __future__ import annotations

from typing import Any


class DeclutterError(Exception):
    """Base class of the errors declutter raises on purpose."""


class InputError(DeclutterError, TypeError):
    """The input is not something declutter can clean (wrong type or too large)."""


def check_text(text: Any, function: str) -> str:
    """Return ``text`` if it is a ``str``; otherwise raise an :class:`InputError` that helps."""
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
        "For many documents use clean_many()."
    )


def check_threshold(threshold: Any) -> float:
    """Return ``threshold`` as a float in [0, 1], or raise a ValueError that says so."""
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)):
        raise InputError(f"threshold must be a number between 0 and 1, not {threshold!r}")
    value = float(threshold)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"threshold must be between 0 and 1 (got {threshold}); 0.5 is neutral")
    return value
