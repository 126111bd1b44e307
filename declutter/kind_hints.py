"""Kinds that a page's own markup names: the class and id words around a removed block.

The kind model learns from our own labelled data, which holds few real pages, and on real
pages it confuses kinds that their markup tells apart at a glance: a consent dialog's
vendor list sits in ``cmp``/``consent`` containers, a share bar in ``sharetools``, a teaser
list in ``most-popular`` or ``related``. So for a removed page block, a class or id word of
its element or its ancestors (:attr:`declutter.html.BlockFeatures.class_words`) that
belongs to one of the sets below names its kind, before the model does. The kind never
decides what is removed; only the name of what was removed changes.

The sets are ordered, first match wins, because containers nest: a consent dialog holds
advertisers' names, a comment thread holds share links, a "recent comments" box is about
comments. Words that mean many things on real pages are left out: ``ad``/``ads`` (ids such
as "nav-ad-external" or "mol-ads-cmp"), ``subscribe``, ``nav`` and ``footer`` (the model
names navigation well already). On 198 hand-labelled removed segments of the evaluation
corpora's dev pages (``python -m benchmarks.kinds score``), the shipped model's kinds are
right on 0.591 without these hints and 0.717 with them; those labels were read to choose
the sets, so that is a development figure (benchmarks/README.md, "Kinds").
"""

from __future__ import annotations

from typing import Final

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
    )
)


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
