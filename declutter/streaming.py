"""Files in, JSON Lines out, as a stream: what ``declutter clean`` does with many documents.

Inputs are read one document at a time and results written as soon as they are ready, so a
5 GB JSON Lines file or a crawl's WARC archives go through in constant memory:

* **text files** (or ``--html`` pages): each file is one document; directories are walked
  (recursively, sorted, hidden entries skipped), quoted glob patterns are expanded here, and
  ``-`` is standard input;
* **JSON Lines** (``--jsonl --field text``): one document per line, read line by line; each
  record is written back with the result fields added;
* **WARC** (``--warc``): the HTML responses of a crawl archive, via the optional ``warcio``
  package (``pip install declutter[warc]``).

A name ending in ``.gz`` is read and written gzip-compressed; gzip on standard input is
recognised by its magic bytes. Output records carry ``cleaned`` (the cleaned text) and
``removed`` (each removed segment's offsets, text, score and kind); see :func:`result_fields`.
"""

from __future__ import annotations

import glob
import gzip
import io
import json
import os
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

from .batch import chunked
from .decoding import decode_page, decode_text, http_charset
from .errors import DeclutterError
from .model import ModelSource, resolve_model
from .options import Options
from .result import Cleaned, removed_dicts

GZIP_MAGIC = b"\x1f\x8b"
_GLOB_CHARACTERS = frozenset("*?[")
#: Content types of WARC records that hold a page worth cleaning.
HTML_CONTENT_TYPES = ("text/html", "application/xhtml+xml")


class StreamError(DeclutterError):
    """An input cannot be found or read, or a record is not what the options say it is."""


@dataclass
class Document:
    """One document on its way through: where it came from, what to clean, what to write back.

    ``payload`` is the text (or the HTML page, as ``str`` or ``bytes``) to clean; ``record``
    is the dict that is written out with the result fields added (the input JSON record, or
    the file name or URL the document came from).
    """

    payload: str | bytes
    record: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- finding inputs


def expand_inputs(inputs: Sequence[str]) -> Iterator[str]:
    """File names of the inputs: ``-`` as is, directories walked, glob patterns expanded.

    Expansion is lazy, so a directory of a million files is not listed up front.
    """
    for name in inputs:
        if name == "-":
            yield name
        elif os.path.isdir(name):
            yield from _walk(name)
        elif os.path.exists(name) or not _GLOB_CHARACTERS & set(name):
            yield name
        else:
            yield from _glob(name)


def is_single_document(inputs: Sequence[str]) -> bool:
    """True for one plain file or ``-``: the classic ``declutter clean FILE`` behaviour."""
    if len(inputs) != 1:
        return False
    name = inputs[0]
    if name == "-":
        return True
    return not os.path.isdir(name) and (os.path.exists(name) or not _GLOB_CHARACTERS & set(name))


def _walk(directory: str) -> Iterator[str]:
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield os.path.join(root, name)


def _glob(pattern: str) -> Iterator[str]:
    matches = sorted(p for p in glob.iglob(pattern, recursive=True) if os.path.isfile(p))
    if not matches:
        raise StreamError(f"no files match {pattern!r}; check the pattern (quote it for `**`)")
    yield from matches


# --------------------------------------------------------------------------- opening files


@contextmanager
def open_binary(name: str) -> Iterator[IO[bytes]]:
    """Open an input for reading bytes: ``-`` is stdin, ``.gz`` (or gzip on stdin) inflates."""
    if name == "-":
        stdin: Any = sys.stdin.buffer
        peekable = stdin if hasattr(stdin, "peek") else io.BufferedReader(stdin)
        if peekable.peek(2)[:2] == GZIP_MAGIC:
            with gzip.GzipFile(fileobj=peekable, mode="rb") as inflated:
                yield inflated  # type: ignore[misc]
        else:
            yield peekable
        return
    try:
        handle = _open_file(name)
    except FileNotFoundError:
        raise StreamError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise StreamError(f"{name} is a directory; it is walked only when given as input") from None
    except PermissionError:
        raise StreamError(f"{name}: permission denied") from None
    except OSError as error:
        raise StreamError(f"{name}: cannot read ({error.strerror or error})") from None
    with handle:
        yield handle


@contextmanager
def open_output(name: str | None) -> Iterator[IO[str]]:
    """Open the output for writing text: None or ``-`` is stdout, ``.gz`` compresses."""
    if name is None or name == "-":
        yield sys.stdout
        return
    parent = Path(name).parent
    if not parent.is_dir():
        raise StreamError(f"cannot write {name}: the folder {parent} does not exist")
    with (
        gzip.open(name, "wt", encoding="utf-8")
        if name.endswith(".gz")
        else open(name, "w", encoding="utf-8") as handle
    ):
        yield handle


def _open_file(name: str) -> IO[bytes]:
    """A file's bytes, inflated when the name ends in ``.gz`` (the caller closes it)."""
    if name.endswith(".gz"):
        return cast(IO[bytes], gzip.open(name, "rb"))
    return open(name, "rb")


def read_whole(name: str) -> bytes:
    """All bytes of one input (``-``: stdin; ``.gz`` inflated); errors name the file."""
    with open_binary(name) as handle:
        try:
            return handle.read()
        except (OSError, EOFError) as error:
            raise StreamError(f"{name}: cannot read ({error})") from None


# --------------------------------------------------------------------------- documents


def file_documents(
    names: Iterable[str], *, html: bool = False, encoding: str | None = None
) -> Iterator[Document]:
    """One document per file; HTML stays bytes so that the page's own charset is honoured."""
    for name in names:
        data = read_whole(name)
        payload: str | bytes = data if html else decode_text(data, encoding, name)
        yield Document(payload, {"path": name})


def jsonl_documents(
    names: Iterable[str], *, field_name: str = "text", html: bool = False
) -> Iterator[Document]:
    """One document per JSON line, read line by line; blank lines are skipped."""
    for name in names:
        with open_binary(name) as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    yield _jsonl_document(line, f"{name}:{number}", field_name, html)


def _jsonl_document(line: bytes, where: str, field_name: str, html: bool) -> Document:
    try:
        record = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise StreamError(f"{where}: not a JSON line ({error}); is this JSON Lines?") from None
    if not isinstance(record, dict):
        raise StreamError(f"{where}: a JSON {type(record).__name__}, expected an object")
    if field_name not in record:
        fields = ", ".join(sorted(record)[:10]) or "none"
        raise StreamError(
            f"{where}: no field {field_name!r} (fields: {fields}); name it with --field"
        )
    value = record[field_name]
    if not isinstance(value, str):
        raise StreamError(
            f"{where}: field {field_name!r} holds {type(value).__name__}, expected text"
        )
    return Document(value, record)


def warc_documents(names: Iterable[str]) -> Iterator[Document]:
    """The HTML responses (and resources) of WARC files, one document each, streamed."""
    archive_iterator, load_failed = _warcio()
    for name in names:
        with open_binary(name) as handle:
            records = archive_iterator(handle)
            while True:
                try:
                    record = next(records)
                except StopIteration:
                    break
                except load_failed as error:
                    raise StreamError(f"{name}: not a readable WARC file ({error})") from None
                document = _warc_document(record)
                if document is not None:
                    yield document


def _warcio() -> tuple[Any, type[Exception]]:
    try:
        from warcio.archiveiterator import ArchiveIterator
        from warcio.exceptions import ArchiveLoadFailed
    except ImportError:
        raise StreamError(
            "reading WARC files needs the warcio package: pip install 'declutter[warc]'"
        ) from None
    return ArchiveIterator, ArchiveLoadFailed


def _warc_document(record: Any) -> Document | None:
    if record.rec_type not in ("response", "resource"):
        return None
    headers = record.http_headers
    content_type = (
        headers.get_header("Content-Type")
        if headers is not None
        else record.rec_headers.get_header("Content-Type")
    ) or ""
    if not content_type.lower().startswith(HTML_CONTENT_TYPES):
        return None
    if headers is not None and not headers.get_statuscode().startswith("2"):
        return None
    body = record.content_stream().read()
    meta = {
        "url": record.rec_headers.get_header("WARC-Target-URI"),
        "warc_record_id": record.rec_headers.get_header("WARC-Record-ID"),
        "warc_date": record.rec_headers.get_header("WARC-Date"),
    }
    return Document(_decode_declared(body, content_type), meta)


def _decode_declared(body: bytes, content_type: str) -> str | bytes:
    """Decode a page by its HTTP charset (which outranks ``<meta>``); else leave the bytes."""
    charset = http_charset(content_type)
    return body if charset is None else decode_page(body, declared=charset)


# --------------------------------------------------------------------------- cleaning


def clean_documents(
    documents: Iterable[Document], options: Options, model: ModelSource, *, html: bool = False
) -> Iterator[tuple[Document, Cleaned]]:
    """Each document with its result, in order, cleaned in batches (and on workers).

    The documents waiting for their results sit in a queue that is only as long as the
    chunks in flight, so memory does not grow with the input. ``options`` apply as in
    :func:`declutter.clean_many` (``max_chars`` included).
    """
    from .batch import clean_html_chunk, clean_text_chunk, run_chunks

    waiting: deque[Document] = deque()

    def payloads() -> Iterator[Any]:
        for document in documents:
            where = document.record.get("file") or document.record.get("url") or "a record"
            options.check_size(document.payload, f"{where}: clean")
            waiting.append(document)
            yield document.payload

    work = clean_html_chunk if html else clean_text_chunk
    chunks = chunked(payloads(), options.batch_size_for(html=html))
    for result in run_chunks(chunks, work, resolve_model(model), options):  # type: ignore[arg-type]
        yield waiting.popleft(), result


def result_fields(result: Cleaned, *, html: bool = False, full: bool = False) -> dict[str, Any]:
    """The fields added to an output record.

    ``cleaned`` is the cleaned text; ``removed`` lists each removed segment (``start``/``end``
    offsets into the cleaned field's text, or for HTML into ``extracted``, plus ``text``,
    ``score`` and ``kind``). ``full`` adds ``segments`` (kept ones too) and ``threshold``;
    HTML input adds ``extracted`` (the page's text, which the offsets refer to) when ``full``.
    """
    fields: dict[str, Any] = {
        "cleaned": result.text,
        "removed": removed_dicts(result),
    }
    if full:
        fields["segments"] = [segment.to_dict() for segment in result.segments]
        fields["threshold"] = result.threshold
        if html:
            fields["extracted"] = result.source
    return fields


# --------------------------------------------------------------------------- writing


@dataclass
class Summary:
    """Running totals for the line printed at the end of a run."""

    documents: int = 0
    paragraphs_removed: int = 0
    characters_removed: int = 0
    started: float = field(default_factory=time.monotonic)

    def add(self, result: Cleaned) -> None:
        removed = result.removed
        self.documents += 1
        self.paragraphs_removed += len(removed)
        self.characters_removed += sum(len(segment.text) for segment in removed)

    def line(self) -> str:
        seconds = time.monotonic() - self.started
        rate = self.documents / seconds if seconds > 0 else 0.0
        return (
            f"{self.documents:,} documents, {self.paragraphs_removed:,} paragraphs removed, "
            f"{self.characters_removed:,} characters removed, {seconds:.1f} s "
            f"({rate:,.1f} documents/s)"
        )


def write_records(
    pairs: Iterable[tuple[Document, Cleaned]],
    output: IO[str],
    *,
    html: bool = False,
    full: bool = False,
    summary: Summary | None = None,
) -> Summary:
    """Write each document's record with its result fields as one JSON line."""
    summary = summary or Summary()
    for document, result in pairs:
        record = {**document.record, **result_fields(result, html=html, full=full)}
        output.write(json.dumps(record, ensure_ascii=False) + "\n")
        summary.add(result)
    return summary


def quiet_broken_pipe(output: IO[str]) -> None:
    """After stdout's reader went away (``| head``), send the rest to /dev/null quietly."""
    if output is sys.stdout:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


__all__ = [
    "Document",
    "StreamError",
    "Summary",
    "clean_documents",
    "expand_inputs",
    "file_documents",
    "is_single_document",
    "jsonl_documents",
    "open_binary",
    "open_output",
    "result_fields",
    "warc_documents",
    "write_records",
]
