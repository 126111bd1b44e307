"""Big and hostile inputs: time and peak memory of one ``clean()`` call, at several sizes.

Why a benchmark and not a test: the figures depend on the machine, so they are reported, not
asserted. What matters is the *shape*: seconds and memory per megabyte should stay flat as the
input doubles (linear growth). A case that does not finish within ``--timeout`` is reported as
such, which is itself the finding (something in it is super-linear).

Each measurement runs in a fresh child process, so peak memory (the child's maximum resident
set size) is not polluted by earlier cases, and a runaway case can be killed. The child loads
the model and cleans a short text first; that baseline is reported next to the peak.

Cases (sizes double up to the one the reliability issue names):

* ``single_line``: real prose joined into one line with no breaks, up to 10 MB;
* ``tiny_paragraphs``: up to 100,000 one-to-three-word paragraphs;
* ``big_document``: real articles repeated, blank-line separated, up to 50 MB;
* ``deep_html``: ``clean_html()`` of ``<div>`` nested up to 100,000 deep, text at every level.

Usage::

    python benchmarks/stress.py                   # all cases, writes results/stress.md
    python benchmarks/stress.py --quick           # smaller sizes (minutes, not hours)
    python benchmarks/stress.py --cases deep_html --timeout 120
"""

from __future__ import annotations

import argparse
import json
import os
import platform
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

#: Sizes per case: the largest is the one issue 5 names; each step halves it.
FULL_SIZES = {
    "single_line": (1_250_000, 2_500_000, 5_000_000, 10_000_000),
    "tiny_paragraphs": (12_500, 25_000, 50_000, 100_000),
    "big_document": (6_250_000, 12_500_000, 25_000_000, 50_000_000),
    "deep_html": (12_500, 25_000, 50_000, 100_000),
}
QUICK_SIZES = {
    "single_line": (250_000, 500_000, 1_000_000),
    "tiny_paragraphs": (5_000, 10_000, 20_000),
    "big_document": (1_000_000, 2_000_000, 4_000_000),
    "deep_html": (5_000, 10_000, 20_000),
}
SIZE_UNIT = {
    "single_line": "chars",
    "tiny_paragraphs": "paragraphs",
    "big_document": "chars",
    "deep_html": "levels",
}


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


BUILDERS: dict[str, Callable[[int], str]] = {
    "single_line": single_line,
    "tiny_paragraphs": tiny_paragraphs,
    "big_document": big_document,
    "deep_html": deep_html,
}


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
    """Build the input, clean it once, and report time, memory and output size."""
    import declutter

    declutter.clean("Warm-up: the model loads and every lazy import happens here.")
    data = BUILDERS[case](size)
    baseline = peak_rss_mb()
    function = declutter.clean_html if case == "deep_html" else declutter.clean
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
        "| MB per M chars | segments |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for outcome in outcomes:
        size = f"{outcome.size:,} {SIZE_UNIT[outcome.case]}"
        if outcome.data is None:
            rows.append(f"| {outcome.case} | {size} | | {outcome.problem} | | | | | |")
            continue
        d = outcome.data
        millions = max(d["input_chars"], 1) / MB
        growth = d["peak_mb"] - d["baseline_mb"]
        rows.append(
            f"| {d['case']} | {size} | {d['input_chars']:,} | {d['seconds']:.2f} "
            f"| {d['seconds'] / millions:.2f} | {d['peak_mb']:.0f} | {growth:.0f} "
            f"| {growth / millions:.0f} | {d['segments']:,} |"
        )
    return rows


def write_report(outcomes: list[Outcome], command: str, path: Path) -> None:
    lines = [
        "# Stress: big and hostile inputs",
        "",
        f"Command: `{command}`  ",
        f"Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}  ",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in versions().items()) + "  ",
        f"Machine: {machine()}",
        "",
        "One `clean()` (or `clean_html()` for deep_html) call per row, in a fresh process, with "
        "the size limit lifted. *Peak MB* is the child's maximum resident set size; *MB over "
        "baseline* subtracts what the process held after loading the model and building the "
        "input. Linear growth shows as flat *s per M chars* and *MB per M chars* columns "
        "within a case. Wall times on a shared machine are noisy; compare within a case.",
        "",
        *table_rows(outcomes),
        "",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    parser.add_argument("--cases", nargs="+", choices=sorted(BUILDERS), default=list(BUILDERS))
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
    sizes = QUICK_SIZES if args.quick else FULL_SIZES
    outcomes: list[Outcome] = []
    for case in args.cases:
        for size in sizes[case]:
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
