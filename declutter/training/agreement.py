"""Labels for blocks a corpus leaves unlabelled, from three extractors that agree.

trafilatura_eval labels only a few snippets per page (text that must and must not be in the
article); the rest of a page, its comment threads and most of its navigation among them, is
unlabelled and teaches the model nothing. Three widely used extractors with permissive
licences (trafilatura, Apache-2.0; readability-lxml, Apache-2.0; jusText, BSD-2-Clause) each
give their article text for the page, and a block they *all* leave out is labelled an
insert, a block they *all* keep is labelled content; any disagreement leaves it unlabelled.
A block is "kept" by an extractor when at least :data:`~declutter.training.corpora.CONTENT_SHARE`
of its word 4-grams are in that extractor's text and "left out" at most
:data:`~declutter.training.corpora.INSERT_SHARE` (the same alignment as the corpora's gold;
short blocks: whole-word substring or not).

Why it can be trusted, measured on pages whose every block has a gold label (the first 40
dev pages, 2026-12-03; ``docs/experiments.md`` has the command): on scrapinghub_aeb,
unanimous "left out" fell on 4,658 gold inserts and 15 gold content blocks (0.3 % wrong),
unanimous "kept" on 571 content blocks and no insert; on dragnet, 6,112 inserts against 35
content blocks (0.6 %) and 465 content blocks against 19 inserts (3.9 %). Two of three
agreeing was much noisier (dragnet: 1,108 inserts labelled content against 559 content), so
only unanimity counts.

The extractors are a training-time dependency (``pip install -e '.[bench]'``); nothing here is
imported by ``clean``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from functools import cache

from ..decoding import decode_page
from ..errors import DataError
from ..html import HtmlBlock, page_blocks

Extractor = Callable[[str], str]
#: The extractors whose unanimous verdict labels a block, by distribution name.
EXTRACTORS = ("trafilatura", "readability-lxml", "justext")
INSTALL_HINT = "pip install -e '.[bench]'"


def _trafilatura(html: str) -> str:
    import trafilatura

    return trafilatura.extract(html) or ""


def _readability(html: str) -> str:
    from readability import Document

    summary = Document(html).summary(html_partial=True)
    return "\n".join(block.text for block in page_blocks(summary.encode("utf-8")))


def _justext(html: str) -> str:
    import justext

    stoplist = justext.get_stoplist(_justext_language(html))
    paragraphs = justext.justext(html.encode("utf-8"), stoplist, encoding="utf-8")
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def _justext_language(html: str) -> str:
    """jusText's stoplist for the page's declared language (``<html lang>``), else English."""
    import justext

    found = re.search(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2})", html, re.IGNORECASE)
    names = {"de": "German", "fr": "French", "es": "Spanish", "it": "Italian",
             "nl": "Dutch", "pt": "Portuguese", "pl": "Polish", "ru": "Russian"}  # fmt: skip
    name = names.get(found.group(1).lower(), "English") if found else "English"
    return name if name in justext.get_stoplists() else "English"


_RUNNERS: dict[str, Extractor] = {
    "trafilatura": _trafilatura,
    "readability-lxml": _readability,
    "justext": _justext,
}


def extractor_versions() -> dict[str, str]:
    """Installed versions of the three extractors; a :class:`DataError` says how to install."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return {name: version(name) for name in EXTRACTORS}
    except PackageNotFoundError as missing:
        raise DataError(
            f"labels by agreement need the extractors {', '.join(EXTRACTORS)}; "
            f"{missing.name} is not installed ({INSTALL_HINT})"
        ) from None


@cache
def _extracted(digest: str, html: str) -> tuple[str, ...]:
    """Each extractor's article text for one page (cached: a corpus's page and text data
    sets read the same pages). An extractor that fails on the page counts as keeping
    nothing, which can only make a block's agreement "left out" when the others agree."""
    texts = []
    for name in EXTRACTORS:
        try:
            texts.append(_RUNNERS[name](html))
        except Exception:  # a third-party parser failing on a hostile page
            texts.append("")
    return tuple(texts)


def agreement_labels(html: bytes, blocks: Sequence[HtmlBlock]) -> list[str | None]:
    """For each block, ``"insert"`` or ``"content"`` when all three extractors agree, else None."""
    from .corpora import GoldText, block_share, label_for_share

    extractor_versions()
    text = decode_page(html)
    golds = [GoldText(t) for t in _extracted(hashlib.sha256(html).hexdigest(), text)]
    labels: list[str | None] = []
    for block in blocks:
        verdicts = {label_for_share(block_share(gold, block.text)) for gold in golds}
        labels.append(verdicts.pop() if len(verdicts) == 1 else None)
    return labels


def fill_unlabelled(labels: list[str | None], agreed: Sequence[str | None]) -> list[str | None]:
    """The gold labels, with agreement labels only where the gold has none."""
    return [gold if gold is not None else extra for gold, extra in zip(labels, agreed, strict=True)]


__all__ = ["EXTRACTORS", "agreement_labels", "extractor_versions", "fill_unlabelled"]
