"""Small made-up corpora in the on-disk formats of ``../shared/corpora``, for skip-free tests.

Each page has a menu, a headline, article paragraphs, a newsletter insert and a footer; its
gold text is the article paragraphs alone, so the loaders' labels are known in advance.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

#: The article's sentences; each page adds its id before the full stop, so pages differ.
ARTICLE = (
    "The harbour authority approved the new ferry timetable on Monday after a long review",
    "Crossings will run every twenty minutes in summer and every hour in the winter months",
)
INSERT = "Sign up for our weekly newsletter and never miss a story from the harbour again."
MENU = "Home | Ferries | Timetables | Contact"
FOOTER = "Copyright 2024 Harbour News Ltd. All rights reserved."
HEADLINE = "Ferries to run more often"


def page_html(title: str, canonical: str | None = None, lang: str = "en") -> bytes:
    """A page whose article is :data:`ARTICLE`, between a menu and an insert and a footer."""
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    paragraphs = "".join(f"<p>{text} ({title}).</p>" for text in ARTICLE)
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">{link}'
        f"<title>{title}</title></head><body><nav><a>{MENU}</a></nav><h1>{HEADLINE}</h1>"
        f"<article>{paragraphs}</article><aside><p>{INSERT}</p></aside>"
        f"<footer><p>{FOOTER}</p></footer></body></html>"
    ).encode()


def gold_text(title: str) -> str:
    """The article text of :func:`page_html` with the same title, as a corpus would give it."""
    return "\n\n".join(f"{text} ({title})." for text in ARTICLE)


def write_article_body_corpus(
    root: Path, corpus: str, pages: dict[str, tuple[str, str | None]]
) -> Path:
    """Write ``corpus`` in the scrapinghub_aeb format under ``root``.

    ``pages`` maps each id to (url in ground-truth.json, canonical link in the page or None).
    """
    folder = root / corpus
    (folder / "html").mkdir(parents=True, exist_ok=True)
    truth = {}
    for page_id, (url, canonical) in pages.items():
        truth[page_id] = {"articleBody": gold_text(page_id), "url": url}
        with gzip.open(folder / "html" / f"{page_id}.html.gz", "wb") as handle:
            handle.write(page_html(page_id, canonical))
    (folder / "ground-truth.json").write_text(json.dumps(truth, indent=1, sort_keys=True))
    return folder


def readability_pages(count: int = 12) -> dict[str, tuple[str, str | None]]:
    """readability_tests-like ids: no URL; some pages share a site through their canonical
    link (``news-1``..``news-3`` on news.example.com), some have no link at all."""
    pages: dict[str, tuple[str, str | None]] = {
        f"news-{i}": ("", f"https://www.news.example.com/story/{i}") for i in (1, 2, 3)
    }
    pages.update({f"blog-{i}": ("", None) for i in (1, 2)})  # one site by the id's stem
    for i in range(count - len(pages)):
        pages[f"site{i}"] = ("", f"https://www.site{i}.example/article")
    return pages


def postlight_pages(count: int = 12) -> dict[str, tuple[str, str | None]]:
    """postlight_fixtures-like ids (``<domain>`` or ``<domain>--<variant>``) with URLs; the
    three nytimes fixtures are one site although one canonical link points elsewhere."""
    pages: dict[str, tuple[str, str | None]] = {
        "www.nytimes.com": ("https://www.nytimes.com/a", None),
        "www.nytimes.com--feature": ("https://www.nytimes.com/b", None),
        "www.nytimes.com--recent": ("", "https://elsewhere.example.net/c"),
    }
    for i in range(count - len(pages)):
        pages[f"www.paper{i}.co.uk"] = (f"https://www.paper{i}.co.uk/news", None)
    return pages


def scrapinghub_pages(count: int = 12) -> dict[str, tuple[str, str | None]]:
    """scrapinghub_aeb-like pages: most give a URL (four on one site, under two subdomains),
    one gives none but has a canonical link, one gives neither (its own id is its site)."""
    pages: dict[str, tuple[str, str | None]] = {
        f"shared{i}": (f"https://{'www' if i % 2 else 'news'}.daily.example.com/{i}", None)
        for i in range(4)
    }
    pages["linked"] = ("", "https://www.linked.example.org/story")
    pages["bare"] = ("", None)
    for i in range(count - len(pages)):
        pages[f"single{i}"] = (f"https://www.single{i}.example/a", None)
    return pages


def write_dragnet_corpus(root: Path, pages: dict[str, str | None]) -> Path:
    """Write a dragnet-format corpus (``gold.json`` with ``content``; no URL anywhere) whose
    pages map each id to their canonical link (or None)."""
    folder = root / "dragnet"
    (folder / "html").mkdir(parents=True, exist_ok=True)
    gold = {}
    for page_id, canonical in pages.items():
        gold[page_id] = {"content": gold_text(page_id), "comments": ""}
        with gzip.open(folder / "html" / f"{page_id}.html.gz", "wb") as handle:
            handle.write(page_html(page_id, canonical))
    (folder / "gold.json").write_text(json.dumps(gold, indent=1, sort_keys=True))
    return folder


def dragnet_pages(count: int = 12) -> dict[str, str | None]:
    """dragnet-like ids (numbers): three pages on one site by their canonical links, two
    without a link, the rest one site each."""
    pages: dict[str, str | None] = {str(i): f"https://blog.same.example/{i}" for i in (1, 2, 3)}
    pages.update({"4": None, "5": None})
    for i in range(6, count + 1):
        pages[str(i)] = f"https://www.own{i}.example/post"
    return pages
