"""The extractors declutter is compared with, each behind the same ``html -> text`` signature.

Every peer is imported only when asked for, so a machine without one of them still runs the
rest of the benchmark: :func:`load_peers` skips a missing peer and says how to install it.
An adapter never decides how to score; it only turns a page into the text a user of that
library would get with its documented, most common call.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata

# one choice of jusText stoplist, for this peer and for labels by extractor agreement
from declutter.training.agreement import justext_stoplist_name

Extractor = Callable[[str], str]

#: Pip command that installs every peer (the ``bench`` extra of pyproject.toml).
INSTALL_HINT = "pip install -e '.[bench]'"

_BLOCK_TAGS = frozenset(
    ("address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
     "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
     "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul")
)  # fmt: skip
_INVISIBLE_TAGS = frozenset(["script", "style", "noscript", "template", "head", "title"])


def visible_text(html: str) -> str:
    """The text of an HTML fragment with a line break at each block element.

    Used to turn an HTML answer (readability's summary) into text; lxml's ``text_content``
    would glue the last word of one paragraph to the first of the next.
    """
    import lxml.html

    if not html.strip():
        return ""
    root = lxml.html.fromstring(html)
    parts: list[str] = []
    _collect_text(root, parts)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _collect_text(element, parts: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag.lower() in _INVISIBLE_TAGS:
        if element.tail:
            parts.append(element.tail)
        return
    block = tag.lower() in _BLOCK_TAGS
    if block:
        parts.append("\n")
    if element.text and tag:
        parts.append(element.text)
    for child in element:
        _collect_text(child, parts)
    if block:
        parts.append("\n")
    if element.tail:
        parts.append(element.tail)


def _trafilatura(**options) -> Extractor:
    import trafilatura

    def extract(html: str) -> str:
        return trafilatura.extract(html, **options) or ""

    return extract


def _readability() -> Extractor:
    from readability import Document

    def extract(html: str) -> str:
        return visible_text(Document(html).summary(html_partial=True))

    return extract


def _justext() -> Extractor:
    import justext

    def extract(html: str) -> str:
        stoplist = justext.get_stoplist(justext_stoplist_name(html))
        paragraphs = justext.justext(html.encode("utf-8"), stoplist, encoding="utf-8")
        return "\n\n".join(p.text for p in paragraphs if not p.is_boilerplate)

    return extract


def _boilerpy3() -> Extractor:
    from boilerpy3 import extractors

    extractor = extractors.ArticleExtractor(raise_on_failure=False)

    def extract(html: str) -> str:
        return extractor.get_content(html) or ""

    return extract


def _newspaper() -> Extractor:
    import newspaper

    def extract(html: str) -> str:
        # A placeholder URL: newspaper needs one, and input_html stops it from fetching.
        article = newspaper.Article(url="https://example.invalid/article", fetch_images=False)
        article.download(input_html=html)
        article.parse()
        return article.text or ""

    return extract


def _goose() -> Extractor:
    from goose3 import Goose

    goose = Goose({"enable_image_fetching": False})

    def extract(html: str) -> str:
        return goose.extract(raw_html=html).cleaned_text or ""

    return extract


def _resiliparse() -> Extractor:
    from resiliparse.extract.html2text import extract_plain_text

    def extract(html: str) -> str:
        return extract_plain_text(html, main_content=True)

    return extract


def _c4_line_rules() -> Extractor:
    """C4's per-line rules as datatrove implements them (``C4QualityFilter``), on the page's
    visible text with one line per block: the input C4 had (Common Crawl's extracted text).

    The rules that drop a whole document (fewer than 5 sentences, "lorem ipsum", a curly
    bracket) are off: the text task compares what each tool keeps of one article's
    surroundings, and a dropped page would say nothing about the lines. Kept on: a line must
    end in terminal punctuation (and not an ellipsis) and have at least 3 words, no word over
    1,000 characters, no "javascript", none of the policy phrases ("terms of use", "privacy
    policy", "uses cookies", ...), and citation markers such as ``[1]`` are cut out.
    """
    from datatrove.data import Document
    from datatrove.pipeline.filters import C4QualityFilter

    rules = C4QualityFilter(
        min_num_sentences=-1, filter_lorem_ipsum=False, filter_curly_bracket=False
    )

    def extract(html: str) -> str:
        document = Document(text=visible_text(html), id="page")
        kept = rules.filter(document)
        return document.text if kept is True else ""

    return extract


def _keep_everything() -> Extractor:
    """All visible text: html-text when installed (the usual baseline), else BeautifulSoup."""
    try:
        import html_text
    except ImportError:
        from bs4 import BeautifulSoup

        def extract_bs4(html: str) -> str:
            soup = BeautifulSoup(html, "lxml")
            for tag in soup(list(_INVISIBLE_TAGS)):
                tag.decompose()
            return soup.get_text("\n", strip=True)

        return extract_bs4
    return html_text.extract_text


#: The benchmark tasks a peer can take part in.
ALL_TASKS = ("page", "text")


@dataclass(frozen=True)
class Peer:
    """One tool: how to build its extractor, which distribution carries its version, which
    module shows it is installed, and the tasks it is meant for (a line filter such as C4's
    rules works on text someone already extracted, so it runs in the text task only)."""

    name: str
    distribution: str
    factory: Callable[[], Extractor]
    module: str
    tasks: tuple[str, ...] = ALL_TASKS


PEERS: dict[str, Peer] = {
    peer.name: peer
    for peer in (
        Peer("trafilatura", "trafilatura", lambda: _trafilatura(), "trafilatura"),
        Peer(
            "trafilatura-precision", "trafilatura",
            lambda: _trafilatura(favor_precision=True), "trafilatura",
        ),
        # issue 14's page peer: its default keeps the comment section, which no corpus's
        # gold holds, so the default alone would be a weak comparison
        Peer(
            "trafilatura-no-comments", "trafilatura",
            lambda: _trafilatura(include_comments=False), "trafilatura",
        ),
        Peer("readability-lxml", "readability-lxml", _readability, "readability"),
        Peer("justext", "justext", _justext, "justext"),
        Peer("boilerpy3", "boilerpy3", _boilerpy3, "boilerpy3"),
        Peer("newspaper4k", "newspaper4k", _newspaper, "newspaper"),
        Peer("goose3", "goose3", _goose, "goose3"),
        Peer("resiliparse", "resiliparse", _resiliparse, "resiliparse"),
        Peer("c4", "datatrove", _c4_line_rules, "datatrove", tasks=("text",)),
        Peer("keep-everything", "html-text", _keep_everything, "bs4"),
    )
}  # fmt: skip


class PeerUnavailable(RuntimeError):
    """A peer's library is not installed."""


def load_peer(name: str) -> Extractor:
    """Import one peer and return its extractor; raise PeerUnavailable with the fix."""
    if name not in PEERS:
        raise KeyError(f"unknown peer {name!r}; choose from: {', '.join(PEERS)}")
    try:
        return PEERS[name].factory()
    except ImportError as error:
        raise PeerUnavailable(
            f"{name} is not installed ({error.name or error}); install the peers with "
            f"{INSTALL_HINT}"
        ) from None


def runs_in(name: str, task: str) -> bool:
    """Whether the peer ``name`` takes part in ``task`` ("page" or "text")."""
    return task in PEERS[name].tasks


def peer_version(name: str) -> str:
    """The installed version of the peer's distribution, or 'not installed'."""
    distribution = PEERS[name].distribution
    if name == "keep-everything" and not _installed("html-text"):
        distribution = "beautifulsoup4"
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def _installed(distribution: str) -> bool:
    try:
        metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return False
    return True


def available_peers(names: list[str] | None = None) -> tuple[list[str], list[str]]:
    """Split the wanted peers into (installed names, notices about the missing ones).

    Checks importability without building the extractor, so the runner can decide up front
    which worker processes to start.
    """
    present: list[str] = []
    notices: list[str] = []
    for name in list(PEERS) if names is None else names:
        if name not in PEERS:
            raise KeyError(f"unknown peer {name!r}; choose from: {', '.join(PEERS)}")
        if importlib.util.find_spec(PEERS[name].module) is None:
            notices.append(f"skipped {name}: not installed ({INSTALL_HINT})")
        else:
            present.append(name)
    return present, notices
