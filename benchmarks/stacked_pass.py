"""Experiment (issue 14, item 3): does a third, stacked pass rank lines better than pass two?

A third pass sees pass two's columns rebuilt from pass two's out-of-fold scores (its
neighbours' decisions) plus pass two's own score. Both are fit on the data of the README's
retraining command and compared on the line units of the unseen corpora's dev parts, at the
thresholds where content characters kept first reach 0.99, 0.985 and 0.98: each cell is
[threshold, insert recall, content blocks kept]. Results: docs/experiments.md, section 5::

    python benchmarks/stacked_pass.py 60000      # rows drawn per context network

Takes under 11 minutes on 2 cores, and reads ../shared/corpora.
"""

import json
import sys
import time

import numpy as np

from declutter.context import context_matrix
from declutter.features import extract
from declutter.training.bylines import unlabel_corpus_bylines
from declutter.training.corpora import default_corpora_root
from declutter.training.datasets import load_dataset
from declutter.training.estimator import AveragedMLP, dense_block
from declutter.training.train import TrainConfig, dataset_weights
from declutter.training.units import build_units

ROOT = str(default_corpora_root())
TRAIN = [
    "training_data/train.jsonl",
    "training_data/pages_train.jsonl",
    "corpus:scrapinghub_aeb",
    "corpus:scrapinghub_aeb:text",
    "corpus:trafilatura_eval:agreed",
    "corpus:trafilatura_eval:text:agreed",
    "corpus:readability_tests",
    "corpus:readability_tests:text",
    "corpus:postlight_fixtures",
    "corpus:postlight_fixtures:text",
]
EVAL = [
    "corpus:dragnet:text",
    "corpus:cleaneval:text",
    "corpus:googletrends2017:text",
    "corpus:dragnet",
    "corpus:cleaneval",
    "corpus:googletrends2017",
]


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 60000
    t0 = time.time()
    datasets = [load_dataset(s, ROOT) for s in TRAIN]
    lab = build_units([(d.name, list(d.documents)) for d in datasets])
    print("unlabelled", unlabel_corpus_bylines(lab, {d.name for d in datasets if d.is_corpus}))
    config = TrainConfig(context_rows=rows)
    w = dataset_weights(lab, datasets, config)
    clf = config.classifier()
    clf.fit(
        lab.units,
        lab.labels,
        lab.groups,
        w,
        None,
        lambda m: print(f"[{time.time() - t0:6.1f}s] {m}", flush=True),
    )
    y = np.asarray(lab.labels)
    X = clf.featurizer_.transform(lab.units)
    dense = dense_block(X)
    logit2 = np.log(
        np.clip(clf.oof_scores_, 1e-6, 1 - 1e-6) / np.clip(1 - clf.oof_scores_, 1e-6, 1)
    )
    Z3 = context_matrix(lab.units, logit2, dense)
    Z3 = np.hstack([Z3, logit2[:, None] / 8])
    print(f"[{time.time() - t0:6.1f}s] pass three", flush=True)

    def make():
        return AveragedMLP(members=5, random_state=0, rows=rows)

    labelled = y >= 0
    three = make().fit(Z3[labelled], y[labelled], sample_weight=w[labelled])
    print(f"[{time.time() - t0:6.1f}s] done fitting", flush=True)
    out = {}
    for spec in EVAL:
        d = load_dataset(spec, ROOT)
        ev = build_units([(d.name, list(d.documents))])
        hashed, dn = extract(ev.units, clf.hash_bits)
        s = clf.scorer_
        l1 = s.pass_one(hashed, dn)
        p2 = s.pass_two(context_matrix(ev.units, l1, dn))
        l2 = np.log(np.clip(p2, 1e-6, 1 - 1e-6) / np.clip(1 - p2, 1e-6, 1))
        z3 = np.hstack([context_matrix(ev.units, l2, dn), l2[:, None] / 8])
        p3 = three.predict_proba(z3)[:, 1]
        lines = np.array([not u.piece for u in ev.units])
        labs = np.asarray(ev.labels)
        chars = np.array([len(u.text) for u in ev.units])
        res = {}
        for name, p in (("two", p2), ("three", p3)):
            m = lines & (labs >= 0)
            c = m & (labs == 0)
            i = m & (labs == 1)
            r = {}
            for target in (0.99, 0.985, 0.98):
                for t in np.round(np.arange(0.05, 1.0001, 0.005), 3):
                    kept = chars[c & (p < t)].sum() / chars[c].sum()
                    if kept >= target:
                        r[target] = (
                            float(t),
                            round(float((i & (p >= t)).sum() / i.sum()), 3),
                            round(float((c & (p < t)).sum() / c.sum()), 3),
                        )
                        break
            res[name] = r
        out[spec] = res
        print(spec, json.dumps(res), flush=True)


if __name__ == "__main__":
    main()
