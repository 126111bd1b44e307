"""Turn a results dict (what :func:`benchmarks.run.run_benchmark` returns) into report.md and plots.

Rendering only: nothing here runs a tool or recomputes a score, so a report can be rebuilt
from a saved ``results/*.json`` with ``python -m benchmarks.report results/full.json``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

DECLUTTER = "declutter"
SEEN_MARK = "†"
#: Corpora whose gold is one peer's output: agreement with that peer, not independent gold.
PEER_GOLD = {"readability_tests": "Readability.js (readability-lxml shares its lineage)"}
PEER_GOLD_MARK = "‡"
#: What each ``--split`` reads, for the report header.
SPLIT_MEANINGS = {
    "dev": "the dev part of each corpus (what training and tuning may see)",
    "test": "the **test part** of each corpus (final figures only; docs/splits.md)",
    "all": "all pages (dev and test parts together)",
}


def fmt(value: float | None, digits: int = 3) -> str:
    """A number for a table cell; an en dash when it is missing."""
    if value is None:
        return "-"
    return f"{value:.{digits}f}"


def table(header: Sequence[str], rows: Iterable[Sequence[str]], align: str | None = None) -> str:
    """A GitHub markdown table; the first column left-aligned, the rest right-aligned."""
    align = align or "l" + "r" * (len(header) - 1)
    marks = [":---" if a == "l" else "---:" for a in align]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(marks) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def corpus_label(corpus: str, results: dict[str, Any]) -> str:
    """The corpus name, marked when the shipped model was trained on it or when its gold is
    a peer's output."""
    seen = SEEN_MARK if corpus in results.get("seen_in_training", ()) else ""
    return corpus + seen + (PEER_GOLD_MARK if corpus in PEER_GOLD else "")


def split_of(results: dict[str, Any]) -> str | None:
    """The part of the corpora a run read; None for runs made before there were parts."""
    return results.get("split")


def output_names(quick: bool, split: str | None) -> tuple[str, str, str]:
    """(results JSON, report, plot suffix). Quick runs and parts other than dev get files of
    their own, so that a test-part run never overwrites the dev figures."""
    part = "" if split in (None, "dev") else f"-{split}"
    if quick:
        return f"quick{part}.json", f"report-quick{part}.md", f"-quick{part}"
    return f"full{part}.json", f"report{part}.md", part


def corpus_groups(results: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(the five older corpora, the newer ones) among those the run evaluated: the report
    keeps them apart so that the older figures stay comparable with earlier runs."""
    newer = set(results.get("newer_corpora", ()))
    corpora = results["corpora"]
    return [c for c in corpora if c not in newer], [c for c in corpora if c in newer]


def tool_order(task: dict[str, Any]) -> list[str]:
    """declutter first, then peers by name, keep-everything last (it is the baseline)."""
    names = sorted(task, key=lambda t: (t != DECLUTTER, t == "keep-everything", t))
    return names


def f1_of(entry: dict[str, Any], corpus: str) -> float | None:
    """A tool's F1 on one corpus (shingle F1, or snippet F1 for trafilatura_eval)."""
    score = entry.get("corpora", {}).get(corpus)
    return score["f1"] if score else None


def macro(values: Iterable[float | None]) -> float | None:
    """Mean of the values that exist."""
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def unseen_corpora(results: dict[str, Any]) -> list[str]:
    """The older corpora the shipped model never saw in training (the newer ones, unseen
    too, have a macro average of their own)."""
    older, _ = corpus_groups(results)
    return [c for c in older if c not in results.get("seen_in_training", ())]


def f1_table(results: dict[str, Any], task_name: str, with_timing: bool = True) -> str:
    """Tool x corpus F1, with the macro averages (all older corpora, the unseen ones among
    them) and, in columns of their own, the newer corpora and their macro; median time."""
    task = results[task_name]
    older, newer = corpus_groups(results)
    unseen = unseen_corpora(results)
    header = ["tool", *(corpus_label(c, results) for c in older)]
    header += ["macro (all)"] if older else []
    header += ["macro (unseen)"] if unseen else []
    header += [f"newer: {corpus_label(c, results)}" for c in newer]
    header += ["macro (newer)"] if newer else []
    header += ["median ms/doc", "errors"] if with_timing else []
    rows = []
    for tool in tool_order(task):
        entry = task[tool]
        values = [f1_of(entry, c) for c in older]
        row = [f"**{tool}**" if tool == DECLUTTER else tool, *map(fmt, values)]
        row += [fmt(macro(values))] if older else []
        row += [fmt(macro(f1_of(entry, c) for c in unseen))] if unseen else []
        newer_values = [f1_of(entry, c) for c in newer]
        row += [*map(fmt, newer_values), fmt(macro(newer_values))] if newer else []
        if with_timing:
            row += [fmt(entry["timing"].get("median_ms"), 1), str(entry["errors"])]
        rows.append(row)
    return table(header, rows)


def corpus_detail(results: dict[str, Any], task_name: str, corpus: str) -> str:
    """One corpus: precision, recall, F1 per tool (and accuracy/counts for snippets)."""
    task = results[task_name]
    tools = [t for t in tool_order(task) if corpus in task[t]["corpora"]]
    if not tools:
        return "_no scores_"
    snippets = task[tools[0]]["corpora"][corpus]["metric"] == "snippets"
    header = ["tool", "precision", "recall", "F1"]
    header += ["accuracy", "tp", "fn", "fp", "tn"] if snippets else []
    paragraphs = task_name == "text"
    header += ["content recall", "insert removal"] if paragraphs else []
    rows = []
    for tool in tools:
        score = task[tool]["corpora"][corpus]
        row = [tool, fmt(score["precision"]), fmt(score["recall"]), fmt(score["f1"])]
        if snippets:
            row += [fmt(score["accuracy"])] + [str(score[k]) for k in ("tp", "fn", "fp", "tn")]
        if paragraphs:
            rates = task[tool].get("paragraphs", {}).get(corpus, {})
            row += [fmt(rates.get("content_recall")), fmt(rates.get("insert_removal"))]
        rows.append(row)
    return table(header, rows)


def post_table(results: dict[str, Any]) -> str:
    """Each peer's page-task F1 before → after declutter.clean, per corpus and macro."""
    post = results.get("post") or {}
    if not post:
        return "_not run (declutter was not among the tools)_"
    corpora = results["corpora"]
    header = ["peer", *(corpus_label(c, results) for c in corpora), "macro Δ F1"]
    rows = []
    for tool in tool_order(post):
        cells, deltas = [], []
        for corpus in corpora:
            pair = post[tool].get(corpus)
            if not pair:
                cells.append("-")
                continue
            before, after = pair["before"]["f1"], pair["after"]["f1"]
            deltas.append(after - before)
            cells.append(f"{fmt(before)} → {fmt(after)}")
        rows.append([tool, *cells, f"{macro(deltas):+.3f}" if deltas else "-"])
    return table(header, rows)


def timing_table(results: dict[str, Any], task_name: str) -> str:
    """Per tool: median/p95 ms per document, docs/s, peak memory, import and model load."""
    task = results[task_name]
    header = ["tool", "docs", "median ms", "p95 ms", "docs/s", "peak MB", "import s", "load s",
              "errors"]  # fmt: skip
    rows = []
    for tool in tool_order(task):
        t = task[tool]["timing"]
        rows.append([
            tool, str(t.get("documents", 0)), fmt(t.get("median_ms"), 2), fmt(t.get("p95_ms"), 1),
            fmt(t.get("docs_per_second"), 1), _peak(t),
            fmt(t.get("import_seconds"), 2), fmt(t.get("setup_seconds"), 2),
            str(task[tool]["errors"]),
        ])  # fmt: skip
    return table(header, rows)


def _peak(timing: dict[str, Any]) -> str:
    """Peak MB, but only when measured from a reset peak (older runs counted the inputs)."""
    if timing.get("memory_method") != "peak-since-reset":
        return "-"
    return fmt(timing.get("peak_rss_mb"), 1)


def speed_section(results: dict[str, Any]) -> str:
    """Scaling curve, the one-article comparison, batch rate, and the ratios with targets."""
    speed = results.get("speed") or {}
    ours = speed.get("declutter") or {}
    if not ours or "failed" in ours:
        reason = str(ours.get("failed", "declutter not selected")).strip().splitlines()
        return f"_speed task not run or failed: {reason[-1] if reason else '?'}_"
    lines = []
    scaling = {int(k): v for k, v in (ours.get("scaling_seconds") or {}).items()}
    if scaling:
        base = scaling.get(10)
        rows = [
            [str(n), fmt(1000 * s, 3), fmt(1e6 * s / n, 1), fmt(s / base if base else None, 1)]
            for n, s in sorted(scaling.items())
        ]
        lines.append("Scaling of `declutter.clean` (synthetic documents of real paragraphs, "
                     "median of repeated runs, one thread):\n")  # fmt: skip
        lines.append(
            table(["paragraphs", "median ms", "µs per paragraph", "x the 10-paragraph time"], rows)
        )
    ratios = results.get("ratios", {})
    theirs = speed.get("trafilatura") or {}
    article_ms = 1000 * ours["article_seconds"] if ours.get("article_seconds") else None
    traf_ms = 1000 * theirs["article_seconds"] if theirs.get("article_seconds") else None
    rows = [
        ["`clean` on a ~30-paragraph article: median ms (one core)", fmt(article_ms, 3),
         "< 2 ms"],
        ["trafilatura on that article's page: median ms", fmt(traf_ms, 2), ""],
        ["trafilatura page time / `clean` text time",
         fmt(ratios.get("trafilatura_page_over_clean_text"), 1), ">= 20"],
        ["batch `clean`, documents per second (sequential, one process)",
         fmt(ours.get("batch_docs_per_second"), 0), ">= 1000"],
        ["`clean_html` / trafilatura, median of per-page time ratios",
         fmt(ratios.get("clean_html_vs_trafilatura_median_ratio"), 2), "<= 1.0"],
        ["`clean_html` / trafilatura, total time over all pages",
         fmt(ratios.get("clean_html_vs_trafilatura_total_ratio"), 2), "<= 1.0"],
        ["time(1000 paragraphs) / time(10 paragraphs)",
         fmt(ratios.get("scaling_1000_over_10"), 1), "<= ~100 (linear)"],
    ]  # fmt: skip
    for n_jobs in (1, 2):
        rate = ours.get(f"clean_many_docs_per_second_{n_jobs}_jobs")
        if rate is not None:
            label = f"batch `declutter.batch.clean_many`, n_jobs={n_jobs}: documents per second"
            rows.insert(3 + n_jobs, [label, fmt(rate, 0), ">= 1000"])
    lines.append(
        f"\nOne article: `{speed.get('article_key')}` ({speed.get('article_paragraphs')} "
        f"paragraphs in the text task); batch: the {ours.get('batch_documents')} "
        "text-task documents.\n"
    )
    lines.append(table(["measure", "value", "target (issue 4)"], rows, align="lrr"))
    return "\n".join(lines)


def header_section(results: dict[str, Any]) -> str:
    """Command, date, versions and machine: what a reader needs to reproduce the numbers."""
    meta = results.get("meta", {})
    peers = ", ".join(f"{k} {v}" for k, v in sorted(meta.get("peers", {}).items())) or "none"
    pages = ", ".join(f"{c} {n}" for c, n in results.get("pages", {}).items())
    card = meta.get("model_card") or {}
    load = results.get("load_average") or {}
    busy = max(load.get("start") or 0, load.get("end") or 0) > (meta.get("cores") or 1) + 0.5
    split = split_of(results)
    lines = [
        f"- command: `{meta.get('command', '?')}`",
        "- split: " + (f"**{split}**: {SPLIT_MEANINGS.get(split, split)}" if split else
                       "none (run made before the corpora had dev and test parts: all pages)"),
        f"- date: {meta.get('date', '?')}; mode: {meta.get('mode', '?')}; "
        f"duration: {results.get('seconds', 0) / 60:.1f} min",
        f"- machine: {meta.get('cores', '?')} cores, {meta.get('platform', '?')}, "
        f"Python {meta.get('python', '?')}; 1-minute load average at start / end: "
        f"{fmt(load.get('start'), 1)} / {fmt(load.get('end'), 1)}"
        + (" (**other work shared the machine: timings are inflated**)" if busy else ""),
        f"- declutter {meta.get('declutter', '?')}, model: {meta.get('model_path', '?')}, "
        "threshold "
        f"{fmt(meta.get('model_threshold') or results.get('curve', {}).get('threshold'))} (text), "
        f"{fmt(card.get('html_threshold', meta.get('model_threshold')))} (HTML pages)"
        + _model_hash(card),
        f"- peers: {peers}",
        f"- pages: {pages}; text-task documents: {results.get('text_documents', '?')}",
        f"- evaluation subset sha256: `{results.get('subset_sha256', '?')}`",
    ]  # fmt: skip
    if card.get("error"):
        lines.append(
            "- the model could not be loaded when the header was written (it was being "
            f"replaced?): {card['error'][:160]}"
        )
    used = sorted(
        {f"{task} task: {str(entry.get('model_sha256'))[:12]}... (text threshold "
         f"{fmt(entry.get('threshold'))})"
         for task in ("page", "text") for tool, entry in results.get(task, {}).items()
         if tool == DECLUTTER and entry.get("model_sha256")}
    )  # fmt: skip
    if used:
        lines.append("- model used by the declutter workers: " + "; ".join(used))
    reused = sorted(
        {f"{tool} ({task} task, run {entry['reused_from']})"
         for task in ("page", "text") for tool, entry in results.get(task, {}).items()
         if entry.get("reused_from")}
    )  # fmt: skip
    if reused:
        lines.append(
            "- **reused peer runs** (`--reuse-peers`; same peer version and inputs, timings "
            "from that earlier run on this machine): " + ", ".join(reused)
        )
    return "\n".join(lines)


def _model_hash(card: dict[str, Any]) -> str:
    return f", model sha256 {str(card['model_sha256'])[:12]}..." if card.get("model_sha256") else ""


def problems_section(results: dict[str, Any]) -> str:
    """Tools that failed or raised on pages, with a few examples."""
    lines = []
    for task_name in ("page", "text"):
        for tool in tool_order(results[task_name]):
            entry = results[task_name][tool]
            if entry.get("failed"):
                last = str(entry["failed"]).strip().splitlines() or ["?"]
                lines.append(f"- {task_name} task, {tool}: worker failed: {last[-1][:300]}")
            elif entry["errors"]:
                example = next(iter(entry.get("error_examples", {}).items()), ("", ""))
                lines.append(
                    f"- {task_name} task, {tool}: {entry['errors']} documents raised or timed "
                    f"out (scored as empty output), e.g. `{example[0]}`: {example[1][:120]}"
                )
    post = results.get("post_errors") or {}
    if post.get("count"):
        example = next(iter(post.get("examples", {}).values()), "")
        lines.append(
            f"- post-processing: declutter.clean raised on {post['count']} peer outputs "
            f"(scored as empty output), e.g. {example[:120]}"
        )
    return "\n".join(lines) or "None: every tool returned an output for every document."


NOTES = f"""\
{SEEN_MARK} **Seen in training**: the shipped model was trained on the dev parts of
scrapinghub_aeb, trafilatura_eval, readability_tests and postlight_fixtures (plus
declutter's own training_data), so on a dev-part run its numbers there are *not* unseen-data
results; the peers' numbers are. Their test parts hold other sites and are unseen (a
`--split test` run marks nothing). Source-grouped cross-validated numbers for those
corpora come from the training command (see the model card). dragnet, cleaneval and
googletrends2017 were never used for training: **macro (unseen)** is the honest comparison.

**Newer corpora** (readability_tests, postlight_fixtures; columns marked "newer", with a
macro of their own, so the older figures stay comparable with earlier runs; added to the
training data on 2026-12-03, so seen in training on the dev part, as above). Their gold is
an extractor's output: {PEER_GOLD_MARK} readability_tests is what Readability.js returns for
the page (reviewed by its maintainers), so it measures agreement with Readability and
favours readability-lxml; postlight_fixtures is the body each site's hand-written Postlight
Parser selector picks, which keeps some inserts inside the article ("Advertisement" labels,
captions, "Related" lists).

**c4** (text task only): C4's per-line rules as datatrove's `C4QualityFilter` applies them
(lines ending in terminal punctuation, at least 3 words, no "javascript" or policy phrase,
citation markers cut), with the rules that drop whole documents turned off, run on the same
blocks as the other peers, one line per block.

Metrics: F1 is token 4-shingle F1 against the page's gold text, per document then averaged
(Scrapinghub article-extraction-benchmark style); on trafilatura_eval it is the snippet F1
(a `with` snippet found = tp, missed = fn; a `without` snippet found = fp, absent = tn; summed
over pages). Content recall and insert removal are character-weighted over paragraphs with
gold labels: for declutter from its segment offsets, for peers by whether the paragraph's
whitespace-normalised text appears in the output. Errors (a tool raising or exceeding the
per-document timeout) count as empty output. Peak MB is the growth of the worker's peak
resident set after its inputs were loaded; runs made before that reset existed show "-".
"""


def cross_validation_section(results: dict[str, Any]) -> str:
    """The model card's source-grouped cross-validation: the unseen-data view of the corpora
    the model was trained on (line units, as the training command scores them)."""
    cv = (results.get("meta", {}).get("model_card") or {}).get("cross_validation") or {}
    scores = cv.get("scores") or {}
    if not scores:
        return "_the model card has no cross-validation scores_"
    rows = [
        [group, fmt(s.get("content_recall")), fmt(s.get("insert_precision")),
         fmt(s.get("insert_recall")), fmt(s.get("insert_f1")), str(s.get("paragraphs", "-"))]
        for group, s in scores.items()
    ]  # fmt: skip
    header = ["data (out-of-fold)", "content recall", "insert precision", "insert recall",
              "insert F1", "units"]  # fmt: skip
    method = cv.get("method", "cross-validation")
    intro = f"Method: {method}. Copied from the model card, not measured by this run."
    return intro + "\n\n" + table(header, rows)


def render(results: dict[str, Any]) -> str:
    """The whole report.md."""
    older, newer = corpus_groups(results)
    part = f", {split_of(results)} part" if split_of(results) in ("dev", "test") else ""
    parts = [
        "# declutter benchmark report",
        header_section(results),
        f"## Page task: extract the article from the HTML (F1{part})",
        f1_table(results, "page"),
        f"## Text task: clean the text a scraper leaves (F1{part})",
        "declutter gets the page's blocks around the article as plain text (`declutter.clean`); "
        "the peers get the same blocks as `<p>` paragraphs of a bare HTML page.",
        f1_table(results, "text"),
        "## Post-processing: declutter.clean on each peer's page-task output (F1 before → after)",
        post_table(results),
        "## Speed",
        "### Page task (per page, each tool in its own fresh process, one thread)",
        timing_table(results, "page"),
        "### Text task (per document)",
        timing_table(results, "text"),
        "### declutter-specific timings and the targets",
        speed_section(results),
        "## Cross-validated scores on the training corpora (model card)",
        cross_validation_section(results),
        "## Per-corpus details",
    ]
    for corpus in [*older, *newer]:
        parts.append(f"### {corpus_label(corpus, results)}: page task")
        parts.append(corpus_detail(results, "page", corpus))
        parts.append(f"### {corpus_label(corpus, results)}: text task")
        parts.append(corpus_detail(results, "text", corpus))
    parts += ["## Failures", problems_section(results), "## Notes", NOTES]
    return "\n\n".join(parts).rstrip() + "\n"


# --------------------------------------------------------------------------- plots


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_f1_vs_time(results: dict[str, Any], path: Path) -> bool:
    """Page task: macro F1 against median ms per page, one labelled point per tool."""
    task = results["page"]
    unseen = unseen_corpora(results)
    corpora = unseen or results["corpora"]
    points = []
    for tool in tool_order(task):
        ms = task[tool]["timing"].get("median_ms")
        f1 = macro(f1_of(task[tool], c) for c in corpora)
        if ms and f1 is not None:
            points.append((tool, ms, f1))
    if not points:
        return False
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 5.5))
    for tool, ms, f1 in points:
        colour = "tab:red" if tool == DECLUTTER else "tab:blue"
        ax.scatter([ms], [f1], s=70 if tool == DECLUTTER else 35, color=colour, zorder=3)
    ax.set_xscale("log")
    _plain_log_ticks(ax.xaxis)
    low = min(f1 for _, _, f1 in points)
    ax.set_ylim(max(0.0, low - 0.08), min(1.02, max(f1 for _, _, f1 in points) + 0.05))
    lo_ms, hi_ms = min(ms for _, ms, _ in points), max(ms for _, ms, _ in points)
    ax.set_xlim(lo_ms / 1.6, hi_ms * 3)
    _place_labels(fig, ax, points)
    ax.set_xlabel("median time per page (ms, log scale; left is faster)")
    which = "unseen corpora: " + ", ".join(corpora) if unseen else "all corpora"
    ax.set_ylabel("macro F1 (higher is better)")
    ax.set_title(f"Page task: quality against speed\n({which})", fontsize=11)
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


def _plain_log_ticks(axis: Any) -> None:
    """Label a log axis 1, 10, 100 instead of 10^0, 10^1, 10^2."""
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))


def _place_labels(fig: Any, ax: Any, points: Sequence[tuple[str, float, float]]) -> None:
    """Label each point where its text overlaps no earlier label (tried offsets in order)."""
    offsets = [(6, 4, "left"), (6, -13, "left"), (-6, 4, "right"), (-6, -13, "right"),
               (6, 14, "left"), (-6, 14, "right"), (6, -23, "left"),
               (-6, -23, "right")]  # fmt: skip
    from matplotlib.transforms import Bbox

    renderer = fig.canvas.get_renderer()
    taken: list[Any] = []
    for _, ms, f1 in points:  # a label must not cover another tool's point either
        x, y = ax.transData.transform((ms, f1))
        taken.append(Bbox.from_extents(x - 5, y - 5, x + 5, y + 5))
    for tool, ms, f1 in points:
        chosen = None
        for dx, dy, align in offsets:
            text = ax.annotate(
                tool, (ms, f1), textcoords="offset points", xytext=(dx, dy), ha=align,
                fontsize=9, fontweight="bold" if tool == DECLUTTER else "normal",
            )  # fmt: skip
            box = text.get_window_extent(renderer).expanded(1.05, 1.2)
            own = Bbox.from_extents(*ax.transData.transform((ms, f1)) - 5,
                                    *ax.transData.transform((ms, f1)) + 5)  # fmt: skip
            if not any(box.overlaps(other) for other in taken if other.bounds != own.bounds):
                chosen = box
                break
            text.remove()
        if chosen is None:  # every spot is taken: keep the first, overlapping
            text = ax.annotate(tool, (ms, f1), textcoords="offset points", xytext=(6, 4),
                               fontsize=9)  # fmt: skip
            chosen = text.get_window_extent(renderer)
        taken.append(chosen)


def plot_threshold(results: dict[str, Any], path: Path) -> bool:
    """declutter's insert precision/recall and content recall against the threshold."""
    curve = results.get("curve") or {}
    groups = [g for g in ("unseen", "seen", "newer") if g in curve]
    if not groups:
        return False
    plt = _pyplot()
    fig, axes = plt.subplots(1, len(groups), figsize=(6 * len(groups), 4.5), squeeze=False)
    for ax, group in zip(axes[0], groups, strict=True):
        points = curve[group]["points"]
        xs = [p["threshold"] for p in points]
        for key, label, style in (
            ("content_recall", "content recall (chars kept)", "-"),
            ("insert_recall", "insert recall (insert chars removed)", "--"),
            ("insert_precision", "insert precision (removed chars that were inserts)", ":"),
        ):
            ax.plot(xs, [p[key] for p in points], style, label=label, linewidth=2)
        if curve.get("threshold") is not None:
            ax.axvline(curve["threshold"], color="grey", linewidth=1)
            ax.annotate(
                f"shipped threshold {curve['threshold']:.2f}", (curve["threshold"], 0.03),
                textcoords="offset points", xytext=(-4, 0), ha="right", fontsize=8,
                color="dimgrey",
            )  # fmt: skip
        title = {"unseen": "unseen corpora", "seen": "corpora seen in training",
                 "newer": "newer corpora (unseen)"}[group]  # fmt: skip
        ax.set_title(f"{title}\n({', '.join(curve[group]['corpora'])})", fontsize=10)
        ax.set_xlabel("threshold (segment removed when its insert score >= threshold)")
        ax.set_ylim(0, 1.02)
        ax.set_xlim(0, 1)
        ax.grid(True, alpha=0.3)
    axes[0][0].set_ylabel("share (character-weighted)")
    axes[0][0].legend(loc="lower left", fontsize=8)
    fig.suptitle(
        "declutter.clean on the text task: what each threshold would keep and remove\n"
        "(scores from one run, re-thresholded; shares of gold-labelled paragraph characters)",
        fontsize=11,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


def plot_scaling(results: dict[str, Any], path: Path) -> bool:
    """Median clean() time against document length, with a linear reference line."""
    ours = (results.get("speed") or {}).get("declutter") or {}
    scaling = {int(k): v for k, v in (ours.get("scaling_seconds") or {}).items()}
    if len(scaling) < 2:
        return False
    plt = _pyplot()
    sizes = sorted(scaling)
    ms = [1000 * scaling[n] for n in sizes]
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    ax.plot(sizes, ms, "o-", color="tab:red", label="declutter.clean (median)", linewidth=2)
    anchor = 10 if 10 in scaling else sizes[0]
    reference = [1000 * scaling[anchor] * n / anchor for n in sizes]
    ax.plot(sizes, reference, "--", color="grey", label=f"linear from {anchor} paragraphs")
    ax.set_xscale("log")
    ax.set_yscale("log")
    _plain_log_ticks(ax.xaxis)
    _plain_log_ticks(ax.yaxis)
    ax.set_xlabel("paragraphs in the document (log scale)")
    ax.set_ylabel("median time (ms, log scale)")
    ax.set_title("declutter.clean: time against document length", fontsize=11)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


def plot_all(results: dict[str, Any], out: Path, suffix: str = "") -> list[Path]:
    """Write the three plots that have data; return their paths."""
    written = []
    for name, plot in (
        ("f1_vs_time", plot_f1_vs_time),
        ("threshold_pr", plot_threshold),
        ("scaling", plot_scaling),
    ):
        path = out / f"{name}{suffix}.png"
        if plot(results, path):
            written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m benchmarks.report RESULTS.json``: rebuild report.md and plots next to it."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m benchmarks.report RESULTS.json", file=sys.stderr)
        return 2
    path = Path(args[0])
    results = json.loads(path.read_text())
    quick = results.get("meta", {}).get("mode") == "quick"
    _, report_name, plot_suffix = output_names(quick, split_of(results))
    (path.parent / report_name).write_text(render(results))
    plot_all(results, path.parent, suffix=plot_suffix)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
