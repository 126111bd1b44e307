"""Every word a reader sees reaches ``result.source``, in order, and no markup does.

Each case here once lost visible text or leaked markup: a ``<noscript`` inside a comment,
a script, an attribute value or a textarea swallowed the page up to a later
``</noscript>``; MathML, SVG ``<text>`` and ``<object>`` fallback text vanished;
``<noframes>``, ``<noembed>`` and ``<plaintext>`` came out as raw markup. The property test
at the end mixes all of them around words whose visibility is known.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import declutter
from declutter.html import blocks_to_text, page_blocks


def texts(markup: str) -> list[str]:
    return [block.text for block in page_blocks(markup)]


# --------------------------------------------------------------------------- noscript

AFTER = "<p>two</p><noscript>hidden</noscript><p>three</p>"


@pytest.mark.parametrize(
    "decoy",
    [
        "<!-- <noscript> -->",
        "<!--<noscript>--><!---->",
        "<script>var s = '<noscript>';</script>",
        "<SCRIPT type='text/javascript'>document.write('<noscript>')</SCRIPT>",
        "<style>/* <noscript> */</style>",
        "<title><noscript></title>",
        "<iframe><noscript></iframe>",
        "<noembed><noscript></noembed>",
        "<noframes><noscript></noframes>",
        "<p title='<noscript>'></p>",
        '<p data-x = "a > <noscript>"></p>',
        "<img alt='<noscript>'>",
        "<!DOCTYPE html>",
        "<?xml version='1.0'?>",
        "</noscript>",
    ],
)
def test_noscript_where_no_tag_can_be_swallows_nothing(decoy: str) -> None:
    assert texts(f"<p>one</p>{decoy}{AFTER}") == ["one", "two", "three"]


@pytest.mark.parametrize("tag", ["textarea", "xmp"])
def test_noscript_in_a_textarea_or_xmp_is_their_text(tag: str) -> None:
    """A browser shows their text as it is, "<noscript>" included."""
    assert texts(f"<p>one</p><{tag}><noscript></{tag}>{AFTER}") == [
        "one", "<noscript>", "two", "three",
    ]  # fmt: skip


def test_what_libxml2_leaves_in_the_head_is_visible_and_the_head_metadata_is_not() -> None:
    """libxml2 keeps an element it does not know in the head after a ``<script>``; a
    browser moves it to the body."""
    page = (
        "<title>Title</title><script>var a;</script><svg><text>Label</text></svg>"
        "<object>Fallback</object> <custom-card>Card text</custom-card><p>Body</p>"
    )
    assert texts(page) == ["Label", "Fallback Card text", "Body"]


@pytest.mark.parametrize("opening", ["<noscript>", "<NoScript>", "<NOSCRIPT class='x'>"])
def test_a_tag_left_open_in_noscript_hides_nothing_after_it(opening: str) -> None:
    for inner in ["<div>", "<table><tr><td>", "<iframe src='x'>", "<style>", "<p title='>'>"]:
        page = f"<p>one</p>{opening}{inner}</noscript><p>after</p>"
        assert texts(page) == ["one", "after"], inner


def test_a_noscript_never_closed_is_left_to_the_parser() -> None:
    assert texts("<p>one</p><noscript><p>two</p>") == ["one"]


# --------------------------------------------------------------------------- foreign content


def test_mathml_symbols_are_visible_and_its_annotations_are_not() -> None:
    page = (
        "<p>Let <math><semantics><mrow><mi>x</mi><mo>=</mo><mn>2</mn></mrow>"
        "<annotation encoding='application/x-tex'>x = 2</annotation></semantics></math>"
        " hold.</p>"
    )
    assert texts(page) == ["Let x=2 hold."]


def test_an_annotation_element_outside_math_is_ordinary_text() -> None:
    assert texts("<annotation><p>A reader's comment.</p></annotation>") == ["A reader's comment."]


def test_svg_text_is_visible_one_label_a_block_and_the_rest_of_the_drawing_is_not() -> None:
    page = (
        "<figure><svg viewBox='0 0 10 10'><title>Chart</title><desc>Made with a tool</desc>"
        "<style>text{}</style><g><rect/><text x='1'>Sales <tspan>rose</tspan></text>"
        "<text>Q2</text></g></svg><figcaption>Figure 1</figcaption></figure>"
    )
    assert texts(page) == ["Sales rose", "Q2", "Figure 1"]


def test_html_inside_svg_foreign_object_is_visible() -> None:
    page = "<svg><foreignObject><p>Boxed text</p></foreignObject><desc>no</desc></svg>"
    assert texts(page) == ["Boxed text"]


def test_an_svg_left_open_does_not_hide_the_rest_of_the_page() -> None:
    page = "<div><svg><path d='M0 0'><div><p>Article text.</p></div><p>More.</p>"
    assert texts(page) == ["Article text.", "More."]


def test_object_fallback_and_image_map_links_are_visible() -> None:
    page = (
        "<p><object data='chart.swf'><param name='q' value='1'>Fallback text</object></p>"
        "<map name='m'><area href='/a' alt='Area'><a href='/b'>Map link</a></map>"
    )
    assert texts(page) == ["Fallback text", "Map link"]


# --------------------------------------------------------------------------- raw markup


@pytest.mark.parametrize("tag", ["noframes", "noembed", "NOFRAMES"])
def test_fallbacks_browsers_never_show_leak_no_markup(tag: str) -> None:
    page = f"<p>one</p><{tag}><p>Your browser cannot show this.</p></{tag}><p>two</p>"
    assert texts(page) == ["one", "two"]


def test_plaintext_is_read_as_text_not_as_raw_markup() -> None:
    page = "<p>one</p><PLAINTEXT><b>bold</b> rest<p>last</p></plaintext>"
    assert texts(page) == ["one", "bold rest", "last"]


def test_clean_html_source_has_the_visible_words_of_every_case() -> None:
    page = (
        "<!-- <noscript> --><p>Alpha</p><p title='<noscript>'>Beta</p>"
        "<svg><text>Gamma</text></svg><p><math><mi>Delta</mi></math></p>"
        "<object>Epsilon</object><noframes><p>hidden</p></noframes><plaintext><i>Zeta</i>"
    )
    source = declutter.clean_html(page).source
    assert re.findall(r"\w+", source) == ["Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta"]


# --------------------------------------------------------------------------- property

#: Fragments around a word ``{w}`` (visible) or ``{h}`` (hidden); ``None``: no word.
FRAGMENTS = [
    "<p>{w}</p>",
    "<div>{w} <b>{w}</b></div>",
    "<!-- <noscript> {h} -->",
    "<script>var s = '<noscript>{h}';</script>",
    "<style>/* <noscript> {h} */</style>",
    "<p title='<noscript>{h}'>{w}</p>",
    "<noscript><div>{h}</noscript>",
    "<noscript><iframe>{h}</noscript>",
    "<p><math><mi>{w}</mi><annotation>{h}</annotation></math></p>",
    "<svg><title>{h}</title><text>{w}</text><desc>{h}</desc></svg>",
    "<svg><foreignObject><p>{w}</p></foreignObject></svg>",
    "<object data='x'><param name='a' value='b'>{w}</object>",
    "<noframes><p>{h}</p></noframes>",
    "<noembed><b>{h}</b></noembed>",
    "<map name='m'><a href='#'>{w}</a></map>",
    "<table><tr><td>{w}</td></tr></table>",
]


@st.composite
def pages(draw: st.DrawFn) -> tuple[str, list[str], list[str]]:
    """A page, its visible words in order, and its hidden words."""
    parts: list[str] = []
    visible: list[str] = []
    hidden: list[str] = []
    chosen = draw(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=12))
    if draw(st.booleans()):
        chosen.append("<plaintext><b>{w}</b> {w}</plaintext>")
    for fragment in chosen:
        pieces = re.split(r"(\{[wh]\})", fragment)
        for piece in pieces:
            if piece in ("{w}", "{h}"):
                number = len(visible) + len(hidden)
                word = f"{'word' if piece == '{w}' else 'ghost'}{number}"
                (visible if piece == "{w}" else hidden).append(word)
                parts.append(word)
            else:
                parts.append(piece)
    return "".join(parts), visible, hidden


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(pages())
def test_every_visible_word_and_no_markup_reaches_the_source(
    page: tuple[str, list[str], list[str]],
) -> None:
    markup, visible, hidden = page
    source, _ = blocks_to_text(page_blocks(markup))
    assert re.findall(r"(?:word|ghost)\d+", source) == visible
    assert "<" not in source and ">" not in source
    assert not set(hidden) & set(source.split())
