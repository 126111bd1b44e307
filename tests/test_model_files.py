"""The model store: a damaged, foreign, old or hostile model directory is refused with a
clear message, and loading any directory runs no code from it.

Every test works on a copy of the shipped model in ``tmp_path``; the real one is only read.
"""

from __future__ import annotations

import builtins
import hashlib
import io
import json
import pickle
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest

import declutter
from declutter.errors import DeclutterError
from declutter.model import (
    CARD_FILE,
    MODEL_FILE,
    SHIPPED_SHA256,
    ModelError,
    default_model_dir,
    load_model,
    npz_bytes,
    save_model,
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


def vouch(directory: Path, data: bytes) -> None:
    """Write ``data`` as the model file and make the card vouch for it (hash and size)."""
    (directory / MODEL_FILE).write_bytes(data)
    card = read_card(directory)
    card["model_sha256"] = hashlib.sha256(data).hexdigest()
    card["model_bytes"] = len(data)
    write_card(directory, card)


def shipped_arrays() -> dict[str, np.ndarray]:
    with np.load(default_model_dir() / MODEL_FILE, allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


class Payload:
    """Unpickling this writes a marker file: proof that code from a model file ran."""

    marker: Path

    def __reduce__(self):
        return (Path.write_text, (self.marker, "code from a model file ran"))


def hostile_pickle(marker: Path) -> bytes:
    payload = Payload()
    payload.marker = marker
    return pickle.dumps(payload)


def test_the_copy_loads_and_cleans_like_the_shipped_model(model_copy: Path) -> None:
    loaded = load_model(model_copy)
    assert declutter.clean(TEXT, model=loaded) == declutter.clean(TEXT)


def test_the_shipped_model_matches_its_card_and_the_hash_pinned_in_the_package() -> None:
    data = (default_model_dir() / MODEL_FILE).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    assert digest == read_card(default_model_dir())["model_sha256"] == SHIPPED_SHA256


def test_the_store_writes_the_same_bytes_for_the_same_arrays(tmp_path: Path) -> None:
    arrays = shipped_arrays()
    assert npz_bytes(arrays) == npz_bytes(dict(reversed(list(arrays.items()))))
    scorer = load_model().scorer
    save_model(scorer, tmp_path / "a", {"threshold": 0.9, "html_threshold": 0.9})
    assert (tmp_path / "a" / MODEL_FILE).read_bytes() == (
        default_model_dir() / MODEL_FILE
    ).read_bytes()


def test_no_file_of_the_shipped_model_is_a_pickle() -> None:
    with zipfile.ZipFile(default_model_dir() / MODEL_FILE) as archive:
        for name in archive.namelist():
            header = archive.read(name)[:128]
            assert header.startswith(b"\x93NUMPY") and b"'O'" not in header


def test_a_hostile_pickle_that_its_card_vouches_for_is_refused_and_never_run(
    model_copy: Path, tmp_path: Path
) -> None:
    marker = tmp_path / "ran.txt"
    vouch(model_copy, hostile_pickle(marker))
    with pytest.raises(ModelError, match="not a declutter model"):
        load_model(model_copy)
    assert not marker.exists()


def test_an_npz_holding_a_pickled_object_array_is_refused_and_never_run(
    model_copy: Path, tmp_path: Path
) -> None:
    marker = tmp_path / "ran.txt"
    payload = Payload()
    payload.marker = marker
    arrays = shipped_arrays()
    buffer = io.BytesIO()
    np.savez(buffer, **{**arrays, "pass_one_dense": np.array([payload], dtype=object)})
    vouch(model_copy, buffer.getvalue())
    with pytest.raises(ModelError, match="not a declutter model"):
        load_model(model_copy)
    assert not marker.exists()


def test_an_old_pickled_model_directory_is_refused_and_never_run(
    model_copy: Path, tmp_path: Path
) -> None:
    marker = tmp_path / "ran.txt"
    data = hostile_pickle(marker)
    (model_copy / "model.joblib").write_bytes(data)
    card = read_card(model_copy)
    card.update(
        card_format=1, model_file="model.joblib", model_sha256=hashlib.sha256(data).hexdigest()
    )
    write_card(model_copy, card)
    with pytest.raises(ModelError, match="retrain"):
        load_model(model_copy)
    assert not marker.exists()


def test_the_model_file_is_read_once_so_it_cannot_be_swapped_between_check_and_load(
    model_copy: Path, monkeypatch
) -> None:
    opened: list[str] = []
    real_open = Path.open

    def counting_open(self, *args, **kwargs):
        if self.name == MODEL_FILE:
            opened.append(str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", counting_open)
    monkeypatch.setattr(builtins, "open", lambda *a, **k: pytest.fail("open() by name"))
    load_model(model_copy)
    assert len(opened) == 1


def test_a_missing_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no model"):
        load_model(tmp_path / "nowhere")


def test_a_missing_model_file_is_refused(model_copy: Path) -> None:
    (model_copy / MODEL_FILE).unlink()
    with pytest.raises(ModelError, match="no model file"):
        load_model(model_copy)


def test_a_missing_card_is_refused(model_copy: Path) -> None:
    (model_copy / CARD_FILE).unlink()
    with pytest.raises(ModelError, match="no model card"):
        load_model(model_copy)


@pytest.mark.parametrize("content", ["", "{", "[1, 2]", "null", "[" * 100_000])
def test_a_broken_card_is_refused(model_copy: Path, content: str) -> None:
    (model_copy / CARD_FILE).write_text(content)
    with pytest.raises(ModelError, match="card"):
        load_model(model_copy)


def test_a_card_that_is_not_utf8_is_refused(model_copy: Path) -> None:
    (model_copy / CARD_FILE).write_bytes(b'{"threshold": "\xff"}')
    with pytest.raises(ModelError, match="not valid JSON"):
        load_model(model_copy)


def test_a_tampered_model_file_is_refused(model_copy: Path) -> None:
    data = bytearray((model_copy / MODEL_FILE).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (model_copy / MODEL_FILE).write_bytes(bytes(data))
    with pytest.raises(ModelError, match="does not match the SHA-256"):
        load_model(model_copy)


def test_a_truncated_file_that_its_card_vouches_for_fails_cleanly(model_copy: Path) -> None:
    vouch(model_copy, (model_copy / MODEL_FILE).read_bytes()[:5000])
    with pytest.raises(ModelError, match="not a declutter model"):
        load_model(model_copy)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("pass_one_dense", np.zeros(3)),  # wrong shape
        ("pass_one_hashed", np.full(1 << 18, np.nan)),  # not finite
        ("hash_bits", np.array(40)),  # out of range
        ("context_0_layer_0_weights", np.zeros((64, 64))),  # not the context width
        ("kind_classes", np.array([1, 2])),  # not strings
    ],
)
def test_arrays_that_do_not_form_a_model_are_refused(model_copy: Path, name, value) -> None:
    vouch(model_copy, npz_bytes({**shipped_arrays(), name: value}))
    with pytest.raises(ModelError, match=name):
        load_model(model_copy)


def test_a_missing_array_is_named(model_copy: Path) -> None:
    arrays = shipped_arrays()
    del arrays["pass_one_intercept"]
    vouch(model_copy, npz_bytes(arrays))
    with pytest.raises(ModelError, match="pass_one_intercept"):
        load_model(model_copy)


def test_another_feature_version_is_refused(model_copy: Path) -> None:
    card = read_card(model_copy)
    card["feature_version"] = -1
    write_card(model_copy, card)
    with pytest.raises(ModelError, match="feature version"):
        load_model(model_copy)


def test_a_path_to_the_model_file_itself_loads_its_directory(model_copy: Path) -> None:
    assert load_model(model_copy / MODEL_FILE).path == model_copy


@pytest.mark.parametrize(
    ("field", "value"),
    [("model_file", 5), ("model_file", "../elsewhere.npz"), ("threshold", "high"),
     ("html_threshold", 2), ("one_line_threshold", -0.1), ("one_line_threshold", None),
     ("model_sha256", None)],
)  # fmt: skip
def test_a_card_with_a_bad_field_is_a_model_error(model_copy: Path, field, value) -> None:
    card = read_card(model_copy)
    card[field] = value
    write_card(model_copy, card)
    with pytest.raises(ModelError, match="card"):
        load_model(model_copy)


def test_a_card_without_a_one_line_threshold_uses_its_text_threshold(model_copy: Path) -> None:
    """Cards written before the one-line threshold existed still load and mean what they did."""
    card = read_card(model_copy)
    del card["one_line_threshold"]
    write_card(model_copy, card)
    model = load_model(model_copy)
    assert model.one_line_threshold == model.threshold == card["threshold"]


@pytest.mark.parametrize("value", [5, 1.5, b"models/default", ["models/default"]])
def test_a_model_named_by_anything_else_is_a_model_error(value) -> None:
    with pytest.raises(ModelError, match="directory"):
        load_model(value)
    with pytest.raises(ModelError, match="directory"):
        declutter.clean("Rates rose.", model=value)


def test_a_retrained_directory_is_loaded_again_not_served_from_the_cache(
    model_copy: Path,
) -> None:
    first = load_model(model_copy)
    assert load_model(model_copy) is first  # loaded once per process
    arrays = shipped_arrays()
    arrays["pass_one_intercept"] = np.array(float(arrays["pass_one_intercept"]) + 1.0)
    vouch(model_copy, npz_bytes(arrays))
    assert load_model(model_copy) is not first


def test_model_errors_are_declutter_errors() -> None:
    assert issubclass(ModelError, DeclutterError)


def test_page_blocks_go_to_the_page_context_networks_when_a_model_has_them(
    model_copy: Path,
) -> None:
    """A model with ``page_context_*`` networks scores page blocks with them and plain text
    with the others; saved and loaded, the arrays come back as they were."""
    shipped_with_pages = shipped_arrays()
    assert any(name.startswith("page_context_") for name in shipped_with_pages)
    # the shipped model's text networks alone, then page networks made from them whose
    # last bias is pushed up so that every page block scores ~1
    arrays = {k: v for k, v in shipped_with_pages.items() if not k.startswith("page_")}
    page = {}
    for name, value in arrays.items():
        if name.startswith("context_"):
            last_bias = name.endswith("_bias") and value.shape == (1,)
            page["page_" + name] = value + 50.0 if last_bias else value  # outputs ~1
    vouch(model_copy, npz_bytes({**arrays, **page}))
    write_card(model_copy, {**read_card(model_copy), "card_format": 2})
    with pytest.raises(ModelError, match="context pass for pages"):  # a format-2 card
        load_model(model_copy)
    write_card(model_copy, {**read_card(model_copy), "card_format": 3})
    model = load_model(model_copy)
    assert model.scorer.page_networks is not None
    assert set(model.scorer.to_arrays()) == set(arrays) | set(page)
    shipped = load_model()
    assert declutter.clean(TEXT, model=model) == declutter.clean(TEXT, model=shipped)
    markup = "<html><body><p>Rates rose on Monday, the central bank said.</p></body></html>"
    assert declutter.clean_html(markup, model=shipped).text.strip()  # kept by the shipped one
    assert [s.score for s in declutter.clean_html(markup, model=model).segments] == [1.0]
    broken = {**page, "page_context_0_layer_0_weights": np.zeros((64, 64))}
    vouch(model_copy, npz_bytes({**arrays, **broken}))
    with pytest.raises(ModelError, match="page_context_0_layer_0_weights"):
        load_model(model_copy)
    vouch(model_copy, npz_bytes(arrays))  # a format-3 card without the page networks
    with pytest.raises(ModelError, match="context pass for pages"):
        load_model(model_copy)
