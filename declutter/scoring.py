"""A fitted model as plain arrays, and the arithmetic that scores units with them.

This is everything ``clean`` needs of a model, and all of it is numbers: pass one is a
dot product of hashed-token and shallow-feature weights, pass two the mean of a few small
ReLU networks with a logistic output, the kind model an arg-max of a linear function. So a
model is stored as named arrays (:mod:`declutter.model`) that load without running any
code, and scoring needs neither scikit-learn nor its per-call input checks, which on a
short article cost more than the arithmetic. :mod:`declutter.training.estimator` fits
these arrays with scikit-learn and exports them; a test checks that the two agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp
from scipy.special import expit

from .context import N_CONTEXT_COLUMNS, context_matrix
from .features import N_DENSE, extract, page_rows
from .kinds import INSERT_KINDS, OTHER
from .paragraphs import Unit

#: Token columns of the kind model: the pass-one hashes folded modulo ``2**KIND_BITS``.
KIND_BITS = 14
#: Decimals kept of the kind model's decision values (see :meth:`Scorer.kind_choices`).
KIND_DECIMALS = 9
#: Rows the context networks score at a time (a block's hidden layer: 8 MB a network).
PASS_TWO_ROWS = 16_384

Layer = tuple[np.ndarray, np.ndarray]


class ScorerFormatError(ValueError):
    """The arrays do not form a scorer (a missing array, a wrong shape or type)."""


class KindChoice(NamedTuple):
    """The kind model's two best kinds for a unit, best first."""

    first: str
    second: str


@dataclass(frozen=True, eq=False)
class Scorer:
    """The weights of the three models, ready to score a batch of units."""

    hash_bits: int
    pass_one_hashed: np.ndarray  # (2**hash_bits,)
    pass_one_dense: np.ndarray  # (N_DENSE,)
    pass_one_intercept: float
    #: Pass two: one list of (weights, bias) layers per network; their outputs are averaged.
    networks: tuple[tuple[Layer, ...], ...]
    kind_classes: np.ndarray | None = None  # (k,) str
    kind_hashed: np.ndarray | None = None  # (2**KIND_BITS, k)
    kind_dense: np.ndarray | None = None  # (N_DENSE, k)
    kind_intercept: np.ndarray | None = None  # (k,)
    #: Pass two for page blocks, when trained apart from the plain-text one (None: the
    #: ``networks`` score both). Plain text and pages differ in what surrounds a line
    #: (a page has its footer; an extracted text often ends with its article), so one
    #: context pass fitted on both let the pages' endings decide plain text's and back.
    page_networks: tuple[tuple[Layer, ...], ...] | None = None

    def score(self, units: Sequence[Unit]) -> tuple[np.ndarray, UnitKinds]:
        """Insert probability of every unit, and a lazy view that names their kinds.

        ``units`` must hold each document's lines (pass two reads the lines around a unit).
        """
        if not units:
            return np.zeros(0), UnitKinds(None, None, None)
        hashed, dense = extract(units, self.hash_bits)
        Z = context_matrix(units, self.pass_one(hashed, dense), dense)
        return self.pass_two(Z, page_rows(dense)), UnitKinds(self, hashed, dense)

    def pass_one(self, hashed: sp.csr_matrix, dense: np.ndarray) -> np.ndarray:
        """Pass-one log-odds: a linear function of the two feature blocks."""
        return hashed @ self.pass_one_hashed + dense @ self.pass_one_dense + self.pass_one_intercept

    def pass_two(self, Z: np.ndarray, pages: np.ndarray | None = None) -> np.ndarray:
        """Pass-two insert probabilities: the mean output of the context networks.

        ``pages`` marks the rows of page blocks; they go to :attr:`page_networks` when the
        model has them. Run over :data:`PASS_TWO_ROWS` rows at a time, so that a network's
        hidden layer (64 numbers a row) never exists for a whole huge document at once.
        """
        if self.page_networks is not None and pages is not None and pages.any():
            out = np.empty(len(Z))
            out[pages] = _averaged(self.page_networks, Z[pages])
            out[~pages] = _averaged(self.networks, Z[~pages])
            return out
        return _averaged(self.networks, Z)

    def kind_choices(
        self, hashed: sp.csr_matrix, dense: np.ndarray, rows: np.ndarray
    ) -> list[KindChoice]:
        """The kind model's first and second choice for each given row, from the features
        folded small (a page's markup may rule out the first:
        :func:`declutter.kind_hints.page_kind`)."""
        if self.kind_classes is None or self.kind_hashed is None or self.kind_dense is None:
            return [KindChoice(OTHER, OTHER)] * len(rows)
        decision = fold_rows(hashed, rows) @ self.kind_hashed + dense[rows] @ self.kind_dense
        # rounded, like the scores (core.finish): a matrix product of another size may
        # differ in the last bit, and a batch must name a segment as a lone call would.
        # A stable sort of the negated values: ties go to the first class, as np.argmax.
        order = np.argsort(
            -np.round(decision + self.kind_intercept, KIND_DECIMALS), axis=1, kind="stable"
        )
        names = [str(k) if k in INSERT_KINDS else OTHER for k in self.kind_classes]
        second = order[:, 1] if order.shape[1] > 1 else order[:, 0]
        return [KindChoice(names[a], names[b]) for a, b in zip(order[:, 0], second)]

    # -- storage --------------------------------------------------------------------------
    def to_arrays(self) -> dict[str, np.ndarray]:
        """The scorer as named arrays (what :func:`declutter.model.save_model` writes)."""
        arrays = {
            "hash_bits": np.array(self.hash_bits, dtype=np.int64),
            "pass_one_hashed": _compact(self.pass_one_hashed),
            "pass_one_dense": _compact(self.pass_one_dense),
            "pass_one_intercept": np.array(self.pass_one_intercept, dtype=np.float64),
        }
        for prefix, networks in (("context", self.networks), ("page_context", self.page_networks)):
            for k, layers in enumerate(networks or ()):
                for depth, (weights, bias) in enumerate(layers):
                    arrays[f"{prefix}_{k}_layer_{depth}_weights"] = weights
                    arrays[f"{prefix}_{k}_layer_{depth}_bias"] = bias
        if self.kind_classes is not None:
            arrays["kind_classes"] = self.kind_classes.astype(str)
            arrays["kind_hashed"] = _compact(np.asarray(self.kind_hashed))
            arrays["kind_dense"] = _compact(np.asarray(self.kind_dense))
            arrays["kind_intercept"] = np.asarray(self.kind_intercept)
        return arrays

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray]) -> Scorer:
        """Rebuild a scorer from :meth:`to_arrays`' output, checking every name and shape."""
        hash_bits = int(_array(arrays, "hash_bits", ndim=0, kind="i"))
        if not 8 <= hash_bits <= 24:
            raise ScorerFormatError(f"hash_bits {hash_bits} is outside 8..24")
        scorer = cls(
            hash_bits=hash_bits,
            pass_one_hashed=_float(arrays, "pass_one_hashed", (1 << hash_bits,)),
            pass_one_dense=_float(arrays, "pass_one_dense", (N_DENSE,)),
            pass_one_intercept=float(_float(arrays, "pass_one_intercept", ())),
            networks=_networks(arrays),
            page_networks=_networks(arrays, "page_context")
            if "page_context_0_layer_0_weights" in arrays
            else None,
            **_kind_arrays(arrays),
        )
        return scorer


def _averaged(networks: Sequence[Sequence[Layer]], Z: np.ndarray) -> np.ndarray:
    """The networks' mean output, :data:`PASS_TWO_ROWS` rows at a time."""
    if len(Z) > PASS_TWO_ROWS:
        blocks = range(0, len(Z), PASS_TWO_ROWS)
        return np.concatenate([_averaged(networks, Z[i : i + PASS_TWO_ROWS]) for i in blocks])
    if not len(Z):
        return np.zeros(0)
    return np.mean([_forward(layers, Z) for layers in networks], axis=0)


def _compact(values: np.ndarray) -> np.ndarray:
    """``values`` as float32 when that loses nothing (the linear weights are fit, then
    rounded to float32: half the file), else as they are."""
    narrow = values.astype(np.float32)
    return narrow if np.array_equal(narrow.astype(values.dtype), values) else values


def _array(arrays: Mapping[str, np.ndarray], name: str, *, ndim: int, kind: str) -> np.ndarray:
    """One named array, with the number of dimensions and dtype kind asked for."""
    if name not in arrays:
        raise ScorerFormatError(f"the array {name!r} is missing")
    value = np.asarray(arrays[name])
    if value.ndim != ndim or value.dtype.kind not in kind:
        raise ScorerFormatError(
            f"the array {name!r} has {value.ndim} dimensions of {value.dtype}, expected "
            f"{ndim} of kind {kind!r}"
        )
    return value


def _float(arrays: Mapping[str, np.ndarray], name: str, shape: tuple[int, ...]) -> np.ndarray:
    """A named array of finite floats with the given shape, as float64 (as scoring uses)."""
    value = _array(arrays, name, ndim=len(shape), kind="f")
    if any(want >= 0 and have != want for have, want in zip(value.shape, shape)):
        raise ScorerFormatError(f"the array {name!r} has shape {value.shape}, expected {shape}")
    if not np.all(np.isfinite(value)):
        raise ScorerFormatError(f"the array {name!r} holds NaN or infinite values")
    return value.astype(np.float64)


def _networks(
    arrays: Mapping[str, np.ndarray], prefix: str = "context"
) -> tuple[tuple[Layer, ...], ...]:
    """Pass two's networks: ``{prefix}_{k}_layer_{d}_{weights,bias}``, chained by shape."""
    networks: list[tuple[Layer, ...]] = []
    while f"{prefix}_{len(networks)}_layer_0_weights" in arrays:
        k, width = len(networks), N_CONTEXT_COLUMNS
        layers: list[Layer] = []
        while f"{prefix}_{k}_layer_{len(layers)}_weights" in arrays:
            name = f"{prefix}_{k}_layer_{len(layers)}"
            weights = _float(arrays, f"{name}_weights", (width, -1))
            bias = _float(arrays, f"{name}_bias", (weights.shape[1],))
            layers.append((weights, bias))
            width = weights.shape[1]
        if width != 1:
            raise ScorerFormatError(f"network {k} ends in {width} outputs, expected 1")
        networks.append(tuple(layers))
    if not networks:
        raise ScorerFormatError(f"the scorer has no context network ({prefix}_0_layer_0_weights)")
    return tuple(networks)


def _kind_arrays(arrays: Mapping[str, np.ndarray]) -> dict[str, np.ndarray | None]:
    """The kind model's arrays, or Nones when the model was trained without kinds."""
    if "kind_classes" not in arrays:
        return {}
    classes = _array(arrays, "kind_classes", ndim=1, kind="U")
    k = len(classes)
    return {
        "kind_classes": classes,
        "kind_hashed": np.ascontiguousarray(_float(arrays, "kind_hashed", (1 << KIND_BITS, k))),
        "kind_dense": np.ascontiguousarray(_float(arrays, "kind_dense", (N_DENSE, k))),
        "kind_intercept": _float(arrays, "kind_intercept", (k,)),
    }


def _forward(layers: Sequence[Layer], Z: np.ndarray) -> np.ndarray:
    """A ReLU network's logistic output (as scikit-learn's ``MLPClassifier`` computes it)."""
    activation = Z
    for weights, bias in layers[:-1]:
        activation = activation @ weights
        activation += bias  # in place: fresh temporaries of a large batch cost page faults
        np.maximum(activation, 0.0, out=activation)
    weights, bias = layers[-1]
    return np.asarray(expit((activation @ weights + bias)[:, 0]))


def fold_rows(hashed: sp.csr_matrix, rows: np.ndarray, bits: int = KIND_BITS) -> sp.csr_matrix:
    """The given rows' token columns folded modulo ``2**bits`` (a hash of a hash).

    Hash indices are uniform, so taking them modulo a smaller power of two is itself a
    hash: the kind model gets a compact input without extracting features a second time.
    Duplicate columns after folding are summed by the matrix product.
    """
    starts, ends = hashed.indptr[rows], hashed.indptr[rows + 1]
    lengths = ends - starts
    at = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    width = 1 << bits
    return sp.csr_matrix(
        (hashed.data[at], hashed.indices[at] % width, indptr), shape=(len(rows), width)
    )


class UnitKinds:
    """The insert kinds of a batch of scored units, named on demand.

    Most units are kept and never need a kind, so naming all of them would be wasted work.
    Slicing gives a view on a sub-range (one document of a batch) that shares the
    features; :func:`take_kinds` names the rows of many views in one kind-model call.
    """

    def __init__(
        self,
        scorer: Scorer | None,
        hashed: sp.csr_matrix | None,
        dense: np.ndarray | None,
        offset: int = 0,
    ) -> None:
        self._scorer, self._hashed, self._dense, self._offset = scorer, hashed, dense, offset

    def __getitem__(self, key: slice) -> UnitKinds:
        if not isinstance(key, slice) or key.step not in (None, 1):
            raise TypeError("UnitKinds supports contiguous slices; use take_kinds() for rows")
        return UnitKinds(self._scorer, self._hashed, self._dense, self._offset + (key.start or 0))


def take_kinds(
    requests: Sequence[tuple[UnitKinds, Sequence[int]]],
) -> list[list[KindChoice]]:
    """The kinds of several views' rows, with one kind-model call per scoring call.

    A batch's documents are views on one scoring call's features; naming each document's
    removed units in a call of its own cost a fixed price per document. The kind of a row
    depends on that row's features alone (and its decision values are rounded before the
    choice), so naming them together gives the same kinds.
    """
    out: list[list[KindChoice]] = [[] for _ in requests]
    # requests on the same features, by their identity: the features and request numbers
    shared: dict[int, tuple[Scorer, sp.csr_matrix, np.ndarray, list[int]]] = {}
    for number, (view, rows) in enumerate(requests):
        if not rows:
            continue
        scorer, hashed, dense = view._scorer, view._hashed, view._dense
        if scorer is None or hashed is None or dense is None:
            out[number] = [KindChoice(OTHER, OTHER)] * len(rows)
        else:
            shared.setdefault(id(hashed), (scorer, hashed, dense, []))[3].append(number)
    for scorer, hashed, dense, numbers in shared.values():
        absolute = np.concatenate(
            [np.asarray(requests[n][1], dtype=np.int64) + requests[n][0]._offset for n in numbers]
        )
        names = scorer.kind_choices(hashed, dense, absolute)
        start = 0
        for n in numbers:
            end = start + len(requests[n][1])
            out[n] = names[start:end]
            start = end
    return out


__all__ = [
    "KIND_BITS",
    "KindChoice",
    "Scorer",
    "ScorerFormatError",
    "UnitKinds",
    "fold_rows",
    "take_kinds",
]
