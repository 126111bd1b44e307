"""Loaders that turn the public extraction corpora into labelled documents.

Each corpus in ``../shared/corpora`` (see its README) says in its own way which text of a page
is the article. The loaders split every page into blocks with :mod:`declutter.html` and give
each block a label in the :mod:`declutter.training.data` format, so the classifier can train and be
measured on pages other people annotated.

How blocks are labelled (per corpus):

* **Page-level gold text** (``articleBody`` of scrapinghub_aeb, readability_tests and
  postlight_fixtures, dragnet ``content``, cleaneval ``blocks`` joined, googletrends2017
  ``content_text`` as a fallback): the block is aligned to
  the gold by word 4-gram shingles after normalising both (NFKC, casefold, whitespace collapsed,
  punctuation stripped from token edges). The share of the block's shingles found in the gold
  decides: at least :data:`CONTENT_SHARE` -> ``"content"``, at most :data:`INSERT_SHARE` ->
  ``"insert"``, in between -> ``None`` (kept as context, not trained on), unless nearly all
  of the block's character 6-grams (spaces ignored) are in the gold, which rescues golds with
  words glued at line breaks (cleaneval). Blocks of fewer than four words have no 4-grams and
  single words match anywhere, so they are content only when their normalised text is a
  whole-word substring of the gold *and* they touch a content block (directly or through a
  run of such short blocks: headings, list items); found elsewhere -> ``None``; not found at
  all -> ``"insert"``; blocks without any word -> ``None``. Blocks of very few long tokens
  (Chinese, Japanese) use character 6-gram shingles instead. An ``<h1>`` missing from the
  gold is ``None``: several golds leave the headline out by definition, and the headline is
  not an insert.
  For dragnet only ``content`` is gold, so user comments (the ``comments`` part) come out as
  inserts.
* **googletrends2017**: the annotators' element labels (``__label`` attributes of the raw page)
  are used directly: a block whose visible characters lie at least 90 % under one label takes
  it; ``main``/``title``/``subtitle`` -> content, no label or ``comment`` -> insert,
  ``author``/``date``/``caption``/``image``/``video``/``footer`` and mixed blocks -> ``None``
  (those are neither article text nor promotional inserts). The annotation attributes are
  stripped from :attr:`Page.html`; the labels travel in :attr:`Page.element_labels`.
* **trafilatura_eval**: a block containing a ``with`` snippet (normalised substring), or lying
  inside one, is content; a block containing a ``without`` snippet is an insert when the
  snippet makes up at least a third of the block or the block is mostly links (short
  ``without`` snippets such as "Impressum" also occur inside article paragraphs), or when the
  block lies inside a ``without`` snippet; both or neither -> ``None``.

Kinds: corpus inserts carry kind ``None`` ("other"), except that an insert inside ``<nav>`` (or
``role=navigation``) or with class/id words ``nav``/``menu``/``breadcrumb`` is
``"navigation"``, ``cookie``/``consent``/``gdpr`` is ``"consent"`` and ``newsletter`` is
``"newsletter"``: these names are unambiguous enough that the kind is almost always right.
(``share``/``social`` is not used: share widgets wrap whole teaser cards, dates included.)

Grouping key (``source``, the page's *site*, :func:`page_site`): the registered domain of
the page URL (``www.`` and the subdomain dropped, two-level country suffixes such as ``co.uk``
kept). Pages whose gold file gives no URL (dragnet, googletrends2017, readability_tests, a few
of trafilatura_eval's) use the page's canonical or ``og:url`` link, else a fallback: the
domain in a trafilatura_eval file name, a readability_tests id without its trailing
``-<number>`` (``ehow-1`` and ``ehow-2`` stay together), else the page's own ``corpus:id``.
postlight_fixtures uses the domain its fixture is named after (``www.nytimes.com--feature`` ->
``nytimes.com``): that is the site whose hand-written extractor made the gold.

Splits: every corpus has a deterministic *test part* of :data:`TEST_SHARE` of its sites, set
aside for final figures; the rest is the *dev part*, all that training and tuning may see.
The split key of every page is its site, so that no test page's site was seen in
development (pages of one site share a layout, an extractor, boilerplate). The sites are
sorted by their SHA-256 (hex) and the first ``round(TEST_SHARE * number of sites)`` form the
test part. Finding the sites reads only the gold files, and the first :data:`HEAD_BYTES` of
the pages whose gold gives no URL; it is cached per corpus folder. ``docs/splits.md`` has the
counts. (The corpora folder is itself only the train/dev part of a larger split made
upstream; the test part here is carved out of that, see the folder's README.)
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import DataError
from ..html import HtmlBlock, annotated_blocks, page_blocks
from ..kinds import CONTENT, INSERT
from .comment_threads import label_comment_threads
from .data import LabelledDocument, LabelledParagraph

log = logging.getLogger(__name__)

CORPORA = (
    "scrapinghub_aeb",
    "trafilatura_eval",
    "dragnet",
    "cleaneval",
    "googletrends2017",
    "readability_tests",
    "postlight_fixtures",
)
#: Corpora whose licences allow shipping a model trained on them (MIT, Apache-2.0,
#: Apache-2.0, MIT or Apache-2.0; see each corpus README).
TRAINABLE = ("scrapinghub_aeb", "trafilatura_eval", "readability_tests", "postlight_fixtures")

#: The part of a corpus that training and tuning may see, the part kept for final figures,
#: and both together.
DEV, TEST, ALL = "dev", "test", "all"
SPLITS = (DEV, TEST, ALL)
#: Share of each corpus's split keys that goes to the test part.
TEST_SHARE = 0.25
#: The split rule, named in the hash of every data set read from one part of a corpus, so
#: that a model card made under the earlier rule (the five older corpora split by page id,
#: until 2026-12-03) never matches data read under this one: every corpus split by site.
SPLIT_RULE = "site"

CONTENT_SHARE = 0.7  # share of a block's shingles found in the gold to call it content
INSERT_SHARE = 0.2  # at most this share found: the block is an insert
GLUED_SHARE = 0.95  # character-shingle share that makes an in-between block content
SHINGLE = 4
CHAR_SHINGLE = 6
LABEL_DOMINANCE = 0.9  # googletrends: share of a block's characters under its label
WITHOUT_COVERAGE = 1 / 3  # trafilatura_eval: share of a block a `without` snippet must cover
LINKY = 0.5  # link density above which a block is a link list

_LANGUAGE = {"dragnet": "en", "cleaneval": "en", "googletrends2017": "en"}
#: Corpora in the scrapinghub_aeb format: ``ground-truth.json`` {id: {articleBody, url}}.
_ARTICLE_BODY_CORPORA = ("scrapinghub_aeb", "readability_tests", "postlight_fixtures")
_GOOGLETRENDS_KINDS = {
    "main": CONTENT,
    "title": CONTENT,
    "subtitle": CONTENT,
    "": INSERT,
    "comment": INSERT,
}
_MIXED = "mixed"
_ANNOTATION_ATTRIBUTES = re.compile(rb"""\s__(?:label|boilernet_[A-Za-z_]+|num)\s*=\s*"[^"]*"+""")
_ANNOTATION_ATTRIBUTES_SQ = re.compile(
    rb"""\s__(?:label|boilernet_[A-Za-z_]+|num)\s*=\s*'[^']*'+"""
)
_CLEANEVAL_URL_LINE = re.compile(r"^\ufeff?\s*URL:\s*\S*\s*")  # a few golds keep it in a block
_CLEANEVAL_WRAPPER = re.compile(rb"^\s*<text\s[^>]*>\s*|\s*</text>\s*$")
_CANONICAL = (
    re.compile(rb"""<link\b[^>]*\brel=["']?canonical["']?[^>]*\bhref=["']([^"'>\s]+)""", re.I),
    re.compile(rb"""<link\b[^>]*\bhref=["']([^"'>\s]+)["'][^>]*\brel=["']?canonical""", re.I),
    re.compile(rb"""<meta\b[^>]*\bproperty=["']og:url["'][^>]*\bcontent=["']([^"'>\s]+)""", re.I),
    re.compile(rb"""<meta\b[^>]*\bcontent=["']([^"'>\s]+)["'][^>]*\bproperty=["']og:url""", re.I),
)
_SECOND_LEVEL = frozenset(
    {"co", "com", "org", "net", "gov", "ac", "edu", "ne", "or", "go", "gob", "mil", "nic", "gv"}
)
_KIND_WORDS = (
    ("navigation", frozenset({"nav", "navbar", "navigation", "menu", "breadcrumb", "breadcrumbs"})),
    ("consent", frozenset({"cookie", "cookies", "consent", "gdpr"})),
    ("newsletter", frozenset({"newsletter"})),
)


class CorpusNotFoundError(DataError, FileNotFoundError):
    """A corpus folder or its gold file is missing."""


@dataclass(frozen=True)
class Page:
    """One page of a corpus with its gold, before labelling.

    ``html`` is the page as an extractor must see it (googletrends: annotation attributes
    stripped; cleaneval: the organisers' ``<text>`` wrapper stripped). ``element_labels``
    (googletrends only) gives, for each block of ``page_blocks(html)``, the annotators' label
    covering it (``""`` unlabelled, ``"mixed"`` when no label covers 90 %).
    """

    corpus: str
    id: str
    source: str
    html: bytes
    gold_text: str | None
    with_snippets: tuple[str, ...] = ()
    without_snippets: tuple[str, ...] = ()
    element_labels: tuple[str, ...] = ()
    url: str | None = None


# --------------------------------------------------------------------------- locations


def default_corpora_root() -> Path | None:
    """Where the corpora are: ``$DECLUTTER_CORPORA`` if set, else ``../shared/corpora`` next
    to the repository, else None (callers then skip corpus work)."""
    configured = os.environ.get("DECLUTTER_CORPORA")
    if configured:
        path = Path(configured).expanduser()
        return path if path.is_dir() else None
    candidate = Path(__file__).resolve().parents[3] / "shared" / "corpora"
    return candidate if candidate.is_dir() else None


def _corpus_dir(corpus: str, root: str | Path) -> Path:
    if corpus not in CORPORA:
        raise ValueError(f"unknown corpus {corpus!r}; use one of: {', '.join(CORPORA)}")
    folder = Path(root) / corpus
    if not folder.is_dir():
        raise CorpusNotFoundError(
            f"corpus folder {folder} not found; pass the folder that holds {', '.join(CORPORA)}"
            " (or set $DECLUTTER_CORPORA)"
        )
    return folder


def _read_json(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise CorpusNotFoundError(f"{path} not found; is the corpus folder complete?")
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def _read_gz(path: Path) -> bytes:
    with gzip.open(path, "rb") as handle:
        return handle.read()


# --------------------------------------------------------------------------- sources


def registered_domain(url: str) -> str | None:
    """``https://www.news.example.co.uk/a`` -> ``example.co.uk`` (a heuristic, no suffix list:
    the last two labels, or three under a two-letter country code with a generic second level).
    """
    try:
        host = urlsplit(url.strip() if "//" in url else "//" + url.strip()).hostname
    except ValueError:
        return None
    if not host or "." not in host:
        return None
    labels = host.rstrip(".").split(".")
    if all(label.isdigit() for label in labels):
        return host
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


#: Bytes at the start of a page searched for its canonical or og:url link (the head, with
#: room to spare); the split reads no more of a page than this.
HEAD_BYTES = 300_000


def _page_url(html: bytes) -> str | None:
    """The canonical or og:url link of a page, if it declares one in its first bytes."""
    head = html[:HEAD_BYTES]
    for pattern in _CANONICAL:
        match = pattern.search(head)
        if match:
            url = match.group(1).decode("ascii", errors="ignore")
            if url.startswith(("http://", "https://", "//")):
                return url
    return None


def _postlight_source(page_id: str) -> str:
    """The registered domain of the site a fixture is named after: its extractor's site
    (``www.nytimes.com--feature`` -> ``nytimes.com``), whatever the canonical link says."""
    domain = page_id.split("--", 1)[0]
    return registered_domain(domain) or f"postlight_fixtures:{domain}"


def _site_without_html(corpus: str, page_id: str, url: str | None) -> str | None:
    """The page's site when the corpus gives it without the page (postlight_fixtures' fixture
    name, else the domain of the gold file's URL); None when the page must be read."""
    if corpus == "postlight_fixtures":
        return _postlight_source(page_id)
    return registered_domain(url) if url else None


def _site_from_html(corpus: str, page_id: str, html: bytes) -> str:
    """The domain of the page's canonical or og:url link, else the corpus's fallback: the
    domain in a trafilatura_eval file name, a readability_tests id without its trailing
    number (``ehow-1`` and ``ehow-2`` stay together), else the page's own ``corpus:id``."""
    url = _page_url(html)
    domain = registered_domain(url) if url else None
    if domain:
        return domain
    if corpus == "trafilatura_eval":
        return _domain_from_file_name(page_id) or f"{corpus}:{page_id}"
    if corpus == "readability_tests":
        return f"{corpus}:{re.sub(r'-[0-9]+$', '', page_id)}"
    return f"{corpus}:{page_id}"


def page_site(corpus: str, page_id: str, url: str | None, html: bytes) -> str:
    """A page's site (:attr:`Page.source`): what groups cross-validation folds and, for every
    corpus, the split key. ``html`` is the page as its loader hands it on; only its first
    :data:`HEAD_BYTES` matter, and none when the URL or the fixture name decides."""
    return _site_without_html(corpus, page_id, url) or _site_from_html(corpus, page_id, html)


def _as_loaded(corpus: str, raw: bytes) -> bytes:
    """The page's stored bytes as its loader hands them on: cleaneval without the
    organisers' ``<text>`` wrapper, googletrends2017 without its annotation attributes."""
    if corpus == "cleaneval":
        return _CLEANEVAL_WRAPPER.sub(b"", raw)
    if corpus == "googletrends2017":
        return strip_annotations(raw)
    return raw


# --------------------------------------------------------------------------- splits


#: Gold file of each corpus (its keys are the page ids, except trafilatura_eval's).
_GOLD_FILES = {
    "scrapinghub_aeb": "ground-truth.json",
    "trafilatura_eval": "evaldata.json",
    "dragnet": "gold.json",
    "cleaneval": "gold.json",
    "googletrends2017": "labels.json",
    "readability_tests": "ground-truth.json",
    "postlight_fixtures": "ground-truth.json",
}


def _trafilatura_url(key: str) -> str | None:
    """trafilatura_eval keys are the page URL (``xhttp...`` for some), or a name."""
    key_url = key[1:] if key.startswith("xhttp") else key
    return key_url if key_url.startswith("http") else None


def _site_inputs(corpus: str, folder: Path) -> list[tuple[str, str | None, Path]]:
    """Each page's id, the URL its gold file gives (None when it gives none) and its HTML
    file, from the gold file alone."""
    gold = _read_json(folder / _GOLD_FILES[corpus])
    if corpus == "trafilatura_eval":
        return [(e["file"], _trafilatura_url(k), folder / e["html_gz"]) for k, e in gold.items()]
    return [
        (page_id, entry.get("url") or None, folder / "html" / f"{page_id}.html.gz")
        for page_id, entry in gold.items()
    ]


def _read_gz_head(path: Path, size: int = HEAD_BYTES) -> bytes:
    """The first ``size`` bytes of a gzip file, decompressing no further."""
    with gzip.open(path, "rb") as handle:
        return handle.read(size)


@lru_cache(maxsize=16)
def _sites(corpus: str, folder: Path) -> dict[str, str]:
    """Page id -> site (:func:`page_site`) for every page of a corpus, cached per corpus
    folder. A page is read only when neither its gold file's URL nor its fixture name gives
    the site (dragnet, googletrends2017, readability_tests, a few trafilatura_eval pages),
    and then only its first :data:`HEAD_BYTES`, so the split costs a fraction of a load."""
    sites = {}
    for page_id, url, path in sorted(_site_inputs(corpus, folder)):
        site = _site_without_html(corpus, page_id, url)
        if site is None:
            site = _site_from_html(corpus, page_id, _as_loaded(corpus, _read_gz_head(path)))
        sites[page_id] = site
    return sites


def page_sites(corpus: str, root: str | Path) -> dict[str, str]:
    """Page id -> site for every page of one corpus, without loading the pages."""
    return dict(_sites(corpus, _corpus_dir(corpus, root).resolve()))


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def choose_test_keys(keys: Iterable[str], share: float = TEST_SHARE) -> frozenset[str]:
    """The ``round(share * n)`` of the ``n`` distinct keys whose SHA-256 (hex) sorts first.

    A ranking rather than a cut-off on each hash: the test part is then ``share`` of the
    keys exactly, where a cut-off drifts on small corpora (postlight_fixtures' 101 sites
    gave 17 instead of 25). The same keys always give the same part.
    """
    ranked = sorted(set(keys), key=lambda key: (_key_hash(key), key))
    return frozenset(ranked[: round(share * len(ranked))])


@lru_cache(maxsize=16)
def _parts(corpus: str, folder: Path) -> dict[str, str]:
    """Page id -> part, the split key being the page's site (cached like the sites)."""
    sites = _sites(corpus, folder)
    test = choose_test_keys(sites.values())
    return {page_id: TEST if site in test else DEV for page_id, site in sites.items()}


def split_parts(corpus: str, root: str | Path) -> dict[str, str]:
    """Page id -> :data:`DEV` or :data:`TEST` for every page of one corpus."""
    return dict(_parts(corpus, _corpus_dir(corpus, root).resolve()))


def _check_split(split: str) -> str:
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; use one of: {', '.join(SPLITS)}")
    return split


# --------------------------------------------------------------------------- page loaders


def strip_annotations(html: bytes) -> bytes:
    """Remove googletrends' ``__label`` (and BoilerNet's ``__boilernet_*``/``__num``)
    attributes, including the stray quotes of typos such as ``__label="title""``."""
    html = _ANNOTATION_ATTRIBUTES.sub(b"", html)
    return _ANNOTATION_ATTRIBUTES_SQ.sub(b"", html)


def _article_body_pages(corpus: str, folder: Path, wanted: frozenset[str] | None) -> Iterator[Page]:
    """scrapinghub_aeb and the corpora in its format (``ground-truth.json`` with
    ``articleBody`` and ``url``, ``html/<id>.html.gz``). An empty ``url`` means none."""
    for page_id, entry in sorted(_read_json(folder / "ground-truth.json").items()):
        if wanted is not None and page_id not in wanted:
            continue
        html = _read_gz(folder / "html" / f"{page_id}.html.gz")
        url = entry.get("url") or None
        source = page_site(corpus, page_id, url, html)
        yield Page(corpus, page_id, source, html, entry["articleBody"], url=url)


def _scrapinghub_pages(folder: Path, wanted: frozenset[str] | None) -> Iterator[Page]:
    return _article_body_pages("scrapinghub_aeb", folder, wanted)


def _readability_pages(folder: Path, wanted: frozenset[str] | None) -> Iterator[Page]:
    return _article_body_pages("readability_tests", folder, wanted)


def _postlight_pages(folder: Path, wanted: frozenset[str] | None) -> Iterator[Page]:
    return _article_body_pages("postlight_fixtures", folder, wanted)


def _trafilatura_pages(folder: Path, wanted: frozenset[str] | None) -> Iterator[Page]:
    for key, entry in sorted(_read_json(folder / "evaldata.json").items()):
        if wanted is not None and entry["file"] not in wanted:
            continue
        html = _read_gz(folder / entry["html_gz"])
        url = _trafilatura_url(key)
        page_id = entry["file"]
        yield Page(
            "trafilatura_eval",
            page_id,
            page_site("trafilatura_eval", page_id, url, html),
            html,
            None,
            tuple(entry.get("with") or ()),
            tuple(entry.get("without") or ()),
            url=url,
        )


def _domain_from_file_name(name: str) -> str | None:
    """``nationnews.com-schools.html`` -> ``nationnews.com`` (trafilatura's ``hard::`` keys)."""
    match = re.match(r"([a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,})[-.]", name.lower())
    return registered_domain(match.group(1)) if match else None


def _dragnet_pages(folder: Path, wanted: frozenset[str] | None) -> Iterator[Page]:
    for root_id, entry in sorted(_read_json(folder / "gold.json").items()):
        if wanted is not None and root_id not in wanted:
            continue
        html = _read_gz(folder / "html" / f"{root_id}.html.gz")
        source = page_site("dragnet", root_id, None, html)
        yield Page("dragnet", root_id, source, html, _repair_utf16_gold(entry["content"]))


def _repair_utf16_gold(text: str) -> str:
    """Undo a UTF-16 gold file that was decoded as cp1252 (dragnet 39, 42, 49 start with
    ``ÿþ`` and have a NUL after every letter)."""
    if not text.startswith(("ÿþ", "þÿ")) or text.count("\x00") < len(text) // 4:
        return text
    raw = b"".join(_cp1252_byte(char) for char in text)
    return raw.decode("utf-16", errors="replace")


def _cp1252_byte(char: str) -> bytes:
    try:
        return char.encode("cp1252")
    except UnicodeEncodeError:  # bytes that cp1252 leaves undefined were kept as latin-1
        return char.encode("latin-1") if ord(char) < 256 else b"?"


def _cleaneval_pages(folder: Path, wanted: frozenset[str] | None) -> Iterator[Page]:
    for number, entry in sorted(_read_json(folder / "gold.json").items(), key=_numeric_key):
        if wanted is not None and number not in wanted:
            continue
        html = _as_loaded("cleaneval", _read_gz(folder / "html" / f"{number}.html.gz"))
        blocks = (_CLEANEVAL_URL_LINE.sub("", block["text"]) for block in entry.get("blocks", ()))
        gold = "\n\n".join(block for block in blocks if block)
        url = entry.get("url")
        yield Page(
            "cleaneval", number, page_site("cleaneval", number, url, html), html, gold, url=url
        )


def _numeric_key(item: tuple[str, Any]) -> tuple[int, str]:
    return (int(item[0]) if item[0].isdigit() else 1 << 30, item[0])


def _googletrends_pages(folder: Path, wanted: frozenset[str] | None) -> Iterator[Page]:
    for page_id, entry in sorted(_read_json(folder / "labels.json").items()):
        if wanted is not None and page_id not in wanted:
            continue
        raw = _read_gz(folder / "html" / f"{page_id}.html.gz")
        html = _as_loaded("googletrends2017", raw)
        _, annotations = annotated_blocks(raw, annotation_attr="__label")
        labels = tuple(_dominant_label(counts) for counts in annotations)
        source = page_site("googletrends2017", page_id, None, html)
        yield Page(
            "googletrends2017", page_id, source, html, entry.get("content_text"),
            element_labels=labels,
        )  # fmt: skip


def _dominant_label(counts: dict[str, int]) -> str:
    """The annotation label covering at least 90 % of a block's characters, else "mixed"."""
    total = sum(counts.values())
    merged: Counter[str] = Counter()
    for value, chars in counts.items():
        merged[_normalise_annotation(value)] += chars
    label, chars = merged.most_common(1)[0] if merged else ("", 0)
    return label if total and chars / total >= LABEL_DOMINANCE else _MIXED


def _normalise_annotation(value: str) -> str:
    """Fold the annotators' typos (``"main "``, ``"commen"``, ``'title"'``) to their kind."""
    letters = re.sub(r"[^a-z]", "", value.lower())
    if letters.startswith("commen"):
        return "comment"
    return letters


_PAGE_LOADERS: dict[str, Callable[[Path, frozenset[str] | None], Iterator[Page]]] = {
    "scrapinghub_aeb": _scrapinghub_pages,
    "trafilatura_eval": _trafilatura_pages,
    "dragnet": _dragnet_pages,
    "cleaneval": _cleaneval_pages,
    "googletrends2017": _googletrends_pages,
    "readability_tests": _readability_pages,
    "postlight_fixtures": _postlight_pages,
}


def load_pages(
    corpus: str, root: str | Path, *, ids: Iterable[str] | None = None, split: str = DEV
) -> Iterator[Page]:
    """Yield the pages of one corpus (``root`` is the folder holding all corpora), in id
    order; with ``ids``, only those pages (by :attr:`Page.id`), reading no other HTML file.

    ``split`` is :data:`DEV` by default, the part that training and tuning may see, so
    that forgetting to choose never leaks the test part; :data:`TEST` is for final figures,
    :data:`ALL` for work that reads no score (speed runs, label statistics).
    """
    _check_split(split)
    folder = _corpus_dir(corpus, root)
    wanted = None if ids is None else frozenset(ids)
    if split != ALL:
        parts = _parts(corpus, folder.resolve())
        chosen = frozenset(page_id for page_id, part in parts.items() if part == split)
        wanted = chosen if wanted is None else wanted & chosen
    return _PAGE_LOADERS[corpus](folder, wanted)


# --------------------------------------------------------------------------- matching


_EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")


def normalise_tokens(text: str) -> list[str]:
    """Words for matching: NFKC, casefolded, punctuation stripped from both ends."""
    tokens = unicodedata.normalize("NFKC", text).casefold().split()
    stripped = (_EDGE_PUNCTUATION.sub("", token) for token in tokens)
    return [token for token in stripped if token]


def normalise_text(text: str) -> str:
    """The normalised tokens joined by single spaces."""
    return " ".join(normalise_tokens(text))


def _shingles(tokens: list[str], size: int = SHINGLE) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


def _char_shingles(text: str, size: int = CHAR_SHINGLE) -> set[str]:
    compact = text.replace(" ", "")
    return {compact[i : i + size] for i in range(len(compact) - size + 1)}


class GoldText:
    """A gold article text, indexed for asking how much of a block it contains."""

    def __init__(self, text: str) -> None:
        tokens = normalise_tokens(text)
        self.padded = " " + " ".join(tokens) + " "
        self.shingles = _shingles(tokens)
        self._char_shingles: set[str] | None = None

    def char_shingles(self) -> set[str]:
        """Character shingles, built on first use (only CJK-like blocks need them)."""
        if self._char_shingles is None:
            self._char_shingles = _char_shingles(self.padded)
        return self._char_shingles

    def contains(self, normalised: str) -> bool:
        """Whether normalised text occurs in the gold as whole words."""
        return bool(normalised) and f" {normalised} " in self.padded

    def glued_share(self, text: str) -> float:
        """Share of the block's character shingles, spaces ignored, found in the gold: a
        second opinion for blocks whose word share is in between, because some golds glue
        words at line breaks (cleaneval: "the ReligiousRight for this series")."""
        chars = _char_shingles(normalise_text(text))
        return len(chars & self.char_shingles()) / len(chars) if chars else 0.0

    def share(self, text: str) -> float | None:
        """Share of the block's shingles found in the gold; None for blocks too short to
        have any (the caller then falls back to a substring test)."""
        tokens = normalise_tokens(text)
        if len(tokens) >= SHINGLE:
            mine = _shingles(tokens)
            return len(mine & self.shingles) / len(mine)
        joined = " ".join(tokens)
        if len(joined) >= 4 * CHAR_SHINGLE:  # few but long tokens: unsegmented script
            chars = _char_shingles(joined)
            return len(chars & self.char_shingles()) / len(chars) if chars else None
        return None


# --------------------------------------------------------------------------- labelling


def _labels_from_gold(blocks: list[HtmlBlock], gold: GoldText) -> list[str | None]:
    """Align blocks to a page-level gold text (see the module docstring for the rules)."""
    labels: list[str | None] = []
    short_found: set[int] = set()
    for i, block in enumerate(blocks):
        share = gold.share(block.text)
        normalised = normalise_text(block.text)
        if not normalised:  # no word at all ("--", "|"): nothing to learn from
            labels.append(None)
        elif share is None:
            found = gold.contains(normalised)
            labels.append(None if found else INSERT)
            if found:
                short_found.add(i)
        else:
            label = label_for_share(share)
            if label is None and gold.glued_share(block.text) >= GLUED_SHARE:
                label = CONTENT
            labels.append(label)
    _spread_content_to_short_blocks(labels, short_found)
    for i, block in enumerate(blocks):
        if labels[i] == INSERT and block.html.tag == "h1":
            labels[i] = None
    return labels


def _spread_content_to_short_blocks(labels: list[str | None], short_found: set[int]) -> None:
    """A short block found in the gold is content when a run of such blocks connects it to a
    content block (a heading above a paragraph, items of a list in the article); elsewhere
    (a menu item that happens to be a word of the article) it stays unlabelled."""
    changed = True
    while changed:
        changed = False
        for i in sorted(short_found):
            if labels[i] == CONTENT:
                continue
            neighbours = (labels[j] for j in (i - 1, i + 1) if 0 <= j < len(labels))
            if CONTENT in neighbours:
                labels[i] = CONTENT
                changed = True


def block_share(gold: GoldText, text: str) -> float | None:
    """Share of a block found in a gold text: its 4-gram share, or for a block too short
    for 4-grams 1.0 / 0.0 by whole-word substring; None for a block without words."""
    share = gold.share(text)
    if share is not None:
        return share
    normalised = normalise_text(text)
    if not normalised:
        return None
    return 1.0 if gold.contains(normalised) else 0.0


def label_for_share(share: float | None) -> str | None:
    """Content, insert, or None (in between, or no share) for a block's share of a gold."""
    if share is None:
        return None
    if share >= CONTENT_SHARE:
        return CONTENT
    if share <= INSERT_SHARE:
        return INSERT
    return None


def _labels_from_snippets(page: Page, blocks: list[HtmlBlock]) -> list[str | None]:
    """trafilatura_eval: blocks that contain or sit inside a with/without snippet."""
    with_texts = [text for text in map(normalise_text, page.with_snippets) if text]
    without_texts = [text for text in map(normalise_text, page.without_snippets) if text]
    labels: list[str | None] = []
    for block in blocks:
        text = normalise_text(block.text)
        is_content = _touches(text, with_texts, min_coverage=0.0)
        linky = block.html.link_density >= LINKY
        is_insert = _touches(text, without_texts, min_coverage=0.0 if linky else WITHOUT_COVERAGE)
        if is_content != is_insert:
            labels.append(CONTENT if is_content else INSERT)
        else:
            labels.append(None)
    return labels


def _touches(text: str, snippets: list[str], *, min_coverage: float) -> bool:
    """A snippet covering at least ``min_coverage`` of the block lies in it, or the block
    (10 characters or more) lies inside a snippet."""
    if not text:
        return False
    for snippet in snippets:
        if snippet in text and len(snippet) >= min_coverage * len(text):
            return True
        if len(text) >= 10 and text in snippet:
            return True
    return False


def _labels_from_annotations(page: Page, blocks: list[HtmlBlock]) -> list[str | None]:
    """googletrends2017: map the annotators' element label of each block."""
    return [_GOOGLETRENDS_KINDS.get(label) for label in page.element_labels]


def insert_kind(block: HtmlBlock) -> str | None:
    """The insert kind the markup makes obvious (nav, cookie, newsletter, share), else None."""
    if block.html.in_semantic == "nav":
        return "navigation"
    words = set(block.html.class_words.split())
    for kind, names in _KIND_WORDS:
        if words & names:
            return kind
    return None


def block_labels(page: Page, blocks: list[HtmlBlock]) -> list[str | None]:
    """The gold label of each block (None where the gold does not say), as the corpus gives it."""
    if page.corpus == "trafilatura_eval":
        return _labels_from_snippets(page, blocks)
    if page.corpus == "googletrends2017" and len(page.element_labels) == len(blocks):
        return _labels_from_annotations(page, blocks)
    if page.corpus == "googletrends2017":
        log.warning("googletrends %s: element labels do not match the blocks; using content_text",
                    page.id)  # fmt: skip
    return _labels_from_gold(blocks, GoldText(page.gold_text or ""))


def label_page(page: Page, *, agreed: bool = False) -> LabelledDocument:
    """Every block of the page as a labelled paragraph (features in ``html``).

    ``agreed`` labels the blocks the gold leaves unlabelled by the unanimous verdict of
    three extractors (:mod:`declutter.training.agreement`).
    """
    blocks = page_blocks(page.html)
    if not blocks:
        raise ValueError(f"{page.corpus} page {page.id} has no visible text blocks")
    labels = block_labels(page, blocks)
    if page.corpus == "trafilatura_eval":
        labels = label_comment_threads(blocks, labels)
    if agreed:
        from .agreement import agreement_labels, fill_unlabelled

        labels = fill_unlabelled(labels, agreement_labels(page.html, blocks))
    paragraphs = tuple(
        LabelledParagraph(
            text=block.text,
            label=label,
            kind=insert_kind(block) if label == INSERT else None,
            html=block.html,
        )
        for block, label in zip(blocks, labels, strict=True)
    )
    meta: dict[str, Any] = {"corpus": page.corpus}
    if page.url:
        meta["url"] = page.url
    return LabelledDocument(
        id=f"{page.corpus}:{page.id}",
        source=page.source,
        paragraphs=paragraphs,
        lang=_LANGUAGE.get(page.corpus, "und"),
        genre="web",
        separator="\n\n",
        meta=meta,
    )


def article_window(doc: LabelledDocument, window: int) -> LabelledDocument | None:
    """Keep the article region (first to last content paragraph) and ``window`` paragraphs on
    each side: what a scraper that found the article roughly would hand us. None when the
    document has no content paragraph."""
    content_at = [i for i, p in enumerate(doc.paragraphs) if p.label == CONTENT]
    if not content_at:
        return None
    start = max(0, content_at[0] - window)
    end = content_at[-1] + window + 1
    meta = {**doc.meta, "window": window, "window_start": start}
    return LabelledDocument(
        doc.id, doc.source, doc.paragraphs[start:end], doc.lang, doc.genre, doc.separator, meta
    )


def _label_or_none(page: Page, agreed: bool = False) -> LabelledDocument | None:
    try:
        return label_page(page, agreed=agreed)
    except DataError:  # a missing extractor is the user's to fix, not a bad page
        raise
    except Exception as error:  # one bad page must not stop a corpus
        log.warning("skipped %s page %s: %s", page.corpus, page.id, error)
        return None


def load_corpus(
    corpus: str,
    root: str | Path,
    *,
    window: int | None = None,
    n_jobs: int = 1,
    ids: Iterable[str] | None = None,
    split: str = DEV,
    agreed: bool = False,
) -> Iterator[LabelledDocument]:
    """Labelled documents of one corpus, in page order.

    ``window`` keeps only the article region plus that many blocks either side (documents
    without content are then skipped). ``n_jobs`` > 1 labels pages in parallel with joblib.
    ``ids`` restricts the corpus to those pages, ``split`` to one part (:data:`DEV` unless
    chosen, as for :func:`load_pages`). ``agreed`` fills the blocks the gold leaves
    unlabelled by extractor agreement (:func:`label_page`). Pages that fail to parse are
    logged and skipped.
    """
    if agreed:
        from .agreement import extractor_versions

        extractor_versions()  # fail before reading any page when an extractor is missing
    if window is not None and window < 0:
        raise ValueError(f"window must be >= 0 (blocks either side of the article), not {window}")
    pages = load_pages(corpus, root, ids=ids, split=split)
    skipped = 0
    for doc in _map_pages(pages, n_jobs, agreed):
        if doc is not None and window is not None:
            doc = article_window(doc, window)
        if doc is None:
            skipped += 1
            continue
        yield doc
    if skipped:
        log.info("%s: %d pages skipped (no blocks, no content in window, or parse failure)",
                 corpus, skipped)  # fmt: skip


def _map_pages(
    pages: Iterable[Page], n_jobs: int, agreed: bool = False
) -> Iterator[LabelledDocument | None]:
    if n_jobs == 1:
        yield from (_label_or_none(page, agreed) for page in pages)
        return
    from joblib import Parallel, delayed

    tasks = (delayed(_label_or_none)(page, agreed) for page in pages)
    try:
        parallel = Parallel(n_jobs=n_jobs, return_as="generator", batch_size=8)
    except TypeError:  # joblib < 1.3 has no generator output: collect the list instead
        parallel = Parallel(n_jobs=n_jobs, batch_size=8)
    yield from parallel(tasks)


# --------------------------------------------------------------------------- statistics


def label_stats(docs: Iterable[LabelledDocument]) -> dict[str, int]:
    """Counts of documents, sources and content / insert / unlabelled blocks."""
    counts: Counter[str] = Counter()
    sources: set[str] = set()
    for doc in docs:
        counts["docs"] += 1
        sources.add(doc.source)
        for para in doc.paragraphs:
            counts[{CONTENT: "content", INSERT: "insert"}.get(para.label or "", "none")] += 1
    return {"docs": counts["docs"], "sources": len(sources), "content": counts["content"],
            "insert": counts["insert"], "none": counts["none"]}  # fmt: skip


def split_counts(corpus: str, root: str | Path) -> dict[str, int]:
    """Pages and sites in each part of a corpus, and how many test pages share their site
    with a dev page (zero by construction since every corpus is split by site; counted
    anyway, as the check). Reads what the split reads, loads no page."""
    parts, sites = split_parts(corpus, root), page_sites(corpus, root)
    by_part: dict[str, list[str]] = {DEV: [], TEST: []}
    for page_id, site in sites.items():
        by_part[parts[page_id]].append(site)
    dev_sites = set(by_part[DEV])
    return {
        "dev_pages": len(by_part[DEV]),
        "test_pages": len(by_part[TEST]),
        "dev_sources": len(dev_sites),
        "test_sources": len(set(by_part[TEST])),
        "test_pages_sharing_a_source_with_dev": sum(s in dev_sites for s in by_part[TEST]),
    }


@lru_cache(maxsize=1)
def _cli_root() -> Path | None:
    return default_corpora_root()


def main(argv: list[str] | None = None) -> int:
    """``python -m declutter.training.corpora [corpus ...] [--window N] [--split S]``: label
    statistics; ``--split-counts``: the pages of each part instead."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("corpora", nargs="*", default=list(CORPORA), help=", ".join(CORPORA))
    parser.add_argument("--root", type=Path, default=None, help="folder holding the corpora")
    parser.add_argument("--window", type=int, default=None)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--split", choices=SPLITS, default=DEV, help="which part (default dev)")
    parser.add_argument("--split-counts", action="store_true", help="count each part's pages")
    args = parser.parse_args(argv)
    root = args.root or _cli_root()
    if root is None:
        parser.error("corpora not found: pass --root or set $DECLUTTER_CORPORA")
    for corpus in args.corpora:
        if args.split_counts:
            print(corpus, json.dumps(split_counts(corpus, root)))
            continue
        docs = load_corpus(corpus, root, window=args.window, n_jobs=args.jobs, split=args.split)
        print(corpus, args.split, json.dumps(label_stats(docs)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
