"""The model sees whether a piece cut off a line reads as a byline, and only for pieces."""

from __future__ import annotations

import pytest

from declutter.byline_cut import reads_as_byline
from declutter.core import prepare
from declutter.features import position_block


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Präsentiert von Luftfahrt Monitor", True),
        ("By AcmeData", True),
        ("Avec le soutien de Peloton Stats", True),
        ("Powered by WordPress.com VIP", True),
        ("By the same token, enemies don't care", False),  # a sentence that opens with "By"
        ("By Ela on 31. October, 2023", False),  # a comment's byline line, words in lower case
        ("Sponsored by the Harbour Authority of Greater Northfield and its partners", False),
        ("Amira Sander lief die zehn Kilometer", False),
    ],
)
def test_a_byline_is_a_byline_word_then_capitalised_words_only(text: str, expected: bool) -> None:
    assert reads_as_byline(text) is expected


BYLINE_COLUMN = 1


def _byline_column(text: str) -> dict[str, float]:
    units = prepare(text).units
    column = position_block(units)[:, BYLINE_COLUMN]
    return {unit.text: float(value) for unit, value in zip(units, column, strict=True)}


def test_the_byline_piece_of_a_glued_line_is_marked_and_nothing_else() -> None:
    line = (
        "Präsentiert von Luftfahrt MonitorEuroWings Süd streicht im Winter 400 Flüge ab Stuttgart."
    )
    marked = _byline_column(
        f"Fluggesellschaft streicht Flüge\n{line}\nBetroffen sind vor allem Strecken."
    )
    assert marked["Präsentiert von Luftfahrt Monitor"] == 1.0
    assert marked["EuroWings Süd streicht im Winter 400 Flüge ab Stuttgart."] == 0.0
    assert marked[line] == 0.0  # the whole line is a line, not a piece
    assert marked["Fluggesellschaft streicht Flüge"] == 0.0


def test_a_persons_byline_on_its_own_line_is_not_marked() -> None:
    marked = _byline_column("By Jane Smith\nThe council approved the budget on Monday evening.")
    assert marked["By Jane Smith"] == 0.0
