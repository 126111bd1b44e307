"""A removed page block's class and id words name its kind before the kind model does."""

from __future__ import annotations

import pytest

import declutter
from declutter.html import BlockFeatures
from declutter.kind_hints import (
    CLASS_WORD_KINDS,
    is_counter,
    kind_from_class_words,
    names_a_network,
    page_kind,
    reads_as_headline,
)
from declutter.kinds import INSERT_KINDS
from declutter.scoring import KindChoice

ARTICLE = "".join(
    f"<p>{sentence}</p>"
    for sentence in (
        "The regional council approved a plan on Tuesday to rebuild the old harbour wall.",
        "Work on the first section is due to start in the spring and to last two years.",
        "Engineers said the wall had been damaged by three winter storms in a row.",
    )
)


def page(box: str) -> str:
    return f"<html><body><main><article>{ARTICLE}</article></main>{box}</body></html>"


#: What these tests check is the name a removed block gets, not whether it is removed; on
#: such a small page the model ab158e6a (shipped until 2026-12-05) keeps a lone "print" of a
#: share bar (0.69) and a lone related link (0.65) at its own threshold (0.895), so they
#: remove at 0.5.
THRESHOLD = 0.5


def removed_kinds(markup: str) -> dict[str, str]:
    return {s.text: s.kind for s in declutter.clean_html(markup, threshold=THRESHOLD).removed}


def test_every_hinted_kind_is_an_insert_kind() -> None:
    assert {kind for kind, _ in CLASS_WORD_KINDS} <= set(INSERT_KINDS)


def test_nesting_is_resolved_by_order_not_by_which_word_comes_first() -> None:
    # a consent dialog's vendor list: "ads" and "advertising" sit beside "cmp" and "consent"
    assert kind_from_class_words("advertising mol ads cmp settings consent") == "consent"
    assert kind_from_class_words("share tools recent comments") == "comments"
    assert kind_from_class_words("promo ad external") is None  # "ad" alone names nothing
    # menu words come last: a related box inside a menu is related
    assert kind_from_class_words("dropdown menu nav navbar") == "navigation"
    assert kind_from_class_words("related stories menu") == "related"


@pytest.mark.parametrize(
    "class_words", ["commentlist item", "comment body", "reply link", "respond form", "disqus"]
)
def test_the_models_comments_stand_inside_comment_markup(class_words: str) -> None:
    block = BlockFeatures(class_words=class_words)
    assert page_kind(block, "Reply", KindChoice("comments", "navigation")) == "comments"
    assert page_kind(block, "12", KindChoice("comments", "navigation")) == "comments"


@pytest.mark.parametrize("class_words", ["", "calendar day cell", "gallery photocount"])
def test_without_comment_markup_the_models_second_choice_names_a_comments_guess(
    class_words: str,
) -> None:
    """The model named "28" (a calendar day), "1 of 72" (a gallery counter) and menu items
    ``comments``; a comment section sits in containers its software names."""
    block = BlockFeatures(class_words=class_words)
    assert page_kind(block, "Asia", KindChoice("comments", "navigation")) == "navigation"
    assert page_kind(block, "Asia", KindChoice("comments", "other")) == "other"
    assert page_kind(block, "Asia", KindChoice("related", "comments")) == "related"


@pytest.mark.parametrize("counter", ["28", "(3)", "1 of 72", "14 / 72"])
def test_a_bare_counter_outside_comment_markup_is_navigation(counter: str) -> None:
    """A calendar day, page number or gallery position the model called ``comments`` is
    navigation whatever its second choice ("28" of a blog calendar was named ``social``)."""
    block = BlockFeatures(class_words="calendar day")
    assert is_counter(counter)
    assert page_kind(block, counter, KindChoice("comments", "social")) == "navigation"
    assert (
        page_kind(
            BlockFeatures(class_words="comment meta"), counter, KindChoice("comments", "social")
        )
        == "comments"
    )


@pytest.mark.parametrize("text", ["6-2", "Page 2", "2019 in review", "1 of 72 photos"])
def test_numbers_inside_words_are_not_counters(text: str) -> None:
    assert not is_counter(text)


LINK = BlockFeatures(link_density=1.0)


@pytest.mark.parametrize(
    "headline",
    [
        "Meet Silicon Valley's most stylish geek-chic guys",
        "The Observer | Bosses in love with claptrap and blinded by ideologies",
        "4 High-risk Industries with Workplace Safety Concerns",
    ],
)
def test_a_linked_headline_the_model_calls_navigation_is_related(headline: str) -> None:
    assert page_kind(LINK, headline, KindChoice("navigation", "comments")) == "related"
    # the same words as a page's own line, not a link, stay what the model says
    unlinked = BlockFeatures(link_density=0.2)
    assert page_kind(unlinked, headline, KindChoice("navigation", "comments")) == "navigation"
    # a menu's class words name it first
    menu = BlockFeatures(class_words="main menu", link_density=1.0)
    assert page_kind(menu, headline, KindChoice("navigation", "comments")) == "navigation"


@pytest.mark.parametrize(
    "menu_line",
    [
        "Contact Us",
        "Enterprise, Industry and Services",
        "Home | About Us | Contact Us",
        "Posted by jamie k at 10:58 AM | Permalink | Comments (1) | TrackBack (0)",
        "Next post: A Journey Without a Goal",
        "« Previous Post Think Like a Doctor: A Terrible Leg Wound Solved",
    ],
)
def test_menu_items_meta_lines_and_sequence_links_are_not_headlines(menu_line: str) -> None:
    assert not reads_as_headline(menu_line)
    assert page_kind(LINK, menu_line, KindChoice("navigation", "related")) == "navigation"


@pytest.mark.parametrize("name", ["Twitter", "LinkedIn", " YouTube ›", "facebook"])
def test_a_lone_network_name_is_social(name: str) -> None:
    assert names_a_network(name)
    footer = BlockFeatures(class_words="footer links", link_density=1.0)
    assert page_kind(footer, name, KindChoice("navigation", "comments")) == "social"


def test_a_network_in_a_sentence_is_not_a_button() -> None:
    assert not names_a_network("Facebook to cut 3,000 jobs")
    assert not names_a_network("Email")  # a newsletter's or a share bar's: left to the model


def test_a_removed_block_in_a_share_bar_is_named_social() -> None:
    # without the hint the kind model named these three "consent" (model ddb058cb)
    kinds = removed_kinds(
        page('<ul class="social-share"><li>Facebook</li><li>Twitter</li><li>print</li></ul>')
    )
    assert kinds == {"Facebook": "social", "Twitter": "social", "print": "social"}


def test_the_hint_names_only_removed_blocks_and_leaves_the_decision_alone() -> None:
    box = (
        '<div class="related-stories"><ul><li><a href="/a">Harbour fees to rise</a></li></ul></div>'
    )
    with_hint = declutter.clean_html(page(box), threshold=THRESHOLD)
    plain = declutter.clean_html(page(box.replace("related-stories", "box")), threshold=THRESHOLD)
    assert [s.removed for s in with_hint.segments] == [s.removed for s in plain.segments]
    assert {s.text: s.kind for s in with_hint.removed}.get("Harbour fees to rise") == "related"
    assert all(s.kind == "content" for s in with_hint.segments if not s.removed)


def test_plain_text_kinds_come_from_the_model_alone() -> None:
    from declutter.core import _with_page_hints, prepare, prepare_html

    text = prepare("Share this article\nThe council approved the plan on Tuesday.")
    guess = [KindChoice("advert", "social")]
    assert _with_page_hints(text, [0], guess) == ["advert"]  # no markup: model's kind
    html = prepare_html('<div class="share-bar"><p>Share this article</p></div>')
    assert _with_page_hints(html, [0], guess) == ["social"]


def test_the_cleaner_passes_each_blocks_own_text_and_link_density() -> None:
    from declutter.core import _with_page_hints, prepare_html

    teaser = prepare_html(
        '<div class="box"><a href="/x">Why the harbour wall failed twice this winter</a></div>'
        '<div class="box"><a href="/y">Harbour</a></div>'
        '<div class="box"><p>Why the harbour wall failed twice this winter</p></div>'
    )
    guess = [KindChoice("navigation", "comments")] * 3
    assert _with_page_hints(teaser, [0, 1, 2], guess) == ["related", "navigation", "navigation"]
