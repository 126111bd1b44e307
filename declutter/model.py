"""A trained model on disk: the estimator file plus a JSON card that says what it is.

A model directory holds ``model.joblib`` (the fitted :class:`ParagraphClassifier`) and
``card.json``. The card is read *before* the model file is touched:

* its ``feature_version`` must match this declutter's (otherwise the numbers the model
  expects are not the ones it would get: retrain);
* the SHA-256 of ``model.joblib`` must match the card (a joblib file is a pickle: loading it
  runs code, so a file that is not the one the card describes is refused);
* a different scikit-learn version only warns: pickles usually survive minor releases.

**Only load model files from a source you trust.** The hash check guards against accidents
and tampering of the file alone, not against a malicious card written alongside it.

The shipped model is found with :mod:`importlib.resources` inside the installed package
(``declutter/_model``), or in ``models/default`` of a source checkout, and loaded on first
use only, then cached.
"""

from __future__ import annotations

import functools
import hashlib
import json
import warnings
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import joblib
import sklearn

from .classifier import ParagraphClassifier
from .errors import DeclutterError
from .features import FEATURE_VERSION, Unit

MODEL_FILE = "model.joblib"
CARD_FILE = "card.json"
CARD_FORMAT = 1
#: Default threshold when a card names none; cards written by ``declutter train`` do.
FALLBACK_THRESHOLD = 0.5


class ModelError(DeclutterError, RuntimeError):
    """A model file or its card is missing, damaged, or from an incompatible version."""


class ModelVersionWarning(UserWarning):
    """The model was trained with another scikit-learn version than the one installed."""


@dataclass(frozen=True)
class Model:
    """A loaded classifier together with its card and the decision thresholds it records."""

    classifier: ParagraphClassifier
    card: dict[str, Any]
    path: Path | None = None

    @property
    def threshold(self) -> float:
        """Score at or above which a unit of plain text is removed (tuned for content recall)."""
        return float(self.card.get("threshold", FALLBACK_THRESHOLD))

    @property
    def html_threshold(self) -> float:
        """Removal threshold for HTML pages (``clean_html``), tuned on pages."""
        return float(self.card.get("html_threshold", self.threshold))

    @property
    def split_threshold(self) -> float:
        """Stricter score a leading or trailing piece of a line needs to be cut off."""
        return float(self.card.get("split_threshold", max(self.threshold, 0.9)))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def save_model(
    classifier: ParagraphClassifier, directory: str | Path, card: dict[str, Any]
) -> Path:
    """Write ``model.joblib`` and ``card.json`` (with the file's hash and size) into a directory."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    model_path = directory / MODEL_FILE
    joblib.dump(classifier, model_path, compress=("zlib", 6))
    full_card = {
        "card_format": CARD_FORMAT,
        "feature_version": FEATURE_VERSION,
        **card,
        "model_file": MODEL_FILE,
        "model_sha256": _sha256(model_path),
        "model_bytes": model_path.stat().st_size,
    }
    (directory / CARD_FILE).write_text(json.dumps(full_card, indent=2, sort_keys=True) + "\n")
    return directory


def read_card(directory: Path) -> dict[str, Any]:
    """Read and check a model card; raise :class:`ModelError` with what to do."""
    card_path = directory / CARD_FILE
    if not card_path.is_file():
        raise ModelError(
            f"no model card at {card_path}. A model directory needs {CARD_FILE} and {MODEL_FILE}, "
            "as written by `declutter train DATA -o DIR`."
        )
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ModelError(
            f"the model card {card_path} is not valid JSON ({error}); retrain"
        ) from None
    if not isinstance(card, dict) or "model_sha256" not in card:
        raise ModelError(f"the model card {card_path} lacks model_sha256; retrain the model")
    _check_card_fields(card, card_path)
    if card.get("feature_version") != FEATURE_VERSION:
        raise ModelError(
            f"the model at {directory} was trained with feature version "
            f"{card.get('feature_version')}, but this declutter computes feature version "
            f"{FEATURE_VERSION}. Retrain it: `declutter train DATA... -o {directory}`."
        )
    return card


def _check_card_fields(card: dict[str, Any], card_path: Path) -> None:
    """Refuse a card whose fields have the wrong type, naming the field."""
    model_file = card.get("model_file", MODEL_FILE)
    if not isinstance(model_file, str) or Path(model_file).name != model_file or not model_file:
        raise ModelError(
            f"the model card {card_path} has a bad model_file {model_file!r}: it must be a "
            "file name inside the model directory"
        )
    if not isinstance(card.get("versions", {}), dict):
        raise ModelError(f"the model card {card_path} has a bad versions field; retrain")
    for name in ("threshold", "html_threshold", "split_threshold"):
        value = card.get(name, 0.5)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
            raise ModelError(
                f"the model card {card_path} has a bad {name} {value!r}: it must be a number "
                "between 0 and 1"
            )


def _smoke_test(classifier: ParagraphClassifier, model_path: Path) -> None:
    """Score one line, so that a pickle of another declutter's classifier fails at load."""
    try:
        classifier.score([Unit("A short smoke-test sentence.", 0, 0, 1)])
    except Exception as error:
        raise ModelError(
            f"{model_path} was written by another version of declutter and cannot score "
            f"({error!r}); retrain it with `declutter train`"
        ) from None


def load_model(path: str | Path | None = None) -> Model:
    """Load a model directory (or the shipped default when ``path`` is None), verified first.

    The default model is cached after the first call; other paths are loaded each time.
    """
    if path is None:
        return _default_model()
    return _load_verified(Path(path))


def _load_verified(directory: Path) -> Model:
    if directory.is_file():
        directory = directory.parent
    card = read_card(directory)
    model_path = directory / card.get("model_file", MODEL_FILE)
    if not model_path.is_file():
        raise ModelError(f"the card names {model_path}, which does not exist; retrain or reinstall")
    if _sha256(model_path) != card["model_sha256"]:
        raise ModelError(
            f"{model_path} does not match the SHA-256 in its card: the file was changed or "
            "damaged. It was not loaded (a model file is a pickle and runs code). Reinstall "
            "declutter or retrain the model."
        )
    trained_with = card.get("versions", {}).get("scikit-learn")
    if trained_with and trained_with != sklearn.__version__:
        warnings.warn(
            f"the model at {directory} was trained with scikit-learn {trained_with}, and "
            f"{sklearn.__version__} is installed; scores may differ slightly. Retrain with "
            "`declutter train` to silence this.",
            ModelVersionWarning,
            stacklevel=3,
        )
    try:
        classifier = joblib.load(model_path)
    except Exception as error:  # a truncated or foreign file fails in many ways
        raise ModelError(f"could not read {model_path}: {error!r}; retrain or reinstall") from None
    if not isinstance(classifier, ParagraphClassifier):
        raise ModelError(f"{model_path} holds a {type(classifier).__name__}, not a declutter model")
    _smoke_test(classifier, model_path)
    return Model(classifier, card, directory)


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
        "train one with `declutter train DATA -o DIR` and pass model=load_model(DIR)."
    )


@functools.lru_cache(maxsize=1)
def _default_model() -> Model:
    return _load_verified(default_model_dir())
