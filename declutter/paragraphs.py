"""Split text into the units the model scores, with exact offsets into the input.

Why two levels: a line of scraped text is usually one paragraph, but inserts are often
glued to real text ("By AcmeDataIn May this year..." or "...said on Monday. Read more: ...").
So each line is also cut into *pieces* at sentence ends and at glue points (a lower-case
letter or a full stop directly followed by a capitalised word). The decision step may strip
leading or trailing pieces of a line that score as inserts, never pieces in the middle: a real
paragraph is never cut in two.

Offsets are exact: ``text[span.start:span.end]`` is the unit's text, with surrounding
whitespace excluded. Every non-whitespace character of the input belongs to exactly one line.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from .byline_cut import byline_cut, is_camel_case_name, opens_like_byline

if TYPE_CHECKING:
    from .html import BlockFeatures

#: A line without its surrounding whitespace: from a non-space character to the last one
#: before a line end (the characters str.splitlines() knows: \r, \x0b, \x0c, \x85, \u2028...;
#: all of them are whitespace, so a match never starts on one).
_LINE = re.compile(r"\S(?:[^\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]*\S)?")
#: A sentence end followed by whitespace (group 1, the gap) and a capital, digit, quote or
#: opening mark. Each pattern here starts with a character class rather than a look-behind,
#: which lets the regex engine skip ahead to candidates (several times faster).
_SENTENCE_GAP = re.compile(r"[.!?…]([\s\u00a0]+)(?=[\"'“‘«¿¡(\[]?[^\W\d_a-z])")
#: Glue points, at the capital: "AcmeDataIn" (lower-case then Capital + lower-case) or
#: "shortly.In" (no space after the full stop).
_GLUE = re.compile(r"[A-ZÀ-Þ](?:(?<=[a-zà-ÿ].)|(?<=[a-zà-ÿ0-9][.!?].))(?=[a-zà-ÿ])")
#: Text before a full stop that marks an abbreviation, an initial ("J.", "É.", the "z." of
#: "z. B."; not the "t" of "don't" nor a unit after a number, "at 7 h."), a dotted
#: abbreviation ("U.S.", "z.B.", "u.a.") or a German ordinal after an article or preposition
#: ("am 3.", "dem 19.": "Der 3. Platz", "seit dem 19. Jahrhundert"), not a sentence end.
_ABBREVIATION = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|St|Jr|Sr|Inc|Ltd|Co|Corp|No|Nr|vs|Hr|Fr|Sra?|Dra?|Sig|ca|bzw|z\.B"
    r"|Mt|Ft|Ste|Sen|Rep|Gov|Gen|Col|Capt|Lt|Sgt|Rev|Hon|Mme|Mlle|Dott|Ing|Dipl|Hrsg|vgl|Abb"
    r"|Kap|Bd|Tel|Str|Mio|Mrd|Tsd|evtl|ggf|inkl|zzgl|approx|Fig|Vol|pp|Jan|Feb|Mar|Apr|Jun|Jul"
    r"|Aug|Sept?|Oct|Okt|Nov|Dec|Dez|Mo|Di|Mi|Do|Sa|So)|"
    r"(?<![\w'’])(?<!\d\s)[^\W\d_]|\.[^\W\d_]"
    r"|\b(?i:der|die|das|dem|den|des|am|im|vom|zum|zur|beim)\s+\d{1,2})\.$"
)
#: How many characters before a full stop the abbreviation check reads (the longest match:
#: "approx." or "beim 12.").
_ABBREVIATION_WINDOW = 10
#: A day number before a full stop, as in "02. November" (German dates).
_DAY_NUMBER = re.compile(r"\b\d{1,2}\.$")
#: Month names and their abbreviations that follow a day number (English and German; the
#: other languages of the data write months in lower case, which never starts a piece).
_MONTHS = frozenset(
    """january february march april may june july august september october november december
    januar jänner februar märz mai juni juli oktober dezember jan feb mar mär apr jun jul aug
    sep sept oct okt nov dec dez""".split()
)
_LONGEST_MONTH = max(map(len, _MONTHS))
#: A run of word characters, for finding the token a glue point sits in.
_WORD = re.compile(r"\w+")
#: A run of letters.
_LETTERS = re.compile(r"[^\W\d_]+")
#: Words that start sentences often enough to mark where a glued sentence begins.
_SENTENCE_STARTERS = frozenset(
    """a an the in on at as by for from with after before last this that these those it its he
    she we they i our his her their there when while since during despite according but and
    so yet if although however meanwhile earlier today yesterday now new der die das ein
    eine im am bei mit nach vor seit wie wenn als auch es er sie wir le la les un une des en
    dans au aux il elle nous ils selon depuis el los las unos unas en al del con según desde
    tras ella ellos il lo gli uno una nel nella dal dalla con secondo dopo de het een op bij
    met na volgens""".split()
)
#: The longest word of either set: a longer stretch of text cannot be one of them, because
#: ``str.lower`` never shortens a string (it may lengthen one: "İ" lowers to two code points).
_LONGEST_STARTER = max(map(len, _SENTENCE_STARTERS))
MAX_PIECES_PER_SIDE = 2


class Span(NamedTuple):
    """A half-open character range ``[start, end)`` of the input.

    A named tuple rather than a frozen dataclass: a document has hundreds of lines, and a
    tuple is built several times faster (immutable, hashable and comparable just the same).
    """

    start: int
    end: int


class Unit(NamedTuple):
    """One scored paragraph: a line, or an edge piece of one, with where it stands.

    The paragraph value of declutter, from split to score: :func:`declutter.core.prepare`
    builds one per line and per edge piece (offsets as :class:`Span`), the model scores
    each, and :mod:`declutter.result` turns the decided ones into ``Segment`` values.
    ``doc`` and ``line`` place the unit among its document's lines (pieces share their
    line's place, with ``piece`` set); ``lines`` is the number of lines in the document;
    ``html`` holds the features of the page block it came from (None for plain text).

    A named tuple because a batch builds one per line and piece: a tuple is built several
    times faster than a frozen dataclass. ``html`` takes no part in equality and hashing:
    two units with the same text and place are the same unit.
    """

    text: str
    doc: int
    line: int
    lines: int
    piece: bool = False
    html: BlockFeatures | None = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Unit) and self[:5] == other[:5]

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(self[:5])


def on_one_line(gap: str) -> bool:
    """Whether text joined by ``gap`` stays on one line: ``gap`` holds no line break of
    any kind ``str.splitlines`` knows (``\n``, ``\r``, ``\u2028``, ``\x85``...)."""
    return len(f"x{gap}x".splitlines()) == 1


def split_lines(text: str) -> list[Span]:
    """The non-blank lines of ``text``, stripped, in order."""
    return [Span._make(match.span()) for match in _LINE.finditer(text)]


#: Widths (characters) of the longest lines of hard-wrapped text: e-mail, plain-text files
#: and ``<pre>`` blocks wrap at 60-80; a document whose lines run longer is not wrapped.
WRAP_WIDTHS = (40, 100)
#: A line this much shorter than the wrap width, or more, ended its paragraph.
WRAP_SLACK = 20
#: Of a document's lines that run on to the next line after one line break, the share that
#: must be full (within :data:`WRAP_SLACK` of the width) ...
WRAP_FULL_SHARE = 0.6
#: ... and the share of those whose next line starts in lower case (a sentence running on),
#: which a list of headlines or menu items of even length does not have.
WRAP_LOWER_SHARE = 0.25
#: Fewest full lines for a document to count as hard-wrapped.
WRAP_MIN_LINES = 3


def paragraph_lines(text: str) -> list[Span]:
    """The lines of plain text that are scored as units: its non-blank lines, except that
    the lines of a hard-wrapped paragraph are one.

    Why: text wrapped at a fixed width (e-mail, plain-text files, ``<pre>``) breaks every
    sentence over several lines, and each piece read alone looks like a fragment of
    boilerplate. Articles from our unseen test sources, wrapped at 72 columns, kept 0.953 of
    their content characters against 0.994 unwrapped (2026-12-04). A document counts as
    hard-wrapped when most lines that run on after one line break are full (within
    :data:`WRAP_SLACK` of the width, which is between the :data:`WRAP_WIDTHS`) and enough
    of them continue in lower case; then a full line and the line after it are one unit,
    unless a sentence ends at the break and a new one starts after it (where paragraphs
    separated by one line break meet; a paragraph split there is split between two
    sentences, which each read as prose). Nothing else changes: one-paragraph-a-line text
    (lines of every length) and lists of short lines are never joined.
    """
    lines = split_lines(text)
    width = _wrap_width(text, lines)
    if width is None:
        return lines
    out = [lines[0]]
    for line, following in itertools.pairwise(lines):
        if (
            _one_break(text, line, following)
            and line.end - line.start >= width - WRAP_SLACK
            and not _new_sentence_after(text, line, following)
        ):
            out[-1] = Span(out[-1].start, following.end)
        else:
            out.append(following)
    return out


#: A sentence end at the end of a line (closing quotes and brackets after it allowed).
_ENDS_SENTENCE = re.compile(r"[.!?…][\"'”’»)\]]*\Z")


def _new_sentence_after(text: str, line: Span, following: Span) -> bool:
    """Whether ``line`` ends a sentence and ``following`` starts one (a capital or digit,
    after an opening quote or bracket): where a hard-wrapped document's paragraphs may meet
    after one line break, since a full last line would otherwise join the next paragraph,
    an insert perhaps, to its own."""
    if not _ENDS_SENTENCE.search(text, line.start, line.end):
        return False
    start = text[following.start : following.start + 2].lstrip("\"'“‘«([")
    return bool(start) and (start[0].isupper() or start[0].isdigit())


def _one_break(text: str, line: Span, following: Span) -> bool:
    """Whether one line break, and no blank line, separates two lines (the gap between
    them is whitespace; any line end that ``str.splitlines`` knows counts)."""
    gap = text[line.end : following.start]
    if gap == "\n":  # the usual gaps, decided without splitting
        return True
    if gap == "\n\n":
        return False
    return len(f"x{gap}x".splitlines()) == 2


def _wrap_width(text: str, lines: Sequence[Span]) -> int | None:
    """The width ``text`` is hard-wrapped at, or None when it is not hard-wrapped."""
    shortest_full = WRAP_WIDTHS[0] - WRAP_SLACK  # a quick no for short-line documents
    if sum(1 for span in lines if span.end - span.start >= shortest_full) < WRAP_MIN_LINES:
        return None
    running = [(a, b) for a, b in itertools.pairwise(lines) if _one_break(text, a, b)]
    if len(running) < WRAP_MIN_LINES:
        return None
    lengths = sorted(a.end - a.start for a, _ in running)
    width = lengths[int(0.9 * (len(lengths) - 1))]  # a long URL line does not set it
    if not WRAP_WIDTHS[0] <= width <= WRAP_WIDTHS[1]:
        return None
    full = [(a, b) for a, b in running if a.end - a.start >= width - WRAP_SLACK]
    lower = sum(text[b.start].islower() for _, b in full)
    if (
        len(full) < WRAP_MIN_LINES
        or len(full) < WRAP_FULL_SHARE * len(running)
        or lower < WRAP_LOWER_SHARE * len(full)
    ):
        return None
    return width


def _glue_cut(text: str, token: re.Match[str], cuts: list[int]) -> int | None:
    """Choose the glue point inside a token that starts a sentence-starter word, if any.

    "AcmeDataIn" has two candidates ("Acme|DataIn" and "AcmeData|In"); only the second
    leaves a word that starts sentences ("In"), so it is the cut. Tokens such as "iPhone",
    "YouTube" or "McDonald" leave no such word and are not cut.

    Only the few characters that can form such a word are read: a glued run such as
    "fooBarfooBar..." is one token with a candidate every few characters, and reading the
    rest of the token for each of them made splitting quadratic in the line's length.
    """
    end = token.end()
    if is_camel_case_name(text, token.start(), end):
        return None
    first = bisect.bisect_left(cuts, end - _LONGEST_STARTER)  # cuts are in order
    for cut in cuts[first:]:
        if text[cut:end].lower() in _SENTENCE_STARTERS:
            return cut
    return None


def _glue_points(text: str, line: Span) -> list[int]:
    """Glue points in a line, at most one per token, as absolute offsets."""
    segment = text[line.start : line.end]
    candidates = [line.start + m.start() for m in _GLUE.finditer(segment)]
    return _chosen_glue_points(text, line, candidates)


def _chosen_glue_points(text: str, line: Span, candidates: list[int]) -> list[int]:
    """Of a line's glue candidates (absolute offsets, in order), the points to cut at, and
    the end of a byline glued onto the line's paragraph (:mod:`declutter.byline_cut`)."""
    points = _starter_points(text, line, candidates) if candidates else []
    cut = byline_cut(text, line.start, line.end, points)
    if cut is not None:
        points.append(cut)
    return sorted(points)


def _starter_points(text: str, line: Span, candidates: list[int]) -> list[int]:
    """The glue candidates that are cuts: between two tokens ("shortly.In"), or inside one
    before a sentence-starter word ("AcmeData|In")."""
    # The line's tokens, as finditer over the line alone finds them (a match ends at the
    # line's end), but with absolute offsets.
    tokens = list(_WORD.finditer(text, line.start, line.end))
    starts = [t.start() for t in tokens]
    points: list[int] = []
    by_token: dict[int, list[int]] = {}
    for pos in candidates:
        owner = bisect.bisect_right(starts, pos) - 1  # the last token starting at or before pos
        if owner < 0 or not tokens[owner].start() < pos < tokens[owner].end():
            # "shortly.In": between two tokens, a cut unless the stop is not a sentence end
            # ("Dr.Smith", "3.Oktober")
            if not _joins_next(text, line, pos, pos):
                points.append(pos)
        else:
            by_token.setdefault(owner, []).append(pos)
    for owner, cuts in by_token.items():
        cut = _glue_cut(text, tokens[owner], cuts)
        if cut is not None:
            points.append(cut)
    return points


def _is_abbreviation(text: str, line: Span, gap_start: int) -> bool:
    """Whether the text before a sentence gap ends in an abbreviation or an initial.

    Only the :data:`_ABBREVIATION_WINDOW` characters before the gap are read, and none before
    the line (where the line starts, ``\b`` sees nothing before it, as if the line were the
    whole text).
    """
    return _ends_with(_ABBREVIATION, text, line, gap_start)


def _ends_with(pattern: re.Pattern[str], text: str, line: Span, end: int) -> bool:
    """Whether ``pattern`` (anchored with ``$``) matches the text just before ``end``,
    reading a bounded window that never reaches back before the line."""
    start = end - _ABBREVIATION_WINDOW
    if start > line.start:
        return pattern.search(text, start, end) is not None
    return pattern.search(text[line.start : end]) is not None


def _joins_next(text: str, line: Span, stop_end: int, next_start: int) -> bool:
    """Whether an end mark (ending at ``stop_end``) does not end a sentence, so that the
    line must not be cut between it and the word at ``next_start``.

    Why: a piece boundary inside a date, a number, an abbreviation or a name lets the
    decision step strip half of it ("Deutschlandfunk, 02." kept, "November 2021" removed).
    So no cut after an abbreviation or initial ("Dr. Smith", "z. B.", "J. Smith"), after a
    day number before a month ("02. November"), or before a word in lower case (including
    letters outside ASCII: "3. über"). Reads a bounded number of characters.
    """
    if text[stop_end - 1] != ".":
        return False
    if _is_abbreviation(text, line, stop_end):
        return True
    word_start = next_start
    if word_start < line.end and not text[word_start].isalpha():  # an opening quote or mark
        word_start += 1
    if word_start < line.end and text[word_start].islower():
        return True
    if not _ends_with(_DAY_NUMBER, text, line, stop_end):
        return False
    word = _LETTERS.match(text, word_start, min(line.end, word_start + _LONGEST_MONTH + 1))
    return word is not None and word.group().lower() in _MONTHS


def _pieces(line: Span, boundaries: list[tuple[int, int]]) -> list[Span]:
    """Cut a line at (end of left piece, start of right piece) boundaries."""
    if not boundaries:
        return [line]
    pieces = []
    start = line.start
    for left_end, right_start in sorted(set(boundaries)):
        if left_end <= start:
            continue
        pieces.append(Span(start, left_end))
        start = right_start
    pieces.append(Span(start, line.end))
    return [p for p in pieces if p.start < p.end]


def split_pieces(text: str, line: Span) -> list[Span]:
    """Cut a line into pieces at sentence gaps and glue points; one piece if there are none."""
    boundaries: list[tuple[int, int]] = []  # (end of left piece, start of right piece)
    segment = text[line.start : line.end]
    for match in _SENTENCE_GAP.finditer(segment):
        gap_start, gap_end = match.span(1)
        if _joins_next(text, line, line.start + gap_start, line.start + gap_end):
            continue
        boundaries.append((line.start + gap_start, line.start + gap_end))
    boundaries.extend((p, p) for p in _glue_points(text, line))
    return _pieces(line, boundaries)


def cut_lines(text: str, lines: Sequence[Span]) -> dict[int, list[Span]]:
    """The pieces of every line that :func:`split_pieces` cuts in two or more, by index.

    Most lines have no sentence gap and no glue point, and running the regular expressions
    over each line costs more than over the whole text once. So the whole text is scanned
    once, and each line takes the matches that fall inside it. A match found in the whole
    text is one that the line alone gives (no match reaches back over the line's start,
    and none of the line's own matches is swallowed by an earlier one), except near the
    line's ends, where a look-around reads characters outside the line: those few are
    checked again on the line alone (:func:`_gaps_in_line`, :func:`_glues_in_line`).
    Lines of one piece are left out: that saves a list for most lines.
    """
    gaps = [(m.start(), *m.span(1)) for m in _SENTENCE_GAP.finditer(text)]
    glues = [m.start() for m in _GLUE.finditer(text)]
    gap_at = [start for start, _, _ in gaps]
    out: dict[int, list[Span]] = {}
    for index, line in enumerate(lines):
        gap_from = bisect.bisect_left(gap_at, line.start)
        gap_to = bisect.bisect_left(gap_at, line.end, gap_from)
        glue_from = bisect.bisect_left(glues, line.start)
        glue_to = bisect.bisect_left(glues, line.end, glue_from)
        # a byline glued to a number or a quotation leaves no glue candidate: ask the line
        glued = glue_from < glue_to or opens_like_byline(text, line.start, line.end)
        if gap_from == gap_to and not glued:
            continue
        boundaries = _gaps_in_line(text, line, gaps[gap_from:gap_to])
        if glued:
            candidates = _glues_in_line(text, line, glues[glue_from:glue_to])
            boundaries.extend((p, p) for p in _chosen_glue_points(text, line, candidates))
        pieces = _pieces(line, boundaries)
        if len(pieces) > 1:
            out[index] = pieces
    return out


def _gaps_in_line(
    text: str, line: Span, found: list[tuple[int, int, int]]
) -> list[tuple[int, int]]:
    """The sentence gaps of a line, from the whole text's matches starting inside it.

    A match whose look-ahead may read past the line's end (two characters at most) is
    tried again with the text cut at the line's end.
    """
    out = []
    for start, gap_start, gap_end in found:
        if gap_end + 1 >= line.end:
            match = _SENTENCE_GAP.match(text, start, line.end)
            if match is None:
                continue
            gap_start, gap_end = match.span(1)
        if not _joins_next(text, line, gap_start, gap_end):
            out.append((gap_start, gap_end))
    return out


def _glues_in_line(text: str, line: Span, found: list[int]) -> list[int]:
    """The glue candidates of a line, from the whole text's matches inside it.

    The pattern looks two characters back and one ahead; a match that close to the line's
    ends is tried again on the line alone.
    """
    inner = [pos for pos in found if line.start + 2 <= pos < line.end - 1]
    if len(inner) == len(found):
        return inner
    segment = text[line.start : line.end]
    return [pos for pos in found if _GLUE.match(segment, pos - line.start)]


def edge_pieces(pieces: list[Span]) -> list[tuple[int, Span]]:
    """The pieces that may be stripped: up to two from each end, never all of them.

    Returns (position in ``pieces``, span) pairs in order. A line of one piece has none.
    """
    count = len(pieces)
    if count <= 2 * MAX_PIECES_PER_SIDE:  # short lines (most): every piece is near an edge
        return list(enumerate(pieces)) if count > 1 else []
    ends = [*range(MAX_PIECES_PER_SIDE), *range(count - MAX_PIECES_PER_SIDE, count)]
    return [(i, pieces[i]) for i in ends]
