"""Labelled documents: the JSON Lines format that ``declutter train`` reads and writes.

One document per line::

    {"id": "acme-0001", "source": "acme-insights.example", "lang": "en", "genre": "trade",
     "separator": "\\n\\n",
     "paragraphs": [
        {"text": "Oil majors bet on hydrogen", "label": "content"},
        {"text": "By AcmeData", "label": "insert", "kind": "lead_gen"},
        {"text": "In May this year, the regulator ...", "label": "content", "join": ""}
     ]}

* ``source`` is the site or publisher. It is the grouping key of every split and of
  cross-validation, so that one site's boilerplate never sits on both sides of a split.
* ``label`` is ``"content"``, ``"insert"`` or ``null`` (unknown: the paragraph stays in the
  document as context but is neither trained on nor scored).
* ``kind`` names the insert kind (see :mod:`declutter.kinds`); it is required for inserts in
  our own data and may be omitted (meaning ``"other"``) in data converted from public corpora.
* ``join`` is the exact text placed between the previous paragraph and this one when the
  document is rendered as plain text; it defaults to the document's ``separator``. ``""``
  glues the paragraph to the previous one (``"By AcmeDataIn May..."``), ``" "`` continues
  the same line (``"...end of story. Read more: ..."``).
* ``html`` (optional, per paragraph) holds what an HTML page said about the block, as made
  by :mod:`declutter.html`; paragraphs from plain text have none.

Errors cite ``file:line`` so that a labelling mistake is quick to find.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import DataError
from ..html import BlockFeatures
from ..kinds import CONTENT, INSERT, INSERT_KINDS


class DataFormatError(DataError):
    """A labelled-data file does not follow the documented JSONL format."""


@dataclass(frozen=True)
class LabelledParagraph:
    """One paragraph of a labelled document."""

    text: str
    label: str | None
    kind: str | None = None
    join: str | None = None
    html: BlockFeatures | None = None


@dataclass(frozen=True)
class LabelledDocument:
    """A document as a sequence of labelled paragraphs, with the site it came from."""

    id: str
    source: str
    paragraphs: tuple[LabelledParagraph, ...]
    lang: str = "und"
    genre: str = "unknown"
    separator: str = "\n\n"
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def is_page(self) -> bool:
        """Whether every paragraph carries HTML features: a page's blocks, as ``clean_html``
        sees them (scored block by block, with the page threshold), not plain text."""
        return all(p.html is not None for p in self.paragraphs)

    def render(self) -> tuple[str, list[tuple[int, int]]]:
        """Return the document as plain text and each paragraph's (start, end) in it."""
        parts: list[str] = []
        spans: list[tuple[int, int]] = []
        pos = 0
        for i, para in enumerate(self.paragraphs):
            if i:
                gap = self.separator if para.join is None else para.join
                parts.append(gap)
                pos += len(gap)
            parts.append(para.text)
            spans.append((pos, pos + len(para.text)))
            pos += len(para.text)
        return "".join(parts), spans


def _parse_paragraph(raw: Any, where: str) -> LabelledParagraph:
    if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
        raise DataFormatError(f"{where}: each paragraph must be an object with a 'text' string")
    label = raw.get("label")
    if label not in (CONTENT, INSERT, None):
        raise DataFormatError(f"{where}: label must be 'content', 'insert' or null, not {label!r}")
    kind = raw.get("kind")
    if kind is not None and kind not in INSERT_KINDS:
        known = ", ".join(INSERT_KINDS)
        raise DataFormatError(f"{where}: unknown kind {kind!r}; use one of: {known}")
    if kind is not None and label != INSERT:
        raise DataFormatError(
            f"{where}: only inserts carry a kind (got kind {kind!r} on {label!r})"
        )
    join = raw.get("join")
    if join is not None and (not isinstance(join, str) or join.strip()):
        raise DataFormatError(f"{where}: 'join' must be a whitespace-only string (or empty)")
    html = raw.get("html")
    if html is not None:
        try:
            html = BlockFeatures.from_json(html)
        except ValueError as error:
            raise DataFormatError(f"{where}: {error}") from None
    return LabelledParagraph(raw["text"], label, kind, join, html)


def parse_document(raw: Any, where: str = "<document>") -> LabelledDocument:
    """Build a :class:`LabelledDocument` from a decoded JSON object, checking every field."""
    if not isinstance(raw, dict):
        raise DataFormatError(f"{where}: a document must be a JSON object")
    for key in ("id", "source"):
        if not isinstance(raw.get(key), str) or not raw[key]:
            raise DataFormatError(f"{where}: missing or empty string field {key!r}")
    paragraphs = raw.get("paragraphs")
    if not isinstance(paragraphs, list) or not paragraphs:
        raise DataFormatError(f"{where}: 'paragraphs' must be a non-empty list")
    parsed = tuple(_parse_paragraph(p, f"{where}: paragraph {i}") for i, p in enumerate(paragraphs))
    known = {"id", "source", "paragraphs", "lang", "genre", "separator"}
    return LabelledDocument(
        id=raw["id"],
        source=raw["source"],
        paragraphs=parsed,
        lang=raw.get("lang", "und"),
        genre=raw.get("genre", "unknown"),
        separator=raw.get("separator", "\n\n"),
        meta={k: v for k, v in raw.items() if k not in known},
    )


def read_jsonl(path: str | Path) -> Iterator[LabelledDocument]:
    """Yield the documents of one JSONL file; a bad line raises with its ``file:line``."""
    path = Path(path)
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as error:
                raise DataFormatError(f"{where}: not valid JSON ({error.msg})") from None
            yield parse_document(raw, where)


def document_to_json(doc: LabelledDocument) -> dict[str, Any]:
    """The JSON object for ``doc``, the inverse of :func:`parse_document`."""
    paragraphs = []
    for para in doc.paragraphs:
        item: dict[str, Any] = {"text": para.text, "label": para.label}
        if para.kind is not None:
            item["kind"] = para.kind
        if para.join is not None:
            item["join"] = para.join
        if para.html is not None:
            item["html"] = para.html.to_json()
        paragraphs.append(item)
    return {
        "id": doc.id,
        "source": doc.source,
        "lang": doc.lang,
        "genre": doc.genre,
        "separator": doc.separator,
        **doc.meta,
        "paragraphs": paragraphs,
    }


def write_jsonl(docs: Iterable[LabelledDocument], path: str | Path) -> int:
    """Write ``docs`` to ``path`` as JSONL (UTF-8, one document a line); return the count."""
    count = 0
    with Path(path).open("w", encoding="utf-8") as handle:
        for doc in docs:
            handle.write(json.dumps(document_to_json(doc), ensure_ascii=False) + "\n")
            count += 1
    return count


def file_sha256(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
