"""Name the labelled data a command reads: JSONL files and public-corpus loaders.

A data spec is either a path to a JSONL file (or a directory of them) in our format, or
``corpus:NAME`` for one of the corpora under the corpora root (``--corpora PATH``,
``$DECLUTTER_CORPORA``, or ``../shared/corpora`` beside a source checkout).

``corpus:NAME`` gives each page's blocks with their HTML features, as ``clean_html`` sees a
page. ``corpus:NAME:text`` gives the plain text a scraper leaves instead: the article region
and :data:`TEXT_WINDOW` blocks either side, without HTML features, as ``clean`` sees text.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

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


def _jsonl_files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(path.glob("*.jsonl"))
        if not files:
            raise DataSpecError(f"{path} is a directory with no .jsonl files in it")
        return files
    if not path.is_file():
        raise DataSpecError(f"{path} does not exist; give a JSONL file, a folder, or corpus:NAME")
    return [path]


def load_dataset(spec: str, corpora_root: str | Path | None = None) -> Dataset:
    """Read one data spec (see the module docstring) into a :class:`Dataset`."""
    if spec.startswith(CORPUS_PREFIX):
        return _load_corpus(spec[len(CORPUS_PREFIX) :], corpora_root)
    files = _jsonl_files(Path(spec))
    docs = tuple(doc for f in files for doc in read_jsonl(f))
    digest = hashlib.sha256("".join(file_sha256(f) for f in files).encode()).hexdigest()
    return Dataset(spec, docs, digest, is_corpus=False)


def _load_corpus(name: str, corpora_root: str | Path | None) -> Dataset:
    from . import corpora

    text_mode = name.endswith(TEXT_SUFFIX)
    base = name[: -len(TEXT_SUFFIX)] if text_mode else name
    if base not in corpora.CORPORA:
        raise DataSpecError(f"unknown corpus {base!r}; known: {', '.join(corpora.CORPORA)}")
    root = Path(corpora_root) if corpora_root else corpora.default_corpora_root()
    if root is None or not (root / base).is_dir():
        raise DataSpecError(
            f"corpus {base!r} not found (looked in {root}); pass --corpora PATH or set "
            "DECLUTTER_CORPORA to the folder that holds the corpora"
        )
    if text_mode:
        docs = tuple(as_plain_text(d) for d in corpora.load_corpus(base, root, window=TEXT_WINDOW))
    else:
        docs = tuple(corpora.load_corpus(base, root))
    digest = hashlib.sha256(name.encode())
    for path in sorted((root / base).rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(file_sha256(path).encode())
    return Dataset(CORPUS_PREFIX + name, docs, digest.hexdigest(), is_corpus=True)


def as_plain_text(doc: LabelledDocument) -> LabelledDocument:
    """The same document without HTML features: what a scraper's plain text would give."""
    paragraphs = tuple(replace(p, html=None) for p in doc.paragraphs)
    return replace(doc, paragraphs=paragraphs)
