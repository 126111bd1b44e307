"""The values ``clean()`` returns: frozen, so a result can be shared and cached safely.

Every segment carries exact character offsets into :attr:`Cleaned.source`, so a caller can
highlight what was removed, or rebuild the input: the kept and removed segments together
cover every non-whitespace character of the source, in order, without overlap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .kinds import CONTENT
from .paragraphs import on_one_line

#: How kept paragraphs are joined in :attr:`Cleaned.text`.
PARAGRAPH_BREAK = "\n\n"


@dataclass(frozen=True)
class Segment:
    """A piece of the source that was scored and then kept or removed.

    ``source[start:end] == text`` always holds. ``score`` is the model's probability that
    the segment is an insert; ``kind`` is ``"content"`` for kept segments and one of
    :data:`declutter.kinds.INSERT_KINDS` for removed ones.
    """

    start: int
    end: int
    text: str
    score: float
    kind: str
    removed: bool

    @classmethod
    def _built(
        cls, start: int, end: int, text: str, score: float, kind: str, removed: bool
    ) -> Segment:
        """A segment built without ``__init__``, for :mod:`declutter.core`: the same object.

        Cleaning builds one segment per line, and a frozen dataclass's ``__init__`` sets
        each field through ``object.__setattr__``, which makes it twice as slow as filling
        the instance's ``__dict__`` (in field order, as ``__init__`` would) at once.
        """
        segment = object.__new__(cls)
        segment.__dict__.update(
            start=start, end=end, text=text, score=score, kind=kind, removed=removed
        )
        return segment

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the segment's fields."""
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "score": round(self.score, 6),
            "kind": self.kind,
            "removed": self.removed,
        }


@dataclass(frozen=True)
class Cleaned:
    """The outcome of cleaning one document.

    ``source`` is the text that the offsets refer to: the input itself for
    :func:`declutter.clean`, and the text extracted from the page for
    :func:`declutter.clean_html` (its blocks, in document order, one paragraph each).
    """

    source: str
    segments: tuple[Segment, ...]
    threshold: float

    @property
    def kept(self) -> tuple[Segment, ...]:
        """The segments judged to be article text, in source order."""
        return tuple(s for s in self.segments if not s.removed)

    @property
    def removed(self) -> tuple[Segment, ...]:
        """The segments taken out, in source order, each with its score and kind."""
        return tuple(s for s in self.segments if s.removed)

    @property
    def text(self) -> str:
        """The cleaned article: the kept segments joined in source order.

        Kept segments that stood on the same source line with nothing removed between them
        stay joined by their original gap (so a paragraph split for scoring comes back
        whole); all other kept segments are separated by a blank line.
        """
        parts: list[str] = []
        previous: Segment | None = None
        for segment in self.segments:
            if segment.removed:
                previous = None
                continue
            if previous is not None:
                gap = self.source[previous.end : segment.start]
                parts.append(gap if on_one_line(gap) else PARAGRAPH_BREAK)
            elif parts:
                parts.append(PARAGRAPH_BREAK)
            parts.append(segment.text)
            previous = segment
        return "".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: the cleaned text, the threshold, and every segment."""
        return {
            "text": self.text,
            "threshold": self.threshold,
            "segments": [s.to_dict() for s in self.segments],
        }

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickle as the source plus one list per field, not one object per segment.

        Results travel from worker processes (``clean_many(n_jobs=...)``, Dask, Spark) back
        to the caller. Pickled segment by segment, a result repeats every segment's text
        and field names, and unpickling it was the serial part of a parallel run; the
        texts are slices of ``source`` and are cut again on arrival.
        """
        segments = self.segments
        return (
            _restore,
            (
                type(self),
                self.source,
                self.threshold,
                [s.start for s in segments],
                [s.end for s in segments],
                [s.score for s in segments],
                [s.kind for s in segments],
                [s.removed for s in segments],
            ),
        )

    def __repr__(self) -> str:
        return (
            f"Cleaned(kept={len(self.kept)} segments, removed={len(self.removed)} segments, "
            f"threshold={self.threshold})"
        )


def removed_dicts(result: Cleaned) -> list[dict[str, Any]]:
    """The removed segments as JSON-ready dicts, without the ``removed`` flag (all are):
    the ``removed`` field of a streamed record and of a Dask or Spark result row."""
    out = []
    for segment in result.removed:
        data = segment.to_dict()
        del data["removed"]
        out.append(data)
    return out


def _restore(
    cls: type[Cleaned],
    source: str,
    threshold: float,
    starts: list[int],
    ends: list[int],
    scores: list[float],
    kinds: list[str],
    removed: list[bool],
) -> Cleaned:
    """The :class:`Cleaned` that :meth:`Cleaned.__reduce__` took apart."""
    build = Segment._built
    segments = tuple(
        build(a, b, source[a:b], score, kind, gone)
        for a, b, score, kind, gone in zip(starts, ends, scores, kinds, removed, strict=True)
    )
    return cls(source, segments, threshold)


__all__ = ["CONTENT", "PARAGRAPH_BREAK", "Cleaned", "Segment", "removed_dicts"]
