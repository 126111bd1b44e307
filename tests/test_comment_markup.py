"""One definition of comment-thread markup, seen by the model as a page-block column."""

from __future__ import annotations

import numpy as np
import pytest

from declutter.comment_markup import comment_words, in_comment_markup, is_comment_word
from declutter.context import N_CONTEXT_COLUMNS, comment_markup_column, context_matrix
from declutter.core import prepare, prepare_html
from declutter.features import N_DENSE, extract


@pytest.mark.parametrize(
    "word", ["comment", "comments", "commentlist", "commentbody", "disqus", "reply", "respond"]
)
def test_comment_systems_container_words_name_a_thread(word: str) -> None:
    assert is_comment_word(word)


@pytest.mark.parametrize(
    "word", ["commentary", "commented", "commentator", "replace", "replica", "content", "com"]
)
def test_article_genres_post_states_and_look_alikes_do_not(word: str) -> None:
    assert not is_comment_word(word)


def test_words_are_read_from_a_blocks_own_and_ancestors_class_words() -> None:
    assert comment_words("text body comment list main") == frozenset({"comment"})
    assert in_comment_markup("quote comment body cw tree commtree")
    assert not in_comment_markup("article sectbody news subjective commentary main")


def test_pass_two_sees_comment_markup_as_a_column_of_page_blocks_only() -> None:
    page = prepare_html(
        "<html><body><div class='entry-content'><p>The quay opens in May.</p></div>"
        "<ol class='commentlist'><li><p>Great news for the town.</p></li></ol>"
        "<div class='commentary'><p>Our view: the quay is late.</p></div></body></html>"
    )
    column = dict(zip((u.text for u in page.units), comment_markup_column(page.units)))
    assert column == {
        "The quay opens in May.": 0.0,
        "Great news for the town.": 1.0,
        "Our view: the quay is late.": 0.0,
    }
    text = prepare("Great news for the town.\nReply")
    assert not comment_markup_column(text.units).any()


def test_the_column_is_in_the_context_matrix_and_not_in_pass_one() -> None:
    page = prepare_html("<ol class='comments'><li><p>Great news for the town.</p></li></ol>")
    _, dense = extract(page.units, hash_bits=10)
    matrix = context_matrix(page.units, np.zeros(len(page.units)), dense)
    assert matrix.shape[1] == N_CONTEXT_COLUMNS
    # the column sits just before the sibling-content column and the unit's shallow features
    assert matrix[0, N_CONTEXT_COLUMNS - N_DENSE - 2] == 1.0
    # pass one's shallow block does not see it: the same block in a plain list reads alike
    plain = prepare_html("<ol class='items'><li><p>Great news for the town.</p></li></ol>")
    _, plain_dense = extract(plain.units, hash_bits=10)
    np.testing.assert_array_equal(dense, plain_dense)
