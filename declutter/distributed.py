"""Run declutter on a cluster: Dask (bag, dataframe, joblib backend) and Spark (pandas UDF).

The one rule that matters at scale: **ship the model's address, not the model.** A task
carries a :class:`declutter.model.ModelRef` (the model directory and its SHA-256), or nothing
at all for the shipped default model; each worker process loads the model on its first task
and keeps it in a module-level cache for every later one. So the model is read once per
worker process, never pickled into the task graph. A custom model directory must therefore be
readable at the same path on every worker (a shared file system, or the same image).

Dask::

    import dask.bag as db
    from declutter.distributed import partition_cleaner

    clean = partition_cleaner()                                  # the shipped model
    texts = db.from_sequence(documents, npartitions=8)
    results = texts.map_partitions(clean).compute()              # one dict per document

    frame = dd.read_parquet("crawl/")                            # a column "text"
    cleaned = frame["text"].map_partitions(clean, meta=partition_meta())

Spark (a pandas UDF, batched by Arrow; see :func:`spark_udf`)::

    from declutter.distributed import spark_udf
    df = df.withColumn("declutter", spark_udf()("text"))
    df.select("declutter.cleaned", "declutter.paragraphs_removed")

Missing values (None, NaN) in a partition give missing results instead of an error: one
empty cell must not fail a job over millions of rows. Every other value is checked like
:func:`declutter.clean` checks its input, and ``errors=`` says what a value that cannot be
cleaned (a number, a text over ``max_chars``, a page that fails) does, as for
:func:`declutter.clean_many`:

* ``"raise"`` (default): the task fails with that row's error (a declutter error names the
  row), so the job stops loudly;
* ``"skip"``: the row gets missing results, like an empty cell, and the job goes on;
* ``"return"``: the same, and the row's ``error`` field (one more column, see
  :func:`result_columns`) says what went wrong: ``"InputError: row 3 of the partition
  holds int; ..."``. Rows that were cleaned have ``error`` None.

A bad row never costs the other rows of its partition (see :func:`declutter.batch.isolated`).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from .batch import chunked, clean_html_chunk, clean_text_chunk, isolated
from .errors import InputError
from .failures import Crash, ErrorPolicy, Failed, check_error_policy
from .model import ModelSource, cache_info, model_reference, resolve_model
from .options import DEFAULT_MAX_CHARS, Options
from .result import Cleaned, removed_dicts

#: Columns of the frame that a pandas partition is turned into, in order (with
#: ``errors="return"``, :data:`ERROR_COLUMN` follows them).
RESULT_COLUMNS = ("cleaned", "removed", "paragraphs_removed", "characters_removed")
#: The column that says why a row could not be cleaned (``errors="return"`` only).
ERROR_COLUMN = "error"
_COLUMN_DTYPES = {
    "cleaned": object,
    "removed": object,
    "paragraphs_removed": "int64",
    "characters_removed": "int64",
    ERROR_COLUMN: object,
}


def result_columns(errors: ErrorPolicy = "raise") -> tuple[str, ...]:
    """The result columns a partition gains under this ``errors`` policy, in order."""
    policy = check_error_policy(errors)
    return (*RESULT_COLUMNS, ERROR_COLUMN) if policy == "return" else RESULT_COLUMNS


try:  # Dask's worker plugin, when distributed is installed; a plain base class otherwise
    from distributed.diagnostics.plugin import WorkerPlugin as _WorkerPlugin
except ImportError:  # pragma: no cover - depends on the environment
    _WorkerPlugin = object  # type: ignore[assignment,misc]


# --------------------------------------------------------------------------- partitions


def _is_missing(value: Any) -> bool:
    """None, NaN, or pandas' NA: the empty cells of a column."""
    if value is None or type(value).__name__ == "NAType":
        return True
    return isinstance(value, float) and value != value  # NaN is the one float unequal to itself


def _clean_values(
    values: list[Any], model: ModelSource, options: Options, html: bool, errors: str
) -> list[Cleaned | Failed | None]:
    """Clean the present values in batches; missing ones stay None, in place; a value that
    cannot be cleaned raises (``errors="raise"``) or becomes a :class:`Failed` in place."""
    present = [i for i, value in enumerate(values) if not _is_missing(value)]
    out: list[Cleaned | Failed | None] = [None] * len(values)
    work = clean_html_chunk if html else clean_text_chunk
    for rows in chunked(present, options.batch_size_for(html=html)):
        chunk = [  # a record without its field arrives as a Crash already
            values[i]
            if isinstance(values[i], Crash)
            else _or_crash(errors, _checked, values[i], i, html, options)
            for i in rows
        ]
        for row, result in zip(rows, isolated(work, chunk, model, options), strict=True):
            if isinstance(result, Crash):
                if errors == "raise":
                    raise result.error
                out[row] = Failed.of(row, result.error)
            else:
                out[row] = result
    return out


def _or_crash(errors: str, check: Callable[..., Any], *args: Any) -> Any:
    """``check(*args)``; its :class:`InputError` raised (``errors="raise"``) or carried in
    the row's place as a :class:`Crash`, which :func:`declutter.batch.isolated` keeps."""
    try:
        return check(*args)
    except InputError as error:
        if errors == "raise":
            raise
        return Crash(error)


def _checked(value: Any, row: int, html: bool, options: Options) -> Any:
    if isinstance(value, str) or (html and isinstance(value, bytes)):
        options.check_size(value, f"row {row}: clean")
        return value
    wanted = "str or bytes (an HTML page)" if html else "str"
    raise InputError(
        f"row {row} of the partition holds {type(value).__name__}; declutter cleans {wanted}. "
        "Convert the column first, e.g. .astype(str)."
    )


def _fields(result: Cleaned | Failed | None, errors: str) -> dict[str, Any]:
    """One row's result fields (and its ``error`` field under ``errors="return"``)."""
    if not isinstance(result, Cleaned):
        fields: dict[str, Any] = {
            "cleaned": None,
            "removed": None,
            "paragraphs_removed": 0,
            "characters_removed": 0,
        }
    else:
        removed = result.removed
        fields = {
            "cleaned": result.text,
            "removed": removed_dicts(result),
            "paragraphs_removed": len(removed),
            "characters_removed": sum(len(s.text) for s in removed),
        }
    if errors == "return":
        fields[ERROR_COLUMN] = (
            f"{result.error_type}: {result.error}" if isinstance(result, Failed) else None
        )
    return fields


def clean_partition(
    partition: Any,
    *,
    model: ModelSource = None,
    threshold: float | None = None,
    html: bool = False,
    encoding: str | None = None,
    field: str | None = None,
    batch_size: int | None = None,
    max_chars: int | None = DEFAULT_MAX_CHARS,
    errors: ErrorPolicy = "raise",
) -> Any:
    """Clean one partition; made for ``dask.bag`` / ``dask.dataframe`` ``map_partitions``.

    * a pandas Series of texts -> a pandas DataFrame with :func:`result_columns`, same index;
    * a pandas DataFrame -> the same frame with those columns added (``field`` names the
      text column);
    * any other iterable -> a list with one dict of those fields per item; dict items
      (records) need ``field`` and come back with the fields added.

    ``model`` is a model directory, a :class:`ModelRef`, or None for the shipped model; the
    worker process loads it once. ``html`` cleans HTML pages (``str`` or ``bytes``).
    ``errors`` says what a row that cannot be cleaned does (see the module's docstring).
    """
    options = Options(threshold, max_chars, batch_size, 1, encoding)
    policy = check_error_policy(errors)
    run = functools.partial(
        _clean_values, model=model_reference(model), options=options, html=html, errors=policy
    )
    kind = type(partition).__module__.split(".")[0]
    if kind == "pandas":
        return _clean_pandas(partition, field, run, policy)
    items = list(partition)
    if field is None:
        return [_fields(r, policy) for r in run(items)]
    values = [_or_crash(policy, _record_value, item, field, row) for row, item in enumerate(items)]
    results = run(values)
    return [
        {**item, **_fields(result, policy)} if isinstance(item, dict) else _fields(result, policy)
        for item, result in zip(items, results, strict=True)
    ]


def _record_value(item: Any, field: str, row: int) -> Any:
    if not isinstance(item, dict):
        raise InputError(
            f"row {row}: with field={field!r} every item must be a dict (a record), "
            f"not {type(item).__name__}"
        )
    if field not in item:
        raise InputError(f"row {row}: the record has no field {field!r} ({', '.join(item)})")
    return item[field]


Run = Callable[[list[Any]], list[Cleaned | Failed | None]]


def _clean_pandas(partition: Any, field: str | None, run: Run, errors: str = "raise") -> Any:
    import pandas as pd

    if isinstance(partition, pd.DataFrame):
        if field is None or field not in partition.columns:
            raise InputError(
                f"cleaning a DataFrame needs field= naming its text column "
                f"(columns: {', '.join(map(str, partition.columns))})"
            )
        frame = _result_frame(list(partition[field]), partition.index, run, errors)
        return pd.concat([partition, frame], axis=1)
    return _result_frame(list(partition), partition.index, run, errors)


def _result_frame(values: list[Any], index: Any, run: Run, errors: str) -> Any:
    rows = [_fields(result, errors) for result in run(values)]
    columns = result_columns(errors)  # type: ignore[arg-type]
    return _frame({name: [row[name] for row in rows] for name in columns}, index)


def _frame(columns: dict[str, list[Any]], index: Any = None) -> Any:
    """The result columns as a DataFrame, each with its dtype (object or int64)."""
    import pandas as pd

    return pd.DataFrame(
        {
            name: pd.Series(values, index=index, dtype=_COLUMN_DTYPES[name])
            for name, values in columns.items()
        }
    )


def partition_meta(frame: Any = None, errors: ErrorPolicy = "raise") -> Any:
    """The empty frame ``dask.dataframe`` needs as ``meta`` for :func:`clean_partition`.

    Pass the input DataFrame (dask or pandas) when cleaning a DataFrame, so the result
    keeps its columns; leave it out for a Series. ``errors`` as given to the cleaner (with
    ``"return"`` the result has an ``error`` column).
    """
    import pandas as pd

    empty = _frame({name: [] for name in result_columns(errors)})
    if frame is None:
        return empty
    frame = getattr(frame, "_meta", frame)  # a dask DataFrame: its empty pandas twin
    return pd.concat([frame.iloc[:0], empty.set_index(frame.index[:0])], axis=1)


def partition_cleaner(
    model: ModelSource = None,
    *,
    threshold: float | None = None,
    html: bool = False,
    encoding: str | None = None,
    field: str | None = None,
    batch_size: int | None = None,
    max_chars: int | None = DEFAULT_MAX_CHARS,
    errors: ErrorPolicy = "raise",
) -> Callable[[Any], Any]:
    """:func:`clean_partition` with its options bound, ready for ``map_partitions``.

    Checks the options and resolves ``model`` to a small reference here, on the client, so
    that a mistake fails before the job starts and the graph carries only the reference.
    """
    Options(threshold, max_chars, batch_size, 1, encoding)  # checks them now
    check_error_policy(errors)
    return functools.partial(
        clean_partition,
        model=model_reference(model),
        threshold=threshold,
        html=html,
        encoding=encoding,
        field=field,
        batch_size=batch_size,
        max_chars=max_chars,
        errors=errors,
    )


# --------------------------------------------------------------------------- Dask workers


class PreloadModel(_WorkerPlugin):  # type: ignore[misc,valid-type]
    """A Dask worker plugin that loads the model when a worker starts, not on its first task.

    ``client.register_plugin(PreloadModel(model_dir))``: optional; without it each worker
    loads the model on its first task instead. Either way it is loaded once per worker.
    """

    name = "declutter-model"

    def __init__(self, model: ModelSource = None) -> None:
        self.model = model_reference(model)

    def setup(self, worker: Any) -> None:
        resolve_model(self.model)


def model_loads() -> int:
    """How many times this process has read a model from disk (diagnostics: ``client.run``).

    On a worker this stays at 1 however many tasks it ran: the model is loaded once.
    """
    return cache_info().misses


# --------------------------------------------------------------------------- Spark

SPARK_SCHEMA = "cleaned string, removed string, paragraphs_removed int, characters_removed int"


def spark_schema(errors: ErrorPolicy = "raise") -> str:
    """The UDF's result struct as a Spark DDL string (with ``error string`` for "return")."""
    policy = check_error_policy(errors)
    return SPARK_SCHEMA + (f", {ERROR_COLUMN} string" if policy == "return" else "")


def spark_udf(
    model: ModelSource = None,
    *,
    threshold: float | None = None,
    html: bool = False,
    batch_size: int | None = None,
    max_chars: int | None = DEFAULT_MAX_CHARS,
    errors: ErrorPolicy = "raise",
) -> Any:
    """A Spark pandas UDF that cleans a string column into a struct of result fields.

    ``df.withColumn("declutter", spark_udf()("text"))`` adds a struct column with
    ``cleaned``, ``removed`` (a JSON list of the removed segments), ``paragraphs_removed``
    and ``characters_removed``. Spark hands the UDF Arrow batches of rows (see
    ``spark.sql.execution.arrow.maxRecordsPerBatch``); Python workers are reused between
    tasks by default, so each loads the model once. declutter must be installed on the
    executors, and a custom ``model`` directory readable there at the same path.
    ``errors`` as for :func:`clean_partition`: with ``"skip"`` or ``"return"`` a row that
    cannot be cleaned gets null results (and, for ``"return"``, an ``error`` field) instead
    of failing the Spark task.
    """
    try:
        from pyspark.sql.functions import pandas_udf
    except ImportError:
        raise ImportError(
            "spark_udf() needs PySpark (pip install pyspark) and a Java runtime"
        ) from None
    import pandas as pd

    cleaner = partition_cleaner(
        model,
        threshold=threshold,
        html=html,
        batch_size=batch_size,
        max_chars=max_chars,
        errors=errors,
    )

    def declutter_clean(texts: Any) -> Any:
        return _spark_batch(cleaner, texts)

    # Spark reads the UDF's kind from real type hints (this module's are postponed strings).
    declutter_clean.__annotations__ = {"texts": pd.Series, "return": pd.DataFrame}
    return pandas_udf(declutter_clean, spark_schema(errors))  # type: ignore[call-overload]


def _spark_batch(cleaner: Callable[[Any], Any], texts: Any) -> Any:
    """One Arrow batch: clean, then encode ``removed`` as JSON (Spark wants flat types)."""
    frame = cleaner(texts)
    frame["removed"] = [
        None if removed is None else json.dumps(removed, ensure_ascii=False)
        for removed in frame["removed"]
    ]
    return frame.reset_index(drop=True)


__all__ = [
    "ERROR_COLUMN",
    "RESULT_COLUMNS",
    "SPARK_SCHEMA",
    "PreloadModel",
    "clean_partition",
    "model_loads",
    "partition_cleaner",
    "partition_meta",
    "result_columns",
    "spark_schema",
    "spark_udf",
]
