"""Run one tool over many inputs in a fresh process, timing each call.

``python -m benchmarks.worker JOB.pkl RESULT.pkl``. A fresh process per tool and task is what
makes the numbers comparable: import time is a real cold import, peak memory (the growth of
the process's maximum resident set after the inputs are loaded) belongs to that tool alone,
and a peer that crashes the interpreter takes down its own job, not the benchmark.

A job is a dict: ``tool`` (a peer name, ``declutter.clean`` or ``declutter.clean_html``),
``items`` (list of ``(key, payload)``), ``timeout`` (seconds per item) and, for
``declutter.clean``, ``curve`` (also score every item at threshold 1.0, where nothing is cut,
so that the threshold curve can be drawn from the line scores). A ``speed`` job runs
:func:`benchmarks.speed.declutter_speed` or :func:`benchmarks.speed.peer_page_speed` instead.
"""

from __future__ import annotations

import pickle
import resource
import signal
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

DECLUTTER_TOOLS = ("declutter.clean", "declutter.clean_html")


class ItemTimeout(Exception):
    """One input took longer than the job's per-item timeout."""


def _on_alarm(signum: int, frame: Any) -> None:
    raise ItemTimeout("timed out")


def _status_mb(field: str) -> float | None:
    """A memory figure of this process from /proc/self/status (Linux), in MB."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def rss_mb() -> float:
    """Resident set size now, in MB (0 where /proc is missing)."""
    return _status_mb("VmRSS") or 0.0


def reset_peak_rss() -> bool:
    """Make the peak resident set start again from the current size (Linux >= 4.0).

    Without this, the peak would include the moment the job's inputs were unpickled (input
    bytes and objects side by side), which is the benchmark's cost, not the tool's.
    """
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
    except OSError:
        return False
    return True


def peak_rss_mb() -> float:
    """Peak resident set of this process so far, in MB.

    Linux's ``VmHWM`` belongs to this program only; ``ru_maxrss`` would be no good here,
    because Linux carries the parent's peak over into a child across fork and exec.
    """
    peak = _status_mb("VmHWM")
    if peak is not None:
        return peak
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return maxrss / 1024 if sys.platform != "darwin" else maxrss / (1024 * 1024)


def _build_tool(
    tool: str, model_path: str | None = None
) -> tuple[Callable[[Any], Any], dict[str, Any]]:
    """Import the tool and return (call, facts); facts hold import and model-load times."""
    facts: dict[str, Any] = {}
    started = time.perf_counter()
    if tool in DECLUTTER_TOOLS:
        import declutter

        facts["import_seconds"] = time.perf_counter() - started
        loaded = time.perf_counter()
        model = declutter.load_model(model_path)
        facts["setup_seconds"] = time.perf_counter() - loaded
        facts["version"] = declutter.__version__
        facts["threshold"] = model.threshold
        facts["model_sha256"] = model.card.get("model_sha256")
        facts["model"] = model
        function = declutter.clean if tool == "declutter.clean" else declutter.clean_html
        return (lambda payload: function(payload, model=model)), facts
    from benchmarks.peers import load_peer, peer_version

    extractor = load_peer(tool)
    facts["import_seconds"] = time.perf_counter() - started
    facts["setup_seconds"] = 0.0
    facts["version"] = peer_version(tool)
    return extractor, facts


def _segments(cleaned: Any) -> list[tuple[int, int, float, bool]]:
    return [(s.start, s.end, float(s.score), bool(s.removed)) for s in cleaned.segments]


def _clean_in_batches(
    items: list[tuple[str, Any]], model: Any, threshold: float | None = None
) -> dict[str, Any] | None:
    """Every text cleaned through ``declutter.batch.clean_many`` (untimed work only).

    None when this declutter has no batch API or the batch failed; callers then clean the
    items one by one, where a failure stays confined to its item.
    """
    try:
        from declutter.batch import clean_many
    except ImportError:
        return None
    keys = [key for key, _ in items]
    try:
        results = list(clean_many([p for _, p in items], model=model, threshold=threshold))
    except Exception:
        return None
    return dict(zip(keys, results, strict=True))


def run_batch(job: dict[str, Any]) -> dict[str, Any]:
    """Clean plain texts in batches when timing does not matter (post-processing)."""
    import declutter

    model = declutter.load_model(job.get("model_path"))
    cleaned = _clean_in_batches(job["items"], model)
    if cleaned is None:
        return run_extract({**job, "batch": False})
    return {
        "tool": job["tool"],
        "outputs": {key: result.text for key, result in cleaned.items()},
        "seconds": {},
        "errors": {},
        "version": declutter.__version__,
    }


def run_extract(job: dict[str, Any]) -> dict[str, Any]:
    """Run the job's tool on every item; exceptions and timeouts become empty output."""
    if job.get("batch") and job["tool"] == "declutter.clean":
        return run_batch(job)
    baseline = rss_mb()
    memory_method = "peak-since-reset" if reset_peak_rss() else "peak-including-inputs"
    call, facts = _build_tool(job["tool"], job.get("model_path"))
    is_declutter = job["tool"] in DECLUTTER_TOOLS
    model = facts.pop("model", None)
    outputs: dict[str, str] = {}
    seconds: dict[str, float] = {}
    errors: dict[str, str] = {}
    segments: dict[str, list[tuple[int, int, float, bool]]] = {}
    sources: dict[str, str] = {}
    timeout = float(job.get("timeout", 30.0))
    signal.signal(signal.SIGALRM, _on_alarm)
    for key, payload in job["items"]:
        signal.setitimer(signal.ITIMER_REAL, timeout)
        started = time.perf_counter()
        try:
            result = call(payload)
            elapsed = time.perf_counter() - started
        except Exception as error:
            elapsed = time.perf_counter() - started
            result = None
            errors[key] = f"{type(error).__name__}: {str(error)[:200]}"
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        seconds[key] = elapsed
        if result is None:
            outputs[key] = ""
        elif is_declutter:
            outputs[key] = result.text
            segments[key] = _segments(result)
            sources[key] = result.source
        else:
            outputs[key] = result if isinstance(result, str) else str(result)
    curve = _curve_segments(job, model) if is_declutter and job.get("curve") else {}
    return {
        "tool": job["tool"],
        "outputs": outputs,
        "seconds": seconds,
        "errors": errors,
        "segments": segments,
        "sources": sources,
        "curve_segments": curve,
        "peak_rss_mb": max(0.0, peak_rss_mb() - baseline),
        "memory_method": memory_method,
        **facts,
    }


def _curve_segments(job: dict[str, Any], model: Any) -> dict[str, list[tuple[int, int, float]]]:
    """Line scores at threshold 1.0 (nothing cut), for re-thresholding outside the model."""
    import declutter

    if job["tool"] == "declutter.clean":
        batched = _clean_in_batches(job["items"], model, threshold=1.0)
        if batched is not None:
            return {
                key: [(s.start, s.end, float(s.score)) for s in cleaned.segments]
                for key, cleaned in batched.items()
            }
    clean = declutter.clean if job["tool"] == "declutter.clean" else declutter.clean_html
    found: dict[str, list[tuple[int, int, float]]] = {}
    for key, payload in job["items"]:
        try:
            cleaned = clean(payload, model=model, threshold=1.0)
        except Exception:
            continue
        found[key] = [(s.start, s.end, float(s.score)) for s in cleaned.segments]
    return found


def run_job(job: dict[str, Any]) -> dict[str, Any]:
    """Dispatch on the job kind (``extract`` by default, or ``speed``)."""
    if job.get("kind") == "speed":
        from benchmarks import speed

        return speed.run_speed_job(job)
    return run_extract(job)


def main(argv: list[str] | None = None) -> int:
    """Read a pickled job, run it, write the pickled result; exit 2 on a failed job."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m benchmarks.worker JOB.pkl RESULT.pkl", file=sys.stderr)
        return 2
    job = pickle.loads(Path(args[0]).read_bytes())
    try:
        result = run_job(job)
    except Exception as error:
        result = {"tool": job.get("tool"), "failed": f"{error!r}\n{traceback.format_exc()}"}
    Path(args[1]).write_bytes(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    return 0 if "failed" not in result else 2


if __name__ == "__main__":
    raise SystemExit(main())
