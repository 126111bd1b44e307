"""The model store: a model is named arrays plus a JSON card, and loading it runs no code.

A model directory holds ``model.npz`` (the arrays of :class:`declutter.scoring.Scorer`, in
NumPy's ``.npz`` format, read with ``allow_pickle=False``) and ``card.json`` (what the model
was trained on, with which versions, its thresholds and its cross-validated scores). Neither
file can run code when loaded, whoever wrote it: no pickle anywhere.

Loading reads the card, then the model file's bytes *once*: the SHA-256 is computed on those
bytes and the arrays are parsed from the same bytes, so a file swapped between the check and
the load is never used. A damaged, truncated or foreign file is a :class:`ModelError` that
says what to do. The shipped model's hash is also pinned in the package
(:data:`SHIPPED_SHA256`), so a card rewritten beside a changed file is caught too.

A model is named one way everywhere (:data:`ModelSource`): a loaded :class:`Model`, a
directory, a :class:`ModelRef` (a directory plus the hash its card promised, which is what
worker processes receive), or ``None`` for the shipped model. :func:`resolve_model` turns
any of them into a loaded model through one cache, so a process loads each model once.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ModelError
from .features import FEATURE_VERSION
from .paragraphs import Unit
from .scoring import Scorer, ScorerFormatError

MODEL_FILE = "model.npz"
CARD_FILE = "card.json"
CARD_FORMAT = 2
#: The card format of a model with a context pass for pages (``page_context_*`` arrays):
#: a declutter that knows only format 2 would score pages with the plain-text networks, so
#: it refuses such a card instead. This declutter reads both.
PAGE_CONTEXT_CARD_FORMAT = 3
_CARD_FORMATS = (CARD_FORMAT, PAGE_CONTEXT_CARD_FORMAT)
#: SHA-256 of the shipped ``models/default/model.npz``: the package vouches for its own model.
SHIPPED_SHA256 = "507648ad4c5d2d9ff1a54c431f4046e3899617ceea56fe533aa4e4aabbd35588"
#: Largest model file read (the shipped one is a few MB): a bound, not a format limit.
MAX_MODEL_BYTES = 256 << 20
#: Models a process keeps loaded at once (the shipped one and a few others).
CACHE_SIZE = 4
_THRESHOLD_FIELDS = ("threshold", "html_threshold")
#: Thresholds a card may lack (cards written before 2026-12-04 have no one-line threshold;
#: such a model uses its text threshold for one-line documents, as before).
_OPTIONAL_THRESHOLD_FIELDS = ("one_line_threshold",)


@dataclass(frozen=True, eq=False)
class Model:
    """A loaded scorer together with its card and the decision thresholds it records."""

    scorer: Scorer
    card: dict[str, Any]
    path: Path | None = None

    @property
    def threshold(self) -> float:
        """Score at or above which a unit of plain text is removed (tuned for content recall)."""
        return float(self.card["threshold"])

    @property
    def html_threshold(self) -> float:
        """Removal threshold for HTML pages (``clean_html``), tuned on pages."""
        return float(self.card["html_threshold"])

    @property
    def one_line_threshold(self) -> float:
        """Removal threshold for plain text of a single line (``clean`` of one paragraph).

        Tuned apart because a lone line has no neighbours to vouch for it: at the text
        threshold m36 removed 42 of 241 content paragraphs cleaned one at a time (headlines,
        questions, one-liners). A card without one falls back to :attr:`threshold`.
        """
        return float(self.card.get("one_line_threshold", self.card["threshold"]))

    @property
    def sha256(self) -> str:
        """The model file's SHA-256, as its card records it."""
        return str(self.card["model_sha256"])


@dataclass(frozen=True)
class ModelRef:
    """A model directory and the SHA-256 its card promised: what parallel tasks carry.

    A worker resolving it refuses a model whose hash differs (for example one retrained
    while the job ran), so every worker scores with the caller's model.
    """

    path: str
    sha256: str


ModelSource = Model | ModelRef | str | Path | None


# --------------------------------------------------------------------------- writing


def npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """The arrays as ``.npz`` bytes, the same bytes for the same arrays.

    ``numpy.savez`` stamps each member with the current time; fixed stamps and a fixed
    member order keep a retrain on the same data byte-identical.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name in sorted(arrays):
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w") as member:
                np.lib.format.write_array(member, np.asarray(arrays[name]), allow_pickle=False)
    return buffer.getvalue()


#: Card keys that describe the model file itself; :func:`save_model` writes them.
CARD_KEYS_OF_FILE = frozenset(
    {"card_format", "feature_version", "model_file", "model_sha256", "model_bytes"}
)


def save_model(scorer: Scorer, directory: str | Path, card: dict[str, Any]) -> Path:
    """Write ``model.npz`` and ``card.json`` (with the file's hash and size) into a directory."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    data = npz_bytes(scorer.to_arrays())
    (directory / MODEL_FILE).write_bytes(data)
    full_card = {
        **card,
        "card_format": CARD_FORMAT if scorer.page_networks is None else PAGE_CONTEXT_CARD_FORMAT,
        "feature_version": FEATURE_VERSION,
        "model_file": MODEL_FILE,
        "model_sha256": hashlib.sha256(data).hexdigest(),
        "model_bytes": len(data),
    }
    (directory / CARD_FILE).write_text(json.dumps(full_card, indent=2, sort_keys=True) + "\n")
    return directory


# --------------------------------------------------------------------------- reading


def read_card(directory: Path) -> dict[str, Any]:
    """Read and check a model card; raise :class:`ModelError` with what to do."""
    card_path = directory / CARD_FILE
    if not card_path.is_file():
        raise ModelError(
            f"no model card at {card_path}. A model directory needs {CARD_FILE} and "
            f"{MODEL_FILE}, as written by `declutter train DATA -o DIR`."
        )
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        raise ModelError(
            f"the model card {card_path} is not valid JSON ({error}); retrain"
        ) from None
    if not isinstance(card, dict):
        raise ModelError(f"the model card {card_path} is not a JSON object; retrain")
    _check_card_fields(card, card_path)
    if card.get("feature_version") != FEATURE_VERSION:
        raise ModelError(
            f"the model at {directory} was trained with feature version "
            f"{card.get('feature_version')!r}, but this declutter computes feature version "
            f"{FEATURE_VERSION}. Retrain it: `declutter train DATA... -o {directory}`."
        )
    return card


def _check_card_fields(card: dict[str, Any], card_path: Path) -> None:
    """Refuse a card whose fields are missing or of the wrong type, naming the field."""
    if card.get("model_file") != MODEL_FILE or card.get("card_format") not in _CARD_FORMATS:
        raise ModelError(
            f"the model card {card_path} is not a card of format {CARD_FORMAT} or "
            f"{PAGE_CONTEXT_CARD_FORMAT} naming "
            f"{MODEL_FILE} (an older declutter wrote it, or it was edited); retrain the model "
            "with `declutter train`"
        )
    sha = card.get("model_sha256")
    if not isinstance(sha, str) or len(sha) != 64:
        raise ModelError(f"the model card {card_path} lacks a model_sha256; retrain the model")
    for name in _THRESHOLD_FIELDS + _OPTIONAL_THRESHOLD_FIELDS:
        if name in _OPTIONAL_THRESHOLD_FIELDS and name not in card:
            continue
        value = card.get(name)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
            raise ModelError(
                f"the model card {card_path} has a bad {name} {value!r}: it must be a number "
                "between 0 and 1"
            )


def _read_bounded(path: Path) -> bytes:
    """The file's bytes, refusing anything that is not a regular file of a sane size."""
    if not path.is_file():
        raise ModelError(f"there is no model file at {path}; retrain or reinstall")
    with path.open("rb") as handle:
        data = handle.read(MAX_MODEL_BYTES + 1)
    if len(data) > MAX_MODEL_BYTES:
        raise ModelError(f"{path} is larger than {MAX_MODEL_BYTES} bytes: not a declutter model")
    return data


def _parse_scorer(data: bytes, path: Path) -> Scorer:
    """The scorer in ``.npz`` bytes; no pickle is ever loaded, whatever the bytes hold."""
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
        return Scorer.from_arrays(arrays)
    except (ScorerFormatError, ValueError, OSError, zipfile.BadZipFile, KeyError) as error:
        raise ModelError(
            f"{path} is not a declutter model ({error}); retrain or reinstall"
        ) from None


def _smoke_test(scorer: Scorer, path: Path) -> None:
    """Score one line, so that arrays that do not fit together fail at load, not in use."""
    try:
        scores, _ = scorer.score([Unit("A short smoke-test sentence.", 0, 0, 1)])
    except ValueError as error:
        raise ModelError(
            f"{path} holds arrays that do not fit together ({error}); retrain"
        ) from None
    if not np.all(np.isfinite(scores)):
        raise ModelError(f"{path} scores a plain sentence as {scores}; retrain")


def _load_directory(directory: Path, expected_sha256: str) -> Model:
    """Load and verify one model directory (uncached)."""
    if directory.is_file():
        directory = directory.parent
    card = read_card(directory)
    model_path = directory / MODEL_FILE
    data = _read_bounded(model_path)
    found = hashlib.sha256(data).hexdigest()
    if found != card["model_sha256"]:
        raise ModelError(
            f"{model_path} does not match the SHA-256 in its card: the file was changed or "
            "damaged. Reinstall declutter or retrain the model."
        )
    if found != expected_sha256:
        raise ModelError(
            f"the model at {directory} is not the one expected (SHA-256 {found[:12]}…, "
            f"expected {expected_sha256[:12]}…): it was changed or retrained. Reinstall "
            "declutter, or rerun the job with the model as it is now."
        )
    scorer = _parse_scorer(data, model_path)
    if (scorer.page_networks is not None) != (card["card_format"] == PAGE_CONTEXT_CARD_FORMAT):
        raise ModelError(
            f"{model_path} and its card disagree about a context pass for pages (card format "
            f"{card['card_format']}): the card was edited or belongs to another model; retrain "
            "the model with `declutter train`"
        )
    _smoke_test(scorer, model_path)
    return Model(scorer, card, directory)


@functools.lru_cache(maxsize=CACHE_SIZE)
def _cached(directory: str, expected_sha256: str) -> Model:
    return _load_directory(Path(directory), expected_sha256)


def default_model_dir() -> Path:
    """Where the shipped model lives: inside the installed package, or in a source checkout."""
    packaged = resources.files("declutter") / "_model"
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parent.parent / "models" / "default"
    if checkout.is_dir():
        return checkout
    raise ModelError(
        "declutter's default model is missing from this installation (looked in the package's "
        "_model folder and in models/default of a source checkout). Reinstall declutter, or "
        "train one with `declutter train DATA -o DIR` and pass model=DIR."
    )


def resolve_model(model: ModelSource = None) -> Model:
    """A loaded, verified model from any way of naming one (see the module docstring).

    Directories are loaded once per process and then served from a small cache (keyed by
    the resolved path and the expected hash); a :class:`Model` is returned as it is.
    """
    if isinstance(model, Model):
        return model
    if model is None:
        return _cached(str(default_model_dir().resolve()), SHIPPED_SHA256)
    if isinstance(model, ModelRef):
        return _cached(model.path, model.sha256)
    if isinstance(model, (str, Path)):
        ref = model_reference(model)  # keyed by the card's hash: a retrain is a new model
        assert isinstance(ref, ModelRef)
        return _cached(ref.path, ref.sha256)
    raise ModelError(
        f"a model is named by a directory (str or Path), a loaded Model, or None for the "
        f"shipped one, not {type(model).__name__}"
    )


def load_model(path: str | Path | None = None) -> Model:
    """Load a model directory (or the shipped default when ``path`` is None), verified first.

    >>> load_model().card["model_file"]
    'model.npz'
    """
    if path is not None and not isinstance(path, (str, Path)):
        raise ModelError(
            f"load_model() takes a model directory (str or Path) or None, not {type(path).__name__}"
        )
    return resolve_model(path)


def model_reference(model: ModelSource) -> ModelSource:
    """What a task sent to another process should carry for ``model``: a small reference.

    A directory or a model loaded from one becomes a :class:`ModelRef` (read from its card;
    the model file is not read here); None stays None (each worker has the shipped model).
    A model built in memory can only travel whole.
    """
    if model is None or isinstance(model, ModelRef):
        return model
    if isinstance(model, Model):
        if model.path is None:
            return model
        return ModelRef(str(Path(model.path).resolve()), model.sha256)
    path = Path(model).resolve()
    directory = path.parent if path.is_file() else path
    if not directory.is_dir():
        raise ModelError(f"no model directory at {model}; give the folder `declutter train` wrote")
    return ModelRef(str(directory), str(read_card(directory)["model_sha256"]))


def cache_info() -> functools._CacheInfo:
    """How many models this process has loaded (misses) and served again (hits)."""
    return _cached.cache_info()


__all__ = [
    "CARD_FILE",
    "MODEL_FILE",
    "Model",
    "ModelError",
    "ModelRef",
    "ModelSource",
    "load_model",
    "model_reference",
    "resolve_model",
    "save_model",
]
