"""The two-pass paragraph classifier as a scikit-learn estimator: how a model is fit.

Pass one scores each unit alone (hashed tokens and shallow features, logistic regression).
Pass two scores it again in context (:func:`declutter.context.context_matrix`): its own
pass-one score, the scores and shapes of the lines around it, where it stands in the
document's article text, and its own shallow features. Pass two is fit on *out-of-fold*
pass-one scores, grouped by source, so that it learns how much to trust pass one on text
pass one has not memorised. A third model names the kind of an insert.

Fitting ends in :attr:`ParagraphClassifier.scorer_`, the same weights as plain arrays
(:class:`declutter.scoring.Scorer`): that is what a model file stores and what ``clean``
runs, so the estimator and the library score alike (a test compares them with
scikit-learn's own ``predict_proba``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits

from ..context import context_matrix, sigmoid
from ..features import N_DENSE, extract, page_rows
from ..paragraphs import Unit
from ..scoring import KIND_BITS, Layer, Scorer

log = logging.getLogger(__name__)

Progress = Callable[[str], None]
#: Pass-two models a classifier can be fit with, each exportable as layers of a network.
CONTEXT_MODELS = ("mlp", "logistic")


class UnitFeaturizer(TransformerMixin, BaseEstimator, auto_wrap_output_keys=None):  # type: ignore[call-arg]
    """Units to one sparse matrix: hashed tokens, then the shallow-feature block.

    Stateless (hashing needs no vocabulary), so ``fit`` only records the output width.
    """

    def __init__(self, hash_bits: int = 18) -> None:
        self.hash_bits = hash_bits

    def fit(self, units: Sequence[Unit], y: Any = None) -> UnitFeaturizer:
        self.n_features_out_ = (1 << self.hash_bits) + N_DENSE
        return self

    def transform(self, units: Sequence[Unit]) -> sp.csr_matrix:
        hashed, dense = extract(units, self.hash_bits)
        return sp.hstack([hashed, sp.csr_matrix(dense)], format="csr")


def fold_features(X: sp.csr_matrix, bits: int = KIND_BITS) -> sp.csr_matrix:
    """A featurizer matrix with its token columns folded modulo ``2**bits`` (kind model input).

    The same folding as :func:`declutter.scoring.fold_rows`, for fitting.
    """
    width = 1 << bits
    hashed = X[:, : X.shape[1] - N_DENSE].tocsr()
    folded = sp.csr_matrix(  # copies: sum_duplicates() rewrites data and indptr in place
        (hashed.data.copy(), hashed.indices % width, hashed.indptr.copy()),
        shape=(hashed.shape[0], width),
    )
    folded.sum_duplicates()
    return sp.hstack([folded, sp.csr_matrix(dense_block(X))], format="csr")


def dense_block(X: sp.csr_matrix) -> np.ndarray:
    """The shallow-feature columns at the right edge of a featurizer matrix."""
    return np.asarray(X[:, X.shape[1] - N_DENSE :].toarray())


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

    def __init__(self, members: int = 5, random_state: int = 0, rows: int | None = None) -> None:
        self.members = members
        self.random_state = random_state
        self.rows = rows

    def fit(self, X: np.ndarray, y: np.ndarray, sample_weight: Any = None) -> AveragedMLP:
        """Fit every network; with ``rows``, each on its own draw of that many rows.

        The draw is with replacement and in proportion to the weights, and the network is
        then fit without weights: the same expected loss as fitting all rows with their
        weights, at a fraction of the time when most rows weigh little (the public
        corpora's, which count as a whole, not by their size). Each network's draw differs,
        which also makes the average a bagged one.
        """
        weight = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, float)
        self.networks_ = []
        for k in range(self.members):
            seed = self.random_state + k
            if self.rows is not None and self.rows < len(y):
                drawn = np.random.default_rng(seed).choice(
                    len(y), size=self.rows, replace=True, p=weight / weight.sum()
                )
                network = _context_network(seed).fit(X[drawn], y[drawn])
            else:
                network = _context_network(seed).fit(X, y, sample_weight=weight)
            self.networks_.append(network)
        self.classes_ = self.networks_[0].classes_
        return self

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        return np.mean([network.predict_proba(X) for network in self.networks_], axis=0)


class ParagraphClassifier(ClassifierMixin, BaseEstimator):
    """Scores units as content (0) or insert (1); see the module docstring for the design.

    ``fit`` takes the units, labels (1 insert, 0 content, -1 unknown: kept for context,
    not fit), the source of each unit (the cross-validation group), and optional weights
    and insert kinds. ``predict_proba`` needs units grouped with their document's lines,
    as :func:`declutter.core.prepare` builds them. Parameters are checked in ``fit``.
    ``page_context`` fits pass two twice, on page blocks and on plain-text lines apart
    (each cross-validated within its own rows), when both come from two sources or more.
    ``n_jobs`` is how many processes fit the folds (joblib's meaning; None is one); the
    scores do not depend on it.
    """

    def __init__(
        self,
        hash_bits: int = 18,
        C: float = 4.0,
        context_model: str = "mlp",
        context_members: int = 5,
        context_rows: int | None = None,
        n_folds: int = 5,
        random_state: int = 0,
        page_context: bool = False,
        n_jobs: int | None = None,
    ) -> None:
        self.hash_bits = hash_bits
        self.C = C
        self.context_model = context_model
        self.context_members = context_members
        self.context_rows = context_rows
        self.n_folds = n_folds
        self.random_state = random_state
        self.page_context = page_context
        self.n_jobs = n_jobs

    # -- building blocks ------------------------------------------------------------------
    def _pass_one(self) -> LogisticRegression:
        return LogisticRegression(
            C=self.C, solver="liblinear", max_iter=1000, random_state=self.random_state
        )

    def _pass_two(self) -> LogisticRegression | AveragedMLP:
        if self.context_model == "logistic":
            return LogisticRegression(C=1.0, max_iter=2000, random_state=self.random_state)
        return AveragedMLP(
            members=self.context_members, random_state=self.random_state, rows=self.context_rows
        )

    def _check_params(self) -> None:
        if self.context_model not in CONTEXT_MODELS:
            raise ValueError(
                f"context_model must be one of {', '.join(CONTEXT_MODELS)}, "
                f"not {self.context_model!r}"
            )
        if self.context_rows is not None and self.context_rows < 1000:
            raise ValueError(
                f"context_rows must be None or at least 1000, not {self.context_rows!r}"
            )
        if not 8 <= self.hash_bits <= 24:
            raise ValueError(f"hash_bits must be between 8 and 24, not {self.hash_bits!r}")

    def _out_of_fold_and_final(
        self, X: Any, y: np.ndarray, groups: np.ndarray, weight: np.ndarray, make: Callable[[], Any]
    ) -> tuple[np.ndarray, Any]:
        """Out-of-fold decision scores (log-odds) for every row, folds grouped by source, and
        the model fit on every labelled row.

        The folds and the final fit are independent, so they run as ``n_jobs`` processes
        (joblib): on two cores the context passes of a retrain took half the time (280 s to
        154 s for plain text); pass one's liblinear fits, bound by memory, barely gained.
        Each fit is seeded alone, so the scores do not depend on ``n_jobs``.
        """
        labelled = y >= 0
        n_groups = len(set(groups[labelled]))
        folds = GroupKFold(n_splits=min(self.n_folds, n_groups))
        tasks = [
            (train_rows[labelled[train_rows]], test_rows)
            for train_rows, test_rows in folds.split(X, y, groups)
        ]
        tasks.append((np.flatnonzero(labelled), None))
        fitted = Parallel(n_jobs=self.n_jobs)(
            delayed(_fit_and_score)(make(), X, y, weight, fit_rows, test_rows)
            for fit_rows, test_rows in tasks
        )
        scores = np.zeros(len(y))
        for (_, test_rows), (_, test_scores) in zip(tasks[:-1], fitted[:-1]):
            scores[test_rows] = test_scores
        return scores, fitted[-1][0]

    # -- estimator API ----------------------------------------------------------------------
    def fit(
        self,
        units: Sequence[Unit],
        y: Sequence[int],
        groups: Sequence[str] | None = None,
        sample_weight: Sequence[float] | np.ndarray | None = None,
        kinds: Sequence[str | None] | None = None,
        progress: Progress | None = None,
        context_weight: Sequence[float] | np.ndarray | None = None,
    ) -> ParagraphClassifier:
        """Fit the three models; ``oof_scores_`` keeps pass two's out-of-fold probabilities
        (what thresholds are tuned on) and ``scorer_`` the weights as arrays.

        ``context_weight`` weighs the rows of pass two (the context pass) when it should
        differ from ``sample_weight``, which weighs pass one (default: the same)."""
        self._check_params()
        say = progress or (lambda message: log.info(message))
        y_arr = np.asarray(y, dtype=int)
        groups_arr = np.asarray(groups if groups is not None else ["all"] * len(y_arr))
        weight = np.asarray(sample_weight if sample_weight is not None else np.ones(len(y_arr)))
        weight_two = weight if context_weight is None else np.asarray(context_weight)
        labelled = y_arr >= 0
        self.classes_ = np.array([0, 1])
        self.featurizer_ = UnitFeaturizer(hash_bits=self.hash_bits).fit(units)
        say(f"features for {len(units)} units")
        X = self.featurizer_.transform(units)
        say("pass one: out-of-fold scores and final fit")
        oof_one, self.pass_one_ = self._out_of_fold_and_final(
            X, y_arr, groups_arr, weight, self._pass_one
        )
        dense = dense_block(X)
        Z = context_matrix(units, oof_one, dense)
        # with page_context, page blocks get a context pass of their own (see Scorer)
        pages = page_rows(dense) if self.page_context else np.zeros(len(y_arr), bool)
        fewest = min(
            _sources(groups_arr, pages & labelled), _sources(groups_arr, ~pages & labelled)
        )
        if fewest < 2:  # too few sources of one kind to cross-validate it apart: one pass
            pages[:] = False
        parts = [("", ~pages), (" (pages)", pages)] if pages.any() else [("", ~pages)]
        log_odds = np.zeros(len(y_arr))
        fitted = {}
        for name, rows in parts:
            if not rows.any():
                continue
            say(f"pass two{name}: out-of-fold scores and final fit")
            log_odds[rows], fitted[name] = self._out_of_fold_and_final(
                Z[rows], y_arr[rows], groups_arr[rows], weight_two[rows], self._pass_two
            )
        self.oof_scores_ = sigmoid(log_odds)
        self.pass_two_ = fitted[""]  # there are text rows whenever pages go apart
        self.page_pass_two_ = fitted.get(" (pages)")
        say("kind model")
        self.kind_model_ = _fit_kinds(X, y_arr, kinds, self.random_state)
        self.scorer_ = self._export()
        return self

    def _export(self) -> Scorer:
        """The fitted weights as a :class:`Scorer`; linear weights as float32 (half the file,
        no measurable change in scores), networks as fitted."""
        coef = self.pass_one_.coef_.ravel().astype(np.float32)
        split = 1 << self.hash_bits
        return Scorer(
            hash_bits=self.hash_bits,
            pass_one_hashed=coef[:split].astype(np.float64),
            pass_one_dense=coef[split:].astype(np.float64),
            pass_one_intercept=float(self.pass_one_.intercept_[0]),
            networks=_network_layers(self.pass_two_),
            page_networks=(
                None if self.page_pass_two_ is None else _network_layers(self.page_pass_two_)
            ),
            **kind_arrays(self.kind_model_),
        )

    def predict_proba(self, units: Sequence[Unit]) -> np.ndarray:
        """Probabilities ``[P(content), P(insert)]`` for each unit, as ``clean`` scores them."""
        proba = self.scorer_.score(units)[0]
        return np.column_stack([1 - proba, proba])

    def predict(self, units: Sequence[Unit]) -> np.ndarray:
        """1 for units whose insert probability is at least 0.5 (the library uses the
        thresholds tuned at training time instead)."""
        return (self.predict_proba(units)[:, 1] >= 0.5).astype(int)


def _fit_kinds(
    X: sp.csr_matrix, y: np.ndarray, kinds: Sequence[str | None] | None, random_state: int
) -> LogisticRegression | None:
    """The kind model, fit on inserts whose kind is known (our own data, mostly)."""
    if kinds is None:
        return None
    rows = inserts_with_kind(y, kinds)
    return fit_kind_model(X[rows], [str(kinds[i]) for i in rows], random_state)


def inserts_with_kind(labels: Iterable[int], kinds: Iterable[str | None]) -> list[int]:
    """The rows the kind model learns from: inserts whose kind is known."""
    return [i for i, (label, kind) in enumerate(zip(labels, kinds)) if label == 1 and kind]


def fit_kind_model(
    X: sp.csr_matrix, kinds: Sequence[str], random_state: int
) -> LogisticRegression | None:
    """A logistic regression from featurizer rows of inserts to their kinds (None when the
    rows hold fewer than two kinds: there is nothing to tell apart)."""
    if len(set(kinds)) < 2:
        return None
    model = LogisticRegression(C=4.0, max_iter=3000, random_state=random_state)
    return model.fit(fold_features(X), list(kinds))


def kind_arrays(model: LogisticRegression | None) -> dict[str, Any]:
    """The kind model as the :class:`Scorer` fields that hold it (weights as float32 values,
    like pass one's; all None for no kind model)."""
    if model is None:
        return dict.fromkeys(("kind_classes", "kind_hashed", "kind_dense", "kind_intercept"))
    coef = model.coef_.astype(np.float32).astype(np.float64)
    width = 1 << KIND_BITS
    return {
        "kind_classes": np.asarray(model.classes_).astype(str),
        "kind_hashed": np.ascontiguousarray(coef[:, :width].T),
        "kind_dense": np.ascontiguousarray(coef[:, width:].T),
        "kind_intercept": np.asarray(model.intercept_, np.float64),
    }


def _network_layers(model: LogisticRegression | AveragedMLP) -> tuple[tuple[Layer, ...], ...]:
    """Pass two as (weights, bias) layers: each network of the average, or the logistic
    regression as a network without hidden layers."""
    if isinstance(model, LogisticRegression):
        return (((model.coef_.T.astype(np.float64), model.intercept_.astype(np.float64)),),)
    networks = []
    for network in model.networks_:
        if network.activation != "relu" or network.out_activation_ != "logistic":
            raise ValueError("only ReLU networks with a logistic output can be exported")
        networks.append(tuple(zip(network.coefs_, network.intercepts_)))
    return tuple(networks)


def _fit_and_score(
    model: Any,
    X: Any,
    y: np.ndarray,
    weight: np.ndarray,
    fit_rows: np.ndarray,
    test_rows: np.ndarray | None,
) -> tuple[Any, np.ndarray | None]:
    """Fit ``model`` on ``fit_rows`` and score ``test_rows`` (log-odds), in a worker: the
    rows are picked here so that the whole matrix is sent to the workers once.

    BLAS runs on one thread here: sums split over threads add in another order, and the
    networks came out a few bits apart in this process (two BLAS threads) and in a worker
    (one), so the model file depended on ``n_jobs`` and on the machine's core count."""
    with threadpool_limits(limits=1):
        model.fit(X[fit_rows], y[fit_rows], sample_weight=weight[fit_rows])
        return model, None if test_rows is None else _log_odds(model, X[test_rows])


def _sources(groups: np.ndarray, rows: np.ndarray) -> int:
    """How many sources (cross-validation groups) the given rows come from."""
    return len(set(groups[rows].tolist()))


def _log_odds(model: Any, X: Any) -> np.ndarray:
    if hasattr(model, "decision_function"):
        return np.asarray(model.decision_function(X), dtype=float)
    p = np.clip(model.predict_proba(X)[:, 1], 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


__all__ = ["AveragedMLP", "ParagraphClassifier", "UnitFeaturizer", "fold_features"]
