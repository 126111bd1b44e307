"""Behaviour of declutter.html on small hand-written pages."""

from __future__ import annotations

import json
import random

import pytest

from declutter import html as html_module
from declutter.decoding import decode_page as decode_html
from declutter.html import FEATURE_KEYS, BlockFeatures, blocks_to_text, class_words, page_blocks


def texts(markup: str | bytes) -> list[str]:
    return [block.text for block in page_blocks(markup)]


def only_block(markup: str) -> dict:
    blocks = page_blocks(markup)
    assert len(blocks) == 1, [b.text for b in blocks]
    return blocks[0].html


# --------------------------------------------------------------------------- splitting


def test_inline_text_in_a_div_stays_one_block_and_block_children_split_it() -> None:
    page = "<div>Intro <a href='#'>link</a> and <b>bold</b> text<p>Own paragraph.</p> tail</div>"
    assert texts(page) == ["Intro link and bold text", "Own paragraph.", "tail"]


def test_every_block_level_boundary_ends_a_block() -> None:
    page = (
        "<h2>Heading</h2><ul><li>one</li><li>two</li></ul><table><tr><td>cell a</td>"
        "<td>cell b</td></tr></table><blockquote>quote</blockquote>line 1<br>line 2<hr>after"
    )
    assert texts(page) == [
        "Heading", "one", "two", "cell a", "cell b", "quote", "line 1", "line 2", "after",
    ]  # fmt: skip


def test_whitespace_is_collapsed_and_empty_blocks_vanish() -> None:
    page = "<p>  spread\n\tover\u00a0 lines  </p><p>   </p><div><span> </span></div><p>x</p>"
    assert texts(page) == ["spread over lines", "x"]


def test_adjacent_inline_elements_join_without_an_invented_space() -> None:
    assert texts("<p><span>Acme</span><span>Data</span></p>") == ["AcmeData"]


# --------------------------------------------------------------------------- dropping


def test_invisible_elements_and_comments_contribute_no_text() -> None:
    page = """<html><head><title>Title</title><style>p{}</style></head><body>
    <script>var a = "script";</script><noscript>noscript</noscript><template>tpl</template>
    <svg><desc>svg</desc></svg><iframe>frame</iframe><select><option>opt</option></select>
    <!-- a comment --><p>visible</p><div hidden>hidden attr</div>
    <div aria-hidden="true">aria</div><p style="color:red; DISPLAY : none">styled away</p>
    <p aria-hidden="false">shown</p></body></html>"""
    assert texts(page) == ["visible", "shown"]


def test_an_unclosed_tag_inside_noscript_does_not_swallow_the_page() -> None:
    page = "<body><noscript><div id='nojs'></noscript><div><p>Article text.</p></div></body>"
    assert texts(page) == ["Article text."]


def test_ruby_readings_are_not_spliced_into_the_text() -> None:
    assert texts("<p><ruby>漢<rp>(</rp><rt>かん</rt><rp>)</rp></ruby>字です</p>") == ["漢字です"]


def test_text_after_the_closing_html_tag_is_kept_like_a_browser_does() -> None:
    assert texts("<html><body><p>inside</p></body></html><p>after the end</p>") == [
        "inside",
        "after the end",
    ]


# --------------------------------------------------------------------------- features


def test_features_have_fixed_keys_and_survive_a_json_round_trip() -> None:
    page = "<p>plain</p><nav><a href=x>menu</a></nav><table><tr><th>h</th></tr></table>"
    for block in page_blocks(page):
        as_json = block.html.to_json()
        assert tuple(as_json) == FEATURE_KEYS
        assert BlockFeatures.from_json(json.loads(json.dumps(as_json))) == block.html


@pytest.mark.parametrize(
    ("raw", "message"),
    [({"tag": 5}, "'tag'"), ({"depth": "3"}, "'depth'"), ({"heading": 1}, "'heading'"),
     ({"colour": "red"}, "'colour'"), ([1, 2], "object")],
)  # fmt: skip
def test_features_from_json_name_what_is_wrong(raw: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BlockFeatures.from_json(raw)


def test_link_density_counts_non_space_characters_inside_links() -> None:
    features = only_block("<p>abc <a href='#'>defg</a></p>")
    assert features.link_density == pytest.approx(4 / 7, abs=1e-3)
    assert only_block("<p><a href='#'>all <b>link</b></a></p>").link_density == 1.0


def test_class_words_split_camel_case_and_separators() -> None:
    assert class_words("articleBody-2 promo_box HTMLWidget x") == (
        "article", "body", "promo", "box", "html", "widget",
    )  # fmt: skip


def test_class_words_come_from_the_block_and_six_ancestors_deduplicated() -> None:
    names = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]
    outer = "".join(f"<div class='{name} shared'>" for name in names)
    page = f"<div class='rootOnly'>{outer}<p id='promoPromo'>text</p>{'</div>' * 9}"
    words = only_block(page).class_words.split()
    assert words == ["promo", "hotel", "shared", "golf", "foxtrot", "echo", "delta", "charlie"]


def test_class_words_are_capped_at_twenty() -> None:
    many = " ".join(f"w{chr(97 + i // 26)}{chr(97 + i % 26)}" for i in range(40))
    assert len(only_block(f"<p class='{many}'>t</p>").class_words.split()) == 20


def test_structure_flags() -> None:
    page = (
        "<body><article><h3>Title</h3><ul><li>item</li></ul></article>"
        "<div role='navigation'><p>menu</p></div><aside><table><tr><td>cell</td></tr></table>"
        "</aside><footer><form><p>Subscribe</p></form></footer></body>"
    )
    blocks = {block.text: block.html for block in page_blocks(page)}
    assert blocks["Title"].heading and blocks["Title"].in_semantic == "article"
    assert blocks["item"].list_item and blocks["item"].tag == "li"
    assert blocks["menu"].in_semantic == "nav"
    assert blocks["cell"].in_table and blocks["cell"].in_semantic == "aside"
    assert not blocks["Title"].in_table
    assert blocks["Subscribe"].in_semantic == "form"  # the nearest one wins
    assert blocks["item"].depth == blocks["Title"].depth + 1


def _prose(words: str) -> str:
    return (words + " ") * (1 + 100 // len(words))  # over the 80 characters of prose


def _regions(markup: str) -> dict[str, str]:
    return {block.text[:12]: block.html.main_region for block in page_blocks(markup)}


def test_main_region_is_the_subtree_holding_most_prose_and_comments_beside_it_are_out() -> None:
    page = (
        "<body><nav><a href=x>Home</a></nav><h1>Headline</h1><div class=story>"
        f"<p>{_prose('Story one of the article')}</p><p>{_prose('Story two of it')}</p></div>"
        f"<div class=thread><p>{_prose('Comment by a reader')}</p></div><p>(c) Site</p></body>"
    )
    assert _regions(page) == {
        "Home": "out", "Headline": "out", "Story one of": "in", "Story two of": "in",
        "Comment by a": "out", "(c) Site": "out",
    }  # fmt: skip


def test_main_region_is_never_one_long_paragraph_when_there_are_two() -> None:
    page = (
        f"<body><div><p>{_prose('A very long paragraph indeed') * 4}</p>"
        f"<p>{_prose('A shorter second one')}</p></div><p>tail</p></body>"
    )
    regions = _regions(page)
    assert regions["A very long "] == regions["A shorter se"] == "in"
    assert regions["tail"] == "out"


def test_main_region_ignores_link_lists_and_is_empty_without_prose() -> None:
    links = "".join(f"<a href=#{i}>{_prose('a teaser headline')}</a>" for i in range(5))
    page = f"<body><div>{links}</div><div><p>{_prose('The article')}</p></div></body>"
    regions = _regions(page)
    assert regions["The article "] == "in" and regions["a teaser hea"] == "out"
    assert set(_regions("<p>short</p><p>menu</p>").values()) == {""}
    assert set(_regions(_prose("Text with no markup at all")).values()) == {"in"}


def test_main_region_is_the_same_from_lxml_and_from_bs4(monkeypatch: pytest.MonkeyPatch) -> None:
    page = (
        f"<body><div id=a><p>{_prose('First')}</p><div><p>{_prose('Second')}</p></div></div>"
        f"<aside><p>{_prose('Aside text')}</p></aside></body>"
    )
    with_lxml = [block.html for block in page_blocks(page)]
    monkeypatch.setattr(html_module, "_lxml_tree", lambda text: None)
    assert [block.html for block in page_blocks(page)] == with_lxml
    assert [html.main_region for html in with_lxml] == ["in", "in", "out"]


def test_blocks_to_text_offsets_point_at_each_block() -> None:
    blocks = page_blocks("<p>One</p><p>Two words</p><div>three</div>")
    text, spans = blocks_to_text(blocks)
    assert text == "One\n\nTwo words\n\nthree"
    assert [text[start:end] for start, end in spans] == ["One", "Two words", "three"]


def test_the_bs4_fallback_gives_the_same_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    page = (
        "<html><body><nav class='topNav'><a>Home</a></nav><div id='main'>Lead <a>x</a>"
        "<p>Para</p><ul><li>li</li></ul><script>s</script><!-- c --></div></body></html>"
    )
    fast = page_blocks(page)
    monkeypatch.setattr(html_module, "_lxml_tree", lambda text: None)
    assert page_blocks(page) == fast


# --------------------------------------------------------------------------- robustness


def test_a_hundred_thousand_nested_divs_do_not_recurse() -> None:
    depth = 100_000
    page = "<p>before</p>" + "<div>" * depth + "deep text" + "</div>" * depth + "<p>after</p>"
    assert texts(page) == ["before", "deep text", "after"]


def test_malformed_markup_and_huge_attributes_do_not_crash() -> None:
    page = (
        f"<div class='{'a-' * 200_000}'><p>unclosed <b>bold <i>italic<td>cell</tr>"
        "<p>next</div></span></html><<<>>>&amp;&bogus; <p>end"
    )
    result = texts(page)
    assert result[0] == "unclosed bold italic"
    assert result[-1] == "end"


def test_binary_garbage_never_raises() -> None:
    rng = random.Random(7)
    for size in (0, 1, 100, 50_000):
        data = bytes(rng.randrange(256) for _ in range(size))
        blocks = page_blocks(data)
        assert all(block.text.strip() == block.text and block.text for block in blocks)


# --------------------------------------------------------------------------- decoding


def test_explicit_encoding_wins_over_everything() -> None:
    data = '<meta charset="utf-8"><p>ça</p>'.encode("cp1252")
    assert "ça" in decode_html(data, "windows-1252")
    assert "\u00e7a" in decode_html("ça".encode("latin-1"), "latin-1")


def test_byte_order_marks_are_honoured() -> None:
    assert decode_html(b"\xef\xbb\xbf<p>caf\xc3\xa9</p>") == "<p>café</p>"
    assert decode_html("<p>café</p>".encode("utf-16")) == "<p>café</p>"


def test_a_truthful_meta_charset_is_used() -> None:
    data = '<meta charset="windows-1251"><p>Привет</p>'.encode("cp1251")
    assert "Привет" in decode_html(data)
    http_equiv = (
        b'<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">'
        + "<p>Привет</p>".encode("koi8-r")
    )
    assert "Привет" in decode_html(http_equiv)


def test_a_lying_meta_charset_does_not_win() -> None:
    says_latin1 = '<meta charset="iso-8859-1"><p>naïve café</p>'.encode()
    assert "naïve café" in decode_html(says_latin1)
    says_utf8 = '<meta charset="utf-8"><p>naïve café</p>'.encode("cp1252")
    assert "naïve café" in decode_html(says_utf8)
    unknown = '<meta charset="no-such-codec"><p>café</p>'.encode()
    assert "café" in decode_html(unknown)


def test_undecodable_bytes_become_replacement_characters() -> None:
    assert decode_html(b"<p>\x81\x8d ok</p>") == "<p>\ufffd\ufffd ok</p>"
    assert decode_html(b"<p>x</p>", "not-a-codec") == "<p>x</p>"


def test_page_blocks_decodes_bytes_with_the_given_encoding() -> None:
    data = "<p>Grüße</p>".encode("cp1252")
    assert texts(data) == ["Grüße"]
    assert [b.text for b in page_blocks("<p>é</p>".encode(), encoding="cp1252")] == ["Ã©"]
