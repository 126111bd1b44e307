"""Kinds that a page's own markup names: the class and id words around a removed block.

The kind model learns from our own labelled data, which holds few real pages, and on real
pages it confuses kinds that their markup tells apart at a glance: a consent dialog's
vendor list sits in ``cmp``/``consent`` containers, a share bar in ``sharetools``, a teaser
list in ``most-popular`` or ``related``, a menu in ``nav`` or ``menu``. So for a removed page
block, a class or id word of its element or its ancestors
(:attr:`declutter.html.BlockFeatures.class_words`) that belongs to one of the sets below
names its kind, before the model does; and the model's ``comments`` stands only inside
comment markup (:func:`page_kind`). The kind never decides what is removed; only the name
of what was removed changes.

The sets are ordered, first match wins, because containers nest: a consent dialog holds
advertisers' names, a comment thread holds share links, a "recent comments" box is about
comments, and a menu word comes last because menus hold everything. Words that mean many
things on real pages are left out: ``ad``/``ads`` (ids such as "nav-ad-external" or
"mol-ads-cmp"), ``subscribe`` and ``footer``. Measured with ``python -m benchmarks.kinds
score`` on hand-labelled removed segments of the evaluation corpora's dev pages (the share
of insert segments whose kind is right): on the first sample (190 segments, which chose the
sets, so a development figure) the model alone is right on 0.591 of an earlier 198, with the
first six sets 0.747, with the menu words and the comments rule 0.763; on the second sample
(100 segments, labelled before these two were written) 0.620 and 0.670
(benchmarks/README.md, "Kinds").
"""

from __future__ import annotations

from typing import Final

from .scoring import KindChoice

#: (kind, class/id words that name it), in the order they are tried.
CLASS_WORD_KINDS: Final[tuple[tuple[str, frozenset[str]], ...]] = tuple(
    (kind, frozenset(words.split()))
    for kind, words in (
        ("consent", "cookie cookies consent consents gdpr cmp"),
        ("comments", "comment comments disqus respond reply replies"),
        ("newsletter", "newsletter newsletters"),
        ("social", "share sharing sharetools social facebook twitter pinterest linkedin whatsapp"),
        (
            "related",
            "related recommended recommendations popular trending recent recirculation "
            "outbrain taboola",
        ),
        ("advert", "advert adverts advertisement advertising sponsored"),
        ("navigation", "nav navbar navigation menu menus breadcrumb breadcrumbs pagination pager"),
    )
)
#: How comment systems mark their containers ("comment-body", "commentlist", "reply",
#: "respond", "disqus_thread"): the start of a class or id word.
COMMENT_MARKS: Final = ("comment", "repl", "respond", "disqus")


def page_kind(class_words: str, choice: KindChoice) -> str:
    """The kind of a removed page block: the one its class and id words name, else the
    kind model's, except that ``comments`` needs comment markup around it.

    On real pages the model names short menu items, calendar days and gallery counters
    ``comments`` ("Asia", "28", "1 of 72": the commonest confusion in both hand-labelled
    samples), while a real comment section sits in containers its software names
    (:data:`COMMENT_MARKS`). Without such a word the model's second choice stands.

    >>> page_kind("dropdown menu nav", KindChoice("comments", "related"))
    'navigation'
    >>> page_kind("gallery photocount", KindChoice("comments", "navigation"))
    'navigation'
    >>> page_kind("commentlist item", KindChoice("comments", "navigation"))
    'comments'
    """
    named = kind_from_class_words(class_words)
    if named is not None:
        return named
    if choice.first == "comments" and not any(
        word.startswith(COMMENT_MARKS) for word in class_words.split()
    ):
        return choice.second
    return choice.first


def kind_from_class_words(class_words: str) -> str | None:
    """The kind the class/id words name (the first set in :data:`CLASS_WORD_KINDS` that
    holds one of them), or None when none does.

    >>> kind_from_class_words("item list most popular sidebar")
    'related'
    >>> kind_from_class_words("mol ads cmp settings consent")
    'consent'
    >>> kind_from_class_words("entry content main") is None
    True
    """
    if not class_words:
        return None
    words = set(class_words.split())
    for kind, named_by in CLASS_WORD_KINDS:
        if words & named_by:
            return kind
    return None
