"""Measure the shortcuts our own corpus offers: surface marks that tell the labels apart.

    python training_data/shortcuts.py            # print the table for train.jsonl and test.jsonl
    python training_data/shortcuts.py --check    # also exit 1 if any shortcut is above its bound

A model learns whatever separates the labels most cheaply. If nearly every paragraph with a
``|`` in it is an insert, it learns "a pipe means insert", and real pages, where ``|`` also
separates a table's cells, contradict it. So for each mark below this prints, per label, the
share of paragraphs that carry it, and the share of documents whose last paragraph is an
insert (a model that reads position learns "the last line goes" from that).

Bounds:

- a mark is a shortcut when its share on one side is more than :data:`MAX_RATIO` times its
  share on the other (either direction: "a digits-only line is content" is a shortcut too);
  a mark on fewer than :data:`MIN_PARAGRAPHS` paragraphs of a file is reported but not
  bounded (too rare to learn from, and its ratio is noise);
- at most :data:`MAX_ENDING_WITH_INSERT` of the documents may end with an insert.

Only whole documents are measured, plus the inserts ``build.py`` cut off the end of some of
them (``trailing_insert_of``), which appear nowhere else: the other single-paragraph
documents (``single_paragraph_of``) repeat paragraphs of whole documents. The endings are
counted on whole documents only (a one-paragraph document has no position).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
FILES = ("train.jsonl", "test.jsonl")
MAX_RATIO = 3.0
MIN_PARAGRAPHS = 10
MAX_ENDING_WITH_INSERT = 0.5

_DIGIT = re.compile(r"\d")
_LETTER = re.compile(r"[^\W\d_]")


def digits_only(text: str) -> bool:
    """A line of numbers and punctuation: a score, a count, a time, a page number."""
    return bool(_DIGIT.search(text)) and not _LETTER.search(text)


def all_caps(text: str) -> bool:
    """A line whose letters (at least four) are all capitals: ADVERTISEMENT, WHAT YOU NEED."""
    cased = [c for c in text if c.lower() != c.upper()]
    return len(cased) >= 4 and all(c.isupper() for c in cased)


def _has(mark: str) -> Callable[[str], bool]:
    return lambda text: mark in text


MARKS: dict[str, Callable[[str], bool]] = {
    **{repr(mark): _has(mark) for mark in "·|©»›→•@#"},
    "digits-only line": digits_only,
    "all-caps line": all_caps,
}


@dataclass(frozen=True)
class Row:
    mark: str
    content: int
    content_total: int
    insert: int
    insert_total: int

    @property
    def content_share(self) -> float:
        return self.content / self.content_total if self.content_total else 0.0

    @property
    def insert_share(self) -> float:
        return self.insert / self.insert_total if self.insert_total else 0.0

    @property
    def ratio(self) -> float:
        """The larger share over the smaller (inf when only one label has the mark)."""
        high, low = sorted((self.content_share, self.insert_share), reverse=True)
        if high == 0:
            return 1.0
        return high / low if low else float("inf")

    @property
    def bounded(self) -> bool:
        return self.content + self.insert >= MIN_PARAGRAPHS

    @property
    def ok(self) -> bool:
        return not self.bounded or self.ratio <= MAX_RATIO


def whole_documents(path: Path) -> list[dict]:
    """The documents of a file that carry paragraphs of their own (see the module docstring)."""
    docs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [doc for doc in docs if "single_paragraph_of" not in doc]


def measure(docs: Iterable[dict]) -> tuple[list[Row], int, int]:
    """(one row per mark, whole documents ending with an insert, whole documents)."""
    docs = list(docs)
    paragraphs = [p for doc in docs for p in doc["paragraphs"]]
    content = [p["text"] for p in paragraphs if p["label"] == "content"]
    inserts = [p["text"] for p in paragraphs if p["label"] == "insert"]
    rows = [
        Row(
            name,
            sum(map(test, content)),
            len(content),
            sum(map(test, inserts)),
            len(inserts),
        )
        for name, test in MARKS.items()
    ]
    whole = [doc for doc in docs if "trailing_insert_of" not in doc]
    ending = sum(1 for doc in whole if doc["paragraphs"][-1]["label"] == "insert")
    return rows, ending, len(whole)


def _ratio(row: Row) -> str:
    if not row.bounded:
        return f"(rare, {row.ratio:.1f})" if row.ratio != float("inf") else "(rare, only one side)"
    side = "insert" if row.insert_share > row.content_share else "content"
    text = "only " + side if row.ratio == float("inf") else f"{row.ratio:.1f} {side}"
    return text if row.ok else f"**{text}** > {MAX_RATIO:g}"


def report(name: str, rows: list[Row], ending: int, total: int) -> str:
    lines = [
        f"`{name}`: {total} documents, {rows[0].content_total} content and "
        f"{rows[0].insert_total} insert paragraphs",
        "",
        "| mark | content paragraphs | insert paragraphs | larger share / smaller |",
        "| --- | ---: | ---: | --- |",
    ]
    for row in rows:
        lines.append(
            f"| {row.mark.replace('|', '&#124;')} | {row.content} ({row.content_share:.2%}) "
            f"| {row.insert} ({row.insert_share:.2%}) | {_ratio(row)} |"
        )
    share = ending / total if total else 0.0
    flag = "" if share <= MAX_ENDING_WITH_INSERT else f" (bound {MAX_ENDING_WITH_INSERT:.0%})"
    lines += ["", f"documents ending with an insert: {ending} of {total} ({share:.0%}){flag}", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a bound is exceeded")
    args = parser.parse_args(argv)
    failures = []
    for name in FILES:
        rows, ending, total = measure(whole_documents(HERE / name))
        print(report(name, rows, ending, total))
        failures += [f"{name}: {row.mark} ({row.ratio:.1f}x)" for row in rows if not row.ok]
        if total and ending / total > MAX_ENDING_WITH_INSERT:
            failures.append(f"{name}: {ending / total:.0%} of documents end with an insert")
    if args.check and failures:
        print("shortcuts above their bounds: " + "; ".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
