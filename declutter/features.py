"""What the classifier sees of a paragraph: hashed tokens plus a few shallow measurements.

Each measurement is a small function of the text that reads like its definition. They are
gathered by :class:`UnitFeaturizer`, one scikit-learn transformer, so that the whole model is
one artifact. Speed matters here more than anywhere (extraction is ~all of the cost of
scoring), hence: word tokens from one regular expression, character n-grams from the first
:data:`CHAR_PREFIX` characters only (inserts are short, and for a long paragraph its opening
is what tells), and hashing in scikit-learn's compiled FeatureHasher.

Bump :data:`FEATURE_VERSION` whenever a change here, or in the context features of
:func:`declutter.classifier.context_matrix`, alters the numbers a model was fit on: a model
records it, and loading refuses a mismatch (version 2 added the neighbours' shape,
version 3 dropped the unit's position in its document).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction import FeatureHasher

FEATURE_VERSION = 3
#: Only this many characters of a unit are read for character n-grams and token features.
CHAR_PREFIX = 96
TEXT_LIMIT = 2000

_TOKEN = re.compile(r"[^\W_]+|[^\w\s]", re.UNICODE)
_DIGIT = re.compile(r"\d")
_URL = re.compile(r"https?://|www\.|\.(?:com|org|net|de|fr|es|it|nl|co\.uk|io)\b", re.I)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.]+\b")
_HANDLE = re.compile(r"(?:^|\s)[@#]\w{2,}")
_ARROWS = re.compile(r"[»«›‹→←▶►|•·>]")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)]?$")
_STOPWORDS = frozenset(
    """the a an of to in and or is are was were be been that this it for on with as at by from
    he she they we i you his her their its has have had not but which who will would said
    says der die das und ist ein eine zu den von mit sich des auf für im dem nicht auch es
    an als le la les de des et est un une du en que qui dans pour pas sur au par il elle el
    la los las de y que en un una es por con para del se al lo il di e che la per un una non
    sono della con del de het een en van dat is op te voor met niet zijn""".split()
)
_TAG_GROUPS = ("p", "heading", "li", "cell", "div", "inline", "other")
_SEMANTIC = ("article", "main", "aside", "nav", "footer", "header", "form")


@dataclass(frozen=True)
class Unit:
    """One scoreable unit: a line (paragraph) or a piece of one, with where it stands.

    ``doc`` and ``index`` place the unit among its document's lines (pieces share their
    line's place, with ``piece`` set); ``count`` is the number of lines in the document.
    ``html`` holds features of the HTML block it came from, or None for plain text.
    """

    text: str
    doc: int
    index: int
    count: int
    piece: bool = False
    html: Mapping[str, Any] | None = field(default=None, hash=False, compare=False)


# --- shallow measurements, each a fraction or a small number ---------------------------

_LETTER = re.compile(r"[^\W\d_]")
_UPPER = re.compile(r"[A-ZÀ-ÞΑ-ΩА-Я]")
_PUNCT = re.compile(r"[^\w\s]")


def stopword_density(words: Sequence[str]) -> float:
    """Share of words that are function words: running prose has many, menus have few."""
    return sum(1 for w in words if w in _STOPWORDS) / len(words) if words else 0.0


def title_case_share(raw_words: Sequence[str]) -> float:
    """Share of words starting with a capital: high for headlines, menus and names."""
    return sum(1 for w in raw_words if w[:1].isupper()) / len(raw_words) if raw_words else 0.0


def text_measurements(text: str) -> list[float]:
    """The shallow, language-light measurements of one unit's text.

    Counts use compiled regular expressions rather than Python loops over characters:
    this function runs once per unit and is a large share of the scoring time.
    """
    head = text[:TEXT_LIMIT]
    raw_words = [t for t in _TOKEN.findall(head) if t[0].isalnum()]
    n_chars, n_words, n_head = len(text), len(raw_words), max(len(head), 1)
    n_letters = len(_LETTER.findall(head))
    upper = len(_UPPER.findall(head)) / n_letters if n_letters else 0.0
    mean_word = sum(map(len, raw_words)) / n_words if n_words else 0.0
    return [
        math.log1p(n_chars) / 8,
        math.log1p(n_words) / 6,
        min(mean_word, 20) / 20,
        upper,
        len(_DIGIT.findall(head)) / n_head,
        len(_PUNCT.findall(head)) / n_head,
        float(bool(_SENTENCE_END.search(head))),
        float(head.endswith(":")),
        float(head.endswith("?")),
        float(head.endswith("!")),
        float(bool(_URL.search(head))),
        float(bool(_EMAIL.search(head))),
        float(bool(_HANDLE.search(head))),
        float(bool(_ARROWS.search(head))),
        float(head[:1].isupper()),
        title_case_share(raw_words),
        stopword_density([w.lower() for w in raw_words]),
        float(any(q in head for q in '"“”«»„')),
        float(n_chars > 3 and upper > 0.8),
    ]


def position_measurements(unit: Unit) -> list[float]:
    """Whether the unit is a piece of a line, and how long its document is.

    Deliberately *not* where the unit stands: in training data the first and last lines are
    mostly boilerplate (page furniture, or the edges of an evaluation window), and a model
    that learns that removes the last real paragraph of an already-clean article. Edges
    reach the context step only as "no neighbour here", next to the neighbours' scores.
    """
    return [float(unit.piece), math.log1p(unit.count) / 6]


def _tag_group(tag: str) -> str:
    if tag == "p":
        return "p"
    if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
        return "heading"
    if tag in {"li", "dt", "dd"}:
        return "li"
    if tag in {"td", "th"}:
        return "cell"
    if tag in {"div", "section", "article", "main", "blockquote", "pre", "figure", "figcaption"}:
        return "div"
    if tag in {"a", "span", "b", "strong", "em", "i", "font", "small"}:
        return "inline"
    return "other"


def html_measurements(html: Mapping[str, Any] | None) -> list[float]:
    """What the HTML block said: tag group, link density, semantic container, depth."""
    if html is None:
        return [0.0] * (2 + len(_TAG_GROUPS) + len(_SEMANTIC) + 1)
    group = _tag_group(str(html.get("tag", "")))
    semantic = str(html.get("in_semantic", ""))
    return [
        1.0,
        float(html.get("link_density", 0.0)),
        *(float(group == g) for g in _TAG_GROUPS),
        *(float(semantic == s) for s in _SEMANTIC),
        min(float(html.get("depth", 0)), 60) / 60,
    ]


N_DENSE = (
    len(text_measurements("x"))
    + len(position_measurements(Unit("x", 0, 0, 1)))
    + len(html_measurements(None))
)


def dense_row(unit: Unit) -> list[float]:
    """All shallow measurements of a unit, in a fixed order."""
    return text_measurements(unit.text) + position_measurements(unit) + html_measurements(unit.html)


# --- hashed tokens ----------------------------------------------------------------------


def _length_token(n_words: int) -> str:
    for bound, name in ((1, "1"), (3, "2-3"), (6, "4-6"), (12, "7-12"), (30, "13-30")):
        if n_words <= bound:
            return "len:" + name
    return "len:31+"


def encodable(text: str) -> str:
    """``text`` with lone surrogates replaced, so that hashing (which encodes UTF-8) works.

    Scraped text can carry lone surrogates (from broken JSON or UTF-16); they are not valid
    characters, and FeatureHasher would raise on them deep inside scikit-learn.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
    return text


def unit_tokens(unit: Unit) -> list[str]:
    """Hashed token strings: words and word pairs, first/last word, char n-grams, class words."""
    text = encodable(unit.text[:TEXT_LIMIT])
    words = _TOKEN.findall(_DIGIT.sub("0", text.lower()))
    tokens = ["w:" + w for w in words]
    tokens += ["b:" + a + " " + b for a, b in zip(words, words[1:])]
    if words:
        tokens += ["first:" + words[0], "last:" + words[-1], _length_token(len(words))]
        if len(words) > 1:
            tokens.append("first2:" + words[0] + " " + words[1])
    prefix = " " + _DIGIT.sub("0", text[:CHAR_PREFIX].lower()) + " "
    tokens += ["c:" + prefix[i : i + 4] for i in range(len(prefix) - 3)]
    if unit.html is not None:
        tokens += ["cls:" + w for w in encodable(str(unit.html.get("class_words", ""))).split()]
        tokens.append("tag:" + encodable(str(unit.html.get("tag", ""))))
    return tokens


class UnitFeaturizer(TransformerMixin, BaseEstimator, auto_wrap_output_keys=None):  # type: ignore[call-arg]
    """Turn a sequence of :class:`Unit` into a sparse matrix: hashed tokens | shallow features.

    Stateless (hashing needs no vocabulary), so ``fit`` only records the input width.
    Its output is always a sparse matrix (no ``set_output`` wrapping: that costs time on
    every call and a DataFrame of 2**18 columns would be of no use).
    """

    def __init__(self, hash_bits: int = 18, dense_weight: float = 1.0) -> None:
        self.hash_bits = hash_bits
        self.dense_weight = dense_weight

    def fit(self, units: Sequence[Unit], y: Any = None) -> UnitFeaturizer:
        self.n_features_out_ = (1 << self.hash_bits) + N_DENSE
        return self

    def _hasher(self) -> FeatureHasher:
        return FeatureHasher(
            n_features=1 << self.hash_bits, input_type="string", alternate_sign=False
        )

    def transform_parts(self, units: Sequence[Unit]) -> tuple[sp.csr_matrix, np.ndarray]:
        """The hashed-token block (log counts, unit length per row) and the dense block.

        Kept apart for scoring, where a dot product with each block is cheaper than
        building their horizontal stack; :meth:`transform` stacks them for fitting.
        """
        hashed = self._hasher().transform(unit_tokens(u) for u in units)
        np.log1p(hashed.data, out=hashed.data)
        lengths = np.diff(hashed.indptr)
        rows = np.repeat(np.arange(len(lengths)), lengths)
        norms = np.sqrt(np.bincount(rows, weights=hashed.data**2, minlength=len(lengths)))
        hashed.data /= np.maximum(norms, 1e-9)[rows]
        dense = np.asarray([dense_row(u) for u in units], dtype=np.float64).reshape(
            len(units), N_DENSE
        )
        return hashed, dense * self.dense_weight

    def transform(self, units: Sequence[Unit]) -> sp.csr_matrix:
        hashed, dense = self.transform_parts(units)
        return sp.hstack([hashed, sp.csr_matrix(dense)], format="csr")
