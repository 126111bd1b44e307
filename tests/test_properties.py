"""Invariants of ``clean()`` and ``clean_html()`` over arbitrary text and generated HTML.

These are the promises a batch job relies on when nobody looks at the output:

* offsets: every segment's ``[start, end)`` indexes its own text in ``result.source``;
  segments are ordered, do not overlap, and carry no surrounding whitespace;
* no loss: kept and removed segments together cover every non-whitespace character of the
  source (``str.isspace`` decides what whitespace is), and for HTML every visible word of
  the page reaches ``result.source``, in order;
* ``result.text`` is the kept segments joined by the rule documented on ``Cleaned.text``;
* determinism: the same input and model give the same result, in another process too;
* stability, as far as it holds (``test_cleaning_the_cleaned_text_again``; why no more:
  the README's Guarantees): a pass that removes nothing is a fixed point, and a second pass
  never adds or rewrites text.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import declutter
from declutter.kinds import CONTENT, INSERT_KINDS
from declutter.result import PARAGRAPH_BREAK, Cleaned

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = settings(
    max_examples=15,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --------------------------------------------------------------------------- strategies

#: Characters that break scrapers: line ends of every kind, odd spaces, marks, controls.
TRICKY = [
    *"\r\n\t \u00a0\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u3000\ufeff\x00\x01\x0b\x0c\x1c",
    *"\x1f\x7f\x85\u0301\u0308\u0336.!?…:|»«\"'“”-\u2013\u2014",
    "\r\n",
    "👍🏽",
    "👨‍👩‍👧",
    "🇬🇧",
    "مرحبا",
    "\u05e9\u05dc\u05d5\u05dd",
    "Ä",
    "ß",
    "İ",
    "\ufb01",
]
#: Line breaks beyond \n and \r: str.splitlines() and declutter's line splitter know them.
EXOTIC_LINE_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"

PARAGRAPHS = [
    "The council approved the new budget on Monday after a six-hour debate.",
    "Sign up for our newsletter to get the latest news in your inbox.",
    "Read more: Harbour wall repairs to start in spring",
    "By AcmeData",
    "In May this year, the regulator opened an inquiry into the merger.",
    "Share this article on Facebook, X and WhatsApp",
    "We use cookies to improve your experience. Accept all",
    "Advertisement",
    "“It is a good day for the town,” said Mayor Ana López.",
    "Download our free whitepaper on the state of the industry!",
    "Photo: Reuters",
    "Home | News | Sport | Weather",
    "Die Bundesregierung hat am Mittwoch den Haushalt beschlossen.",
    "iPhone sales fell 3% while McDonald's opened 40 new restaurants.",
]
SEPARATORS = ["\n\n", "\n", "\r\n", "\r\n\r\n", "\r", " ", "", "\n \t\n", "\u2028"]

#: Any text, lone surrogates included (broken JSON and UTF-16 leave them in scraped text).
arbitrary_text = st.lists(
    st.one_of(st.characters(), st.characters(categories=["Cs"]), st.sampled_from(TRICKY)),
    max_size=300,
).map("".join)


@st.composite
def article_text(draw: st.DrawFn) -> str:
    """Realistic paragraphs (articles and inserts) glued by every kind of separator."""
    chosen = draw(st.lists(st.sampled_from(PARAGRAPHS), min_size=1, max_size=12))
    parts = [chosen[0]]
    for paragraph in chosen[1:]:
        parts.append(draw(st.sampled_from(SEPARATORS)))
        parts.append(paragraph)
    if draw(st.booleans()):
        parts.insert(draw(st.integers(0, len(parts))), draw(st.sampled_from(TRICKY)))
    return "".join(parts)


any_text = st.one_of(arbitrary_text, article_text())

# --------------------------------------------------------------------------- checks


def assert_offsets_and_coverage(result: Cleaned) -> None:
    """Offsets index the source, in order, without overlap; gaps hold only whitespace."""
    source = result.source
    position = 0
    for segment in result.segments:
        assert position <= segment.start < segment.end <= len(source), segment
        assert source[segment.start : segment.end] == segment.text
        assert segment.text == segment.text.strip(), "a segment starts or ends with whitespace"
        gap = source[position : segment.start]
        assert gap.isspace() or gap == "", f"characters outside every segment: {gap!r}"
        position = segment.end
    tail = source[position:]
    assert tail.isspace() or tail == "", f"characters after the last segment: {tail!r}"


def assert_scores_and_kinds(result: Cleaned) -> None:
    for segment in result.segments:
        assert 0.0 <= segment.score <= 1.0
        if segment.removed:
            assert segment.kind in INSERT_KINDS
        else:
            assert segment.kind == CONTENT


def documented_text(result: Cleaned) -> str:
    """``Cleaned.text`` as its docstring states it, written independently of its code:
    kept segments on the same source line with nothing removed between them keep their gap;
    any other two kept segments are separated by a blank line."""
    parts: list[str] = []
    previous = None
    for segment in result.segments:
        if segment.removed:
            previous = None
            continue
        if parts:
            gap = result.source[previous.end : segment.start] if previous else "\n"
            same_line = len(f"x{gap}x".splitlines()) == 1
            parts.append(gap if same_line else PARAGRAPH_BREAK)
        parts.append(segment.text)
        previous = segment
    return "".join(parts)


def assert_valid(result: Cleaned) -> None:
    assert_offsets_and_coverage(result)
    assert_scores_and_kinds(result)
    assert result.kept == tuple(s for s in result.segments if not s.removed)


# --------------------------------------------------------------------------- text


@settings(SETTINGS, max_examples=30)
@given(any_text)
def test_clean_accounts_for_every_character(text: str) -> None:
    result = declutter.clean(text)
    assert result.source == text
    assert_valid(result)
    assert result.text == documented_text(result)
    assert declutter.clean(text) == result  # deterministic within a process


@pytest.mark.parametrize("separator", list(EXOTIC_LINE_BREAKS))
def test_exotic_line_breaks_become_paragraph_breaks(separator: str) -> None:
    first = "The council approved the new budget on Monday after a six-hour debate."
    second = "In May this year, the regulator opened an inquiry into the merger."
    result = declutter.clean(first + separator + second, threshold=1.0)
    assert [s.text for s in result.kept] == [first, second]
    assert result.text == first + PARAGRAPH_BREAK + second


@SETTINGS
@given(any_text, st.sampled_from([0.0, 0.3, 0.5, 0.9, 1.0]))
def test_any_threshold_keeps_the_invariants(text: str, threshold: float) -> None:
    result = declutter.clean(text, threshold=threshold)
    assert_valid(result)
    assert result.threshold == threshold


@SETTINGS
@given(article_text())
def test_a_higher_threshold_never_removes_a_line_a_lower_one_keeps(text: str) -> None:
    """Monotone: raising the threshold can only keep more (content recall comes first)."""
    low = declutter.clean(text, threshold=0.5)
    high = declutter.clean(text, threshold=0.95)
    kept_low = {i for s in low.kept for i in range(s.start, s.end)}
    kept_high = {i for s in high.kept for i in range(s.start, s.end)}
    assert kept_low <= kept_high


# --------------------------------------------------------------------------- determinism

_CHILD = """
import json, sys
import declutter
texts = json.loads(sys.stdin.read())
print(json.dumps([declutter.clean(t).to_dict() for t in texts]))
"""


def sample_texts(count: int, seed: int) -> list[str]:
    """Fixed pseudo-random texts (articles and odd characters) for cross-process checks."""
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        chosen = rng.choices(PARAGRAPHS, k=rng.randint(1, 10))
        glue = [rng.choice(SEPARATORS) for _ in chosen]
        text = "".join(p + g for p, g in zip(chosen, glue, strict=True))
        texts.append(text + "".join(rng.choices(TRICKY, k=rng.randint(0, 5))))
    return texts


def test_results_are_the_same_in_another_process() -> None:
    texts = sample_texts(20, seed=5)
    here = [declutter.clean(t).to_dict() for t in texts]
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path, "PYTHONHASHSEED": "12345"}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=True,
    )
    assert json.loads(done.stdout) == json.loads(json.dumps(here))


# --------------------------------------------------------------------------- stability


@settings(SETTINGS, max_examples=25)
@given(any_text)
def test_cleaning_the_cleaned_text_again(text: str) -> None:
    """What holds when cleaned text is cleaned again (the README's Guarantees say why no more):

    * a pass that removes nothing is a fixed point: scores depend on the lines' texts and
      order, not on the whitespace between them, so the second pass sees the same lines;
    * a second pass never adds or rewrites text: each of its segments is part of one
      segment the first pass kept (it may remove more, though).
    """
    first = declutter.clean(text)
    second = declutter.clean(first.text)
    assert second.source == first.text
    kept_texts = [s.text for s in first.kept]
    for segment in second.segments:
        assert any(segment.text in kept for kept in kept_texts), segment
    if not first.removed:
        assert second.removed == ()
        assert [s.text for s in second.kept] == kept_texts


# --------------------------------------------------------------------------- HTML

CONTAINERS = ["div", "section", "article", "aside", "nav", "header", "footer", "main", "form"]
INLINE = ["span", "b", "em", "strong", "i", "small"]
DROPPED = ["script", "style", "template", "noscript"]
HIDING = ["hidden", 'style="display: none"', 'aria-hidden="true"']
CLASSES = ["content", "promo", "newsletter", "share-bar", "articleBody", "x" * 500, "é-ü"]


@st.composite
def html_tree(draw: st.DrawFn, depth: int = 0) -> tuple[str, list[int]]:
    """HTML and the ids of the words a reader sees, in order. Text nodes are words
    ``w<id>``; words under dropped or hidden elements are not visible."""
    counter = draw(st.shared(st.builds(lambda: [0]), key="word-counter"))

    def word() -> tuple[str, list[int]]:
        counter[0] += 1
        return f"w{counter[0]} ", [counter[0]]

    kind = draw(st.sampled_from(["text", "text", "inline", "p", "container", "list", "drop"]))
    if kind == "text" or depth >= 4:
        return word()
    attributes = ""
    if draw(st.booleans()):
        attributes += f' class="{draw(st.sampled_from(CLASSES))}"'
    hidden = draw(st.integers(0, 9)) == 0
    if hidden:
        attributes += " " + draw(st.sampled_from(HIDING))
    if kind == "drop":
        tag = draw(st.sampled_from(DROPPED))
        return f"<{tag}>w-1 never visible</{tag}>", []
    if kind in ("inline", "p"):  # inline elements and <p> hold only words and inline elements
        tag = draw(st.sampled_from(INLINE)) if kind == "inline" else "p"
        pieces, words = [], []
        for _ in range(draw(st.integers(1, 3))):
            markup, ids = word()
            if draw(st.booleans()):
                inner_tag = draw(st.sampled_from(INLINE))
                markup = f"<{inner_tag}>{markup}</{inner_tag}>"
            pieces.append(markup)
            words += ids
        inner = "".join(pieces)
    else:
        children = draw(st.lists(html_tree(depth + 1), max_size=3))
        words = [w for _, ids in children for w in ids]
        if kind == "list":
            tag = "ul"
            inner = "".join(f"<li>{markup}</li>" for markup, _ in children)
        else:
            tag = draw(st.sampled_from(CONTAINERS))
            inner = "".join(markup for markup, _ in children)
    return f"<{tag}{attributes}>{inner}</{tag}>", ([] if hidden else words)


@st.composite
def html_page(draw: st.DrawFn) -> tuple[str, list[int]]:
    parts = draw(st.lists(html_tree(), min_size=1, max_size=6))
    body = "".join(markup for markup, _ in parts)
    head = draw(st.sampled_from(["", "<head><title>w0 title</title></head>", "<!DOCTYPE html>"]))
    return f"<html>{head}<body>{body}</body></html>", [w for _, ids in parts for w in ids]


@settings(SETTINGS, max_examples=25)
@given(html_page())
def test_clean_html_keeps_every_visible_word_in_order(page: tuple[str, list[int]]) -> None:
    markup, visible = page
    result = declutter.clean_html(markup)
    assert_valid(result)
    assert result.source.split() == [f"w{i}" for i in visible]


@SETTINGS
@given(html_page(), st.sampled_from(["utf-8", "utf-16", "cp1252"]))
def test_clean_html_of_bytes_equals_clean_html_of_text(page, encoding: str) -> None:
    markup, _ = page
    as_bytes = markup.encode(encoding)
    assert declutter.clean_html(as_bytes, encoding=encoding) == declutter.clean_html(markup)


@SETTINGS
@given(st.one_of(st.text(alphabet=list("<>/=\"' abcdpiv!-&;#x0\n"), max_size=300), arbitrary_text))
def test_clean_html_of_tag_soup_keeps_the_invariants(markup: str) -> None:
    assert_valid(declutter.clean_html(markup))
