"""A small progress display for long steps: a bar on a terminal, silence elsewhere.

tqdm is used when installed (``pip install declutter[progress]``); otherwise a plain
single-line display on stderr. Either is off when stderr is not a terminal, so logs and CI
output stay clean.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def _interactive() -> bool:
    return sys.stderr.isatty()


def track(items: Iterable[T], description: str, total: int | None = None) -> Iterator[T]:
    """Yield ``items`` while showing a progress bar on an interactive terminal."""
    if not _interactive():
        yield from items
        return
    try:
        from tqdm import tqdm
    except ImportError:
        yield from _plain(items, description, total)
        return
    yield from tqdm(items, desc=description, total=total, unit="doc", leave=False)


def _plain(items: Iterable[T], description: str, total: int | None) -> Iterator[T]:
    start = time.monotonic()
    count = 0
    for count, item in enumerate(items, start=1):
        if count % 50 == 0:
            of = f"/{total}" if total else ""
            sys.stderr.write(f"\r{description}: {count}{of} ({time.monotonic() - start:.0f}s)")
            sys.stderr.flush()
        yield item
    sys.stderr.write(f"\r{description}: {count} done in {time.monotonic() - start:.1f}s\n")


class Steps:
    """Announce named steps of a long job with the elapsed time, on stderr."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self.start = time.monotonic()

    def __call__(self, message: str) -> None:
        if self.enabled:
            print(f"[{time.monotonic() - self.start:6.1f}s] {message}", file=sys.stderr, flush=True)
