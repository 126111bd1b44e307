"""Fixtures shared by the test modules that read the public corpora."""

from __future__ import annotations

from pathlib import Path

import pytest

from declutter.training.corpora import default_corpora_root


@pytest.fixture(scope="session")
def root() -> Path:
    """The folder of the public corpora; tests that need it skip on a fresh clone."""
    found = default_corpora_root()
    if found is None:
        pytest.skip("../shared/corpora not found: set $DECLUTTER_CORPORA to run corpus tests")
    return found
