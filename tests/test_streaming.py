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
    ("lines", "where", "message"),
    [
        (['{"body": "x"}'], "in.jsonl:1", "no field 'text'"),
        (['{"text": "ok"}', "not json"], "in.jsonl:2", "not a JSON line"),
        (['{"text": 5}'], "in.jsonl:1", "holds int, expected text"),
        (['{"text": null}'], "in.jsonl:1", "is null, expected text"),
        (["[1, 2]"], "in.jsonl:1", "expected an object"),
        (["[" * 100_000], "in.jsonl:1", "nested too deeply"),
        (['{"text": "ok"}', '{"text": "' + "9" * 5000 + '", "n": ' + "9" * 5000 + "}"],
         "in.jsonl:2", "not a JSON line"),
    ],
)  # fmt: skip
def test_a_bad_jsonl_line_is_an_error_entry_or_stops_the_run(
    tmp_path, capsys, lines, where, message
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n")
    code, out, err = run(["clean", "--jsonl", str(source)], capsys)
    assert code == 1  # some records failed
    entry = json_lines(out)[int(where.rsplit(":", 1)[1]) - 1]
    assert entry["where"].endswith(where) and message in entry["error"]
    assert f"{where}: " in err and message in err and "1 failed" in err
    code, _, err = run(["clean", "--jsonl", "--on-error", "raise", str(source)], capsys)
    assert code == 2
    assert f"{where}: " in err and message in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["clean", "--jsonl", "--warc", "x"], "exclude each other"),
        (["clean", "nothing-here-*.txt", "--jsonl"], "no files match"),
        (["clean", "missing.txt", "other.txt"], "missing.txt: no such file"),
        (["clean", "--jobs", "0", "a", "b"], "--jobs"),
        (["train", "--jobs", "0", "data.jsonl", "-o", "m"], "--jobs"),  # before reading data
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
        summary.add(clean(text), page=text == "")
    summary.failed += 2
    removed = [s for t in (SHORT, NEWSLETTER) for s in clean(t).removed]
    assert summary.documents == 3
    assert summary.paragraphs_removed == len(removed)
    assert summary.characters_removed == sum(len(s.text) for s in removed)
    assert summary.line().startswith(f"3 documents, {len(removed)} paragraphs removed")
    assert summary.line().endswith("; 1 cleaned as pages, 2 failed")


def test_progress_bar_stays_off_when_stderr_is_not_a_terminal(folder, capsys) -> None:
    _, _, err = run(["clean", str(folder)], capsys)
    assert "\r" not in err
    assert err.count("\n") == 1


def test_new_options_default_to_the_classic_behaviour() -> None:
    from declutter.options import DEFAULT_MAX_CHARS

    args = cli.build_parser().parse_args(["clean", "x.txt"])
    assert (args.inputs, args.jsonl, args.warc, args.field, args.jobs, args.output) == (
        ["x.txt"],
        False,
        False,
        "text",
        1,
        None,
    )
    assert (args.html, args.on_error, args.max_chars) == ("auto", "record", DEFAULT_MAX_CHARS)


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


# --------------------------------------------------------------------------- failing records


def _records_with_a_bad_line(path: Path, count: int, bad: int) -> None:
    with path.open("w") as handle:
        for number in range(1, count + 1):
            record = {"id": number, "text": f"Story {number}: the council approved the budget."}
            handle.write("{broken\n" if number == bad else json.dumps(record) + "\n")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_one_bad_line_in_500_costs_only_itself(tmp_path: Path, capsys, jobs: str) -> None:
    source = tmp_path / "in.jsonl"
    _records_with_a_bad_line(source, 500, 301)
    code, out, err = run(["clean", "--jsonl", str(source), "--jobs", jobs], capsys)
    records = json_lines(out)
    assert code == 1
    assert len(records) == 500  # was 256 with --jobs 1, 0 with --jobs 2
    assert [r.get("id") for r in records] == [*range(1, 301), None, *range(302, 501)]
    assert records[300] == {
        "error": records[300]["error"],
        "error_type": "StreamError",
        "where": f"{source}:301",
    }
    assert "499 documents" in err and "1 failed" in err


def test_on_error_skip_leaves_the_record_out_and_raise_stops_after_the_good_ones(
    tmp_path: Path, capsys
) -> None:
    source = tmp_path / "in.jsonl"
    _records_with_a_bad_line(source, 40, 21)
    code, out, err = run(["clean", "--jsonl", "--on-error", "skip", str(source)], capsys)
    assert (code, [r["id"] for r in json_lines(out)]) == (1, [*range(1, 21), *range(22, 41)])
    assert "(skipped)" in err
    code, out, err = run(["clean", "--jsonl", "--on-error", "raise", str(source)], capsys)
    assert (code, [r["id"] for r in json_lines(out)]) == (2, list(range(1, 21)))
    assert f"{source}:21: not a JSON line" in err


def test_only_the_first_failures_are_named_on_stderr(tmp_path: Path, capsys) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("nope\n" * 25 + json.dumps({"text": SHORT}) + "\n")
    code, out, err = run(["clean", "--jsonl", "--quiet", str(source)], capsys)
    assert code == 1 and len(json_lines(out)) == 26
    assert err.count("not a JSON line") == cli.SHOWN_FAILURES
    assert "15 more records failed (see the error entries in the output)" in err


def test_a_folder_with_unreadable_entries_cleans_the_rest(tmp_path: Path, capsys) -> None:
    import os

    (tmp_path / "a.txt").write_text(SHORT)
    (tmp_path / "b.txt").write_bytes("Café au lait.".encode("cp1252"))
    (tmp_path / "c.txt").symlink_to(tmp_path / "gone.txt")
    os.mkfifo(tmp_path / "d.fifo")  # opening it blocking would hang the run
    (tmp_path / "e.txt").write_text(NEWSLETTER)
    code, out, err = run(["clean", str(tmp_path)], capsys)
    records = json_lines(out)
    assert code == 1
    assert [Path(r.get("path") or r["where"]).name for r in records] == [
        "a.txt", "b.txt", "c.txt", "d.fifo", "e.txt"
    ]  # fmt: skip
    assert records[0]["cleaned"] == clean(SHORT).text
    assert records[4]["cleaned"] == clean(NEWSLETTER).text
    assert "--encoding" in records[1]["error"]
    assert "broken symbolic link" in records[2]["error"]
    assert "named pipe (FIFO)" in records[3]["error"]
    assert "2 documents" in err and "3 failed" in err


def test_lone_surrogates_and_nan_are_written_as_valid_json(tmp_path: Path, capsys) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        '{"text": "Caf\\u00e9 \\ud800 ends here.", "n": 1}\n'
        '{"text": "The vote was close.", "score": NaN, "high": Infinity, "low": -Infinity}\n'
    )
    code, out, _ = run(["clean", "--jsonl", "--quiet", str(source)], capsys)
    assert code == 0

    def strict(constant: str) -> None:
        raise AssertionError(f"{constant} is not JSON")

    first, second = (json.loads(line, parse_constant=strict) for line in out.splitlines())
    assert first["text"] == "Café \ud800 ends here."  # read back to the very same string
    assert first["cleaned"] == clean("Café \ud800 ends here.").text
    assert (second["score"], second["high"], second["low"]) == (None, None, None)
    assert second["cleaned"] == clean("The vote was close.").text


def test_a_jsonl_line_over_the_limit_costs_only_that_line(tmp_path: Path, capsys) -> None:
    source = tmp_path / "in.jsonl"
    with source.open("w") as handle:
        handle.write(json.dumps({"text": "x" * 5000}) + "\n")  # over the field limit
        handle.write('{"text": "' + "y" * 1_200_000)  # past 6 bytes a character + 1 MB
        handle.write('"}\n' + json.dumps({"text": SHORT}) + "\n")
    code, out, _ = run(["clean", "--jsonl", "--max-chars", "1000", str(source)], capsys)
    first, second, third = json_lines(out)
    assert code == 1
    assert "longer than 1,000 characters" in first["error"]
    assert first["error_type"] == "InputTooLargeError"
    assert "bytes on one line" in second["error"] and second["where"].endswith(":2")
    assert third["cleaned"] == clean(SHORT).text


def test_stdin_is_read_only_up_to_the_limit(monkeypatch, capsys) -> None:
    from tests.test_bad_input import Endless

    endless = Endless()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(endless)))
    code, _, err = run(["clean", "--max-chars", "100000", "-"], capsys)
    assert code == 2
    assert "-: longer than 100,000 characters" in err and "--max-chars" in err
    assert endless.served < 5_000_000


def test_a_gzip_bomb_on_stdin_is_inflated_only_up_to_the_limit(monkeypatch, capsys) -> None:
    import zlib

    class Bomb(io.RawIOBase):
        """Endless gzip data of zeros: a few bytes in, a megabyte out, for ever."""

        def __init__(self) -> None:
            self.deflate = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip framing
            self.pending, self.served = b"", 0

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:
            assert self.served < 2_000_000, "inflated far past the limit"
            while not self.pending:
                self.pending = self.deflate.compress(b"\0" * (1 << 20))
                self.pending += self.deflate.flush(zlib.Z_SYNC_FLUSH)
            size = min(len(buffer), len(self.pending))
            buffer[:size], self.pending = self.pending[:size], self.pending[size:]
            self.served += size
            return size

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(Bomb())))
    code, out, err = run(["clean", "--jsonl", "--max-chars", "100000", "-"], capsys)
    assert code == 1  # the one endless line is one failed record, and ends the input
    assert json_lines(out)[0]["error_type"] == "EndlessLineError"
    assert "so the rest of this input was not read" in err


# --------------------------------------------------------------------------- gzip and WARC damage


def _gzipped_records(count: int) -> bytes:
    import random

    words = ["budget", "council", "vote", "Monday", "said", "school", "harbour", "the"]
    chooser = random.Random(7)  # incompressible enough that truncation lands mid-stream
    lines = [
        json.dumps({"n": i, "text": " ".join(chooser.choice(words) for _ in range(40))})
        for i in range(count)
    ]
    return gzip.compress(("\n".join(lines) + "\n").encode())


def test_a_truncated_gzip_keeps_the_records_before_the_break(tmp_path: Path, capsys) -> None:
    data = _gzipped_records(300)
    source = tmp_path / "in.jsonl.gz"
    source.write_bytes(data[: len(data) // 2])
    code, out, _ = run(["clean", "--jsonl", str(source)], capsys)
    records = json_lines(out)
    assert code == 1
    assert [r["n"] for r in records[:-1]] == list(range(len(records) - 1))
    assert len(records) > 50
    assert "truncated" in records[-1]["error"]
    assert records[-1]["where"] == f"{source}:{len(records)}"


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda data: data[:12] + bytes(b ^ 0x55 for b in data[12:40]) + data[40:], "corrupt"),
        (lambda data: gzip.decompress(data), "not gzip data"),
        (lambda data: data[:-4] + b"\0\0\0\0", "corrupt"),  # a wrong length in the trailer
    ],
    ids=["corrupt deflate data", "not gzip at all", "bad trailer"],
)
def test_damaged_gzip_is_one_line_not_a_traceback(tmp_path, capsys, damage, message) -> None:
    source = tmp_path / "in.jsonl.gz"
    source.write_bytes(damage(_gzipped_records(30)))
    code, out, err = run(["clean", "--jsonl", str(source)], capsys)
    assert code == 1
    assert message in json_lines(out)[-1]["error"]
    text = tmp_path / "page.txt.gz"
    text.write_bytes(damage(gzip.compress(ARTICLE.encode() * 20)))
    code, out, err = run(["clean", str(text)], capsys)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and message in err and str(text) in err


def _warc_bytes(pages: list[tuple[str, bytes]], *, compress: bool = True) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=compress)
    for number, (content_type, body) in enumerate(pages):
        headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], "HTTP/1.1")
        uri = f"https://news.example/{number}"
        payload = io.BytesIO(body)
        record = writer.create_warc_record(uri, "response", payload=payload, http_headers=headers)
        writer.write_record(record)
    return buffer.getvalue()


PAGE = (
    "<html><body><p>The café council approved the budget on Monday after a long debate.</p>"
    "</body></html>"
).encode()


@pytest.mark.parametrize("compress", [True, False], ids=["warc.gz", "warc"])
def test_a_truncated_warc_reports_where_it_broke(tmp_path: Path, capsys, compress) -> None:
    pytest.importorskip("warcio", reason="warcio not installed (pip install 'declutter[warc]')")
    data = _warc_bytes([("text/html; charset=utf-8", PAGE)] * 6, compress=compress)
    archive = tmp_path / ("crawl.warc.gz" if compress else "crawl.warc")
    archive.write_bytes(data[: len(data) * 2 // 3 + 37])  # not on a record boundary
    code, out, _ = run(["clean", "--warc", str(archive)], capsys)
    records = json_lines(out)
    assert code == 1  # was: "0 documents", exit 0
    assert 2 <= len(records) - 1 < 6
    assert all(r["cleaned"] == clean_html(PAGE).text for r in records[:-1])
    assert records[-1]["where"].startswith(f"{archive}:")
    assert "truncated" in records[-1]["error"]


def test_a_warc_record_cut_short_is_not_cleaned_in_part(tmp_path: Path, capsys) -> None:
    pytest.importorskip("warcio", reason="warcio not installed (pip install 'declutter[warc]')")
    data = _warc_bytes([("text/html", PAGE)] * 2, compress=False)
    archive = tmp_path / "crawl.warc"
    archive.write_bytes(data[: data.rindex(b"long debate")])  # inside the last body
    code, out, _ = run(["clean", "--warc", str(archive)], capsys)
    first, last = json_lines(out)
    assert code == 1
    assert first["cleaned"] == clean_html(PAGE).text
    assert "cut short" in last["error"]


def test_a_warc_record_over_the_limit_costs_only_itself(tmp_path: Path, capsys) -> None:
    pytest.importorskip("warcio", reason="warcio not installed (pip install 'declutter[warc]')")
    big = b"<p>" + b"Word " * 2000 + b"</p>"
    archive = tmp_path / "crawl.warc.gz"
    archive.write_bytes(_warc_bytes([("text/html", big), ("text/html", PAGE)]))
    code, out, _ = run(["clean", "--warc", "--max-chars", "1000", str(archive)], capsys)
    failed, cleaned = json_lines(out)
    assert code == 1
    assert "longer than 1,000 bytes" in failed["error"]
    assert failed["where"].startswith(f"{archive}:<urn:uuid:")
    assert cleaned["cleaned"] == clean_html(PAGE).text


@pytest.mark.parametrize("charset", ["undefined", "rot13", "base64", "zlib", "utf-7", "idna"])
def test_a_hostile_warc_charset_is_ignored_not_obeyed(tmp_path, capsys, charset) -> None:
    pytest.importorskip("warcio", reason="warcio not installed (pip install 'declutter[warc]')")
    archive = tmp_path / "crawl.warc.gz"
    archive.write_bytes(_warc_bytes([(f"text/html; charset={charset}", PAGE)] * 2))
    code, out, err = run(["clean", "--warc", str(archive)], capsys)
    assert code == 0 and "Traceback" not in err
    assert [r["cleaned"] for r in json_lines(out)] == [clean_html(PAGE).text] * 2
    assert "café council" in json_lines(out)[0]["cleaned"]  # sniffed as UTF-8, not rot13'd


# --------------------------------------------------------------------------- text or page


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """A folder with a page (two spellings) and a text file."""
    page = "<html><body><nav>Home | News | Sport</nav><p>The vote was close, officials "
    page += "said on Monday.</p></body></html>"
    (tmp_path / "a.html").write_text(page)
    with gzip.open(tmp_path / "b.HTM.gz", "wt") as handle:
        handle.write(page)
    (tmp_path / "c.txt").write_text(SHORT)
    return tmp_path


def test_html_auto_cleans_pages_as_pages_and_text_as_text(mixed: Path, capsys) -> None:
    code, out, err = run(["clean", str(mixed)], capsys)
    records = json_lines(out)
    page = (mixed / "a.html").read_text()
    assert code == 0
    assert [r["cleaned_as"] for r in records] == ["page", "page", "text"]
    assert records[0]["cleaned"] == records[1]["cleaned"] == clean_html(page.encode()).text
    assert "<nav>" not in records[0]["cleaned"]  # was: the markup passed through as text
    assert records[2]["cleaned"] == clean(SHORT).text
    assert "3 documents" in err and "2 cleaned as pages" in err


@pytest.mark.parametrize(
    ("flag", "kinds"),
    [(["--html"], ["page"] * 3), (["--html", "yes"], ["page"] * 3),
     (["--html=no"], ["text"] * 3), (["--html", "auto"], ["page", "page", "text"])],
)  # fmt: skip
def test_html_yes_and_no_force_the_kind(mixed: Path, capsys, flag, kinds) -> None:
    code, out, _ = run(["clean", *flag, str(mixed)], capsys)
    assert code == 0
    assert [r["cleaned_as"] for r in json_lines(out)] == kinds


def test_a_bare_html_flag_still_takes_the_next_name_as_an_input() -> None:
    parse = cli.build_parser().parse_args
    args = parse(cli.bare_html_means_yes(["clean", "--html", "page.html", "-o", "x"]))
    assert (args.html, args.inputs) == ("yes", ["page.html"])
    args = parse(cli.bare_html_means_yes(["clean", "a.txt", "--html"]))
    assert (args.html, args.inputs) == ("yes", ["a.txt"])
    args = parse(cli.bare_html_means_yes(["clean", "--html", "no", "a.txt"]))
    assert (args.html, args.inputs) == ("no", ["a.txt"])
    assert cli.bare_html_means_yes(["review", "--html", "x"]) == ["review", "--html", "x"]
    assert cli.bare_html_means_yes(["clean", "--", "--html"]) == ["clean", "--", "--html"]


def test_jsonl_fields_and_stdin_that_start_like_a_page_are_pages(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    page = "\n  <!DOCTYPE html><html><body><p>The vote was close.</p></body></html>"
    source = tmp_path / "in.jsonl"
    lines = [{"text": page}, {"text": "<HTML><p>Shouting.</p>"}, {"text": "<p>A fragment</p>"}]
    source.write_text("".join(json.dumps(r) + "\n" for r in lines))
    _, out, _ = run(["clean", "--jsonl", "--quiet", str(source)], capsys)
    assert [r["cleaned_as"] for r in json_lines(out)] == ["page", "page", "text"]
    assert json_lines(out)[0]["cleaned"] == clean_html(page).text
    _stdin(monkeypatch, page.encode())
    code, out, _ = run(["clean", "-"], capsys)
    assert (code, out) == (0, clean_html(page).text + "\n")


# --------------------------------------------------------------------------- the output file


def test_a_failed_run_leaves_the_old_output_as_it_was(tmp_path: Path, capsys) -> None:
    (tmp_path / "ok.txt").write_text(SHORT)
    target = tmp_path / "existing.jsonl"
    target.write_text('{"old": true}\n')
    code, _, err = run(["clean", str(tmp_path / "ok.txt"), "nope.txt", "-o", str(target)], capsys)
    assert code == 2 and "nope.txt: no such file" in err
    assert target.read_text() == '{"old": true}\n'  # was: emptied before failing
    bad = tmp_path / "bad.jsonl"
    _records_with_a_bad_line(bad, 10, 5)
    argv = ["clean", "--jsonl", str(bad), "--on-error", "raise", "-o", str(target)]
    assert run(argv, capsys)[0] == 2
    assert target.read_text() == '{"old": true}\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.jsonl", "existing.jsonl", "ok.txt"]


def test_an_interrupted_run_leaves_the_old_output_and_no_temporary_file(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    import declutter.streaming as streaming

    source = tmp_path / "in.jsonl"
    source.write_text((json.dumps({"text": SHORT}) + "\n") * 5)
    target = tmp_path / "out.jsonl.gz"
    target.write_bytes(b"old")

    def interrupted(pairs, output, **kwargs):
        output.write("{}\n")
        raise KeyboardInterrupt

    monkeypatch.setattr(streaming, "write_records", interrupted)
    assert run(["clean", "--jsonl", str(source), "-o", str(target)], capsys)[0] == 130
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.jsonl.gz"]


def test_a_successful_run_replaces_the_output_and_keeps_its_permissions(
    tmp_path: Path, capsys
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"text": SHORT}) + "\n")
    target = tmp_path / "out.jsonl.gz"
    target.write_bytes(b"old")
    target.chmod(0o640)
    assert run(["clean", "--jsonl", str(source), "-o", str(target)], capsys)[0] == 0
    with gzip.open(target, "rt") as handle:
        assert json.loads(handle.read())["cleaned"] == clean(SHORT).text
    assert target.stat().st_mode & 0o777 == 0o640
    assert b"out.jsonl" in target.read_bytes()[:40]  # the gzip header names the target
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.jsonl.gz"]


def test_output_to_a_folder_is_a_one_line_usage_error(tmp_path: Path, capsys) -> None:
    source = tmp_path / "a.txt"
    source.write_text(SHORT)
    for argv in (["clean", str(source), "-o", str(tmp_path)],
                 ["clean", str(source), str(source), "-o", str(tmp_path)]):  # fmt: skip
        code, out, err = run(argv, capsys)
        assert (code, out) == (2, "")
        assert "is a folder; give a file name" in err and err.count("\n") == 1


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("many", [False, True])
def test_a_full_device_is_a_one_line_error(tmp_path: Path, capsys, many: bool) -> None:
    source = tmp_path / "a.txt"
    source.write_text(SHORT)
    argv = ["clean", str(source), *([str(source)] if many else []), "-o", "/dev/full"]
    code, _, err = run(argv, capsys)
    assert code == 2
    assert err.strip() == "declutter clean: cannot write /dev/full: No space left on device"
