"""The review page in a real browser: headless Chromium driven by Selenium.

Checks what a person would do: see the removed segments marked, move the threshold, flip a
segment and name its kind, export, and train on the export. The page's export must equal
the Python twin (:func:`declutter.review.training_record`) record for record.

Skips when selenium, chromium or chromedriver is missing (Debian: ``apt-get install
chromium chromium-driver``; ``pip install -e '.[dev]'`` brings selenium). Set
``DECLUTTER_REVIEW_SCREENSHOT=docs/review-screenshot.png`` to refresh the README's picture.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from declutter.cli import main
from declutter.result import Cleaned, Segment
from declutter.review import Correction, ReviewDocument, training_record
from declutter.training.data import parse_document, read_jsonl

ROOT = Path(__file__).resolve().parent.parent
TEST_DATA = ROOT / "training_data" / "test.jsonl"
TRAIN_DATA = ROOT / "training_data" / "train.jsonl"
HOSTILE = (
    "The council met on Monday to discuss the budget for next year.\n\n"
    "<script>alert(1)</script> and </textarea> and </script> and <!-- a comment\n\n"
    "Line one\u2028still line one? & more > less < than \U0001f449 \U0001f600 end of it\n\n"
    "Share this article on Facebook, X and WhatsApp"
)
DOCUMENTS = 22  # more than one page of 20


def _binary(names: tuple[str, ...], env: str) -> str | None:
    found = os.environ.get(env) or next(filter(None, map(shutil.which, names)), None)
    return found if found and os.path.exists(found) else None


webdriver = pytest.importorskip(
    "selenium.webdriver", reason="selenium is not installed (pip install -e '.[dev]')"
)
CHROMIUM = _binary(("chromium", "chromium-browser", "google-chrome"), "DECLUTTER_CHROMIUM")
CHROMEDRIVER = _binary(("chromedriver",), "DECLUTTER_CHROMEDRIVER")
if CHROMIUM is None or CHROMEDRIVER is None:
    pytest.skip(
        "chromium and chromedriver are needed (apt-get install chromium chromium-driver)",
        allow_module_level=True,
    )

from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the browser saves the export's download."""
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def driver(downloads: Path) -> Iterator[Any]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                 "--window-size=1280,1400", "--disable-gpu"):  # fmt: skip
        options.add_argument(flag)
    service = webdriver.ChromeService(executable_path=CHROMEDRIVER)
    browser = webdriver.Chrome(service=service, options=options)
    try:
        yield browser
    finally:
        browser.quit()


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A review page of 21 test documents plus a hostile one, made by the command."""
    folder = tmp_path_factory.mktemp("review")
    records = []
    for doc in list(read_jsonl(TEST_DATA))[: DOCUMENTS - 1]:
        records.append({"id": doc.id, "source": doc.source, "lang": doc.lang,
                        "text": doc.render()[0]})  # fmt: skip
    records.insert(1, {"id": "hostile", "source": "evil.example", "text": HOSTILE})
    inputs = folder / "docs.jsonl"
    inputs.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    out = folder / "review.html"
    assert main(["review", "--jsonl", str(inputs), "-o", str(out)]) == 0
    return out


def page_data(page: Path) -> dict[str, Any]:
    text = page.read_text(encoding="utf-8")
    start = text.index('id="declutter-data">') + len('id="declutter-data">')
    return json.loads(text[start : text.index("</script>", start)])


def review_documents(data: dict[str, Any]) -> list[ReviewDocument]:
    """The page's documents as Python values, for the export's twin."""
    docs = []
    for doc in data["docs"]:
        text = doc["text"]
        segments = tuple(
            Segment(a, b, text[a:b], score, kind, bool(gone))
            for a, b, score, kind, gone in doc["segments"]
        )
        result = Cleaned(text, segments, doc["threshold"])
        blocks = None
        if "blocks" in doc:
            blocks = tuple((start, data["features"][k]) for start, k in doc["blocks"])
        docs.append(ReviewDocument(result, doc["title"], doc["id"], doc["site"], doc.get("lang"),
                                   blocks))  # fmt: skip
    return docs


def open_page(driver: Any, page: Path) -> None:
    driver.get(page.as_uri())
    WebDriverWait(driver, 20).until(
        lambda d: d.execute_script("return document.body.dataset.ready === '1'")
    )


def removed_on_screen(driver: Any) -> int:
    return len(driver.find_elements(By.CSS_SELECTOR, "#docs .seg.removed"))


def predicted(data: dict[str, Any], threshold: float, docs: slice = slice(None)) -> int:
    return sum(seg[2] >= threshold for doc in data["docs"][docs] for seg in doc["segments"])


def set_number(driver: Any, value: str) -> None:
    box = driver.find_element(By.ID, "threshold-number")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(value)


def stat(driver: Any, name: str) -> int:
    return int(driver.find_element(By.ID, f"stat-{name}").text.replace(",", ""))


def test_page_marks_removed_segments_and_runs_no_user_text(driver: Any, page: Path) -> None:
    data = page_data(page)
    open_page(driver, page)
    threshold = data["threshold"]
    assert len(driver.find_elements(By.CSS_SELECTOR, "#docs article.doc")) == 20
    assert removed_on_screen(driver) == predicted(data, threshold, slice(0, 20)) > 0
    assert stat(driver, "removed") == predicted(data, threshold)
    # The hostile document is shown as literal text, and none of it ran.
    hostile = driver.find_elements(By.CSS_SELECTOR, "#docs article.doc .doc-text")[1]
    assert hostile.get_attribute("textContent") == HOSTILE
    assert driver.execute_script("return document.scripts.length") == 2
    assert driver.execute_script("return document.querySelectorAll('#docs script').length") == 0
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018
    # Every segment says its kind and score on hover.
    first = driver.find_element(By.CSS_SELECTOR, "#docs .seg.removed")
    assert "score" in first.get_attribute("title") and first.get_attribute("data-kind")
    # The keyboard flips too, and "hide removed text" leaves the kept article.
    first.send_keys(Keys.ENTER)
    assert "kept" in first.get_attribute("class") and "corrected" in first.get_attribute("class")
    assert driver.find_element(By.ID, "editor").is_displayed()
    first.send_keys(Keys.ESCAPE)
    assert not driver.find_element(By.ID, "editor").is_displayed()
    driver.find_element(By.ID, "hide-removed").click()
    shown = driver.find_elements(By.CSS_SELECTOR, "#docs .seg")
    assert all(s.is_displayed() != ("removed" in s.get_attribute("class")) for s in shown[:60])
    driver.find_element(By.CSS_SELECTOR, "nav.pager .pager-next").click()
    assert len(driver.find_elements(By.CSS_SELECTOR, "#docs article.doc")) == DOCUMENTS - 20
    assert removed_on_screen(driver) == predicted(data, threshold, slice(20, None))


def test_threshold_redecides_as_the_scores_predict(driver: Any, page: Path) -> None:
    data = page_data(page)
    open_page(driver, page)
    counts = []
    for value in ("0.3", "0.99"):
        set_number(driver, value)
        expected = predicted(data, float(value), slice(0, 20))
        assert removed_on_screen(driver) == expected
        assert stat(driver, "removed") == predicted(data, float(value))
        assert driver.find_element(By.ID, "threshold-range").get_attribute("value") == value
        counts.append(expected)
    assert counts[0] > counts[1]  # the scores spread across the range, so the count moved
    driver.find_element(By.ID, "threshold-range").send_keys(Keys.HOME)  # slider at 0
    total = sum(len(doc["segments"]) for doc in data["docs"][:20])
    assert removed_on_screen(driver) == total
    assert driver.find_element(By.ID, "threshold-number").get_attribute("value") == "0"


def test_corrections_are_exported_like_the_python_twin_and_train(
    driver: Any, page: Path, tmp_path: Path, downloads: Path
) -> None:
    data = page_data(page)
    docs = review_documents(data)
    threshold = data["threshold"]
    open_page(driver, page)
    first = driver.find_elements(By.CSS_SELECTOR, "#docs article.doc")[0]
    kept = first.find_element(By.CSS_SELECTOR, ".seg.kept")
    kept_index = int(kept.get_attribute("data-index"))
    kept.click()  # content -> insert
    assert "corrected" in kept.get_attribute("class") and "removed" in kept.get_attribute("class")
    Select(driver.find_element(By.ID, "editor-kind")).select_by_value("advert")
    assert kept.get_attribute("data-kind") == "advert"
    gone = first.find_element(By.CSS_SELECTOR, ".seg.removed:not(.corrected)")
    gone_index = int(gone.get_attribute("data-index"))
    gone.click()  # insert -> content
    assert "kept" in gone.get_attribute("class")
    shot = Path(os.environ.get("DECLUTTER_REVIEW_SCREENSHOT") or tmp_path / "review.png")
    driver.execute_script("window.scrollTo(0, 0)")
    driver.save_screenshot(str(shot))
    driver.find_element(By.ID, "editor-close").click()
    third = driver.find_elements(By.CSS_SELECTOR, "#docs article.doc")[2]
    third.find_element(By.CSS_SELECTOR, ".doc-check input").click()  # reviewed, unchanged
    assert stat(driver, "corrected") == 2 and stat(driver, "reviewed") == 2

    driver.find_element(By.ID, "export-button").click()
    exported = driver.find_element(By.ID, "export-text").get_attribute("textContent")
    saved = downloads / "declutter-review.jsonl"  # the Blob link really downloads it
    WebDriverWait(driver, 20).until(lambda _: saved.exists())
    assert saved.read_text(encoding="utf-8") == exported
    corrections: dict[int, Correction] = {kept_index: ("insert", "advert"),
                                          gone_index: ("content", None)}  # fmt: skip
    twin = [training_record(docs[0], threshold, corrections), training_record(docs[2], threshold)]
    assert exported.splitlines() == exported.rstrip("\n").split("\n")  # no stray line ends
    assert [json.loads(line) for line in exported.splitlines()] == twin
    everything = driver.execute_script("return window.declutterExport('all')")
    expected = [training_record(doc, threshold) for doc in docs]
    expected[0] = twin[0]
    assert [json.loads(line) for line in everything.splitlines()] == expected

    export = tmp_path / "their.jsonl"
    export.write_text(exported, encoding="utf-8")
    assert [doc.id for doc in read_jsonl(export)] == [docs[0].doc_id, docs[2].doc_id]
    train_slice = tmp_path / "train-slice.jsonl"
    with TRAIN_DATA.open(encoding="utf-8") as handle:
        train_slice.write_text("".join(handle.readline() for _ in range(10)), encoding="utf-8")
    model = tmp_path / "model"
    assert main(["train", str(export), str(train_slice), "-o", str(model), "--quiet"]) == 0
    card = json.loads((model / "card.json").read_text(encoding="utf-8"))
    assert card["training_data"]


SELECT_JS = """
const [span, word] = arguments;
const text = span.firstChild, at = text.data.indexOf(word);
const range = document.createRange();
range.setStart(text, at);
range.setEnd(text, at + word.length);
const selection = window.getSelection();
selection.removeAllRanges();
selection.addRange(range);
span.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
"""


def test_a_selection_inside_a_segment_is_cut_out_and_exported(driver: Any, page: Path) -> None:
    data = page_data(page)
    threshold = data["threshold"]
    open_page(driver, page)
    spans = driver.find_elements(By.CSS_SELECTOR, "#docs article.doc:nth-child(2) .seg")
    target = next(s for s in spans if "end of it" in s.get_attribute("textContent"))
    index = int(target.get_attribute("data-index"))
    was_removed = "removed" in target.get_attribute("class")
    driver.execute_script(SELECT_JS, target, "end")  # after two emoji: UTF-16 != code points
    cut = driver.find_element(By.ID, "editor-cut")
    assert cut.is_displayed() and cut.text.endswith("content" if was_removed else "insert")
    assert not driver.find_element(By.ID, "editor-merge").is_displayed()  # nothing cut yet
    cut.click()
    assert not cut.is_displayed() and driver.find_element(By.ID, "editor-merge").is_displayed()
    hostile = driver.find_elements(By.CSS_SELECTOR, "#docs article.doc")[1]  # re-rendered
    selected = hostile.find_elements(By.CSS_SELECTOR, ".seg.selected")
    assert [s.get_attribute("textContent") for s in selected] == ["end"]
    if not was_removed:
        Select(driver.find_element(By.ID, "editor-kind")).select_by_value("lead_gen")
    segments = driver.execute_script("return window.declutterReview.segments(1)")
    text = data["docs"][1]["text"]
    before, middle, after = segments[index : index + 3]
    assert [text[s[0] : s[1]] for s in (before, middle, after)] == [
        "still line one? & more > less < than \U0001f449 \U0001f600", "end", "of it",
    ]  # fmt: skip
    assert all(s[2] == data["docs"][1]["segments"][index][2] for s in (before, middle, after))
    label: Correction = ("content", None) if was_removed else ("insert", "lead_gen")
    doc = review_documents({"docs": [{**data["docs"][1], "segments": segments}]})[0]
    twin = training_record(doc, threshold, {index + 1: label})
    exported = driver.execute_script("return window.declutterExport('reviewed')")
    assert [json.loads(line) for line in exported.splitlines()] == [twin]
    assert twin is not None
    assert [p.get("join") for p in twin["paragraphs"][index + 1 : index + 3]] == [" ", " "]
    rendered = parse_document(twin).render()[0]
    assert rendered == text[doc.result.segments[0].start : doc.result.segments[-1].end]
    # Undo: the segment is whole again, and the document no longer counts as reviewed.
    driver.find_element(By.ID, "editor-merge").click()
    assert driver.execute_script("return window.declutterReview.segments(1)") == [
        list(seg) for seg in data["docs"][1]["segments"]
    ]
    assert driver.execute_script("return window.declutterExport('reviewed')") == ""


def test_pages_export_with_their_block_features_like_the_python_twin(
    driver: Any, tmp_path: Path
) -> None:
    pages = sorted((ROOT / "training_data" / "authoring" / "pages").glob("*.html"))[:3]
    out = tmp_path / "pages.html"
    assert main(["review", "--html", *map(str, pages), "-o", str(out)]) == 0
    data = page_data(out)
    open_page(driver, out)
    everything = driver.execute_script("return window.declutterExport('all')")
    twin = [training_record(doc, data["threshold"]) for doc in review_documents(data)]
    exported = [json.loads(line) for line in everything.splitlines()]
    assert exported == twin
    assert all("html" in p for record in exported for p in record["paragraphs"])
