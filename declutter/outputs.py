"""Writing the output: whole or not at all, strict JSON, and one line when the disk is full.

A run over a crawl can take hours and fail at any point (a bad input with ``--on-error
raise``, a full disk, Ctrl-C). :func:`open_output` therefore writes a file under a temporary
name in the target's own folder and renames it over the target only when the run succeeds:
a failed run leaves the old file as it was, never an empty or partial one, and removes its
temporary file.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import IO, Any, cast

from .inputs import StreamError


def json_line(record: dict[str, Any]) -> str:
    """One record as a line of strict JSON in UTF-8.

    ``allow_nan=False``: NaN is not JSON. A lone surrogate (from a ``"\\ud800"`` escape in
    the input) cannot be written as UTF-8, so such a record is written with ASCII escapes,
    which read back to the very same string.
    """
    line = json.dumps(record, ensure_ascii=False, allow_nan=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        line = json.dumps(record, ensure_ascii=True, allow_nan=False)
    return line + "\n"


class _Output(io.TextIOBase):
    """A UTF-8 text output (gzip-compressed or not) whose write and close failures (a full
    disk, a device that refuses) become one :class:`StreamError` naming the output."""

    def __init__(self, raw: IO[bytes], name: str, *, compress: bool) -> None:
        super().__init__()
        self._name = name
        self._raw = raw
        binary: IO[bytes] = raw
        if compress:  # the gzip header names the target, not the temporary file
            base = os.path.basename(name)
            binary = cast(IO[bytes], gzip.GzipFile(filename=base, mode="wb", fileobj=raw))
        self._text = io.TextIOWrapper(cast(Any, binary), encoding="utf-8", newline="\n")

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        with _write_errors(self._name):
            return self._text.write(text)

    def flush(self) -> None:
        if not self._text.closed:
            with _write_errors(self._name):
                self._text.flush()

    def close(self) -> None:
        if self.closed:
            return
        try:
            with _write_errors(self._name):
                try:
                    self._text.close()  # also closes the gzip layer, which writes its trailer
                finally:
                    self._raw.close()
        finally:
            super().close()

    def discard(self) -> None:
        """Close without caring whether the last bytes made it (the run failed anyway)."""
        with suppress(Exception):
            self.close()


@contextmanager
def _write_errors(name: str) -> Iterator[None]:
    """An OSError while writing ``name`` as one line that names it (a closed pipe passes)."""
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as error:
        raise StreamError(f"cannot write {name}: {error.strerror or error}") from None


@contextmanager
def open_output(name: str | None) -> Iterator[IO[str]]:
    """Open the output for writing text: None or ``-`` is stdout, ``.gz`` compresses.

    A file is written under a temporary name in its own folder and moved into place only
    when the ``with`` block ends without an error: a failed or interrupted run leaves the
    old file as it was, never an empty or partial one. A device or FIFO (``/dev/null``)
    cannot be replaced, so it is written directly. Write failures are one line, naming the
    output.
    """
    if name is None or name == "-":
        yield cast(IO[str], _Stdout())
        return
    target = _output_target(name)
    if os.path.exists(target) and not os.path.isfile(target):
        with _write_errors(name):
            raw = open(target, "wb")  # noqa: SIM115 - closed by _Output
        special = _Output(raw, name, compress=name.endswith(".gz"))
        try:
            yield cast(IO[str], special)
        except BaseException:
            special.discard()
            raise
        special.close()
        return
    with _replaced_on_success(name, target) as handle:
        yield handle


def _output_target(name: str) -> str:
    """The real path the output will have; refuse a folder, or a folder that is missing."""
    target = os.path.realpath(name)
    if os.path.isdir(target):
        raise StreamError(
            f"cannot write {name}: it is a folder; give a file name, such as "
            f"{os.path.join(name, 'cleaned.jsonl')}"
        )
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        raise StreamError(f"cannot write {name}: the folder {folder} does not exist")
    return target


@contextmanager
def _replaced_on_success(name: str, target: str) -> Iterator[IO[str]]:
    """Write to a temporary file next to ``target``; on success give it the old file's
    permissions (or the umask's) and rename it over ``target``; on failure delete it."""
    folder, base = os.path.split(target)
    with _write_errors(name):
        descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=f".{base}.", suffix=".part")
    try:
        handle = _Output(os.fdopen(descriptor, "wb"), name, compress=name.endswith(".gz"))
        try:
            yield cast(IO[str], handle)
        except BaseException:
            handle.discard()
            raise
        handle.close()
        with _write_errors(name):
            os.chmod(temporary, _new_file_mode(target))
            os.replace(temporary, target)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary)
        raise


def _new_file_mode(target: str) -> int:
    """The permissions the output should have: the old file's, else what the umask allows
    (a temporary file is created private, which the result should not stay)."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


class _Stdout(io.TextIOBase):
    """Standard output, whose write failures other than a closed pipe (a full disk behind
    ``> file``, ``> /dev/full``) become one :class:`StreamError` instead of a traceback."""

    def __init__(self) -> None:
        super().__init__()
        self._done = False

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        with _stdout_errors():
            return sys.stdout.write(text)

    def flush(self) -> None:
        if not self._done:
            with _stdout_errors():
                sys.stdout.flush()

    def close(self) -> None:
        self._done = True  # closing this view leaves the real stdout alone
        super().close()


@contextmanager
def _stdout_errors() -> Iterator[None]:
    try:
        yield
    except BrokenPipeError:
        raise  # the reader went away: the caller ends quietly
    except OSError as error:
        silence_stdout()  # or Python's last flush at exit fails again, with a traceback
        raise StreamError(f"cannot write standard output: {error.strerror or error}") from None


def silence_stdout() -> None:
    """Send the rest of standard output to /dev/null (its reader went away, or it failed)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def quiet_broken_pipe(output: IO[str]) -> None:
    """After stdout's reader went away (``| head``), send the rest to /dev/null quietly."""
    if output is sys.stdout or isinstance(output, _Stdout):
        silence_stdout()


__all__ = ["json_line", "open_output", "quiet_broken_pipe", "silence_stdout"]
