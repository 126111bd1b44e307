"""Clean many documents: in batches, lazily, in order, optionally on several processes.

Why batches: part of the cost of cleaning a document is the fixed price of asking the model
anything (input checks, building matrices, per-call overhead of each estimator), not the
paragraphs themselves. :func:`declutter.core.score_units` scores the units of many prepared
documents in one call, so that price is paid once per chunk. Each document's scores depend
only on its own units (and :func:`declutter.core.finish` rounds away the last-bit noise of
matrix products of another size), so a batch gives exactly the results that cleaning the
documents one by one gives; the tests check it.

Why generators: a crawl does not fit in memory. The input is consumed ``batch_size`` documents
at a time and each result is handed out as soon as its chunk is done, so memory holds a few
chunks, whatever the number of documents.

Why a model *reference* for workers: a model is megabytes of pickled estimator. With
``n_jobs > 1`` each task carries only the model's directory and the SHA-256 from its card;
every worker process loads the model once (verified, as :func:`declutter.load_model` does)
and keeps it in a module-level cache for all later tasks. :mod:`declutter.distributed` reuses
the same cache on Dask and Spark workers.

Why isolation: a chunk is one model call, so one document that fails (a wrong type, too
long, or a bug it triggers) would fail its whole chunk. :func:`isolated` cleans the chunk
again one document at a time when that happens, so only the bad document fails; what its
failure then does (raise, skip, or a :class:`~declutter.failures.Failed` in its place) is the
caller's choice (``errors=``, see :mod:`declutter.failures`).
"""

from __future__ import annotations

import functools
import gc
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from typing import Any, Literal, TypeVar, overload

from .core import Prepared, finish_many, prepare, prepare_html, score_units
from .errors import DeclutterError, InputError, check_text
from .failures import Crash, ErrorPolicy, Failed, check_error_policy
from .model import Model, ModelSource, model_reference, resolve_model
from .options import DEFAULT_MAX_CHARS, Options
from .result import Cleaned

T = TypeVar("T")
R = TypeVar("R")
#: Chunks read ahead per worker (see :func:`run_chunks`): enough that a worker seldom
#: waits at the end of a window, few enough that memory stays flat.
WINDOW_PER_WORKER = 4
#: joblib's warning when a caller stops before a window's results are all taken: the
#: cancelled chunks are the read-ahead, cancelled by design, not a mistake of the caller's.
_CANCELLED_WARNING = r".*(have been cancelled|successfully executed +but not used)"


# --------------------------------------------------------------------------- one chunk


def _clean_prepared(
    docs: list[Prepared], model: Model, options: Options, *, html: bool = False
) -> list[Cleaned]:
    """Score all documents of a chunk in one model call, then decide each one."""
    thresholds = [options.threshold_for(model, html=html, one_line=d.one_line) for d in docs]
    return finish_many(docs, score_units(model, docs), model, thresholds)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a chunk is cleaned, then restore it.

    Why: cleaning allocates hundreds of small tuples and objects per document, none of them
    in reference cycles (reference counting frees them all), yet every 700 allocations
    start a collection that walks the young objects, and every so often all objects in the
    process, the model's included. Pausing it made ``clean_many`` 11-19% faster (2,436
    text-task documents, one process, three alternating runs with and without). The
    collector is re-enabled on the way out only if it was on when the chunk started, so a
    caller who switched it off keeps it off (barring another thread switching it off during
    the chunk).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def clean_text_chunk(texts: list[str], model: ModelSource, options: Options) -> list[Cleaned]:
    """Clean a list of texts with one scoring call (runs in the worker that gets the chunk)."""
    loaded = resolve_model(model)
    with _collector_paused():
        docs = [prepare(text, doc=number) for number, text in enumerate(texts)]
        return _clean_prepared(docs, loaded, options)


def clean_html_chunk(
    pages: list[str | bytes], model: ModelSource, options: Options
) -> list[Cleaned]:
    """Clean a list of HTML pages with one scoring call (runs in the worker that gets it)."""
    loaded = resolve_model(model)
    with _collector_paused():
        docs = [
            prepare_html(page, encoding=options.encoding, doc=number)
            for number, page in enumerate(pages)
        ]
        return _clean_prepared(docs, loaded, options, html=True)


def isolated(
    work: Callable[[list[Any], ModelSource, Options], list[Cleaned]],
    items: list[Any],
    model: ModelSource,
    options: Options,
) -> list[Cleaned | Crash]:
    """Clean a chunk with ``work``; if that fails, clean its documents one by one.

    ``items`` may hold :class:`~declutter.failures.Crash` values (documents refused when
    they were read): they keep their place and are not cleaned. The result has one entry
    per item, in order: a :class:`Cleaned`, or a ``Crash`` with the exception that document
    raised. So a bad document costs only itself, also on a worker process; the good ones
    of its chunk are cleaned a second time only when the chunk failed. The model is loaded
    outside the net: a model that cannot be loaded fails the call, not each document.
    """
    loaded = resolve_model(model)
    todo = [item for item in items if not isinstance(item, Crash)]
    try:
        done = iter(work(todo, loaded, options) if todo else [])
        return [item if isinstance(item, Crash) else next(done) for item in items]
    except Exception:  # any failure: find the document that causes it
        return [
            item if isinstance(item, Crash) else _one(work, item, loaded, options) for item in items
        ]


def _one(
    work: Callable[[list[Any], ModelSource, Options], list[Cleaned]],
    item: Any,
    model: Model,
    options: Options,
) -> Cleaned | Crash:
    """One document alone: its result, or the exception it raised."""
    try:
        return work([item], model, options)[0]
    except Exception as error:  # kept in the document's place, raised or reported later
        return Crash(error)


# --------------------------------------------------------------------------- input checks


def _check_documents(items: object, function: str, one: str) -> None:
    """Refuse a single document where an iterable of documents is expected."""
    if isinstance(items, (str, bytes, bytearray)):
        raise InputError(
            f"{function}() takes an iterable of documents (a list, a generator, a file's "
            f"lines...), not a single {type(items).__name__}. For one document use {one}()."
        )
    if not isinstance(items, Iterable):
        raise InputError(
            f"{function}() takes an iterable of documents, not {type(items).__name__}."
        )


def _checked_documents(
    items: Iterable[object], function: str, options: Options, *, html: bool, stop: bool
) -> Iterator[str | bytes | Crash]:
    """Each document checked as the lone call would check it (type, size), when read.

    A document that fails the check is a :class:`Crash` in its place; with ``stop``
    (``errors="raise"``) nothing after it is read.
    """
    for item in items:
        document = bytes(item) if html and isinstance(item, bytearray) else item
        try:
            if not (html and isinstance(document, bytes)):
                document = check_text(document, function)
            options.check_size(document, function)
        except InputError as error:
            yield Crash(error)
            if stop:
                return
            continue
        yield document


def _by_policy(
    outcomes: Iterator[Cleaned | Crash], errors: str, noun: str
) -> Iterator[Cleaned | Failed]:
    """The results in order, each failure raised, dropped or returned as :class:`Failed`.

    ``raise`` raises only after every result before the failed document was handed out;
    a declutter error gets the document's position in its message (as before), any other
    exception is raised as it is.
    """
    for index, outcome in enumerate(outcomes):
        if not isinstance(outcome, Crash):
            yield outcome
        elif errors == "return":
            yield Failed.of(index, outcome.error)
        elif errors == "raise":
            raise _at_position(outcome.error, noun, index)


def _at_position(error: BaseException, noun: str, index: int) -> BaseException:
    """A declutter error with the document's position in front; other errors unchanged."""
    if isinstance(error, DeclutterError):
        try:
            located = type(error)(f"{noun} {index} (counting from 0): {error}")
        except Exception:  # a subclass with another signature: raise it as it is
            return error
        return located
    return error


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of ``size`` consecutive items (the last may be shorter), read lazily."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


# --------------------------------------------------------------------------- running chunks


def run_chunks(
    chunks: Iterator[list[T]],
    work: Callable[[list[T], ModelSource, Options], list[R]],
    model: Model,
    options: Options,
) -> Iterator[R]:
    """Clean chunks here, or on joblib workers when more than one is asked for.

    The active joblib backend decides where the workers run (loky processes by default,
    Dask workers inside ``joblib.parallel_config(backend="dask")``). Tasks carry a
    :class:`~declutter.model.ModelRef`, not the model: each worker loads it once.

    The input is handed to the workers a window of :data:`WINDOW_PER_WORKER` chunks per
    worker at a time, and the next window is read only when the caller has taken the
    results of this one: so at most a window of chunks is read ahead, whatever the pace of
    the caller, and memory stays flat on an endless input. joblib's ``pre_dispatch`` alone
    does not bound it: a finished task dispatches the next one whether or not its results
    were taken, and with a caller that paused for 3 s after its first result, 3,252
    documents were read and cleaned into memory (2026-12-04).
    """
    from joblib import Parallel, delayed, effective_n_jobs

    workers = effective_n_jobs(options.n_jobs)
    if workers == 1:
        for chunk in chunks:
            yield from work(chunk, model, options)
        return
    ref = model_reference(model)
    window = WINDOW_PER_WORKER * workers
    with Parallel(n_jobs=options.n_jobs, return_as="generator", batch_size=1) as parallel:
        while batch := list(islice(chunks, window)):
            running = parallel(delayed(work)(chunk, ref, options) for chunk in batch)
            try:
                for results in running:
                    yield from results
            finally:  # a caller that stops early cancels the rest of the window, on purpose
                with warnings.catch_warnings():
                    warnings.filterwarnings("ignore", _CANCELLED_WARNING, UserWarning)
                    running.close()


@overload
def clean_many(
    texts: Iterable[str],
    *,
    n_jobs: int = 1,
    batch_size: int | None = None,
    threshold: float | None = None,
    model: ModelSource = None,
    max_chars: int | None = DEFAULT_MAX_CHARS,
    errors: Literal["raise", "skip"] = "raise",
) -> Iterator[Cleaned]: ...


@overload
def clean_many(
    texts: Iterable[str],
    *,
    n_jobs: int = 1,
    batch_size: int | None = None,
    threshold: float | None = None,
    model: ModelSource = None,
    max_chars: int | None = DEFAULT_MAX_CHARS,
    errors: Literal["return"],
) -> Iterator[Cleaned | Failed]: ...


def clean_many(
    texts: Iterable[str],
    *,
    n_jobs: int = 1,
    batch_size: int | None = None,
    threshold: float | None = None,
    model: ModelSource = None,
    max_chars: int | None = DEFAULT_MAX_CHARS,
    errors: ErrorPolicy = "raise",
) -> Iterator[Cleaned] | Iterator[Cleaned | Failed]:
    """Clean many texts; yield one :class:`Cleaned` per text, in input order, lazily.

    Results are exactly those of :func:`declutter.clean` on each text, with the same
    options (see :mod:`declutter.options`). ``texts`` may be any iterable, also an endless
    generator: it is read ``batch_size`` documents at a time (default 64), and each chunk's
    paragraphs are scored in one model call (less CPU per document than one call each).
    ``n_jobs`` > 1 cleans chunks on that many worker processes (-1: one per core), each
    loading the model once. Options are checked now; each text is checked (type and
    ``max_chars``) when it is read. While a chunk is cleaned the cyclic garbage collector is
    paused (see :func:`_collector_paused`).

    ``errors`` says what a text that cannot be cleaned does; it never costs the other texts
    of its chunk (see :func:`isolated`):

    * ``"raise"`` (default): every result before it is yielded, then its error is raised
      (a declutter error names its position: ``document 7 (counting from 0): ...``);
    * ``"skip"``: it is left out;
    * ``"return"``: a :class:`~declutter.failures.Failed` (index, error, error_type) is
      yielded in its place, so results stay aligned with the input.

    >>> [r.text for r in clean_many(["", "Rates rose on Tuesday, the bank said."])]
    ['', 'Rates rose on Tuesday, the bank said.']
    >>> [type(r).__name__ for r in clean_many(["Fine.", None], errors="return")]
    ['Cleaned', 'Failed']
    """
    _check_documents(texts, "clean_many", "clean")
    options = Options(threshold, max_chars, batch_size, n_jobs)
    policy = check_error_policy(errors)
    loaded = resolve_model(model)
    checked = _checked_documents(texts, "clean_many", options, html=False, stop=policy == "raise")
    chunks = chunked(checked, options.batch_size_for(html=False))
    outcomes = run_chunks(chunks, _ISOLATED_TEXT, loaded, options)
    return _by_policy(outcomes, policy, "document")


@overload
def clean_html_many(
    pages: Iterable[str | bytes],
    *,
    n_jobs: int = 1,
    batch_size: int | None = None,
    threshold: float | None = None,
    model: ModelSource = None,
    encoding: str | None = None,
    max_chars: int | None = DEFAULT_MAX_CHARS,
    errors: Literal["raise", "skip"] = "raise",
) -> Iterator[Cleaned]: ...


@overload
def clean_html_many(
    pages: Iterable[str | bytes],
    *,
    n_jobs: int = 1,
    batch_size: int | None = None,
    threshold: float | None = None,
    model: ModelSource = None,
    encoding: str | None = None,
    max_chars: int | None = DEFAULT_MAX_CHARS,
    errors: Literal["return"],
) -> Iterator[Cleaned | Failed]: ...


def clean_html_many(
    pages: Iterable[str | bytes],
    *,
    n_jobs: int = 1,
    batch_size: int | None = None,
    threshold: float | None = None,
    model: ModelSource = None,
    encoding: str | None = None,
    max_chars: int | None = DEFAULT_MAX_CHARS,
    errors: ErrorPolicy = "raise",
) -> Iterator[Cleaned] | Iterator[Cleaned | Failed]:
    """Clean many HTML pages (``str`` or ``bytes``) like :func:`declutter.clean_html`.

    Lazy, ordered and exactly equal to one-by-one cleaning, like :func:`clean_many`
    (default ``batch_size`` 16); ``encoding`` applies to every ``bytes`` page (default:
    each page's own charset); ``errors`` as for :func:`clean_many`. Parsing dominates on
    pages, so ``n_jobs`` helps more here.
    """
    _check_documents(pages, "clean_html_many", "clean_html")
    options = Options(threshold, max_chars, batch_size, n_jobs, encoding)
    policy = check_error_policy(errors)
    loaded = resolve_model(model)
    checked = _checked_documents(
        pages, "clean_html_many", options, html=True, stop=policy == "raise"
    )
    chunks = chunked(checked, options.batch_size_for(html=True))
    outcomes = run_chunks(chunks, _ISOLATED_HTML, loaded, options)
    return _by_policy(outcomes, policy, "page")


#: Chunk tasks of clean_many and clean_html_many (partials of module functions pickle, so
#: they travel to worker processes).
_ISOLATED_TEXT = functools.partial(isolated, clean_text_chunk)
_ISOLATED_HTML = functools.partial(isolated, clean_html_chunk)


__all__ = [
    "Failed",
    "chunked",
    "clean_html_chunk",
    "clean_html_many",
    "clean_many",
    "clean_text_chunk",
    "isolated",
    "run_chunks",
]
