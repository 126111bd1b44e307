"""Steps that must stay linear in the input: checked by structure, not by the clock.

Why not timings: the machine is shared and a timing assertion is either flaky or so loose
that a quadratic step slips through on small inputs. Each test here counts the work a step
does (characters read, ancestors visited) on an input built to make a quadratic version do
far more, and checks the step's output against the slow, obvious definition on small inputs.
The time figures themselves are in ``benchmarks/results/stress.md``.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from declutter import html, paragraphs
from declutter.byline_cut import CAMEL_CASE_NAMES
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


def test_a_glued_run_after_a_byline_word_is_read_a_bounded_number_of_times() -> None:
    """The byline cut (a line opening with "By") looks at the tokens near the line's start
    only, and at each candidate of those once."""
    for text in (CountingText("By " + "fooBar" * 5_000), CountingText("By Foo" + "BarFoo" * 5_000)):
        CountingText.copied = 0
        pieces_of(text)
        assert CountingText.copied <= 2 * len(text)


def quadratic_glue_cut(text: str, token: re.Match[str], cuts: list[int]) -> int | None:
    """The glue choice as it was first written: every candidate reads to the token's end."""
    if token.group().lower() in CAMEL_CASE_NAMES:
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


# --------------------------------------------------------------------------- main region

PROSE = "The council met on Monday to discuss the budget, and the vote passed after a debate. "


class CountingList(list):
    """A ``list`` that counts how often it is indexed."""

    reads = 0

    def __getitem__(self, key):  # type: ignore[no-untyped-def]
        CountingList.reads += 1
        return list.__getitem__(self, key)


def read_page(markup: str) -> html._BlockBuilder:
    """The builder after walking ``markup``, before the main region is marked."""
    builder = html._BlockBuilder(track_annotations=False)
    root = html._lxml_tree(markup)
    if root is not None:
        html._walk_lxml(root, builder, None)
    else:
        html._walk_soup(html._soup_tree(markup), builder, None)
    return builder


def ancestor_walk_regions(builder: html._BlockBuilder) -> list[str]:
    """The main region as first written: every prose block walks up all its ancestors."""
    parents = builder.parents
    prose = [0] * len(parents)
    prose_blocks = [0] * len(parents)
    total = count = 0
    for block, element, chars in zip(builder.blocks, builder._block_elements, builder._block_chars):
        if chars < html.PROSE_MIN_CHARS or block.html.link_density >= 0.3:
            continue
        total += chars
        count += 1
        while element >= 0:
            prose[element] += chars
            prose_blocks[element] += 1
            element = parents[element]
    if not total:
        return [""] * len(builder.blocks)
    region = max(
        (
            e
            for e in range(len(parents))
            if prose[e] >= total / 2 and prose_blocks[e] >= min(2, count)
        ),
        default=-1,
    )
    marks = []
    for element in builder._block_elements:
        while element > region:
            element = parents[element]
        marks.append("in" if element == region else "out")
    return marks


@st.composite
def pages(draw: st.DrawFn) -> str:
    """Random nestings of block and inline elements holding prose, links and short text."""
    parts: list[str] = []
    open_tags: list[str] = []
    for _ in range(draw(st.integers(1, 40))):
        step = draw(st.sampled_from(["open", "open", "close", "text", "text", "link", "short"]))
        if step == "open":
            tag = draw(st.sampled_from(["div", "section", "article", "p", "span", "ul", "li"]))
            open_tags.append(tag)
            parts.append(f"<{tag}>")
        elif step == "close" and open_tags:
            parts.append(f"</{open_tags.pop()}>")
        elif step == "text":
            parts.append(PROSE * draw(st.integers(1, 3)))
        elif step == "link":
            parts.append(f"<a href='#'>{PROSE}</a>")
        else:
            parts.append("Share")
    return "".join(parts)


@SETTINGS
@given(st.one_of(pages(), pages().map(lambda page: f"<html><body>{page}</body></html>")))
def test_main_region_is_the_one_the_ancestor_walk_found(markup: str) -> None:
    builder = read_page(markup)
    expected = ancestor_walk_regions(builder)
    builder.mark_main_region()
    assert [block.html.main_region for block in builder.blocks] == expected


def test_main_region_reads_each_element_a_bounded_number_of_times() -> None:
    """A chain of 2,000 nested ``<div>``s, each with a paragraph: walking up from every
    block read the parent list about two million times (32,000 divs took a minute)."""
    depth = 2_000
    builder = read_page(f"<div>{PROSE * 2}" * depth)
    builder.parents = CountingList(builder.parents)
    CountingList.reads = 0
    builder.mark_main_region()
    marks = [block.html.main_region for block in builder.blocks]
    assert marks.count("in") == depth // 2  # the deepest element with half the prose
    assert CountingList.reads <= 4 * depth


# --------------------------------------------------------------------------- attributes


def test_a_crowded_tag_reaches_the_parser_with_a_bounded_number_of_attributes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """libxml2 checks each attribute against all earlier ones of its tag: 40,000 took 11 s.
    The attributes the walk reads still count, wherever they stand."""
    trees = []
    parse = html._lxml_tree
    monkeypatch.setattr(html, "_lxml_tree", lambda text: trees.append(parse(text)) or trees[-1])
    names = " ".join(f'data-a{i}="{i}"' for i in range(5_000))
    page = (
        f"<div {names} class='promo-box' hidden>Hidden text</div>"
        f"<p {names} ROLE=navigation id=articleBody>Shown text</p><p a b>Plain</p>"
    )
    blocks = html.page_blocks(page)
    assert [block.text for block in blocks] == ["Shown text", "Plain"]
    assert blocks[0].html.class_words == "article body"
    assert blocks[0].html.in_semantic == "nav"
    paragraph = trees[0].find(".//p")
    assert len(paragraph.attrib) <= 1_000 + 2


@pytest.mark.parametrize("gap", [" ", "/", "\n", ""])
def test_attributes_are_counted_however_they_are_separated(gap: str) -> None:
    """'a="1"b="2"' is two attributes to libxml2 (no space needed after a quoted value)."""
    tag = "<p " + gap.join(f'a{i}="{i}"' for i in range(3_000)) + " class=x>Shown</p>"
    thinned = html._thin_crowded_tags(tag, frozenset({"class"}))
    assert thinned.count("=") == 1_000 + 1
    assert [block.text for block in html.page_blocks(tag)] == ["Shown"]


def test_tags_of_up_to_a_thousand_attributes_are_left_alone() -> None:
    tag = "<div " + " ".join(f"a{i}='x > y'" for i in range(1_000)) + ">text</div>"
    assert html._thin_crowded_tags(tag, frozenset()) == tag
    longer = tag.replace("<div ", "<div b=1 ")
    assert html._thin_crowded_tags(longer, frozenset()) == longer.replace(" a999='x > y'", "")
