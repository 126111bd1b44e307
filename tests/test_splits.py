"""Dev and test parts of the corpora: the rule on made-up corpora, and the counts on the real
ones (docs/splits.md quotes them).

What must hold: the same ids always land in the same part, the parts are disjoint and cover
the corpus, the test part is a quarter, corpora split by site never split a site, and every
consumer (loaders, data specs) reads the dev part unless told otherwise.
"""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

import pytest
from synthetic_corpora import postlight_pages, readability_pages, write_article_body_corpus

from declutter.training.corpora import (
    ALL,
    CORPORA,
    DEV,
    TEST,
    TEST_SHARE,
    choose_test_keys,
    default_corpora_root,
    load_corpus,
    load_pages,
    split_parts,
)
from declutter.training.datasets import DataSpecError, load_dataset, parse_corpus_spec

# --------------------------------------------------------------------------- the rule


def test_a_quarter_of_the_keys_go_to_the_test_part() -> None:
    for count in (4, 61, 101, 1000):
        keys = [f"page-{i}" for i in range(count)]
        assert len(choose_test_keys(keys)) == round(TEST_SHARE * count)


def test_the_choice_depends_on_the_keys_not_on_their_order() -> None:
    keys = [f"dragnet:R{i}" for i in range(200)]
    shuffled = random.Random(7).sample(keys, len(keys))
    assert choose_test_keys(keys) == choose_test_keys(shuffled)
    assert choose_test_keys(keys + keys[:50]) == choose_test_keys(keys)  # duplicates count once


def test_the_choice_is_pinned() -> None:
    # sha256 hex of "k0".."k7" starts 015f7e (k2), 1d92ad (k6), 2f5052 (k3), ...: the first
    # two of eight are the test part; a change of hash or rule shows up here
    assert choose_test_keys([f"k{i}" for i in range(8)]) == {"k2", "k6"}


# --------------------------------------------------------------------------- made-up corpora


@pytest.fixture()
def made_up_root(tmp_path: Path) -> Path:
    write_article_body_corpus(tmp_path, "readability_tests", readability_pages(40))
    write_article_body_corpus(tmp_path, "postlight_fixtures", postlight_pages(40))
    return tmp_path


@pytest.mark.parametrize("corpus", ["readability_tests", "postlight_fixtures"])
def test_parts_are_disjoint_cover_everything_and_are_stable(
    made_up_root: Path, corpus: str
) -> None:
    every = {p.id for p in load_pages(corpus, made_up_root, split=ALL)}
    dev = {p.id for p in load_pages(corpus, made_up_root)}
    test = {p.id for p in load_pages(corpus, made_up_root, split=TEST)}
    assert dev and test and not dev & test
    assert dev | test == every
    assert test == {i for i, part in split_parts(corpus, made_up_root).items() if part == TEST}
    # the same pages written again (another folder, another order) split the same way
    again = made_up_root / "again"
    pages = dict(reversed(list(readability_pages(40).items())))
    if corpus == "postlight_fixtures":
        pages = dict(reversed(list(postlight_pages(40).items())))
    write_article_body_corpus(again, corpus, pages)
    assert split_parts(corpus, again) == split_parts(corpus, made_up_root)


@pytest.mark.parametrize("corpus", ["readability_tests", "postlight_fixtures"])
def test_a_site_is_never_on_both_sides(made_up_root: Path, corpus: str) -> None:
    parts: dict[str, set[str]] = {}
    for page in load_pages(corpus, made_up_root, split=ALL):
        parts.setdefault(page.source, set()).add(split_parts(corpus, made_up_root)[page.id])
    assert all(len(sides) == 1 for sides in parts.values())
    sites = len(parts)
    test_sites = sum(sides == {TEST} for sides in parts.values())
    assert test_sites == round(TEST_SHARE * sites)


def test_ids_and_split_combine(made_up_root: Path) -> None:
    parts = split_parts("postlight_fixtures", made_up_root)
    dev_id = next(i for i, part in parts.items() if part == DEV)
    test_id = next(i for i, part in parts.items() if part == TEST)
    chosen = [dev_id, test_id]
    assert [p.id for p in load_pages("postlight_fixtures", made_up_root, ids=chosen)] == [dev_id]
    on_test = load_pages("postlight_fixtures", made_up_root, ids=chosen, split=TEST)
    assert [p.id for p in on_test] == [test_id]
    with pytest.raises(ValueError, match="unknown split"):
        list(load_pages("postlight_fixtures", made_up_root, split="train"))


# --------------------------------------------------------------------------- data specs


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("dragnet", ("dragnet", False, DEV)),
        ("dragnet:dev", ("dragnet", False, DEV)),
        ("dragnet:text", ("dragnet", True, DEV)),
        ("dragnet:test", ("dragnet", False, TEST)),
        ("dragnet:text:test", ("dragnet", True, TEST)),
        ("postlight_fixtures:text:all", ("postlight_fixtures", True, ALL)),
    ],
)
def test_corpus_specs_name_a_part(spec: str, expected: tuple[str, bool, str]) -> None:
    assert tuple(parse_corpus_spec(spec)) == expected


@pytest.mark.parametrize("spec", ["dragnet:test:text", "dragnet:html", "dragnet:text:text", "nope"])
def test_malformed_corpus_specs_say_what_to_write(spec: str) -> None:
    with pytest.raises(DataSpecError, match="corpus"):
        parse_corpus_spec(spec)


def test_data_specs_read_the_dev_part_unless_told(made_up_root: Path) -> None:
    parts = split_parts("readability_tests", made_up_root)
    read = {
        spec: load_dataset(spec, made_up_root)
        for spec in (
            "corpus:readability_tests",
            "corpus:readability_tests:test",
            "corpus:readability_tests:text:test",
            "corpus:readability_tests:all",
        )
    }
    ids = {spec: {d.id.split(":", 1)[1] for d in data.documents} for spec, data in read.items()}
    assert ids["corpus:readability_tests"] == {i for i, p in parts.items() if p == DEV}
    assert ids["corpus:readability_tests:test"] == {i for i, p in parts.items() if p == TEST}
    assert ids["corpus:readability_tests:text:test"] == ids["corpus:readability_tests:test"]
    assert ids["corpus:readability_tests:all"] == set(parts)
    assert len({data.sha256 for data in read.values()}) == len(read)  # the part is in the hash


# --------------------------------------------------------------------------- real corpora

#: dev / test pages of each corpus; docs/splits.md and benchmarks/README.md quote them.
REAL_COUNTS = {
    "scrapinghub_aeb": (98, 33),
    "trafilatura_eval": (510, 170),
    "dragnet": (730, 244),
    "cleaneval": (404, 135),
    "googletrends2017": (93, 31),
    "readability_tests": (46, 15),
    "postlight_fixtures": (93, 29),
}


@pytest.fixture(scope="module")
def root() -> Path:
    found = default_corpora_root()
    if found is None:
        pytest.skip("../shared/corpora not found: set $DECLUTTER_CORPORA to run corpus tests")
    return found


def test_every_corpus_has_its_counts_written_down() -> None:
    assert set(REAL_COUNTS) == set(CORPORA)


@pytest.mark.corpora
@pytest.mark.parametrize("corpus", CORPORA)
def test_real_corpora_split_into_a_quarter_and_the_rest(root: Path, corpus: str) -> None:
    parts = split_parts(corpus, root)
    dev = sum(part == DEV for part in parts.values())
    test = sum(part == TEST for part in parts.values())
    assert (dev, test) == REAL_COUNTS[corpus]
    assert 0.2 <= test / (dev + test) <= 0.3


@pytest.mark.corpora
def test_loading_a_real_corpus_reads_the_dev_part(root: Path) -> None:
    parts = split_parts("readability_tests", root)
    docs = list(load_corpus("readability_tests", root))
    assert {doc.id.split(":", 1)[1] for doc in docs} == {i for i, p in parts.items() if p == DEV}


@pytest.mark.corpora
def test_the_real_test_parts_are_pinned(root: Path) -> None:
    # a change of rule or of corpus contents must be deliberate: it moves every final figure
    test = {c: sorted(i for i, p in split_parts(c, root).items() if p == TEST) for c in CORPORA}
    assert test["readability_tests"][:3] == [
        "clean-links",
        "daringfireball-1",
        "firefox-nightly-blog",
    ]
    assert {"www.theverge.com", "www.theverge.com--feature"} <= set(test["postlight_fixtures"])
    digest = hashlib.sha256(json.dumps(test, sort_keys=True).encode()).hexdigest()
    assert digest == "64bd230e8a2f87dfe3c97736a5cbc63351068f22a4f27bbcf118fa3c9367e4cf"
