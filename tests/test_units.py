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


def test_a_hard_wrapped_document_is_cut_into_the_same_paragraphs_for_training() -> None:
    """Training reads a hard-wrapped paragraph as one unit, as clean() does, with the
    paragraph's own label; the insert after it stays a unit of its own."""
    import textwrap

    paragraphs = [
        "The harbour board voted on Tuesday to delay its decision on the new berth fees until "
        "the spring, after shipping lines warned that the increase would push cargo to rival "
        "ports along the coast and cost the town several hundred jobs.",
        "Members of the board said they wanted an independent audit of the dredging contracts "
        "first, and asked the port's finance director to report back in March with figures.",
    ]
    doc = parse_document({
        "id": "w1", "source": "s.example", "separator": "\n\n",
        "paragraphs": [{"text": textwrap.fill(p, 60), "label": "content"} for p in paragraphs]
        + [{"text": "Sign up for our newsletter", "label": "insert", "kind": "newsletter"}],
    })  # fmt: skip
    text, _ = doc.render()
    units = build_units([("d", [doc])])
    lines = [(u.text, label) for u, label in zip(units.units, units.labels) if not u.piece]
    assert [label for _, label in lines] == [0, 0, 1]
    assert [" ".join(t.split()) for t, _ in lines[:2]] == paragraphs
    assert [t for t, _ in lines] == [text[s.start : s.end] for s in prepare(text).lines]
