"""Data-driven behaviour of the shipped model: inserts removed, article text kept.

Cases live in ``tests/cases/*.jsonl`` (one per line: label, comment, text, must_keep,
must_remove, expect). ``expect: "fail"`` marks a known failure; it runs as a strict xfail, so
a fix shows up as an unexpected pass and the list stays honest. ``negatives.jsonl`` holds
text that looks promotional but is the article.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from declutter import clean

CASES = Path(__file__).parent / "cases"


def load_cases() -> list[Any]:
    params = []
    for path in sorted(CASES.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            case = json.loads(line)
            marks = []
            if case.get("expect") == "fail":
                marks.append(
                    pytest.mark.xfail(strict=True, reason=case.get("why", "known failure"))
                )
            params.append(
                pytest.param(case, id=f"{path.stem}:{number}:{case['label']}", marks=marks)
            )
    return params


def _removed_text(removed: Any) -> str:
    """The removed segments' text, those that touch (pieces cut off one line: "By Acme" and
    "Data" of "By AcmeData") joined as they stood, the others by a space."""
    out, end = "", None
    for segment in removed:
        out += ("" if segment.start == end else " ") + segment.text
        end = segment.end
    return out.strip()


@pytest.mark.parametrize("case", load_cases())
def test_case(case: dict[str, Any]) -> None:
    result = clean(case["text"])
    removed_text = _removed_text(result.removed)
    lost = [snippet for snippet in case["must_keep"] if snippet not in result.text]
    left = [snippet for snippet in case["must_remove"] if snippet in result.text]
    unaccounted = [snippet for snippet in case["must_remove"] if snippet not in removed_text]
    assert not lost, f"article text removed: {lost}"
    assert not left, f"inserts left in: {left}"
    assert not unaccounted, f"not reported as removed: {unaccounted}"
