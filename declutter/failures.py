"""What happens to a document that cannot be cleaned, when many are cleaned together.

One bad document in a million must not end a crawl, and must not take the good documents
read with it (its chunk, or the results already cleaned) down with it. So the batch API and
the command line let the caller choose, per call, what a failure does:

* ``"raise"``: stop with the document's error, after handing out every result before it
  (the API's default, so that existing code keeps failing loudly);
* ``"skip"``: leave the document out and go on;
* ``"return"`` (API) / ``"record"`` (command line): put a :class:`Failed` value (an error
  entry in the output) in the document's place and go on, so that the n-th output still
  belongs to the n-th input.

:class:`Failed` is plain data (no exception object, no traceback), so it pickles and prints
safely whatever went wrong. Inside declutter, the exception itself travels in a
:class:`Crash` from the worker that cleaned the chunk to the caller, which turns it into a
:class:`Failed` or raises it, as asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from .errors import OptionError

#: What ``clean_many(errors=...)`` and ``clean_html_many(errors=...)`` accept.
ErrorPolicy = Literal["raise", "skip", "return"]
ERROR_POLICIES: tuple[str, ...] = ("raise", "skip", "return")


@dataclass(frozen=True)
class Failed:
    """A document that could not be cleaned, in its place among the results.

    ``index`` is the document's position in the input (counting from 0), ``error`` the
    error's message and ``error_type`` its class name (``"InputError"``,
    ``"InputTooLargeError"``, ...), so a batch job can log it and go on.
    """

    index: int
    error: str
    error_type: str

    @classmethod
    def of(cls, index: int, error: BaseException) -> Failed:
        """The failure of document ``index`` from the exception it raised."""
        return cls(index, str(error) or type(error).__name__, type(error).__name__)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``{"index", "error", "error_type"}``."""
        return {"index": self.index, "error": self.error, "error_type": self.error_type}


@dataclass(frozen=True)
class Crash:
    """The exception one document raised, carried in that document's place.

    Internal: it goes back from a worker process with the chunk's other results, so that
    the caller can raise the very exception (``errors="raise"``) or report it.
    """

    error: BaseException


def check_error_policy(errors: object, allowed: tuple[str, ...] = ERROR_POLICIES) -> str:
    """``errors`` if it is one of ``allowed``, else an :class:`OptionError` naming them."""
    if not isinstance(errors, str) or errors not in allowed:
        choices = ", ".join(repr(name) for name in allowed)
        raise OptionError(f"errors must be one of {choices}, not {errors!r}")
    return errors


__all__ = ["ERROR_POLICIES", "Crash", "ErrorPolicy", "Failed", "check_error_policy"]
