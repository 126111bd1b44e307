"""clean_many / clean_html_many: same results as one by one, in order, lazily, checked inputs."""

from __future__ import annotations

import functools
import itertools
import pickle
import shutil
import warnings
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

import pytest

from declutter.batch import chunked, clean_html_many, clean_many
from declutter.core import clean, clean_html
from declutter.errors import InputError
from declutter.model import ModelError, ModelRef, load_model, model_reference, resolve_model

ARTICLE = (Path(__file__).resolve().parent.parent / "examples" / "article.txt").read_text()


def sample_texts() -> list[str]:
    """Real article text, its pieces, inserts alone, and empty and blank documents."""
    lines = ARTICLE.splitlines()
    return [
        ARTICLE,
        "",
        "\n\n  \n",
        "\n".join(lines[:4]),
        "Sign up for our newsletter to get the latest news in your inbox.",
        "\n\n".join(lines[5:]),
        "Rates rose again on Tuesday, the central bank said, citing wages.",
        ARTICLE.replace("\n", "\n\n"),
    ]


@functools.cache
def expected_results(threshold: float | None = None) -> tuple:
    """clean() of each sample text, one call per text: what every batch must reproduce."""
    return tuple(clean(text, threshold=threshold) for text in sample_texts())


def sample_pages() -> list[str | bytes]:
    body = "".join(f"<p>{line}</p>" for line in ARTICLE.splitlines())
    return [
        f"<html><body><article>{body}</article></body></html>",
        b"",
        "<div class='newsletter'>Sign up for our newsletter</div><p>The vote was close.</p>",
        f"<html><head><meta charset='utf-8'></head><body>{body}</body></html>".encode(),
    ]


@pytest.mark.parametrize("batch_size", [1, 3, 64])
def test_clean_many_equals_clean_one_by_one(batch_size: int) -> None:
    texts = sample_texts()
    assert tuple(clean_many(texts, batch_size=batch_size)) == expected_results()


def test_clean_many_on_two_workers_equals_one_by_one() -> None:
    texts = sample_texts() * 3
    got = tuple(clean_many(iter(texts), n_jobs=2, batch_size=5))
    assert got == expected_results() * 3


def test_clean_many_passes_the_threshold_on() -> None:
    texts = sample_texts()
    got = tuple(clean_many(texts, threshold=0.3, batch_size=4))
    assert got == expected_results(0.3)
    assert all(result.threshold == 0.3 for result in got)


def test_clean_html_many_equals_clean_html_one_by_one() -> None:
    pages = sample_pages()
    expected = [clean_html(p) for p in pages]
    assert list(clean_html_many(pages, batch_size=3)) == expected
    assert list(clean_html_many(pages, n_jobs=2, batch_size=1)) == expected


def test_clean_many_reads_its_input_lazily() -> None:
    pulled = 0

    def endless() -> Iterator[str]:
        nonlocal pulled
        for number in itertools.count():
            pulled += 1
            yield f"Paragraph number {number} of an endless stream of articles."

    first = list(itertools.islice(clean_many(endless(), batch_size=4), 2))
    assert len(first) == 2
    assert pulled <= 5  # one chunk of four (plus the look-ahead that ends it)


@pytest.mark.filterwarnings("ignore:.*tasks have been successfully executed:UserWarning")
def test_clean_many_with_workers_reads_ahead_one_window_whatever_the_callers_pace() -> None:
    """Workers are handed a window of chunks at a time and the next window is read only
    when the caller has taken this one's results: a caller that pauses does not make the
    input be read and cleaned into memory (joblib alone dispatched on every finished task:
    3,252 documents read while a caller paused 3 s). The bound holds at any speed."""
    import time

    from declutter.batch import WINDOW_PER_WORKER

    pulled = 0

    def endless() -> Iterator[str]:
        nonlocal pulled
        while True:
            pulled += 1
            yield ARTICLE

    window_documents = WINDOW_PER_WORKER * 2 * 2  # chunks per worker x workers x batch_size
    results = clean_many(endless(), n_jobs=2, batch_size=2)
    assert next(results).text == clean(ARTICLE).text
    time.sleep(0.5)  # a caller at its own pace: the workers must not run ahead meanwhile
    assert pulled <= window_documents
    taken = 1 + sum(1 for _ in islice(results, window_documents))  # into the next window
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        results.close()  # stopping early cancels the read-ahead: by design, no warning
    assert taken == window_documents + 1
    assert pulled <= 2 * window_documents
    assert [str(w.message) for w in caught] == []


def test_a_single_string_is_refused_with_a_pointer_to_clean() -> None:
    with pytest.raises(InputError, match="clean\\(\\)"):
        clean_many("one document")


def test_a_bad_document_is_reported_with_its_position() -> None:
    results = clean_many(["fine text", b"bytes text"])
    with pytest.raises(InputError, match=r"document 1 .*not bytes"):
        list(results)


def test_html_pages_may_be_bytes_but_not_numbers() -> None:
    with pytest.raises(InputError, match="page 1"):
        list(clean_html_many(["<p>ok</p>", 42]))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"threshold": 1.5}, "between 0 and 1"),
        ({"n_jobs": 0}, "n_jobs"),
        ({"batch_size": 0}, "batch_size"),
        ({"batch_size": 2.5}, "batch_size"),
    ],
)
def test_bad_options_fail_at_the_call_not_later(options: dict, message: str) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        clean_many(["text"], **options)  # no iteration: the check is eager


def test_chunked_keeps_order_and_the_short_last_chunk() -> None:
    assert list(chunked(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(chunked([], 3)) == []


def test_tasks_carry_a_small_reference_not_the_model() -> None:
    model = load_model()
    ref = model_reference(model)
    assert isinstance(ref, ModelRef)
    assert ref.sha256 == model.card["model_sha256"]
    assert len(pickle.dumps(ref)) < 1000 < len(pickle.dumps(model))
    assert resolve_model(ref).card == model.card


def test_a_reference_refuses_a_model_that_changed(tmp_path: Path) -> None:
    model = load_model()
    copy = tmp_path / "model"
    shutil.copytree(model.path, copy)
    assert model_reference(str(copy)).sha256 == model.card["model_sha256"]
    with pytest.raises(ModelError, match="retrained"):
        resolve_model(ModelRef(str(copy), "0" * 64))


def test_a_reference_needs_an_existing_directory(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no model directory"):
        model_reference(tmp_path / "missing")


@pytest.mark.parametrize("collector_on", [True, False])
def test_the_garbage_collector_is_paused_per_chunk_and_left_as_it_was(
    monkeypatch: pytest.MonkeyPatch, collector_on: bool
) -> None:
    import gc

    import declutter.batch as batch

    seen: list[bool] = []
    real = batch._clean_prepared

    def spy(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(batch, "_clean_prepared", spy)
    (gc.enable if collector_on else gc.disable)()
    try:
        texts = list(clean_many(sample_texts(), batch_size=3))
        pages = list(clean_html_many(["<p>One.</p>", "<p>Two.</p>"], batch_size=1))
        assert gc.isenabled() is collector_on
    finally:
        gc.enable()
    assert len(texts) == len(sample_texts()) and len(pages) == 2
    assert seen and not any(seen)


def test_a_failing_chunk_still_restores_the_garbage_collector(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import gc

    import declutter.batch as batch

    def broken(*args, **kwargs):
        raise RuntimeError("scoring failed")

    monkeypatch.setattr(batch, "_clean_prepared", broken)
    gc.enable()
    with pytest.raises(RuntimeError, match="scoring failed"):
        list(clean_many(["Some text."]))
    assert gc.isenabled()


def test_kinds_named_together_equal_kinds_named_per_document() -> None:
    from declutter.core import prepare, score_units
    from declutter.scoring import take_kinds

    model = load_model()
    first = [prepare(t, doc=n) for n, t in enumerate(sample_texts())]
    second = [prepare("Advertisement\n\nSign up for our newsletter\n\nRead more: X", doc=0)]
    scored = score_units(model, first) + score_units(model, second)  # two scoring calls
    requests = [(kinds, list(range(len(scores)))[::-1]) for scores, kinds in scored]
    together = take_kinds(requests)
    assert together == [take_kinds([request])[0] for request in requests]
    assert together[-1][-1].first == "advert" and sum(map(len, together)) > 50


# --------------------------------------------------------------------------- failing documents

POISON = "This paragraph makes the cleaner fail."


@pytest.fixture
def poisoned(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cleaning fails on POISON (as a bug in the cleaner would), in this process."""
    import declutter.batch as batch

    real = batch.prepare

    def prepare(text: str, *args, **kwargs):
        if text == POISON:
            raise RuntimeError("the cleaner broke on this one")
        return real(text, *args, **kwargs)

    monkeypatch.setattr(batch, "prepare", prepare)


def _until_error(results: Iterator) -> tuple[list, BaseException | None]:
    """Everything a generator yields before it raises, and what it raised."""
    got = []
    try:
        for result in results:
            got.append(result)
    except Exception as error:  # the test looks at which one
        return got, error
    return got, None


def test_raise_hands_out_the_documents_before_the_bad_one_first() -> None:
    texts = [*sample_texts()[:3], None, *sample_texts()[3:]]  # a bad one inside the chunk
    got, error = _until_error(clean_many(texts, batch_size=64))
    assert tuple(got) == expected_results()[:3]  # were lost with the chunk before
    assert isinstance(error, InputError)
    assert "document 3 (counting from 0)" in str(error)


def test_raise_reads_nothing_after_the_bad_document() -> None:
    pulled = []

    def texts() -> Iterator[object]:
        for item in ["One fine text.", b"bytes", "Never read."]:
            pulled.append(item)
            yield item

    with pytest.raises(InputError, match="document 1"):
        list(clean_many(texts(), batch_size=64))
    assert pulled == ["One fine text.", b"bytes"]


def test_return_puts_a_failed_value_in_the_bad_documents_place() -> None:
    from declutter import Failed

    texts = sample_texts()
    mixed = [texts[0], None, texts[1], 42, *texts[2:]]
    got = list(clean_many(mixed, batch_size=3, errors="return"))
    assert got[1] == Failed(1, got[1].error, "InputError")
    assert "None" in got[1].error
    assert got[3].index == 3 and got[3].error_type == "InputError"
    assert tuple(r for r in got if not isinstance(r, Failed)) == expected_results()


def test_skip_leaves_the_bad_documents_out() -> None:
    texts = sample_texts()
    got = tuple(clean_many([None, *texts, b"x"], batch_size=2, errors="skip"))
    assert got == expected_results()


def test_a_document_that_breaks_the_cleaner_costs_only_itself(poisoned) -> None:
    texts = sample_texts()
    mixed = [*texts[:2], POISON, *texts[2:]]
    got = list(clean_many(mixed, batch_size=64, errors="return"))
    assert got[2].index == 2 and got[2].error_type == "RuntimeError"
    assert got[2].error == "the cleaner broke on this one"
    assert tuple(got[:2] + got[3:]) == expected_results()
    before, error = _until_error(clean_many(mixed, batch_size=64))
    assert tuple(before) == expected_results()[:2]
    assert isinstance(error, RuntimeError)  # raised as it is, as before


def test_isolation_also_works_when_chunks_run_in_parallel(poisoned) -> None:
    import joblib

    texts = sample_texts()
    mixed = [*texts[:3], POISON, *texts[3:], POISON]
    with joblib.parallel_config(backend="threading"):  # workers that see the monkeypatch
        got = list(clean_many(mixed, n_jobs=2, batch_size=3, errors="return"))
    assert [getattr(r, "index", None) for r in got] == [None] * 3 + [3] + [None] * 5 + [9]
    assert tuple(r for r in got if r.__class__.__name__ == "Cleaned") == expected_results()


def test_failures_come_back_from_worker_processes_in_their_place() -> None:
    texts = sample_texts()
    mixed = [texts[0], None, *texts[1:5], b"bytes", *texts[5:]]
    got = list(clean_many(mixed, n_jobs=2, batch_size=2, errors="return"))
    assert [type(r).__name__ for r in got] == ["Cleaned", "Failed"] + ["Cleaned"] * 4 + [
        "Failed"
    ] + ["Cleaned"] * 3
    assert (got[1].index, got[6].index) == (1, 6)
    assert tuple(r for r in got if type(r).__name__ == "Cleaned") == expected_results()


def test_clean_html_many_returns_failed_pages_in_place() -> None:
    pages = sample_pages()
    got = list(clean_html_many([pages[0], 42, *pages[1:]], batch_size=16, errors="return"))
    assert got[1].index == 1 and got[1].error_type == "InputError"
    assert [clean_html(p) for p in pages] == [got[0], *got[2:]]


@pytest.mark.parametrize("errors", ["record", "ignore", None, True])
def test_an_unknown_error_policy_is_refused_at_the_call(errors: object) -> None:
    from declutter.errors import OptionError

    with pytest.raises(OptionError, match="'raise', 'skip', 'return'"):
        clean_many(["text"], errors=errors)  # type: ignore[call-overload]


def test_failed_is_frozen_plain_data() -> None:
    import dataclasses

    from declutter import Failed

    failed = Failed(3, "clean_many() got None instead of text", "InputError")
    assert pickle.loads(pickle.dumps(failed)) == failed
    assert failed.to_dict() == {"index": 3, "error": failed.error, "error_type": "InputError"}
    with pytest.raises(dataclasses.FrozenInstanceError):
        failed.index = 4  # type: ignore[misc]
