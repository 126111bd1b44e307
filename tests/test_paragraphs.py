"""Segmentation: lines and pieces carry exact offsets, and glued inserts are cut at the join."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from declutter.paragraphs import Span, cut_lines, edge_pieces, split_lines, split_pieces


def texts(source: str, spans: list[Span]) -> list[str]:
    return [source[s.start : s.end] for s in spans]


def pieces_of_text(source: str) -> list[str]:
    """The pieces of a one-line text as :func:`cut_lines` finds them (the path ``clean``
    takes: one scan of the whole text)."""
    line = split_lines(source)[0]
    return texts(source, cut_lines(source, [line]).get(0, [line]))


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


@pytest.mark.parametrize(
    ("source", "byline"),
    [
        ("By AcmeDataVolkswagen's first electric car sold 40,000 units, it said.", "By AcmeData"),
        ("Powered by GridMetrics AnalyticsSiemens Energy booked orders worth 12 billion euros.",
         "Powered by GridMetrics Analytics"),
        ("By Portlytics Research TeamShipping rates fell for a fourth week on Monday.",
         "By Portlytics Research Team"),
        ("Präsentiert von DatenwerkSiemens Energy hat Aufträge über 12 Milliarden Euro erhalten.",
         "Präsentiert von Datenwerk"),
        # sponsor lines in other languages open a byline too (since 2026-12-05)
        ("Unterstützt von Bau RadarHochtief hat den Zuschlag für den neuen Tunnel erhalten.",
         "Unterstützt von Bau Radar"),
        ("Présenté par Vigne VeilleCastel Frères rachète trois domaines dans le Bordelais.",
         "Présenté par Vigne Veille"),
        ("Patrocinado por Liga DatosOsasuna renovó a su entrenador hasta el año 2028.",
         "Patrocinado por Liga Datos"),
        ("Mogelijk gemaakt door Haven MonitorBoskalis won een baggerklus van 300 miljoen euro.",
         "Mogelijk gemaakt door Haven Monitor"),
    ],
)  # fmt: skip
def test_a_glued_byline_is_cut_whatever_word_the_paragraph_opens_with(
    source: str, byline: str
) -> None:
    pieces = texts(source, split_pieces(source, split_lines(source)[0]))
    assert "".join(pieces[:-1]) == byline and pieces[-1] == source[len(byline) :]
    assert pieces_of_text(source) == pieces  # the whole-text scan cuts the same


@pytest.mark.parametrize(
    ("source", "byline"),
    [
        ("By SteelSight AnalyticsArcelorMittal idled a blast furnace in Poland on Monday.",
         "By SteelSight Analytics"),
        ("By FerroScope ResearchThyssenKrupp will sell a fifth of its steel unit to an investor.",
         "By FerroScope Research"),
        # a brand tail after a brand tail opens the paragraph's name
        ("By CodeMarket InsightsDataForge will buy a smaller rival for 2 billion dollars.",
         "By CodeMarket Insights"),
        # a brand tail after a chunk that is not one ends the brand
        ("By OrbitaDataSpaceX launched 22 more satellites from Florida late on Sunday.",
         "By OrbitaData"),
        ("Por VuelosDatosIberSur abrirá ocho rutas nuevas desde Sevilla este verano.",
         "Por VuelosDatos"),
    ],
)  # fmt: skip
def test_a_camel_cased_first_word_after_a_glued_byline_is_never_cut_in_two(
    source: str, byline: str
) -> None:
    """Brand and paragraph may both be camel-cased: one cut, and never inside the
    paragraph's first word (cut at each capital, models took "Thyssen" with the byline)."""
    assert pieces_of_text(source) == [byline, source[len(byline) :]]


@pytest.mark.parametrize(
    ("source", "byline"),
    [
        ("By FleetSignal DataIAG reported record summer bookings on its routes.",
         "By FleetSignal Data"),  # a brand tail glued to an acronym
        ("By VoltMarketBYD sold more electric cars than any rival in the quarter.",
         "By VoltMarket"),  # passing a tail to reach the acronym
        ("By Cargo Pulse120 ships were waiting outside the port on Monday.",
         "By Cargo Pulse"),  # a brand tail glued to a number
        ("By RetailScope\u201cShoppers are buying fewer things,\u201d she said.",
         "By RetailScope"),  # a brand tail glued to an opening quotation mark
        ("By TechPulse DataeBay will cut its fees for private sellers next month.",
         "By TechPulse Data"),  # a name that opens in lower case
    ],
)  # fmt: skip
def test_a_byline_glued_to_an_acronym_number_or_quotation_is_cut_after_its_brand_tail(
    source: str, byline: str
) -> None:
    assert pieces_of_text(source) == [byline, source[len(byline) :]]
    assert texts(source, split_pieces(source, split_lines(source)[0])) == [
        byline,
        source[len(byline) :],
    ]


@pytest.mark.parametrize(
    ("source", "first"),
    [
        # comment bylines glue user names to numbers and capitals: no brand tail, no cut
        ("by TheRaven64 (641858) on Tuesday July 24, @01:12PM (#40752073) Journal", None),
        ("by Smitty89 on Aug 9, 2012 10:30 AM EDT via mobile reply actions", None),
        ("by PreachITBrotha on Aug 9, 2012 12:54 PM EDT reply actions", None),
        ("By Jon Porter@JonPorty Jul 3, 2019, 4:22am EDT", None),
        # names with an acronym or a number: the brand ends before them, never inside
        ("By AcmeDataOpenAI released a new model for writing code on Tuesday.", "By AcmeData"),
        ("By AcmeDataXbox360 sales fell for the tenth year in a row, it said.", "By AcmeData"),
    ],
)  # fmt: skip
def test_user_names_and_names_with_numbers_are_not_cut_inside(
    source: str, first: str | None
) -> None:
    expected = [source] if first is None else [first, source[len(first) :]]
    assert pieces_of_text(source) == expected


@pytest.mark.parametrize(
    "source",
    [
        "By McDonald's own count, sales rose 4% in the quarter to March.",  # Mc|Donald
        "By LinkedIn's own figures, hiring rose 4% in the quarter to March.",
        "By YouTube's count, views rose 40% in the year to March.",  # You: a short chunk
        "By AcmeDataGroup Research",  # no paragraph after it
        "Shares of AcmeDataVolkswagen rose after the deal was announced on Monday.",  # no byline
        "By then the council had agreed to fund the new tram line to the airport.",
    ],
)
def test_camel_case_names_in_a_line_that_opens_like_a_byline_are_not_cut(source: str) -> None:
    assert len(split_pieces(source, split_lines(source)[0])) == 1
    assert pieces_of_text(source) == [source]


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


# --------------------------------------------------------------------------- never cut inside


def pieces_of(source: str) -> list[str]:
    return texts(source, split_pieces(source, split_lines(source)[0]))


@pytest.mark.parametrize(
    "source",
    [
        "Deutschlandfunk, 02. November 2021",
        "Anna Weber schrieb am 9. Februar 2026 um 14:05:",
        "Er kam am 3. März und ging am 12. April.",
        "Er kam am 3.Oktober 2021 an.",
        "The vote is on 5. May in the morning.",
        "Seit dem 19. Jahrhundert gilt das, und in der 94. Minute fiel das Tor.",
        "Das war am 3. über alles.",
        "Dr. Müller sagte, Nr. 5 sei z. B. gut, laut S. 12 und St. Gallen.",
        "J. Smith met É. Macron, Ö. Müller and Klaus D. Meier.",
        "Prof. Dr. Hans Meier und Dipl.-Ing. Claudia Feddersen kamen.",
        "Das kostet 2,1 Mrd. Euro und 310 Mio. Dollar zzgl. MwSt.",
        "Sen. Warren met Gov. Newsom in Sept. Last year.",
        "Dr.Smith and the U.S. Army met u.a. Vertreter.",
        "3 c. à soupe de moutarde",
    ],
)
def test_a_line_is_not_cut_inside_a_date_a_number_an_abbreviation_or_a_name(source: str) -> None:
    assert pieces_of(source) == [source]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Founded in 1998. The company grew.", ["Founded in 1998.", "The company grew."]),
        ("He was 25. The next year he left.", ["He was 25.", "The next year he left."]),
        ("Please don't. Long fasts are risky.", ["Please don't.", "Long fasts are risky."]),
        ("Every day at 7 h. Sign up now", ["Every day at 7 h.", "Sign up now"]),
        ("Berlin, 1. Januar 2020. Die Regierung", ["Berlin, 1. Januar 2020.", "Die Regierung"]),
        ("Tools, apps, etc. The next", ["Tools, apps, etc.", "The next"]),
    ],
)
def test_sentence_ends_next_to_numbers_and_short_words_are_still_cuts(
    source: str, expected: list[str]
) -> None:
    assert pieces_of(source) == expected


MONTHS = ["Januar", "Februar", "März", "Mai", "Oktober", "Dezember", "November", "Sept", "Jan"]
WORDS = ["Die", "Regierung", "sagte", "In", "May", "Read", "more:", "Sign", "up."]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(WORDS), max_size=6),
    st.integers(1, 31),
    st.booleans(),
    st.sampled_from(MONTHS),
    st.lists(st.sampled_from(WORDS), max_size=6),
)
def test_no_piece_boundary_inside_a_day_and_month(
    before: list[str], day: int, zero: bool, month: str, after: list[str]
) -> None:
    date = f"{day:02d}. {month}" if zero else f"{day}. {month}"
    source = " ".join([*before, date, *after])
    start = source.index(date)
    inside = range(start + 1, start + len(date))
    for piece in split_pieces(source, split_lines(source)[0]):
        assert piece.start not in inside and piece.end not in inside, (source, piece)


ABBREVIATIONS = ["Dr.", "Nr.", "z. B.", "S.", "St.", "J.", "Prof.", "Mio.", "vgl.", "Hrsg.", "É."]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(WORDS), max_size=6),
    st.sampled_from(ABBREVIATIONS),
    st.sampled_from(["Smith", "Müller", "Euro", "Gallen", "Beispiel", "12"]),
    st.lists(st.sampled_from(WORDS), max_size=6),
)
def test_no_piece_boundary_after_an_abbreviation_or_initial(
    before: list[str], abbreviation: str, name: str, after: list[str]
) -> None:
    joined = f"{abbreviation} {name}"
    source = " ".join([*before, joined, *after])
    start = source.index(joined)
    inside = range(start + 1, start + len(joined))
    for piece in split_pieces(source, split_lines(source)[0]):
        assert piece.start not in inside and piece.end not in inside, (source, piece)


# --------------------------------------------------------------------------- hard-wrapped text

WRAPPED_PARAGRAPHS = [
    "The harbour board voted on Tuesday to delay its decision on the new berth fees until "
    "the spring, after shipping lines warned that the increase would push cargo to rival "
    "ports along the coast and cost the town several hundred jobs.",
    "Members of the board said they wanted an independent audit of the dredging contracts "
    "first, and asked the port's finance director to report back in March with figures for "
    "each of the three options that the consultants had put forward.",
]


@pytest.mark.parametrize("width", [60, 72, 80])
@pytest.mark.parametrize("separator", ["\n\n", "\n"])
def test_a_hard_wrapped_paragraph_is_one_line(width: int, separator: str) -> None:
    import textwrap

    from declutter.paragraphs import paragraph_lines

    source = separator.join(textwrap.fill(p, width) for p in WRAPPED_PARAGRAPHS)
    assert len(split_lines(source)) > 2 * len(WRAPPED_PARAGRAPHS)
    joined = [" ".join(text.split()) for text in texts(source, paragraph_lines(source))]
    assert joined == WRAPPED_PARAGRAPHS


@pytest.mark.parametrize(
    "source",
    [
        # one paragraph a line, of every length: scraped text as it usually comes
        "\n".join([*WRAPPED_PARAGRAPHS, "Short line.", "Another paragraph that runs on a bit."]),
        # a list of headlines of even length, each starting with a capital
        "\n".join(f"Headline number {n} about the harbour board and its fees" for n in range(8)),
        # menu items, short and lower case
        "\n".join(["home", "news", "sport", "weather", "contact", "about us"] * 2),
        # a wrapped paragraph of only two lines: too little to tell a wrap from two lines
        "The harbour board voted on Tuesday to delay its decision on the new\nberth fees.",
    ],
)
def test_text_that_is_not_hard_wrapped_keeps_its_lines(source: str) -> None:
    from declutter.paragraphs import paragraph_lines

    assert paragraph_lines(source) == split_lines(source)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["alpha", "beta", "Gamma", "delta.", "\n", "\n\n", " "]),
                max_size=400).map(" ".join))  # fmt: skip
def test_joined_lines_still_cover_every_character_once(source: str) -> None:
    from declutter.paragraphs import paragraph_lines

    lines = paragraph_lines(source)
    assert all(a.end <= b.start for a, b in zip(lines, lines[1:]))
    covered = "".join(source[s.start : s.end] for s in lines)
    assert "".join(covered.split()) == "".join(source.split())
    assert all(source[s.start : s.end] == source[s.start : s.end].strip() for s in lines)


def test_the_readme_example_hard_wrapped_is_cleaned_as_it_is_unwrapped() -> None:
    """Before wrapped paragraphs were joined, the example wrapped at 72 columns lost the
    first lines of its last article paragraph (read alone, they looked like a fragment)."""
    import textwrap
    from pathlib import Path

    import declutter

    example = Path(__file__).resolve().parent.parent / "examples" / "article.txt"
    paragraphs = [line for line in example.read_text(encoding="utf-8").splitlines() if line]
    as_is = declutter.clean("\n\n".join(paragraphs))
    wrapped = declutter.clean("\n\n".join(textwrap.fill(p, 72) for p in paragraphs))

    def normal(segments) -> list[str]:
        return [" ".join(segment.text.split()) for segment in segments]

    assert normal(wrapped.removed) == normal(as_is.removed)
    assert " ".join(wrapped.text.split()) == " ".join(as_is.text.split())
