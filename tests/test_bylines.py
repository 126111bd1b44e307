"""Datelines and bylines of the public corpora are unknown in training, never our own labels."""

from __future__ import annotations

import pytest

from declutter.paragraphs import Unit
from declutter.training.bylines import looks_like_dateline_or_byline, unlabel_corpus_bylines
from declutter.training.units import LabelledUnits


@pytest.mark.parametrize(
    "text",
    [
        "By Jane Smith, Health Correspondent",
        "Posted: October 27, 2012 at 9:14 am",
        "Monday, November 05, 2012",
        "Von Katrin Oswald · 14.02.2025",
        "12 de mayo de 2021",
        "di Mario Rossi",
        "Updated 2012-11-12",
    ],
)
def test_datelines_and_bylines_are_recognised(text: str) -> None:
    assert looks_like_dateline_or_byline(text)


@pytest.mark.parametrize(
    "text",
    [
        "by the way, the ferry is late again",  # no capitalised name after "by"
        "Read more: City budget approved",
        "Home News Sport Weather",
        "The council met on 12 May 2021 to discuss the new budget for the city and the region",
    ],
)
def test_other_lines_are_not(text: str) -> None:
    assert not looks_like_dateline_or_byline(text)


def test_only_corpus_inserts_become_unknown() -> None:
    labelled = LabelledUnits()
    rows = [
        ("By Jane Smith", 1, "corpus:a", "navigation"),
        ("By Jane Smith", 0, "corpus:a", None),  # content stays content
        ("By AcmeData", 1, "own.jsonl", "lead_gen"),  # our own labels are as written
        ("Subscribe to the weekly digest", 1, "corpus:a", None),
    ]
    for number, (text, label, dataset, kind) in enumerate(rows):
        labelled.add(Unit(text, number, 0, 1, False), label, "site", kind, dataset)
    assert unlabel_corpus_bylines(labelled, {"corpus:a"}) == 1
    assert labelled.labels == [-1, 0, 1, 1]
    assert labelled.kinds[0] is None and labelled.kinds[2] == "lead_gen"
