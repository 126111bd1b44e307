"""Turn an HTML page into visible text blocks, each with a few structural features.

A *block* is the text a browser would lay out between two block-level boundaries: a ``<p>``,
a ``<li>``, a ``<td>``, or the inline text that sits directly in a ``<div>`` together with its
``<a>``/``<span>``/``<b>`` children. Blocks are the paragraphs that the classifier scores when
it cleans a page, and the units that the corpus loaders (:mod:`declutter.training.corpora`) label.

Why the features look the way they do: boilerplate gives itself away in markup more than in
words (a teaser is mostly link text, a menu sits in ``<nav>``, a sign-up box has class
``newsletter``), so each block carries its link density, the class/id words of its element and
a few ancestors, its depth, and the nearest semantic container. The feature dict always has the
same keys so it can be stored in JSONL and vectorised without special cases.

Two hard requirements shape the code:

* **No recursion.** Real pages (and hostile ones) nest tens of thousands of elements; the tree
  is walked with an explicit stack, carrying the ancestor context down, so depth costs memory,
  not Python stack frames.
* **One parse, one pass.** This runs on every page :func:`declutter.clean_html` sees, so there
  is no per-node ``find_parents`` and no second traversal.
"""

from __future__ import annotations

import logging
import re
import warnings
from dataclasses import dataclass, fields, replace
from typing import Any

from bs4 import BeautifulSoup, NavigableString, Tag

from .decoding import decode_page

log = logging.getLogger(__name__)

#: Elements whose content is never visible text (``rt``/``rp``: ruby readings, which would
#: otherwise be spliced into the base text; ``noframes``/``noembed``: fallbacks that browsers
#: never show, read by libxml2 as raw markup). Not here, because a reader sees their text:
#: ``math`` (but not its annotations), ``object`` (its fallback content), ``map`` (its links)
#: and ``svg`` (only the text of its ``<text>`` and ``<foreignObject>`` elements; see
#: :func:`_foreign_context`); nor ``head``, whose metadata elements are all here: libxml2
#: keeps an ``<svg>``, ``<object>`` or custom element that follows a head's ``<script>`` in
#: the head, where a browser moves it to the body and shows it.
DROPPED_TAGS = frozenset(
    {
        "script", "style", "noscript", "template", "iframe", "embed", "canvas", "select",
        "option", "optgroup", "datalist", "title", "meta", "link", "base", "audio", "video",
        "source", "track", "frameset", "frame", "rt", "rp", "noframes", "noembed",
    }
)  # fmt: skip
#: Elements inside ``<svg>`` whose text is drawn on the page (names as parsers give them).
SVG_TEXT_TAGS = frozenset({"text", "foreignobject"})
#: MathML's alternative forms of a formula (TeX source...), never drawn.
MATH_HIDDEN_TAGS = frozenset({"annotation", "annotation-xml"})
#: HTML elements that end SVG or MathML content in a browser (HTML's "breakout" list): an
#: ``<svg>`` left open does not hide the rest of the page.
FOREIGN_BREAKOUT_TAGS = frozenset(
    {
        "b", "big", "blockquote", "body", "br", "center", "code", "dd", "div", "dl", "dt", "em",
        "embed", "h1", "h2", "h3", "h4", "h5", "h6", "head", "hr", "i", "img", "li", "listing",
        "menu", "meta", "nobr", "ol", "p", "pre", "ruby", "s", "small", "span", "strong",
        "strike", "sub", "sup", "table", "tt", "u", "ul", "var",
    }
)  # fmt: skip

#: Elements that start and end a block (HTML's block-level and table elements, plus br/hr).
BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "br", "caption", "center", "dd",
        "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure",
        "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html",
        "legend", "li", "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table",
        "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "listing", "plaintext",
        "xmp", "textarea", "output", "search",
    }
)  # fmt: skip

HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
LIST_ITEM_TAGS = frozenset({"li", "dt", "dd"})
TABLE_TAGS = frozenset({"table", "tbody", "thead", "tfoot", "tr", "td", "th", "caption"})
SEMANTIC_TAGS = frozenset({"article", "main", "aside", "nav", "footer", "header", "form"})
#: ARIA landmark roles that mean the same as a semantic element (sites use either).
ROLE_TO_SEMANTIC = {
    "article": "article",
    "main": "main",
    "complementary": "aside",
    "navigation": "nav",
    "contentinfo": "footer",
    "banner": "header",
    "form": "form",
    "search": "form",
}

#: A block counts as prose, for finding the page's main region, from this many visible
#: characters and below this link density (teasers and menus are short or mostly links).
PROSE_MIN_CHARS = 80
PROSE_MAX_LINK_DENSITY = 0.3
#: The main region is the deepest element holding at least this share of the prose.
MAIN_REGION_SHARE = 0.5
CLASS_WORD_ANCESTORS = 6  # the block element plus this many ancestors contribute class words
MAX_CLASS_WORDS = 20
_MAX_ATTRIBUTE_CHARS = 400  # longer class/id values are cut: they are generated, not meaningful

_CAMEL_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+")
_DISPLAY_NONE = re.compile(r"display\s*:\s*none", re.IGNORECASE)
# --------------------------------------------------------------------------- blocks


@dataclass(frozen=True)
class BlockFeatures:
    """What the markup says about one block of visible text (the model's page evidence).

    * ``tag``: the innermost block-level element holding the text (``"p"``, ``"li"``, ...);
    * ``link_density``: share of the block's non-space characters inside ``<a>`` (0..1);
    * ``class_words``: words of the class/id attributes of that element and up to six
      ancestors, innermost first, de-duplicated, at most 20, space-joined;
    * ``depth``: number of element ancestors of that element (``<html>`` is 0, ``<body>`` 1);
    * ``heading`` (h1-h6), ``list_item`` (li/dt/dd), ``in_table`` (inside a table);
    * ``in_semantic``: the nearest enclosing ``article``/``main``/``aside``/``nav``/
      ``footer``/``header``/``form`` (or the same ARIA landmark role), else ``""``;
    * ``main_region``: ``"in"`` or ``"out"`` of the page's main region (see
      ``_BlockBuilder.mark_main_region``), or ``""`` on a page with no prose to find one by.

    Labelled page data stores them as a JSON object with these keys (:meth:`to_json`).
    """

    tag: str = ""
    link_density: float = 0.0
    class_words: str = ""
    depth: int = 0
    heading: bool = False
    list_item: bool = False
    in_table: bool = False
    in_semantic: str = ""
    main_region: str = ""

    def to_json(self) -> dict[str, Any]:
        """The features as a JSON object, keys in :data:`FEATURE_KEYS` order."""
        return {name: getattr(self, name) for name in FEATURE_KEYS}

    @classmethod
    def from_json(cls, raw: object) -> BlockFeatures:
        """Features from a JSON object; a missing key takes its default, a wrong one is an
        error (``ValueError``) that names it."""
        if not isinstance(raw, dict):
            raise ValueError(f"html features must be an object, not {type(raw).__name__}")
        unknown = set(raw) - set(FEATURE_KEYS)
        if unknown:
            raise ValueError(f"unknown html feature {sorted(unknown)[0]!r}")
        for name, kind in _FEATURE_TYPES.items():
            value = raw.get(name, getattr(_NO_FEATURES, name))
            if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
                raise ValueError(f"html feature {name!r} must be {kind}, not {value!r}")
        return cls(**raw)


FEATURE_KEYS = tuple(field.name for field in fields(BlockFeatures))
_NO_FEATURES = BlockFeatures()
_FEATURE_TYPES: dict[str, type | tuple[type, ...]] = {
    "tag": str, "link_density": (int, float), "class_words": str, "depth": int,
    "heading": bool, "list_item": bool, "in_table": bool, "in_semantic": str,
    "main_region": str,
}  # fmt: skip


@dataclass(frozen=True)
class HtmlBlock:
    """One block of visible text and what the markup says about it."""

    text: str
    html: BlockFeatures


@dataclass
class _Context:
    """What an element passes down to its descendants while the tree is walked."""

    depth: int
    class_chain: tuple[tuple[str, ...], ...]  # class/id words of this element and ancestors
    in_table: bool
    semantic: str
    block_tag: str  # the innermost block-level element
    block_depth: int
    block_chain: tuple[tuple[str, ...], ...]
    in_link: bool
    annotation: str | None  # value of the nearest ``annotation_attr`` (corpus loaders only)
    element: int  # number of the element handing down this context (document order)
    block_element: int  # number of the innermost block-level element
    #: "svg" or "math" inside such content, else ""
    foreign: str = ""
    #: text here is not drawn: inside ``<svg>`` but not in one of its SVG_TEXT_TAGS (shapes,
    #: titles, descriptions), or in a MathML annotation
    drawing: bool = False


class _BlockBuilder:
    """Collects the text pieces of the block being read and turns them into blocks."""

    def __init__(self, track_annotations: bool) -> None:
        self.blocks: list[HtmlBlock] = []
        self.annotations: list[dict[str, int]] = []
        self._track = track_annotations
        self._pieces: list[str] = []
        self._link_chars = 0
        self._chars = 0
        self._annotation_chars: dict[str, int] = {}
        self._context: _Context | None = None
        #: parent number of every element entered so far (-1: the root's parent)
        self.parents: list[int] = []
        self._block_elements: list[int] = []
        self._block_chars: list[int] = []

    def enter(self, parent: int) -> int:
        """Number a newly entered element (numbers grow in document order)."""
        self.parents.append(parent)
        return len(self.parents) - 1

    def add(self, text: str, context: _Context) -> None:
        """Append a text node to the current block (unless it is not drawn as text)."""
        if context.drawing:
            return
        self._pieces.append(text)
        if self._context is None:
            self._context = context
        visible = _visible_length(text)
        self._chars += visible
        if context.in_link:
            self._link_chars += visible
        if self._track and visible:
            key = context.annotation or ""
            self._annotation_chars[key] = self._annotation_chars.get(key, 0) + visible

    def flush(self) -> None:
        """End the current block (at a block boundary); empty blocks vanish."""
        context = self._context  # set by the first add(), so present whenever pieces are
        if self._pieces and self._chars and context is not None:
            text = " ".join("".join(self._pieces).split())
            if text:
                self.blocks.append(HtmlBlock(text, self._features(context)))
                self._block_elements.append(context.block_element)
                self._block_chars.append(self._chars)
                if self._track:
                    self.annotations.append(self._annotation_chars)
        self._pieces = []
        self._link_chars = 0
        self._chars = 0
        self._annotation_chars = {}
        self._context = None

    def _features(self, context: _Context) -> BlockFeatures:
        tag = context.block_tag
        return BlockFeatures(
            tag=tag,
            link_density=round(self._link_chars / self._chars, 4),
            class_words=_join_class_words(context.block_chain),
            depth=context.block_depth,
            heading=tag in HEADING_TAGS,
            list_item=tag in LIST_ITEM_TAGS,
            in_table=context.in_table,
            in_semantic=context.semantic,
        )

    def mark_main_region(self) -> None:
        """Set every block's ``main_region``, once the whole page has been read.

        Why: an article's paragraphs sit together in one subtree, and comment threads,
        teaser rails and footers sit beside it. The main region is the deepest element that
        holds at least half of the page's prose characters (long blocks that are not mostly
        links) and, when the page has two or more prose blocks, at least two of them (so that
        one very long paragraph is not a region on its own). Such elements form one chain from
        the root, since two disjoint subtrees cannot both hold more than half (at exactly half
        each, the later wins); element numbers grow in document order, so the deepest is the
        highest-numbered. Text outside every element (a fragment parsed without a root) has
        the number -1, which then stands for the whole document.

        Cost: linear in elements plus blocks. Walking up the ancestors once per block was
        quadratic on deep pages (a chain of 32,000 ``<div>``s, each with a paragraph, took
        a minute), so the counts are summed bottom-up (:func:`_subtree_sums`) and the region's
        subtree is found top-down (:func:`_inside`), each in one pass over the elements.
        """
        own_prose = [0] * len(self.parents)
        own_blocks = [0] * len(self.parents)
        total = 0
        count = 0
        for block, element, chars in zip(self.blocks, self._block_elements, self._block_chars):
            if chars < PROSE_MIN_CHARS or block.html.link_density >= PROSE_MAX_LINK_DENSITY:
                continue
            total += chars
            count += 1
            if element >= 0:
                own_prose[element] += chars
                own_blocks[element] += 1
        if not total:
            return
        prose = _subtree_sums(self.parents, own_prose)
        prose_blocks = _subtree_sums(self.parents, own_blocks)
        least_blocks = min(2, count)
        region = max(
            (
                element
                for element in range(len(self.parents))
                if prose[element] >= total * MAIN_REGION_SHARE
                and prose_blocks[element] >= least_blocks
            ),
            default=-1,
        )
        inside = _inside(self.parents, region)
        for number, (block, element) in enumerate(zip(self.blocks, self._block_elements)):
            in_region = region < 0 or (element >= 0 and inside[element])
            where = "in" if in_region else "out"
            self.blocks[number] = HtmlBlock(block.text, replace(block.html, main_region=where))


def _subtree_sums(parents: list[int], own: list[int]) -> list[int]:
    """Each element's ``own`` value plus those of all its descendants.

    Why one backward pass suffices: a parent is numbered before its children (document
    order), so by the time an element's total is passed up, every descendant has been added.
    """
    sums = list(own)
    for element in range(len(parents) - 1, -1, -1):
        parent = parents[element]
        if parent >= 0:
            sums[parent] += sums[element]
    return sums


def _inside(parents: list[int], region: int) -> list[bool]:
    """Whether each element is ``region`` or one of its descendants (all False for -1).

    One forward pass: a parent is numbered before its children, so its answer is known.
    """
    inside = [False] * len(parents)
    for element in range(max(region, 0), len(parents)):
        parent = parents[element]
        inside[element] = element == region or (parent >= 0 and inside[parent])
    return inside


def _visible_length(text: str) -> int:
    """Number of non-whitespace characters (the unit of link density)."""
    return len("".join(text.split()))


def _join_class_words(chain: tuple[tuple[str, ...], ...]) -> str:
    """Class/id words from the block element outwards, de-duplicated, at most 20."""
    seen: dict[str, None] = {}
    for words in reversed(chain):
        for word in words:
            seen.setdefault(word, None)
            if len(seen) >= MAX_CLASS_WORDS:
                return " ".join(seen)
    return " ".join(seen)


def class_words(value: str) -> tuple[str, ...]:
    """Lower-cased alphabetic words of a class or id value: ``"articleBody-2 promo_box"``
    gives ``("article", "body", "promo", "box")``. One-letter words are dropped (grid noise).
    """
    words = _CAMEL_WORDS.findall(value[:_MAX_ATTRIBUTE_CHARS])
    return tuple(word.lower() for word in words if len(word) > 1)


def _element_words(attrs: Any) -> tuple[str, ...]:
    """Class and id words of one element (bs4 gives ``class`` as a list, lxml as a string)."""
    parts: list[str] = []
    for name in ("class", "id"):
        value = attrs.get(name)
        if value:
            parts.append(" ".join(value) if isinstance(value, list) else str(value))
    return class_words(" ".join(parts)) if parts else ()


def _is_hidden(attrs: Any) -> bool:
    if "hidden" in attrs:
        return True
    if str(attrs.get("aria-hidden", "")).strip().lower() == "true":
        return True
    style = attrs.get("style")
    return bool(style) and _DISPLAY_NONE.search(str(style)[:_MAX_ATTRIBUTE_CHARS]) is not None


def _child_context(
    name: str, attrs: Any, parent: _Context, annotation_attr: str | None, element: int
) -> _Context:
    """The context an element (numbered ``element``) hands to its children: the ancestor
    facts carried down."""
    words = _element_words(attrs) if attrs else ()
    chain = (*parent.class_chain[-CLASS_WORD_ANCESTORS:], words)
    semantic = parent.semantic
    if name in SEMANTIC_TAGS:
        semantic = name
    elif attrs and "role" in attrs:
        semantic = ROLE_TO_SEMANTIC.get(str(attrs["role"]).strip().lower(), semantic)
    foreign, drawing = _foreign_context(name, parent)
    # Each <text> of a drawing is placed on its own, like a block: chart labels do not run
    # together.
    is_block = name in BLOCK_TAGS or (parent.foreign == "svg" and name == "text")
    annotation = parent.annotation
    if annotation_attr is not None and attrs and annotation_attr in attrs:
        annotation = str(attrs[annotation_attr]).strip()
    depth = parent.depth + 1
    return _Context(
        depth=depth,
        class_chain=chain,
        in_table=parent.in_table or name in TABLE_TAGS,
        semantic=semantic,
        block_tag=name if is_block else parent.block_tag,
        block_depth=depth if is_block else parent.block_depth,
        block_chain=chain if is_block else parent.block_chain,
        in_link=parent.in_link or name == "a",
        annotation=annotation,
        element=element,
        block_element=element if is_block else parent.block_element,
        foreign=foreign,
        drawing=drawing,
    )


def _foreign_context(name: str, parent: _Context) -> tuple[str, bool]:
    """Whether an element is SVG or MathML content ("svg", "math" or "") and whether its
    text is left undrawn, as a browser shows them.

    Why: an SVG chart's labels and a formula's symbols are text a reader sees, while the
    shapes, titles and annotations around them are not; and an HTML element such as ``<p>``
    ends foreign content, so an ``<svg>`` that is never closed hides nothing after it.
    """
    if name == "svg":
        return "svg", True
    if name == "math":
        return "math", False
    if not parent.foreign or name in FOREIGN_BREAKOUT_TAGS:
        return "", False
    if parent.foreign == "svg" and name in SVG_TEXT_TAGS:
        return ("" if name == "foreignobject" else "svg"), False
    if parent.foreign == "math" and name in MATH_HIDDEN_TAGS:
        return "math", True
    return parent.foreign, parent.drawing


_ROOT_CONTEXT = _Context(-1, (), False, "", "body", 0, (), False, None, -1, -1)
_ENTER, _FLUSH, _TEXT = 0, 1, 2


def _open_element(
    name: str,
    attrs: Any,
    context: _Context,
    annotation_attr: str | None,
    builder: _BlockBuilder,
    stack: list[tuple[int, Any, Any]],
) -> _Context | None:
    """Enter an element, the same way for both trees: None when it is dropped or hidden
    (its subtree is skipped); a block-level element ends the block before it and queues the
    end of its own."""
    if name in DROPPED_TAGS or (attrs and _is_hidden(attrs)):
        return None
    child = _child_context(name, attrs, context, annotation_attr, builder.enter(context.element))
    if child.block_element == child.element:  # a block-level element
        builder.flush()
        stack.append((_FLUSH, None, None))
    return child


def _walk_lxml(root: Any, builder: _BlockBuilder, annotation_attr: str | None) -> None:
    """Visit an lxml tree once with an explicit stack (no recursion).

    lxml keeps the text after an element in its ``tail``, which belongs to the parent's
    context; it is pushed before the element's children so that it comes out after them.
    """
    stack: list[tuple[int, Any, Any]] = [(_ENTER, root, _ROOT_CONTEXT)]
    while stack:
        action, node, context = stack.pop()
        if action == _TEXT:
            builder.add(node, context)
            continue
        if action == _FLUSH:
            builder.flush()
            continue
        if node.tail:
            stack.append((_TEXT, node.tail, context))
        name = node.tag
        if not isinstance(name, str):  # comment, processing instruction, entity
            continue
        child_context = _open_element(name, node.attrib, context, annotation_attr, builder, stack)
        if child_context is None:
            continue
        stack.extend((_ENTER, child, child_context) for child in reversed(node))
        if node.text:
            builder.add(node.text, child_context)
    builder.flush()


def _walk_soup(soup: Any, builder: _BlockBuilder, annotation_attr: str | None) -> None:
    """Visit a BeautifulSoup tree once with an explicit stack (no recursion)."""
    stack: list[tuple[int, Any, Any]] = [
        (_ENTER, child, _ROOT_CONTEXT) for child in reversed(soup.contents)
    ]
    while stack:
        action, node, context = stack.pop()
        if action == _FLUSH:
            builder.flush()
            continue
        if isinstance(node, Tag):
            name = node.name.lower() if node.name else ""
            child_context = _open_element(
                name, node.attrs, context, annotation_attr, builder, stack
            )
            if child_context is None:
                continue
            stack.extend((_ENTER, child, child_context) for child in reversed(node.contents))
        elif type(node) is NavigableString:  # comments, doctypes, CDATA are subclasses
            builder.add(str(node), context)
    builder.flush()


def _lxml_tree(text: str) -> Any | None:
    """Parse with lxml directly (about 10x faster than through bs4), or None when lxml is
    missing or gave up: libxml2 stops at 2,048 nested elements and drops what lies deeper."""
    try:
        from lxml import etree
    except ImportError:
        return None
    parser = etree.HTMLParser(
        remove_comments=True, remove_pis=True, huge_tree=True, no_network=True, encoding="utf-8"
    )
    try:
        root = etree.fromstring(text.encode("utf-8", errors="replace"), parser)
    except (etree.LxmlError, ValueError):
        return None
    if root is None or any(entry.level >= 3 for entry in parser.error_log):  # 3 = FATAL
        return None
    return root


def _soup_tree(text: str) -> BeautifulSoup:
    """Parse with bs4 (lxml's event interface when available, else html.parser)."""
    try:
        with warnings.catch_warnings():  # bs4 warns about XML-looking pages; we know
            warnings.simplefilter("ignore")
            return BeautifulSoup(text, "lxml")
    except Exception as error:  # bs4: FeatureNotFound or a parser error
        log.debug("bs4 with lxml failed (%s); using html.parser", error)
        return BeautifulSoup(text, "html.parser")


def _prepare(markup: str | bytes, encoding: str | None, annotation_attr: str | None = None) -> str:
    """The page as text the parsers can take in time linear in its length."""
    if isinstance(markup, (bytes, bytearray)):
        text = decode_page(bytes(markup), encoding)
    else:
        text = markup
    # NUL and other C0 controls are invalid in HTML and make parsers stop or choke.
    text = _CONTROL_CHARS.sub(" ", text)
    # libxml2 drops everything after ``</html>``; browsers move it into the body, and so do
    # we by removing the end tags (the parser closes the elements itself at the end).
    text = _DOCUMENT_END_TAGS.sub(" ", text)
    # libxml2 compares each attribute's name with every earlier one of the same tag.
    keep = _READ_ATTRIBUTES | ({annotation_attr.lower()} if annotation_attr else set())
    text = _thin_crowded_tags(text, keep)
    # <noscript> is dropped anyway; cutting it out first also stops a tag left open inside it
    # (``<noscript><div></noscript>``, common) from swallowing the rest of the page.
    return _cut_noscript(text)


def _thin_crowded_tags(text: str, keep: frozenset[str]) -> str:
    """Drop the attributes of a start tag beyond the first :data:`MAX_ATTRIBUTES`, except
    those named in ``keep`` (lower-case names: the ones the walk reads).

    Why: libxml2 checks every attribute of a tag against all the tag's earlier ones for a
    duplicate, so one element with 40,000 attributes took 4 to 11 s to parse. Real tags have
    a few dozen at most, so no real page changes. A crowded tag is read attribute by
    attribute from where the search found it, and the search resumes after it: linear.
    """
    pieces: list[str] = []
    position = 0
    while (crowded := _CROWDED_TAG.search(text, position)) is not None:
        pieces.append(text[position : crowded.end(1)])  # up to the end of the tag's name
        position, count = crowded.end(1), 0
        while (attribute := _ONE_ATTRIBUTE.match(text, position)) is not None:
            count += 1
            if count <= MAX_ATTRIBUTES or attribute.group(1).lower() in keep:
                pieces.append(attribute.group())
            position = attribute.end()
    if not pieces:  # every real page: one scan, no copy
        return text
    pieces.append(text[position:])
    return "".join(pieces)


def _cut_noscript(text: str) -> str:
    """Replace every real ``<noscript ...>...</noscript>`` element with a space, and turn a
    real ``<plaintext>`` into ``<pre>``, in linear time.

    "Real" means a start tag where a browser would see one: not inside a comment, an
    attribute value, or the raw text of a ``<script>``, ``<style>``, ``<textarea>``... (a
    ``<noscript`` there once swallowed the page up to a later ``</noscript>``). So the page
    is read tag by tag (:func:`_next_tag`) up to its last ``<noscript``/``<plaintext``.
    ``<plaintext>`` never ends: libxml2 would make the rest of the page one text of raw
    markup, so it is read as the preformatted block a reader takes it for.

    Each step resumes where the previous one ended, and a tag, comment or raw text that is
    never closed ends the scan: nothing after it can be a tag. (A lazy ``.*?`` regex would
    rescan the rest of the page from every unclosed ``<noscript>``: quadratic.)
    """
    candidates = [match.start() for match in _SPECIAL_OPEN.finditer(text)]
    if not candidates:
        return text
    last = candidates[-1]
    pieces: list[str] = []
    position = 0  # text before this is in pieces
    scan = 0  # the tokenizer's position: always outside any tag, comment or raw text
    while scan <= last and (tag := _next_tag(text, scan)) is not None:
        start, end, name = tag
        scan = end
        if name == "noscript":
            closing = _NOSCRIPT_CLOSE.search(text, end)
            if closing is None:
                break
            pieces += [text[position:start], " "]
            position = scan = closing.end()
        elif name == "plaintext":
            pieces += [text[position:start], "<pre"]
            position = start + len("<plaintext")
        elif name in _RAW_TEXT_ENDS:  # its content is text, up to its own end tag
            closing = _RAW_TEXT_ENDS[name].search(text, end)
            if closing is None:
                break
            scan = closing.start()
    if not pieces:
        return text
    pieces.append(text[position:])
    return "".join(pieces)


def _next_tag(text: str, position: int) -> tuple[int, int, str] | None:
    """The next start tag of a special element (``noscript``, ``plaintext`` or one of
    :data:`_RAW_TEXT_ENDS`) at or after ``position``, which must be outside any markup, as
    (start, end, lower-case name). None when there is none, or when a tag or comment runs to
    the end of the text (nothing after it can be a tag).

    Why the fast skip: every other tag, text and end tag is stepped over by one regex match
    (:data:`_ORDINARY`); Python sees only comments, declarations and the special tags, not
    the thousands of ordinary tags of a page.
    """
    while True:
        position = _ORDINARY.match(text, position).end()  # type: ignore[union-attr]
        opening = _MARKUP_OPEN.match(text, position)
        if opening is None:  # the end of the text
            return None
        name = opening.group(1)
        if opening.group() == "<!--":
            closing = _COMMENT_END.search(text, opening.end() - 2)  # "<!-->" is one too
            if closing is None:
                return None
            position = closing.end()
            continue
        position = _tag_end(text, opening.end())
        if position < 0:
            return None
        if name is not None and name.lower() in _SPECIAL_TAGS:
            return opening.start(), position, name.lower()


def _tag_end(text: str, position: int) -> int:
    """Where the tag whose name ends at ``position`` ends (after its ">"), or -1 if never."""
    rest = _TAG_REST.match(text, position)
    return rest.end() if rest is not None and rest.group().endswith(">") else -1


#: Attributes past this count in one start tag are dropped (see :func:`_thin_crowded_tags`).
MAX_ATTRIBUTES = 1_000
#: Attributes the walk reads, kept wherever they stand in a crowded tag.
_READ_ATTRIBUTES = frozenset({"class", "id", "style", "hidden", "aria-hidden", "role"})
#: One attribute as libxml2 reads it, close enough to count them: whitespace or a stray "/"
#: (or nothing, right after a quoted value: 'a="1"b="2"' is two), a name, and an optional
#: value, quoted or not. Names and unquoted values exclude "<" and "/" so that a match is
#: unambiguous and never runs on into the next tag.
_ATTRIBUTE_GAP = r"""(?:[\s/]+|(?<=["']))"""
_ATTRIBUTE_NAME = r"""[^\s/>="'<]+"""
_ATTRIBUTE_VALUE = r"""(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s/>"'<]+))?"""
_ONE_ATTRIBUTE = re.compile(rf"{_ATTRIBUTE_GAP}({_ATTRIBUTE_NAME}){_ATTRIBUTE_VALUE}")  # 1: name
#: A start tag (group 1: "<" and its name) with more than MAX_ATTRIBUTES attributes.
_CROWDED_TAG = re.compile(
    r"""(<[A-Za-z][^\s/>"'<=]*)"""
    rf"(?:{_ATTRIBUTE_GAP}{_ATTRIBUTE_NAME}{_ATTRIBUTE_VALUE}){{{MAX_ATTRIBUTES + 1}}}"
)
#: Where a page may need :func:`_cut_noscript`.
_SPECIAL_OPEN = re.compile(r"<(?:noscript|plaintext)\b", re.IGNORECASE)
#: The start of any markup: a comment, "<!" or "<?" declaration, end tag, or start tag
#: (group 1: its name, which runs to a space, "/" or ">", as HTML reads it).
_MARKUP_OPEN = re.compile(r"<(?:!--|[!?/]|([A-Za-z][^\s/>]*))")
_COMMENT_END = re.compile(r"--!?>")
#: The rest of a tag before its ">" (outside quotes, never the characters in ``{0}``): a quote
#: opens a quoted value only right after "=", as in HTML, and a value's quote is never read
#: as a stray one, so each character can be read one way only (no backtracking to speak of
#: when a tag has no ">").
_TAG_REST_SOURCE = (
    r"""[^>"'={0}]*(?:(?:=(?:\s*(?:"[^"]*"|'[^']*')|(?!\s*["']))|["'])[^>"'={0}]*)*"""
)
#: Any tag's rest, as far as it goes (HTML allows a bare "<" inside a tag).
_TAG_REST = re.compile(_TAG_REST_SOURCE.format("") + ">?")
#: Elements whose content libxml2 reads as text up to their own end tag.
_RAW_TEXT_ENDS = {
    name: re.compile(rf"</{name}[\s/>]", re.IGNORECASE)
    for name in ("script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes")
}
_SPECIAL_TAGS = frozenset({"noscript", "plaintext", *_RAW_TEXT_ENDS})
#: Text, end tags and start tags of any other element, as far as they go (maybe nowhere).
#: A tag with a bare "<" inside is left to :func:`_tag_end`: without one, a tag read from a
#: "<" cannot run on past the next "<" outside a quoted value, which keeps a search from
#: every position linear.
_STRICT_TAG_REST = _TAG_REST_SOURCE.format("<")
_ORDINARY = re.compile(
    rf"""(?:[^<]+|<(?!(?:{"|".join(sorted(_SPECIAL_TAGS))})[\s/>])[A-Za-z][^\s/><]*(?=[\s/>])"""
    rf"""{_STRICT_TAG_REST}>|</[A-Za-z][^\s/><]*(?=[\s/>]){_STRICT_TAG_REST}>|<(?![A-Za-z!?/]))*""",
    re.IGNORECASE,
)
_NOSCRIPT_CLOSE = re.compile(r"</noscript\s*>", re.IGNORECASE)
_DOCUMENT_END_TAGS = re.compile(r"</(?:html|body)\s*>", re.IGNORECASE)
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


def page_blocks(markup: str | bytes, *, encoding: str | None = None) -> list[HtmlBlock]:
    """The visible text blocks of a page, in document order.

    ``markup`` may be bytes (decoded with :func:`declutter.decoding.decode_page`,
    ``encoding`` overriding the detection) or text. Scripts, styles, ``<head>``, forms'
    option lists, comments and hidden elements (``hidden``, ``aria-hidden="true"``,
    ``display:none``) contribute nothing.
    """
    blocks, _ = annotated_blocks(markup, encoding=encoding)
    return blocks


def annotated_blocks(
    markup: str | bytes, *, encoding: str | None = None, annotation_attr: str | None = None
) -> tuple[list[HtmlBlock], list[dict[str, int]]]:
    """Blocks plus, per block, how many visible characters carry each value of an attribute.

    For pages whose annotators marked elements with an attribute (googletrends2017's
    ``__label``): ``annotations[i]`` maps the nearest ancestor's attribute value ("" for none)
    to the number of non-space characters of block ``i`` under it. Without
    ``annotation_attr`` the second list is empty. The attribute never reaches the features.
    """
    text = _prepare(markup, encoding, annotation_attr)
    builder = _BlockBuilder(track_annotations=annotation_attr is not None)
    root = _lxml_tree(text)
    if root is not None:
        _walk_lxml(root, builder, annotation_attr)
    else:
        _walk_soup(_soup_tree(text), builder, annotation_attr)
    builder.mark_main_region()
    return builder.blocks, builder.annotations


def blocks_to_text(blocks: list[HtmlBlock]) -> tuple[str, list[tuple[int, int]]]:
    """The page text (block texts joined by a blank line) and each block's (start, end)."""
    spans: list[tuple[int, int]] = []
    position = 0
    for block in blocks:
        spans.append((position, position + len(block.text)))
        position += len(block.text) + 2
    return "\n\n".join(block.text for block in blocks), spans


__all__ = [
    "BLOCK_TAGS",
    "DROPPED_TAGS",
    "FEATURE_KEYS",
    "BlockFeatures",
    "HtmlBlock",
    "annotated_blocks",
    "blocks_to_text",
    "class_words",
    "page_blocks",
]
