"""Datelines and person bylines: blocks the public corpora label in opposite ways.

A line such as "By Jane Smith, November 12, 2012" or "Posted on 07/28/2012" is article text
in dragnet's gold and in googletrends2017's, and missing from the gold (so an insert) in
scrapinghub_aeb's, Readability's and Postlight's, whose golds are the article body alone.
Trained on the second kind, the model removed such lines everywhere: on dragnet's dev
text, 18 of a random 45 content blocks it scored 0.88 or more were datelines or bylines
(model trained 2026-12-03 with the newer corpora). Our own labelling guide calls them
unknown (``training_data/README.md``), and :func:`declutter.training.train.train` does the
same for the corpora's inserts that :func:`looks_like_dateline_or_byline`: kept as context,
not fit. Evaluation keeps every corpus's own labels.

The test is deliberately narrow (a short line that names a date or time, or opens with a
byline word before a capitalised name), so that menus and teasers with a date in them
stay inserts only when they are long.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from .units import LabelledUnits

#: Longest line, in words, that can be a dateline or byline.
MAX_WORDS = 12

_MONTHS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|"
    "july|august|september|october|november|december|"
    "januar|jänner|februar|märz|mai|juni|juli|oktober|dezember|"
    "janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre|"
    "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|"
    "noviembre|diciembre|gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|"
    "dicembre|januari|februari|maart|mei|augustus|janeiro|fevereiro|março|maio|junho|julho|"
    "setembro|outubro|dezembro"
)
_DATE = re.compile(
    rf"\b(?:{_MONTHS})\.?\s+\d{{1,2}}\b"  # November 12
    rf"|\b\d{{1,2}}\.?\s+(?:de\s+)?(?:{_MONTHS})\b"  # 12 November, 12. November, 12 de mayo
    r"|\b\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})\b"  # 12/11/2012, 12.11.12
    r"|\b\d{4}-\d{2}-\d{2}\b"  # 2012-11-12
    r"|\b\d{1,2}:\d{2}\b",  # 10:00
    re.IGNORECASE,
)
_BYLINE = re.compile(  # the byline word in any case, the name after it capitalised
    r"^\s*(?i:by|posted by|written by|von|par|por|di|door|publié par|publicado por)\s*:?\s+"
    r"[A-ZÀ-Ý]"
)


def looks_like_dateline_or_byline(text: str) -> bool:
    """A line of at most :data:`MAX_WORDS` words that names a date or a time of day, or that
    opens with a byline word ("By", "Posted by", "Von", "Par", ...) before a capitalised word."""
    if len(text.split()) > MAX_WORDS:
        return False
    return bool(_DATE.search(text) or _BYLINE.match(text))


def unlabel_corpus_bylines(labelled: LabelledUnits, corpus_names: Collection[str]) -> int:
    """Mark the corpus inserts that look like datelines or bylines unknown (label -1), in
    place; returns how many. Our own data's labels are left as written."""
    changed = 0
    for i, (unit, label, dataset) in enumerate(
        zip(labelled.units, labelled.labels, labelled.datasets, strict=True)
    ):
        if label == 1 and dataset in corpus_names and looks_like_dateline_or_byline(unit.text):
            labelled.labels[i] = -1
            labelled.kinds[i] = None
            changed += 1
    return changed


__all__ = ["MAX_WORDS", "looks_like_dateline_or_byline", "unlabel_corpus_bylines"]
