"""declutter: take the adverts and boilerplate out of article text, and say what was removed.

>>> import declutter
>>> result = declutter.clean("The council approved the budget on Monday after a long debate.\\n"
...                          "Share this article on Facebook, X and WhatsApp")
>>> [(segment.kind, segment.text) for segment in result.removed]
[('social', 'Share this article on Facebook, X and WhatsApp')]
"""

from __future__ import annotations

import logging

__version__ = "0.1.0"

from .core import clean, clean_html  # noqa: E402
from .errors import DeclutterError, InputError  # noqa: E402
from .kinds import INSERT_KINDS  # noqa: E402
from .model import Model, ModelError, ModelVersionWarning, load_model  # noqa: E402
from .result import Cleaned, Segment  # noqa: E402

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "INSERT_KINDS",
    "Cleaned",
    "DeclutterError",
    "InputError",
    "Model",
    "ModelError",
    "ModelVersionWarning",
    "Segment",
    "__version__",
    "clean",
    "clean_html",
    "load_model",
]
