"""Comment threads after the article that a snippet-labelled corpus leaves unlabelled."""

from __future__ import annotations

from declutter.comment_markup import comment_words
from declutter.html import page_blocks
from declutter.training.comment_threads import label_comment_threads

STORY = [
    "The harbour authority approved the new quay on Tuesday after two years of planning.",
    "Work starts in spring and should end before the summer season of the following year.",
]
THREAD = ["Great news for the town, finally.", "Reply", "Leave a comment", "Website"]


def _page(article_class: str, thread_class: str, before: str = "") -> bytes:
    story = "".join(f"<p>{text}</p>" for text in STORY)
    thread = "".join(f"<li><p>{text}</p></li>" for text in THREAD)
    return (
        f"<html><body>{before}<div class='{article_class}'>{story}</div>"
        f"<ol class='{thread_class}'>{thread}</ol></body></html>"
    ).encode()


def _labels(html: bytes, gold: list[str | None]) -> list[str | None]:
    return label_comment_threads(page_blocks(html), gold)


def test_unlabelled_thread_blocks_after_the_article_become_inserts() -> None:
    html = _page("entry-content", "commentlist")
    gold: list[str | None] = ["content", None, None, None, None, None]
    assert _labels(html, gold) == ["content", None, "insert", "insert", "insert", "insert"]


def test_the_gold_label_of_a_block_stands() -> None:
    html = _page("entry-content", "commentlist")
    gold: list[str | None] = ["content", None, None, "content", None, None]
    # the gold says the second comment block is content: nothing after it is relabelled, and
    # the content block's own comment word now counts as the article's
    assert _labels(html, gold) == gold


def test_a_comment_word_the_article_carries_labels_nothing() -> None:
    html = _page("post comments-open", "comments-open")
    gold: list[str | None] = ["content", "content", None, None, None, None]
    assert _labels(html, gold) == gold


def test_thread_markup_before_the_article_is_left_alone() -> None:
    html = _page(
        "entry-content",
        "commentlist",
        before="<div class='recent-comments'><p>Ann on quay</p></div>",
    )
    gold: list[str | None] = [None, "content", "content", None, None, None, None]
    labels = _labels(html, gold)
    assert labels[0] is None
    assert labels[3:] == ["insert"] * 4


def test_a_page_without_gold_content_is_left_alone() -> None:
    html = _page("entry-content", "commentlist")
    gold: list[str | None] = [None] * 6
    assert _labels(html, gold) == gold


def test_reply_words_are_whole_words_not_prefixes() -> None:
    blocks = page_blocks(
        b"<html><body><div class='replace'><p>Spare parts</p></div>"
        b"<div class='reply'><p>Reply</p></div>"
        b"<div id='disqus_thread'><p>Load</p></div></body></html>"
    )
    words = [sorted(comment_words(block.html.class_words)) for block in blocks]
    assert words == [[], ["reply"], ["disqus"]]
