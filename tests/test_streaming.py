"""``declutter clean`` over many files and streams: JSON Lines out, gzip, stdin, WARC, errors."""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from declutter import cli
from declutter.core import clean, clean_html
from declutter.options import Options
from declutter.streaming import (
    Document,
    StreamError,
    clean_documents,
    expand_inputs,
    jsonl_documents,
)

REPO = Path(__file__).resolve().parent.parent
ARTICLE = (REPO / "examples" / "article.txt").read_text()
NEWSLETTER = "Sign up for our newsletter to get the latest news in your inbox."
SHORT = "Rates rose again on Tuesday, the central bank said, citing wages.\n\n" + NEWSLETTER


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Three text files, one gzipped and one in a subfolder, plus a hidden file to skip."""
    (tmp_path / "b.txt").write_text(SHORT)
    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "sub").mkdir()
    with gzip.open(tmp_path / "sub" / "c.txt.gz", "wt") as handle:
        handle.write(NEWSLETTER)
    (tmp_path / ".hidden").write_text("not a document")
    return tmp_path


def test_one_file_still_prints_the_cleaned_text(tmp_path: Path, capsys) -> None:
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE)
    code, out, err = run(["clean", str(path)], capsys)
    assert code == 0
    assert out == clean(ARTICLE).text + "\n"
    assert err == ""  # no summary for the classic one-document call


def test_one_file_can_be_written_to_a_gzip_output(tmp_path: Path, capsys) -> None:
    path = tmp_path / "a.txt"
    path.write_text(SHORT)
    code, out, _ = run(["clean", str(path), "-o", str(tmp_path / "out.txt.gz")], capsys)
    assert (code, out) == (0, "")
    assert gzip.decompress((tmp_path / "out.txt.gz").read_bytes()).decode() == (
        clean(SHORT).text + "\n"
    )


def test_a_directory_becomes_one_record_per_file_in_order(folder: Path, capsys) -> None:
    code, out, err = run(["clean", str(folder)], capsys)
    assert code == 0
    records = json_lines(out)
    assert [Path(r["path"]).name for r in records] == ["a.txt", "b.txt", "c.txt.gz"]
    for record, text in zip(records, [ARTICLE, SHORT, NEWSLETTER], strict=True):
        assert record["cleaned"] == clean(text).text
        for segment in record["removed"]:
            assert text[segment["start"] : segment["end"]] == segment["text"]
    removed = sum(len(r["removed"]) for r in records)
    assert f"3 documents, {removed} paragraphs removed" in err


def test_a_quoted_glob_is_expanded_and_quiet_drops_the_summary(folder: Path, capsys) -> None:
    code, out, err = run(["clean", str(folder / "*.txt"), "--quiet"], capsys)
    assert code == 0
    assert [Path(r["path"]).name for r in json_lines(out)] == ["a.txt", "b.txt"]
    assert err == ""


def test_jsonl_records_come_back_with_result_fields(tmp_path: Path, capsys) -> None:
    source = tmp_path / "in.jsonl.gz"
    rows = [{"id": 1, "body": SHORT}, {"id": 2, "body": ""}, {"id": 3, "body": ARTICLE}]
    with gzip.open(source, "wt") as handle:
        handle.write("\n".join(json.dumps(r) for r in rows) + "\n\n")
    target = tmp_path / "out.jsonl.gz"
    argv = ["clean", "--jsonl", "--field", "body", str(source), "-o", str(target)]
    assert run(argv, capsys)[0] == 0
    records = json_lines(gzip.decompress(target.read_bytes()).decode())
    assert [r["id"] for r in records] == [1, 2, 3]
    assert [r["body"] for r in records] == [r["body"] for r in rows]
    assert [r["cleaned"] for r in records] == [clean(r["body"]).text for r in rows]
    assert records[0]["removed"][0]["kind"] == clean(SHORT).removed[0].kind


def test_json_flag_adds_every_segment_and_the_threshold(tmp_path: Path, capsys) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"text": SHORT}) + "\n")
    code, out, _ = run(["clean", "--jsonl", "--json", str(source)], capsys)
    assert code == 0
    record = json_lines(out)[0]
    expected = clean(SHORT).to_dict()
    assert record["segments"] == expected["segments"]
    assert record["threshold"] == expected["threshold"]


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(data))))


@pytest.mark.parametrize("compress", [False, True])
def test_jsonl_from_stdin_plain_or_gzipped(monkeypatch, capsys, compress: bool) -> None:
    data = (json.dumps({"text": SHORT}) + "\n" + json.dumps({"text": NEWSLETTER}) + "\n").encode()
    _stdin(monkeypatch, gzip.compress(data) if compress else data)
    code, out, _ = run(["clean", "--jsonl", "-", "--quiet"], capsys)
    assert code == 0
    assert [r["cleaned"] for r in json_lines(out)] == [clean(SHORT).text, clean(NEWSLETTER).text]


def test_two_jobs_write_the_same_output_as_one(tmp_path: Path, capsys) -> None:
    source = tmp_path / "in.jsonl"
    texts = [ARTICLE, SHORT, "", NEWSLETTER] * 4
    source.write_text("".join(json.dumps({"n": i, "text": t}) + "\n" for i, t in enumerate(texts)))
    _, one, _ = run(["clean", "--jsonl", str(source), "--quiet"], capsys)
    _, two, _ = run(["clean", "--jsonl", str(source), "--quiet", "--jobs", "2",
                     "--batch-size", "3"], capsys)  # fmt: skip
    assert one == two
    assert len(one.splitlines()) == len(texts)


def test_html_files_are_cleaned_like_clean_html(tmp_path: Path, capsys) -> None:
    page = "<html><body><p>The vote was close, officials said on Monday.</p>"
    page += f"<div class='newsletter'><p>{NEWSLETTER}</p></div></body></html>"
    (tmp_path / "p.html").write_text(page)
    (tmp_path / "q.html").write_text(page.replace("Monday", "Friday"))
    code, out, _ = run(["clean", "--html", str(tmp_path), "--json"], capsys)
    assert code == 0
    record = json_lines(out)[0]
    expected = clean_html(page.encode())
    assert record["cleaned"] == expected.text
    assert record["extracted"] == expected.source


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (['{"body": "x"}'], "in.jsonl:1: no field 'text'"),
        (['{"text": "ok"}', "not json"], "in.jsonl:2: not a JSON line"),
        (['{"text": 5}'], "holds int, expected text"),
        (["[1, 2]"], "expected an object"),
    ],
)
def test_bad_jsonl_fails_with_the_line_and_exit_2(tmp_path, capsys, lines, message) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n")
    code, _, err = run(["clean", "--jsonl", str(source)], capsys)
    assert code == 2
    assert message in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["clean", "--jsonl", "--warc", "x"], "exclude each other"),
        (["clean", "nothing-here-*.txt", "--jsonl"], "no files match"),
        (["clean", "missing.txt", "other.txt"], "missing.txt: no such file"),
        (["clean", "--jobs", "0", "a", "b"], "--jobs"),
    ],
)
def test_usage_errors_exit_2_with_a_message(argv, message, capsys, monkeypatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run(argv, capsys)
    assert code == 2
    assert message in err


def test_jsonl_is_read_line_by_line(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"text": "first"}) + "\n" + "broken {\n")
    documents = jsonl_documents([str(source)])
    assert next(documents).payload == "first"  # the broken line is not read yet
    with pytest.raises(StreamError, match=":2:"):
        next(documents)


def test_documents_wait_only_for_the_chunk_in_flight() -> None:
    pulled = 0

    def endless() -> Iterator[Document]:
        nonlocal pulled
        while True:
            pulled += 1
            yield Document(SHORT, {"n": pulled})

    pairs = clean_documents(endless(), Options(batch_size=3), None)
    first, second = next(pairs), next(pairs)
    assert (first[0].record["n"], second[0].record["n"]) == (1, 2)
    assert first[1] == clean(SHORT)
    assert pulled <= 4


def test_expand_inputs_walks_sorted_and_skips_hidden(folder: Path) -> None:
    names = [Path(n).relative_to(folder).as_posix() for n in expand_inputs([str(folder)])]
    assert names == ["a.txt", "b.txt", "sub/c.txt.gz"]
    assert list(expand_inputs(["-"])) == ["-"]


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text((json.dumps({"text": SHORT}) + "\n") * 300)
    command = [sys.executable, "-m", "declutter", "clean", "--jsonl", str(source)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO)
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()
    error = process.stderr.read().decode()
    assert process.wait() == 0
    assert json.loads(first)["cleaned"] == clean(SHORT).text
    assert "Traceback" not in error


def _write_warc(path: Path, page: bytes) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for uri, status, content_type, body in [
            ("https://news.example/a", "200 OK", "text/html; charset=utf-8", page),
            ("https://news.example/logo.png", "200 OK", "image/png", b"\x89PNG"),
            ("https://news.example/gone", "404 Not Found", "text/html", b"<p>gone</p>"),
        ]:
            http = [("Content-Type", content_type)]
            headers = StatusAndHeaders(status, http, protocol="HTTP/1.1")
            record = writer.create_warc_record(uri, "response", payload=io.BytesIO(body),
                                               http_headers=headers)  # fmt: skip
            writer.write_record(record)


def test_warc_html_responses_are_cleaned(tmp_path: Path, capsys) -> None:
    pytest.importorskip("warcio", reason="warcio not installed (pip install 'declutter[warc]')")
    page = (
        "<html><body><p>The council approved the budget on Monday after a long debate.</p>"
        f"<div class='newsletter'><p>{NEWSLETTER}</p></div></body></html>"
    ).encode()
    archive = tmp_path / "crawl.warc.gz"
    _write_warc(archive, page)
    code, out, err = run(["clean", "--warc", str(archive)], capsys)
    assert code == 0
    records = json_lines(out)
    assert [r["url"] for r in records] == ["https://news.example/a"]  # no image, no 404
    assert records[0]["cleaned"] == clean_html(page.decode()).text
    assert records[0]["warc_record_id"].startswith("<urn:uuid:")
    assert "1 documents" in err


def test_warc_without_warcio_says_how_to_install(monkeypatch, tmp_path, capsys) -> None:
    monkeypatch.setitem(sys.modules, "warcio.archiveiterator", None)
    (tmp_path / "x.warc").write_bytes(b"")
    code, _, err = run(["clean", "--warc", str(tmp_path / "x.warc")], capsys)
    assert code == 2
    assert "declutter[warc]" in err


def test_summary_counts_documents_paragraphs_and_characters() -> None:
    from declutter.streaming import Summary

    summary = Summary()
    for text in (SHORT, NEWSLETTER, ""):
        summary.add(clean(text))
    removed = [s for t in (SHORT, NEWSLETTER) for s in clean(t).removed]
    assert summary.documents == 3
    assert summary.paragraphs_removed == len(removed)
    assert summary.characters_removed == sum(len(s.text) for s in removed)
    assert summary.line().startswith(f"3 documents, {len(removed)} paragraphs removed")


def test_progress_bar_stays_off_when_stderr_is_not_a_terminal(folder, capsys) -> None:
    _, _, err = run(["clean", str(folder)], capsys)
    assert "\r" not in err
    assert err.count("\n") == 1


def test_new_options_default_to_the_classic_behaviour() -> None:
    args = cli.build_parser().parse_args(["clean", "x.txt"])
    assert (args.inputs, args.jsonl, args.warc, args.field, args.jobs, args.output) == (
        ["x.txt"],
        False,
        False,
        "text",
        1,
        None,
    )


class _Discard(io.StringIO):
    """An output that keeps nothing, so that only the pipeline's own memory is measured."""

    def write(self, text: str) -> int:
        return len(text)


def _peak_memory_of_a_stream(tmp_path: Path, count: int) -> int:
    """Peak traced allocation while streaming ``count`` JSON Lines records through cleaning."""
    import tracemalloc

    from declutter.model import load_model
    from declutter.streaming import write_records

    source = tmp_path / f"{count}.jsonl.gz"
    with gzip.open(source, "wt") as handle:
        for number in range(count):
            record = {"id": number, "text": f"Story {number} about the council budget vote."}
            handle.write(json.dumps(record) + "\n")
    load_model()  # loaded before tracing: the model is not what is measured
    tracemalloc.start()
    try:
        write_records(clean_documents(jsonl_documents([str(source)]), Options(), None), _Discard())
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_number_of_records(tmp_path: Path) -> None:
    small = _peak_memory_of_a_stream(tmp_path, 300)
    large = _peak_memory_of_a_stream(tmp_path, 3000)
    assert large < small * 1.5  # ten times the records, about the same peak
