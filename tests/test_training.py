"""Retraining: the same command on the same data gives the same model, scores and card."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from declutter import clean, load_model
from declutter.cli import main
from declutter.core import prepare, prepare_html
from declutter.training.train import TrainConfig, train

ROOT = Path(__file__).resolve().parent.parent
TEST_DOCUMENTS = ROOT / "training_data" / "test.jsonl"
#: A small, fast configuration: what these tests check does not depend on the model's size.
#: own_bare_pages off: with it a page context pass is fitted too, which costs the suite time;
#: :func:`test_our_text_as_bare_pages_trains_as_clean_html_sees_such_a_page` covers it.
FAST = TrainConfig(n_folds=3, hash_bits=14, context_members=2, own_bare_pages=False)

TEXT = (
    "The city council voted on Tuesday to extend the tram line to the airport.\n"
    "Sign up for our newsletter to get the latest local news in your inbox.\n"
    "Construction is expected to begin next spring and to last two years."
)


@pytest.fixture(scope="module")
def small_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every third document of the test split: 165 documents from 31 sources, enough for
    grouped folds and a threshold, a third of the time of the whole file."""
    lines = [line for line in TEST_DOCUMENTS.read_text().splitlines() if line.strip()]
    path = tmp_path_factory.mktemp("data") / "small.jsonl"
    path.write_text("\n".join(lines[::3]) + "\n")
    return path


@pytest.fixture(scope="module")
def two_models(small_data: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    first = tmp_path_factory.mktemp("first")
    second = tmp_path_factory.mktemp("second")
    # one in this process, one with the folds fit by two worker processes: the number of
    # processes must not change the model
    train([str(small_data)], first, config=FAST, verbose=False, n_jobs=1)
    train([str(small_data)], second, config=FAST, verbose=False, n_jobs=2)
    return first, second


def test_same_data_and_seed_give_an_identical_card_and_model_file(
    two_models: tuple[Path, Path],
) -> None:
    first, second = two_models
    card_one = json.loads((first / "card.json").read_text())
    card_two = json.loads((second / "card.json").read_text())
    assert card_one == card_two
    assert (first / "model.npz").read_bytes() == (second / "model.npz").read_bytes()


def test_same_data_and_seed_give_identical_predictions(two_models: tuple[Path, Path]) -> None:
    first, second = two_models
    one = clean(TEXT, model=load_model(first))
    two = clean(TEXT, model=load_model(second))
    assert one == two


def test_the_card_records_data_versions_and_scores(
    two_models: tuple[Path, Path], small_data: Path
) -> None:
    card = json.loads((two_models[0] / "card.json").read_text())
    assert card["training_data"][0]["name"] == str(small_data)
    assert len(card["training_data"][0]["sha256"]) == 64
    documents = sum(1 for line in small_data.open() if line.strip())
    assert card["training_data"][0]["documents"] == documents
    assert {"scikit-learn", "joblib", "declutter", "numpy"} <= set(card["versions"])
    assert 0.0 < card["threshold"] < 1.0 and "split_threshold" not in card
    assert 0.0 <= card["cross_validation"]["piece_false_cuts"] < 0.05
    scores = card["cross_validation"]["scores"]["all"]
    assert 0.0 <= scores["insert_f1"] <= 1.0 and scores["paragraphs"] > 100


def test_the_threshold_meets_the_content_recall_target_out_of_fold(
    two_models: tuple[Path, Path],
) -> None:
    card = json.loads((two_models[0] / "card.json").read_text())
    assert card["cross_validation"]["scores"]["all"]["content_recall"] >= FAST.target_content_recall


def test_a_different_seed_is_recorded_in_the_card(
    tmp_path: Path, small_data: Path, two_models: tuple[Path, Path]
) -> None:
    model = train([str(small_data)], tmp_path, config=replace(FAST, random_state=7), verbose=False)
    assert model.card["config"]["random_state"] == 7
    # and it is a seed: the networks differ from seed 0's on the same data
    assert model.sha256 != load_model(two_models[0]).sha256


def test_train_command_reports_a_missing_data_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["train", str(tmp_path / "nope.jsonl"), "-o", str(tmp_path / "m")])
    assert code == 2
    assert "does not exist" in capsys.readouterr().err


@pytest.mark.parametrize("context_model", ["mlp", "logistic"])
def test_the_exported_scorer_equals_scikit_learns_predictions(
    context_model: str, small_data: Path
) -> None:
    """The library scores with exported arrays (declutter.scoring): they must not drift
    from what the fitted scikit-learn models predict."""
    import numpy as np
    import scipy.sparse as sp

    from declutter.context import context_matrix
    from declutter.core import prepare
    from declutter.features import extract
    from declutter.kinds import INSERT_KINDS
    from declutter.training.data import read_jsonl
    from declutter.training.estimator import fold_features
    from declutter.training.units import build_units

    docs = list(read_jsonl(small_data))
    labelled = build_units([("small", docs)])
    config = TrainConfig(n_folds=3, hash_bits=16, context_model=context_model, context_members=2)
    classifier = config.classifier().fit(
        labelled.units, labelled.labels, labelled.groups, kinds=labelled.kinds
    )
    texts = [doc.render()[0] for doc in docs[:12]]
    units = [u for number, text in enumerate(texts) for u in prepare(text, doc=number).units]
    hashed, dense = extract(units, 16)
    X = sp.hstack([hashed, sp.csr_matrix(dense)], format="csr")
    scorer = classifier.scorer_

    first = classifier.pass_one_.decision_function(X)
    assert np.allclose(scorer.pass_one(hashed, dense), first, rtol=0, atol=1e-5)
    Z = context_matrix(units, first, dense)
    expected = classifier.pass_two_.predict_proba(Z)[:, 1]
    assert np.allclose(scorer.pass_two(Z), expected, rtol=0, atol=1e-9)
    names = classifier.kind_model_.predict(fold_features(X))
    named = [choice.first for choice in scorer.kind_choices(hashed, dense, np.arange(len(units)))]
    assert named == [str(n) if n in INSERT_KINDS else "other" for n in names]
    assert np.allclose(classifier.predict_proba(units)[:, 1], scorer.score(units)[0])


def test_an_unknown_context_model_is_an_error_not_a_silent_default() -> None:
    from declutter.training.estimator import ParagraphClassifier

    with pytest.raises(ValueError, match="context_model"):
        ParagraphClassifier(context_model="gbm").fit([], [])


def test_the_estimator_keeps_scikit_learns_contract() -> None:
    from sklearn.base import ClassifierMixin, clone

    from declutter.training.estimator import ParagraphClassifier

    estimator = ParagraphClassifier(C=2.0, context_members=3)
    assert clone(estimator).get_params() == estimator.get_params()
    assert ParagraphClassifier.score is ClassifierMixin.score  # not renamed to mean another thing
    assert TrainConfig(C=2.0).classifier().get_params()["C"] == 2.0


def test_dataset_weights_give_each_corpus_its_share_even_without_our_own_data() -> None:
    from types import SimpleNamespace

    from declutter.training.datasets import Dataset
    from declutter.training.train import TrainConfig, dataset_weights

    def names(*counts: tuple[str, int]) -> SimpleNamespace:
        datasets = [name for name, n in counts for _ in range(n)]
        return SimpleNamespace(datasets=datasets, labels=[0] * len(datasets))

    own = Dataset("own.jsonl", (), "0", is_corpus=False)
    big, small = (Dataset(n, (), "0", is_corpus=True) for n in ("corpus:a", "corpus:b"))
    config = TrainConfig(corpus_weight=0.5)
    mixed = dataset_weights(names(("own.jsonl", 10), ("corpus:a", 40), ("corpus:b", 5)),
                            [own, big, small], config)  # fmt: skip
    assert mixed[:10].sum() == 10 and mixed[10:50].sum() == mixed[50:].sum() == 5
    # with no data of our own, the unit of weight is the number of units, not 1: each
    # corpus still weighs half of it, so regularisation means the same as with a mix
    alone = dataset_weights(names(("corpus:a", 40), ("corpus:b", 5)), [big, small], config)
    assert alone[:40].sum() == alone[40:].sum() == 0.5 * 45


def test_a_corpus_weight_factor_weighs_every_mode_of_that_corpus_and_no_other() -> None:
    from types import SimpleNamespace

    from declutter.training.datasets import Dataset
    from declutter.training.train import TrainConfig, dataset_weights

    names = ["own.jsonl"] * 10 + ["corpus:a"] * 4 + ["corpus:a:text:agreed"] * 5 + ["corpus:b"] * 2
    datasets = [Dataset("own.jsonl", (), "0", is_corpus=False)] + [
        Dataset(n, (), "0", is_corpus=True)
        for n in ("corpus:a", "corpus:a:text:agreed", "corpus:b")
    ]
    labelled = SimpleNamespace(datasets=names, labels=[0] * len(names))
    config = TrainConfig(corpus_weight=0.5, corpus_weight_factors={"a": 3.0, "c": 9.0})
    weights = dataset_weights(labelled, datasets, config)
    assert weights[:10].sum() == 10  # our own data is untouched
    assert weights[10:14].sum() == weights[14:19].sum() == 3 * 0.5 * 10  # pages and text of a
    assert weights[19:].sum() == 0.5 * 10  # b has no factor; c names no dataset here
    with pytest.raises(ValueError, match="positive"):
        TrainConfig(corpus_weight_factors={"a": 0.0})


def test_derived_training_data_does_not_change_the_unit_a_corpus_is_weighed_in() -> None:
    """Our text again as bare pages is more units of ours, not more of our data: counted,
    it doubled every corpus's weight against our own text's inserts (m33 against m35)."""
    from types import SimpleNamespace

    from declutter.training.datasets import Dataset
    from declutter.training.train import TrainConfig, dataset_weights

    own = Dataset("own.jsonl", (), "0", is_corpus=False)
    bare = Dataset("own.jsonl:bare-pages", (), "0", is_corpus=False, tuned=False)
    corpus = Dataset("corpus:a", (), "0", is_corpus=True)
    names = ["own.jsonl"] * 10 + ["own.jsonl:bare-pages"] * 10 + ["corpus:a"] * 4
    labelled = SimpleNamespace(datasets=names, labels=[0] * len(names))
    weights = dataset_weights(labelled, [own, bare, corpus], TrainConfig(corpus_weight=0.5))
    assert weights[20:].sum() == 0.5 * 10  # half of our 10 written units, not of 20
    assert list(weights[:20]) == [1.0] * 20


def test_our_own_inserts_weigh_more_and_the_corpora_keep_their_share() -> None:
    from types import SimpleNamespace

    from declutter.training.datasets import Dataset
    from declutter.training.train import TrainConfig, dataset_weights

    own = Dataset("own.jsonl", (), "0", is_corpus=False)
    corpus = Dataset("corpus:a", (), "0", is_corpus=True)
    labelled = SimpleNamespace(
        datasets=["own.jsonl"] * 4 + ["corpus:a"] * 4, labels=[0, 1, -1, 1, 0, 1, 1, 0]
    )
    weights = dataset_weights(labelled, [own, corpus], TrainConfig(own_insert_weight=3.0))
    assert list(weights[:4]) == [1.0, 3.0, 1.0, 3.0]  # unknown units keep weight 1
    assert list(weights[4:]) == [0.5] * 4  # a corpus's inserts are not weighted up


def test_our_own_pages_are_not_weighed_up_and_each_pass_can_have_its_own_weight() -> None:
    from types import SimpleNamespace

    from declutter.html import BlockFeatures
    from declutter.training.data import LabelledDocument, LabelledParagraph
    from declutter.training.datasets import Dataset
    from declutter.training.train import TrainConfig, dataset_weights

    block = BlockFeatures(tag="p")
    page = LabelledDocument(
        id="p", source="s.example", separator="\n\n",
        paragraphs=(LabelledParagraph("Subscribe now", "insert", "newsletter", None, block),),
    )  # fmt: skip
    text, pages = Dataset("own.jsonl", (), "0", False), Dataset("pages.jsonl", (page,), "0", False)
    labelled = SimpleNamespace(datasets=["own.jsonl"] * 2 + ["pages.jsonl"] * 2, labels=[1, 0] * 2)
    config = TrainConfig(own_insert_weight=3.0, context_own_insert_weight=2.0)
    assert list(dataset_weights(labelled, [text, pages], config)) == [3.0, 1.0, 1.0, 1.0]
    context = dataset_weights(labelled, [text, pages], config, config.context_own_insert_weight)
    assert list(context) == [2.0, 1.0, 1.0, 1.0]


def test_context_networks_fit_on_rows_drawn_by_weight() -> None:
    """With ``rows``, each network sees its own weighted draw: rows of weight zero never,
    the same seed the same draw (so the same networks), and too few rows are refused."""
    import numpy as np

    from declutter.training.estimator import AveragedMLP, ParagraphClassifier

    rng = np.random.default_rng(0)
    X = rng.normal(size=(3000, 4))
    y = (X[:, 0] > 0).astype(int)
    weight = np.where(np.arange(3000) < 1500, 1.0, 0.0)
    y_flipped = np.where(weight > 0, y, 1 - y)  # the weightless half teaches the opposite
    fitted = AveragedMLP(members=2, random_state=3, rows=1200).fit(X, y_flipped, weight)
    again = AveragedMLP(members=2, random_state=3, rows=1200).fit(X, y_flipped, weight)
    assert np.array_equal(fitted.predict_proba(X), again.predict_proba(X))
    agreement = ((fitted.predict_proba(X)[:, 1] >= 0.5) == y).mean()
    assert agreement > 0.95  # learnt from the weighted half only
    first, second = (n.coefs_[0] for n in fitted.networks_)
    assert not np.array_equal(first, second)
    with pytest.raises(ValueError, match="context_rows"):
        ParagraphClassifier(context_rows=10).fit([], [])


def test_about_half_of_a_corpus_ends_at_its_article_for_training_and_our_own_data_is_left() -> None:
    from declutter.training.data import LabelledDocument, LabelledParagraph
    from declutter.training.datasets import Dataset, end_some_at_their_article

    def doc(n: int) -> LabelledDocument:
        labels = ["insert", "content", "insert", "content", "insert", None]
        paragraphs = tuple(LabelledParagraph(f"p{k}", label) for k, label in enumerate(labels))
        return LabelledDocument(id=f"page-{n}", source=f"site{n}.example", paragraphs=paragraphs)

    bare = LabelledDocument("bare", "x.example", (LabelledParagraph("menu", "insert"),))
    docs = (*(doc(n) for n in range(400)), bare)
    corpus = Dataset("corpus:a", docs, "0", is_corpus=True)
    half = end_some_at_their_article(corpus, 0.5)
    lengths = [len(d.paragraphs) for d in half.documents[:400]]
    assert set(lengths) == {4, 6} and 150 < lengths.count(4) < 250  # cut after "p3" or whole
    assert all(
        d.paragraphs[-1].label == "content" for d in half.documents[:400] if len(d.paragraphs) == 4
    )
    assert half.documents[-1] == docs[-1]  # a document without content stays whole
    assert end_some_at_their_article(corpus, 0.5) == half  # the same documents every time
    assert all(
        len(d.paragraphs) == 4 for d in end_some_at_their_article(corpus, 1.0).documents[:400]
    )
    assert end_some_at_their_article(corpus, 0.0) == corpus
    own = Dataset("own.jsonl", docs, "0", is_corpus=False)
    assert end_some_at_their_article(own, 1.0) == own


def test_our_text_as_bare_pages_trains_as_clean_html_sees_such_a_page() -> None:
    from html import escape

    from declutter.core import prepare_html
    from declutter.training.data import LabelledDocument, LabelledParagraph
    from declutter.training.datasets import Dataset, as_bare_pages
    from declutter.training.units import LabelledUnits, document_units

    doc = LabelledDocument(
        id="d", source="s.example", separator="\n",
        paragraphs=(
            LabelledParagraph("Port fees <held> & frozen", "content"),
            LabelledParagraph("By AcmeData", "insert", "lead_gen"),
            LabelledParagraph("In May the port said it would wait.", "content", join=""),
            LabelledParagraph("Sign up for our newsletter", "insert", "newsletter"),
        ),
    )  # fmt: skip
    own = Dataset("own.jsonl", (doc,), "0", is_corpus=False)
    (page,) = (bare := as_bare_pages(own)).documents
    assert bare.name == "own.jsonl:bare-pages" and not bare.tuned and not bare.is_corpus
    assert page.is_page and [p.text for p in page.paragraphs] == [p.text for p in doc.paragraphs]
    assert page.paragraphs[1].html == page.paragraphs[2].html  # one block, glued
    markup = "".join(f"<p>{escape(line)}</p>" for line in doc.render()[0].split("\n"))
    units = LabelledUnits()
    document_units(page, 0, bare.name, units)
    trained = [(u.text, u.html) for u in units.units if not u.piece]
    scored = [(u.text, u.html) for u in prepare_html(markup).units if not u.piece]
    assert trained == scored and len(trained) == 3


def test_the_thresholds_answer_only_to_the_datasets_that_are_tuned() -> None:
    """Derived training data (our text as bare pages) does not move the page threshold."""
    import numpy as np

    from declutter.html import BlockFeatures
    from declutter.training.data import LabelledDocument, LabelledParagraph
    from declutter.training.datasets import Dataset
    from declutter.training.train import TrainConfig, _tune, _UnitArrays

    page = LabelledDocument(
        id="p", source="s", separator="\n",
        paragraphs=(LabelledParagraph("x", "content", html=BlockFeatures(tag="p")),),
    )  # fmt: skip
    tuned = Dataset("pages.jsonl", (page,), "0", is_corpus=False)
    derived = Dataset("own.jsonl:bare-pages", (page,), "0", is_corpus=False, tuned=False)
    names = np.array(["pages.jsonl"] * 2 + ["own.jsonl:bare-pages"] * 2)
    arrays = _UnitArrays(
        np.zeros(4, int), np.zeros(4, bool), np.full(4, 10), names, np.zeros(4, bool)
    )
    oof = np.array([0.1, 0.2, 0.97, 0.98])  # the derived data's content scores high
    config = TrainConfig(target_content_recall=1.0)
    assert _tune(arrays, oof, [tuned, derived], config).html == 0.205
    assert _tune(arrays, oof, [tuned, replace(derived, tuned=True)], config).html == 0.985


def test_one_line_documents_get_a_threshold_tuned_on_our_one_line_text_alone() -> None:
    """The one-line threshold answers to our own one-line documents' content only: a
    one-line content paragraph that reads like an insert lifts it above the text threshold,
    and pieces do not move it; with no one-line document it is the text threshold."""
    import numpy as np

    from declutter.training.data import LabelledDocument, LabelledParagraph
    from declutter.training.datasets import Dataset
    from declutter.training.train import TrainConfig, _tune, _UnitArrays

    doc = LabelledDocument(
        id="d", source="s", separator="\n", paragraphs=(LabelledParagraph("x", "content"),)
    )
    own = Dataset("own.jsonl", (doc,), "0", is_corpus=False)
    # fmt: off
    #        lines of longer documents | one-line documents' lines | a one-line piece
    labels = np.array([0, 0, 1,          0, 0, 1,                    0])
    pieces = np.array([0, 0, 0,          0, 0, 0,                    1], bool)
    alone = np.array([0, 0, 0,           1, 1, 1,                    1], bool)
    oof = np.array([0.1, 0.2, 0.9,       0.3, 0.8, 0.99,             0.97])
    # fmt: on
    arrays = _UnitArrays(labels, pieces, np.full(7, 10), np.full(7, "own.jsonl"), alone)
    config = TrainConfig(target_content_recall=0.7, target_one_line_content_recall=1.0)
    tuned = _tune(arrays, oof, [own], config)
    assert tuned.text == 0.305  # three of four content lines kept
    assert tuned.one_line == 0.805  # both one-line content lines kept, the piece ignored
    assert tuned.html == tuned.text  # no page dataset
    no_one_line = arrays._replace(one_line=np.zeros(7, bool))
    assert _tune(no_one_line, oof, [own], config).one_line == 0.305


def test_a_separate_page_context_is_fitted_on_page_blocks_only_and_reproducibly(
    tmp_path: Path,
) -> None:
    pages = TEST_DOCUMENTS.parent / "pages_test.jsonl"
    lines = [line for line in TEST_DOCUMENTS.read_text().splitlines() if line.strip()]
    text = tmp_path / "text.jsonl"  # every ninth test document: enough sources, a third of
    text.write_text("\n".join(lines[::9]) + "\n")  # the time of small_data
    config = replace(FAST, page_context=True)
    both = [train([str(text), str(pages)], tmp_path / name, config=config, verbose=False)
            for name in ("a", "b")]  # fmt: skip
    assert both[0].scorer.page_networks is not None
    assert (tmp_path / "a" / "model.npz").read_bytes() == (
        tmp_path / "b" / "model.npz"
    ).read_bytes()
    card = json.loads((tmp_path / "a" / "card.json").read_text())
    assert card["config"]["page_context"] is True and card["card_format"] == 3
    # plain text never reaches the page networks; without pages there are none to fit
    text_only = replace(both[0].scorer, page_networks=None)
    assert np.array_equal(text_only.score(prepare(TEXT).units)[0],
                          both[0].scorer.score(prepare(TEXT).units)[0])  # fmt: skip
    alone = train([str(text)], tmp_path / "c", config=config, verbose=False)
    assert alone.scorer.page_networks is None


def test_the_corpora_inserts_teach_the_kind_model_nothing_and_our_kinds_stay() -> None:
    from declutter.training.train import forget_corpus_kinds
    from declutter.training.units import LabelledUnits

    labelled = LabelledUnits()
    rows = [("own.jsonl", 1, "related"), ("own.jsonl", 1, "other"), ("own.jsonl", 0, None),
            ("corpus:a", 1, "other"), ("corpus:a", 0, None), ("corpus:a", -1, None)]  # fmt: skip
    for name, label, kind in rows:
        labelled.add(prepare("x").units[0], label, "site", kind, name)
    assert forget_corpus_kinds(labelled, {"corpus:a"}) == 1
    assert labelled.kinds == ["related", "other", None, None, None, None]
    assert labelled.labels == [1, 1, 0, 1, 0, -1]  # the labels themselves are untouched


@pytest.fixture(scope="module")
def refit_twice(small_data: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The shipped model with its kinds refit on the small data, once by the function and
    once by the command line."""
    from declutter.training.train import refit_kinds

    first = tmp_path_factory.mktemp("refit") / "a"
    second = tmp_path_factory.mktemp("refit") / "b"
    refit_kinds([str(small_data)], ROOT / "models" / "default", first, verbose=False)
    args = ["train", str(small_data), "--refit-kinds", str(ROOT / "models" / "default")]
    assert main([*args, "-o", str(second), "--quiet"]) == 0
    return first, second


def test_refitting_kinds_keeps_every_score_and_threshold_of_the_base_model(
    refit_twice: tuple[Path, Path],
) -> None:
    base, refit = load_model(), load_model(refit_twice[0])
    page = "<main><p>" + TEXT.replace("\n", "</p><p>") + "</p><nav>Home | News</nav></main>"
    for units in (prepare(TEXT).units, prepare_html(page).units):
        assert np.array_equal(base.scorer.score(units)[0], refit.scorer.score(units)[0])
    assert (refit.threshold, refit.html_threshold) == (base.threshold, base.html_threshold)
    assert not np.array_equal(base.scorer.kind_hashed, refit.scorer.kind_hashed)
    assert [s.start for s in clean(TEXT, model=refit).removed] == [
        s.start for s in clean(TEXT, model=base).removed
    ]


def test_a_kinds_refit_is_recorded_and_reproducible(
    refit_twice: tuple[Path, Path], small_data: Path
) -> None:
    first, second = refit_twice
    assert (first / "model.npz").read_bytes() == (second / "model.npz").read_bytes()
    card = load_model(first).card
    refit = card["kinds_refit"]
    assert refit["base_model_sha256"] == load_model().sha256
    assert [d["name"] for d in refit["training_data"]] == [str(small_data)]
    assert refit["training_data"][0]["sha256"]
    assert set(refit["versions"]) >= {"declutter", "scikit-learn", "numpy"}
    assert card["training_data"] == load_model().card["training_data"]  # the base's data stay


def test_a_kinds_refit_refuses_corpus_data_that_carries_no_kinds(
    tmp_path: Path, small_data: Path
) -> None:
    from declutter.training.datasets import DataSpecError
    from declutter.training.train import refit_kinds

    with pytest.raises(DataSpecError, match="no kinds"):
        refit_kinds([str(small_data), "corpus:dragnet"], ROOT / "models" / "default", tmp_path)
    assert not (tmp_path / "model.npz").exists()


def test_cross_validated_scores_decide_each_unit_at_its_own_threshold() -> None:
    """A one-line document is cleaned at the one-line threshold, so the card scores it there:
    the same out-of-fold score is kept at one unit's threshold and removed at another's."""
    import numpy as np

    from declutter.paragraphs import Unit
    from declutter.training.train import cross_validated_scores
    from declutter.training.units import LabelledUnits

    alone, in_document = "The budget passed.", "The council met on Monday."
    labelled = LabelledUnits()
    labelled.add(Unit(alone, 0, 0, 1), 0, "a", None, "own")  # a one-line document
    labelled.add(Unit(in_document, 1, 0, 3), 0, "b", None, "own")
    oof = np.array([0.95, 0.95])
    one_kept = cross_validated_scores(labelled, oof, np.array([0.98, 0.92]))
    share = len(alone) / (len(alone) + len(in_document))
    assert one_kept["own"]["content_recall"] == pytest.approx(share, abs=1e-4)
    both_kept = cross_validated_scores(labelled, oof, np.array([0.98, 0.98]))
    assert both_kept["own"]["content_recall"] == 1.0
