"""The quality gate: the page bootstrap, how floors are pinned, checked and (only with a
reason) lowered, and that its scores are the benchmark's.

Most tests feed the gate made-up measurements (per-page components in the JSON that
``--save-measurement`` writes), so they run without declutter's workers; the last ones run
declutter on a made-up corpus and, when present, on a real one.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks import bootstrap, gate, metrics  # noqa: E402

# --------------------------------------------------------------------------- bootstrap


def test_scores_are_the_benchmarks_aggregates():
    f1s = [0.2, 0.9, 0.7]
    mean = metrics.mean_prf(metrics.PRF(f, f, f) for f in f1s).f1
    assert bootstrap.score(bootstrap.MEAN, [[f] for f in f1s]) == pytest.approx(mean)
    counts = [metrics.SnippetCounts(3, 1, 2, 0), metrics.SnippetCounts(0, 4, 1, 5)]
    total = counts[0] + counts[1]
    rows = [[c.tp, c.fn, c.fp] for c in counts]
    assert bootstrap.score(bootstrap.SNIPPET_F1, rows) == pytest.approx(total.f1)
    rates = metrics.ParagraphRates(content_chars=300, content_kept=240, insert_chars=0,
                                   insert_removed=0)  # fmt: skip
    rows = [[200, 200], [40, 100]]  # kept, content characters of two pages
    assert bootstrap.score(bootstrap.RATIO, rows) == pytest.approx(rates.content_recall)
    assert bootstrap.score(bootstrap.RATIO, [[0, 0]]) == rates.insert_removal == 1.0


def test_the_spread_is_fixed_by_the_seed_and_shrinks_with_more_pages():
    rows = [[(i * 37 % 11) / 10] for i in range(40)]
    once = bootstrap.half_width(bootstrap.MEAN, rows)
    assert once == bootstrap.half_width(bootstrap.MEAN, rows)  # same pages, same spread
    assert once != bootstrap.half_width(bootstrap.MEAN, rows, seed=1)
    # sixteen times the pages: about a quarter of the spread (1 / sqrt(16))
    assert 0.15 < bootstrap.half_width(bootstrap.MEAN, rows * 16) / once < 0.35
    assert bootstrap.half_width(bootstrap.MEAN, [[0.8]] * 30) == 0.0


def test_the_bootstrap_refuses_what_it_cannot_score():
    with pytest.raises(ValueError, match="no pages"):
        bootstrap.score(bootstrap.MEAN, [])
    with pytest.raises(ValueError, match="2 components"):
        bootstrap.half_width(bootstrap.RATIO, [[1.0]])
    with pytest.raises(ValueError, match="unknown kind"):
        bootstrap.score("median", [[1.0]])


# --------------------------------------------------------------------------- made-up measurements

Rows = Callable[[int], dict[str, list[float]]]


def steady(i: int) -> dict[str, list[float]]:
    """A page scoring much like every other page (a small spread)."""
    f1 = 0.9 + (i % 3) * 0.002
    return {gate.PAGE_F1: [f1], gate.PAGE_RECALL: [f1], gate.TEXT_F1: [f1],
            gate.CONTENT_RECALL: [99, 100], gate.INSERT_REMOVAL: [50 + i % 2, 100]}  # fmt: skip


def erratic(i: int) -> dict[str, list[float]]:
    """A page that either works or does not (a wide spread)."""
    f1 = float(i % 2)
    return {gate.PAGE_F1: [f1], gate.PAGE_RECALL: [f1], gate.TEXT_F1: [f1],
            gate.CONTENT_RECALL: [100 * f1, 100], gate.INSERT_REMOVAL: [10, 100]}  # fmt: skip


def made_up_pages(count: int, rows: Rows, shift: float = 0.0) -> list[dict]:
    """Pages in the measurement format; ``shift`` lowers every F1 by that much."""
    pages = []
    for i in range(count):
        page = {"id": f"p{i}", "digest": f"d{i}", **rows(i)}
        for metric in (gate.PAGE_F1, gate.TEXT_F1):
            page[metric] = [page[metric][0] - shift]
        pages.append(page)
    return pages


def write_measurement(path: Path, corpora: dict[str, list[dict]], dev_pages=None) -> Path:
    corpora_doc = {
        corpus: {"dev_pages": (dev_pages or {}).get(corpus, len(pages)), "pages": pages}
        for corpus, pages in corpora.items()
    }
    doc = {"split": "dev", "model_sha256": "f" * 64, "errors": {}, "corpora": corpora_doc}
    path.write_text(json.dumps(doc))
    return path


def run_gate(*args: object) -> int:
    return gate.main([str(arg) for arg in args])


def test_the_page_count_is_what_the_target_needs():
    assert gate.choose_page_count("dragnet", made_up_pages(400, steady)) < 400
    assert gate.choose_page_count("dragnet", made_up_pages(400, erratic)) == 400
    # a looser target needs fewer pages
    pages = made_up_pages(400, steady)
    assert gate.choose_page_count("dragnet", pages, 0.05) <= gate.choose_page_count(
        "dragnet", pages
    )


def test_update_pins_each_floor_at_the_score_minus_its_spread(tmp_path):
    floors = tmp_path / "floors.json"
    pages = made_up_pages(60, erratic)
    measured = write_measurement(tmp_path / "m.json", {"dragnet": pages})
    assert run_gate("update", "--floors", floors, "--measurement", measured, "--only",
                    "dragnet") == 0  # fmt: skip
    pinned = json.loads(floors.read_text())["corpora"]["dragnet"]
    assert pinned["pages"] == pinned["dev_pages"] == 60
    page_f1 = pinned["floors"][gate.PAGE_F1]
    assert page_f1["score"] == pytest.approx(0.5)
    spread = bootstrap.half_width(bootstrap.MEAN, [p[gate.PAGE_F1] for p in pages])
    assert page_f1["half_width"] == pytest.approx(spread, abs=1e-6) and spread > 0.05
    assert page_f1["floor"] == gate.round_down(0.5 - spread) < 0.5
    assert set(pinned["floors"]) == set(gate.METRICS)
    assert run_gate("check", "--floors", floors, "--measurement", measured) == 0


def test_check_names_the_metric_corpus_floor_and_score_it_misses(tmp_path, capsys):
    floors = tmp_path / "floors.json"
    pinned = write_measurement(tmp_path / "m.json", {"cleaneval": made_up_pages(50, steady)})
    run_gate("update", "--floors", floors, "--measurement", pinned, "--only", "cleaneval")
    floor = json.loads(floors.read_text())["corpora"]["cleaneval"]["floors"][gate.TEXT_F1]
    worse = made_up_pages(50, steady, shift=0.05)
    capsys.readouterr()
    assert run_gate("check", "--floors", floors, "--measurement",
                    write_measurement(tmp_path / "w.json", {"cleaneval": worse})) == 1  # fmt: skip
    err = capsys.readouterr().err
    count = json.loads(floors.read_text())["corpora"]["cleaneval"]["pages"]
    score = bootstrap.score(bootstrap.MEAN, [p[gate.TEXT_F1] for p in worse[:count]])
    assert f"{gate.TEXT_F1} on cleaneval: score {score:.4f} is below its floor " \
        f"{floor['floor']:.4f}" in err  # fmt: skip
    assert "content_recall" not in err  # only what fell


def test_update_refuses_to_lower_a_floor_without_a_reason(tmp_path, capsys):
    floors = tmp_path / "floors.json"
    good = write_measurement(tmp_path / "good.json", {"dragnet": made_up_pages(50, steady)})
    worse = write_measurement(tmp_path / "worse.json",
                              {"dragnet": made_up_pages(50, steady, shift=0.1)})  # fmt: skip
    run_gate("update", "--floors", floors, "--measurement", good, "--only", "dragnet")
    before = floors.read_text()
    capsys.readouterr()
    assert run_gate("update", "--floors", floors, "--measurement", worse, "--only",
                    "dragnet") == 1  # fmt: skip
    err = capsys.readouterr().err
    assert f"refusing to lower {gate.PAGE_F1} on dragnet" in err
    assert "content_recall" not in err  # it did not go down
    assert floors.read_text() == before
    assert run_gate("update", "--floors", floors, "--measurement", worse, "--only", "dragnet",
                    "--lower", "  ") == 2  # fmt: skip
    assert floors.read_text() == before


def test_a_floor_lowered_with_a_reason_records_it_next_to_the_floor(tmp_path):
    floors = tmp_path / "floors.json"
    good = write_measurement(tmp_path / "good.json", {"dragnet": made_up_pages(50, steady)})
    worse = write_measurement(tmp_path / "worse.json",
                              {"dragnet": made_up_pages(50, steady, shift=0.1)})  # fmt: skip
    run_gate("update", "--floors", floors, "--measurement", good, "--only", "dragnet")
    old = json.loads(floors.read_text())["corpora"]["dragnet"]["floors"]
    reason = "text F1 falls 0.1 on dragnet: comment threads now removed, worth it for forums"
    assert run_gate("update", "--floors", floors, "--measurement", worse, "--only", "dragnet",
                    "--lower", reason) == 0  # fmt: skip
    new = json.loads(floors.read_text())["corpora"]["dragnet"]["floors"]
    (record,) = new[gate.TEXT_F1]["lowered"]
    assert record["reason"] == reason
    assert record["date"] == dt.date.today().isoformat()
    assert (record["from"], record["to"]) == (old[gate.TEXT_F1]["floor"],
                                              new[gate.TEXT_F1]["floor"])  # fmt: skip
    assert "lowered" not in new[gate.CONTENT_RECALL]  # unchanged floors carry no record
    # a later rise keeps the record
    assert run_gate("update", "--floors", floors, "--measurement", good, "--only", "dragnet") == 0
    again = json.loads(floors.read_text())["corpora"]["dragnet"]["floors"]
    assert again[gate.TEXT_F1]["lowered"] == [record]
    assert again[gate.TEXT_F1]["floor"] == old[gate.TEXT_F1]["floor"]


def test_check_fails_on_other_pages_than_those_pinned(tmp_path, capsys):
    floors = tmp_path / "floors.json"
    pages = made_up_pages(30, steady)
    run_gate("update", "--floors", floors, "--measurement",
             write_measurement(tmp_path / "a.json", {"dragnet": pages}))  # fmt: skip
    pages[0]["digest"] = "corrected gold"  # the first page is always among those pinned
    assert run_gate("check", "--floors", floors, "--measurement",
                    write_measurement(tmp_path / "b.json", {"dragnet": pages})) == 1  # fmt: skip
    assert "the pages changed" in capsys.readouterr().err


def test_update_needs_every_dev_page_and_only_touches_what_it_measured(tmp_path):
    floors = tmp_path / "floors.json"
    both = {"dragnet": made_up_pages(30, steady), "cleaneval": made_up_pages(30, erratic)}
    run_gate("update", "--floors", floors, "--measurement",
             write_measurement(tmp_path / "a.json", both))  # fmt: skip
    before = json.loads(floors.read_text())["corpora"]["cleaneval"]
    partial = write_measurement(tmp_path / "b.json", {"dragnet": made_up_pages(20, steady)},
                                dev_pages={"dragnet": 30})  # fmt: skip
    assert run_gate("update", "--floors", floors, "--measurement", partial, "--only",
                    "dragnet") == 2  # fmt: skip
    fewer = write_measurement(tmp_path / "c.json", {"dragnet": made_up_pages(20, steady)})
    assert run_gate("update", "--floors", floors, "--measurement", fewer, "--only",
                    "dragnet", "--lower", "twenty pages") == 0  # fmt: skip
    assert json.loads(floors.read_text())["corpora"]["cleaneval"] == before


def test_only_new_pins_missing_floors_and_leaves_every_pinned_one_alone(tmp_path, capsys):
    floors = tmp_path / "floors.json"
    without_recall = made_up_pages(60, steady)
    for page in without_recall:
        del page[gate.PAGE_RECALL]
    first = write_measurement(tmp_path / "a.json", {"dragnet": without_recall})
    assert run_gate("update", "--floors", floors, "--measurement", first) == 0
    before = json.loads(floors.read_text())["corpora"]["dragnet"]["floors"]
    assert gate.PAGE_RECALL not in before
    # a worse model with a new metric: plain update refuses, --only-new adds the metric only
    worse = write_measurement(tmp_path / "b.json", {"dragnet": made_up_pages(60, steady, 0.1)})
    assert run_gate("update", "--floors", floors, "--measurement", worse) == 1
    assert run_gate("update", "--floors", floors, "--measurement", worse, "--only-new") == 0
    after = json.loads(floors.read_text())["corpora"]["dragnet"]["floors"]
    assert {m: after[m] for m in before} == before
    assert after[gate.PAGE_RECALL]["floor"] < after[gate.PAGE_RECALL]["score"]
    # new floors belong to the pages the old ones were pinned on
    other = made_up_pages(60, steady)
    for page in other:
        page["digest"] += "x"
    moved = write_measurement(tmp_path / "c.json", {"dragnet": other})
    capsys.readouterr()
    assert run_gate("update", "--floors", floors, "--measurement", moved, "--only-new") == 2
    assert "pinned on other pages" in capsys.readouterr().err


def test_no_floors_yet_and_the_old_quick_format_both_say_to_pin(tmp_path, capsys):
    measured = write_measurement(tmp_path / "m.json", {"dragnet": made_up_pages(10, steady)})
    assert run_gate("check", "--floors", tmp_path / "none.json", "--measurement", measured) == 1
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"subset_sha256": "a" * 64, "floors": {"page/dragnet/f1": 0.5}}))
    assert run_gate("check", "--floors", old, "--measurement", measured) == 1
    assert "gate.py update" in capsys.readouterr().err
    assert run_gate("update", "--floors", old, "--measurement", measured) == 0
    assert "dragnet" in json.loads(old.read_text())["corpora"]


def test_floors_are_rounded_down_never_up():
    assert gate.round_down(0.123456) == 0.1234
    assert gate.round_down(0.5) == 0.5
    assert gate.round_down(-0.00001) == -0.0001
    assert math.isclose(gate.round_down(0.30000000000000004), 0.3)


# --------------------------------------------------------------------------- with declutter


def test_the_gate_scores_what_the_benchmark_scores(tmp_path):
    sys.path.insert(0, str(REPO / "tests"))
    from synthetic_corpora import postlight_pages, write_article_body_corpus

    from benchmarks import run

    write_article_body_corpus(tmp_path, "postlight_fixtures", postlight_pages(16))
    measured = gate.measure(tmp_path, ["postlight_fixtures"], log=lambda message: None)
    results = run.run_benchmark(tmp_path, ["postlight_fixtures"], None, ["declutter"],
                                log=lambda message: None, speed=False)  # fmt: skip
    corpus = measured["corpora"]["postlight_fixtures"]
    assert len(corpus["pages"]) == corpus["dev_pages"] == results["pages"]["postlight_fixtures"]
    assert measured["errors"] == {}
    scores = gate.corpus_scores("postlight_fixtures", corpus["pages"])
    page = results["page"]["declutter"]["corpora"]["postlight_fixtures"]
    text = results["text"]["declutter"]
    assert scores[gate.PAGE_F1] == pytest.approx(page["f1"])
    assert scores[gate.PAGE_RECALL] == pytest.approx(page["recall"])
    assert scores[gate.TEXT_F1] == pytest.approx(text["corpora"]["postlight_fixtures"]["f1"])
    rates = text["paragraphs"]["postlight_fixtures"]
    assert scores[gate.CONTENT_RECALL] == pytest.approx(rates["content_recall"])
    assert scores[gate.INSERT_REMOVAL] == pytest.approx(rates["insert_removal"])


def test_our_own_sets_are_gated_without_the_corpora(tmp_path, monkeypatch, capsys):
    """The own sets are cleaned as clean() cleans them (one line at the one-line threshold),
    counted in characters of paragraphs, and pinned and checked with no corpora folder."""
    import declutter
    from declutter.training.data import LabelledDocument, LabelledParagraph, read_jsonl

    texts = REPO / "training_data" / "test_single.jsonl"
    monkeypatch.setattr(gate, "OWN_SETS", {"own:mini": texts})
    measured = gate.measure(None, ["own:mini"], counts={"own:mini": 40}, log=lambda m: None)
    rows = measured["corpora"]["own:mini"]["pages"]
    by_id = {doc.id: doc for doc in read_jsonl(texts)}
    assert len(rows) == 40 and measured["corpora"]["own:mini"]["dev_pages"] == len(by_id)
    assert measured["model_sha256"] == declutter.load_model().sha256
    for row in rows:
        doc = by_id[row["id"]]
        (para,) = doc.paragraphs
        removed = bool(declutter.clean(para.text).removed)
        chars = len(para.text)
        if para.label == "content":
            assert row[gate.CONTENT_RECALL] == [0 if removed else chars, chars]
            assert row[gate.INSERT_REMOVAL] == [0, 0]
        else:
            assert row[gate.INSERT_REMOVAL] == [chars if removed else 0, chars]
    changed = LabelledDocument(doc.id, doc.source, (LabelledParagraph(para.text, None),))
    assert gate._own_digest("own:mini", changed) != row["digest"]

    floors = tmp_path / "floors.json"
    assert run_gate("update", "--floors", floors, "--only", "own:mini") == 0
    pinned = json.loads(floors.read_text())["corpora"]["own:mini"]
    assert set(pinned["floors"]) == {gate.CONTENT_RECALL, gate.INSERT_REMOVAL}
    assert run_gate("check", "--floors", floors, "--corpora", tmp_path / "no-corpora") == 0
    assert "all 2 floors hold" in capsys.readouterr().out


@pytest.fixture(scope="module")
def corpora_root() -> Path:
    from declutter.training.corpora import default_corpora_root

    root = default_corpora_root()
    if root is None or not (root / "readability_tests").is_dir():
        pytest.skip("../shared/corpora not found: set $DECLUTTER_CORPORA to run the gate on it")
    return root


@pytest.mark.corpora
def test_update_on_a_real_corpus_refuses_to_lower_a_floor_without_a_reason(
    corpora_root, tmp_path, capsys
):
    # pin readability_tests (its 46 dev pages, declutter run for real) in a temporary
    # floors file, then pretend an earlier model did better on text F1
    floors, saved = tmp_path / "floors.json", tmp_path / "measurement.json"
    assert run_gate("update", "--corpora", corpora_root, "--floors", floors, "--only",
                    "readability_tests", "--save-measurement", saved) == 0  # fmt: skip
    doc = json.loads(floors.read_text())
    pinned = doc["corpora"]["readability_tests"]
    assert pinned["pages"] == pinned["dev_pages"] == 46  # too few pages to reach +-0.01
    assert run_gate("check", "--floors", floors, "--measurement", saved) == 0
    text_f1 = pinned["floors"][gate.TEXT_F1]
    assert text_f1["floor"] < text_f1["score"] <= 1
    text_f1["floor"] = round(text_f1["score"] + 0.01, 4)
    floors.write_text(json.dumps(doc))
    before = floors.read_text()
    capsys.readouterr()
    # the same model on the same pages now scores below that floor: check fails, update
    # refuses to lower it without a reason and leaves the file as it was
    assert run_gate("check", "--floors", floors, "--measurement", saved) == 1
    assert f"{gate.TEXT_F1} on readability_tests: score" in capsys.readouterr().err
    assert run_gate("update", "--floors", floors, "--only", "readability_tests",
                    "--measurement", saved) == 1  # fmt: skip
    assert f"refusing to lower {gate.TEXT_F1} on readability_tests" in capsys.readouterr().err
    assert floors.read_text() == before
    assert run_gate("update", "--floors", floors, "--only", "readability_tests",
                    "--measurement", saved, "--lower", "the test's made-up floor") == 0  # fmt: skip
    record = json.loads(floors.read_text())["corpora"]["readability_tests"]["floors"][gate.TEXT_F1][
        "lowered"
    ]
    assert [r["reason"] for r in record] == ["the test's made-up floor"]


def test_the_gate_says_when_it_cannot_run(tmp_path, capsys):
    floors = tmp_path / "floors.json"
    measured = write_measurement(tmp_path / "m.json", {"dragnet": made_up_pages(10, steady)})
    run_gate("update", "--floors", floors, "--measurement", measured)
    capsys.readouterr()
    assert run_gate("check", "--floors", floors, "--corpora", tmp_path / "no-corpora") == 2
    assert "pass --corpora PATH" in capsys.readouterr().err
    assert run_gate("check", "--floors", floors, "--measurement", measured, "--only",
                    "cleaneval") == 2  # fmt: skip
