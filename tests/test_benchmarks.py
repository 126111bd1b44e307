"""Tests of the benchmark code: metrics by hand, the report, and a small real run.

The metric expectations are computed by hand in the comments, so a change in tokenising or
averaging shows up here before it silently moves every number in the report.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks import evalsets, metrics, peers, report, tasks  # noqa: E402
from benchmarks.evalsets import wrap_as_html  # noqa: E402
from benchmarks.metrics import (  # noqa: E402
    LabelledSpan,
    Overlap,
    ScoredSpan,
    SnippetCounts,
    mean_prf,
    overlaps,
    paragraph_rates,
    shingle_prf,
    snippet_counts,
)
from declutter.training.corpora import Page  # noqa: E402

# --------------------------------------------------------------------------- shingle metric


def test_tokenize_drops_punctuation_and_keeps_case():
    assert metrics.tokenize("Hello, world! It's 2024.") == ["Hello", "world", "It", "s", "2024"]


def test_identical_texts_score_one():
    text = "The council approved the budget on Monday after a long debate."
    assert shingle_prf(text, text) == metrics.PRF(1.0, 1.0, 1.0)


def test_missing_tail_lowers_recall_only():
    # gold: 6 tokens -> shingles abcd, bcde, cdef; prediction: abcd, bcde -> P 1, R 2/3
    score = shingle_prf("a b c d e", "a b c d e f")
    assert score.precision == 1.0
    assert score.recall == pytest.approx(2 / 3)
    assert score.f1 == pytest.approx(0.8)


def test_extra_text_lowers_precision_only():
    # prediction adds "x y" after the gold: shingles abcd, bcdx, cdxy -> 1 of 3 in the gold
    score = shingle_prf("a b c d x y", "a b c d")
    assert score.recall == 1.0
    assert score.precision == pytest.approx(1 / 3)


def test_shingles_are_a_multiset():
    # gold "x y z w" twice has 5 shingles, xyzw twice; one copy in the prediction finds 1 of 5
    score = shingle_prf("x y z w", "x y z w x y z w")
    assert score.precision == 1.0
    assert score.recall == pytest.approx(1 / 5)


def test_short_texts_are_one_whole_shingle():
    assert shingle_prf("Breaking news", "Breaking news").f1 == 1.0
    assert shingle_prf("Breaking news today", "Breaking news").f1 == 0.0


@pytest.mark.parametrize(
    ("prediction", "gold", "expected"),
    [
        ("", "", (1.0, 1.0, 1.0)),  # nothing to find, nothing returned
        ("", "one two three four five", (0.0, 0.0, 0.0)),  # empty answer earns nothing
        ("one two three four five", "", (0.0, 1.0, 0.0)),  # everything returned is junk
        ("  \n ", "  ", (1.0, 1.0, 1.0)),  # whitespace only is empty
    ],
)
def test_shingle_edge_cases(prediction, gold, expected):
    score = shingle_prf(prediction, gold)
    assert (score.precision, score.recall, score.f1) == expected


def test_mean_prf_averages_per_document_f1():
    # F1s 2/3 and 0 average to 1/3, not to the F1 of the mean P (0.5) and mean R (0.25)
    mean = mean_prf([metrics.PRF(1.0, 0.5, 2 / 3), metrics.PRF(0.0, 0.0, 0.0)])
    assert mean.f1 == pytest.approx(1 / 3)
    assert mean.precision == pytest.approx(0.5)


def test_mean_prf_refuses_no_documents():
    with pytest.raises(ValueError, match="no documents"):
        mean_prf([])


# --------------------------------------------------------------------------- snippets


def test_snippets_match_after_whitespace_normalisation():
    counts = snippet_counts(
        "The  quick\nbrown fox jumps.\n\nImpressum",
        with_snippets=["quick brown", "lazy dog"],
        without_snippets=["Impressum", "Cookie settings"],
    )
    assert counts == SnippetCounts(tp=1, fn=1, fp=1, tn=1)
    assert (counts.precision, counts.recall, counts.accuracy, counts.f1) == (0.5, 0.5, 0.5, 0.5)


def test_empty_snippets_are_ignored():
    assert snippet_counts("anything", ["", "  "], [" "]) == SnippetCounts()


def test_snippet_counts_add_and_have_safe_zero_rates():
    total = SnippetCounts(1, 2, 0, 3) + SnippetCounts(1, 0, 2, 0)
    assert total == SnippetCounts(2, 2, 2, 3)
    assert SnippetCounts().precision == 0.0
    assert SnippetCounts().f1 == 0.0


# --------------------------------------------------------------------------- paragraphs

TEXT = "Rates rose.\n\nBuy now!\n\nWages grew."
# "Rates rose." = 0..11 (10 visible chars), "Buy now!" = 13..21 (7), "Wages grew." = 23..34 (10)
PARAGRAPHS = [
    LabelledSpan(0, 11, "content"),
    LabelledSpan(13, 21, "insert"),
    LabelledSpan(23, 34, "content"),
]


def test_paragraph_rates_weight_characters():
    segments = [ScoredSpan(0, 11, 0.1), ScoredSpan(13, 21, 0.9), ScoredSpan(23, 34, 0.6)]
    found = overlaps(TEXT, PARAGRAPHS, segments)
    at_half = paragraph_rates(found, 0.5)
    # removed: the insert (7 chars) and "Wages grew." (10 content chars)
    assert at_half.content_recall == pytest.approx(10 / 20)
    assert at_half.insert_removal == 1.0
    assert at_half.insert_precision == pytest.approx(7 / 17)
    at_high = paragraph_rates(found, 0.95)
    assert (at_high.content_recall, at_high.insert_removal) == (1.0, 0.0)


def test_partial_removal_gives_partial_credit():
    # "Rates " kept, "rose." removed: 5 of 10 visible content chars kept
    segments = [ScoredSpan(0, 5, 0.0), ScoredSpan(6, 11, 1.0), ScoredSpan(13, 21, 0.0)]
    rates = paragraph_rates(overlaps(TEXT, PARAGRAPHS[:2], segments), 0.5)
    assert rates.content_recall == pytest.approx(5 / 10)
    assert rates.insert_removal == 0.0


def test_unlabelled_paragraphs_are_not_scored():
    spans = [LabelledSpan(0, 11, None), LabelledSpan(13, 21, "insert")]
    found = overlaps(TEXT, spans, [ScoredSpan(0, 11, 1.0), ScoredSpan(13, 21, 1.0)])
    assert [o.label for o in found] == ["insert"]


def test_threshold_curve_content_recall_never_falls_as_threshold_rises():
    found = [Overlap("content", s, 10) for s in (0.1, 0.5, 0.8)] + [Overlap("insert", 0.7, 5)]
    curve = metrics.threshold_curve(found, [0.2, 0.6, 0.9])
    recalls = [rates.content_recall for _, rates in curve]
    assert recalls == pytest.approx([1 / 3, 2 / 3, 1.0])


def test_percentile_interpolates():
    assert metrics.percentile([4, 1, 3, 2], 0.5) == 2.5
    assert metrics.percentile([1, 2, 3, 4], 0.95) == pytest.approx(3.85)


# --------------------------------------------------------------------------- scoring pages


def _page(corpus, page_id, gold=None, with_=(), without=()):
    return Page(corpus, page_id, "example.org", b"<p>x</p>", gold, tuple(with_), tuple(without))


def test_score_pages_uses_shingles_for_gold_text():
    pages = [_page("dragnet", "a", "one two three four five"), _page("dragnet", "b", "six")]
    score = tasks.score_pages(pages, {"dragnet:a": "one two three four five"})
    assert score["metric"] == "shingles"
    assert score["f1"] == pytest.approx(0.5)  # page b has no output: F1 0


def test_score_pages_counts_snippets_over_pages():
    pages = [
        _page("trafilatura_eval", "a", with_=["main text"], without=["menu"]),
        _page("trafilatura_eval", "b", with_=["more text"], without=["footer"]),
    ]
    outputs = {"trafilatura_eval:a": "main text menu", "trafilatura_eval:b": "nothing"}
    score = tasks.score_pages(pages, outputs)
    assert (score["tp"], score["fn"], score["fp"], score["tn"]) == (1, 1, 1, 1)


def test_timing_summary_and_ratio():
    run = {"seconds": {"a": 0.01, "b": 0.03}, "peak_rss_mb": 5.0}
    summary = tasks.timing_summary(run)
    assert summary["median_ms"] == pytest.approx(20.0)
    assert summary["docs_per_second"] == pytest.approx(50.0)
    assert tasks.median_ratio({"a": 2.0, "b": 1.0}, {"a": 1.0, "b": 1.0}) == 1.5


# --------------------------------------------------------------------------- peers helpers


def test_visible_text_keeps_paragraph_breaks():
    html = "<div><p>First para.</p><p>Second <b>bold</b> para.</p><script>x=1</script></div>"
    assert peers.visible_text(html) == "First para.\nSecond bold para."


def test_justext_stoplist_follows_page_language():
    assert peers.justext_stoplist_name('<html lang="de-DE"><body></body></html>') == "German"
    assert peers.justext_stoplist_name("<html><body></body></html>") == "English"


def test_wrapped_html_escapes_text_and_keeps_language():
    page = wrap_as_html(["Fish & chips <3", "Second"], lang="en")
    assert '<html lang="en">' in page
    assert "<p>Fish &amp; chips &lt;3</p>" in page
    assert page.count("<p>") == 2


def test_c4_peer_applies_the_line_rules_only():
    pytest.importorskip("datatrove")
    extract = peers.load_peer("c4")
    lines = [
        "Home",  # no terminal punctuation
        "The council approved the budget on Monday after a long debate.",
        "Great read!",  # two words
        "Please enable JavaScript to see the comments.",
        "This site uses cookies to improve your experience.",
        "Lorem ipsum dolor sit amet, the placeholder stays a line.",  # a page rule: off
        "The vote [1] was close, {said} the clerk.",  # citation cut; a curly bracket: off
        "To be continued...",  # an ellipsis is no sentence end
    ]
    kept = extract(wrap_as_html(lines, "en")).splitlines()
    assert kept == [
        "The council approved the budget on Monday after a long debate.",
        "Lorem ipsum dolor sit amet, the placeholder stays a line.",
        "The vote  was close, {said} the clerk.",
    ]
    assert extract(wrap_as_html(["Home", "Menu"], "en")) == ""  # nothing kept, no page dropped


def test_c4_runs_in_the_text_task_only():
    assert peers.runs_in("c4", "text") and not peers.runs_in("c4", "page")
    assert all(peers.runs_in(name, "page") for name in peers.PEERS if name != "c4")


def test_unknown_peer_is_refused_with_the_choices():
    with pytest.raises(KeyError, match="trafilatura"):
        peers.available_peers(["no-such-tool"])


def test_asking_for_declutter_alone_runs_no_peer():
    from benchmarks.run import choose_tools

    assert choose_tools("declutter", lambda message: None) == ["declutter"]
    assert peers.available_peers([]) == ([], [])


def test_peer_exception_counts_as_empty_output():
    # an int is not HTML: the keep-everything peer raises, the worker records it and goes on
    run = tasks.run_tool("keep-everything", [("bad", 12345), ("good", "<p>Hello there</p>")])
    assert run["outputs"]["bad"] == ""
    assert "bad" in run["errors"]
    assert "Hello there" in run["outputs"]["good"]


# --------------------------------------------------------------------------- report


def _fake_results():
    def entry(f1s):
        return {
            "version": "1", "errors": 0, "failed": None, "error_examples": {},
            "timing": {"documents": 2, "median_ms": 5.0},
            "corpora": {c: {"metric": "shingles", "precision": f, "recall": f, "f1": f}
                        for c, f in f1s.items()},
        }  # fmt: skip

    return {
        "corpora": ["scrapinghub_aeb", "dragnet", "cleaneval"],
        "seen_in_training": ["scrapinghub_aeb"],
        "page": {
            "declutter": entry({"scrapinghub_aeb": 0.9, "dragnet": 0.6, "cleaneval": 0.8}),
            "trafilatura": entry({"scrapinghub_aeb": 0.5, "dragnet": 0.5, "cleaneval": 0.5}),
        },
        "text": {},
        "post": {},
    }


def test_report_keeps_the_newer_corpora_in_columns_of_their_own():
    results = _fake_results()
    results["corpora"] += ["readability_tests", "postlight_fixtures"]
    results["newer_corpora"] = ["readability_tests", "postlight_fixtures"]
    for entry, f1s in zip(results["page"].values(), ((0.4, 0.6), (0.9, 0.7)), strict=True):
        for corpus, f1 in zip(results["newer_corpora"], f1s, strict=True):
            entry["corpora"][corpus] = {"metric": "shingles", "precision": f1, "recall": f1,
                                        "f1": f1}  # fmt: skip
    header, _, ours, _ = report.f1_table(results, "page").splitlines()
    assert [c.strip() for c in header.strip("|").split("|")][4:9] == [
        "macro (all)", "macro (unseen)", "newer: readability_tests‡", "newer: postlight_fixtures",
        "macro (newer)",
    ]  # fmt: skip
    cells = [c.strip() for c in ours.strip("|").split("|")]
    assert cells[4:9] == ["0.767", "0.700", "0.400", "0.600", "0.500"]  # older macros unmoved


def test_report_says_which_part_of_the_corpora_it_ran_on():
    results = {**_fake_results(), "split": "test", "meta": {"command": "x"}}
    assert "- split: **test**: the **test part**" in report.header_section(results)
    assert "(F1, test part)" in report.render(results)
    old_run = report.header_section(_fake_results())
    assert "run made before the corpora had dev and test parts" in old_run


@pytest.mark.parametrize(
    ("quick", "split", "names"),
    [
        (False, "dev", ("full.json", "report.md", "")),
        (False, "test", ("full-test.json", "report-test.md", "-test")),
        (True, "dev", ("quick.json", "report-quick.md", "-quick")),
        (True, "all", ("quick-all.json", "report-quick-all.md", "-quick-all")),
        (False, None, ("full.json", "report.md", "")),  # results made before the split
    ],
)
def test_test_part_results_never_overwrite_the_dev_ones(quick, split, names):
    assert report.output_names(quick, split) == names


def test_run_reads_the_dev_part_unless_told():
    from benchmarks.run import parse_args

    assert parse_args([]).split == "dev"
    assert parse_args(["--split", "test"]).split == "test"
    assert parse_args([]).only.split(",") == list(evalsets.DEFAULT_CORPORA)
    with pytest.raises(SystemExit):
        parse_args(["--split", "train"])


def test_report_marks_seen_corpora_and_averages_unseen_ones():
    table = report.f1_table(_fake_results(), "page")
    assert "scrapinghub_aeb†" in table
    declutter_row = next(line for line in table.splitlines() if "declutter" in line)
    cells = [c.strip() for c in declutter_row.strip("|").split("|")]
    assert cells[4] == "0.767"  # macro over all three
    assert cells[5] == "0.700"  # macro over dragnet and cleaneval only


# --------------------------------------------------------------------------- smoke


@pytest.fixture(scope="module")
def corpora_root():
    from declutter.training.corpora import default_corpora_root

    root = default_corpora_root()
    if root is None or not (root / "dragnet").is_dir():
        pytest.skip("../shared/corpora not found: set $DECLUTTER_CORPORA to run the smoke test")
    return root


def test_quick_smoke_on_three_dragnet_pages(corpora_root):
    from benchmarks import run

    results = run.run_benchmark(
        corpora_root, ["dragnet"], 3, ["declutter", "keep-everything"],
        log=lambda message: None, speed=False,
    )  # fmt: skip
    page = results["page"]
    ours, everything = page["declutter"]["corpora"]["dragnet"], page["keep-everything"]["corpora"]
    for score in (ours, everything["dragnet"]):
        assert 0.0 <= score["f1"] <= 1.0
    # keeping every word can only find more of the gold than any selection of it
    assert everything["dragnet"]["recall"] >= ours["recall"] - 0.02
    text = results["text"]
    assert text["keep-everything"]["paragraphs"]["dragnet"]["content_recall"] == 1.0
    assert 0.0 <= text["declutter"]["paragraphs"]["dragnet"]["content_recall"] <= 1.0
    assert results["pages"] == {"dragnet": 3}
    assert len(results["subset_sha256"]) == 64
    assert set(results["post"]) == {"keep-everything"}
    assert results["page"]["declutter"]["errors"] == 0


def test_a_run_on_the_test_part_of_a_made_up_corpus(tmp_path):
    sys.path.insert(0, str(REPO / "tests"))
    from synthetic_corpora import postlight_pages, write_article_body_corpus

    from benchmarks import run
    from declutter.training.corpora import split_parts

    write_article_body_corpus(tmp_path, "postlight_fixtures", postlight_pages(12))
    c4 = run.peers.available_peers(["c4"])[0]  # [] without datatrove (a plain dev install)
    results = run.run_benchmark(
        tmp_path, ["postlight_fixtures"], None, ["declutter", *c4],
        log=lambda message: None, speed=False, split="test",
    )  # fmt: skip
    test_part = [i for i, part in split_parts("postlight_fixtures", tmp_path).items()
                 if part == "test"]  # fmt: skip
    assert results["split"] == "test"
    assert results["pages"] == {"postlight_fixtures": len(test_part)}
    assert results["newer_corpora"] == ["postlight_fixtures"]
    assert set(results["page"]) == {"declutter"}  # c4 is a text-task peer
    if "c4" in results["text"]:  # datatrove installed
        c4 = results["text"]["c4"]["paragraphs"]["postlight_fixtures"]
        assert c4["content_recall"] == 1.0  # the article's sentences end in full stops
        # the menu goes; the newsletter sign-up and the copyright line are whole sentences
        assert 0.1 < c4["insert_removal"] < 0.5
    assert "newer: postlight_fixtures" in report.render(results)


# --------------------------------------------------------------------------- tradeoff.py


def test_a_block_counts_as_removed_up_to_the_score_that_takes_most_of_its_characters() -> None:
    from benchmarks.tradeoff import block_score

    # 6 characters at 0.9, 5 at 0.4: at t <= 0.4 all 11 go; at 0.4 < t <= 0.9 only 6 of 11
    # (more than half), so the block is removed up to 0.9
    assert block_score([Overlap("content", 0.4, 5), Overlap("content", 0.9, 6)]) == 0.9
    # 5 at 0.9 and 6 at 0.4: 5 of 11 is not more than half; it takes 0.4 to remove it
    assert block_score([Overlap("content", 0.9, 5), Overlap("content", 0.4, 6)]) == 0.4
    assert block_score([]) == 0.0


def test_rates_and_the_threshold_that_first_reaches_a_content_target() -> None:
    import argparse

    import numpy as np

    from benchmarks.tradeoff import _thresholds, at_target, rates

    blocks = {
        "insert": np.array([True, True, False, False]),
        "chars": np.array([10, 10, 90, 10]),
        "score": np.array([0.95, 0.5, 0.2, 0.7]),
    }
    # at 0.6: inserts 1 of 2 removed; content: the 10-char block (0.7) removed, 90 of 100 kept
    assert rates(blocks, 0.6) == (0.9, 0.5, 0.5)
    assert rates(blocks, 1.0) == (1.0, 1.0, 0.0)
    # content characters kept reach 0.95 first above 0.7 (0.705 on the 0.005 grid)
    t, kept_chars, kept_blocks, removed = at_target(blocks, 0.95)
    assert (t, kept_chars, kept_blocks, removed) == (0.705, 1.0, 1.0, 0.5)
    assert _thresholds("0.9,0.95") == (0.9, 0.95)
    for bad in ("0.9;1", "0,0.5", "1.5"):
        with pytest.raises(argparse.ArgumentTypeError, match=r"comma-separated|must lie"):
            _thresholds(bad)


# --------------------------------------------------------------------------- kinds.py


def test_kind_accuracy_counts_matches_and_sets_aside_content_and_segments_now_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from benchmarks import kinds

    def removed(corpus, root, model, ids=None):
        yield {"page": "p1", "start": 0, "end": 4, "text": "Home", "predicted": "navigation"}
        yield {"page": "p1", "start": 5, "end": 12, "text": "Related", "predicted": "other"}
        yield {"page": "p2", "start": 0, "end": 5, "text": "Other", "predicted": "legal"}

    monkeypatch.setattr(kinds, "removed_segments", removed)

    def label(page: str, start: int, end: int, text: str, kind: str) -> dict:
        return {"corpus": "c", "page": page, "start": start, "end": end,
                "text_sha": kinds.text_sha(text), "label": kind}  # fmt: skip

    labels = [
        label("p1", 0, 4, "Home", "navigation"),  # right
        label("p1", 5, 12, "Related", "related"),  # wrong: named other
        label("p2", 0, 5, "Changed", "legal"),  # the text at those offsets changed: not judged
        label("p3", 0, 3, "Gone", "social"),  # no longer removed
        label("p1", 20, 30, "A real paragraph", "content"),  # a removed real paragraph
    ]
    report = kinds.score(labels, Path("."), model=None)
    assert (report["judged"], report["accuracy"]) == (2, 0.5)
    assert (report["labelled_content"], report["no_longer_removed"]) == (1, 2)
    assert report["per_kind"] == {"navigation": [1, 1], "related": [0, 1]}
    assert report["confusion"]["related -> other"] == 1
