"""Compile the hand-written authoring files into the JSONL corpus that ``declutter train`` reads.

    python training_data/build.py            # writes the JSONL files listed in the README
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

HTML pages (``training_data/authoring/pages/*.html``): what ``clean_html`` sees is a page's
blocks with their markup, and reader-comment sections, teaser rails and footers are told apart
there by structure more than by words. The public corpora we may train on have few labelled
comment sections, so we write pages too. A page is labelled in its own markup: a
``data-label`` attribute (``content``, ``unknown`` or ``insert:<kind>``) on an element
labels every block inside it, the nearest one winning; the ``<html>`` element carries
``data-declutter-id``, ``data-declutter-source``, ``data-declutter-genre`` and ``lang``.
Each page becomes one document of blocks with their HTML features (exactly as
``clean_html`` extracts them), in ``pages_train.jsonl`` or ``pages_test.jsonl`` by the same
source split. Neither attribute reaches the features: only class and id words do.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from declutter.html import annotated_blocks  # noqa: E402
from declutter.training.data import (  # noqa: E402
    DataFormatError,
    LabelledDocument,
    LabelledParagraph,
    document_to_json,
    parse_document,
)
from declutter.training.datasets import ends_at_its_article  # noqa: E402

TEST_SHARE_PERCENT = 20
SINGLES_PER_DOCUMENT = 2
_HEADER = re.compile(r"@doc\s+(.*)")
_LINE = re.compile(r"(C|\?|I:(?P<kind>[a-z_]+))(?P<join>[\^+]?)\s(?P<text>.*)")
_SEPARATORS = {"blank": "\n\n", "line": "\n"}
_JOINS = {"": None, "^": "", "+": " "}
#: The attribute that labels a page's elements, and the share of a block's characters one
#: label must cover (a block straddling two labels is an authoring error, not a guess).
PAGE_LABEL_ATTR = "data-label"
PAGE_LABEL_DOMINANCE = 0.9
_PAGE_HEADER = re.compile(r"<html\b[^>]*>", re.IGNORECASE)
_PAGE_FIELD = re.compile(r'([a-z-]+)="([^"]*)"')


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


def _page_fields(markup: str, where: str) -> dict[str, str]:
    header = _PAGE_HEADER.search(markup)
    fields = dict(_PAGE_FIELD.findall(header.group(0))) if header else {}
    needed = ("data-declutter-id", "data-declutter-source", "data-declutter-genre", "lang")
    missing = [name for name in needed if not fields.get(name)]
    if missing:
        raise DataFormatError(f"{where}: the <html> element needs {', '.join(missing)}")
    return fields


def _page_label(counts: dict[str, int], where: str) -> tuple[str | None, str | None]:
    """(label, kind) of a block from the characters under each ``data-label`` value."""
    total = sum(counts.values())
    value, chars = max(counts.items(), key=lambda item: item[1]) if counts else ("", 0)
    if not value:
        raise DataFormatError(f"{where}: no {PAGE_LABEL_ATTR} covers this block; label it")
    if chars < PAGE_LABEL_DOMINANCE * total:
        raise DataFormatError(f"{where}: the block mixes labels {counts}; label whole blocks")
    if value == "content":
        return "content", None
    if value == "unknown":
        return None, None
    if value.startswith("insert:"):
        return "insert", value.removeprefix("insert:")  # the kind is checked by parse_document
    raise DataFormatError(
        f"{where}: {PAGE_LABEL_ATTR}={value!r}; use content, unknown or insert:<kind>"
    )


def parse_page(path: Path) -> LabelledDocument:
    """The labelled document of one authored HTML page: its blocks, as ``clean_html`` sees
    them, each labelled by its nearest ``data-label``; errors cite ``file#block``."""
    markup = path.read_text(encoding="utf-8")
    fields = _page_fields(markup, str(path))
    blocks, annotations = annotated_blocks(markup, annotation_attr=PAGE_LABEL_ATTR)
    if not blocks:
        raise DataFormatError(f"{path}: no visible text blocks")
    paragraphs = []
    for number, (block, counts) in enumerate(zip(blocks, annotations, strict=True)):
        label, kind = _page_label(counts, f"{path}#block{number} ({block.text[:40]!r})")
        paragraphs.append(LabelledParagraph(block.text, label, kind, html=block.html))
    doc = LabelledDocument(
        id=fields["data-declutter-id"],
        source=fields["data-declutter-source"],
        paragraphs=tuple(paragraphs),
        lang=fields["lang"],
        genre=fields["data-declutter-genre"],
        separator="\n\n",
    )
    return parse_document(document_to_json(doc), str(path))


def alone(
    doc: LabelledDocument, paragraph: LabelledParagraph, suffix: str, why: str
) -> LabelledDocument:
    """One paragraph of ``doc`` as a document of its own: id ``<id>~<suffix>``, same source,
    its label and kind (no glue: it has no neighbour), and ``why`` naming the parent."""
    return LabelledDocument(
        id=f"{doc.id}~{suffix}",
        source=doc.source,
        paragraphs=(LabelledParagraph(paragraph.text, paragraph.label, paragraph.kind),),
        lang=doc.lang,
        genre=doc.genre,
        meta={why: doc.id},
    )


def single_paragraph_documents(doc: LabelledDocument) -> list[LabelledDocument]:
    """Up to :data:`SINGLES_PER_DOCUMENT` labelled paragraphs of ``doc``, each alone."""

    def rank(index: int) -> bytes:
        return hashlib.sha256(f"{doc.id}/{index}".encode()).digest()

    labelled = [i for i, p in enumerate(doc.paragraphs) if p.label is not None]
    chosen = sorted(sorted(labelled, key=rank)[:SINGLES_PER_DOCUMENT])
    return [
        alone(doc, doc.paragraphs[i], str(n), "single_paragraph_of") for n, i in enumerate(chosen)
    ]


def ends_with_article(doc: LabelledDocument) -> bool:
    """Whether this document is one of those written out ending with its article: about
    half of them, chosen by a hash of the id (see :func:`cut_trailing_inserts`)."""
    return ends_at_its_article(doc.id, 0.5)  # the rule training applies to the corpora


def cut_trailing_inserts(doc: LabelledDocument) -> tuple[LabelledDocument, list[LabelledDocument]]:
    """The document without the inserts after its last content paragraph, and those inserts
    as single-paragraph documents (ids ``<id>~end<n>``), for the documents chosen by
    :func:`ends_with_article`; other documents come back unchanged.

    Why: almost every authored document ended with an insert (a newsletter box, a teaser
    list, a copyright line), which taught the model that a document's last line is an
    insert; a user who cleans an article that ends with its own last paragraph lost it.
    Real scraped text often ends with boilerplate too, so half of the documents keep their
    ending. A trailing run glued onto the last content line (``^`` or ``+``) is left alone:
    glued inserts are rarer and worth more as they are.
    """
    content_at = [i for i, p in enumerate(doc.paragraphs) if p.label == "content"]
    if not content_at or not ends_with_article(doc):
        return doc, []
    last = content_at[-1]
    trailing = doc.paragraphs[last + 1 :]
    if not trailing or trailing[0].join is not None:
        return doc, []
    inserts = [p for p in trailing if p.label == "insert"]
    cut = [alone(doc, p, f"end{n}", "trailing_insert_of") for n, p in enumerate(inserts)]
    return replace(doc, paragraphs=doc.paragraphs[: last + 1]), cut


def build() -> dict[str, str]:
    """Return the text of each JSONL file, compiled from every authoring file."""
    import json

    out: dict[str, list[str]] = {
        "train.jsonl": [], "test.jsonl": [], "test_single.jsonl": [],
        "pages_train.jsonl": [], "pages_test.jsonl": [],
    }  # fmt: skip
    singles: list[str] = []
    seen: set[str] = set()
    for path in sorted((HERE / "authoring").glob("*.txt")):
        for doc in parse_authoring(path):
            if doc.id in seen:
                raise DataFormatError(f"{path}: duplicate document id {doc.id!r}")
            seen.add(doc.id)
            test = is_test_source(doc.source)
            whole, cut = cut_trailing_inserts(doc)
            out["test.jsonl" if test else "train.jsonl"].append(
                json.dumps(document_to_json(whole), ensure_ascii=False)
            )
            for single in single_paragraph_documents(doc):
                line = json.dumps(document_to_json(single), ensure_ascii=False)
                (out["test_single.jsonl"] if test else singles).append(line)
            # the cut-off inserts stay with their document's file: they appear nowhere else
            for single in cut:
                line = json.dumps(document_to_json(single), ensure_ascii=False)
                (out["test.jsonl"] if test else singles).append(line)
    out["train.jsonl"] += singles  # after the whole documents: their order stays as it was
    for path in sorted((HERE / "authoring" / "pages").glob("*.html")):
        doc = parse_page(path)
        if doc.id in seen:
            raise DataFormatError(f"{path}: duplicate document id {doc.id!r}")
        seen.add(doc.id)
        name = "pages_test.jsonl" if is_test_source(doc.source) else "pages_train.jsonl"
        out[name].append(json.dumps(document_to_json(doc), ensure_ascii=False))
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
