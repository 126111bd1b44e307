"""The context pass's features: what they say about a line, and that a batch cannot sway them."""

from __future__ import annotations

import numpy as np
import pytest

from declutter.context import _region_columns, context_matrix
from declutter.core import prepare

ARTICLE = (
    "Home | News | Sport\n"
    "The council approved the new budget on Tuesday after a long debate.\n"
    "Advertisement\n"
    "Spending on schools rises by four per cent, and road repairs get more money too.\n"
    "Read more: Ten things to do this weekend\n"
    "Share this article"
)


def _region(lengths: list[float], logits: list[float]) -> np.ndarray:
    n = len(lengths)
    return _region_columns(
        np.zeros(n, dtype=np.int64),
        np.asarray(logits, dtype=float),
        np.asarray(lengths, dtype=float),
        np.arange(n),
        np.ones(n, dtype=bool),
    )


def test_region_shares_add_up_and_point_at_the_article() -> None:
    # Two long content-like lines in the middle, short insert-like lines around them.
    region = _region([20, 300, 15, 280, 40, 18], [4, -4, 3, -4, 4, 5])
    before, after, own = region.T
    assert np.allclose(before + after + own, 1.0)
    assert before[0] == 0 and after[-1] == 0
    assert np.all(np.diff(before) >= 0) and np.all(np.diff(after) <= 0)
    # The advert between the two paragraphs has article on both sides; the teaser after
    # the last paragraph has (almost) nothing after it.
    assert before[2] > 0.4 and after[2] > 0.4
    assert after[4] < 0.01
    # Most of the content-like mass is on the two paragraphs themselves.
    assert own[1] + own[3] > 0.95


def test_region_columns_of_a_document_without_content_are_zero() -> None:
    region = _region([10, 10], [50, 50])  # certain inserts: no content-like characters
    assert np.array_equal(region, np.zeros((2, 3)))


@pytest.mark.parametrize("position", [0, 1, 2])
def test_a_documents_context_rows_do_not_depend_on_its_batch(position: int) -> None:
    """clean_many must give what clean gives: context rows of a document are exact alike
    whether it is scored alone or beside other documents (before, after or between)."""
    others = ["Short note.\nSubscribe now", "A\nB\nC\nD\nE\nF\nG\nH\nI\nJ\nK\nL\nM\nN\nO"]
    texts = [*others[:position], ARTICLE, *others[position:]]
    batch = [u for number, text in enumerate(texts) for u in prepare(text, doc=number).units]
    alone = list(prepare(ARTICLE).units)
    rng = np.random.default_rng(0)
    logits = rng.normal(0, 3, len(batch))
    dense = rng.normal(0, 1, (len(batch), 30))
    rows = [i for i, u in enumerate(batch) if u.doc == position]
    together = context_matrix(batch, logits, dense)[rows]
    single = context_matrix(alone, logits[rows], dense[rows])
    assert np.array_equal(together, single)


def test_the_context_width_constant_is_the_matrix_width() -> None:
    """Model loading checks the first layer of each network against this constant."""
    from declutter.context import N_CONTEXT_COLUMNS
    from declutter.features import extract

    units = prepare(ARTICLE).units
    dense = extract(units, 12)[1]
    assert context_matrix(units, np.zeros(len(units)), dense).shape == (
        len(units),
        N_CONTEXT_COLUMNS,
    )


GLUED = "Download a free sampleThe regulator also said it would publish its terms next month."
BEFORE = "Spending on schools rises by four per cent this year, the council said on Monday."


@pytest.mark.parametrize("page", [True, False])
def test_a_page_piece_sees_its_block_score_only_where_the_block_reads_as_content(
    page: bool,
) -> None:
    from declutter.core import prepare_html
    from declutter.features import extract

    if page:
        doc = prepare_html(f"<html><body><p>{BEFORE}</p><p>{GLUED}</p></body></html>".encode())
    else:
        doc = prepare(f"{BEFORE}\n{GLUED}")
    units = doc.units
    texts = [unit.text for unit in units]
    button, article = texts.index("Download a free sample"), texts.index(GLUED[22:])
    logits = np.full(len(units), -4.0)
    logits[texts.index(GLUED)] = 4.0  # the block reads as its button
    logits[button], logits[article] = 8.0, -2.0
    _, dense = extract(units, 10)
    line_column = context_matrix(units, logits, dense)[:, 1]
    # the button piece sees its block's score either way (the block is lower than it)
    assert line_column[button] == pytest.approx(0.5)
    # the article piece: in a page the block's insert score is not held against it
    assert line_column[article] == pytest.approx(-0.25 if page else 0.5)


PAGE = (
    "<html><body><div class='entry-content'>"
    "<p>The quay opens in May, the council said on Monday after a long vote.</p>"
    "<p>Work on the second pier starts next year, when the port's money arrives.</p>"
    "<p>Photo: council</p></div>"
    "<div class='sidebar widget'><p>Subscribe to our newsletter for more stories like this.</p>"
    "</div></body></html>"
)


def _sibling_column(units: list, logits: np.ndarray) -> np.ndarray:
    from declutter.context import N_CONTEXT_COLUMNS
    from declutter.features import N_DENSE, extract

    _, dense = extract(units, 10)
    # the column sits just before the unit's own shallow features
    return context_matrix(units, logits, dense)[:, N_CONTEXT_COLUMNS - N_DENSE - 1]


def test_a_page_block_sees_how_much_of_the_pages_content_shares_its_markup() -> None:
    from declutter.core import prepare_html

    units = list(prepare_html(PAGE).units)
    texts = [u.text for u in units]
    assert not any(u.piece for u in units)  # one sentence a block: lines only
    first = texts.index("The quay opens in May, the council said on Monday after a long vote.")
    second = texts.index("Work on the second pier starts next year, when the port's money arrives.")
    caption = texts.index("Photo: council")
    widget = texts.index("Subscribe to our newsletter for more stories like this.")
    column = _sibling_column(units, np.full(len(units), -8.0))  # all content-like
    chars = np.array([len(t) for t in texts], dtype=float)
    # the caption keeps company with both paragraphs; the widget with nothing
    assert column[caption] == pytest.approx((chars[first] + chars[second]) / chars.sum(), 1e-3)
    assert column[widget] == 0.0
    # each paragraph counts the others in its container, never itself
    assert column[first] == pytest.approx((chars[second] + chars[caption]) / chars.sum(), 1e-3)
    # a container pass one calls boilerplate lends no support
    insert_like = np.full(len(units), -8.0)
    insert_like[[first, second]] = 8.0
    assert _sibling_column(units, insert_like)[caption] < 0.01


def test_the_sibling_column_is_zero_in_plain_text_and_free_of_the_batch() -> None:
    from declutter.core import prepare_html

    assert not _sibling_column(list(prepare(ARTICLE).units), np.zeros(6)).any()
    other = (
        "<html><body><div class='entry-content'><p>Another page's story.</p></div></body></html>"
    )
    alone = list(prepare_html(PAGE).units)
    batch = [*prepare_html(other, doc=0).units, *prepare_html(PAGE, doc=1).units]
    rows = [i for i, u in enumerate(batch) if u.doc == 1]
    logits = np.random.default_rng(1).normal(0, 3, len(batch))
    together = _sibling_column(batch, logits)[rows]
    assert np.array_equal(together, _sibling_column(alone, logits[rows]))
