"""How big a 1,000-document review page is, and how fast headless Chromium opens it.

    python -m benchmarks.review_open [--documents 1000] [--runs 7] [--json OUT]

Builds the page with ``declutter review --jsonl`` from ``training_data/test.jsonl``
rendered to text (155 documents, repeated with new ids up to ``--documents``), then opens it
``--runs`` times in headless Chromium (Selenium; Debian's chromium and chromium-driver) and
reports the median (and min, max), in ms since navigation start, of: first contentful paint
(the header, painted before the data block is parsed), DOMContentLoaded, when the page
script had rendered the first 20 documents, when those were painted (the next frame
after), the end of the load event; and the time the slider takes to re-decide every
segment of every document and repaint the visible ones, and the time to switch to another
page of 20 documents.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TEST_DATA = ROOT / "training_data" / "test.jsonl"

#: Run in the page: time the slider (re-decide all documents, repaint the page of 20,
#: update the summary) and a page switch, each the mean of several calls, in ms.
TIMINGS_JS = """
const api = window.declutterReview;
let t0 = performance.now();
for (let i = 0; i < 20; i++) api.setThreshold(0.3 + i * 0.03);
const slider = (performance.now() - t0) / 20;
t0 = performance.now();
for (let i = 1; i <= 10; i++) api.goTo(i);
const page = (performance.now() - t0) / 10;
const nav = performance.getEntriesByType('navigation')[0];
const own = window.declutterTimings;
const paint = performance.getEntriesByName('first-contentful-paint')[0];
return {fcp: paint ? paint.startTime : null, load: nav.loadEventEnd,
        rendered: own.rendered, painted: own.painted,
        dcl: nav.domContentLoadedEventEnd, slider: slider, page: page};
"""


def write_inputs(path: Path, documents: int) -> None:
    """``documents`` JSON records of test texts (repeated with new ids)."""
    sys.path.insert(0, str(ROOT))
    from declutter.training.data import read_jsonl

    docs = list(read_jsonl(TEST_DATA))
    with path.open("w", encoding="utf-8") as handle:
        for n in range(documents):
            doc = docs[n % len(docs)]
            record = {"id": f"{doc.id}~{n // len(docs)}", "source": doc.source,
                      "lang": doc.lang, "text": doc.render()[0]}  # fmt: skip
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def build_page(inputs: Path, page: Path) -> float:
    """Run ``declutter review``; return its wall time in seconds."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "declutter", "review", "--jsonl", str(inputs), "-o", str(page)],
        check=True,
        cwd=ROOT,
    )
    return time.perf_counter() - started


def open_times(page: Path, runs: int) -> list[dict[str, Any]]:
    """Open the page ``runs`` times in a fresh tab each; the page's own timings."""
    from selenium import webdriver
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("DECLUTTER_CHROMIUM", "/usr/bin/chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                 "--window-size=1280,1400"):  # fmt: skip
        options.add_argument(flag)
    service = webdriver.ChromeService(
        executable_path=os.environ.get("DECLUTTER_CHROMEDRIVER", "/usr/bin/chromedriver")
    )
    driver = webdriver.Chrome(service=service, options=options)
    out = []
    try:
        for _ in range(runs):
            driver.get("about:blank")
            driver.get(page.as_uri())
            WebDriverWait(driver, 60).until(
                lambda d: d.execute_script(
                    "return document.readyState === 'complete' && "
                    "Boolean(window.declutterTimings && window.declutterTimings.painted)"
                )
            )
            out.append(driver.execute_script(TIMINGS_JS))
    finally:
        driver.quit()
    return out


def _spread(values: list[float | None]) -> dict[str, float | None]:
    """Median, min and max of the runs that measured it (a run may lack a paint entry)."""
    seen = [v for v in values if v is not None]
    if not seen:
        return {"median": None, "min": None, "max": None}
    return {"median": round(statistics.median(seen), 1), "min": round(min(seen), 1),
            "max": round(max(seen), 1)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        inputs, page = Path(folder) / "docs.jsonl", Path(folder) / "review.html"
        write_inputs(inputs, args.documents)
        build_seconds = build_page(inputs, page)
        size = page.stat().st_size
        runs = open_times(page, args.runs)
    figures = {
        "documents": args.documents,
        "file_bytes": size,
        "build_seconds": round(build_seconds, 2),
        "runs": args.runs,
        "load_average_1min": round(os.getloadavg()[0], 2),  # the machine is shared
        **{
            f"{key}_ms": _spread([r[key] for r in runs])
            for key in ("fcp", "dcl", "rendered", "painted", "load", "slider", "page")
        },
    }
    print(json.dumps(figures, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
