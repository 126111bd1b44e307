"""Compile the hand-written authoring files into the JSONL corpus that ``declutter train`` reads.

    python training_data/build.py            # writes train.jsonl, test.jsonl, test_single.jsonl
    python training_data/build.py --check    # exits 1 if the JSONL files are out of date

Why a second format: JSON with escaped quotes is hard to write and review by hand; the
authoring files (``training_data/authoring/*.txt``) hold one paragraph a line with its label
in front, so a diff shows exactly which paragraph changed. Their grammar::

    # a comment
    @doc id=de-news-001 source=rheinblick.example lang=de genre=news sep=blank
    C  A content paragraph, on one line.
    I:newsletter Sign up for our morning briefing.
    I:lead_gen By AcmeData
    C^ In May this year, the regulator ...      (^ glues it to the previous paragraph: no space)
    I:related+ Read more: Acme wins award      (+ joins it to the previous one with one space)
    ? A paragraph whose label is unknown        (kept as context, not trained on)

``sep`` is ``blank`` (paragraphs separated by a blank line) or ``line`` (one paragraph a line).
The split into train and test is by source (a hash of its name), so that a test source's
paragraphs and boilerplate are never seen in training.

Single-paragraph documents: people also call ``clean()`` on one paragraph at a time, and a
document of one line gives the context model nothing to go on. So from every authored
document up to :data:`SINGLES_PER_DOCUMENT` of its labelled paragraphs (chosen by a hash,
so the choice is stable) are also written as documents of their own, id ``<id>~<n>``, with
the same source. Those from training sources go into ``train.jsonl``; those from test
sources into ``test_single.jsonl`` (not ``test.jsonl``, which stays the whole-document test).
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from declutter.data import (  # noqa: E402
    DataFormatError,
    LabelledDocument,
    LabelledParagraph,
    document_to_json,
    parse_document,
)

TEST_SHARE_PERCENT = 20
SINGLES_PER_DOCUMENT = 2
_HEADER = re.compile(r"@doc\s+(.*)")
_LINE = re.compile(r"(C|\?|I:(?P<kind>[a-z_]+))(?P<join>[\^+]?)\s(?P<text>.*)")
_SEPARATORS = {"blank": "\n\n", "line": "\n"}
_JOINS = {"": None, "^": "", "+": " "}


def is_test_source(source: str) -> bool:
    """Whether a source belongs to the test split: a stable hash of its name, ~20 % of sources."""
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % 100 < TEST_SHARE_PERCENT


def _header_fields(text: str, where: str) -> dict[str, str]:
    fields = dict(item.split("=", 1) for item in text.split() if "=" in item)
    for key in ("id", "source"):
        if key not in fields:
            raise DataFormatError(f"{where}: @doc needs {key}=...")
    if fields.get("sep", "blank") not in _SEPARATORS:
        raise DataFormatError(f"{where}: sep must be 'blank' or 'line'")
    return fields


def _finish(
    fields: dict[str, str], paragraphs: list[LabelledParagraph], where: str
) -> LabelledDocument:
    doc = LabelledDocument(
        id=fields["id"],
        source=fields["source"],
        paragraphs=tuple(paragraphs),
        lang=fields.get("lang", "und"),
        genre=fields.get("genre", "unknown"),
        separator=_SEPARATORS[fields.get("sep", "blank")],
    )
    return parse_document(document_to_json(doc), where)  # re-validate through the JSON path


def parse_authoring(path: Path) -> Iterator[LabelledDocument]:
    """Yield the documents of one authoring file; errors cite ``file:line``."""
    fields: dict[str, str] | None = None
    paragraphs: list[LabelledParagraph] = []
    start = ""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        where = f"{path}:{number}"
        if not line.strip() or line.startswith("#"):
            continue
        header = _HEADER.fullmatch(line.strip())
        if header:
            if fields is not None:
                yield _finish(fields, paragraphs, start)
            fields, paragraphs, start = _header_fields(header.group(1), where), [], where
            continue
        match = _LINE.fullmatch(line)
        if fields is None or match is None or not match.group("text").strip():
            raise DataFormatError(
                f"{where}: expected '@doc ...' or 'C|I:<kind>|? text', got {line[:60]!r}"
            )
        label = "insert" if match.group("kind") else ("content" if line[0] == "C" else None)
        join = _JOINS[match.group("join")] if paragraphs else None
        paragraphs.append(
            LabelledParagraph(match.group("text").strip(), label, match.group("kind"), join)
        )
    if fields is not None:
        yield _finish(fields, paragraphs, start)


def single_paragraph_documents(doc: LabelledDocument) -> list[LabelledDocument]:
    """Up to :data:`SINGLES_PER_DOCUMENT` labelled paragraphs of ``doc``, each alone."""

    def rank(index: int) -> bytes:
        return hashlib.sha256(f"{doc.id}/{index}".encode()).digest()

    labelled = [i for i, p in enumerate(doc.paragraphs) if p.label is not None]
    chosen = sorted(sorted(labelled, key=rank)[:SINGLES_PER_DOCUMENT])
    return [
        LabelledDocument(
            id=f"{doc.id}~{n}",
            source=doc.source,
            paragraphs=(LabelledParagraph(p.text, p.label, p.kind),),
            lang=doc.lang,
            genre=doc.genre,
            meta={"single_paragraph_of": doc.id},
        )
        for n, p in ((n, doc.paragraphs[i]) for n, i in enumerate(chosen))
    ]


def build() -> dict[str, str]:
    """Return the text of each JSONL file, compiled from every authoring file."""
    import json

    out: dict[str, list[str]] = {"train.jsonl": [], "test.jsonl": [], "test_single.jsonl": []}
    singles: list[str] = []
    seen: set[str] = set()
    for path in sorted((HERE / "authoring").glob("*.txt")):
        for doc in parse_authoring(path):
            if doc.id in seen:
                raise DataFormatError(f"{path}: duplicate document id {doc.id!r}")
            seen.add(doc.id)
            test = is_test_source(doc.source)
            out["test.jsonl" if test else "train.jsonl"].append(
                json.dumps(document_to_json(doc), ensure_ascii=False)
            )
            for single in single_paragraph_documents(doc):
                line = json.dumps(document_to_json(single), ensure_ascii=False)
                (out["test_single.jsonl"] if test else singles).append(line)
    out["train.jsonl"] += singles  # after the whole documents: their order stays as it was
    return {name: "".join(line + "\n" for line in lines) for name, lines in out.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the JSONL files are stale")
    args = parser.parse_args()
    stale = []
    for name, text in build().items():
        target = HERE / name
        if args.check:
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            target.write_text(text, encoding="utf-8")
            print(f"wrote {target} ({text.count(chr(10))} documents)")
    if stale:
        print(
            f"out of date: {', '.join(stale)}; run python training_data/build.py", file=sys.stderr
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
