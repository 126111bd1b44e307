"""The threshold means what it says: a segment is removed exactly when its score is at or
above the threshold that was applied, at every threshold, for text and for pages."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import declutter
from declutter.model import CARD_FILE, default_model_dir, load_model
from declutter.training.data import read_jsonl
from declutter.training.evaluation import clean_labelled

ROOT = Path(__file__).resolve().parent.parent
TEXTS = [  # the first 40 whole documents (the file also holds inserts cut off their ends)
    doc.render()[0]
    for doc in list(read_jsonl(ROOT / "training_data" / "test.jsonl"))
    if "trailing_insert_of" not in doc.meta
][:40]
PAGES = [
    path.read_bytes()
    for path in sorted((ROOT / "training_data/authoring/pages").glob("*.html"))[:4]
]


def disagreements(result: declutter.Cleaned) -> list[tuple[str, float, bool]]:
    return [
        (s.text[:40], s.score, s.removed)
        for s in result.segments
        if s.removed != (s.score >= result.threshold)
    ]


@settings(max_examples=12, deadline=None)
@given(threshold=st.floats(min_value=0.0, max_value=1.0))
def test_every_text_segment_is_removed_exactly_at_or_above_the_threshold(threshold) -> None:
    for result in declutter.clean_many(TEXTS, threshold=threshold):
        assert result.threshold == threshold
        assert disagreements(result) == []


@pytest.mark.parametrize("threshold", [None, 0.5, 0.9, 0.97])
def test_every_page_segment_is_removed_exactly_at_or_above_the_threshold(threshold) -> None:
    for result in declutter.clean_html_many(PAGES, threshold=threshold):
        assert disagreements(result) == []


def test_a_line_kept_for_its_content_like_piece_reports_that_pieces_score() -> None:
    """A line whose own score reaches the threshold, kept whole because one of its edge
    pieces reads as content, reports the lower score (it would contradict its decision)."""
    checked = 0
    for text in TEXTS:
        result = declutter.clean(text, threshold=0.3)
        for segment in result.kept:
            assert segment.score < 0.3
            checked += 1
    assert checked > 100


@pytest.mark.parametrize("threshold", [0.2, 0.5, 0.8])
def test_an_edge_piece_at_or_above_the_threshold_is_never_left_in_a_kept_line(threshold) -> None:
    """Pieces answer to the caller's threshold as lines do: a glued "By AcmeData" that
    reaches it is cut off the line it opens, whatever the model's own threshold (pieces had
    a stricter threshold of their own until 2026-12-04, so such a piece could stay)."""
    import numpy as np

    from declutter.core import SCORE_DECIMALS, decide, prepare, score_units

    docs = [prepare(text) for text in TEXTS]
    checked = 0
    for doc, (scores, _) in zip(docs, score_units(declutter.load_model(), docs)):
        scores = np.round(scores, SCORE_DECIMALS)
        removed = set(decide(doc, scores, threshold)[1])
        row = 0
        for edges, n_pieces in zip(doc.edges, doc.piece_counts):
            if edges and row not in removed:  # a kept line of several pieces
                units = {position: row + 1 + k for k, (position, _) in enumerate(edges)}
                first, last = units.get(0), units.get(n_pieces - 1)
                # a line whose every piece is an edge piece keeps its lowest-scoring one
                stays = (
                    min(units.values(), key=lambda u: scores[u]) if len(units) == n_pieces else None
                )
                if first is not None and first != stays and scores[first] >= threshold:
                    assert first in removed
                    checked += 1
                # the last piece too, unless it is the one that stays, or every other piece
                # went: some of a kept line stays
                others_cut = sum(unit in removed for unit in units.values()) == n_pieces - 1
                if last not in (None, stays) and scores[last] >= threshold and not others_cut:
                    assert last in removed
                    checked += 1
            row += 1 + len(edges)
    assert checked > 0  # the documents hold glued pieces that reach these thresholds


GLUED = (
    "The council approved the new budget on Monday after a six-hour debate. Advertisement\n\n"
    "Read more: Budget row. The mayor said the vote was close. By AcmeDataIn May, rents rose."
)


@settings(max_examples=60, deadline=None, database=None)
@given(
    scores=st.lists(st.floats(0.0, 1.0), min_size=16, max_size=16),
    thresholds=st.tuples(st.floats(0.0, 1.0), st.floats(0.0, 1.0)).map(sorted),
)
def test_a_higher_threshold_never_removes_what_a_lower_one_keeps(scores, thresholds) -> None:
    """Whatever the scores of a line and its pieces, a character removed at a threshold is
    removed at every lower one: the decision is monotone in the threshold (until
    2026-12-05 a line whose pieces all reached a low threshold kept its last piece, and
    the property test of whole texts found "Advertisement" kept at 0.5, removed at 0.95)."""
    import numpy as np

    from declutter.core import decide, prepare

    doc = prepare(GLUED)
    assert len(doc.units) <= len(scores) and any(doc.edges)
    values = np.array(scores[: len(doc.units)])
    low, high = thresholds

    def removed_chars(threshold: float) -> set[int]:
        parts, _ = decide(doc, values, threshold)
        return {i for part in parts if part.removed for i in range(*part.span)}

    assert removed_chars(high) <= removed_chars(low)


def test_a_line_whose_pieces_all_reach_the_threshold_keeps_its_most_content_like_piece() -> None:
    import numpy as np

    from declutter.core import decide, prepare

    doc = prepare(GLUED.split("\n")[0])
    assert doc.piece_counts == (2,)
    scores = np.array([0.2, 0.76, 0.99])  # the line, "The council...", "Advertisement"
    for threshold in (0.5, 0.95):
        parts, _ = decide(doc, scores, threshold)
        assert [(GLUED[slice(*p.span)][:12], p.removed) for p in parts] == [
            ("The council ", False),
            ("Advertisemen", True),
        ]


@pytest.fixture(scope="module")
def one_line_model(tmp_path_factory: pytest.TempPathFactory) -> declutter.Model:
    """The shipped model with its one-line threshold set far from its text threshold."""
    directory = tmp_path_factory.mktemp("model") / "one-line"
    shutil.copytree(default_model_dir(), directory)
    card = json.loads((directory / CARD_FILE).read_text())
    card["threshold"], card["one_line_threshold"] = 0.99, 0.2
    (directory / CARD_FILE).write_text(json.dumps(card))
    return load_model(directory)


LINES = [doc.render()[0] for doc in read_jsonl(ROOT / "training_data" / "test_single.jsonl")][:30]


def test_a_one_line_document_is_judged_at_the_models_one_line_threshold(one_line_model) -> None:
    """Plain text of one line gets the card's one-line threshold, longer text the text
    threshold, in ``clean``, ``clean_many`` and ``evaluate`` alike; a threshold the caller
    gives wins for both; pages keep the page threshold."""
    model = one_line_model
    assert all("\n" not in line.strip() for line in LINES)
    alone = [declutter.clean(line, model=model) for line in LINES]
    assert {r.threshold for r in alone} == {0.2}
    assert all(disagreements(r) == [] for r in alone)
    assert list(declutter.clean_many(LINES, model=model)) == alone
    assert {r.threshold for r in declutter.clean_many(TEXTS[:5], model=model)} == {0.99}
    two_lines = declutter.clean(LINES[0] + "\n\n" + LINES[1], model=model)
    assert two_lines.threshold == 0.99
    assert {declutter.clean(line, model=model, threshold=0.6).threshold for line in LINES} == {0.6}
    assert declutter.clean_html(b"<p>One paragraph alone.</p>", model=model).threshold == (
        model.html_threshold
    )
    docs = list(read_jsonl(ROOT / "training_data" / "test_single.jsonl"))[:30]
    assert [r.threshold for r in clean_labelled(model, docs)] == [0.2] * 30
