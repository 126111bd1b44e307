"""Dev and test parts of the corpora: the rule on made-up corpora, and the counts on the real
ones (docs/splits.md quotes them).

What must hold: the same ids always land in the same part, the parts are disjoint and cover
the corpus, the test part is a quarter of the sites, no site is ever on both sides (the
split key is the site the loaders give as each page's source), finding the sites reads no
more of a page than needed, and every consumer (loaders, data specs) reads the dev part
unless told otherwise.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
from pathlib import Path

import pytest
from synthetic_corpora import (
    dragnet_pages,
    postlight_pages,
    readability_pages,
    scrapinghub_pages,
    write_article_body_corpus,
    write_dragnet_corpus,
)

from declutter.training import corpora
from declutter.training.corpora import (
    ALL,
    CORPORA,
    DEV,
    HEAD_BYTES,
    TEST,
    TEST_SHARE,
    choose_test_keys,
    load_corpus,
    load_pages,
    page_sites,
    split_counts,
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


#: The made-up corpora: two split by site from the start, two that were split by page id
#: before every corpus was split by site (one with URLs in its gold file, one without).
MADE_UP = ("readability_tests", "postlight_fixtures", "scrapinghub_aeb", "dragnet")


def write_made_up(root: Path, reverse: bool = False) -> Path:
    """Every made-up corpus under ``root`` (pages written in reverse order if asked)."""

    def ordered(pages: dict) -> dict:
        return dict(reversed(list(pages.items()))) if reverse else pages

    write_article_body_corpus(root, "readability_tests", ordered(readability_pages(40)))
    write_article_body_corpus(root, "postlight_fixtures", ordered(postlight_pages(40)))
    write_article_body_corpus(root, "scrapinghub_aeb", ordered(scrapinghub_pages(40)))
    write_dragnet_corpus(root, ordered(dragnet_pages(40)))
    return root


@pytest.fixture()
def made_up_root(tmp_path: Path) -> Path:
    return write_made_up(tmp_path)


@pytest.mark.parametrize("corpus", MADE_UP)
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
    again = write_made_up(made_up_root / "again", reverse=True)
    assert split_parts(corpus, again) == split_parts(corpus, made_up_root)


@pytest.mark.parametrize("corpus", MADE_UP)
def test_a_site_is_never_on_both_sides(made_up_root: Path, corpus: str) -> None:
    parts: dict[str, set[str]] = {}
    for page in load_pages(corpus, made_up_root, split=ALL):
        parts.setdefault(page.source, set()).add(split_parts(corpus, made_up_root)[page.id])
    assert all(len(sides) == 1 for sides in parts.values())
    sites = len(parts)
    test_sites = sum(sides == {TEST} for sides in parts.values())
    assert test_sites == round(TEST_SHARE * sites)
    assert split_counts(corpus, made_up_root)["test_pages_sharing_a_source_with_dev"] == 0


@pytest.mark.parametrize("corpus", MADE_UP)
def test_the_split_sites_are_the_loaders_sources(made_up_root: Path, corpus: str) -> None:
    loaded = {p.id: p.source for p in load_pages(corpus, made_up_root, split=ALL)}
    assert page_sites(corpus, made_up_root) == loaded


def test_sites_come_from_the_url_else_the_link_else_the_page_itself(made_up_root: Path) -> None:
    aeb = page_sites("scrapinghub_aeb", made_up_root)
    assert {aeb[f"shared{i}"] for i in range(4)} == {"example.com"}  # www. and news. alike
    assert aeb["linked"] == "example.org"  # no URL in the gold: the canonical link
    assert aeb["bare"] == "scrapinghub_aeb:bare"  # neither: the page is its own site
    dragnet = page_sites("dragnet", made_up_root)
    assert {dragnet[i] for i in ("1", "2", "3")} == {"same.example"}
    assert (dragnet["4"], dragnet["5"]) == ("dragnet:4", "dragnet:5")


def test_the_split_reads_no_page_whose_gold_gives_its_site(tmp_path: Path) -> None:
    # (sites are cached per folder, so each case writes a folder of its own)
    with_url, without_url = write_made_up(tmp_path / "a"), write_made_up(tmp_path / "b")
    # a page with a URL in ground-truth.json is never opened: garbage in its file is no error
    (with_url / "scrapinghub_aeb" / "html" / "shared0.html.gz").write_bytes(b"not gzip")
    assert page_sites("scrapinghub_aeb", with_url)["shared0"] == "example.com"
    # one without a URL is read
    (without_url / "scrapinghub_aeb" / "html" / "linked.html.gz").write_bytes(b"not gzip")
    with pytest.raises(OSError):
        page_sites("scrapinghub_aeb", without_url)


def test_the_split_reads_only_the_head_of_a_page(made_up_root: Path) -> None:
    # a page whose gzip stream breaks off after its first HEAD_BYTES: loading it fails, but
    # the split never decompresses that far
    head = b'<html><head><link rel="canonical" href="https://www.far.example/x"></head><!--'
    noise = random.Random(0).randbytes(2 * HEAD_BYTES).hex().encode()
    packed = gzip.compress(head + noise + b"--></html>")
    (made_up_root / "dragnet" / "html" / "7.html.gz").write_bytes(packed[: len(packed) // 2])
    assert page_sites("dragnet", made_up_root)["7"] == "far.example"
    with pytest.raises(EOFError):
        list(load_pages("dragnet", made_up_root, ids=["7"], split=ALL))


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
        ("trafilatura_eval:agreed", ("trafilatura_eval", False, DEV, True)),
        ("trafilatura_eval:text:agreed:all", ("trafilatura_eval", True, ALL, True)),
    ],
)
def test_corpus_specs_name_a_part(spec: str, expected: tuple) -> None:
    expected = expected if len(expected) == 4 else (*expected, False)
    assert tuple(parse_corpus_spec(spec)) == expected


@pytest.mark.parametrize(
    "spec",
    ["dragnet:test:text", "dragnet:html", "dragnet:text:text", "nope", "dragnet:agreed:text"],
)
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


def test_the_split_rule_is_in_the_hash_of_a_part_only(
    made_up_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a card made when the dev part was cut by another rule must not match this dev part
    specs = ("corpus:dragnet", "corpus:dragnet:test", "corpus:dragnet:all")
    before = {spec: load_dataset(spec, made_up_root).sha256 for spec in specs}
    monkeypatch.setattr(corpora, "SPLIT_RULE", "page id")
    after = {spec: load_dataset(spec, made_up_root).sha256 for spec in specs}
    assert before["corpus:dragnet"] != after["corpus:dragnet"]
    assert before["corpus:dragnet:test"] != after["corpus:dragnet:test"]
    assert before["corpus:dragnet:all"] == after["corpus:dragnet:all"]


# --------------------------------------------------------------------------- real corpora

#: dev pages, test pages, dev sites, test sites of each corpus; docs/splits.md and
#: benchmarks/README.md quote them.
REAL_COUNTS = {
    "scrapinghub_aeb": (99, 32, 75, 25),
    "trafilatura_eval": (520, 160, 482, 160),
    "dragnet": (732, 242, 346, 116),
    "cleaneval": (406, 133, 340, 114),
    "googletrends2017": (91, 33, 68, 23),
    "readability_tests": (46, 15, 40, 13),
    "postlight_fixtures": (93, 29, 76, 25),
}


def test_every_corpus_has_its_counts_written_down() -> None:
    assert set(REAL_COUNTS) == set(CORPORA)


@pytest.mark.corpora
@pytest.mark.parametrize("corpus", CORPORA)
def test_real_corpora_split_into_a_quarter_of_the_sites_and_the_rest(
    root: Path, corpus: str
) -> None:
    counts = split_counts(corpus, root)
    dev, test = counts["dev_pages"], counts["test_pages"]
    assert (dev, test, counts["dev_sources"], counts["test_sources"]) == REAL_COUNTS[corpus]
    assert counts["test_pages_sharing_a_source_with_dev"] == 0
    assert 0.2 <= test / (dev + test) <= 0.3  # a quarter of the pages too, near enough
    parts = split_parts(corpus, root)
    assert (sum(p == DEV for p in parts.values()), sum(p == TEST for p in parts.values())) == (
        dev,
        test,
    )


@pytest.mark.corpora
@pytest.mark.parametrize("corpus", CORPORA)
def test_real_split_sites_are_the_loaders_sources(root: Path, corpus: str) -> None:
    # the split key is the site cross-validation groups by, read from the head alone
    loaded = {page.id: page.source for page in load_pages(corpus, root, split=ALL)}
    assert page_sites(corpus, root) == loaded


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
    assert digest == "a3a730934579d5b0e63bd9929fb2e9716feb23baf83f1dbcde273f82f65431df"
