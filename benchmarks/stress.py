"""Big and hostile inputs: time, peak memory and outcome of one ``clean()`` or
``clean_html()`` call per row.

Why a benchmark and not a test: the figures depend on the machine, so they are reported, not
asserted (the tests check the same steps by structure: ``tests/test_linear_time.py``). What
matters is the *shape*: within a family, seconds and memory should grow like the input (a
tenfold input, about tenfold time), and every row should end with the outcome it should have.
A case that does not finish within ``--timeout`` is reported as such, which is itself the
finding (something in it is super-linear).

Each measurement runs in a fresh child process, so its peak memory (the child's maximum
resident set size, from ``resource.getrusage``) is not polluted by earlier cases, and a
runaway case can be killed. The child loads the model and cleans a short text first; what it
holds then, with the input built, is the *baseline*, reported next to the peak.

Families (one row per size; see :data:`CASES`):

* ``glued_run``: ``"fooBar" * N``, one line that is one long token full of glue candidates;
* ``single_line``: real prose joined into one line with no breaks (up to 10 MB);
* ``tiny_lines``: ``"a\n" * N``, a million one-character lines;
* ``tiny_paragraphs``: one-to-three-word paragraphs;
* ``big_document``: real articles repeated, blank-line separated (up to 50 MB);
* ``nested_prose``: ``("<div>" + P) * N`` with a 200-character prose paragraph P;
* ``deep_html``: ``<div>`` nested up to 100,000 deep, a word at every level;
* ``crowded_tag``, ``crowded_tag_glued``: one element with 40,000 attributes (separated by
  spaces; or written ``a0="0"a1="1"...``, which libxml2 also reads as separate attributes);
* ``noscript_in_comment``: a page whose ``<!-- <noscript> -->`` comment comes before all
  its paragraphs and a ``</noscript>`` after them (outcome: how many paragraphs reach
  ``result.source``);
* ``hidden_markup``: MathML, SVG text, object fallbacks, noframes, plaintext... repeated
  (outcome: visible words that reach ``result.source``, and markup that leaks into it).

Usage::

    python benchmarks/stress.py                   # every family, writes results/stress.md
    python benchmarks/stress.py --quick           # smaller sizes (a minute or two)
    python benchmarks/stress.py --cases deep_html nested_prose --timeout 120
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "stress.md"
TRAINING_TEXT = ROOT / "training_data" / "train.jsonl"
MB = 1_000_000
#: What a regenerated report keeps of the old one: everything from this heading on.
HISTORY_HEADING = "## Earlier runs"


# --------------------------------------------------------------------------- inputs


def real_paragraphs() -> list[str]:
    """Paragraph texts from the repository's own labelled training file (not corpus data)."""
    from declutter.training.data import read_jsonl

    return [p.text for doc in read_jsonl(TRAINING_TEXT) for p in doc.paragraphs if p.text.strip()]


def repeat_to(pieces: list[str], separator: str, size: int) -> str:
    """Join ``pieces`` with ``separator`` cyclically until the result has ``size`` chars."""
    one_round = separator.join(pieces) + separator
    return (one_round * (size // len(one_round) + 1))[:size]


def single_line(size: int) -> str:
    return repeat_to(real_paragraphs(), " ", size)


def tiny_paragraphs(count: int) -> str:
    short = [p for p in real_paragraphs() if len(p.split()) <= 3] or ["Share", "Read more"]
    return "\n\n".join(short[i % len(short)] for i in range(count))


def big_document(size: int) -> str:
    return repeat_to(real_paragraphs(), "\n\n", size)


def deep_html(depth: int) -> str:
    opening = "".join(f'<div class="level{i % 7}">word{i} ' for i in range(depth))
    return f"<html><body>{opening}{'</div>' * depth}</body></html>"


def glued_run(size: int) -> str:
    return "fooBar" * (size // 6)


def tiny_lines(count: int) -> str:
    return "a\n" * count


#: An ordinary prose paragraph of 200 characters (every one counts as the page's prose).
PROSE = (
    "The council met on Monday to discuss the budget for the coming year, and after a long "
    "debate the members agreed that the roads and the old bridge needed repairs before winter."
)[:200]


def nested_prose(count: int) -> str:
    return ("<div>" + PROSE) * count


def crowded_tag(count: int) -> str:
    names = " ".join(f'data-a{i}="{i}"' for i in range(count))
    return f"<html><body><div {names} class='story'><p>{PROSE}</p></div></body></html>"


def crowded_tag_glued(count: int) -> str:
    return crowded_tag(count).replace('" data-a', '"data-a')


def noscript_in_comment(count: int) -> str:
    paragraphs = "".join(
        f"<p>Paragraph p{i}x of the article, with a sentence.</p>" for i in range(count)
    )
    return f"<html><body><!-- <noscript> -->{paragraphs}<noscript>tracking</noscript></body></html>"


#: Fragments around a visible word ``{w}``; ``{h}`` marks a word no reader sees.
HIDDEN_MARKUP = (
    "<p>Let <math><mi>{w}</mi><annotation>{h}</annotation></math> hold.</p>"
    "<figure><svg><title>{h}</title><text>{w}</text><desc>{h}</desc></svg></figure>"
    "<p><object data='x.swf'>{w}</object></p><noframes><p>{h}</p></noframes>"
    "<noembed><b>{h}</b></noembed><p title='<noscript>'>{w}</p>"
    "<script>var s = '<noscript>';</script><p>{w}</p><noscript><div>{h}</noscript>"
)


def hidden_markup(count: int) -> str:
    parts = []
    for i in range(count):
        fragment = HIDDEN_MARKUP
        for k in range(fragment.count("{w}")):
            fragment = fragment.replace("{w}", f"w{i}x{k}x", 1)
        parts.append(fragment.replace("{h}", "ghost"))
    return "<html><body>" + "".join(parts) + "<plaintext><b>wlastx</b>"


# --------------------------------------------------------------------------- outcomes


def segments_outcome(data: str, result: Any) -> str:
    return f"{len(result.segments):,} segments, {len(result.removed):,} removed"


def paragraphs_outcome(data: str, result: Any) -> str:
    expected = len(re.findall(r"\bp\d+x\b", data))
    found = len(re.findall(r"\bp\d+x\b", result.source))
    verdict = "all" if found == expected else f"LOST {expected - found:,} of"
    return f"{verdict} {expected:,} paragraphs in source"


def visible_outcome(data: str, result: Any) -> str:
    expected = re.findall(r"\bw(?:\d+x\d+|last)x\b", data)
    found = re.findall(r"\bw(?:\d+x\d+|last)x\b", result.source)
    lost = len(expected) - len(found)
    leaked = len(re.findall(r"[<>]", result.source)) + result.source.count("ghost")
    words = "all" if not lost and found == expected else f"LOST {lost:,} of"
    return f"{words} {len(expected):,} visible words in order; {leaked:,} markup leaks"


@dataclass(frozen=True)
class Case:
    """One input family: how to build it, which call cleans it, and what outcome to show."""

    build: Callable[[int], str]
    unit: str
    full: tuple[int, ...]
    quick: tuple[int, ...]
    html: bool = False
    outcome: Callable[[str, Any], str] = segments_outcome


CASES: dict[str, Case] = {
    "glued_run": Case(glued_run, "chars", (100_000, 1_000_000, 10_000_000), (100_000, 1_000_000)),
    "single_line": Case(single_line, "chars", (10_000_000,), (1_000_000,)),
    "tiny_lines": Case(tiny_lines, "lines", (1_000_000,), (100_000,)),
    "tiny_paragraphs": Case(tiny_paragraphs, "paragraphs", (100_000,), (10_000,)),
    "big_document": Case(big_document, "chars", (10_000_000, 50_000_000), (2_000_000,)),
    "nested_prose": Case(nested_prose, "divs", (4_000, 32_000), (1_000, 4_000), html=True),
    "deep_html": Case(deep_html, "levels", (100_000,), (10_000,), html=True),
    "crowded_tag": Case(crowded_tag, "attributes", (40_000,), (40_000,), html=True),
    "crowded_tag_glued": Case(crowded_tag_glued, "attributes", (40_000,), (40_000,), html=True),
    "noscript_in_comment": Case(
        noscript_in_comment, "paragraphs", (1_000,), (1_000,), True, paragraphs_outcome
    ),
    "hidden_markup": Case(hidden_markup, "fragments", (1_000,), (200,), True, visible_outcome),
}
#: The builders by family name (what the first version of this script offered).
BUILDERS: dict[str, Callable[[int], str]] = {name: case.build for name, case in CASES.items()}


# --------------------------------------------------------------------------- child


def peak_rss_mb() -> float:
    """This process's peak resident set size so far, in MB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def unlimited_clean(function: Callable[..., Any], data: str) -> Any:
    """Call ``clean``/``clean_html`` with the size limit lifted, when this version has one."""
    import inspect

    if "max_chars" in inspect.signature(function).parameters:
        return function(data, max_chars=None)
    return function(data)


def measure(case: str, size: int) -> dict[str, Any]:
    """Build the input, clean it once, and report time, memory and the outcome."""
    import declutter

    declutter.clean("Warm-up: the model loads and every lazy import happens here.")
    family = CASES[case]
    data = family.build(size)
    baseline = peak_rss_mb()
    function = declutter.clean_html if family.html else declutter.clean
    started = time.perf_counter()
    result = unlimited_clean(function, data)
    seconds = time.perf_counter() - started
    return {
        "case": case,
        "size": size,
        "input_chars": len(data),
        "seconds": round(seconds, 3),
        "baseline_mb": round(baseline, 1),
        "peak_mb": round(peak_rss_mb(), 1),
        "segments": len(result.segments),
        "removed": len(result.removed),
        "outcome": family.outcome(data, result),
    }


# --------------------------------------------------------------------------- parent


@dataclass
class Outcome:
    case: str
    size: int
    data: dict[str, Any] | None
    problem: str | None


def run_child(case: str, size: int, timeout: float) -> Outcome:
    """Measure one (case, size) in a fresh interpreter; a timeout or crash is an outcome too."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", case, str(size)]
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, env=env, check=False
        )
    except subprocess.TimeoutExpired:
        return Outcome(case, size, None, f"did not finish within {timeout:.0f} s")
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return Outcome(case, size, None, f"exit code {done.returncode}: {last}")
    return Outcome(case, size, json.loads(done.stdout.strip().splitlines()[-1]), None)


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    import declutter

    found = {"python": platform.python_version(), "declutter": declutter.__version__}
    for name in ("scikit-learn", "numpy", "scipy", "lxml", "beautifulsoup4"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return f"{cpu}, {os.cpu_count()} CPUs, load average at start {load}"


def table_rows(outcomes: list[Outcome]) -> list[str]:
    rows = [
        "| case | size | input chars | seconds | s per M chars | peak MB | MB over baseline "
        "| outcome |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for outcome in outcomes:
        size = f"{outcome.size:,} {CASES[outcome.case].unit}"
        if outcome.data is None:
            rows.append(f"| {outcome.case} | {size} | | | | | | {outcome.problem} |")
            continue
        d = outcome.data
        millions = max(d["input_chars"], 1) / MB
        growth = d["peak_mb"] - d["baseline_mb"]
        rows.append(
            f"| {d['case']} | {size} | {d['input_chars']:,} | {d['seconds']:.2f} "
            f"| {d['seconds'] / millions:.2f} | {d['peak_mb']:.0f} | {growth:.0f} "
            f"| {d['outcome']} |"
        )
    return rows


def history(path: Path) -> list[str]:
    """The hand-kept part of an existing report (from :data:`HISTORY_HEADING` on), which a
    regenerated report carries over: earlier runs and the fixes they measured."""
    if not path.exists():
        return []
    text = path.read_text()
    at = text.find(HISTORY_HEADING)
    return [] if at < 0 else ["", text[at:].rstrip(), ""]


def write_report(outcomes: list[Outcome], command: str, path: Path) -> None:
    lines = [
        "# Stress: big and hostile inputs",
        "",
        f"Command: `{command}`  ",
        f"Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}  ",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in versions().items()) + "  ",
        f"Machine: {machine()}",
        "",
        "One `clean()` (`clean_html()` for the HTML families) call per row, in a fresh "
        "process, with the size limit lifted. *Peak MB* is the child's maximum resident set "
        "size (`resource.getrusage`); *MB over baseline* subtracts what the process held after "
        "loading the model and building the input. Within a family, time and memory should "
        "grow like the input. Wall times on a shared machine are noisy; compare within a "
        "family. The families are described at the top of `benchmarks/stress.py`.",
        "",
        *table_rows(outcomes),
        *history(path),
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    parser.add_argument("--cases", nargs="+", choices=sorted(CASES), default=list(CASES))
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per measurement")
    parser.add_argument("--output", type=Path, default=RESULTS, help="markdown report to write")
    parser.add_argument("--child", nargs=2, metavar=("CASE", "SIZE"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if str(ROOT) not in sys.path:  # run as a script from a source checkout
        sys.path.insert(0, str(ROOT))
    if args.child:
        print(json.dumps(measure(args.child[0], int(args.child[1]))))
        return 0
    outcomes: list[Outcome] = []
    for case in args.cases:
        for size in CASES[case].quick if args.quick else CASES[case].full:
            outcome = run_child(case, size, args.timeout)
            outcomes.append(outcome)
            print(table_rows([outcome])[-1], flush=True)
            if outcome.problem is not None:
                break  # a bigger size of a case that already failed would only fail slower
    command = "python benchmarks/stress.py " + " ".join(argv if argv is not None else sys.argv[1:])
    write_report(outcomes, command.strip(), args.output)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
