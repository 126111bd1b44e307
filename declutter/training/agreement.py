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
dev pages, 2026-12-03, ``benchmarks/agreement_noise.py``): on scrapinghub_aeb,
unanimous "left out" fell on 4,662 gold inserts and 15 gold content blocks (0.3 % wrong),
unanimous "kept" on 571 content blocks and no insert; on dragnet, 6,112 inserts against 35
content blocks (0.6 %) and 465 content blocks against 19 inserts (3.9 %). Two of three
agreeing was much noisier (dragnet: 1,108 inserts labelled content against 559 content), so
only unanimity counts.

The extractors are a training-time dependency (``pip install -e '.[bench]'``); nothing here is
imported by ``clean``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

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

    stoplist = justext.get_stoplist(justext_stoplist_name(html))
    paragraphs = justext.justext(html.encode("utf-8"), stoplist, encoding="utf-8")
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


_LANG_ATTRIBUTE = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})", re.IGNORECASE)

#: ISO 639-1 code -> jusText stoplist name, for the languages of the corpora.
_JUSTEXT_STOPLISTS = {
    "en": "English", "de": "German", "fr": "French", "es": "Spanish", "pt": "Portuguese",
    "it": "Italian", "pl": "Polish", "ru": "Russian", "nl": "Dutch", "no": "Norwegian_Bokmal",
    "nb": "Norwegian_Bokmal", "nn": "Norwegian_Nynorsk", "fi": "Finnish", "id": "Indonesian",
    "ko": "Korean", "sv": "Swedish", "da": "Danish", "cs": "Czech", "tr": "Turkish",
    "hu": "Hungarian", "ro": "Romanian", "uk": "Ukrainian", "el": "Greek", "ca": "Catalan",
}  # fmt: skip


def page_language(html: str) -> str | None:
    """The two-letter code of the page's ``<html lang>`` attribute, lower-cased, if any."""
    match = _LANG_ATTRIBUTE.search(html[:20000])
    return match.group(1).lower()[:2] if match else None


def justext_stoplist_name(html: str) -> str:
    """The jusText stoplist for the page's declared language, English when unknown (the
    benchmark's jusText peer uses the same choice)."""
    return _JUSTEXT_STOPLISTS.get(page_language(html) or "", "English")


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


def _extracted(html: str) -> tuple[str, ...]:
    """Each extractor's article text for one page. An extractor that fails on the page
    counts as keeping nothing, which can only make a block's agreement "left out" when the
    others agree; one that is not installed is an error (it would fail on every page)."""
    texts = []
    for name in EXTRACTORS:
        try:
            texts.append(_RUNNERS[name](html))
        except ImportError:
            extractor_versions()  # names the missing distribution and how to install it
            raise
        except Exception:  # a third-party parser failing on a hostile page
            texts.append("")
    return tuple(texts)


def agreement_labels(html: bytes, blocks: Sequence[HtmlBlock]) -> list[str | None]:
    """For each block, ``"insert"`` or ``"content"`` when all three extractors agree, else None."""
    from .corpora import GoldText, block_share, label_for_share

    golds = [GoldText(text) for text in _extracted(decode_page(html))]
    labels: list[str | None] = []
    for block in blocks:
        verdicts = {label_for_share(block_share(gold, block.text)) for gold in golds}
        labels.append(verdicts.pop() if len(verdicts) == 1 else None)
    return labels


def fill_unlabelled(labels: list[str | None], agreed: Sequence[str | None]) -> list[str | None]:
    """The gold labels, with agreement labels only where the gold has none."""
    return [gold if gold is not None else extra for gold, extra in zip(labels, agreed, strict=True)]


__all__ = [
    "EXTRACTORS",
    "agreement_labels",
    "extractor_versions",
    "fill_unlabelled",
    "justext_stoplist_name",
    "page_language",
]
