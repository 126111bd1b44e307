"""The behaviour cases and the README's example test wording the model never saw.

A case whose insert is copied from the training data tests recall of a memorised line, not
behaviour: it passes for a model that learnt nothing but that line. So no ``must_keep`` or
``must_remove`` snippet of ``tests/cases/*.jsonl``, no line of ``examples/article.txt``
(the README's doctest and the CLI tests clean it), and no line of the promotional blocks of
``benchmarks/promo_blocks.jsonl`` (the in-article block benchmark) may occur in the text of
any document of ``training_data/*.jsonl``: case-insensitive, whitespace-normalised, anywhere
in a document rendered as ``clean()`` would see it (so a line glued from two training
paragraphs counts).

Snippets under :data:`MIN_CHARS` characters are exempt, and only they: a label such as
"Anzeige", "Publicidad", "Related:" or "Accept all" is the same two words on every site in
its language, so there is no other wording to test it with, and a string that short occurs
by chance inside longer training text ("3 eggs", "Method"). Everything longer is checked.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases"
EXAMPLE = ROOT / "examples" / "article.txt"
TRAINING = ROOT / "training_data"
PROMO_BLOCKS = ROOT / "benchmarks" / "promo_blocks.jsonl"
MIN_CHARS = 12


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def rendered(doc: dict) -> str:
    """A training document's text as ``LabelledDocument.render`` writes it."""
    parts = []
    for number, paragraph in enumerate(doc["paragraphs"]):
        if number:
            join = paragraph.get("join")
            parts.append(doc.get("separator", "\n\n") if join is None else join)
        parts.append(paragraph["text"])
    return "".join(parts)


@cache
def training_documents() -> tuple[tuple[str, str], ...]:
    """(file:id, normalised text) of every training document."""
    docs = []
    for path in sorted(TRAINING.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            doc = json.loads(line)
            docs.append((f"{path.name}:{doc['id']}", normalise(rendered(doc))))
    return tuple(docs)


def training_documents_with(text: str) -> list[str]:
    needle = normalise(text)
    return [where for where, doc in training_documents() if needle in doc]


def checked_strings() -> list[tuple[str, str]]:
    """(where, text) of every case snippet and example line long enough to check."""
    found = []
    for path in sorted(CASES.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            case = json.loads(line)
            for field in ("must_keep", "must_remove"):
                found += [(f"{path.name}:{number} {field}", s) for s in case[field]]
    for number, line in enumerate(EXAMPLE.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            found.append((f"{EXAMPLE.name}:{number}", line))
    for number, line in enumerate(PROMO_BLOCKS.read_text(encoding="utf-8").splitlines(), start=1):
        found += [(f"{PROMO_BLOCKS.name}:{number}", text) for text in json.loads(line)["lines"]]
    return [(where, text) for where, text in found if len(normalise(text)) >= MIN_CHARS]


def test_the_training_text_is_there_to_search() -> None:
    names = {where.split(":")[0] for where, _ in training_documents()}
    assert {"train.jsonl", "test.jsonl", "test_single.jsonl"} <= names
    assert len(training_documents()) > 1000  # every file read, not an empty haystack
    assert training_documents_with("ALLE  akzeptieren")  # a known training line is found


def test_the_search_sees_glued_and_respaced_text() -> None:
    doc = {
        "separator": "\n\n",
        "paragraphs": [
            {"text": "By AcmeData"},
            {"text": "In May  this\nyear", "join": ""},
            {"text": "Read more", "join": " "},
        ],
    }
    assert normalise(rendered(doc)) == "by acmedatain may this year read more"


def test_snippets_and_example_lines_are_long_enough_to_mean_something() -> None:
    strings = checked_strings()
    assert len(strings) >= 60  # the exemption leaves most of them checked
    assert any(where.startswith(EXAMPLE.name) for where, _ in strings)


@pytest.mark.parametrize(
    "where, text", [pytest.param(w, t, id=f"{w} {t[:30]}") for w, t in checked_strings()]
)
def test_wording_is_not_in_the_training_data(where: str, text: str) -> None:
    found = training_documents_with(text)
    assert not found, f"{where}: {text!r} is in {len(found)} training documents: {found[:3]}"
