"""Finding and opening inputs: names to files, files to bytes, failures to one clear message.

What ``declutter clean`` (and ``review``) read: files, folders (walked recursively, sorted,
hidden entries skipped), quoted glob patterns (expanded here, with no shell argument limit)
and ``-`` for standard input. A name ending in ``.gz`` is inflated; gzip on standard input
is recognised by its magic bytes.

Only regular files are read: a FIFO blocks until a writer comes and a device such as
``/dev/zero`` never ends, so both are refused with a message (standard input stays allowed,
and is read with the same size limit as a file, see :mod:`declutter.bounded`). Every way a
read can fail part-way (I/O errors, gzip data that is truncated, corrupt or not gzip at all)
becomes one :class:`ReadError` that says which, after the bytes read before it were handed
out (:class:`Input`).
"""

from __future__ import annotations

import glob
import gzip
import io
import os
import stat
import sys
import zlib
from collections.abc import Iterator, Sequence
from contextlib import suppress
from typing import IO, Any, cast

from .errors import DeclutterError

GZIP_MAGIC = b"\x1f\x8b"
_GLOB_CHARACTERS = frozenset("*?[")
#: File names that ``--html auto`` cleans as pages.
PAGE_SUFFIXES = tuple(s + gz for s in (".html", ".htm", ".xhtml") for gz in ("", ".gz"))
#: How a document's start marks it as a page for ``--html auto`` (after whitespace).
PAGE_STARTS = ("<!doctype", "<html")


class StreamError(DeclutterError):
    """An input cannot be found or read, or a record is not what the options say it is."""


class ReadError(StreamError):
    """Reading an input failed part-way (a truncated or corrupt gzip, an I/O error): the
    rest of that input cannot be read, but the other inputs can."""


def is_page_name(name: str) -> bool:
    """True for a file that ``--html auto`` cleans as a page: .html, .htm, .xhtml (or .gz)."""
    return name.lower().endswith(PAGE_SUFFIXES)


def looks_like_page(start: str | bytes) -> bool:
    """True when a document starts (after whitespace and a BOM) with ``<!doctype`` or
    ``<html``, in any case: how ``--html auto`` tells a page in a JSON field or on stdin.

    Only the first kilobyte is looked at: a document of spaces costs nothing.
    """
    if isinstance(start, (bytes, bytearray)):
        head = bytes(start[:1024]).removeprefix(b"\xef\xbb\xbf").lstrip()
        return head[:9].lower().startswith(tuple(s.encode() for s in PAGE_STARTS))
    text = start[:1024].lstrip().lstrip("\ufeff").lstrip()
    return text[:9].lower().startswith(PAGE_STARTS)


def located(where: str, error: BaseException) -> DeclutterError:
    """``error`` with ``where`` in front of its message, as a :class:`DeclutterError` (of the
    same class when it is one), for the one-line message of a run that stops."""
    message = str(error) or type(error).__name__
    if not message.startswith(f"{where}:"):
        message = f"{where}: {message}"
    if isinstance(error, DeclutterError):
        with suppress(Exception):
            return type(error)(message)
    return StreamError(message)


def error_message(where: str, error: BaseException) -> str:
    """An error's message without a leading ``where:`` (an error entry says where apart)."""
    message = str(error) or type(error).__name__
    return message.removeprefix(f"{where}: ")


def check_inputs(inputs: Sequence[str]) -> None:
    """Refuse, before anything is read or written, an input named on the command line that
    does not exist, is not a regular file or folder, or is a pattern that matches nothing.

    Why up front: a typo in the last of ten names should cost a second, not an hour of
    cleaning and an output file replaced by a partial one. Files found by walking a folder
    or expanding a pattern are checked when they are read instead (one error entry each).
    """
    for name in inputs:
        if name == "-" or os.path.isdir(name):
            continue
        if os.path.lexists(name):
            _check_regular(name)
        elif _GLOB_CHARACTERS & set(name):
            if next(_matches(name), None) is None:
                raise StreamError(f"no files match {name!r}; check the pattern (quote it for `**`)")
        else:
            raise StreamError(f"{name}: no such file")


def _check_regular(name: str) -> None:
    """Refuse anything but a regular file (following a symbolic link)."""
    try:
        mode = os.stat(name).st_mode
    except FileNotFoundError:
        raise StreamError(f"{name}: {_missing(name)}") from None
    except OSError as error:
        raise StreamError(f"{name}: cannot read ({error.strerror or error})") from None
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        raise StreamError(f"{name}: {_not_regular(name, mode)}")


def _missing(name: str) -> str:
    """Why a name is not there; for a broken symbolic link, where it points (often the fix)."""
    if os.path.islink(name):
        return f"a broken symbolic link (to {os.readlink(name)}, which does not exist)"
    return "no such file"


def _not_regular(name: str, mode: int) -> str:
    """Why a non-regular file is refused: a FIFO blocks until a writer comes and a device
    such as /dev/zero never ends, so neither is read as a file."""
    if stat.S_ISDIR(mode):
        return "is a directory; it is walked only when given as an input"
    kinds = [
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ]
    kind = next((label for test, label in kinds if test(mode)), "not a regular file")
    return (
        f"{kind}, not a regular file: declutter reads regular files only (a pipe or a device "
        f"may never end). To clean it anyway, redirect it to standard input, where "
        f"--max-chars still applies: declutter clean - < {name}"
    )


def expand_inputs(inputs: Sequence[str]) -> Iterator[str]:
    """File names of the inputs: ``-`` as is, directories walked, glob patterns expanded.

    Expansion is lazy, so a directory of a million files is not listed up front.
    """
    for name in inputs:
        if name == "-":
            yield name
        elif os.path.isdir(name):
            yield from _walk(name)
        elif os.path.lexists(name) or not _GLOB_CHARACTERS & set(name):
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
    return not os.path.isdir(name) and (os.path.lexists(name) or not _GLOB_CHARACTERS & set(name))


def _walk(directory: str) -> Iterator[str]:
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield os.path.join(root, name)


def _matches(pattern: str) -> Iterator[str]:
    return (p for p in glob.iglob(pattern, recursive=True) if not os.path.isdir(p))


def _glob(pattern: str) -> Iterator[str]:
    matches = sorted(_matches(pattern))
    if not matches:
        raise StreamError(f"no files match {pattern!r}; check the pattern (quote it for `**`)")
    yield from matches


#: What reading a damaged input raises: OSError (also gzip.BadGzipFile), EOFError (gzip
#: data that ends early), zlib.error (corrupt deflate data).
_READ_FAILURES = (OSError, EOFError, zlib.error)


class Input:
    """An opened input's bytes: counted, and with every read failure made a :class:`ReadError`.

    Why a wrapper: a damaged input fails in three ways with three types (see
    ``_READ_FAILURES``), and warcio takes ``EOFError`` to mean "no more records", which made a
    truncated archive look like a short one. Here each failure becomes one ``ReadError`` that
    says what is wrong, and the bytes that arrived before it are still delivered: ``read``
    returns them, and the next call raises.
    """

    def __init__(self, raw: IO[bytes], *closers: IO[bytes]) -> None:
        self._raw = raw
        #: One read of what is there (a gzip member's next block, a pipe's next write), so
        #: that a failure part-way never takes the bytes already read with it.
        self._read1 = getattr(raw, "read1", raw.read)
        self._closers = (raw, *closers)
        self.bytes_read = 0
        self._failure: ReadError | None = None

    def read(self, size: int | None = -1) -> bytes:
        """Up to ``size`` bytes (all when negative), short only at the end of the input."""
        if self._failure is not None:
            raise self._failure
        wanted = sys.maxsize if size is None or size < 0 else size
        parts: list[bytes] = []
        got = 0
        try:
            while got < wanted:
                chunk = self._read1(min(wanted - got, 1 << 20))
                if not chunk:
                    break
                parts.append(chunk)
                got += len(chunk)
        except _READ_FAILURES as error:
            self._failure = self._explain(error)
            if not parts:
                raise self._failure from None
        self.bytes_read += got
        return b"".join(parts)

    def readline(self, size: int | None = -1) -> bytes:
        """One line of at most ``size`` bytes (a failure part-way loses only that line)."""
        if self._failure is not None:
            raise self._failure
        try:
            line = self._raw.readline(-1 if size is None else size)
        except _READ_FAILURES as error:
            self._failure = self._explain(error)
            raise self._failure from None
        self.bytes_read += len(line)
        return line

    def peek(self, size: int) -> bytes:
        """The next bytes without consuming them (empty when the input cannot peek)."""
        peek = getattr(self._raw, "peek", None)
        if peek is None or self._failure is not None:
            return b""
        try:
            return cast(bytes, peek(size))[:size]
        except _READ_FAILURES as error:
            self._failure = self._explain(error)
            return b""

    def close(self) -> None:
        for handle in self._closers:
            with suppress(*_READ_FAILURES):
                handle.close()

    def __enter__(self) -> Input:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _explain(self, error: BaseException) -> ReadError:
        if isinstance(error, EOFError):
            problem = "the gzip data ends early: the file is truncated"
        elif isinstance(error, gzip.BadGzipFile) and str(error).startswith("Not a gzipped"):
            problem = f"not gzip data, although the name ends in .gz ({error})"
        elif isinstance(error, (gzip.BadGzipFile, zlib.error)):  # also a failed CRC check
            problem = f"the gzip data is corrupt ({error})"
        else:
            problem = f"cannot read ({getattr(error, 'strerror', None) or error})"
        return ReadError(problem)


def open_input(name: str) -> Input:
    """Open an input for reading bytes: ``-`` is stdin, ``.gz`` (or gzip on stdin) inflates.

    Only a regular file is opened (a FIFO or device is refused, see :func:`_not_regular`).
    It is opened without blocking and checked on the open descriptor, so that a FIFO cannot
    hang the run and a file swapped for one after a check is still caught.
    """
    if name == "-":
        return _open_stdin()
    try:
        descriptor = _open_descriptor(name)
    except FileNotFoundError:
        raise StreamError(f"{name}: {_missing(name)}") from None
    except PermissionError:
        raise StreamError(f"{name}: permission denied") from None
    except OSError as error:
        raise StreamError(f"{name}: cannot read ({error.strerror or error})") from None
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        raise StreamError(f"{name}: {_not_regular(name, mode)}")
    if hasattr(os, "O_NONBLOCK"):
        os.set_blocking(descriptor, True)
    raw = os.fdopen(descriptor, "rb")
    if name.endswith(".gz"):
        return Input(cast(IO[bytes], gzip.GzipFile(fileobj=raw, mode="rb")), raw)
    return Input(raw)


def _open_descriptor(name: str) -> int:
    """Open without blocking: on a FIFO with no writer, a blocking open would wait forever."""
    return os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))


def _open_stdin() -> Input:
    stdin: Any = sys.stdin.buffer
    peekable = stdin if hasattr(stdin, "peek") else io.BufferedReader(stdin)
    if peekable.peek(2)[:2] == GZIP_MAGIC:
        return Input(cast(IO[bytes], gzip.GzipFile(fileobj=peekable, mode="rb")))
    return Input(peekable)


__all__ = [
    "GZIP_MAGIC",
    "PAGE_STARTS",
    "PAGE_SUFFIXES",
    "Input",
    "ReadError",
    "StreamError",
    "check_inputs",
    "error_message",
    "expand_inputs",
    "is_page_name",
    "is_single_document",
    "located",
    "looks_like_page",
    "open_input",
]
