"""Corpus loaders: labelling rules on hand-made pages, and on the real corpora when present.

The real-corpus tests pin labels that were checked by hand against each page's gold (see the
comments); they load single pages by id so the whole file stays fast.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from synthetic_corpora import ARTICLE as SYNTHETIC_ARTICLE
from synthetic_corpora import (
    FOOTER,
    HEADLINE,
    INSERT,
    MENU,
    postlight_pages,
    readability_pages,
    write_article_body_corpus,
)

from declutter.training.corpora import (
    CORPORA,
    TRAINABLE,
    GoldText,
    Page,
    article_window,
    default_corpora_root,
    label_page,
    load_corpus,
    load_pages,
    registered_domain,
    strip_annotations,
)
from declutter.training.data import LabelledDocument, document_to_json, parse_document
from declutter.training.datasets import load_dataset


def page(corpus: str, markup: str, gold: str | None = None, **extra: object) -> Page:
    return Page(corpus, "p1", "example.com", markup.encode(), gold, **extra)  # type: ignore[arg-type]


def labels_by_text(doc: LabelledDocument) -> dict[str, str | None]:
    return {p.text: p.label for p in doc.paragraphs}


# --------------------------------------------------------------------------- rules, no corpus

ARTICLE = (
    "The regulator approved the merger on Monday after a review of six months.",
    "Analysts expect prices to fall once the two networks are combined next year.",
)


def test_gold_alignment_labels_content_inserts_and_ambiguous_blocks() -> None:
    markup = f"""<body><nav><a>Home</a> <a>Markets</a></nav><h1>Merger approved</h1>
        <p>{ARTICLE[0]}</p><h3>Outlook</h3><p>{ARTICLE[1]}</p>
        <p>Sign up for our daily newsletter and never miss a story again today.</p>
        <p>{ARTICLE[1][:40]} and then a long unrelated tail about something else entirely.</p>
        <p>Outlook</p></body>"""
    gold = f"{ARTICLE[0]}\n\nOutlook\n\n{ARTICLE[1]}"
    doc = label_page(page("scrapinghub_aeb", markup, gold))
    labels = [(p.text[:20], p.label) for p in doc.paragraphs]
    assert (
        labels
        == [
            ("Home Markets", "insert"),
            ("Merger approved", None),  # an <h1> missing from the gold: the gold may omit titles
            (ARTICLE[0][:20], "content"),
            ("Outlook", "content"),  # short, found in the gold, inside the article region
            (ARTICLE[1][:20], "content"),
            ("Sign up for our dail", "insert"),
            (ARTICLE[1][:20], None),  # half in the gold: ambiguous
            ("Outlook", None),  # short and found, but outside the article region
        ]
    )
    assert doc.paragraphs[0].kind == "navigation"
    assert doc.meta == {"corpus": "scrapinghub_aeb"}


def test_matching_ignores_case_punctuation_and_compatibility_forms() -> None:
    gold = GoldText("“The ﬁrst result,” she said — and PRICES rose.")
    assert gold.share("the first result she said and prices rose") == 1.0
    assert gold.contains("prices rose")
    assert not gold.contains("price")  # whole words only


def test_snippets_label_trafilatura_blocks() -> None:
    markup = """<body><p>Die Stadt baut eine neue Brücke über den Fluss bis zum Jahr 2030.</p>
        <p>Impressum</p><p>Mehr dazu steht im Impressum der Stadt und auf der Seite 2.</p>
        <div><a>Start</a> <a>Kontakt</a> <a>Impressum</a> <a>Datenschutz</a> <a>Presse</a></div>
        <p>Unrelated text</p></body>"""
    doc = label_page(
        page(
            "trafilatura_eval",
            markup,
            with_snippets=("eine neue Brücke über den Fluss",),
            without_snippets=("Impressum",),
        )
    )
    assert [p.label for p in doc.paragraphs] == [
        "content",
        "insert",  # the snippet is the whole block
        None,  # a short `without` snippet inside a sentence: not enough to call it boilerplate
        "insert",  # ...but inside a link list it is
        None,  # no snippet
    ]


def test_googletrends_element_labels_map_to_declutter_labels() -> None:
    markup = "<p>Title</p><p>body</p><p>menu</p><p>by Ann</p><p>a comment</p><p>mix</p>"
    labels = ("title", "main", "", "author", "comment", "mixed")
    doc = label_page(page("googletrends2017", markup, "", element_labels=labels))
    assert [p.label for p in doc.paragraphs] == [
        "content", "content", "insert", None, "insert", None,
    ]  # fmt: skip


def test_strip_annotations_removes_labels_including_typos() -> None:
    raw = (
        b'<div class="a__label" __label="main"><p __label="title"" id=x>T</p>'
        b"<span __boilernet_label='1' __num=\"3\">s</span></div><style>.zn__label{}</style>"
    )
    assert strip_annotations(raw) == (
        b'<div class="a__label"><p id=x>T</p><span>s</span></div><style>.zn__label{}</style>'
    )


def test_window_keeps_the_content_span_and_the_given_margin() -> None:
    markup = "".join(f"<p>{text}</p>" for text in ("m1", "m2", "m3", *ARTICLE, "f1", "f2", "f3"))
    doc = label_page(page("scrapinghub_aeb", markup, " ".join(ARTICLE)))
    windowed = article_window(doc, 1)
    assert windowed is not None
    assert [p.text for p in windowed.paragraphs] == ["m3", *ARTICLE, "f1"]
    assert [p.text for p in article_window(doc, 0).paragraphs] == list(ARTICLE)  # type: ignore[union-attr]
    no_content = label_page(page("scrapinghub_aeb", "<p>only boilerplate here</p>", "x y z w"))
    assert article_window(no_content, 3) is None


def test_registered_domain() -> None:
    assert registered_domain("https://www.news.example.co.uk/a?b") == "example.co.uk"
    assert registered_domain("http://blog.python.org/2020/") == "python.org"
    assert registered_domain("https://venturebeat.com/x") == "venturebeat.com"
    assert registered_domain("not a url") is None


def test_unknown_corpus_and_missing_folder_say_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="use one of"):
        list(load_pages("nope", tmp_path))
    with pytest.raises(FileNotFoundError, match="DECLUTTER_CORPORA"):
        list(load_pages("dragnet", tmp_path))


def test_default_root_honours_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DECLUTTER_CORPORA", str(tmp_path))
    assert default_corpora_root() == tmp_path
    monkeypatch.setenv("DECLUTTER_CORPORA", str(tmp_path / "missing"))
    assert default_corpora_root() is None


# --------------------------------------------------------------------------- new corpora, made up


@pytest.fixture()
def made_up_root(tmp_path: Path) -> Path:
    write_article_body_corpus(tmp_path, "readability_tests", readability_pages())
    write_article_body_corpus(tmp_path, "postlight_fixtures", postlight_pages())
    return tmp_path


@pytest.mark.parametrize("corpus", ["readability_tests", "postlight_fixtures"])
def test_new_corpora_are_labelled_from_their_gold_text(made_up_root: Path, corpus: str) -> None:
    docs = list(load_corpus(corpus, made_up_root, split="all"))
    assert len(docs) == 12
    for doc in docs:
        by_text = {p.text.split(" (")[0]: (p.label, p.kind) for p in doc.paragraphs}
        assert by_text == {
            MENU: ("insert", "navigation"),
            HEADLINE: (None, None),  # an <h1> the gold leaves out is not an insert
            SYNTHETIC_ARTICLE[0]: ("content", None),
            SYNTHETIC_ARTICLE[1]: ("content", None),
            INSERT: ("insert", None),
            FOOTER: ("insert", None),
        }
        assert doc.id.startswith(f"{corpus}:") and doc.meta["corpus"] == corpus
        assert all(p.html is not None for p in doc.paragraphs)
        assert parse_document(document_to_json(doc)) == doc


def test_readability_sources_come_from_the_canonical_link_else_the_id(made_up_root: Path) -> None:
    sources = {p.id: p.source for p in load_pages("readability_tests", made_up_root, split="all")}
    assert {sources[f"news-{i}"] for i in (1, 2, 3)} == {"example.com"}
    assert sources["blog-1"] == sources["blog-2"] == "readability_tests:blog"
    assert sources["site0"] == "site0.example"
    pages = load_pages("readability_tests", made_up_root, ids=["news-1"], split="all")
    assert next(pages).url is None  # the empty url of ground-truth.json means none


def test_postlight_sources_are_the_site_the_fixture_is_named_after(made_up_root: Path) -> None:
    sources = {p.id: p.source for p in load_pages("postlight_fixtures", made_up_root, split="all")}
    # the --recent fixture's canonical link points elsewhere: the extractor's site counts
    assert {sources[i] for i in sources if i.startswith("www.nytimes.com")} == {"nytimes.com"}
    assert sources["www.paper0.co.uk"] == "paper0.co.uk"


@pytest.mark.parametrize("corpus", ["readability_tests", "postlight_fixtures"])
def test_new_corpora_work_as_data_specs(made_up_root: Path, corpus: str) -> None:
    pages = load_dataset(f"corpus:{corpus}:all", made_up_root)
    text = load_dataset(f"corpus:{corpus}:text:all", made_up_root)
    assert len(pages.documents) == len(text.documents) == 12
    assert all(p.html is None for doc in text.documents for p in doc.paragraphs)
    assert pages.is_corpus and pages.sha256 != text.sha256


def test_new_corpora_are_trainable() -> None:
    assert {"readability_tests", "postlight_fixtures"} <= set(TRAINABLE)


# --------------------------------------------------------------------------- real corpora


def one_doc(root: Path, corpus: str, page_id: str) -> LabelledDocument:
    docs = list(load_corpus(corpus, root, ids=[page_id], split="all"))
    assert len(docs) == 1, f"{corpus} page {page_id} not loaded"
    return docs[0]


def label_of(doc: LabelledDocument, starts_with: str) -> str | None:
    found = [p.label for p in doc.paragraphs if p.text.startswith(starts_with)]
    assert found, f"no paragraph starts with {starts_with!r}"
    assert len(set(found)) == 1, found
    return found[0]


def test_trainable_corpora_are_known() -> None:
    assert set(TRAINABLE) <= set(CORPORA)


@pytest.mark.parametrize(
    ("corpus", "page_id", "content", "insert"),
    [
        (
            "scrapinghub_aeb",
            "076f4f33bf75059db581bedf36e76fb65e89a8f7752db3339aa3ea11c5122f32",
            "In case you are living in Delhi-NCR",
            "© 2019 News Nation. All rights reserved.",
        ),
        ("dragnet", "110", "Actor Fred Willard is commenting online", "More from ABC News"),
        ("cleaneval", "5", "Customer Service Positions", "View full job description"),
        (
            "googletrends2017",
            "010",
            "Dr Shaun Murphy's professional career hangs in the balance.",
            "Want up-to-the-minute entertainment news",
        ),
        (
            "trafilatura_eval",
            "cubadebate.cu-sesiona.html",
            "Antes de dar espacio a las reflexiones",
            "Combaten incendio de grandes proporciones",
        ),
        pytest.param(
            "readability_tests",
            "guardian-1",
            "Whale whisperer Hori Parata was just seven years old",
            "Share on Facebook",
            marks=pytest.mark.corpora,
        ),
        pytest.param(  # the embedded tweet is not in the site extractor's gold
            "postlight_fixtures",
            "www.theatlantic.com",
            "Just before 8 in the morning on Monday",
            "Well that's a new emergency alert experience",
            marks=pytest.mark.corpora,
        ),
    ],
)
def test_hand_checked_labels(
    root: Path, corpus: str, page_id: str, content: str, insert: str
) -> None:
    doc = one_doc(root, corpus, page_id)
    assert label_of(doc, content) == "content"
    assert label_of(doc, insert) == "insert"
    assert doc.meta["corpus"] == corpus
    assert parse_document(document_to_json(doc)) == doc  # valid in the JSONL format
    assert all(p.html is not None and p.html.tag for p in doc.paragraphs)


def test_scrapinghub_headline_is_not_called_an_insert(root: Path) -> None:
    doc = one_doc(
        root, "scrapinghub_aeb", "076f4f33bf75059db581bedf36e76fb65e89a8f7752db3339aa3ea11c5122f32"
    )
    headline = [p for p in doc.paragraphs if p.html and p.html.tag == "h1"]
    assert [p.label for p in headline] == [None]
    assert doc.source == "newsnation.in"


def test_dragnet_user_comments_are_inserts(root: Path) -> None:
    doc = one_doc(root, "dragnet", "102")  # gold has a COMMENTS part, checked by hand
    assert label_of(doc, "The Dangerous Hubris of the Startup World") == "content"
    assert label_of(doc, "I have met very few millionaires in my life") == "insert"
    assert label_of(doc, "by james on January 31, 2011 at 9:59 am.") == "insert"


@pytest.mark.parametrize("corpus", CORPORA)
def test_each_loader_yields_labelled_documents(root: Path, corpus: str) -> None:
    first_pages = []
    for found in load_pages(corpus, root):
        first_pages.append(found.id)
        if len(first_pages) == 3:
            break
    docs = list(load_corpus(corpus, root, ids=first_pages))
    assert len(docs) == 3
    labels = {p.label for doc in docs for p in doc.paragraphs}
    assert {"content", "insert"} <= labels
    assert all(doc.source and doc.id.startswith(f"{corpus}:") for doc in docs)


def test_no_annotation_attribute_survives_in_googletrends_html(root: Path) -> None:
    annotation = re.compile(rb"\s__(label|boilernet_\w+)\s*=", re.IGNORECASE)
    pages = list(load_pages("googletrends2017", root, split="all"))
    assert len(pages) == 124
    assert not [p.id for p in pages if annotation.search(p.html)]
    assert all(p.element_labels for p in pages)


def test_cleaneval_wrapper_is_stripped(root: Path) -> None:
    cleaneval_page = next(load_pages("cleaneval", root, ids=["5"], split="all"))
    assert not cleaneval_page.html.lstrip().startswith(b"<text ")
    assert not cleaneval_page.html.rstrip().endswith(b"</text>")


def test_window_keeps_the_content_span_on_a_real_page(root: Path) -> None:
    full = one_doc(root, "dragnet", "110")
    windowed = next(load_corpus("dragnet", root, ids=["110"], window=2, split="all"))
    content = [p.text for p in full.paragraphs if p.label == "content"]
    assert [p.text for p in windowed.paragraphs if p.label == "content"] == content
    first = next(i for i, p in enumerate(full.paragraphs) if p.label == "content")
    assert windowed.paragraphs[:3] == full.paragraphs[first - 2 : first + 1]
    assert windowed.paragraphs[-1].label != "content"  # the margin after the last one
    assert len(windowed.paragraphs) < len(full.paragraphs)


def test_gold_quirks_are_repaired(root: Path) -> None:
    # UTF-16 gold read as cp1252
    utf16 = next(load_pages("dragnet", root, ids=["39"], split="all"))
    assert (utf16.gold_text or "").lstrip().startswith("The 5 Top-Performing American Apparel")
    # a URL line kept in a block
    with_url = next(load_pages("cleaneval", root, ids=["760"], split="all"))
    assert (with_url.gold_text or "").startswith("Les Suites Taipei")


@pytest.mark.corpora
def test_new_corpora_group_pages_by_site(root: Path) -> None:
    readability = {p.id: p.source for p in load_pages("readability_tests", root, split="all")}
    assert len(readability) == 61
    medium = {"medium-1", "medium-2", "keep-images", "lazy-image-1"}  # by their canonical links
    assert {readability[i] for i in medium} == {"medium.com"}
    assert readability["daringfireball-1"] == "readability_tests:daringfireball"  # no link
    postlight = {p.id: p.source for p in load_pages("postlight_fixtures", root, split="all")}
    assert len(postlight) == 122
    assert postlight["www.msn.com"] == "msn.com"  # its canonical link names another site
    assert {postlight[i] for i in postlight if "whitehouse" in i} == {"archives.gov"}
    assert all(p.url is None for p in load_pages("readability_tests", root, ids=["bbc-1"]))
