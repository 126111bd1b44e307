"""The evaluation documents: which pages of each corpus, and what each task feeds the tools.

The page task gives every tool the page's HTML. The text task gives declutter the text a
scraper leaves (the page's blocks around and inside the article, ``WINDOW`` blocks either
side) and gives the HTML extractors the same blocks as ``<p>`` paragraphs of a bare page, so
all tools see exactly the same words.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.metrics import LabelledSpan
from declutter.training.agreement import page_language
from declutter.training.corpora import (
    CORPORA,
    DEV,
    TEST,
    Page,
    article_window,
    default_corpora_root,
    label_page,
    load_pages,
)

#: Pages per corpus in quick mode (the first ones by sorted id, so the subset never drifts).
QUICK_PAGES = 8
#: Blocks kept either side of the article region in the text task.
WINDOW = 3
#: Corpora whose dev part the shipped model was trained on (the README's training command
#: reads ``corpus:NAME``, the dev part), so its dev-part scores there are not unseen-data
#: scores; their test parts hold other sites and are unseen (:func:`seen_in_training`).
SEEN_IN_TRAINING = (
    "scrapinghub_aeb",
    "trafilatura_eval",
    "readability_tests",
    "postlight_fixtures",
)
#: Corpora added later (December), evaluated when named with ``--only``. The report gives
#: them their own columns and their own macro average, apart from the five others.
NEWER_CORPORA = ("readability_tests", "postlight_fixtures")
#: The corpora a run evaluates unless told otherwise: the five the headline figures have
#: always been measured on, so that they stay comparable.
DEFAULT_CORPORA = tuple(corpus for corpus in CORPORA if corpus not in NEWER_CORPORA)


def seen_in_training(corpora: Iterable[str], split: str) -> list[str]:
    """The corpora among ``corpora`` whose pages of ``split`` the shipped model trained on:
    none on the test part, :data:`SEEN_IN_TRAINING` on the dev part or all pages.

    >>> seen_in_training(["dragnet", "scrapinghub_aeb", "postlight_fixtures"], "dev")
    ['scrapinghub_aeb', 'postlight_fixtures']
    >>> seen_in_training(["scrapinghub_aeb"], "test")
    []
    """
    if split == TEST:
        return []
    return [corpus for corpus in corpora if corpus in SEEN_IN_TRAINING]


def page_key(page: Page) -> str:
    """A page's key, unique across corpora: ``corpus:id``."""
    return f"{page.corpus}:{page.id}"


@dataclass(frozen=True)
class EvalText:
    """The text-task input made from one page: plain text with gold paragraph labels."""

    key: str
    text: str
    paragraphs: tuple[LabelledSpan, ...]
    #: The page's declared language (``<html lang>``), passed on to the peers' bare page.
    lang: str | None = None

    @property
    def paragraph_texts(self) -> list[str]:
        """Each paragraph's text, in order."""
        return [self.text[p.start : p.end] for p in self.paragraphs]


def corpora_root(path: str | Path | None) -> Path:
    """The corpora folder: ``path`` if given, else declutter's default; raise if absent."""
    if path is not None:
        root = Path(path)
    else:
        found = default_corpora_root()
        if found is None:
            raise FileNotFoundError(
                "corpora not found: pass --corpora PATH (the folder holding scrapinghub_aeb, "
                "dragnet, ...) or set $DECLUTTER_CORPORA"
            )
        root = found
    if not root.is_dir():
        raise FileNotFoundError(f"corpora folder {root} does not exist; pass --corpora PATH")
    return root


def load_eval_pages(
    corpus: str, root: Path, limit: int | None = None, split: str = DEV
) -> list[Page]:
    """The pages of one part of ``corpus`` (dev, test or all; see docs/splits.md), sorted
    by id, the first ``limit`` of them when given."""
    pages = sorted(load_pages(corpus, root, split=split), key=lambda page: page.id)
    return pages if limit is None else pages[:limit]


def text_document(page: Page, window: int = WINDOW) -> EvalText | None:
    """The page's blocks in the article window, rendered as text; None without content.

    Uses declutter's own page labelling, so the paragraph labels are the ones the training
    data uses (content, insert, or None for blocks that are neither).
    """
    try:
        doc = article_window(label_page(page), window)
    except ValueError:
        return None
    if doc is None:
        return None
    text, spans = doc.render()
    paragraphs = tuple(
        LabelledSpan(start, end, para.label)
        for (start, end), para in zip(spans, doc.paragraphs, strict=True)
    )
    lang = page_language(page.html[:20000].decode("ascii", errors="ignore"))
    return EvalText(page_key(page), text, paragraphs, lang)


def wrap_as_html(paragraphs: Iterable[str], lang: str | None = None) -> str:
    """A minimal HTML page with one ``<p>`` per paragraph (the text task input for peers).

    The original page's language is kept, because jusText picks its stoplist from it.
    """
    body = "\n".join(f"<p>{html.escape(text)}</p>" for text in paragraphs)
    lang_attribute = f' lang="{html.escape(lang)}"' if lang else ""
    return (
        f'<!DOCTYPE html>\n<html{lang_attribute}><head><meta charset="utf-8"><title></title>'
        f"</head>\n<body>\n{body}\n</body></html>\n"
    )


def subset_digest(pages: Sequence[Page]) -> str:
    """SHA-256 over the ids and gold of the evaluation subset, in order.

    The gate pins floors to this digest: floors measured on other pages or other gold say
    nothing about this run.
    """
    digest = hashlib.sha256()
    for page in pages:
        record = [page.corpus, page.id, page.gold_text, page.with_snippets, page.without_snippets]
        digest.update(json.dumps(record, ensure_ascii=False).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()
