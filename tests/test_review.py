"""The review page (``declutter review``, ``declutter.review_html``): what it embeds, how it
escapes user text, the export rule that turns segments back into training records, and the
command's errors. The page's script is exercised in a browser by test_review_browser.py."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import declutter
from declutter.cli import main
from declutter.errors import InputError, OptionError
from declutter.result import Cleaned, Segment
from declutter.review import (
    ReviewDocument,
    document_separator,
    embed_json,
    render_page,
    segment_labels,
    training_record,
)
from declutter.training.data import parse_document, read_jsonl
from declutter.training.units import build_units

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "article.txt"
HOSTILE = (
    "The council met on Monday to discuss the budget for next year.\n\n"
    "<script>alert(1)</script> and </textarea> and </script> and <!-- a comment\n\n"
    "Line one\u2028still line one? & more > less < than \U0001f449 \U0001f600\n\n"
    "Share this article on Facebook, X and WhatsApp"
)
DATA_BLOCK = re.compile(
    r'<script type="application/json" id="declutter-data">(.*?)</script>', re.DOTALL
)


def embedded(page: str) -> dict:
    """The JSON the page's script reads."""
    match = DATA_BLOCK.search(page)
    assert match is not None, "no data block"
    return json.loads(match.group(1))


def hand_made(source: str, parts: list[tuple[str, float, str, bool]]) -> Cleaned:
    """A result with chosen segments (found in order in ``source``), no model needed."""
    segments, at = [], 0
    for text, score, kind, removed in parts:
        start = source.index(text, at)
        segments.append(Segment(start, start + len(text), text, score, kind, removed))
        at = start + len(text)
    return Cleaned(source, tuple(segments), 0.5)


# --------------------------------------------------------------------------- the page


def test_every_segment_is_embedded_with_offsets_score_and_kind() -> None:
    result = declutter.clean(EXAMPLE.read_text(encoding="utf-8"))
    data = embedded(declutter.review_html([result], titles=["the example"]))
    (doc,) = data["docs"]
    assert doc["text"] == result.source and doc["title"] == "the example"
    assert data["threshold"] == result.threshold and set(data["kinds"]) == set(
        declutter.INSERT_KINDS
    )
    assert len(result.removed) >= 3
    assert doc["segments"] == [
        [s.start, s.end, s.score, s.kind, int(s.removed)] for s in result.segments
    ]
    for start, end, _, kind, removed in doc["segments"]:
        assert (kind != "content") == bool(removed)
        assert doc["text"][start:end].strip() == doc["text"][start:end] != ""


def test_slider_starts_at_the_given_threshold_and_refuses_nonsense() -> None:
    result = declutter.clean("Rates rose on Tuesday, the bank said.")
    assert embedded(declutter.review_html([result], threshold=0.25))["threshold"] == 0.25
    with pytest.raises(OptionError):
        declutter.review_html([result], threshold=1.5)
    with pytest.raises(InputError, match="titles has 2 names for 1 results"):
        declutter.review_html([result], titles=["a", "b"])
    with pytest.raises(InputError, match="not str"):
        declutter.review_html(["just text"])  # type: ignore[list-item]


def test_user_text_cannot_break_out_of_the_data_block() -> None:
    result = declutter.clean(HOSTILE)
    page = declutter.review_html([result], titles=["</script><script>alert(2)</script>"])
    # Only the page's own two script blocks close; nothing of the document is markup.
    assert page.count("</script>") == 2
    assert page.count("<script") == 2
    assert "alert(" in page  # present, but only inside the escaped JSON
    assert "<!--" not in page and "</textarea>" not in page and "\u2028" not in page
    data = embedded(page)
    assert data["docs"][0]["text"] == HOSTILE
    assert data["docs"][0]["title"] == "</script><script>alert(2)</script>"


def test_embed_json_escapes_and_stays_the_same_value() -> None:
    value = {"t": "a</script>b<!--c&d\u2028e\u2029f>g", "n": [1, 0.5]}
    text = embed_json(value)
    assert not set("<>&\u2028\u2029") & set(text)
    assert json.loads(text) == value


def test_page_script_never_parses_user_text_as_markup() -> None:
    script = (ROOT / "declutter" / "review_assets" / "review.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in script


def test_page_is_self_contained() -> None:
    page = declutter.review_html([declutter.clean(EXAMPLE.read_text(encoding="utf-8"))])
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert "@import" not in page and "url(" not in page
    assert "default-src 'none'" in page  # the browser refuses any fetch


def test_an_empty_document_and_no_documents_render() -> None:
    page = declutter.review_html([declutter.clean("")])
    assert embedded(page)["docs"][0]["segments"] == []
    assert embedded(declutter.review_html([]))["docs"] == []


# --------------------------------------------------------------------------- the export rule


def test_rule_is_score_at_or_above_threshold_and_corrections_win() -> None:
    source = "Headline here\nBy Acme Data. The story begins.\nRead more"
    result = hand_made(
        source,
        [
            ("Headline here", 0.2, "content", False),
            ("By Acme Data.", 0.9, "lead_gen", True),
            ("The story begins.", 0.5, "content", False),  # kept, yet at the threshold
            ("Read more", 0.7, "related", True),
        ],
    )
    assert segment_labels(result, 0.5) == [
        ("content", None),
        ("insert", "lead_gen"),
        ("insert", "other"),  # never named by the kind model
        ("insert", "related"),
    ]
    assert segment_labels(result, 0.95) == [("content", None)] * 4
    fixed = segment_labels(result, 0.5, {1: ("content", None), 0: ("insert", "navigation")})
    assert fixed[:2] == [("insert", "navigation"), ("content", None)]


@pytest.mark.parametrize(
    "source",
    [
        "Title\n\nBy AcmeDataIn May, prices rose. Read more: more news\n\nFooter line",
        "one\ntwo\n\nthree\r\nfour\n\n\nfive   six",
        "  leading space\n\n\tTabbed line \u2028next\x85after  ",
    ],
)
def test_export_renders_back_to_the_source(source: str) -> None:
    result = declutter.clean(source, threshold=0.5)
    doc = ReviewDocument(result, "t", "doc-1", "site.example", "en")
    record = training_record(doc, 0.5)
    assert record is not None
    parsed = parse_document(json.loads(json.dumps(record)), "export")
    text, spans = parsed.render()
    first, last = result.segments[0], result.segments[-1]
    assert text == source[first.start : last.end]
    assert [text[a:b] for a, b in spans] == [s.text for s in result.segments]
    assert [p.label == "insert" for p in parsed.paragraphs] == [
        s.score >= 0.5 for s in result.segments
    ]
    assert parsed.lang == "en" and parsed.source == "site.example" and parsed.id == "doc-1"


def test_glued_pieces_join_exactly_and_lines_use_the_separator() -> None:
    source = "Headline\n\nBy AcmeDataIn May the regulator spoke. Read more: x\n\nEnd here"
    result = hand_made(
        source,
        [
            ("Headline", 0.1, "content", False),
            ("By AcmeData", 0.99, "lead_gen", True),
            ("In May the regulator spoke.", 0.1, "content", False),
            ("Read more: x", 0.98, "related", True),
            ("End here", 0.2, "content", False),
        ],
    )
    record = training_record(ReviewDocument(result, "t", "d", "s"), 0.5)
    assert record is not None and record["separator"] == "\n\n" and "lang" not in record
    joins = [p.get("join") for p in record["paragraphs"]]
    assert joins == [None, None, "", " ", None]
    kinds = [p.get("kind") for p in record["paragraphs"]]
    assert kinds == [None, "lead_gen", None, "related", None]
    # Training cuts the glued line into the same pieces, each with its label.
    (units_doc,) = [parse_document(record)]
    units = build_units([("review", [units_doc])])
    pieces = {u.text: label for u, label in zip(units.units, units.labels) if u.piece}
    assert pieces["By AcmeData"] == 1 and pieces["In May the regulator spoke."] == 0


def test_separator_is_the_commonest_line_gap() -> None:
    lines = hand_made("a\nb\nc\n\nd", [(x, 0.1, "content", False) for x in "abcd"])
    assert document_separator(lines) == "\n"
    single = hand_made("a b", [("a", 0.1, "content", False), ("b", 0.1, "content", False)])
    assert document_separator(single) == "\n\n"


def test_a_document_without_segments_exports_nothing() -> None:
    assert training_record(ReviewDocument(declutter.clean("  "), "t", "d", "s"), 0.5) is None


# --------------------------------------------------------------------------- the command


def test_review_command_writes_one_page_for_several_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "acme.example"
    folder.mkdir()
    (folder / "a.txt").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "b.txt").write_text(HOSTILE, encoding="utf-8")
    out = tmp_path / "review.html"
    assert main(["review", str(folder), "-o", str(out)]) == 0
    assert "wrote" in capsys.readouterr().err
    docs = embedded(out.read_text(encoding="utf-8"))["docs"]
    assert [(d["id"], d["site"]) for d in docs] == [("a", "acme.example"), ("b", "acme.example")]
    assert docs[1]["text"] == HOSTILE


def test_review_command_reads_json_lines_and_names_records(tmp_path: Path) -> None:
    records = tmp_path / "crawl.jsonl"
    rows = [
        {"id": "r1", "url": "https://news.example/a", "body": "Rates rose.", "lang": "en"},
        {"body": "Share this article on Facebook"},
        {"body": "Third one, not reviewed."},
    ]
    records.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "review.html"
    assert main(["review", "--jsonl", "--field", "body", str(records), "-o", str(out),
                 "--limit", "2", "--threshold", "0.4"]) == 0  # fmt: skip
    data = embedded(out.read_text(encoding="utf-8"))
    assert data["threshold"] == 0.4
    first, second = data["docs"]
    assert (first["id"], first["site"], first["title"], first["lang"]) == (
        "r1", "news.example", "https://news.example/a", "en",
    )  # fmt: skip
    assert (second["id"], second["site"], second["title"]) == (
        "crawl-2", "crawl", f"{records}:2",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.txt"], "declutter review: missing.txt: no such file"),
        (["{example}", "--limit", "0"], "--limit must be a positive number"),
        (["--jsonl", "{example}"], "not a JSON line"),
        (["{example}", "--threshold", "2"], "threshold must be between 0 and 1"),
    ],
)
def test_review_command_errors_are_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    argv = ["review", *[a.format(example=EXAMPLE) for a in args], "-o", str(tmp_path / "r.html")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "r.html").exists()


def test_review_command_refuses_an_output_folder_that_does_not_exist(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["review", str(EXAMPLE), "-o", str(tmp_path / "no" / "r.html")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_exported_records_train_like_labelled_data(tmp_path: Path) -> None:
    """The export reads back through declutter.training.data like any labelled file."""
    results = declutter.clean_many([EXAMPLE.read_text(encoding="utf-8"), HOSTILE])
    docs = [ReviewDocument(r, str(n), f"d{n}", "s.example") for n, r in enumerate(results)]
    path = tmp_path / "export.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for doc in docs:
            handle.write(json.dumps(training_record(doc, 0.5), ensure_ascii=False) + "\n")
    parsed = list(read_jsonl(path))
    assert [d.id for d in parsed] == ["d0", "d1"]
    assert parsed[1].render()[0] == HOSTILE.strip()
    assert render_page(docs).count("<article") == 0  # documents are built by the script


def test_pages_export_their_blocks_html_features(tmp_path: Path) -> None:
    """Reviewed pages train the page mode, as `declutter label --html` files do."""
    pages = sorted((ROOT / "training_data" / "authoring" / "pages").glob("*.html"))[:2]
    out = tmp_path / "review.html"
    assert main(["review", "--html", *map(str, pages), "-o", str(out)]) == 0
    data = embedded(out.read_text(encoding="utf-8"))
    assert len(data["docs"]) == 2 and data["features"]
    assert len(data["features"]) < sum(len(d["blocks"]) for d in data["docs"])  # shared
    for page_path, doc_data in zip(pages, data["docs"]):
        result = declutter.clean_html(page_path.read_bytes())
        assert doc_data["text"] == result.source
        blocks = tuple((start, data["features"][k]) for start, k in doc_data["blocks"])
        assert [start for start, _ in blocks] == sorted(start for start, _ in blocks)
        doc = ReviewDocument(result, "t", page_path.stem, "pages", blocks=blocks)
        record = training_record(doc, result.threshold)
        assert record is not None
        parsed = parse_document(record)
        assert parsed.is_page and all(p.html and p.html.tag for p in parsed.paragraphs)
        units = build_units([("review", [parsed])])
        assert all(u.html is not None for u in units.units)
        assert sum(not u.piece for u in units.units) == len(blocks)  # one line per block
