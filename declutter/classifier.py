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
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.neural_network import MLPClassifier

from .features import N_DENSE, Unit, UnitFeaturizer
from .kinds import INSERT_KINDS

log = logging.getLogger(__name__)

CONTEXT_OFFSETS = (-3, -2, -1, 1, 2, 3)
_CLIP = 8.0
Progress = Callable[[str], None]


def context_matrix(units: Sequence[Unit], logits: np.ndarray, dense: np.ndarray) -> np.ndarray:
    """Pass-two features: own score, neighbouring lines' scores, own shallow features.

    ``logits`` are pass-one log-odds, ``dense`` the shallow feature block of pass one's
    matrix. A unit's neighbours are the *lines* at the given offsets in the same document
    (pieces of a line stand in their line's place). Missing neighbours (document edges)
    read as 0 with an indicator, so that the edge itself is a feature.
    """
    clipped = np.clip(logits, -_CLIP, _CLIP) / _CLIP
    line_row: dict[tuple[int, int], int] = {}
    line_logit: dict[tuple[int, int], float] = {}
    for row, unit in enumerate(units):
        if not unit.piece:
            line_row[(unit.doc, unit.index)] = row
            line_logit[(unit.doc, unit.index)] = clipped[row]
    n = len(units)
    width = 2 + 2 * len(CONTEXT_OFFSETS) + 4
    ctx = np.zeros((n, width))
    for row, unit in enumerate(units):
        ctx[row, 0] = clipped[row]
        own_line = line_logit.get((unit.doc, unit.index), clipped[row])
        ctx[row, 1] = own_line
        near = []
        for k, offset in enumerate(CONTEXT_OFFSETS):
            value = line_logit.get((unit.doc, unit.index + offset))
            if value is None:
                ctx[row, 2 + 2 * k + 1] = 1.0
            else:
                ctx[row, 2 + 2 * k] = value
                near.append(value)
        base = 2 + 2 * len(CONTEXT_OFFSETS)
        if near:
            ctx[row, base] = float(np.mean(near))
            ctx[row, base + 1] = max(near)
            ctx[row, base + 2] = min(near)
        ctx[row, base + 3] = len(near) / len(CONTEXT_OFFSETS)
    return np.hstack([ctx, dense])


KIND_BITS = 14


def fold_features(X: sp.csr_matrix, bits: int = KIND_BITS) -> sp.csr_matrix:
    """Re-hash a featurizer matrix into ``2**bits`` token columns (plus its dense block).

    Hash indices are uniform, so taking them modulo a smaller power of two is itself a
    hash: the kind model gets a compact input without extracting features a second time.
    """
    width = 1 << bits
    tokens = X[:, : X.shape[1] - N_DENSE].tocoo()
    folded = sp.csr_matrix(
        (tokens.data, (tokens.row, tokens.col % width)), shape=(X.shape[0], width)
    )
    return sp.hstack([folded, X[:, X.shape[1] - N_DENSE :]], format="csr")


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
        n_folds: int = 5,
        random_state: int = 0,
    ) -> None:
        self.hash_bits = hash_bits
        self.C = C
        self.context_model = context_model
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
            return MLPClassifier(
                hidden_layer_sizes=(48,), alpha=1e-3, learning_rate_init=3e-3, max_iter=60,
                batch_size=256, random_state=self.random_state,
            )
        return HistGradientBoostingClassifier(
            max_iter=200, learning_rate=0.08, max_leaf_nodes=15, l2_regularization=1.0,
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
        sample_weight: Sequence[float] | None = None,
        kinds: Sequence[str | None] | None = None,
        progress: Progress | None = None,
    ) -> ParagraphClassifier:
        say = progress or (lambda message: log.info(message))
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
        self.oof_scores_ = _sigmoid(
            self._out_of_fold(Z, y_arr, groups_arr, weight, self._pass_two)
        )
        say("pass two: final fit")
        self.pass_two_ = self._pass_two().fit(
            Z[labelled], y_arr[labelled], sample_weight=weight[labelled]
        )
        say("kind model")
        self._fit_kinds(X, y_arr, kinds)
        return self

    def _fit_kinds(self, X: sp.csr_matrix, y: np.ndarray, kinds: Sequence[str | None] | None) -> None:
        """Fit the kind model on inserts whose kind is known (our own data, mostly)."""
        rows = [i for i in range(len(y)) if y[i] == 1 and kinds is not None and kinds[i]]
        if kinds is None or len({kinds[i] for i in rows}) < 2:
            self.kind_model_ = None
            return
        model = LogisticRegression(C=4.0, max_iter=3000, random_state=self.random_state)
        model.fit(fold_features(X[rows]), [kinds[i] for i in rows])
        model.coef_ = model.coef_.astype(np.float32)
        self.kind_model_ = model

    def score(self, units: Sequence[Unit]) -> tuple[np.ndarray, list[str]]:
        """Insert probability and most likely insert kind of every unit, in one pass.

        Kinds come from the same feature matrix, folded small, so naming them costs little.
        """
        if not units:
            return np.zeros(0), []
        X = self.featurizer_.transform(units)
        first = self.pass_one_.decision_function(X)
        Z = context_matrix(units, first, _dense_block(X))
        proba = self.pass_two_.predict_proba(Z)[:, 1]
        if self.kind_model_ is None:
            return proba, ["other"] * len(units)
        kinds = self.kind_model_.predict(fold_features(X))
        return proba, [k if k in INSERT_KINDS else "other" for k in kinds]

    def predict_proba(self, units: Sequence[Unit]) -> np.ndarray:
        """Probabilities ``[P(content), P(insert)]`` for each unit."""
        proba, _ = self.score(units)
        return np.column_stack([1 - proba, proba])

    def predict(self, units: Sequence[Unit], threshold: float = 0.5) -> np.ndarray:
        return (self.predict_proba(units)[:, 1] >= threshold).astype(int)


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
