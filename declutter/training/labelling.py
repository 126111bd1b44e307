"""Pre-label new documents with the current model, for a person to correct.

``declutter label pages/*.txt -o new.jsonl`` writes one document per input in the training
format, each paragraph labelled as the model decided, with its ``score`` (ignored by the
reader) and a document-level ``review_order``: paragraph indices from the least confident
(score nearest the threshold) to the most. Documents come least-confident first, so a
labeller's first minutes go where the model is least sure. Correct the labels (and kinds),
delete the ``score``/``review_order`` fields if you like, and pass the file to
``declutter train`` together with the data the model was trained on.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..core import clean, clean_html_prepared
from ..html import BlockFeatures
from ..model import Model
from ..options import Options
from ..paragraphs import Span, on_one_line
from ..result import Cleaned


def labelled_record(
    doc_id: str,
    source: str,
    result: Cleaned,
    threshold: float,
    blocks: Sequence[tuple[Span, BlockFeatures]] | None = None,
) -> dict[str, Any]:
    """The training-format record of one cleaning result, with review hints.

    ``blocks`` (pages only) gives each block's span in ``result.source`` and its HTML
    features: every paragraph then carries its block's features, so that training reads
    the record as a page (scored with the page threshold, markup and all), not as text.
    """
    paragraphs: list[dict[str, Any]] = []
    previous_end: int | None = None
    block_starts = [span.start for span, _ in blocks] if blocks is not None else []
    for segment in result.segments:
        item: dict[str, Any] = {
            "text": segment.text,
            "label": "insert" if segment.removed else "content",
            "score": round(segment.score, 4),
        }
        if segment.removed:
            item["kind"] = segment.kind
        if blocks is not None:
            item["html"] = blocks[bisect.bisect_right(block_starts, segment.start) - 1][1].to_json()
        if previous_end is not None:
            gap = result.source[previous_end : segment.start]
            if on_one_line(gap):  # same line: keep the exact join
                item["join"] = gap
        paragraphs.append(item)
        previous_end = segment.end
    order = sorted(range(len(paragraphs)), key=lambda i: abs(paragraphs[i]["score"] - threshold))
    return {
        "id": doc_id,
        "source": source,
        "separator": "\n\n",
        "review_order": order,
        "paragraphs": paragraphs,
    }


def _least_margin(record: dict[str, Any], threshold: float) -> float:
    scores = [p["score"] for p in record["paragraphs"]]
    return min((abs(s - threshold) for s in scores), default=1.0)


def prelabel(
    inputs: Sequence[str | Path],
    output: str | Path,
    *,
    model: Model,
    source: str | None = None,
    html: bool = False,
) -> int:
    """Label each input file with ``model``; write JSONL, least-confident documents first.

    With ``html``, the inputs are pages: they are cleaned as ``clean_html`` cleans them,
    confidence is measured against the page threshold, and every paragraph carries its
    block's HTML features (a block the model cut in pieces becomes joined paragraphs).
    """
    records = []
    for name in inputs:
        path = Path(name)
        blocks = None
        if html:
            doc, result = clean_html_prepared(path.read_bytes(), Options(), model)
            features = [unit.html or BlockFeatures() for unit in doc.units if not unit.piece]
            blocks = list(zip(doc.lines, features, strict=True))
        else:
            result = clean(path.read_text(encoding="utf-8"), model=model)
        if not result.segments:
            continue
        site = source or path.parent.name or "unknown"
        # each document's margin against the threshold its cleaning used (one-line text
        # has its own): result.threshold
        record = labelled_record(path.stem, site, result, result.threshold, blocks)
        records.append((_least_margin(record, result.threshold), record))
    records.sort(key=lambda pair: pair[0])
    with Path(output).open("w", encoding="utf-8") as handle:
        for _, record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return len(records)
