"""Steps that must stay linear in the input: checked by structure, not by the clock.

Why not timings: the machine is shared and a timing assertion is either flaky or so loose
that a quadratic step slips through on small inputs. Each test here counts the work a step
does (characters read, ancestors visited) on an input built to make a quadratic version do
far more, and checks the step's output against the slow, obvious definition on small inputs.
The time figures themselves are in ``benchmarks/results/stress.md``.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from declutter import paragraphs
from declutter.paragraphs import Span, cut_lines, split_lines

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))


class CountingText(str):
    """A ``str`` that counts the characters its slices copy (regexes read it directly)."""

    copied = 0

    def __getitem__(self, key: int | slice) -> str:  # type: ignore[override]
        piece = str.__getitem__(self, key)
        CountingText.copied += len(piece)
        return piece


def pieces_of(text: str) -> list[list[Span]]:
    lines = split_lines(text)
    cut = cut_lines(text, lines)
    return [cut.get(index, [line]) for index, line in enumerate(lines)]


# --------------------------------------------------------------------------- glue search


def test_glue_search_reads_each_character_a_bounded_number_of_times() -> None:
    """A glued run is one token with a candidate every six characters; each candidate
    used to copy the rest of the token (the 1M-character run took 46 s)."""
    text = CountingText("fooBar" * 5_000)
    CountingText.copied = 0
    assert pieces_of(text) == [[Span(0, len(text))]]
    assert CountingText.copied <= 2 * len(text)


def quadratic_glue_cut(text: str, token: re.Match[str], cuts: list[int]) -> int | None:
    """The glue choice as it was first written: every candidate reads to the token's end."""
    if token.group().lower() in paragraphs._CAMEL_CASE_NAMES:
        return None
    for cut in cuts:
        if text[cut : token.end()].lower() in paragraphs._SENTENCE_STARTERS:
            return cut
    return None


GLUED = [
    "In",
    "Im",
    "The",
    "Der",
    "Según",
    "LinkedIn",
    "Mein",
    "İn",
    "ß",
    "foo",
    "Bar",
    "aB",
    " ",
    ".",
]


@SETTINGS
@given(st.lists(st.sampled_from(GLUED), max_size=30).map("".join))
def test_bounded_glue_search_cuts_where_the_full_one_did(text: str) -> None:
    fast = pieces_of(text)
    original = paragraphs._glue_cut
    paragraphs._glue_cut = quadratic_glue_cut
    try:
        assert fast == pieces_of(text)
    finally:
        paragraphs._glue_cut = original
