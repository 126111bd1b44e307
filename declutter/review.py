"""A review page: one self-contained HTML file that shows what was removed and lets a person
correct it, then export the corrections as training data.

``declutter review INPUT... -o review.html`` (or :func:`review_html` in a notebook) cleans the
documents and writes a page that shows each document's ``source`` with every removed segment
marked in place, coloured by kind, with its score and kind on hover. A threshold slider
re-decides live from the scores embedded in the page, by one rule: **a segment counts as
removed iff its score >= the threshold**; a person's corrections override the rule. The page
exports the documents the person reviewed (corrected, or ticked as checked) or all of them as
JSON Lines in the training format of :mod:`declutter.training.data`, ready for ``declutter train``.

The page needs no network: its CSS and JS (``review_assets/``) are inlined, and the documents
travel as JSON in a ``<script type="application/json">`` block, escaped so that no user text
can close that block (see :func:`embed_json`). The page script inserts user text only as
text nodes. :func:`training_record` is the Python twin of the page's export, so the export
rule is written down in one place that tests can run.
"""

from __future__ import annotations

import bisect
import html
import json
import os
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from itertools import islice
from pathlib import Path
from typing import Any

from . import __version__
from .errors import InputError
from .html import BlockFeatures
from .kinds import CONTENT, INSERT, INSERT_KINDS
from .model import ModelSource, resolve_model
from .options import Options
from .paragraphs import on_one_line
from .result import Cleaned

#: Separator of a document whose segments never stand on separate lines.
DEFAULT_SEPARATOR = "\n\n"
#: Kind given to a segment that becomes an insert but was never named by the kind model
#: (it was kept at the threshold the document was cleaned with).
UNNAMED_KIND = "other"
#: Characters that must not appear raw inside an inline ``<script>`` block (``</script>``,
#: ``<!--``), or that old JavaScript parsers read as line ends inside strings.
_SCRIPT_ESCAPES: dict[int, str] = {
    ord(character): f"\\u{ord(character):04x}" for character in "<>&\u2028\u2029"
}


@dataclass(frozen=True)
class ReviewDocument:
    """One cleaned document as the page shows it, with the names its export will carry.

    ``doc_id`` and ``site`` become the training record's ``id`` and ``source`` (the grouping
    key of cross-validation); ``title`` is what the page shows above the document.
    """

    result: Cleaned
    title: str
    doc_id: str
    site: str
    lang: str | None = None
    #: Pages only: each block's start offset in ``result.source`` and its HTML features, so
    #: that the export trains the page mode, as ``declutter label --html`` does.
    blocks: tuple[tuple[int, Mapping[str, Any]], ...] | None = None


#: A person's correction of one segment: its label (``"content"`` or ``"insert"``) and, for
#: an insert, its kind.
Correction = tuple[str, str | None]


def review_html(
    results: Iterable[Cleaned],
    *,
    titles: Sequence[str] | None = None,
    threshold: float | None = None,
) -> str:
    """The review page of ``results`` as one self-contained HTML string.

    For notebooks: write it to a file and open it, or show it inline (``IPython.display.HTML``
    of it works, though a file keeps the export's download link simple).
    ``titles`` names the documents (default ``document 1``, ``document 2``...); ``threshold``
    is where the page's slider starts (default: the threshold the first result was cleaned
    with). Exported records get ids ``doc-0001``... and the source ``review``; the command
    line (``declutter review``) names them after the input files instead.

    >>> import declutter
    >>> page = declutter.review_html([declutter.clean("Rates rose on Tuesday.\\nShare this")])
    >>> page.startswith("<!DOCTYPE html>") and 'type="application/json"' in page
    True
    """
    results = list(results)
    if titles is not None and len(titles) != len(results):
        raise InputError(f"titles has {len(titles)} names for {len(results)} results")
    names = titles if titles is not None else [f"document {n + 1}" for n in range(len(results))]
    docs = [
        ReviewDocument(result, str(name), f"doc-{n + 1:04d}", "review")
        for n, (result, name) in enumerate(zip(results, names))
    ]
    return render_page(docs, threshold=threshold)


def render_page(docs: Sequence[ReviewDocument], *, threshold: float | None = None) -> str:
    """The page for ``docs``: HTML shell, inlined CSS and JS, and the documents as JSON."""
    for doc in docs:
        if not isinstance(doc.result, Cleaned):
            raise InputError(
                f"review needs the results of declutter.clean or clean_html, not "
                f"{type(doc.result).__name__}"
            )
    start = _start_threshold(docs, threshold)
    payload = page_payload(docs, start)
    count = len(docs)
    title = f"declutter review: {count:,} document{'s' if count != 1 else ''}"
    return _asset("review.html").format(
        title=html.escape(title),
        version=html.escape(__version__),
        css=_asset("review.css"),
        data=embed_json(payload),
        script=_asset("review.js"),
    )


def _start_threshold(docs: Sequence[ReviewDocument], threshold: float | None) -> float:
    """Where the slider starts: the caller's threshold, else the first document's."""
    if threshold is not None:
        return float(Options(threshold=threshold).threshold or 0.0)
    return docs[0].result.threshold if docs else 0.5


def page_payload(docs: Sequence[ReviewDocument], threshold: float) -> dict[str, Any]:
    """The data the page script reads: the kinds, the start threshold and every document.

    Segments travel as compact arrays ``[start, end, score, kind, removed]`` (offsets into
    the document's ``text``, which is the result's ``source``): at a thousand documents the
    field names would be a third of the file.
    """
    features: dict[str, int] = {}
    return {
        "format": 1,
        "threshold": threshold,
        "kinds": dict(INSERT_KINDS),
        "docs": [_doc_payload(doc, features) for doc in docs],
        "features": [json.loads(key) for key in features],
    }


def _doc_payload(doc: ReviewDocument, features: dict[str, int]) -> dict[str, Any]:
    """One document's data; its blocks' HTML features go to the shared ``features`` table
    (a page's blocks repeat a few feature sets: stored once, they cost little)."""
    result = doc.result
    item: dict[str, Any] = {
        "id": doc.doc_id,
        "site": doc.site,
        "title": doc.title,
        "text": result.source,
        "threshold": result.threshold,
        "segments": [
            [s.start, s.end, s.score, s.kind, 1 if s.removed else 0] for s in result.segments
        ],
    }
    if doc.lang:
        item["lang"] = doc.lang
    if doc.blocks is not None:
        item["blocks"] = [[start, _intern(found, features)] for start, found in doc.blocks]
    return item


def _intern(found: Mapping[str, Any], table: dict[str, int]) -> int:
    key = json.dumps(found, sort_keys=True, separators=(",", ":"))
    return table.setdefault(key, len(table))


def embed_json(payload: Any) -> str:
    """``payload`` as JSON that is safe inside ``<script type="application/json">``.

    ``<``, ``>`` and ``&`` become ``\\u003c``..., so ``</script>`` or ``<!--`` in a
    document cannot end or confuse the block, and U+2028/2029 are escaped too. Outside
    strings JSON never holds these characters, so the result is the same JSON value.
    """
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.translate(_SCRIPT_ESCAPES)


def _asset(name: str) -> str:
    """A file of ``declutter/review_assets`` (package data, inlined into every page)."""
    return resources.files(__package__).joinpath("review_assets").joinpath(name).read_text("utf-8")


# --------------------------------------------------------------------------- export rule


def segment_labels(
    result: Cleaned, threshold: float, corrections: Mapping[int, Correction] | None = None
) -> list[Correction]:
    """Each segment's (label, kind) as the page decides it: a correction if there is one,
    else insert iff ``score >= threshold``, with the model's kind (or ``other`` when the
    model never named it, because it was kept when the document was cleaned)."""
    corrections = corrections or {}
    out: list[Correction] = []
    for index, segment in enumerate(result.segments):
        if index in corrections:
            out.append(corrections[index])
        elif segment.score >= threshold:
            out.append((INSERT, segment.kind if segment.kind != CONTENT else UNNAMED_KIND))
        else:
            out.append((CONTENT, None))
    return out


def document_separator(result: Cleaned) -> str:
    """The document's ``separator``: its most common gap that breaks the line (the first
    seen wins a tie), so that most paragraphs need no ``join`` of their own."""
    gaps = Counter(gap for gap in _gaps(result) if not on_one_line(gap))
    return gaps.most_common(1)[0][0] if gaps else DEFAULT_SEPARATOR


def _gaps(result: Cleaned) -> Iterator[str]:
    """The source text between consecutive segments (whitespace: segments cover the rest)."""
    segments = result.segments
    for before, after in zip(segments, segments[1:]):
        yield result.source[before.end : after.start]


def training_record(
    doc: ReviewDocument,
    threshold: float,
    corrections: Mapping[int, Correction] | None = None,
) -> dict[str, Any] | None:
    """The training-format record the page exports for ``doc`` (None when it has no text).

    One paragraph per segment, labelled by :func:`segment_labels`. Every gap between two
    segments is whitespace, and becomes the paragraph's ``join`` unless it equals the
    separator: so rendering the record (:meth:`LabelledDocument.render`) gives back the
    source from the first segment to the last, character for character, and training cuts
    it into the same lines and pieces that ``clean`` scored. A page's paragraphs carry their
    block's HTML features (keys sorted), so training reads the record as a page.
    """
    result = doc.result
    if not result.segments:
        return None
    separator = document_separator(result)
    labels = segment_labels(result, threshold, corrections)
    gaps = [None, *_gaps(result)]
    starts = [start for start, _ in doc.blocks] if doc.blocks is not None else []
    paragraphs = []
    for segment, (label, kind), gap in zip(result.segments, labels, gaps):
        item: dict[str, Any] = {"text": segment.text, "label": label}
        if label == INSERT:
            item["kind"] = kind or UNNAMED_KIND
        if gap is not None and gap != separator:
            item["join"] = gap
        if doc.blocks is not None:
            block = doc.blocks[max(0, bisect.bisect_right(starts, segment.start) - 1)]
            item["html"] = json.loads(json.dumps(block[1], sort_keys=True))
        paragraphs.append(item)
    record: dict[str, Any] = {"id": doc.doc_id, "source": doc.site}
    if doc.lang:
        record["lang"] = doc.lang
    record["separator"] = separator
    record["paragraphs"] = paragraphs
    return record


# --------------------------------------------------------------------------- command line


def documents_to_review(
    inputs: Sequence[str],
    *,
    html_input: bool = False,
    jsonl: bool = False,
    field_name: str = "text",
    encoding: str | None = None,
    limit: int | None = None,
) -> Iterator[Any]:
    """The inputs as :class:`declutter.streaming.Document` values, as ``declutter clean``
    reads them (files, folders, globs, ``-``, JSON Lines), at most ``limit`` of them."""
    from .streaming import expand_inputs, file_documents

    names = expand_inputs(inputs)
    if jsonl:
        documents = _numbered_lines(names, field_name, html_input)
    else:
        documents = file_documents(names, html=html_input, encoding=encoding)
    return islice(documents, limit) if limit is not None else documents


def _numbered_lines(names: Iterable[str], field_name: str, html_input: bool) -> Iterator[Any]:
    """JSON Lines documents, each told which file and record number it came from (for a
    title and id when the record carries none)."""
    from .streaming import jsonl_documents

    for name in names:
        for number, document in enumerate(jsonl_documents([name], field_name=field_name,
                                                          html=html_input), start=1):  # fmt: skip
            document.record.setdefault("_review_where", (name, number))
            yield document


def review_document(record: Mapping[str, Any], result: Cleaned) -> ReviewDocument:
    """Name a cleaned input: a file by its path (id: its stem; source: its folder's name),
    a JSON record by its own ``id``/``title``/``url``/``source``/``lang`` fields when it has
    them, else by file name and record number."""
    if "path" in record and "_review_where" not in record:
        path = str(record["path"])
        stem = Path(path).stem if path != "-" else "stdin"
        folder = Path(os.path.abspath(path)).parent.name if path != "-" else "stdin"
        return ReviewDocument(result, path, stem or "document", folder or "unknown")
    name, number = record.get("_review_where", ("records", 0))
    stem = Path(str(name)).name.split(".")[0] or "records"
    doc_id = _text_field(record, "id") or f"{stem}-{number}"
    title = (
        _text_field(record, "title")
        or _text_field(record, "url")
        or _text_field(record, "id")
        or f"{name}:{number}"
    )
    site = _text_field(record, "source") or _text_field(record, "site") or _host(record) or stem
    return ReviewDocument(result, title, doc_id, site, _text_field(record, "lang"))


def _text_field(record: Mapping[str, Any], key: str) -> str | None:
    value = record.get(key)
    if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
        return str(value)
    return None


def _host(record: Mapping[str, Any]) -> str | None:
    from urllib.parse import urlsplit

    url = _text_field(record, "url")
    return urlsplit(url).hostname if url else None


def _cleaned_pages(
    documents: Iterable[Any], threshold: float | None, model: ModelSource, encoding: str | None
) -> Iterator[tuple[Any, Cleaned, tuple[tuple[int, Mapping[str, Any]], ...]]]:
    """Each page cleaned as ``clean_html`` cleans it, with its blocks' starts and features
    (one page at a time: the features come with the prepared page)."""
    from .core import clean_html_prepared

    for document in documents:
        options = Options(threshold=threshold, encoding=encoding)
        prepared, result = clean_html_prepared(document.payload, options, resolve_model(model))
        features = [
            (unit.html or BlockFeatures()).to_json() for unit in prepared.units if not unit.piece
        ]
        blocks = tuple(
            (line.start, found) for line, found in zip(prepared.lines, features, strict=True)
        )
        yield document, result, blocks


def write_review(
    inputs: Sequence[str],
    output: str,
    *,
    html_input: bool = False,
    jsonl: bool = False,
    field_name: str = "text",
    encoding: str | None = None,
    threshold: float | None = None,
    model: ModelSource = None,
    limit: int | None = None,
) -> int:
    """Clean the inputs and write their review page to ``output``; return the document count.

    The output folder is checked before any cleaning, so a typo costs no time.
    """
    from .streaming import StreamError, clean_documents

    target = Path(output)
    if output != "-" and not target.parent.is_dir():
        raise StreamError(f"cannot write {output}: the folder {target.parent} does not exist")
    documents = documents_to_review(
        inputs, html_input=html_input, jsonl=jsonl, field_name=field_name,
        encoding=encoding, limit=limit,
    )  # fmt: skip
    if html_input:
        docs = [
            replace(review_document(document.record, result), blocks=blocks)
            for document, result, blocks in _cleaned_pages(documents, threshold, model, encoding)
        ]
    else:
        pairs = clean_documents(documents, Options(threshold=threshold), model)
        docs = [review_document(document.record, result) for document, result in pairs]
    if not docs:
        raise StreamError("no documents to review: the inputs held none")
    page = render_page(docs, threshold=threshold)
    if output == "-":
        sys.stdout.write(page)
    else:
        target.write_text(page, encoding="utf-8")
    return len(docs)


__all__ = [
    "ReviewDocument",
    "document_separator",
    "embed_json",
    "page_payload",
    "render_page",
    "review_html",
    "segment_labels",
    "training_record",
    "write_review",
]
