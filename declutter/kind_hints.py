"""Kinds that a removed page block's markup and text name, before the kind model does.

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
"mol-ads-cmp"), ``subscribe`` and ``footer``. Where no word names the kind, the block's own
text corrects the model's commonest confusions (:func:`page_kind`): a lone network name is
``social``, a bare counter outside comment markup ``navigation``, a linked headline the model
calls ``navigation`` is ``related``.

Measured with ``python -m benchmarks.kinds score`` on hand-labelled removed segments of the
evaluation corpora's dev pages (the share of insert segments whose kind is right; model m45):
class words alone 0.763 of 190 (first sample, which chose the sets) and 0.702 of 94 (second
sample); with the text rules, chosen by reading both samples' confusions, 0.795 and 0.787; on
a third sample labelled blind by another labeller after the rules were written, 0.768 without
them and 0.813 with them, of 112. m47 with the rules: 0.792 of 192, 0.800 of 90 and 0.829 of
105; the shipped model since (m48, which removes other page blocks): 0.802 of 187, 0.785 of
93 and 0.807 of 109 (benchmarks/README.md, "Kinds"; held by tests/test_kind_accuracy.py).
"""

from __future__ import annotations

import re
from typing import Final

from .comment_markup import in_comment_markup
from .html import BlockFeatures
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
#: Social networks whose name alone, as a link, is a share or follow button.
NETWORK_NAMES: Final = frozenset(
    "facebook twitter linkedin instagram youtube pinterest whatsapp reddit tumblr flickr "
    "tiktok telegram mastodon xing vkontakte".split()
)
#: Share of a block's characters in links from which a headline-like block is a link to
#: another article rather than a line of the page's own text.
HEADLINE_LINK_DENSITY: Final = 0.5
#: Fewest words of a headline: menu items run one to four ("Contact Us", "Enterprise,
#: Industry and Services"), another article's headline runs longer.
HEADLINE_WORDS: Final = 5
_COUNTER = re.compile(r"\(?\d{1,4}\)?(?:\s*(?:of|/)\s*\d{1,4})?")
#: What joins menu items written on one line ("About | Contact · Jobs").
_ITEM_SEPARATORS = re.compile(r"[|·•»«›‹]")
_WORD = re.compile(r"\w+")
#: First words of previous/next links: they name another article but are a page's own
#: navigation ("« Previous Post ...", "Next post: ...").
SEQUENCE_WORDS: Final = frozenset({"next", "previous", "prev", "older", "newer"})


def names_a_network(text: str) -> bool:
    """Whether ``text`` is only a social network's name ("Twitter", "LinkedIn >").

    >>> names_a_network(" Facebook "), names_a_network("Facebook to cut 3,000 jobs")
    (True, False)
    """
    return text.strip(" \t\n›»>|·•:").casefold() in NETWORK_NAMES


def is_counter(text: str) -> bool:
    """Whether ``text`` is a bare number or position: "28", "(3)", "1 of 72", "4/12".

    >>> is_counter("28"), is_counter("14 of 72"), is_counter("6-2"), is_counter("Page 2")
    (True, True, False, False)
    """
    return _COUNTER.fullmatch(text.strip()) is not None


def reads_as_headline(text: str) -> bool:
    """Whether ``text`` reads as another article's headline rather than a menu item: one of
    its items (split at the separators menus put between them) has
    :data:`HEADLINE_WORDS` words or more, and it is neither a previous/next link nor a line
    of three items or more (a menu, or a post's "Posted by X at 10:58 | Permalink |
    Comments (1)"; a headline carries at most its site's name: "The Observer | ...").

    >>> reads_as_headline("Geoff Emerick, Beatles Recording Engineer, Dead at 72")
    True
    >>> reads_as_headline("Home | About Us | Contact Us | Privacy Policy")
    False
    >>> reads_as_headline("Next post: A Journey Without a Goal")
    False
    """
    items = _ITEM_SEPARATORS.split(text)
    first = _WORD.search(text)
    if len(items) > 2 or first is None or first.group().casefold() in SEQUENCE_WORDS:
        return False
    return any(
        sum(1 for word in item.split() if _WORD.search(word)) >= HEADLINE_WORDS for item in items
    )


def page_kind(block: BlockFeatures, text: str, choice: KindChoice) -> str:
    """The kind of a removed page block ``text`` whose markup is ``block``.

    In this order: the kind its class and id words name (:func:`kind_from_class_words`);
    ``social`` for a lone social network name (:func:`names_a_network`); else the kind
    model's, with two corrections for what it confuses on real pages:

    * its ``comments`` stands only inside comment markup
      (:func:`declutter.comment_markup.in_comment_markup`). The model names short menu
      items, calendar days and gallery counters ``comments`` ("Asia", "28", "1 of 72": the
      commonest confusion in both hand-labelled samples), while a real comment section
      sits in containers its software names. Outside them, a bare counter
      (:func:`is_counter`) is ``navigation`` (a calendar day, a page number, a gallery
      position), anything else the model's second choice;
    * its ``navigation`` on a link that reads as a headline (:func:`reads_as_headline`) is
      ``related``: menu items are one to four words, another article's headline is longer,
      and teaser lists without a class word that says so were the commonest miss left.

    >>> page_kind(BlockFeatures(class_words="dropdown menu nav"), "Asia",
    ...           KindChoice("comments", "related"))
    'navigation'
    >>> page_kind(BlockFeatures(class_words="gallery photo"), "1 of 72",
    ...           KindChoice("comments", "other"))
    'navigation'
    >>> page_kind(BlockFeatures(link_density=1.0), "Why the harbour wall failed twice",
    ...           KindChoice("navigation", "related"))
    'related'
    """
    named = kind_from_class_words(block.class_words)
    if named is not None:
        return named
    if names_a_network(text):
        return "social"
    kind = choice.first
    if kind == "comments" and not in_comment_markup(block.class_words):
        kind = "navigation" if is_counter(text) else choice.second
    linked = block.link_density >= HEADLINE_LINK_DENSITY
    if kind == "navigation" and linked and reads_as_headline(text):
        return "related"
    return kind


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
