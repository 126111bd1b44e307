"""The labelled JSONL format: round trip, rendering with joins, and errors that cite file:line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from declutter.training.data import DataFormatError, parse_document, read_jsonl, write_jsonl

ROOT = Path(__file__).resolve().parent.parent


def sample() -> dict:
    return {
        "id": "d1",
        "source": "s.example",
        "separator": "\n",
        "paragraphs": [
            {"text": "By Acme", "label": "insert", "kind": "lead_gen"},
            {"text": "In May it rose.", "label": "content", "join": ""},
            {"text": "Read more: X", "label": "insert", "kind": "related", "join": " "},
            {"text": "Tail", "label": None},
        ],
    }


def test_render_applies_joins_and_reports_exact_spans() -> None:
    doc = parse_document(sample())
    text, spans = doc.render()
    assert text == "By AcmeIn May it rose. Read more: X\nTail"
    assert [text[a:b] for a, b in spans] == [p.text for p in doc.paragraphs]


def test_write_then_read_gives_the_same_documents(tmp_path: Path) -> None:
    doc = parse_document(sample())
    path = tmp_path / "d.jsonl"
    assert write_jsonl([doc, doc], path) == 2
    assert list(read_jsonl(path)) == [doc, doc]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["paragraphs"][0].update(label="ad"), "label must be"),
        (lambda d: d["paragraphs"][0].update(kind="popup"), "unknown kind 'popup'"),
        (lambda d: d["paragraphs"][1].update(kind="advert"), "only inserts carry a kind"),
        (lambda d: d.pop("source"), "'source'"),
        (lambda d: d["paragraphs"][1].update(join="x"), "whitespace-only"),
    ],
)
def test_bad_records_are_refused_with_file_and_line(tmp_path: Path, change, message: str) -> None:
    good, bad = sample(), sample()
    change(bad)
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match=message) as error:
        list(read_jsonl(path))
    assert f"{path}:2" in str(error.value)


def test_training_data_jsonl_is_compiled_from_the_authoring_files() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "training_data" / "build.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


def test_training_data_meets_its_documented_breadth() -> None:
    docs = [
        d
        for name in ("train.jsonl", "test.jsonl")
        for d in read_jsonl(ROOT / "training_data" / name)
    ]
    train_sources = {d.source for d in read_jsonl(ROOT / "training_data" / "train.jsonl")}
    test_sources = {d.source for d in read_jsonl(ROOT / "training_data" / "test.jsonl")}
    assert not train_sources & test_sources
    assert len(docs) >= 400 and len(train_sources | test_sources) >= 40
    assert {"en", "de", "fr", "es"} <= {d.lang for d in docs} and len({d.lang for d in docs}) >= 5
    from declutter.kinds import INSERT_KINDS

    assert {p.kind for d in docs for p in d.paragraphs if p.kind} == set(INSERT_KINDS)
    glued = [d for d in docs if any(p.join == "" for p in d.paragraphs)]
    assert len(glued) >= 40


def test_authored_pages_are_split_by_source_and_cover_the_page_furniture() -> None:
    folder = ROOT / "training_data"
    train = list(read_jsonl(folder / "pages_train.jsonl"))
    test = list(read_jsonl(folder / "pages_test.jsonl"))
    assert train and test and all(d.is_page for d in train + test)
    assert not {d.source for d in train} & {d.source for d in test}
    # one split for a site, whether its documents are text or pages
    assert not {d.source for d in read_jsonl(folder / "test.jsonl")} & {d.source for d in train}
    assert not {d.source for d in read_jsonl(folder / "train.jsonl")} & {d.source for d in test}
    kinds = {p.kind for d in train + test for p in d.paragraphs if p.kind}
    assert {"comments", "related", "navigation", "consent", "legal"} <= kinds
    # hard negatives: article content under a comment-like class word
    assert any(
        p.label == "content" and "comment" in p.html.class_words
        for d in train + test
        for p in d.paragraphs
    )


def test_single_paragraph_documents_copy_a_labelled_paragraph_of_their_own_split() -> None:
    folder = ROOT / "training_data"
    whole = {d.id: d for name in ("train.jsonl", "test.jsonl") for d in read_jsonl(folder / name)}
    test_sources = {d.source for d in read_jsonl(folder / "test.jsonl")}
    singles = [d for d in read_jsonl(folder / "train.jsonl") if "single_paragraph_of" in d.meta]
    held_out = list(read_jsonl(folder / "test_single.jsonl"))
    assert singles and held_out
    assert {d.source for d in held_out} <= test_sources
    assert not {d.source for d in singles} & test_sources
    cut_off: dict[str, list] = {}  # a parent's inserts cut off its end (see the next test)
    for name in ("train.jsonl", "test.jsonl"):
        for d in read_jsonl(folder / name):
            if "trailing_insert_of" in d.meta:
                cut_off.setdefault(d.meta["trailing_insert_of"], []).extend(d.paragraphs)
    for single in singles + held_out:
        (paragraph,) = single.paragraphs
        parent = whole[single.meta["single_paragraph_of"]]
        assert single.id.startswith(parent.id + "~") and single.source == parent.source
        assert any(
            (p.text, p.label, p.kind) == (paragraph.text, paragraph.label, paragraph.kind)
            for p in [*parent.paragraphs, *cut_off.get(parent.id, [])]
        )


def test_about_half_the_documents_end_with_their_article_and_lose_nothing_else() -> None:
    """The inserts cut off the end of a document come back as documents of their own, in
    the same file; everything before its last content paragraph is untouched."""
    build = _build_module()
    folder = ROOT / "training_data"
    authored = {
        doc.id: doc
        for path in sorted((folder / "authoring").glob("*.txt"))
        for doc in build.parse_authoring(path)
    }
    for name in ("train.jsonl", "test.jsonl"):
        docs = list(read_jsonl(folder / name))
        whole = [d for d in docs if "~" not in d.id]
        cut = [d for d in docs if "trailing_insert_of" in d.meta]
        assert cut and all(d.paragraphs[0].label == "insert" for d in cut)
        ending = sum(d.paragraphs[-1].label == "insert" for d in whole)
        assert 0.3 < ending / len(whole) <= 0.5
        for doc in whole:
            original = authored[doc.id]
            assert original.paragraphs[: len(doc.paragraphs)] == doc.paragraphs
            gone = original.paragraphs[len(doc.paragraphs) :]
            assert all(p.label != "content" for p in gone)
            returned = [d.paragraphs[0].text for d in cut if d.meta["trailing_insert_of"] == doc.id]
            assert returned == [p.text for p in gone if p.label == "insert"]


def _build_module():
    """training_data/build.py as a module (it is a script, not part of the package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("build", ROOT / "training_data" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PAGE = """<!DOCTYPE html>
<html lang="en" data-declutter-id="t-001" data-declutter-source="t.example"
      data-declutter-genre="blog">
<body>
<nav data-label="insert:navigation"><a href="/">Home</a></nav>
<article class="post" data-label="content">
  <h1>Rain closes the coast road</h1>
  <p class="meta" data-label="unknown">By A. Writer</p>
  <p>The coast road was closed on Monday after a landslip.</p>
</article>
<div class="thread" data-label="insert:comments"><p>First! Great piece.</p></div>
BODY_EXTRA
</body></html>"""


def test_authored_pages_become_labelled_blocks_with_their_html_features(tmp_path: Path) -> None:
    build = _build_module()
    path = tmp_path / "p.html"
    path.write_text(PAGE.replace("BODY_EXTRA", ""), encoding="utf-8")
    doc = build.parse_page(path)
    assert (doc.id, doc.source, doc.lang, doc.genre) == ("t-001", "t.example", "en", "blog")
    assert doc.is_page
    got = [(p.text, p.label, p.kind) for p in doc.paragraphs]
    assert got == [
        ("Home", "insert", "navigation"),
        ("Rain closes the coast road", "content", None),
        ("By A. Writer", None, None),
        ("The coast road was closed on Monday after a landslip.", "content", None),
        ("First! Great piece.", "insert", "comments"),
    ]
    # the features are clean_html's own, and the label attribute is not among them
    from declutter.html import page_blocks

    assert [p.html for p in doc.paragraphs] == [b.html for b in page_blocks(path.read_bytes())]
    assert "label" not in doc.paragraphs[4].html.class_words


@pytest.mark.parametrize(
    "extra, message",
    [
        ("<p>Unlabelled footer</p>", "no data-label covers"),
        ('<p data-label="content">Half <b data-label="insert:advert">an ad, an ad</b></p>',
         "mixes labels"),
        ('<p data-label="advert">Bad value</p>', "use content, unknown or insert"),
        ('<p data-label="insert:popup">Unknown kind</p>', "popup"),
    ],
)  # fmt: skip
def test_authored_page_errors_name_the_file_and_block(tmp_path: Path, extra, message) -> None:
    build = _build_module()
    path = tmp_path / "bad.html"
    path.write_text(PAGE.replace("BODY_EXTRA", extra), encoding="utf-8")
    with pytest.raises(DataFormatError, match=message) as error:
        build.parse_page(path)
    assert str(path) in str(error.value)


def test_an_authored_page_needs_its_id_source_genre_and_language(tmp_path: Path) -> None:
    build = _build_module()
    path = tmp_path / "p.html"
    path.write_text(
        PAGE.replace("BODY_EXTRA", "").replace(' data-declutter-source="t.example"', ""),
        encoding="utf-8",
    )
    with pytest.raises(DataFormatError, match="data-declutter-source"):
        build.parse_page(path)
