"""declutter: take the adverts and boilerplate out of article text, and say what was removed.

>>> import declutter
>>> result = declutter.clean("The council approved the budget on Monday after a long debate.\\n"
...                          "Share this article on Facebook, X and WhatsApp")
>>> [(segment.kind, segment.text) for segment in result.removed]
[('social', 'Share this article on Facebook, X and WhatsApp')]

Importing declutter is cheap: the functions that need scikit-learn (and the model, which
loads on first use) are imported on first access, through the module's ``__getattr__``.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

from .errors import DeclutterError, InputError, InputTooLargeError, ModelError, OptionError
from .failures import Failed
from .kinds import INSERT_KINDS
from .result import Cleaned, Segment

__version__ = "0.1.0"

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from .batch import clean_html_many, clean_many
    from .core import clean, clean_html
    from .model import Model, load_model
    from .review import review_html

#: Public names whose modules load the model code or bs4, imported on first access.
_LAZY = {
    "clean": "core",
    "clean_html": "core",
    "clean_many": "batch",
    "clean_html_many": "batch",
    "load_model": "model",
    "Model": "model",
    "review_html": "review",
}

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "INSERT_KINDS",
    "Cleaned",
    "DeclutterError",
    "Failed",
    "InputError",
    "InputTooLargeError",
    "Model",
    "ModelError",
    "OptionError",
    "Segment",
    "__version__",
    "clean",
    "clean_html",
    "clean_html_many",
    "clean_many",
    "load_model",
    "review_html",
]


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first access (PEP 562)."""
    if name not in _LAZY:
        raise AttributeError(f"module 'declutter' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
