"""Where a byline glued onto a paragraph ends: "By AcmeData|Volkswagen's first electric car...".

Scraped text often loses the break between a publisher's byline and the paragraph after it.
When the paragraph opens with a common sentence opener ("By AcmeData|In May..."), the
sentence-starter glue points of :mod:`declutter.paragraphs` find the join. When it opens
with a name, a number or a quotation, only the byline shows where it ends: a line that
opens with a byline word (:data:`BYLINE_OPENING`), a few capitalised words, and the
paragraph glued onto the last of them. This module finds that one cut; the model then
judges the two pieces like any others.

The cut lies in the last word before the line's first lower-case word, where a new chunk
of that word begins (a *candidate*), after :data:`MIN_CHUNK` letters or more
("Research|ThyssenKrupp", not "Mc|Donald's"):

* a capital after a lower-case letter, before a lower-case one ("Analytics|Siemens");
* after a brand tail (:data:`BRAND_TAILS`) only: a run of :data:`MIN_ACRONYM` capitals
  ("Data|GSK", "Research|JPMorgan"), a digit ("Pulse|120 ships") or an opening quotation
  mark ("Scope|“Shoppers"). Only after a tail, because comment bylines glue user names to
  numbers and capitals ("by TheRaven64 (641858) on...", "by PreachITBrotha on...").

The first candidate is the cut, passing over camel-case chunks that are brand tails
("Orbita|Data|SpaceX", "Volt|Market|BYD"), unless the word's first chunk is a tail too
("Insights|DataForge": the second tail opens the name). Too early a cut leaves a chunk of
the byline in ("By Solar" removed, "BeaconSunPower installed..." kept); too late a cut
takes a chunk of the article's first word, which is worse, so the rule errs early: cut at
each capital and left to the model, candidate models took a name's first chunk with the
byline ("Thyssen" 0.98) in 8 of 40 written cases (docs/experiments.md, section 9), and a
list of common words to tell a brand's ordinary chunks ("Grid") from a name ("Iberdrola")
cut inside five times as many real camel-case names (section 12).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

#: The words a byline opens with ("By AcmeData", "Powered by GridMetrics", "Von ..."), and
#: the sponsor lines of the languages our data has ("Unterstützt von", "Présenté par",
#: "Presentato da", "Aangeboden door", "Apresentado por"; since 2026-12-05).
BYLINE_WORDS = tuple(
    words.replace("_", " ")
    for words in """by powered_by sponsored_by presented_by brought_to_you_by in_partnership_with
    supported_by in_association_with
    von par por di door publié_par publicado_por präsentiert_von en_colaboración_con
    unterstützt_von gesponsert_von in_kooperation_mit in_zusammenarbeit_mit
    présenté_par sponsorisé_par en_partenariat_avec avec_le_soutien_de
    presentado_por patrocinado_por con_el_apoyo_de
    presentato_da sponsorizzato_da in_collaborazione_con
    aangeboden_door mogelijk_gemaakt_door gesponsord_door
    apresentado_por em_parceria_com""".split()
)
#: A line that opens with a byline word, then a letter.
BYLINE_OPENING = re.compile(
    "(?i:" + "|".join(map(re.escape, BYLINE_WORDS)) + ")"
    r"(?:\s*:)?\s+[^\W\d_]",  # not \s*:?\s+, which backtracks quadratically on a run of spaces
)
#: The first two characters of a line that may open with a byline word, in any case: a
#: test cheaper than the pattern, for lines that no other glue point sends here.
BYLINE_PREFIXES = frozenset(
    a + b
    for word in BYLINE_WORDS
    for a in {word[0], word[0].upper()}
    for b in {word[1], word[1].upper()}
)
#: How far into a byline line (characters) the word holding its glued end may start.
BYLINE_ZONE = 48
#: Fewest letters a chunk needs before a byline cut after it: "Mc|Donald", "i|Phone" and
#: "Mac|Book" are names, not a byline glued to a paragraph.
MIN_CHUNK = 4
#: Fewest capitals in a row that open a glued acronym ("Data|GSK"); "OpenAI" is no cut.
MIN_ACRONYM = 3
#: Fewest words the rest of the line needs after a byline cut: the paragraph glued to it.
REST_WORDS = 5
#: Words a data vendor's brand ends with ("Orbita|Data", "Volt|Market", "Copper|Research"):
#: a chunk that is one of them, after a chunk that is not, ends the brand rather than opening
#: the paragraph. After a chunk that already is one ("Insights|DataForge") it opens the
#: paragraph.
BRAND_TAILS = frozenset(
    "data datos dati daten dados données research analytics analysis insights intelligence "
    "metrics market markt mercado mercato marché monitor radar index pulse watch scope lens "
    "signal labs media news wire report stats trends veille".split()
)
#: Names whose inner capital happens to start a word ("Linked|In").
CAMEL_CASE_NAMES = frozenset({"linkedin", "thein", "wein", "mein", "sein", "dein", "kein"})
_LONGEST_CAMEL_CASE_NAME = max(map(len, CAMEL_CASE_NAMES))


def is_camel_case_name(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is one of :data:`CAMEL_CASE_NAMES` (any case), reading
    no more of a long token than the longest name."""
    return end - start <= _LONGEST_CAMEL_CASE_NAME and text[start:end].lower() in CAMEL_CASE_NAMES


#: A word that opens in lower case (after a space): where a byline's capitalised words stop.
_LOWER_WORD = re.compile(r"(?<=\s)[a-zà-ÿ]")
#: Where a new chunk of a word may begin after a lower-case letter (see the module doc):
#: a capital before a lower-case letter, a run of capitals, an opening quotation mark
#: before a capital or digit, or a digit.
_CANDIDATE = re.compile(
    r"(?<=[a-zà-ÿ])(?:[A-ZÀ-Þ](?=[a-zà-ÿ])|[A-ZÀ-Þ]{"
    + str(MIN_ACRONYM)
    + r"}|[\"“„«'‘](?=[A-ZÀ-Þ\d])|\d)"
)
_WORD = re.compile(r"\S+")
_LETTERS = re.compile(r"[^\W\d_]+")
#: The chunk a camel-case candidate opens: its capital and the lower-case letters after it.
_CHUNK = re.compile(r"[A-ZÀ-Þ][a-zà-ÿ]*")


class _Candidate(NamedTuple):
    at: int  # absolute offset of the chunk's first character
    chunk: str  # the camel-case chunk it opens, lower-cased, or "" (acronym, digit, quote)


def opens_like_byline(text: str, start: int, end: int) -> bool:
    """Whether the line ``text[start:end]`` opens with a byline word (its first two
    characters first: this runs on every line without a glue point)."""
    return text[start : start + 2] in BYLINE_PREFIXES and bool(
        BYLINE_OPENING.match(text, start, end)
    )


def reads_as_byline(text: str) -> bool:
    """Whether ``text`` is a byline and nothing more: a byline word, then only words that
    open in upper case or with a digit, within :data:`BYLINE_ZONE` characters ("Präsentiert
    von Luftfahrt Monitor", "By AcmeData"; not "By the same token", not "By Ela on 31.
    October"). What a byline cut leaves as the piece before the paragraph it was glued to."""
    if len(text) > BYLINE_ZONE:
        return False
    opening = BYLINE_OPENING.match(text)
    return opening is not None and _LOWER_WORD.search(text, opening.end() - 1) is None


def byline_cut(text: str, start: int, end: int, points: Sequence[int]) -> int | None:
    """Where the byline glued onto the line ``text[start:end]`` ends, or None.

    ``points`` are the glue points already found in the line (sentence-starter cuts): one
    inside the byline's stretch means the join is found, and nothing more is cut.
    """
    opening = BYLINE_OPENING.match(text, start, end)
    if opening is None:
        return None
    zone_limit = min(end, start + BYLINE_ZONE)
    lower = _LOWER_WORD.search(text, opening.end() - 1, zone_limit)
    zone_end = lower.start() if lower else zone_limit
    if any(start <= point < zone_end for point in points):
        return None
    first, candidates, word_start = "", [], start  # of the last word that has any
    for word in _WORD.finditer(text, opening.end() - 1, zone_end):
        word_first, found = _candidates(text, word.start(), word.end())
        if found:
            first, candidates, word_start = word_first, found, word.start()
    if not candidates:
        return None
    cut = _before_lower_case_prefix(text, _choose(first, candidates), word_start)
    rest = text[cut : min(end, cut + 200)].split()
    return cut if len(rest) >= REST_WORDS else None


def _candidates(text: str, start: int, end: int) -> tuple[str, list[_Candidate]]:
    """The word ``text[start:end]``'s first chunk (lower-cased) and its candidates that
    follow a chunk of :data:`MIN_CHUNK` letters or more."""
    letters = _LETTERS.match(text, start, min(end, start + _LONGEST_CAMEL_CASE_NAME + 1))
    if letters is not None and is_camel_case_name(text, *letters.span()):  # "LinkedIn's"
        return "", []
    first = _CHUNK.match(text, start, end)
    out = []
    chunk_start = start
    for match in _CANDIDATE.finditer(text, start, end):
        at = match.start()
        if _letters_before(text, at, chunk_start) >= MIN_CHUNK:
            camel = _CHUNK.match(text, at, end) if len(match.group()) == 1 else None
            if camel is not None:  # a capital before a lower-case letter
                out.append(_Candidate(at, camel.group().lower()))
            elif _tail_ends_at(text, at, start):  # an acronym, a quotation mark, a digit
                out.append(_Candidate(at, ""))
        chunk_start = at
    return (first.group().lower() if first else ""), out


def _letters_before(text: str, point: int, limit: int) -> int:
    """How many letters run up to ``point`` (not reading before ``limit``)."""
    start = point
    while start > limit and text[start - 1].isalpha():
        start -= 1
    return point - start


def _choose(first: str, candidates: list[_Candidate]) -> int:
    """The cut: the first candidate, passing over camel-case chunks that are brand tails
    ("Orbita|Data|SpaceX", "Volt|Market|BYD") but never over the last candidate, whose
    chunk runs on into the paragraph. ``first`` is the word's chunk before them all: when it
    is a brand tail too, a tail opens the paragraph's name ("Insights|DataForge")."""
    if first in BRAND_TAILS and candidates[0].chunk in BRAND_TAILS:
        return candidates[0].at
    for candidate in candidates[:-1]:
        if candidate.chunk not in BRAND_TAILS:
            return candidate.at
    return candidates[-1].at


def _before_lower_case_prefix(text: str, cut: int, word_start: int) -> int:
    """Move a cut before a name that opens with a lower-case ``e`` or ``i`` ("eBay",
    "iRobot") when a brand tail ends just before it: "Datae|Bay" becomes "Data|eBay"."""
    prefix = cut - 1
    if text[prefix] in "ei" and _tail_ends_at(text, prefix, word_start):
        return prefix
    return cut


def _tail_ends_at(text: str, point: int, word_start: int) -> bool:
    """Whether a capitalised brand tail ("Data", "Index") ends at ``point``, inside the word
    that starts at ``word_start``."""
    for tail in BRAND_TAILS:
        begin = point - len(tail)
        if begin >= word_start and text[begin].isupper() and text[begin:point].lower() == tail:
            return True
    return False
