"""Dask and Spark integration: same results as clean(), the model loaded once per worker."""

from __future__ import annotations

import math
import os
import pickle
import shutil
import sys
from pathlib import Path

import pytest

from declutter.core import clean, clean_html
from declutter.distributed import (
    RESULT_COLUMNS,
    PreloadModel,
    clean_partition,
    model_loads,
    partition_cleaner,
    partition_meta,
)
from declutter.errors import InputError
from declutter.model import load_model

REPO = Path(__file__).resolve().parent.parent
ARTICLE = (REPO / "examples" / "article.txt").read_text()
NEWSLETTER = "Sign up for our newsletter to get the latest news in your inbox."
TEXTS = [ARTICLE, "", NEWSLETTER, "Read more: Offshore wind auction draws record bids",
         "\n".join(ARTICLE.splitlines()[2:6])]  # fmt: skip


def expected_fields(text: str) -> tuple[str, list[tuple[int, int, str]], int]:
    result = clean(text)
    removed = [(s.start, s.end, s.kind) for s in result.removed]
    return result.text, removed, sum(len(s.text) for s in result.removed)


def as_tuple(fields: dict) -> tuple[str, list[tuple[int, int, str]], int]:
    removed = [(s["start"], s["end"], s["kind"]) for s in fields["removed"]]
    return fields["cleaned"], removed, fields["characters_removed"]


# --------------------------------------------------------------------------- no cluster


def test_a_list_partition_gives_one_dict_per_text() -> None:
    out = clean_partition(TEXTS, batch_size=2)
    assert [as_tuple(fields) for fields in out] == [expected_fields(t) for t in TEXTS]
    assert [f["paragraphs_removed"] for f in out] == [len(clean(t).removed) for t in TEXTS]


def test_records_keep_their_fields_and_gain_the_results() -> None:
    records = [{"id": i, "body": text} for i, text in enumerate(TEXTS)]
    out = clean_partition(records, field="body")
    assert [r["id"] for r in out] == list(range(len(TEXTS)))
    assert [r["cleaned"] for r in out] == [clean(t).text for t in TEXTS]


def test_missing_values_give_missing_results_not_errors() -> None:
    pd = pytest.importorskip("pandas")
    series = pd.Series([NEWSLETTER, None, math.nan, pd.NA], index=[10, 11, 12, 13], dtype=object)
    frame = clean_partition(series)
    assert list(frame.columns) == list(RESULT_COLUMNS)
    assert list(frame.index) == [10, 11, 12, 13]
    assert frame.loc[10, "cleaned"] == clean(NEWSLETTER).text
    assert frame.loc[11:13, "cleaned"].isna().all()
    assert list(frame["paragraphs_removed"][1:]) == [0, 0, 0]


def test_a_dataframe_partition_keeps_its_columns() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"id": [1, 2], "text": [ARTICLE, NEWSLETTER]})
    out = clean_partition(frame, field="text")
    assert list(out.columns) == ["id", "text", *RESULT_COLUMNS]
    assert list(out["cleaned"]) == [clean(ARTICLE).text, clean(NEWSLETTER).text]
    assert list(partition_meta(frame).columns) == list(out.columns)
    with pytest.raises(InputError, match="field="):
        clean_partition(frame)


def test_html_partitions_match_clean_html() -> None:
    pages = ["<p>The vote was close.</p><div class='newsletter'>Sign up now</div>", b"<p>Hi</p>"]
    out = clean_partition(pages, html=True)
    assert [f["cleaned"] for f in out] == [clean_html(p).text for p in pages]


def test_wrong_values_name_their_row() -> None:
    with pytest.raises(InputError, match=r"row 1 .*holds int"):
        clean_partition(["fine", 7])
    with pytest.raises(InputError, match=r"row 0: .*must be a dict"):
        clean_partition(["text"], field="text")


def test_a_bad_row_fails_the_partition_only_when_asked() -> None:
    """errors="skip"/"return": a value that cannot be cleaned (a number, a text over
    max_chars) gets missing results, "return" says why in the row's error field, and every
    other row of the partition is cleaned exactly as clean() would."""
    values = [NEWSLETTER, 7, "x" * 80, ARTICLE]
    with pytest.raises(InputError, match=r"row 1 .*holds int"):
        clean_partition(values, max_chars=70)
    skipped = clean_partition(values, max_chars=70, errors="skip")
    returned = clean_partition(values, max_chars=70, errors="return")
    for out in (skipped, returned):
        assert [f["cleaned"] for f in out] == [clean(NEWSLETTER).text, None, None, None]
    wide = clean_partition([NEWSLETTER, 7, ARTICLE], errors="return")
    assert [f["cleaned"] for f in wide] == [clean(NEWSLETTER).text, None, clean(ARTICLE).text]
    assert [f["error"] is None for f in wide] == [True, False, True]
    assert wide[1]["error"].startswith("InputError: row 1 of the partition holds int")
    assert "error" not in skipped[0]
    assert returned[2]["error"].startswith("InputTooLargeError")
    records = clean_partition([{"id": 1, "body": NEWSLETTER}, "not a record"], field="body",
                              errors="return")  # fmt: skip
    assert records[0]["id"] == 1 and records[0]["error"] is None
    assert records[1]["cleaned"] is None and "must be a dict" in records[1]["error"]
    with pytest.raises(ValueError, match="errors must be one of"):
        partition_cleaner(errors="ignore")


def test_a_frame_with_errors_returned_has_an_error_column_that_meta_announces() -> None:
    pd = pytest.importorskip("pandas")
    from declutter.distributed import result_columns, spark_schema

    frame = pd.DataFrame({"id": [1, 2, 3], "text": [NEWSLETTER, 5, None]})
    out = clean_partition(frame, field="text", errors="return")
    assert list(out.columns) == ["id", "text", *RESULT_COLUMNS, "error"]
    assert list(partition_meta(frame, errors="return").columns) == list(out.columns)
    assert out["error"].isna().tolist() == [True, False, True]  # a missing cell is no error
    assert list(out["paragraphs_removed"]) == [len(clean(NEWSLETTER).removed), 0, 0]
    assert result_columns("skip") == RESULT_COLUMNS
    assert spark_schema("return").endswith(", error string")


def test_the_bound_cleaner_carries_a_reference_not_the_model(tmp_path: Path) -> None:
    model = load_model()
    copy = tmp_path / "model"
    shutil.copytree(model.path, copy)
    for spec in (None, str(copy), model):
        assert len(pickle.dumps(partition_cleaner(spec))) < 2000
    with pytest.raises(ValueError, match="between 0 and 1"):
        partition_cleaner(threshold=2)


# --------------------------------------------------------------------------- Dask cluster


@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed", reason="distributed not installed")
    pytest.importorskip("dask.bag", reason="dask[bag] not installed")
    # Worker processes must import this checkout even when it is not pip-installed.
    os.environ["PYTHONPATH"] = os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])
    cluster = distributed.LocalCluster(
        processes=True, n_workers=2, threads_per_worker=1, dashboard_address=None
    )
    with cluster, distributed.Client(cluster) as dask_client:
        yield dask_client


def test_dask_bag_map_partitions_matches_clean(client) -> None:
    import dask.bag as db

    texts = TEXTS * 4
    bag = db.from_sequence(texts, npartitions=6)
    out = bag.map_partitions(partition_cleaner(batch_size=3)).compute()
    assert [as_tuple(fields) for fields in out] == [expected_fields(t) for t in texts]


def test_dask_dataframe_map_partitions_matches_clean(client) -> None:
    import dask.dataframe as dd
    import pandas as pd

    frame = pd.DataFrame({"id": range(len(TEXTS) * 2), "text": TEXTS * 2})
    ddf = dd.from_pandas(frame, npartitions=3)
    cleaner = partition_cleaner(field="text")
    out = ddf.map_partitions(cleaner, meta=partition_meta(frame)).compute()
    assert list(out["id"]) == list(frame["id"])
    assert list(out["cleaned"]) == [clean(t).text for t in TEXTS * 2]


def test_each_worker_loads_the_model_once(client) -> None:
    import dask.bag as db

    client.register_plugin(PreloadModel())
    assert set(client.run(model_loads).values()) == {1}  # loaded at worker setup
    bag = db.from_sequence(TEXTS * 6, npartitions=12)
    bag.map_partitions(partition_cleaner(batch_size=2)).compute()
    assert set(client.run(model_loads).values()) == {1}  # and never again, over 12 tasks


def test_joblib_dask_backend_runs_clean_many_on_the_cluster(client) -> None:
    import joblib

    from declutter.batch import clean_many

    with joblib.parallel_config(backend="dask"):
        got = list(clean_many(TEXTS * 2, n_jobs=-1, batch_size=3))
    assert got == [clean(t) for t in TEXTS * 2]


# --------------------------------------------------------------------------- Spark


def test_spark_pandas_udf_matches_clean() -> None:
    pytest.importorskip("pyspark", reason="PySpark not installed (pip install pyspark)")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("no Java runtime (java not on PATH, JAVA_HOME unset): Spark cannot start")
    from pyspark.sql import SparkSession

    from declutter.distributed import spark_udf

    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYTHONPATH"] = os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("declutter-test")
        .config("spark.ui.enabled", "false")
        # orderBy shuffles: 200 partitions by default, each a task for a handful of rows
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    try:
        rows = [(i, text) for i, text in enumerate([*TEXTS, None])]
        frame = spark.createDataFrame(rows, "id int, text string")
        result = frame.withColumn("d", spark_udf()("text")).orderBy("id")
        out = result.select("d.cleaned", "d.paragraphs_removed").collect()
        # a text over max_chars fails its row only, and says why
        udf = spark_udf(errors="return", max_chars=80)
        long_rows = spark.createDataFrame([(0, NEWSLETTER), (1, "x" * 90)], "id int, text string")
        tolerant = long_rows.withColumn("d", udf("text")).orderBy("id")
        errors = tolerant.select("d.cleaned", "d.error").collect()
    finally:
        spark.stop()
    assert [row.cleaned for row in out] == [clean(t).text for t in TEXTS] + [None]
    assert [row.paragraphs_removed for row in out] == [len(clean(t).removed) for t in TEXTS] + [0]
    assert errors[0].cleaned == clean(NEWSLETTER).text and errors[0].error is None
    assert errors[1].cleaned is None and errors[1].error.startswith("InputTooLargeError")
