"""What a page's markup calls a reader-comment thread: one definition for pass two's column
(:func:`declutter.context.comment_markup_column`), the training labels of trafilatura_eval's
threads (:mod:`declutter.training.comment_threads`) and the kind of a removed block
(:mod:`declutter.kind_hints`).

Comment systems name their containers ``comment``, ``commentlist``, ``comment-body``,
``comments-area``, ``disqus_thread``, ``reply``, ``respond``; class and id values are split
into lower-case words first (:func:`declutter.html.class_words`). A word that starts with
``comment`` or ``disqus`` names a thread, except words for an article genre or a post's
state (``commentary``, ``commented``: a newspaper's opinion piece, a WordPress post that has
comments); ``reply``, ``replies`` and ``respond`` count as whole words only, since ``replace``
and ``replica`` name no thread.
"""

from __future__ import annotations

from typing import Final

COMMENT_PREFIXES: Final = ("comment", "disqus")
#: Words with a comment prefix that name no thread.
NOT_THREAD_WORDS: Final = frozenset({"commentary", "commentaries", "commented", "commentator"})
#: Whole words of reply markup.
REPLY_WORDS: Final = frozenset({"reply", "replies", "respond"})


def is_comment_word(word: str) -> bool:
    """Whether one class/id word names a comment thread.

    >>> [is_comment_word(w) for w in ("commentlist", "disqus", "reply", "replace", "commentary")]
    [True, True, True, False, False]
    """
    if word in REPLY_WORDS:
        return True
    return word.startswith(COMMENT_PREFIXES) and word not in NOT_THREAD_WORDS


def comment_words(class_words: str) -> frozenset[str]:
    """The words of a block's space-joined class/id words that name a comment thread.

    >>> sorted(comment_words("comment body reply link post entry"))
    ['comment', 'reply']
    """
    return frozenset(word for word in class_words.split() if is_comment_word(word))


def in_comment_markup(class_words: str) -> bool:
    """Whether any of a block's class/id words (its own or an ancestor's) names a thread."""
    return any(is_comment_word(word) for word in class_words.split())
