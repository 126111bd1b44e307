"""A bounded fuzz run over ``clean()`` and ``clean_html()``: crashes and broken invariants.

Every input must give either a valid result (offsets index the source, segments ordered and
non-overlapping, every non-whitespace character covered) or a :class:`DeclutterError`. Any other
exception, or a broken invariant, is a finding: the input is written to ``--crashes`` (one file
per finding, named by its hash) and the run ends with exit code 1, so that it can be turned into
a regression test (``tests/test_bad_input.py``).

Two engines:

* ``atheris`` (coverage-guided, libFuzzer; ``pip install atheris``), when it is installed;
* ``hypothesis``, otherwise: repeated random runs with structured strategies (real paragraphs,
  tricky characters, tag soup) until the time is up.

Usage::

    python benchmarks/fuzz.py --seconds 600               # long run, best engine available
    python benchmarks/fuzz.py --seconds 20 --engine hypothesis   # what CI's quick mode does
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CRASHES = ROOT / "benchmarks" / "results" / "fuzz-crashes"

SEEDS = [
    "The council approved the budget on Monday.\n\nSign up for our newsletter!",
    "By AcmeDataIn May this year, the regulator opened an inquiry. Read more: Rates",
    "<html><head><meta charset='utf-8'></head><body><p>Text</p><nav>Home | News</nav>",
    "<div class='promo'><a href='/x'>Download the whitepaper</a></div><noscript><div>",
    "\r\n\u2028\u00a0\u200b\x00\x0b\x85",
]


@dataclass
class Finding:
    """One input that broke a promise, and how."""

    target: str
    data: str | bytes
    problem: str


@dataclass
class Tally:
    executions: int = 0
    findings: list[Finding] = field(default_factory=list)


def check_result(result: Any) -> None:
    """Raise AssertionError when a result breaks an offset or coverage invariant."""
    source = result.source
    position = 0
    for segment in result.segments:
        if not (position <= segment.start < segment.end <= len(source)):
            raise AssertionError(f"segment out of order or out of range: {segment}")
        if source[segment.start : segment.end] != segment.text:
            raise AssertionError(f"offsets do not index the text: {segment}")
        if source[position : segment.start].strip():
            raise AssertionError(f"characters lost before {segment.start}")
        position = segment.end
    if source[position:].strip():
        raise AssertionError("characters lost at the end")


def run_one(target: str, data: str | bytes) -> Finding | None:
    """Clean one input; return a finding if it crashed or broke an invariant."""
    import declutter
    from declutter.errors import DeclutterError

    function: Callable[[Any], Any] = declutter.clean if target == "clean" else declutter.clean_html
    try:
        check_result(function(data))
    except DeclutterError:
        return None
    except Exception as error:  # the point of fuzzing: anything else is a finding
        return Finding(target, data, f"{type(error).__name__}: {error}")
    return None


def save(finding: Finding, directory: Path) -> Path:
    """Write the input to ``directory`` so that it can be replayed and made into a test."""
    raw = (
        finding.data
        if isinstance(finding.data, bytes)
        else finding.data.encode("utf-8", "surrogatepass")
    )
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{finding.target}-{hashlib.sha256(raw).hexdigest()[:16]}.bin"
    path.write_bytes(raw)
    path.with_suffix(".txt").write_text(f"{finding.target}: {finding.problem}\n")
    return path


# --------------------------------------------------------------------------- hypothesis


def hypothesis_run(
    seconds: float, stop_at_first: bool = True, first_seed: int | None = None
) -> Tally:
    """Random runs of structured strategies until ``seconds`` have passed.

    With ``first_seed``, the runs are seeded ``first_seed``, ``first_seed + 1``, ...: the
    inputs are the same sequence every time (for one Hypothesis version), and a slower
    machine only runs fewer of them. The test suite runs it so, so that its outcome depends
    on the code, never on the draw or the load; the command line fuzzes at random.
    """
    from hypothesis import HealthCheck, given, seed, settings
    from hypothesis import strategies as st

    tally = Tally()
    tricky = st.sampled_from(list("\r\n\t \u00a0\u200b\u2028\x00\x0b\x85.!?<>&;\"'") + SEEDS)
    text = st.one_of(
        st.text(st.characters() | st.characters(categories=["Cs"]), max_size=600),  # surrogates
        st.lists(st.one_of(tricky, st.text(max_size=40)), max_size=30).map("".join),
    )
    markup = st.one_of(
        text,
        st.binary(max_size=800),
        st.lists(
            st.one_of(
                st.sampled_from(["<p>", "</p>", "<div class='x'>", "</div>", "<a href=#>", "<br>",
                                 "<script>", "</script>", "<!--", "-->", "<table><td>", "&amp;",
                                 "<meta charset='utf-16'>", "<noscript>", "<svg><g>", "<![CDATA["]),
                st.text(max_size=20),
            ),
            max_size=60,
        ).map("".join),
    )  # fmt: skip
    example = st.one_of(st.tuples(st.just("clean"), text), st.tuples(st.just("clean_html"), markup))

    # the time budget starts at the first example, not before: under load, Hypothesis's
    # start-up alone can take longer than a short budget, and a run of no examples is no run
    started: float | None = None

    def out_of_time() -> bool:
        return started is not None and time.monotonic() > started + seconds

    @settings(
        max_examples=10,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(example)
    def probe(case: tuple[str, str | bytes]) -> None:
        nonlocal started
        if started is None:
            started = time.monotonic()
        if out_of_time():  # let the current batch of examples end quickly
            return
        tally.executions += 1
        finding = run_one(case[0], case[1])
        if finding is not None:
            tally.findings.append(finding)
            if stop_at_first:
                raise AssertionError(finding.problem)

    runs = 0
    while not out_of_time():
        if first_seed is not None:
            seed(first_seed + runs)(probe)
        runs += 1
        try:
            probe()
        except AssertionError:
            if stop_at_first:
                break
    # While shrinking, hypothesis replays failing inputs; the last one it ran is the smallest.
    tally.findings = tally.findings[-1:] if stop_at_first else tally.findings
    return tally


# --------------------------------------------------------------------------- atheris


def atheris_run(seconds: float, crashes: Path) -> int:
    """Coverage-guided fuzzing; atheris ends the process itself when time is up."""
    import atheris

    if "declutter" in sys.modules:  # imported already (e.g. by a plugin): instrument in place
        _instrument_loaded(atheris)
    else:
        with atheris.instrument_imports(include=["declutter"]):
            import declutter  # noqa: F401

    def one_input(data: bytes) -> None:
        provider = atheris.FuzzedDataProvider(data)
        choice = provider.ConsumeIntInRange(0, 2)
        if choice == 0:
            case: tuple[str, str | bytes] = ("clean", provider.ConsumeUnicode(4096))
        elif choice == 1:
            case = ("clean_html", provider.ConsumeBytes(8192))
        else:
            case = ("clean_html", provider.ConsumeUnicode(4096))
        finding = run_one(case[0], case[1])
        if finding is not None:
            path = save(finding, crashes)
            raise RuntimeError(f"{finding.problem} (input saved to {path})")

    crashes.mkdir(parents=True, exist_ok=True)
    options = [
        f"-max_total_time={int(seconds)}",
        "-rss_limit_mb=4096",
        f"-artifact_prefix={crashes}/",
    ]
    atheris.Setup([sys.argv[0], *options], one_input)
    atheris.Fuzz()
    return 0


def _instrument_loaded(atheris: Any) -> None:
    """Add coverage to declutter's functions and methods when the package was imported before
    atheris could hook the import (instrumenting everything loaded would take many minutes)."""
    import inspect

    for name, module in list(sys.modules.items()):
        if name != "declutter" and not name.startswith("declutter."):
            continue
        for value in vars(module).values():
            members = vars(value).values() if inspect.isclass(value) else [value]
            for member in members:
                if inspect.isfunction(member) and member.__module__ == name:
                    atheris.instrument_func(member)


def model_problem() -> str | None:
    """Why the default model cannot be loaded, if it cannot: that is not an input finding."""
    import declutter

    try:
        declutter.load_model()
    except declutter.ModelError as error:
        return str(error)
    return None


def has_atheris() -> bool:
    try:
        import atheris  # noqa: F401
    except ImportError:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to fuzz")
    parser.add_argument("--engine", choices=("auto", "atheris", "hypothesis"), default="auto")
    parser.add_argument("--crashes", type=Path, default=DEFAULT_CRASHES, help="where to save")
    args = parser.parse_args(argv)
    if str(ROOT) not in sys.path:  # run as a script from a source checkout
        sys.path.insert(0, str(ROOT))
    problem = model_problem()
    if problem:
        print(f"fuzz: cannot start, the model does not load: {problem}", file=sys.stderr)
        return 2
    engine = args.engine
    if engine == "auto":
        engine = "atheris" if has_atheris() else "hypothesis"
    if engine == "atheris":
        return atheris_run(args.seconds, args.crashes)
    started = time.monotonic()
    tally = hypothesis_run(args.seconds)
    elapsed = time.monotonic() - started
    print(
        f"hypothesis: {tally.executions} inputs in {elapsed:.0f} s, {len(tally.findings)} findings"
    )
    for finding in tally.findings:
        print(f"  {finding.target}: {finding.problem} -> {save(finding, args.crashes)}")
    return 1 if tally.findings else 0


if __name__ == "__main__":
    raise SystemExit(main())
