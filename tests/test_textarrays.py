"""The vectorised text machinery agrees with the plain-string definitions it replaces.

Token hashing and the shallow measurements work on code-point arrays for speed
(:mod:`declutter.textarrays`); each test here computes the same thing the slow, obvious way
(regular expressions and ``str`` methods, text by text) and requires the same answer, on
realistic paragraphs and on arbitrary Unicode (astral characters, marks, controls).
"""

from __future__ import annotations

import re

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from declutter import features, measure
from declutter.hashing import _SALT, HashedTokens, string_hash
from declutter.measure import COLUMNS, measurements
from declutter.paragraphs import Span, cut_lines, split_lines, split_pieces
from declutter.textarrays import TextArrays
from declutter.textbits import STOPWORDS, encodable

#: Realistic paragraphs, and characters that trip up text code.
PARAGRAPHS = [
    "The council approved the new budget on Monday after a six-hour debate.",
    "Sign up for our newsletter! Mail desk@news.example.org or visit www.example.com",
    "By AcmeDataIn May this year, the regulator opened an inquiry. Read more: @acme #deals",
    "“It is a good day for the town,” said Mayor Ana López. Photo: Reuters",
    "Home | News | Sport » Weather",
    "Die Bundesregierung hat am 12. Mittwoch den Haushalt beschlossen.",
    "ISTANBUL, İZMIR: ΑΘΗΝΑ and МОСКВА; snake_case_name, O'Brien's 3.5% rise?",
]
TRICKY = [*"\t \u00a0\u200b\u3000\ufeff\x00\x01\x1f\x7f\u0301.!?…:|»«\"'“”-—_@#٣", "👍🏽", "🇬🇧"]
TRICKY += ["مرحبا", "\u05e9\u05dc\u05d5\u05dd", "Ä", "ß", "İ", "\ufb01", "ǅ", "𝐀𝐁"]
SEPARATORS = ["\n\n", "\n", "\r\n", "\r", " ", "", "\u2028"]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
TOKEN = re.compile(r"[^\W_]+|[^\w\s]")

#: Lines of text (no line breaks inside: units are lines or pieces of them).
line_text = st.lists(
    st.one_of(
        st.characters(exclude_characters="\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"),
        st.sampled_from([p for p in PARAGRAPHS]),
        st.sampled_from(TRICKY),
    ),
    max_size=40,
).map(lambda parts: encodable("".join(parts)))


def reference_tokens(text: str) -> list[str]:
    """Tokens by definition: the regex over the text lower-cased and with digits as 0."""
    lowered = "".join(c.lower()[:1] for c in text)
    return TOKEN.findall(re.sub(r"\d", "0", lowered))


@SETTINGS
@given(st.lists(line_text, min_size=1, max_size=8))
def test_tokens_and_their_hashes_match_the_regex_tokenizer(texts: list[str]) -> None:
    tokens = HashedTokens(TextArrays(texts))
    expected = [reference_tokens(t) for t in texts]
    assert tokens.counts.tolist() == [len(e) for e in expected]
    word_family = tokens._keys[0] ^ _SALT["w"]
    assert word_family.tolist() == [string_hash(t) for e in expected for t in e]


@SETTINGS
@given(st.lists(line_text, min_size=1, max_size=8))
def test_stopword_share_counts_function_words_among_words(texts: list[str]) -> None:
    shares = HashedTokens(TextArrays(texts)).stopword_share()
    for text, share in zip(texts, shares):
        words = [t for t in reference_tokens(text) if t[0].isalnum()]
        expected = sum(w in STOPWORDS for w in words) / len(words) if words else 0.0
        assert share == expected


@SETTINGS
@given(st.lists(line_text, min_size=1, max_size=8))
def test_measurements_match_their_string_definitions(texts: list[str]) -> None:
    lengths = np.array([len(t) for t in texts], dtype=float)
    table = measurements(TextArrays(texts), lengths, np.zeros(len(texts)))
    column = {name: table[:, k] for k, name in enumerate(COLUMNS)}
    for row, text in enumerate(texts):
        words = re.findall(r"[^\W_]+", text)
        assert column["log_words"][row] == np.log1p(len(words)) / 6
        assert column["title_case_share"][row] == (
            sum(w[0].isupper() for w in words) / len(words) if words else 0.0
        )
        assert column["digit_share"][row] == len(re.findall(r"\d", text)) / max(len(text), 1)
        assert column["punctuation_share"][row] == len(re.findall(r"[^\w\s]", text)) / max(
            len(text), 1
        )
        assert column["ends_sentence"][row] == bool(re.search(r"[.!?…][\"'”’»)]?$", text))
        assert column["ends_colon"][row] == text.endswith(":")
        assert column["starts_upper"][row] == text[:1].isupper()
        assert column["has_handle"][row] == bool(re.search(r"(?:^|\s)[@#]\w{2,}", text))
        assert column["has_quote"][row] == any(q in text for q in '"“”«»„')


def test_measurements_see_addresses_in_the_right_text() -> None:
    texts = ["Plain prose here.", "Visit WWW.Example.COM today", "Mail desk@news.example.org"]
    table = measurements(TextArrays(texts), np.array([17.0, 27, 26]), np.zeros(3))
    assert table[:, COLUMNS.index("has_url")].tolist() == [0.0, 1.0, 1.0]
    assert table[:, COLUMNS.index("has_email")].tolist() == [0.0, 0.0, 1.0]


def pieces_of_lines(text: str, lines: list[Span]) -> list[list[Span]]:
    """Every line's pieces as cut_lines gives them (a line it leaves out is one piece)."""
    cut = cut_lines(text, lines)
    return [cut.get(index, [line]) for index, line in enumerate(lines)]


@st.composite
def documents(draw: st.DrawFn) -> str:
    chosen = draw(st.lists(st.sampled_from(PARAGRAPHS + TRICKY), min_size=1, max_size=10))
    separators = st.sampled_from([*SEPARATORS, ". ", "."])
    return "".join(part + draw(separators) for part in chosen)


@SETTINGS
@given(documents())
def test_one_scan_cuts_lines_into_the_same_pieces_as_line_by_line(text: str) -> None:
    lines = split_lines(text)
    assert pieces_of_lines(text, lines) == [split_pieces(text, line) for line in lines]


#: Bits of text that make sentence gaps, glue points and abbreviations, near any edge.
GLUE_BITS = [
    *"aBxY.!?… \n\u00a0\"'“(×_5",
    "In",
    "AcmeDataIn",
    "LinkedIn",
    "Mr.",
    "J. ",
    "U.S.",
    ". The",
]


@SETTINGS
@given(st.data())
def test_one_scan_cuts_any_spans_into_the_same_pieces_as_span_by_span(data: st.DataObject) -> None:
    """Also for spans that are not stripped lines (cut mid-word, next to a full stop...)."""
    text = "".join(data.draw(st.lists(st.sampled_from(GLUE_BITS + TRICKY[:8]), max_size=24)))
    bounds = st.integers(0, len(text))
    pairs = data.draw(st.lists(st.tuples(bounds, bounds), max_size=30))
    lines = [Span(min(a, b), max(a, b)) for a, b in pairs if a != b]
    assert pieces_of_lines(text, lines) == [split_pieces(text, line) for line in lines]


def test_one_scan_cuts_every_span_of_tricky_text_like_span_by_span() -> None:
    """Every span of short texts with cut points next to every kind of edge."""
    for text in [
        'Said so. "By AcmeDataIn Mr. J. Doe.In the U.S. run.  Yes',
        "x.Y aB. (Ca) wB.\nDr. Who?  “Quoted” ThereIn LinkedIn.",
    ]:
        lines = [Span(a, b) for a in range(len(text)) for b in range(a + 1, len(text) + 1)]
        assert pieces_of_lines(text, lines) == [split_pieces(text, line) for line in lines]


@SETTINGS
@given(st.lists(st.one_of(st.characters(), st.sampled_from(TRICKY + SEPARATORS)), max_size=60))
def test_lines_are_the_stripped_non_blank_runs_between_line_breaks(parts: list[str]) -> None:
    text = "".join(parts)
    expected = []
    for match in re.finditer(r"[^\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+", text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            expected.append((start, end))
    assert [(line.start, line.end) for line in split_lines(text)] == expected


def test_features_do_not_depend_on_how_units_are_chunked(monkeypatch) -> None:
    units = [
        features.Unit(text, 0, k, len(PARAGRAPHS + TRICKY), k % 3 == 0)
        for k, text in enumerate(PARAGRAPHS + TRICKY + ["\ud800 lone surrogate"])
    ]
    whole_hashed, whole_dense = features.extract(units, 18)
    monkeypatch.setattr(features, "CHUNK_CHARS", 100)
    assert len(list(features._chunks(units))) > 3
    hashed, dense = features.extract(units, 18)
    assert (hashed != whole_hashed).nnz == 0
    assert np.array_equal(dense, whole_dense)


@SETTINGS
@given(
    st.lists(st.lists(st.sampled_from([*"@# _\t\u00a0a5.", "ab", "é", "𝐀", "\u3000"])), max_size=8)
)
def test_handles_are_found_where_the_handle_pattern_finds_them(parts: list[list[str]]) -> None:
    texts = ["".join(p) for p in parts]
    arrays = TextArrays(texts)
    expected = measure._texts_matching(measure._HANDLE, arrays.joined, arrays)
    assert measure._texts_with_handles(arrays).tolist() == expected.tolist()


def test_handles_start_after_a_space_and_go_on_with_two_word_characters() -> None:
    texts = ["@_x", "#a_", "x @ab", "a@bc", "@a", "(#ab", "\u3000#𝐀é", "@ b", "#", ""]
    found = measure._texts_with_handles(TextArrays(texts)).tolist()
    assert found == [1, 1, 1, 0, 0, 0, 1, 0, 0, 0]
