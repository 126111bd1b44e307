"""The two-pass paragraph classifier, as one scikit-learn estimator.

Pass one scores each unit alone (hashed tokens and shallow features, logistic regression).
Pass two scores it again in context: its own pass-one score, the scores of the lines around
it, and its own shallow features. Boilerplate comes in clusters, and a short line between two
good paragraphs is usually good; pass one alone cannot know either (see jusText's
context step, and ../shared/FINDINGS.md, where context was the clearest win).

Pass two is fit on *out-of-fold* pass-one scores, grouped by source, so that it learns how
much to trust pass one on text pass one has not memorised.

A third, small model names the kind of an insert (newsletter, lead_gen, ...). It is only
asked about units already judged to be inserts, so its cost does not matter.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.neural_network import MLPClassifier

from .features import N_DENSE, Unit, UnitFeaturizer
from .kinds import INSERT_KINDS

log = logging.getLogger(__name__)

CONTEXT_OFFSETS = (-3, -2, -1, 1, 2, 3)
#: Neighbours whose shape (length, words, sentence end, title case, stop words) is a feature.
SHAPE_OFFSETS = (-2, -1, 1, 2)
#: Columns of the dense block that describe a line's shape (see measure.COLUMNS).
NEIGHBOUR_COLUMNS = [0, 1, 6, 15, 16]
_CLIP = 8.0
Progress = Callable[[str], None]


def context_matrix(units: Sequence[Unit], logits: np.ndarray, dense: np.ndarray) -> np.ndarray:
    """Pass-two features: own score, neighbouring lines' scores, own shallow features.

    ``logits`` are pass-one log-odds, ``dense`` the shallow feature block of pass one's
    matrix. A unit's neighbours are the *lines* at the given offsets in the same document
    (pieces of a line stand in their line's place). Missing neighbours (document edges)
    read as 0 with an indicator, so that the edge itself is a feature. Vectorised with
    sorted keys and ``searchsorted``: this runs on every call to ``clean``.
    """
    n = len(units)
    clipped = np.clip(logits, -_CLIP, _CLIP) / _CLIP
    doc = np.fromiter((u.doc for u in units), dtype=np.int64, count=n)
    index = np.fromiter((u.index for u in units), dtype=np.int64, count=n)
    is_line = ~np.fromiter((u.piece for u in units), dtype=bool, count=n)
    stride = int(index.max(initial=0)) + 2 * len(CONTEXT_OFFSETS) + 1
    keys = doc * stride + index
    line_rows = np.flatnonzero(is_line)
    order = np.argsort(keys[line_rows], kind="stable")
    line_keys, line_values = keys[line_rows][order], clipped[line_rows][order]
    line_shape = dense[line_rows][order][:, NEIGHBOUR_COLUMNS]

    def find(wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Position among the sorted lines of each wanted key, and whether it exists."""
        if not len(line_keys):
            return np.zeros(n, dtype=np.int64), np.zeros(n, dtype=bool)
        at = np.minimum(np.searchsorted(line_keys, wanted), len(line_keys) - 1)
        return at, line_keys[at] == wanted

    def scores_at(at: np.ndarray, found: np.ndarray) -> np.ndarray:
        """Scores of the lines found (0 where there is none)."""
        values = line_values[at] if len(line_keys) else np.zeros(n)
        return np.where(found, values, 0.0)

    def lookup(wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Scores of the lines with these keys, and whether each exists."""
        at, found = find(wanted)
        return scores_at(at, found), found

    own_at, has_own = find(keys)  # each unit's own line (a piece's is the line it is cut from)
    own_line = scores_at(own_at, has_own)
    columns = [clipped, np.where(has_own, own_line, clipped)]
    near_values, near_found = [], []
    for offset in CONTEXT_OFFSETS:
        value, found = lookup(keys + offset)
        columns += [value, (~found).astype(float)]
        near_values.append(value)
        near_found.append(found)
    values, found = np.array(near_values), np.array(near_found)
    count = found.sum(axis=0)
    mean = np.divide(values.sum(axis=0), count, out=np.zeros(n), where=count > 0)
    highest = np.where(count > 0, np.where(found, values, -np.inf).max(axis=0), 0.0)
    lowest = np.where(count > 0, np.where(found, values, np.inf).min(axis=0), 0.0)
    columns += [mean, highest, lowest, count / len(CONTEXT_OFFSETS)]
    shapes = []
    for offset in SHAPE_OFFSETS:  # how long and how sentence-like the nearest lines are
        at, found = find(keys + offset)
        shape = line_shape[at] if len(line_keys) else np.zeros((n, len(NEIGHBOUR_COLUMNS)))
        shapes.append(np.where(found[:, None], shape, 0.0))
    lengths = np.fromiter((len(u.text) for u in units), dtype=np.float64, count=n)
    region = _region_columns(
        line_keys // stride, logits[line_rows][order], lengths[line_rows][order], own_at, has_own
    )
    return np.hstack([np.column_stack(columns), region, *shapes, dense])


def _region_columns(
    line_docs: np.ndarray,
    line_logits: np.ndarray,
    line_lengths: np.ndarray,
    at: np.ndarray,
    found: np.ndarray,
) -> np.ndarray:
    """Where a unit's line stands relative to the document's article text, as pass one sees it.

    The article is one run of long, content-like lines with boilerplate before and after
    (navigation above; comments, teasers and footers below). Three numbers per line place
    it in that run: the share of the document's content-like characters (characters
    weighted by pass one's content probability) on lines before it, on lines after it, and
    on the line itself. A teaser list after the article's last paragraph has almost nothing
    after it; the article's own short lines have plenty on both sides. ``line_*`` are the
    document-sorted lines (documents in ascending order); ``at``/``found`` map each unit to
    its line. Units without a line of their own read as zeros.
    """
    n_lines = len(line_docs)
    if n_lines == 0:
        return np.zeros((len(at), 3))
    # In 1/1024ths of a character, as integers: sums over a batch are then exact, and a
    # document's columns do not depend on which other documents share its batch.
    mass = np.rint(line_lengths * (1.0 - _sigmoid(line_logits)) * 1024).astype(np.int64)
    running = np.cumsum(mass)
    starts = np.flatnonzero(np.r_[True, line_docs[1:] != line_docs[:-1]])
    ends = np.r_[starts[1:], n_lines]
    doc_of_line = np.repeat(np.arange(len(starts)), ends - starts)
    doc_base = running[starts] - mass[starts]  # mass of the documents before each one
    total = (running[ends - 1] - doc_base)[doc_of_line]
    before = running - mass - doc_base[doc_of_line]
    after = total - before - mass
    safe = np.maximum(total, 1).astype(np.float64)
    per_line = np.column_stack([before / safe, after / safe, mass / safe])
    return np.where(found[:, None], per_line[at], 0.0)


KIND_BITS = 14


def fold_features(X: sp.csr_matrix, bits: int = KIND_BITS) -> sp.csr_matrix:
    """Re-hash a featurizer matrix into ``2**bits`` token columns (plus its dense block).

    Hash indices are uniform, so taking them modulo a smaller power of two is itself a
    hash: the kind model gets a compact input without extracting features a second time.
    """
    return fold_parts(X[:, : X.shape[1] - N_DENSE], _dense_block(X), bits)


def fold_parts(hashed: sp.csr_matrix, dense: np.ndarray, bits: int = KIND_BITS) -> sp.csr_matrix:
    """:func:`fold_features` from the two blocks of :meth:`UnitFeaturizer.transform_parts`."""
    width = 1 << bits
    hashed = hashed.tocsr()
    folded = sp.csr_matrix(  # copies: sum_duplicates() rewrites data and indptr in place
        (hashed.data.copy(), hashed.indices % width, hashed.indptr.copy()),
        shape=(hashed.shape[0], width),
    )
    folded.sum_duplicates()
    return sp.hstack([folded, sp.csr_matrix(dense)], format="csr")


def _context_network(random_state: int) -> MLPClassifier:
    """One small network of the context pass (64 ReLU units, early stopping)."""
    return MLPClassifier(
        hidden_layer_sizes=(64,),
        alpha=1e-3,
        learning_rate_init=3e-3,
        max_iter=80,
        batch_size=256,
        early_stopping=True,
        validation_fraction=0.1,
        n_iter_no_change=5,
        random_state=random_state,
    )


class AveragedMLP(ClassifierMixin, BaseEstimator):
    """The mean probability of ``members`` small networks that differ only in their seed.

    One network's scores depend on its seed (initial weights, the early-stopping split):
    trained on the same data, seeds 0 and 1 gave page thresholds 0.945 and 0.985 and
    cross-validated insert F1 0.912 and 0.886. With five networks the two seeds gave 0.92 /
    0.95 and 0.915 / 0.909, for under a microsecond per extra network and unit scored.
    """

    def __init__(self, members: int = 5, random_state: int = 0) -> None:
        self.members = members
        self.random_state = random_state

    def fit(self, X: np.ndarray, y: np.ndarray, sample_weight: Any = None) -> AveragedMLP:
        self.networks_ = [
            _context_network(self.random_state + k).fit(X, y, sample_weight=sample_weight)
            for k in range(self.members)
        ]
        self.classes_ = self.networks_[0].classes_
        return self

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        return np.mean([network.predict_proba(X) for network in self.networks_], axis=0)


class ParagraphClassifier(ClassifierMixin, BaseEstimator):
    """Scores units as content (0) or insert (1); see the module docstring for the design.

    ``fit`` takes the units, labels (1 insert, 0 content, -1 unknown: kept for context,
    not fit), the source of each unit (the cross-validation group), and optional weights
    and insert kinds. ``predict_proba`` needs units grouped with their document's lines,
    as :func:`declutter.core` builds them.
    """

    def __init__(
        self,
        hash_bits: int = 18,
        C: float = 4.0,
        context_model: str = "mlp",
        context_members: int = 5,
        n_folds: int = 5,
        random_state: int = 0,
    ) -> None:
        self.hash_bits = hash_bits
        self.C = C
        self.context_model = context_model
        self.context_members = context_members
        self.n_folds = n_folds
        self.random_state = random_state

    # -- building blocks ------------------------------------------------------------------
    def _pass_one(self) -> LogisticRegression:
        return LogisticRegression(
            C=self.C, solver="liblinear", max_iter=1000, random_state=self.random_state
        )

    def _pass_two(self) -> Any:
        if self.context_model == "logistic":
            return LogisticRegression(C=1.0, max_iter=2000, random_state=self.random_state)
        if self.context_model == "mlp":
            return AveragedMLP(members=self.context_members, random_state=self.random_state)
        return HistGradientBoostingClassifier(
            max_iter=200,
            learning_rate=0.08,
            max_leaf_nodes=15,
            l2_regularization=1.0,
            random_state=self.random_state,
        )

    def _out_of_fold(
        self, X: Any, y: np.ndarray, groups: np.ndarray, weight: np.ndarray, make: Callable[[], Any]
    ) -> np.ndarray:
        """Out-of-fold decision scores (log-odds) for every row, folds grouped by source."""
        labelled = y >= 0
        scores = np.zeros(len(y))
        n_groups = len(set(groups[labelled]))
        folds = GroupKFold(n_splits=min(self.n_folds, n_groups))
        for train_rows, test_rows in folds.split(X, y, groups):
            fit_rows = train_rows[labelled[train_rows]]
            model = make()
            model.fit(X[fit_rows], y[fit_rows], sample_weight=weight[fit_rows])
            scores[test_rows] = _log_odds(model, X[test_rows])
        return scores

    # -- estimator API ----------------------------------------------------------------------
    def fit(
        self,
        units: Sequence[Unit],
        y: Sequence[int],
        groups: Sequence[str] | None = None,
        sample_weight: Sequence[float] | np.ndarray | None = None,
        kinds: Sequence[str | None] | None = None,
        progress: Progress | None = None,
    ) -> ParagraphClassifier:
        say = progress or (lambda message: log.info(message))
        self.__dict__.pop("_fitted_passes", None)
        y_arr = np.asarray(y, dtype=int)
        groups_arr = np.asarray(groups if groups is not None else ["all"] * len(y_arr))
        weight = np.asarray(sample_weight if sample_weight is not None else np.ones(len(y_arr)))
        labelled = y_arr >= 0
        self.classes_ = np.array([0, 1])
        self.featurizer_ = UnitFeaturizer(hash_bits=self.hash_bits).fit(units)
        say(f"features for {len(units)} units")
        X = self.featurizer_.transform(units)
        say("pass one: out-of-fold scores")
        oof_one = self._out_of_fold(X, y_arr, groups_arr, weight, self._pass_one)
        say("pass one: final fit")
        self.pass_one_ = self._pass_one().fit(
            X[labelled], y_arr[labelled], sample_weight=weight[labelled]
        )
        self.pass_one_.coef_ = self.pass_one_.coef_.astype(np.float32)
        Z = context_matrix(units, oof_one, _dense_block(X))
        say("pass two: out-of-fold scores")
        self.oof_scores_ = _sigmoid(self._out_of_fold(Z, y_arr, groups_arr, weight, self._pass_two))
        say("pass two: final fit")
        self.pass_two_ = self._pass_two().fit(
            Z[labelled], y_arr[labelled], sample_weight=weight[labelled]
        )
        say("kind model")
        self._fit_kinds(X, y_arr, kinds)
        return self

    def _fit_kinds(
        self, X: sp.csr_matrix, y: np.ndarray, kinds: Sequence[str | None] | None
    ) -> None:
        """Fit the kind model on inserts whose kind is known (our own data, mostly)."""
        rows = [i for i in range(len(y)) if y[i] == 1 and kinds is not None and kinds[i]]
        if kinds is None or len({kinds[i] for i in rows}) < 2:
            self.kind_model_ = None
            return
        model = LogisticRegression(C=4.0, max_iter=3000, random_state=self.random_state)
        model.fit(fold_features(X[rows]), [kinds[i] for i in rows])
        model.coef_ = model.coef_.astype(np.float32)
        self.kind_model_ = model

    def score(self, units: Sequence[Unit]) -> tuple[np.ndarray, UnitKinds]:
        """Insert probability of every unit, and a lazy sequence of their insert kinds.

        The kinds are only computed for the units that are asked for (the removed ones),
        from the same features folded small, in one call: see :class:`UnitKinds`.
        """
        if not units:
            return np.zeros(0), UnitKinds(None, None, None)
        scorer = self._scorer()
        hashed, dense = self.featurizer_.transform_parts(units)
        Z = context_matrix(units, scorer.pass_one(hashed, dense), dense)
        return scorer.pass_two(Z), UnitKinds(scorer, hashed, dense)

    def _scorer(self) -> FittedPasses:
        """The fitted passes as plain arrays, built on first use and kept (not pickled)."""
        scorer = self.__dict__.get("_fitted_passes")
        if scorer is None:
            scorer = self.__dict__["_fitted_passes"] = FittedPasses(self)
        return scorer

    def __getstate__(self) -> dict[str, Any]:
        state = dict(super().__getstate__())
        state.pop("_fitted_passes", None)
        return state

    def predict_proba(self, units: Sequence[Unit]) -> np.ndarray:
        """Probabilities ``[P(content), P(insert)]`` for each unit."""
        proba = self.score(units)[0]
        return np.column_stack([1 - proba, proba])

    def predict(self, units: Sequence[Unit], threshold: float = 0.5) -> np.ndarray:
        return (self.predict_proba(units)[:, 1] >= threshold).astype(int)


class FittedPasses:
    """A fitted classifier's weights as plain arrays, applied without scikit-learn's checks.

    ``clean`` on one article scores a few dozen units, and scikit-learn's per-call input
    validation (and building sparse matrices to feed it) cost more than the arithmetic.
    The inputs here are always ours and well formed, so the decision functions are written
    out: pass one is a dot product, pass two an MLP forward pass (ReLU, then a logistic
    output, as :class:`~sklearn.neural_network.MLPClassifier` computes it), the kind model
    an arg-max of a linear function. Other pass-two models go through ``predict_proba``.
    """

    def __init__(self, classifier: ParagraphClassifier) -> None:
        coef = classifier.pass_one_.coef_.ravel().astype(np.float64)
        split = 1 << classifier.hash_bits
        self._hashed, self._dense = coef[:split], coef[split:]
        self._intercept = float(classifier.pass_one_.intercept_[0])
        two = classifier.pass_two_
        networks = two.networks_ if isinstance(two, AveragedMLP) else [two]
        plain = all(
            isinstance(n, MLPClassifier)
            and n.activation == "relu"
            and n.out_activation_ == "logistic"
            for n in networks
        )
        self._networks = [list(zip(n.coefs_, n.intercepts_)) for n in networks] if plain else None
        self._context_model = two
        kind = classifier.kind_model_
        self._kind_classes = None if kind is None else kind.classes_
        if kind is not None:
            kind_coef = np.asarray(kind.coef_, dtype=np.float64)
            width = 1 << KIND_BITS
            self._kind_hashed = np.ascontiguousarray(kind_coef[:, :width].T)
            self._kind_dense = np.ascontiguousarray(kind_coef[:, width:].T)
            self._kind_intercept = np.asarray(kind.intercept_, dtype=np.float64)

    def pass_one(self, hashed: sp.csr_matrix, dense: np.ndarray) -> np.ndarray:
        """Pass-one log-odds: the logistic regression's decision function, block by block."""
        return hashed @ self._hashed + dense @ self._dense + self._intercept

    def pass_two(self, Z: np.ndarray) -> np.ndarray:
        """Pass-two insert probabilities from the context matrix."""
        if self._networks is None:
            return np.asarray(self._context_model.predict_proba(Z)[:, 1])
        return np.mean([_forward(layers, Z) for layers in self._networks], axis=0)

    def kinds(self, hashed: sp.csr_matrix, dense: np.ndarray, rows: np.ndarray) -> list[str]:
        """The kind of each given row: the kind model on the features folded small."""
        if self._kind_classes is None:
            return ["other"] * len(rows)
        starts, ends = hashed.indptr[rows], hashed.indptr[rows + 1]
        lengths = ends - starts
        at = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
        indptr = np.concatenate([[0], np.cumsum(lengths)])
        width = 1 << KIND_BITS
        folded = sp.csr_matrix(
            (hashed.data[at], hashed.indices[at] % width, indptr), shape=(len(rows), width)
        )
        decision = folded @ self._kind_hashed + dense[rows] @ self._kind_dense
        # rounded, like the scores (core.finish): a matrix product of another size may
        # differ in the last bit, and a batch must name a segment as a lone call would
        best = np.argmax(np.round(decision + self._kind_intercept, 9), axis=1)
        return [str(k) if k in INSERT_KINDS else "other" for k in self._kind_classes[best]]


def _forward(layers: list[tuple[np.ndarray, np.ndarray]], Z: np.ndarray) -> np.ndarray:
    """A ReLU network's logistic output, as ``MLPClassifier.predict_proba(Z)[:, 1]``."""
    activation = Z
    for weights, bias in layers[:-1]:
        activation = activation @ weights
        activation += bias  # in place: fresh temporaries of a large batch cost page faults
        np.maximum(activation, 0.0, out=activation)
    weights, bias = layers[-1]
    return expit((activation @ weights + bias)[:, 0])


class UnitKinds:
    """The insert kinds of a batch of scored units, named on demand.

    ``take(rows)`` names the given rows in one call to the kind model; slicing gives a view
    on a sub-range (one document of a batch) that shares the features. Most units are kept
    and never need a kind, so naming all of them would be wasted work.
    """

    def __init__(
        self,
        passes: FittedPasses | None,
        hashed: sp.csr_matrix | None,
        dense: np.ndarray | None,
        offset: int = 0,
    ) -> None:
        self._passes, self._hashed, self._dense, self._offset = passes, hashed, dense, offset

    def __getitem__(self, key: slice) -> UnitKinds:
        if not isinstance(key, slice) or key.step not in (None, 1):
            raise TypeError("UnitKinds supports contiguous slices; use take() for rows")
        return UnitKinds(self._passes, self._hashed, self._dense, self._offset + (key.start or 0))

    def take(self, rows: Sequence[int]) -> list[str]:
        """Kinds of the given rows (relative to this view), in the given order."""
        return take_kinds([(self, rows)])[0]


def take_kinds(requests: Sequence[tuple[UnitKinds, Sequence[int]]]) -> list[list[str]]:
    """The kinds of several views' rows, with one kind-model call per scoring call.

    A batch's documents are views on one scoring call's features; naming each document's
    removed units in a call of its own cost a fixed price per document. The kind of a row
    depends on that row's features alone (and its decision values are rounded before the
    choice, see :meth:`FittedPasses.kinds`), so naming them together gives the same kinds.
    """
    out: list[list[str]] = [[] for _ in requests]
    # requests on the same features, by their identity: the features and request numbers
    shared: dict[int, tuple[FittedPasses, sp.csr_matrix, np.ndarray, list[int]]] = {}
    for number, (view, rows) in enumerate(requests):
        if not rows:
            continue
        passes, hashed, dense = view._passes, view._hashed, view._dense
        if passes is None or hashed is None or dense is None:
            out[number] = ["other"] * len(rows)
        else:
            shared.setdefault(id(hashed), (passes, hashed, dense, []))[3].append(number)
    for passes, hashed, dense, numbers in shared.values():
        absolute = np.concatenate(
            [np.asarray(requests[n][1], dtype=np.int64) + requests[n][0]._offset for n in numbers]
        )
        names = passes.kinds(hashed, dense, absolute)
        start = 0
        for n in numbers:
            end = start + len(requests[n][1])
            out[n] = names[start:end]
            start = end
    return out


def _dense_block(X: sp.csr_matrix) -> np.ndarray:
    """The shallow-feature columns at the right edge of a featurizer matrix."""
    return X[:, X.shape[1] - N_DENSE :].toarray()


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))


def _log_odds(model: Any, X: Any) -> np.ndarray:
    if hasattr(model, "decision_function"):
        return np.asarray(model.decision_function(X), dtype=float)
    p = np.clip(model.predict_proba(X)[:, 1], 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


__all__ = ["ParagraphClassifier", "context_matrix", "fold_features"]
