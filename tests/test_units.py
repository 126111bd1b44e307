"""Training units are cut from the rendered document exactly as clean() cuts text."""

from __future__ import annotations

from declutter.core import prepare
from declutter.training.data import parse_document
from declutter.training.units import UNKNOWN, build_units

GLUED = {
    "id": "g1",
    "source": "s.example",
    "separator": "\n",
    "paragraphs": [
        {"text": "Oil prices slip", "label": "content"},
        {"text": "By AcmeData", "label": "insert", "kind": "lead_gen"},
        {
            "text": "In May this year, the regulator acted. It said more.",
            "label": "content",
            "join": "",
        },
        {"text": "Sign up for our newsletter", "label": "insert", "kind": "newsletter"},
    ],
}


def test_a_glued_insert_is_a_labelled_piece_of_an_unlabelled_line() -> None:
    units = build_units([("d", [parse_document(GLUED)])])
    rows = list(zip(units.units, units.labels, units.kinds))
    glued_line = [
        (u, lab) for u, lab, _ in rows if not u.piece and u.text.startswith("By AcmeData")
    ]
    assert len(glued_line) == 1 and glued_line[0][1] == UNKNOWN
    pieces = {u.text: (lab, kind) for u, lab, kind in rows if u.piece and u.line == 1}
    assert pieces["By AcmeData"] == (1, "lead_gen")
    assert pieces["In May this year, the regulator acted. It said more."] == (0, None)


def test_training_lines_are_the_lines_clean_scores() -> None:
    doc = parse_document(GLUED)
    text, _ = doc.render()
    prepared = prepare(text)
    units = build_units([("d", [doc])])
    line_texts = [u.text for u in units.units if not u.piece]
    assert line_texts == [text[span.start : span.end] for span in prepared.lines]
    assert [u.lines for u in units.units if not u.piece] == [len(prepared.lines)] * len(line_texts)
