"""Name the labelled data a command reads: JSONL files and public-corpus loaders.

A data spec is either a path to a JSONL file (or a directory of them) in our format, or
``corpus:NAME`` for one of the corpora under the corpora root (``--corpora PATH``,
``$DECLUTTER_CORPORA``, or ``../shared/corpora`` beside a source checkout).

``corpus:NAME`` gives each page's blocks with their HTML features, as ``clean_html`` sees a
page. ``corpus:NAME:text`` gives the plain text a scraper leaves instead: the article region
and :data:`TEXT_WINDOW` blocks either side, without HTML features, as ``clean`` sees text.

Either reads the corpus's *dev part* only: what training and tuning may see. A last
``:test`` (``corpus:NAME:test``, ``corpus:NAME:text:test``) reads the test part instead, for
final figures only; ``:all`` reads both (the shipped model was trained before the split
existed, on all pages: ``corpus:scrapinghub_aeb:all`` reproduces its data). ``:dev`` may be
written out. The rule that makes the parts is in :mod:`declutter.training.corpora` and
``docs/splits.md``.

``:agreed`` after ``corpus:NAME`` or ``corpus:NAME:text`` (before the part) also labels the
blocks the corpus leaves unlabelled, by the unanimous verdict of three extractors
(:mod:`declutter.training.agreement`; needs ``pip install -e '.[bench]'``). trafilatura_eval,
which labels a few snippets per page, is what it is for.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from ..errors import DataError
from .data import LabelledDocument, file_sha256, read_jsonl

CORPUS_PREFIX = "corpus:"
TEXT_SUFFIX = ":text"
#: Blocks kept either side of the article region in ``corpus:NAME:text`` (plain-text) mode.
TEXT_WINDOW = 10


class DataSpecError(DataError):
    """A data spec names nothing that can be read."""


@dataclass(frozen=True)
class Dataset:
    """Labelled documents from one spec, with what identifies them in a model card."""

    name: str
    documents: tuple[LabelledDocument, ...]
    sha256: str
    is_corpus: bool
    #: Whether the thresholds answer to this dataset's content recall (False for data
    #: derived for training only, such as :func:`as_bare_pages`).
    tuned: bool = True


def _jsonl_files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(path.glob("*.jsonl"))
        if not files:
            raise DataSpecError(f"{path} is a directory with no .jsonl files in it")
        return files
    if not path.is_file():
        raise DataSpecError(f"{path} does not exist; give a JSONL file, a folder, or corpus:NAME")
    return [path]


def load_dataset(
    spec: str, corpora_root: str | Path | None = None, n_jobs: int | None = 1
) -> Dataset:
    """Read one data spec (see the module docstring) into a :class:`Dataset`.

    ``n_jobs`` processes label a corpus's pages by agreement (``:agreed``: three extractors
    run on every page, 100 s of a retrain on one core); the labels do not depend on it.
    """
    if spec.startswith(CORPUS_PREFIX):
        return _load_corpus(spec[len(CORPUS_PREFIX) :], corpora_root, n_jobs)
    files = _jsonl_files(Path(spec))
    docs = tuple(doc for f in files for doc in read_jsonl(f))
    digest = hashlib.sha256("".join(file_sha256(f) for f in files).encode()).hexdigest()
    return Dataset(spec, docs, digest, is_corpus=False)


AGREED_SUFFIX = ":agreed"


class CorpusSpec(NamedTuple):
    """What ``corpus:NAME[:text][:agreed][:dev|:test|:all]`` asks for."""

    corpus: str
    text: bool
    split: str
    agreed: bool = False


def parse_corpus_spec(name: str) -> CorpusSpec:
    """Read the part after ``corpus:``; the split defaults to the dev part.

    >>> parse_corpus_spec("dragnet:text:test")
    CorpusSpec(corpus='dragnet', text=True, split='test', agreed=False)
    >>> parse_corpus_spec("trafilatura_eval:agreed")
    CorpusSpec(corpus='trafilatura_eval', text=False, split='dev', agreed=True)
    """
    from . import corpora

    corpus, *rest = name.split(":")
    split = rest.pop() if rest and rest[-1] in corpora.SPLITS else corpora.DEV
    agreed = bool(rest) and rest[-1] == AGREED_SUFFIX[1:]
    if agreed:
        rest.pop()
    text = rest == [TEXT_SUFFIX[1:]]
    if rest and not text:
        raise DataSpecError(
            f"cannot read corpus spec {CORPUS_PREFIX}{name!r}: write corpus:NAME or "
            "corpus:NAME:text, then optionally :agreed, then optionally :dev (the default), "
            ":test or :all"
        )
    if corpus not in corpora.CORPORA:
        raise DataSpecError(f"unknown corpus {corpus!r}; known: {', '.join(corpora.CORPORA)}")
    return CorpusSpec(corpus, text, split, agreed)


def corpus_of(dataset_name: str) -> str:
    """The corpus a dataset comes from (``corpus:NAME[:MODE...]`` -> ``NAME``), or ``""``
    for data of our own."""
    if not dataset_name.startswith(CORPUS_PREFIX):
        return ""
    return dataset_name[len(CORPUS_PREFIX) :].split(":")[0]


def _load_corpus(name: str, corpora_root: str | Path | None, n_jobs: int | None) -> Dataset:
    from . import corpora

    spec = parse_corpus_spec(name)
    root = Path(corpora_root) if corpora_root else corpora.default_corpora_root()
    if root is None or not (root / spec.corpus).is_dir():
        raise DataSpecError(
            f"corpus {spec.corpus!r} not found (looked in {root}); pass --corpora PATH or set "
            "DECLUTTER_CORPORA to the folder that holds the corpora"
        )
    files = _corpus_files(root, spec.corpus)
    # only the agreement labels are worth worker processes; plain labelling is a few seconds
    n_jobs = (n_jobs or 1) if spec.agreed else 1
    pages = _labelled_pages(spec.corpus, root.resolve(), spec.split, spec.agreed, files, n_jobs)
    if spec.text:
        windows = (corpora.article_window(doc, TEXT_WINDOW) for doc in pages)
        docs = tuple(as_plain_text(doc) for doc in windows if doc is not None)
    else:
        docs = pages
    return Dataset(CORPUS_PREFIX + name, docs, _corpus_digest(name, spec, files), is_corpus=True)


@lru_cache(maxsize=2)
def _labelled_pages(
    corpus: str,
    root: Path,
    split: str,
    agreed: bool,
    files: tuple[tuple[str, str], ...],
    n_jobs: int,
) -> tuple[LabelledDocument, ...]:
    """A corpus part's labelled pages, kept for the next spec: a training command names
    ``corpus:NAME`` and ``corpus:NAME:text`` together, and both start from the same pages
    (parsing them is most of the time it takes to read a corpus). ``files`` (paths and
    hashes) is part of the key so that a corpus changed on disk is read again."""
    from . import corpora

    return tuple(corpora.load_corpus(corpus, root, split=split, agreed=agreed, n_jobs=n_jobs))


def _corpus_files(root: Path, corpus: str) -> tuple[tuple[str, str], ...]:
    """Every file of one corpus folder as (path relative to the root, SHA-256), sorted."""
    return tuple(
        (path.relative_to(root).as_posix(), file_sha256(path))
        for path in sorted((root / corpus).rglob("*"))
        if path.is_file()
    )


def _corpus_digest(name: str, spec: CorpusSpec, files: tuple[tuple[str, str], ...]) -> str:
    """SHA-256 over the spec, the split rule and every file of the corpus: ``corpus:NAME``
    meant all pages before the split existed, and the dev part of the five older corpora
    was cut by page id before it was cut by site, so the part read and the rule that cut it
    must change the digest (reading both parts depends on no rule). With ``:agreed`` the
    extractors' versions count too, and for trafilatura_eval the comment-thread rule's version."""
    from . import corpora

    digest = hashlib.sha256(name.encode())
    digest.update(f"|split={spec.split}|test_share={corpora.TEST_SHARE}".encode())
    if spec.split != corpora.ALL:
        digest.update(f"|split_key={corpora.SPLIT_RULE}".encode())
    if spec.corpus == "trafilatura_eval":
        from .comment_threads import RULE_VERSION

        digest.update(f"|labels={RULE_VERSION}".encode())
    if spec.agreed:
        from .agreement import extractor_versions

        digest.update(f"|agreed={sorted(extractor_versions().items())}".encode())
    for path, sha in files:
        digest.update(path.encode())
        digest.update(sha.encode())
    return digest.hexdigest()


def as_plain_text(doc: LabelledDocument) -> LabelledDocument:
    """The same document without HTML features: what a scraper's plain text would give."""
    paragraphs = tuple(replace(p, html=None) for p in doc.paragraphs)
    return replace(doc, paragraphs=paragraphs)


def ends_at_its_article(doc_id: str, share: float) -> bool:
    """Whether a document is one of the ``share`` (0..1) cut after its article: chosen by a
    hash of the id, so the same documents every time. :func:`end_some_at_their_article`
    applies it to the corpora, ``training_data/build.py`` (at 0.5) to our own documents."""
    return hashlib.sha256(f"{doc_id}/ending".encode()).digest()[0] < round(256 * share)


def end_some_at_their_article(dataset: Dataset, share: float) -> Dataset:
    """The dataset with the blocks after the last content block dropped from ``share`` of
    its documents (a corpus's only; our own data is written that way already).

    Why: every page of the corpora, and every article window cut from one, ends with
    boilerplate, so the context pass learnt that a document's last lines are boilerplate
    ("nothing content-like after this line"). A user who cleans an extracted article, or
    the article HTML readability returns, hands over text that ends with its last
    paragraph, and lost it when inserts came just before it. Cutting about half of the
    corpus documents after their article is what an extractor that drops the footer leaves;
    the other half keep their endings, as much scraped text does. Training only:
    evaluation reads the documents whole.
    """
    if not dataset.is_corpus or share <= 0:
        return dataset
    documents = []
    for doc in dataset.documents:
        content_at = [i for i, p in enumerate(doc.paragraphs) if p.label == "content"]
        if content_at and ends_at_its_article(doc.id, share):
            doc = replace(doc, paragraphs=doc.paragraphs[: content_at[-1] + 1])
        documents.append(doc)
    return replace(dataset, documents=tuple(documents))


BARE_PAGES_SUFFIX = ":bare-pages"


def as_bare_pages(dataset: Dataset) -> Dataset:
    """Our own plain-text documents again, each as a page of bare ``<p>`` elements.

    Why: a page whose markup says nothing (sibling ``<p>`` blocks, no class or id word, no
    landmark: an article body from a feed or a CMS, text wrapped in paragraphs) gives the
    page model only position to go on, and the public corpora's pages, which always have
    structure, never showed it one. Every model of the four-corpus recipe (m24 to m32)
    scored the headline of the README's example, as bare ``<p>`` elements, 0.64 to 0.95
    (docs/experiments.md section 9). Each line becomes one ``<p>``; its features are what
    :func:`declutter.html.page_blocks` extracts from that page, so training sees exactly
    what ``clean_html`` would. Training only (``tuned`` is False: the thresholds answer to
    the data as written); a document whose page does not give one block per line is left
    out.
    """
    from html import escape

    from ..html import page_blocks
    from ..paragraphs import paragraph_lines

    documents = []
    for doc in dataset.documents:
        text, spans = doc.render()
        lines = paragraph_lines(text)
        markup = (
            "<html><body>"
            + "".join(f"<p>{escape(text[line.start : line.end])}</p>" for line in lines)
            + "</body></html>"
        )
        blocks = page_blocks(markup)
        if len(blocks) != len(lines):
            continue
        features, line = [], 0
        for start, _ in spans:
            while line + 1 < len(lines) and lines[line + 1].start <= start:
                line += 1
            features.append(blocks[line].html)
        paragraphs = tuple(
            replace(p, html=f) for p, f in zip(doc.paragraphs, features, strict=True)
        )
        documents.append(replace(doc, paragraphs=paragraphs))
    return Dataset(
        dataset.name + BARE_PAGES_SUFFIX, tuple(documents), dataset.sha256, False, tuned=False
    )
