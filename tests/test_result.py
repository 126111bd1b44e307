"""Cleaned.text joins kept segments by the documented rule, and results serialise."""

from __future__ import annotations

import dataclasses
import json
import pickle

import pytest

from declutter.result import Cleaned, Segment


def seg(source: str, start: int, end: int, removed: bool, kind: str = "content") -> Segment:
    return Segment(start, end, source[start:end], 0.9 if removed else 0.1, kind, removed)


def test_pieces_of_one_line_rejoin_with_their_gap_and_lines_with_a_blank_line() -> None:
    source = "Alpha one. Alpha two.\nBeta."
    result = Cleaned(
        source,
        (seg(source, 0, 10, False), seg(source, 11, 21, False), seg(source, 22, 27, False)),
        0.5,
    )
    assert result.text == "Alpha one. Alpha two.\n\nBeta."


def test_a_removed_segment_between_two_kept_ones_leaves_a_paragraph_break() -> None:
    source = "Kept. Gone. Kept again."
    segments = (
        seg(source, 0, 5, False),
        seg(source, 6, 11, True, "other"),
        seg(source, 12, 23, False),
    )
    assert Cleaned(source, segments, 0.5).text == "Kept.\n\nKept again."


def test_kept_and_removed_split_the_segments_and_serialise_to_json() -> None:
    source = "Kept.\nAdvertisement"
    segments = (seg(source, 0, 5, False), seg(source, 6, 19, True, "advert"))
    result = Cleaned(source, segments, 0.5)
    assert [s.text for s in result.kept] == ["Kept."]
    assert [(s.text, s.kind) for s in result.removed] == [("Advertisement", "advert")]
    payload = json.loads(json.dumps(result.to_dict()))
    assert payload["segments"][1] == {
        "start": 6,
        "end": 19,
        "text": "Advertisement",
        "score": 0.9,
        "kind": "advert",
        "removed": True,
    }


def test_segments_built_for_speed_are_ordinary_frozen_segments() -> None:
    fields = (3, 9, "abcdef", 0.25, "newsletter", True)
    built, plain = Segment._built(*fields), Segment(*fields)
    assert built == plain and hash(built) == hash(plain) and repr(built) == repr(plain)
    assert vars(built) == vars(plain) and list(vars(built)) == list(vars(plain))
    assert dataclasses.astuple(built) == fields and built.to_dict() == plain.to_dict()
    assert pickle.loads(pickle.dumps(built)) == plain
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.score = 0.5  # type: ignore[misc]


def test_a_pickled_result_comes_back_equal_and_does_not_repeat_segment_texts() -> None:
    import declutter

    text = "\n\n".join(
        [f"Paragraph {n} of the article says something about the harbour." for n in range(40)]
        + ["Sign up for our newsletter", "Advertisement", "© 2026 Example Media"]
    )
    page = "".join(f"<p>{paragraph}</p>" for paragraph in text.split("\n\n"))
    plain = declutter.clean(text)
    for result in (plain, declutter.clean_html(page)):
        back = pickle.loads(pickle.dumps(result))
        assert back == result and back.text == result.text and len(back.segments) > 40
        assert [vars(s) for s in back.segments] == [vars(s) for s in result.segments]
        assert all(back.source[s.start : s.end] == s.text for s in back.segments)
    # the source travels once: the payload is far smaller than the segment texts repeated
    assert len(pickle.dumps(plain)) < len(plain.source) + 40 * len(plain.segments)
