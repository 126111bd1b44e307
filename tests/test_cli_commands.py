"""The train/evaluate/label commands and ``python -m declutter`` on the shipped example."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import declutter
from declutter.cli import main
from declutter.training.data import read_jsonl

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "article.txt"
SMALL = ROOT / "training_data" / "test.jsonl"


def test_python_dash_m_cleans_the_example_article() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "declutter", "clean", str(EXAMPLE)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "In a letter to shipping lines on Friday" in done.stdout
    assert "Get the morning shipping digest" not in done.stdout
    assert "By Portlytics" not in done.stdout


def test_json_output_accounts_for_every_character(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clean", "--json", str(EXAMPLE)]) == 0
    payload = json.loads(capsys.readouterr().out)
    source = EXAMPLE.read_text(encoding="utf-8")
    covered = "".join(source[s["start"] : s["end"]] for s in payload["segments"])
    assert "".join(covered.split()) == "".join(source.split())
    assert all(source[s["start"] : s["end"]] == s["text"] for s in payload["segments"])


def test_evaluate_prints_a_table_with_an_overall_row(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(SMALL)]) == 0
    out = capsys.readouterr().out
    assert "OVERALL" in out and "cont_R" in out


def test_evaluate_json_scores_are_fractions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "--json", str(SMALL)]) == 0
    report = json.loads(capsys.readouterr().out)[str(SMALL)]
    overall = report["overall"]
    assert overall["paragraphs"] > 500
    for key in ("insert_precision", "insert_recall", "insert_f1", "content_recall"):
        assert 0.0 <= overall[key] <= 1.0


def test_label_writes_training_records_least_confident_first(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.txt").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    (pages / "b.txt").write_text(
        "A plain sentence of article text.\n\nAnother one.", encoding="utf-8"
    )
    out = tmp_path / "new.jsonl"
    assert main(["label", str(pages / "a.txt"), str(pages / "b.txt"), "-o", str(out)]) == 0
    docs = list(read_jsonl(out))  # the training reader accepts what label writes
    assert {d.id for d in docs} == {"a", "b"} and all(d.source == "pages" for d in docs)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    first = records[0]
    assert sorted(first["review_order"]) == list(range(len(first["paragraphs"])))
    article = next(r for r in records if r["id"] == "a")["paragraphs"]
    byline = next(i for i, p in enumerate(article) if p["text"] == "By Portlytics")
    assert article[byline]["label"] == "insert" and article[byline]["kind"]
    assert article[byline + 1]["join"] == ""  # glued to the paragraph it was cut from


def test_label_html_writes_pages_that_train_as_clean_html_sees_them(tmp_path: Path) -> None:
    from declutter.core import prepare_html
    from declutter.html import page_blocks
    from declutter.kinds import INSERT_KINDS
    from declutter.training.units import LabelledUnits, document_units

    lines = [line for line in EXAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()]
    glued = (
        "Download a free sampleThe regulator also said it would publish the panel's terms of "
        "reference next month."
    )
    lines.append(glued)  # one block holding an insert and article text
    page = tmp_path / "p.html"
    page.write_text("<html><body>" + "".join(f"<p>{x}</p>" for x in lines) + "</body></html>")
    out = tmp_path / "pages.jsonl"
    assert main(["label", "--html", str(page), "-o", str(out)]) == 0
    (doc,) = read_jsonl(out)
    assert doc.is_page  # every paragraph carries its block's features: it trains as a page
    kinds = {p.kind for p in doc.paragraphs if p.label == "insert"}
    assert "navigation" in kinds and kinds <= set(INSERT_KINDS)  # every removed block is named
    # and written with the kind clean_html names it by
    named = [(s.text, s.kind) for s in declutter.clean_html(page.read_bytes()).removed]
    assert [(p.text, p.kind) for p in doc.paragraphs if p.label == "insert"] == named
    # each block the model cut is written as joined paragraphs, each labelled; the last one
    # is the glued block appended above
    joined = [i for i, p in enumerate(doc.paragraphs) if p.join is not None]
    assert len(doc.paragraphs) == len(joined) + len(blocks := page_blocks(page.read_bytes()))
    cut, rest = doc.paragraphs[joined[-1] - 1], doc.paragraphs[joined[-1]]
    assert (cut.text, cut.label, rest.join) == ("Download a free sample", "insert", "")
    assert rest.text.startswith("The regulator also") and rest.label == "content"
    units = LabelledUnits()
    document_units(doc, 0, "pages.jsonl", units)
    trained = [(u.text, u.html) for u in units.units if not u.piece]
    scored = [(u.text, u.html) for u in prepare_html(page.read_bytes()).units if not u.piece]
    assert trained == scored and [html for _, html in trained] == [b.html for b in blocks]


def test_a_page_block_written_as_joined_paragraphs_is_one_line_with_labelled_pieces() -> None:
    from declutter.training.data import LabelledDocument, LabelledParagraph
    from declutter.training.units import UNKNOWN, LabelledUnits, document_units

    html = {"tag": "p", "link_density": 0.0, "class_words": "", "depth": 3,
            "heading": False, "list_item": False, "in_table": False, "in_semantic": ""}  # fmt: skip
    doc = LabelledDocument(
        id="d", source="s.example", separator="\n\n",
        paragraphs=(
            LabelledParagraph("By AcmeData", "insert", "lead_gen", None, html),
            LabelledParagraph("In May the regulator said so.", "content", None, "", html),
            LabelledParagraph("A second block of article text.", "content", None, None, html),
        ),
    )  # fmt: skip
    units = LabelledUnits()
    document_units(doc, 0, "x", units)
    got = [(u.text, u.piece, label) for u, label in zip(units.units, units.labels)]
    assert got[:3] == [
        ("By AcmeDataIn May the regulator said so.", False, UNKNOWN),
        ("By AcmeData", True, 1),
        ("In May the regulator said so.", True, 0),
    ]
    assert ("A second block of article text.", False, 0) in got


@pytest.mark.parametrize("command", ["clean", "review", "label", "evaluate", "train"])
def test_an_option_prefix_is_not_taken_for_the_option(command: str, capsys) -> None:
    """argparse's prefix matching would read --htm as --html; every command refuses it."""
    with pytest.raises(SystemExit) as caught:
        main([command, "--htm", "x.txt", "-o", "out"])
    assert caught.value.code == 2
    assert "--htm" in capsys.readouterr().err


def _commands() -> dict:
    from declutter.cli import build_parser

    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")
    return dict(subparsers.choices)


@pytest.mark.parametrize("command", ["clean", "train", "evaluate", "label", "review"])
def test_every_command_and_option_says_what_it_does(command: str) -> None:
    parser = _commands()[command]
    assert parser.description and len(parser.description) > 40
    undocumented = [
        action.dest for action in parser._actions if action.dest != "help" and not action.help
    ]
    assert undocumented == []


@pytest.mark.parametrize("threshold", ["nan", "inf", "-0.1", "1.5"])
def test_evaluate_refuses_a_threshold_before_reading_any_data(threshold: str, capsys) -> None:
    code = main(["evaluate", "--threshold", threshold, "corpus:no-such-corpus"])
    err = capsys.readouterr().err
    assert code == 2
    assert "threshold must be between 0 and 1" in err and "Traceback" not in err


def _label(args: list[str], capsys) -> tuple[int, str]:
    code = main(["label", *args])
    return code, capsys.readouterr().err


def test_label_of_a_missing_file_is_one_line_and_exit_2(tmp_path: Path, capsys) -> None:
    output = tmp_path / "out.jsonl"
    code, err = _label([str(tmp_path / "nope.txt"), "-o", str(output)], capsys)
    assert code == 2 and err.count("\n") == 1
    assert "nope.txt: no such file" in err
    assert not output.exists()


def test_label_says_which_inputs_it_cannot_take(tmp_path: Path, capsys) -> None:
    good = tmp_path / "a.txt"
    good.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Le café était fermé.".encode("cp1252"))
    output = str(tmp_path / "out.jsonl")
    cases = [
        ([str(tmp_path), "-o", output], "label takes files"),
        ([str(good), "-o", str(tmp_path / "missing" / "out.jsonl")], "does not exist"),
        ([str(latin), "-o", output], "not valid UTF-8"),
    ]
    for args, message in cases:
        code, err = _label(args, capsys)
        assert code == 2 and message in err and "Traceback" not in err, args
