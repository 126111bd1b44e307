"""The in-article promotional block benchmark builds the cases it says and scores them right
(benchmarks/promo_blocks.py; the figures themselves come from running it on the corpora)."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks import promo_blocks  # noqa: E402

PROSE = [f"Paragraph {n} of a real article, long enough to count as prose in the gold text." * 2
         for n in range(6)]  # fmt: skip


def test_an_article_is_its_latin_prose_paragraphs() -> None:
    gold = "\n".join(["Title", "By Someone", *PROSE, "Photo: agency"])
    assert promo_blocks.article_paragraphs(gold) == PROSE
    assert promo_blocks.article_paragraphs("\n".join(PROSE[:3])) is None  # too few
    chinese = "\n".join(["这是一个很长的中文段落，用来检验文字是否属于拉丁字母。" * 4] * 6)
    assert promo_blocks.article_paragraphs(chinese) is None


def test_the_block_goes_after_the_middle_paragraph_labelled_as_inserts() -> None:
    block = promo_blocks.read_blocks()[0]
    case = promo_blocks.build_case("dragnet", "7", PROSE, block)
    labels = [p.label for p in case.document.paragraphs]
    assert labels == ["content"] * 3 + ["insert"] * len(block["lines"]) + ["content"] * 3
    assert [case.document.paragraphs[r].text for r in case.block_rows] == block["lines"]
    assert all(p.kind == block["kind"] for p in case.document.paragraphs if p.label == "insert")


def test_a_case_is_scored_by_what_happened_to_the_block_and_the_article() -> None:
    block = {"id": "b", "kind": "newsletter", "lines": ["one", "two", "three"]}
    case = promo_blocks.build_case("cleaneval", "1", PROSE[:4], block)  # rows 2, 3, 4
    chars = [len(p.text) for p in case.document.paragraphs]

    def decisions(removed: set[int]) -> list[tuple[int, bool, int]]:
        return [(0, row in removed, n) for row, n in enumerate(chars)]

    whole = promo_blocks.score_case(case, decisions({2, 3, 4}))
    assert (whole["block_removed"], whole["article_lost"], whole["neighbour_lost"]) == (3, 0, False)
    part = promo_blocks.score_case(case, decisions({2, 4, 5}))
    assert (part["block_removed"], part["article_lost"], part["neighbour_lost"]) == (2, 1, True)
    assert part["article_chars_lost"] == chars[5]
    total = promo_blocks.summarise([whole, part])
    assert total["blocks_removed_whole"] == 1 and total["cases_with_neighbour_loss"] == 1
    assert total["block_lines_removed"] == 5 and total["block_lines"] == 6
