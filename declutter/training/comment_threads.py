"""Labels for the reader-comment threads that trafilatura_eval leaves unlabelled.

trafilatura_eval labels a few snippets of each page's article; a page's comment thread is
mostly left unlabelled, and the three extractors of :mod:`declutter.training.agreement`
seldom agree on all of it. Worse, their unanimous "kept" verdict inside a thread falls on
short blocks whose words also occur in the article ("A", "Fazit:", "Quellen:", "2.)", a
comment form's "Webseite"), so those blocks were labelled content and taught the model that
comment markup holds article text. Comment threads are the largest share of what
``clean_html`` keeps wrongly on dragnet's dev pages (639 k of 964 k insert characters kept,
2026-12-05, docs/experiments.md section 13).

The rule: on a page whose gold leaves blocks unlabelled, a block the gold does not label,
lying after the gold's last content block, whose class or id words name a comment thread
(:func:`declutter.comment_markup.comment_words`) that no gold content block of the page
carries, is an insert.
"After the last content block" and "no content block carries it" keep the article's own
container out (``post comments-open``) and pages whose discussion *is* the content (a
forum thread whose posts the gold snippets quote). Its noise, measured on the fully
labelled dev pages of five corpora by checking every block the rule would take against its
gold label (15,216 inserts, no content block), is in docs/experiments.md section 13; that
was with version 1 of the thread words, and version 2 (:mod:`declutter.comment_markup`,
shared with the model's column and the kinds) takes a subset of the same blocks: on
trafilatura_eval's dev pages 4 block labels differ.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..comment_markup import comment_words
from ..html import HtmlBlock
from ..kinds import CONTENT, INSERT

#: Part of the digest of every trafilatura_eval dataset: a change to the rule is a change to
#: the data a model was trained on.
#: (2: the thread words of :mod:`declutter.comment_markup`, which leave out ``commentary``
#: and ``commented``.)
RULE_VERSION = "comment-threads-2"


def label_comment_threads(
    blocks: Sequence[HtmlBlock], gold: Sequence[str | None]
) -> list[str | None]:
    """``gold`` with the unlabelled blocks of comment threads after the article as inserts.

    ``gold`` is the corpus's own label of each block (None where it says nothing), before
    any other labelling fills the gaps; blocks the gold labels keep their label.
    """
    content_at = [i for i, label in enumerate(gold) if label == CONTENT]
    if not content_at:
        return list(gold)
    article_words = frozenset().union(
        *(comment_words(blocks[i].html.class_words) for i in content_at)
    )
    labels = list(gold)
    for i in range(content_at[-1] + 1, len(blocks)):
        if labels[i] is None and comment_words(blocks[i].html.class_words) - article_words:
            labels[i] = INSERT
    return labels
