"""Labels by extractor agreement: only unanimity labels a block, and never over the gold."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError
from pathlib import Path

import pytest
from synthetic_corpora import readability_pages, write_article_body_corpus

from declutter.errors import DataError
from declutter.html import page_blocks
from declutter.training import agreement
from declutter.training.corpora import block_labels, load_corpus, load_pages
from declutter.training.datasets import load_dataset

ARTICLE = (
    "The harbour authority approved the new quay on Tuesday after two years of planning. "
    "Work starts in spring and should end before the summer season of the following year."
)
MENU = "Home News Sport Weather Contact"
PAGE = f"""<html><body><nav><p>{MENU}</p></nav><article><p>{ARTICLE}</p></article>
<footer><p>Copyright Harbour Gazette, all rights reserved, privacy policy</p></footer>
</body></html>""".encode()


@pytest.fixture()
def fake_extractors(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Three stand-in extractors whose answers a test sets, and installed versions."""
    answers = {name: "" for name in agreement.EXTRACTORS}
    for name in agreement.EXTRACTORS:
        monkeypatch.setitem(agreement._RUNNERS, name, lambda html, name=name: answers[name])
    monkeypatch.setattr(agreement, "extractor_versions", lambda: dict.fromkeys(answers, "1"))
    return answers


def test_only_a_unanimous_verdict_labels_a_block(fake_extractors: dict[str, str]) -> None:
    blocks = page_blocks(PAGE)
    texts = [b.text for b in blocks]
    assert texts[0] == MENU and texts[1] == ARTICLE
    fake_extractors.update(dict.fromkeys(agreement.EXTRACTORS, ARTICLE))
    assert agreement.agreement_labels(PAGE, blocks) == ["insert", "content", "insert"]

    fake_extractors["justext"] = ARTICLE + "\n" + MENU  # one extractor keeps the menu
    assert agreement.agreement_labels(PAGE, blocks) == [None, "content", "insert"]


def test_an_extractor_that_fails_keeps_nothing(
    fake_extractors: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(html: str) -> str:
        raise RuntimeError("parser gave up")

    fake_extractors.update(dict.fromkeys(agreement.EXTRACTORS, ARTICLE))
    monkeypatch.setitem(agreement._RUNNERS, "readability-lxml", broken)
    labels = agreement.agreement_labels(PAGE, page_blocks(PAGE))
    assert labels == ["insert", None, "insert"]  # no agreement on the article any more


def test_agreement_never_overrides_the_gold() -> None:
    gold = ["content", None, "insert", None]
    agreed = ["insert", "insert", "content", None]
    assert agreement.fill_unlabelled(gold, agreed) == ["content", "insert", "insert", None]


def test_a_missing_extractor_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.metadata

    def version(name: str) -> str:
        raise PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", version)
    with pytest.raises(DataError, match=r"pip install -e '\.\[bench\]'"):
        agreement.extractor_versions()


def test_an_extractor_missing_while_labelling_is_an_error_not_an_empty_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib.metadata

    def not_installed(html: str) -> str:
        raise ImportError("No module named 'justext'")

    def version(name: str) -> str:
        if name == "justext":
            raise PackageNotFoundError(name)
        return "1"

    monkeypatch.setitem(agreement._RUNNERS, "justext", not_installed)
    monkeypatch.setattr(importlib.metadata, "version", version)
    with pytest.raises(DataError, match="justext is not installed"):
        agreement.agreement_labels(PAGE, page_blocks(PAGE))


def test_agreed_specs_fill_only_unlabelled_blocks(
    tmp_path: Path, fake_extractors: dict[str, str]
) -> None:
    write_article_body_corpus(tmp_path, "readability_tests", readability_pages())
    plain = load_dataset("corpus:readability_tests:all", tmp_path)
    # every extractor keeps everything: only the blocks without a gold label change
    everything = "\n".join(p.text for p in plain.documents[0].paragraphs)
    fake_extractors.update(dict.fromkeys(agreement.EXTRACTORS, everything))
    agreed = load_dataset("corpus:readability_tests:agreed:all", tmp_path)
    assert agreed.sha256 != plain.sha256
    changed = 0
    for before, after in zip(plain.documents, agreed.documents, strict=True):
        for p, q in zip(before.paragraphs, after.paragraphs, strict=True):
            if p.label is not None:
                assert q.label == p.label
            elif q.label is not None:
                changed += 1
    assert changed > 0


def test_agreement_rarely_contradicts_a_full_gold(root: Path) -> None:
    """On fully labelled news pages, unanimous extractors call almost no content an insert
    (0.3 % of 4,677 blocks on 40 scrapinghub_aeb dev pages when measured)."""
    pytest.importorskip("trafilatura")
    pytest.importorskip("readability")
    pytest.importorskip("justext")
    wrong = said_insert = 0
    for k, page in enumerate(load_pages("scrapinghub_aeb", root)):
        if k == 4:
            break
        blocks = page_blocks(page.html)
        for gold, agreed in zip(
            block_labels(page, blocks), agreement.agreement_labels(page.html, blocks), strict=True
        ):
            if agreed == "insert" and gold is not None:
                said_insert += 1
                wrong += gold == "content"
    assert said_insert > 100
    assert wrong / said_insert < 0.02


def test_trafilatura_eval_gains_labels_by_agreement(root: Path) -> None:
    pytest.importorskip("trafilatura")
    pytest.importorskip("readability")
    pytest.importorskip("justext")
    first = [next(iter(load_pages("trafilatura_eval", root))).id]
    plain = next(load_corpus("trafilatura_eval", root, ids=first))
    agreed = next(load_corpus("trafilatura_eval", root, ids=first, agreed=True))
    unlabelled = sum(p.label is None for p in plain.paragraphs)
    still = sum(p.label is None for p in agreed.paragraphs)
    assert still < unlabelled / 2
