"""Segmentation: lines and pieces carry exact offsets, and glued inserts are cut at the join."""

from __future__ import annotations

from declutter.paragraphs import Span, edge_pieces, split_lines, split_pieces


def texts(source: str, spans: list[Span]) -> list[str]:
    return [source[s.start : s.end] for s in spans]


def test_lines_are_stripped_and_blank_lines_skipped() -> None:
    source = "  First line  \r\n\r\n\tSecond\u2028Third\n \n"
    assert texts(source, split_lines(source)) == ["First line", "Second", "Third"]


def test_line_offsets_index_the_source() -> None:
    source = "a\n\n  bb  \n\u00a0ccc\u00a0"
    for span in split_lines(source):
        assert source[span.start : span.end].strip() == source[span.start : span.end]


def test_brand_byline_glued_to_the_next_sentence_is_cut_at_the_join() -> None:
    source = "By AcmeDataIn May this year, the regulator said it would act."
    pieces = texts(source, split_pieces(source, split_lines(source)[0]))
    assert pieces == ["By AcmeData", "In May this year, the regulator said it would act."]


def test_camel_case_names_are_not_cut() -> None:
    source = "The iPhone maker and YouTube agreed with McDonald's and PowerPoint users."
    assert len(split_pieces(source, split_lines(source)[0])) == 1


def test_missing_space_after_a_full_stop_is_a_cut() -> None:
    source = "Thank you!Your email will arrive shortly."
    assert texts(source, split_pieces(source, split_lines(source)[0])) == [
        "Thank you!",
        "Your email will arrive shortly.",
    ]


def test_abbreviations_and_initials_do_not_end_sentences() -> None:
    source = "Mr. Smith met J. Doe in the U.S. on Monday. Read more: Talks resume"
    pieces = texts(source, split_pieces(source, split_lines(source)[0]))
    assert pieces == ["Mr. Smith met J. Doe in the U.S. on Monday.", "Read more: Talks resume"]


def test_edge_pieces_never_include_every_piece() -> None:
    spans = [Span(i, i + 1) for i in range(0, 10, 2)]
    assert [pos for pos, _ in edge_pieces(spans)] == [0, 1, 3, 4]
    assert [pos for pos, _ in edge_pieces(spans[:2])] == [0, 1]
    assert edge_pieces(spans[:1]) == []
    three = [pos for pos, _ in edge_pieces(spans[:3])]
    assert three == [0, 1, 2] and len(spans[:3]) == 3


def test_linkedin_is_a_name_not_a_glue_point() -> None:
    source = "She announced the move on LinkedIn yesterday, and shares rose."
    assert len(split_pieces(source, split_lines(source)[0])) == 1


def test_edge_pieces_are_up_to_two_from_each_end_of_any_line() -> None:
    for count in range(12):
        spans = [Span(i, i + 1) for i in range(0, 2 * count, 2)]
        side = min(2, count - 1)
        expected = sorted({*range(side), *range(count - side, count)}) if count > 1 else []
        assert edge_pieces(spans) == [(i, spans[i]) for i in expected]
