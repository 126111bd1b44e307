"""Files in, JSON Lines out, as a stream: what ``declutter clean`` does with many documents.

Inputs are read one document at a time and results written as soon as they are ready, so a
5 GB JSON Lines file or a crawl's WARC archives go through in constant memory:

* **files**: each file is one document; directories are walked (recursively, sorted,
  hidden entries skipped), quoted glob patterns are expanded, and ``-`` is standard input.
  Only regular files are read: a FIFO or a device (``/dev/zero``) is refused;
* **JSON Lines** (``--jsonl --field text``): one document per line, read line by line; each
  record is written back with the result fields added;
* **WARC** (``--warc``): the HTML responses of a crawl archive, via the optional ``warcio``
  package (``pip install declutter[warc]``).

A name ending in ``.gz`` is read and written gzip-compressed; gzip on standard input is
recognised by its magic bytes. Output records carry ``cleaned`` (the cleaned text),
``removed`` (each removed segment's offsets, text, score and kind) and ``cleaned_as``
(``"text"`` or ``"page"``); see :func:`result_fields`.

Three promises, because a crawl is long and its data is dirty:

* **No record is lost to another's failure.** A record that cannot be read or cleaned
  becomes a :class:`Document` with an ``error`` (``keep_failures=True``) that travels in its
  place; :func:`write_records` writes an error entry for it, skips it or stops, as asked.
* **Nothing is read past the size limit** (:mod:`declutter.bounded`): a file, a JSON line, a
  WARC record or standard input is refused as soon as it passes ``max_chars``.
* **The output appears whole or not at all**: :func:`~declutter.outputs.open_output`
  writes to a temporary file next to the target and moves it into place only when the run
  succeeds.

Finding and opening the inputs is :mod:`declutter.inputs`, writing the output
:mod:`declutter.outputs`; their public names are also importable from here.
"""

from __future__ import annotations

import functools
import json
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any, Literal, cast, overload

from .batch import clean_html_chunk, clean_text_chunk, isolated, run_chunks
from .bounded import EndlessLineError, read_bounded, read_line, too_large
from .decoding import decode_page, decode_text, http_charset, read_text
from .errors import DeclutterError, InputError, check_text
from .failures import Crash, Failed
from .inputs import (
    Input,
    ReadError,
    StreamError,
    check_inputs,
    error_message,
    expand_inputs,
    is_page_name,
    is_single_document,
    located,
    looks_like_page,
    open_input,
)
from .model import ModelSource, resolve_model
from .options import DEFAULT_MAX_CHARS, Options
from .outputs import json_line, open_output, quiet_broken_pipe
from .result import Cleaned, removed_dicts

#: Content types of WARC records that hold a page worth cleaning.
HTML_CONTENT_TYPES = ("text/html", "application/xhtml+xml")
#: ``--html``: ``auto`` decides per document, ``yes`` and ``no`` force pages or text.
HtmlMode = Literal["auto", "yes", "no"]
HTML_MODES: tuple[str, ...] = ("auto", "yes", "no")
#: ``--on-error``: what a record that cannot be read or cleaned does to the run.
OnError = Literal["raise", "skip", "record"]
ON_ERROR_CHOICES: tuple[str, ...] = ("raise", "skip", "record")
#: A JSON line may spend 6 bytes on each character of its document (JSON's \\uXXXX
#: escapes, which Python's json.dumps writes by default) plus this much on its other fields.
JSON_LINE_SLACK = 1 << 20


@dataclass
class Document:
    """One document on its way through: where it came from, what to clean, what to write back.

    ``payload`` is the text (or the HTML page, as ``str`` or ``bytes``) to clean; ``record``
    is the dict that is written out with the result fields added (the input JSON record, or
    the file name or URL the document came from); ``where`` names it in messages (a path,
    ``path:line``, or an archive and record id); ``page`` says whether it is cleaned as an
    HTML page. ``error`` is set, and ``payload`` empty, for a record that could not be read:
    it travels in its place so that the output keeps the input's order.
    """

    payload: str | bytes
    record: dict[str, Any] = field(default_factory=dict)
    where: str = "a record"
    page: bool = False
    error: BaseException | None = None


def html_mode(value: HtmlMode | bool) -> HtmlMode:
    """``--html``'s mode; ``True``/``False`` (what callers passed before modes) force it."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if value not in HTML_MODES:
        raise StreamError(f"--html takes auto, yes or no, not {value!r}")
    return value


def read_document(
    name: str,
    html: HtmlMode = "auto",
    encoding: str | None = None,
    max_chars: int | None = DEFAULT_MAX_CHARS,
) -> Document:
    """One file (or stdin) as one document, read with the size limit.

    A page stays bytes (at most ``max_chars`` of them) so that its own charset is honoured;
    text is decoded strictly, at most ``max_chars`` characters. With ``auto``, a file is a
    page by its name, standard input by its first bytes (see :func:`looks_like_page`).
    Errors name the file.
    """
    try:
        with open_input(name) as handle:
            reader = cast(IO[bytes], handle)
            page = html == "yes" or (
                html == "auto"
                and (looks_like_page(handle.peek(1024)) if name == "-" else is_page_name(name))
            )
            if page:
                payload: str | bytes = read_bounded(reader, max_chars)
            else:
                payload = read_text(reader, encoding, name, max_chars)
    except DeclutterError as error:
        raise located(name, error) from None
    return Document(payload, {"path": name}, where=name, page=page)


def file_documents(
    names: Iterable[str],
    *,
    html: HtmlMode | bool = "auto",
    encoding: str | None = None,
    max_chars: int | None = DEFAULT_MAX_CHARS,
    keep_failures: bool = False,
) -> Iterator[Document]:
    """One document per file (see :func:`read_document`).

    A file that cannot be read stops the stream with its error, or with ``keep_failures``
    becomes a failed :class:`Document` in its place.
    """
    mode = html_mode(html)
    for name in names:
        try:
            document = read_document(name, mode, encoding, max_chars)
        except DeclutterError as error:
            document = _failed(name, error, keep_failures, {"path": name})
        yield document


def _failed(
    where: str, error: BaseException, keep: bool, record: dict[str, Any] | None = None
) -> Document:
    """A document that could not be read: raised now, or (``keep``) kept in its place."""
    if not keep:
        raise located(where, error) from None
    return Document("", record or {}, where=where, error=error)


def json_line_limit(max_chars: int | None) -> int | None:
    """The most bytes one JSON line may hold: enough for a document of ``max_chars``
    characters written with JSON's 6-byte escapes, plus ``JSON_LINE_SLACK`` for the rest."""
    return None if max_chars is None else 6 * max_chars + JSON_LINE_SLACK


def jsonl_documents(
    names: Iterable[str],
    *,
    field_name: str = "text",
    html: HtmlMode | bool = "auto",
    encoding: str | None = None,
    max_chars: int | None = DEFAULT_MAX_CHARS,
    keep_failures: bool = False,
) -> Iterator[Document]:
    """One document per JSON line, read line by line (each line bounded); blank lines are
    skipped. A bad line is its own failure (``keep_failures``); a file that breaks off
    (truncated gzip) ends with one failure at the line where it broke."""
    mode = html_mode(html)
    options = (field_name, mode, encoding, max_chars, keep_failures)
    yield from _each_input(
        names, keep_failures, lambda handle, name: _jsonl_lines(handle, name, *options)
    )


def _each_input(
    names: Iterable[str],
    keep_failures: bool,
    read: Callable[[Input, str], Iterator[Document]],
) -> Iterator[Document]:
    """The documents ``read`` finds in each input, opened in turn; an input that cannot be
    opened is one failure in its place (JSON Lines and WARC files alike)."""
    for name in names:
        try:
            handle = open_input(name)
        except DeclutterError as error:
            yield _failed(name, error, keep_failures)
            continue
        with handle:
            yield from read(handle, name)


def _jsonl_lines(
    handle: Input,
    name: str,
    field_name: str,
    mode: HtmlMode,
    encoding: str | None,
    max_chars: int | None,
    keep: bool,
) -> Iterator[Document]:
    """The documents of one JSON Lines input. A bad line or one over the limit is that
    line's failure, and reading goes on at the next line; an input that cannot be read on
    (a gzip that breaks off, a line without end) is one failure at the line it broke."""
    limit = json_line_limit(max_chars)
    number = 0
    while True:
        number += 1
        where = f"{name}:{number}"
        try:
            line = read_line(cast(IO[bytes], handle), limit)
        except (ReadError, EndlessLineError) as error:
            yield _failed(where, error, keep)
            return
        except DeclutterError as error:
            yield _failed(where, error, keep)
            continue
        if not line:
            return
        if not line.strip():
            continue
        try:
            document = _jsonl_document(line, where, field_name, mode, encoding, max_chars)
        except DeclutterError as error:
            document = _failed(where, error, keep)
        yield document


def _jsonl_document(
    line: bytes,
    where: str,
    field_name: str,
    mode: HtmlMode,
    encoding: str | None,
    max_chars: int | None,
) -> Document:
    record = _parse_json(decode_text(line, encoding, where))
    if not isinstance(record, dict):
        raise StreamError(f"a JSON {type(record).__name__}, expected an object")
    if field_name not in record:
        fields = ", ".join(sorted(record)[:10]) or "none"
        raise StreamError(f"no field {field_name!r} (fields: {fields}); name it with --field")
    value = record[field_name]
    if value is None:
        raise StreamError(f"field {field_name!r} is null, expected text (it may be empty)")
    if not isinstance(value, str):
        raise StreamError(f"field {field_name!r} holds {type(value).__name__}, expected text")
    if max_chars is not None and len(value) > max_chars:
        raise too_large(max_chars, "characters")
    page = mode == "yes" or (mode == "auto" and looks_like_page(value))
    return Document(value, record, where=where, page=page)


def _parse_json(text: str) -> Any:
    """One JSON value; ``NaN`` and ``Infinity`` (not JSON, but Python writes them) become
    null, so that every record written back is valid JSON."""
    try:
        return json.loads(text, parse_constant=lambda _constant: None)
    except RecursionError:
        raise StreamError(
            "not a JSON line declutter can read: nested too deeply (thousands of levels)"
        ) from None
    except ValueError as error:  # also json.JSONDecodeError, and integers too long to read
        raise StreamError(f"not a JSON line ({error}); is this JSON Lines?") from None


def warc_documents(
    names: Iterable[str],
    *,
    html: HtmlMode | bool = "auto",
    max_chars: int | None = DEFAULT_MAX_CHARS,
    keep_failures: bool = False,
) -> Iterator[Document]:
    """The HTML responses (and resources) of WARC files, one document each, streamed.

    A record that cannot be read is its own failure; an archive that breaks off (truncated,
    corrupt, or not WARC) ends with one failure where it broke.
    """
    archive_iterator = warcio_iterator()
    mode = html_mode(html)
    yield from _each_input(
        names,
        keep_failures,
        lambda handle, name: _warc_records(
            handle, name, archive_iterator, mode, max_chars, keep_failures
        ),
    )


def warcio_iterator() -> Any:
    """warcio's ``ArchiveIterator``, or a :class:`StreamError` that says how to install it."""
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError:
        raise StreamError(
            "reading WARC files needs the warcio package: pip install 'declutter[warc]'"
        ) from None
    return ArchiveIterator


def _warc_records(
    handle: Input,
    name: str,
    archive_iterator: Any,
    mode: HtmlMode,
    max_chars: int | None,
    keep: bool,
) -> Iterator[Document]:
    """The documents of one archive. warcio raises many types on a damaged archive (and
    swallows some damage), so any failure of the iterator ends this archive with one error
    entry, and the bytes it read are compared with the end of its last whole record."""
    records = archive_iterator(handle)
    while True:
        try:
            record = next(records)
            document = _warc_document(record, name, records.offset, mode, max_chars)
        except StopIteration:
            break
        except ReadError as error:
            yield _failed(f"{name}:byte {records.offset}", error, keep)
            return
        except _RecordFailure as failure:
            yield _failed(failure.where, failure.error, keep)
            continue
        except Exception as error:  # any failure of warcio here: the archive cannot be read on
            yield _failed(f"{name}:byte {records.offset}", _damaged(records.offset, error), keep)
            return
        if document is not None:
            yield document
    if handle.bytes_read > records.offset:
        problem = StreamError("the archive ends inside a record (a truncated file?)")
        yield _failed(f"{name}:byte {records.offset}", problem, keep)


def _damaged(offset: int, error: Exception) -> StreamError:
    """What a WARC parser failure means: no archive at all, or one broken off part-way."""
    cause = f"{type(error).__name__}: {error}"
    if offset == 0:
        return StreamError(f"not a readable WARC archive ({cause})")
    return StreamError(f"the archive is damaged or truncated after its last whole record ({cause})")


class _RecordFailure(Exception):
    """One WARC record that cannot be read, while the archive around it can."""

    def __init__(self, where: str, error: BaseException) -> None:
        super().__init__(where, error)
        self.where = where
        self.error = error


def _warc_document(
    record: Any, name: str, offset: int, mode: HtmlMode, max_chars: int | None
) -> Document | None:
    """A WARC record's page as a document, or None for records that are not HTML pages.

    Whatever one record holds (odd headers, a body cut short, a hostile charset, a body
    over the limit) is that record's failure only (:class:`_RecordFailure`); a failure to
    read the archive itself (:class:`ReadError`) goes up to end the archive.
    """
    record_id = record.rec_headers.get_header("WARC-Record-ID")
    where = f"{name}:{record_id or f'byte {offset}'}"
    try:
        return _warc_page(record, record_id, where, mode, max_chars)
    except ReadError:
        raise
    except Exception as error:  # one record's damage must not end the archive
        raise _RecordFailure(where, error) from None


def _warc_page(
    record: Any, record_id: str | None, where: str, mode: HtmlMode, max_chars: int | None
) -> Document | None:
    """The page of a 2xx HTML response (or resource) record; None for every other record."""
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
    if headers is not None and not (headers.get_statuscode() or "").startswith("2"):
        return None
    meta = {
        "url": record.rec_headers.get_header("WARC-Target-URI"),
        "warc_record_id": record_id,
        "warc_date": record.rec_headers.get_header("WARC-Date"),
    }
    payload = _decode_declared(_warc_body(record, max_chars), content_type)
    if mode == "no" and isinstance(payload, bytes):
        payload = decode_page(payload)
    return Document(payload, meta, where=where, page=mode != "no")


def _warc_body(record: Any, max_chars: int | None) -> bytes:
    """A record's payload, at most ``max_chars`` bytes; a body cut short by the end of the
    file (fewer bytes than its Content-Length) is refused rather than cleaned in part."""
    body = read_bounded(record.content_stream(), max_chars)
    raw = record.raw_stream
    if hasattr(raw, "limit"):  # warcio's LimitReader: the record's declared length
        while raw.read(1 << 16):  # what the content reader left (a chunked or gzip trailer)
            pass
        if raw.limit > 0:
            raise StreamError(
                f"the record is cut short ({raw.limit:,} bytes missing): a truncated archive?"
            )
    return body


def _decode_declared(body: bytes, content_type: str) -> str | bytes:
    """Decode a page by its HTTP charset (which outranks ``<meta>``); else leave the bytes.

    A charset that is not a safe text encoding (``rot13``, ``base64``, ``utf-7``...) is
    ignored by :func:`declutter.decoding.decode_page`, which then sniffs the page itself.
    """
    charset = http_charset(content_type)
    return body if charset is None else decode_page(body, declared=charset)


def clean_stream_chunk(
    jobs: list[tuple[str | bytes, bool]], model: ModelSource, options: Options
) -> list[Cleaned]:
    """Clean a chunk that may mix texts and pages: each kind in one scoring call, each with
    its own threshold, the results back in the chunk's order (runs in a worker)."""
    texts = [cast(str, payload) for payload, page in jobs if not page]
    pages = [payload for payload, page in jobs if page]
    cleaned_texts = iter(clean_text_chunk(texts, model, options) if texts else [])
    cleaned_pages = iter(clean_html_chunk(pages, model, options) if pages else [])
    return [next(cleaned_pages) if page else next(cleaned_texts) for _, page in jobs]


#: The chunk task of a stream: a failing chunk is cleaned again one document at a time.
_clean_isolated = functools.partial(isolated, clean_stream_chunk)


def _job(document: Document, options: Options) -> tuple[str | bytes, bool] | Crash:
    """What a worker gets for one document: its payload and kind, or its error."""
    if document.error is not None:
        return Crash(document.error)
    try:
        if not document.page:
            check_text(document.payload, "clean")
        if options.max_chars is not None and len(document.payload) > options.max_chars:
            unit = "bytes" if isinstance(document.payload, bytes) else "characters"
            raise too_large(options.max_chars, unit)
    except InputError as error:
        return Crash(error)
    return document.payload, document.page


def _chunks(jobs: Iterable[Any], options: Options) -> Iterator[list[Any]]:
    """Chunks of jobs, as big as the batch size for their kind: a chunk holds 64 texts or
    16 pages by default, or a mix in proportion (a page costs four texts)."""
    text_size, page_size = options.batch_size_for(html=False), options.batch_size_for(html=True)
    full = text_size * page_size
    chunk: list[Any] = []
    load = 0
    for job in jobs:
        chunk.append(job)
        load += text_size if isinstance(job, tuple) and job[1] else page_size
        if load >= full:
            yield chunk
            chunk, load = [], 0
    if chunk:
        yield chunk


@overload
def clean_documents(
    documents: Iterable[Document],
    options: Options,
    model: ModelSource,
    *,
    keep_failures: Literal[False] = False,
) -> Iterator[tuple[Document, Cleaned]]: ...


@overload
def clean_documents(
    documents: Iterable[Document],
    options: Options,
    model: ModelSource,
    *,
    keep_failures: Literal[True],
) -> Iterator[tuple[Document, Cleaned | Failed]]: ...


def clean_documents(
    documents: Iterable[Document],
    options: Options,
    model: ModelSource,
    *,
    keep_failures: bool = False,
) -> Iterator[tuple[Document, Cleaned | Failed]]:
    """Each document with its result, in order, cleaned in batches (and on workers).

    Texts and pages may come mixed (each :class:`Document` says which it is). A document that
    cannot be cleaned never costs the others of its chunk: the chunk is cleaned again one
    document at a time (:func:`declutter.batch.isolated`). Its error stops the stream, or
    with ``keep_failures`` comes back as a :class:`~declutter.failures.Failed` in its place.

    The documents waiting for their results sit in a queue that is only as long as the
    chunks in flight, so memory does not grow with the input. ``options`` apply as in
    :func:`declutter.clean_many` (``max_chars`` included).
    """
    waiting: deque[Document] = deque()

    def jobs() -> Iterator[tuple[str | bytes, bool] | Crash]:
        for document in documents:
            waiting.append(document)
            yield _job(document, options)

    chunks = _chunks(jobs(), options)
    outcomes = run_chunks(chunks, _clean_isolated, resolve_model(model), options)
    for index, outcome in enumerate(outcomes):
        document = waiting.popleft()
        if isinstance(outcome, Crash):
            if not keep_failures:
                raise located(document.where, outcome.error) from None
            error = outcome.error
            yield (
                document,
                Failed(index, error_message(document.where, error), type(error).__name__),
            )
        else:
            yield document, outcome


def result_fields(result: Cleaned, *, html: bool = False, full: bool = False) -> dict[str, Any]:
    """The fields added to an output record.

    ``cleaned`` is the cleaned text; ``removed`` lists each removed segment (``start``/``end``
    offsets into the cleaned field's text, or for a page into ``extracted``, plus ``text``,
    ``score`` and ``kind``); ``cleaned_as`` says which: ``"text"`` or ``"page"``. ``full``
    adds ``segments`` (kept ones too) and ``threshold``, and for a page ``extracted`` (the
    page's text, which the offsets refer to).
    """
    fields: dict[str, Any] = {
        "cleaned": result.text,
        "removed": removed_dicts(result),
        "cleaned_as": "page" if html else "text",
    }
    if full:
        fields["segments"] = [segment.to_dict() for segment in result.segments]
        fields["threshold"] = result.threshold
        if html:
            fields["extracted"] = result.source
    return fields


def error_entry(document: Document, failed: Failed) -> dict[str, Any]:
    """The line written in place of a record that failed: what went wrong and where."""
    return {"error": failed.error, "error_type": failed.error_type, "where": document.where}


@dataclass
class Summary:
    """Running totals for the line printed at the end of a run: ``documents`` cleaned (of
    them, ``pages`` as pages) and ``failed`` records, which are counted apart."""

    documents: int = 0
    pages: int = 0
    failed: int = 0
    paragraphs_removed: int = 0
    characters_removed: int = 0
    started: float = field(default_factory=time.monotonic)

    def add(self, result: Cleaned, *, page: bool = False) -> None:
        removed = result.removed
        self.documents += 1
        self.pages += page
        self.paragraphs_removed += len(removed)
        self.characters_removed += sum(len(segment.text) for segment in removed)

    def line(self) -> str:
        seconds = time.monotonic() - self.started
        rate = self.documents / seconds if seconds > 0 else 0.0
        return (
            f"{self.documents:,} documents, {self.paragraphs_removed:,} paragraphs removed, "
            f"{self.characters_removed:,} characters removed, {seconds:.1f} s "
            f"({rate:,.1f} documents/s); {self.pages:,} cleaned as pages, "
            f"{self.failed:,} failed"
        )


def write_records(
    pairs: Iterable[tuple[Document, Cleaned | Failed]],
    output: IO[str],
    *,
    full: bool = False,
    summary: Summary | None = None,
    on_error: OnError = "raise",
    report: Callable[[str, Failed], None] | None = None,
) -> Summary:
    """Write each document's record with its result fields as one JSON line.

    A failed document (or one whose record cannot be written as JSON) stops the run with a
    :class:`StreamError` (``on_error="raise"``), is left out (``"skip"``) or is written as an
    :func:`error_entry` (``"record"``); ``report`` hears of each one, ``summary`` counts it.
    """
    summary = summary or Summary()
    for document, outcome in pairs:
        line = ""
        if isinstance(outcome, Cleaned):
            try:
                fields = result_fields(outcome, html=document.page, full=full)
                line = json_line({**document.record, **fields})
            except (ValueError, TypeError, RecursionError) as error:
                index = summary.documents + summary.failed
                outcome = Failed(index, f"cannot write the record as JSON: {error}",
                                 type(error).__name__)  # fmt: skip
        if isinstance(outcome, Failed):
            summary.failed += 1
            if on_error == "raise":
                raise StreamError(f"{document.where}: {outcome.error}")
            if report is not None:
                report(document.where, outcome)
            if on_error == "record":
                output.write(json_line(error_entry(document, outcome)))
            continue
        output.write(line)
        summary.add(outcome, page=document.page)
    return summary


__all__ = [
    "HTML_MODES",
    "ON_ERROR_CHOICES",
    "Document",
    "HtmlMode",
    "OnError",
    "StreamError",
    "Summary",
    "check_inputs",
    "clean_documents",
    "clean_stream_chunk",
    "error_entry",
    "expand_inputs",
    "file_documents",
    "html_mode",
    "is_single_document",
    "json_line",
    "jsonl_documents",
    "open_input",
    "open_output",
    "quiet_broken_pipe",
    "read_document",
    "result_fields",
    "warc_documents",
    "warcio_iterator",
    "write_records",
]
