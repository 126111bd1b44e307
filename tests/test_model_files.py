"""A damaged, foreign or tampered model directory is refused (or warned about) with a clear
message, and a model file is never unpickled before its hash matches its card.

Every test works on a copy of the shipped model in ``tmp_path``; the real one is only read.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import shutil
import warnings
from pathlib import Path

import joblib
import pytest

import declutter
from declutter.errors import DeclutterError
from declutter.model import (
    CARD_FILE,
    MODEL_FILE,
    ModelError,
    ModelVersionWarning,
    default_model_dir,
    load_model,
)

TEXT = "Sign up for our newsletter to get the latest news in your inbox.\n\nRates rose on Monday."


@pytest.fixture
def model_copy(tmp_path: Path) -> Path:
    """A private copy of the shipped model directory."""
    target = tmp_path / "model"
    shutil.copytree(default_model_dir(), target)
    return target


def read_card(directory: Path) -> dict:
    return json.loads((directory / CARD_FILE).read_text())


def write_card(directory: Path, card: dict) -> None:
    (directory / CARD_FILE).write_text(json.dumps(card))


def rehash(directory: Path) -> None:
    """Make the card match the model file again (a damaged file that a card vouches for)."""
    card = read_card(directory)
    data = (directory / MODEL_FILE).read_bytes()
    card["model_sha256"] = hashlib.sha256(data).hexdigest()
    card["model_bytes"] = len(data)
    write_card(directory, card)


@pytest.fixture
def no_unpickling(monkeypatch):
    """Fail the test if anything calls joblib.load: a refused file must never be unpickled."""
    calls: list[object] = []

    def spy(*args, **kwargs):
        calls.append(args)
        raise AssertionError("joblib.load was called on a file that should have been refused")

    monkeypatch.setattr(joblib, "load", spy)
    return calls


def test_the_copy_loads_and_cleans_like_the_shipped_model(model_copy: Path) -> None:
    model = load_model(model_copy)
    assert declutter.clean(TEXT, model=model) == declutter.clean(TEXT)


def test_the_shipped_model_matches_its_card() -> None:
    directory = default_model_dir()
    card = read_card(directory)
    digest = hashlib.sha256((directory / card["model_file"]).read_bytes()).hexdigest()
    assert digest == card["model_sha256"]


def test_a_missing_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="declutter train"):
        load_model(tmp_path / "no-such-model")


def test_a_missing_model_file_is_refused(model_copy: Path) -> None:
    (model_copy / MODEL_FILE).unlink()
    with pytest.raises(ModelError, match="does not exist"):
        load_model(model_copy)


def test_a_missing_card_is_refused(model_copy: Path, no_unpickling) -> None:
    (model_copy / CARD_FILE).unlink()
    with pytest.raises(ModelError, match=CARD_FILE):
        load_model(model_copy)


@pytest.mark.parametrize("content", ["{not json", "", "[1, 2]", '{"feature_version": 1}'])
def test_a_broken_card_is_refused(model_copy: Path, no_unpickling, content: str) -> None:
    (model_copy / CARD_FILE).write_text(content)
    with pytest.raises(ModelError, match="card"):
        load_model(model_copy)


def test_a_card_that_is_not_utf8_is_refused(model_copy: Path, no_unpickling) -> None:
    (model_copy / CARD_FILE).write_bytes(b"\xff\xfe{\x00")
    with pytest.raises(ModelError, match="card"):
        load_model(model_copy)


def test_a_tampered_model_file_is_refused_before_unpickling(
    model_copy: Path, no_unpickling
) -> None:
    data = bytearray((model_copy / MODEL_FILE).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (model_copy / MODEL_FILE).write_bytes(bytes(data))
    with pytest.raises(ModelError, match="SHA-256") as caught:
        load_model(model_copy)
    assert "pickle" in str(caught.value)
    assert not no_unpickling


def test_a_swapped_pickle_is_refused_before_unpickling(model_copy: Path, no_unpickling) -> None:
    (model_copy / MODEL_FILE).write_bytes(pickle.dumps({"not": "a model"}))
    with pytest.raises(ModelError, match="SHA-256"):
        load_model(model_copy)
    assert not no_unpickling


def test_a_truncated_model_file_is_refused(model_copy: Path, no_unpickling) -> None:
    path = model_copy / MODEL_FILE
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(ModelError, match="SHA-256"):
        load_model(model_copy)


def test_a_truncated_file_that_its_card_vouches_for_fails_cleanly(model_copy: Path) -> None:
    path = model_copy / MODEL_FILE
    path.write_bytes(path.read_bytes()[:1000])
    rehash(model_copy)
    with pytest.raises(ModelError, match="could not read"):
        load_model(model_copy)


def test_a_corrupted_file_that_its_card_vouches_for_fails_cleanly(model_copy: Path) -> None:
    path = model_copy / MODEL_FILE
    data = bytearray(path.read_bytes())
    for offset in range(200, len(data), 997):
        data[offset] ^= 0x5A
    path.write_bytes(bytes(data))
    rehash(model_copy)
    with pytest.raises(ModelError, match="could not read"):
        load_model(model_copy)


def test_a_pickle_of_something_else_is_not_used(model_copy: Path) -> None:
    joblib.dump({"weights": [1, 2, 3]}, model_copy / MODEL_FILE)
    rehash(model_copy)
    with pytest.raises(ModelError, match="not a declutter model"):
        load_model(model_copy)


def test_another_feature_version_is_refused(model_copy: Path, no_unpickling) -> None:
    card = read_card(model_copy)
    card["feature_version"] = card["feature_version"] + 1
    write_card(model_copy, card)
    with pytest.raises(ModelError, match=r"feature version .*Retrain"):
        load_model(model_copy)


def test_another_scikit_learn_version_warns_and_loads(model_copy: Path) -> None:
    card = read_card(model_copy)
    card.setdefault("versions", {})["scikit-learn"] = "0.0.1"
    write_card(model_copy, card)
    with pytest.warns(ModelVersionWarning, match="scikit-learn 0.0.1"):
        model = load_model(model_copy)
    assert declutter.clean(TEXT, model=model) == declutter.clean(TEXT)


def test_the_same_scikit_learn_version_does_not_warn(model_copy: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", ModelVersionWarning)
        load_model(model_copy)


def test_a_path_to_the_model_file_itself_loads_its_directory(model_copy: Path) -> None:
    assert load_model(model_copy / MODEL_FILE).path == model_copy


@pytest.mark.parametrize(
    ("field", "value"),
    [("model_file", 5), ("model_file", None), ("versions", "1.5")],
)
def test_a_card_with_wrong_field_types_is_a_model_error(model_copy: Path, field, value) -> None:
    card = read_card(model_copy)
    card[field] = value
    write_card(model_copy, card)
    with pytest.raises(ModelError, match=field):
        load_model(model_copy)


def test_a_card_cannot_point_outside_its_directory(model_copy: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.joblib"
    shutil.copy(model_copy / MODEL_FILE, elsewhere)
    card = read_card(model_copy)
    card["model_file"] = "../elsewhere.joblib"
    write_card(model_copy, card)
    with pytest.raises(ModelError, match="model_file"):
        load_model(model_copy)


def test_a_card_with_a_bad_threshold_is_refused_at_load(model_copy: Path) -> None:
    card = read_card(model_copy)
    card["threshold"] = "high"
    write_card(model_copy, card)
    with pytest.raises(ModelError, match="threshold"):
        load_model(model_copy)


def test_model_errors_are_declutter_errors() -> None:
    assert issubclass(ModelError, DeclutterError)


def test_a_model_from_another_code_version_is_refused_at_load(model_copy: Path) -> None:
    classifier = joblib.load(model_copy / MODEL_FILE)
    del classifier.pass_two_  # what an older or newer classifier class looks like
    joblib.dump(classifier, model_copy / MODEL_FILE)
    rehash(model_copy)
    with pytest.raises(ModelError, match="retrain"):
        load_model(model_copy)
