"""Every bad input of issue 5 gets a valid result or a declutter error that says what to do.

"Never a traceback from deep inside": a wrong argument must fail in declutter's own checks
(an :class:`InputError` naming the function and the fix), odd text must come back as a valid
result with exact offsets, and the command line must turn every problem with a file into a
one-line message and exit code 2. Big inputs are measured in ``benchmarks/stress.py``; here only
the super-linear code paths that would turn into hangs are checked, in a child process with a
timeout.
"""

from __future__ import annotations

import io
import math
import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import pytest

import declutter
from declutter import cli, inputs
from declutter.decoding import decode_text
from declutter.errors import DeclutterError, InputError, InputTooLargeError, OptionError
from declutter.options import DEFAULT_MAX_CHARS, Options

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = (
    "The council approved the new budget on Monday after a debate that lasted six hours.\n\n"
    "Sign up for our newsletter to get the latest local news in your inbox every morning.\n\n"
    "Councillors said the plan would fund two new schools and repair the harbour wall."
)


def assert_valid(result: declutter.Cleaned) -> None:
    """The result invariants, stated independently of the code under test."""
    source = result.source
    position = 0
    for segment in result.segments:
        assert 0 <= position <= segment.start < segment.end <= len(source)
        assert source[segment.start : segment.end] == segment.text
        assert source[position : segment.start].strip() == ""
        position = segment.end
    assert source[position:].strip() == ""


# --------------------------------------------------------------------------- wrong types


@pytest.mark.parametrize("function", [declutter.clean, declutter.clean_html])
@pytest.mark.parametrize("value", [None, 42, 3.5, ["a paragraph"], {"text": "x"}, object()])
def test_a_wrong_type_is_an_input_error_that_names_the_function(function, value) -> None:
    with pytest.raises(InputError, match=function.__name__ + r"\(\)") as caught:
        function(value)
    assert "str" in str(caught.value)


def test_bytes_for_clean_say_how_to_decode() -> None:
    with pytest.raises(InputError, match=r"decode\('utf-8'\)"):
        declutter.clean(b"Some text")


def test_bytes_decode_with_an_explicit_encoding() -> None:
    assert decode_text("café".encode("cp1252"), "cp1252", "a.txt") == "café"


@pytest.mark.parametrize(
    ("data", "encoding", "message"),
    [
        (b"caf\xe9", "utf-8", "not valid utf-8 .*byte 3"),
        (b"text", "no-such-codec", "'no-such-codec' is not a text encoding"),
        (b"text", "rot13", "'rot13' is not a text encoding"),
        (b"eJzLSM3JyVcozy/KSQEAGgQEXQ==", "base64", "'base64' is not a text encoding"),
        (b"+AGEAYgBj-", "utf-7", "'utf-7' is not a text encoding"),
        (b"text", "idna", "'idna' is not a text encoding"),
        (b"text", 5, "5 is not a text encoding"),
    ],
)
def test_bytes_with_a_wrong_encoding_say_which(data: bytes, encoding, message: str) -> None:
    with pytest.raises(InputError, match=message):
        decode_text(data, encoding, "a.txt")


@pytest.mark.parametrize(
    "threshold", [-0.1, 1.5, math.nan, math.inf, -math.inf, 10**400, -(10**400)]
)
def test_a_threshold_out_of_range_is_an_option_error(threshold: float) -> None:
    with pytest.raises(OptionError, match="between 0 and 1") as caught:
        declutter.clean(ARTICLE, threshold=threshold)
    assert isinstance(caught.value, DeclutterError)
    assert isinstance(caught.value, ValueError)  # code that caught ValueError keeps working


@pytest.mark.parametrize("threshold", ["0.5", True, [0.5], b"1"])
def test_a_threshold_that_is_not_a_number_is_an_input_error(threshold: object) -> None:
    with pytest.raises(InputError, match="number between 0 and 1"):
        declutter.clean(ARTICLE, threshold=threshold)


def test_a_numpy_threshold_is_accepted() -> None:
    numpy = pytest.importorskip("numpy")
    assert Options(threshold=numpy.float32(0.25)).threshold == 0.25
    assert declutter.clean(ARTICLE, threshold=numpy.float64(0.75)).threshold == 0.75


# --------------------------------------------------------------------------- size limit


def test_the_size_check_refuses_with_a_way_out() -> None:
    with pytest.raises(InputTooLargeError, match=r"max_chars=None") as caught:
        Options(max_chars=10).check_size("x" * 11, "clean")
    assert "11 characters" in str(caught.value)
    Options(max_chars=10).check_size("x" * 10, "clean")  # at the limit is fine
    Options(max_chars=None).check_size("x" * 10**6, "clean")  # None lifts it


@pytest.mark.parametrize("value", [0, -5, 2.5, "100", True])
def test_a_bad_size_limit_is_an_option_error(value: object) -> None:
    with pytest.raises(OptionError, match="max_chars"):
        Options(max_chars=value)


@pytest.mark.parametrize("function", [declutter.clean, declutter.clean_html])
def test_clean_refuses_input_over_max_chars(function) -> None:
    with pytest.raises(InputTooLargeError, match="max_chars"):
        function("A short paragraph that is longer than ten characters.", max_chars=10)


def test_the_default_size_limit_is_the_documented_one() -> None:
    import inspect

    for function in (declutter.clean, declutter.clean_html):
        assert inspect.signature(function).parameters["max_chars"].default == DEFAULT_MAX_CHARS


class Endless(io.RawIOBase):
    """An input that never ends (like /dev/zero, or a gzip bomb inflating), which counts
    what it served and fails the test if anyone reads far past any sensible limit."""

    def __init__(self, unit: bytes = b"a", ceiling: int = 50_000_000) -> None:
        self.unit, self.ceiling, self.served = unit, ceiling, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.served > self.ceiling:
            raise AssertionError(f"read {self.served:,} bytes of an endless input")
        size = len(buffer)
        buffer[:size] = (self.unit * (size // len(self.unit) + 1))[:size]
        self.served += size
        return size


def test_reading_text_stops_just_past_the_limit() -> None:
    from declutter.decoding import read_text

    endless = Endless()
    with pytest.raises(InputTooLargeError, match="longer than 1,000 characters"):
        read_text(io.BufferedReader(endless), None, "endless", 1_000, chunk_bytes=4096)
    assert endless.served <= 1_000 + 2 * 8192  # one chunk past the limit (plus buffering)


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 1 << 20])
def test_reading_text_in_chunks_decodes_as_the_whole(chunk: int) -> None:
    from declutter.decoding import read_text

    text = "\ufeffCafé, naïve 日本語 😀 and plain ASCII.\n" * 3
    data = text.encode("utf-8")
    assert read_text(io.BytesIO(data), None, "x", None, chunk) == decode_text(data, None, "x")
    assert read_text(io.BytesIO(data), None, "x", len(text) - 1, chunk)  # BOM not counted
    with pytest.raises(InputTooLargeError):
        read_text(io.BytesIO(data), None, "x", len(text) - 2, chunk)
    broken = data[:20] + b"\xe9" + data[20:]
    with pytest.raises(InputError) as whole:
        decode_text(broken, None, "x")
    with pytest.raises(InputError) as chunked:
        read_text(io.BytesIO(broken), None, "x", None, chunk)
    assert str(chunked.value) == str(whole.value)  # the same byte offset


def test_a_line_over_the_limit_costs_only_that_line() -> None:
    from declutter.bounded import read_bounded, read_line

    handle = io.BytesIO(b"short\n" + b"x" * 100_000 + b"\nnext\n")
    assert read_line(handle, 10) == b"short\n"
    with pytest.raises(InputTooLargeError, match="on one line"):
        read_line(handle, 10)
    assert read_line(handle, 10) == b"next\n"
    assert read_line(handle, 10) == b""
    assert read_line(io.BytesIO(b"x" * 10 + b"\n"), 10) == b"x" * 10 + b"\n"  # at the limit
    with pytest.raises(InputTooLargeError, match="longer than 5 bytes"):
        read_bounded(io.BytesIO(b"123456"), 5)
    assert read_bounded(io.BytesIO(b"12345"), 5) == b"12345"


def test_a_line_that_never_ends_is_not_followed_for_ever() -> None:
    from declutter.bounded import EndlessLineError, read_line

    endless = Endless()
    with pytest.raises(EndlessLineError, match="past 2,000 bytes"):
        read_line(io.BufferedReader(endless), 1_000)
    assert endless.served < 4 << 20  # the skip reads a megabyte at a time, then gives up


# --------------------------------------------------------------------------- odd text

ODD_TEXTS = {
    "empty": "",
    "spaces": "   ",
    "blank lines": "\n\n\n\r\n\r\n",
    "unicode spaces only": "\u00a0\u2002\u3000\u2028\u2029\x0b\x0c\x1c\x85",
    "crlf": "First paragraph of the story.\r\nSecond paragraph.\r\n\r\nThird one.",
    "lone cr": "One line.\rTwo line.\r\rThree line.",
    "tabs and nbsp": "\tIndented\u00a0paragraph\twith tabs.\u00a0\n\u00a0\u00a0Next one.",
    "zero-width": "\u200bZero\u200bwidth\u200b joiners\u200d and \ufeffBOMs.\n\u200b",
    "combining marks": "Cafe\u0301 na\u0308ive Z\u0334\u0335a\u0336lgo text.\n\ne\u0301",
    "emoji": "👍🏽 Family 👨‍👩‍👧 flag 🇬🇧 keycap 1️⃣.\n\n🔥🔥🔥",
    "right-to-left": "مرحبا بالعالم. هذا نص تجريبي.\n\n"
    "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd.\u200f",
    "nul and controls": "abc\x00def\x01\x02\x7f.\n\n\x1b[31mred\x1b[0m text",
    "only punctuation": "!!! ??? ... --- ***\n\n|||",
    "one long word": "x" * 5000,
}


@pytest.mark.parametrize("name", list(ODD_TEXTS))
def test_odd_text_gives_a_valid_result_with_exact_offsets(name: str) -> None:
    text = ODD_TEXTS[name]
    result = declutter.clean(text)
    assert result.source == text
    assert_valid(result)


@pytest.mark.parametrize("text", ["", " ", "\n\n\t\r\n", "\u3000\u2028"])
def test_empty_and_whitespace_only_text_has_no_segments(text: str) -> None:
    result = declutter.clean(text)
    assert result.segments == ()
    assert result.text == ""


def test_lone_surrogates_do_not_crash() -> None:
    text = "Broken \ud800 surrogate in a paragraph.\n\nAnother \udfff one."
    result = declutter.clean(text)
    assert_valid(result)
    assert "\ud800" in result.text or any("\ud800" in s.text for s in result.removed)


# --------------------------------------------------------------------------- HTML

BAD_PAGES: dict[str, str | bytes] = {
    "unclosed tags": "<div><p>First paragraph of the story <b>bold<div><span>more text",
    "stray end tags": "</p></div><p>Real text here.</p></span></table></html></body>",
    "scripts and styles only": "<script>var a = '<p>no</p>';</script><style>p{}</style>",
    "only navigation": "<nav><ul>" + "<li><a href='/x'>Section</a></li>" * 50 + "</ul></nav>",
    "binary garbage": bytes(range(256)) * 40,
    "empty bytes": b"",
    "nul bytes": b"<p>a\x00b\x00c</p>\x00\x00",
    "comment never closed": "<p>Before.</p><!-- open comment <p>After.</p>",
    "cdata and pi": "<![CDATA[ raw ]]><?php echo 1; ?><p>Text.</p>",
    "huge attribute": '<p class="' + "promo " * 200_000 + '" data-x="' + "y" * 10**6 + '">Hi.</p>',
    "many attributes": "<p " + " ".join(f"a{i}='{i}'" for i in range(20_000)) + ">Text.</p>",
    "lone surrogate in str": "<p>Broken \ud800 here.</p>",
    "xml declaration with a bogus encoding": "<?xml version='1.0' encoding='bogus'?><p>x</p>",
    "frameset": "<frameset><frame src='a.html'></frameset><noframes>No frames.</noframes>",
    "table soup": "<table><tr><td>Cell<table><td>inner</tr></table>after</td></table>",
}


@pytest.mark.parametrize("name", list(BAD_PAGES))
def test_bad_html_gives_a_valid_result(name: str) -> None:
    result = declutter.clean_html(BAD_PAGES[name])
    assert_valid(result)


def test_a_bytearray_page_is_read_like_bytes() -> None:
    page = "<p>café naïve</p>".encode()
    assert declutter.clean_html(bytearray(page)) == declutter.clean_html(page)


def test_a_page_of_scripts_and_styles_has_no_text() -> None:
    assert declutter.clean_html(BAD_PAGES["scripts and styles only"]).source == ""


@pytest.mark.parametrize(
    ("page", "encoding"),
    [
        ('<meta charset="iso-8859-1"><p>café naïve</p>'.encode(), None),  # meta lies: UTF-8
        ('<meta charset="utf-8"><p>café naïve</p>'.encode("cp1252"), None),  # meta lies: cp1252
        ("<p>café naïve</p>".encode("cp1252"), None),  # no charset at all
        ('<meta charset="klingon"><p>café naïve</p>'.encode(), None),  # unknown charset
        ('<meta charset="utf-16"><p>café naïve</p>'.encode(), None),  # impossible charset
        ("<p>café naïve</p>".encode("utf-16"), None),  # UTF-16 with BOM, no meta
        ("<p>café naïve</p>".encode("cp1252"), "cp1252"),  # explicit encoding wins
        ("<p>café naïve</p>".encode(), "no-such-codec"),  # bad explicit name: detected instead
    ],
)
def test_wrong_or_missing_charsets_still_decode_the_words(page: bytes, encoding) -> None:
    result = declutter.clean_html(page, encoding=encoding)
    assert result.source == "café naïve"


def test_deep_nesting_does_not_hit_the_recursion_limit() -> None:
    depth = max(sys.getrecursionlimit() * 20, 25_000)
    page = "<div>" * depth + "<p>The only paragraph, at the bottom.</p>" + "</div>" * depth
    result = declutter.clean_html(page)
    assert_valid(result)
    assert "The only paragraph, at the bottom." in result.source


def test_deep_inline_nesting_keeps_every_word() -> None:
    depth = 20_000
    page = "".join(f"<span>w{i} " for i in range(depth)) + "</span>" * depth
    words = declutter.clean_html(page).source.split()
    assert words == [f"w{i}" for i in range(depth)]


# --------------------------------------------------------------------------- no hang


def _split_all_pieces(text: str) -> None:
    from declutter.paragraphs import split_lines, split_pieces

    for line in split_lines(text):
        split_pieces(text, line)


def finishes(function, argument, seconds: float) -> bool:
    """Run ``function(argument)`` in a forked child; False if it is still running after
    ``seconds`` (then it is killed). Fork, so the child needs no imports and no model."""
    context = multiprocessing.get_context("fork")
    child = context.Process(target=function, args=(argument,))
    child.start()
    child.join(seconds)
    if child.is_alive():
        child.kill()
        child.join()
        return False
    return child.exitcode == 0


@pytest.mark.skipif(sys.platform == "win32", reason="needs fork")
def test_a_long_line_of_ordinary_prose_splits_in_time() -> None:
    line = "The council met on Monday. It approved the budget, said the mayor. " * 3000
    assert finishes(_split_all_pieces, line, 60)


@pytest.mark.skipif(sys.platform == "win32", reason="needs fork")
def test_a_long_line_of_camel_case_words_splits_in_time() -> None:
    # 50,000 glue candidates in one 200,000-character line: ~0.3 s when linear, minutes when
    # quadratic. The 5 s allowance is for a slow, shared machine, not a speed target.
    assert finishes(_split_all_pieces, "xAb " * 50_000, 5)


def _page_blocks(markup: str) -> None:
    from declutter.html import page_blocks

    page_blocks(markup)


@pytest.mark.skipif(sys.platform == "win32", reason="needs fork")
def test_a_page_of_unclosed_noscript_tags_parses_in_time() -> None:
    # 400,000 characters: milliseconds when linear, minutes when quadratic.
    assert finishes(_page_blocks, "<noscript>" * 40_000, 5)


# --------------------------------------------------------------------------- command line


def run_cli(args: list[str], capsys) -> tuple[int, str, str]:
    """``declutter ARGS`` in this process: exit code, stdout, stderr."""
    try:
        code = cli.main(args)
    except SystemExit as stop:  # argparse's own usage errors
        code = int(stop.code or 0)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out, captured.err


def test_cli_missing_file(tmp_path: Path, capsys) -> None:
    missing = tmp_path / "nope.txt"
    code, out, err = run_cli(["clean", str(missing)], capsys)
    assert code == cli.EXIT_USAGE
    assert str(missing) in err
    assert "no such file" in err.lower()
    assert out == ""


def test_cli_empty_directory_is_not_an_error(tmp_path: Path, capsys) -> None:
    code, out, _ = run_cli(["clean", "--quiet", str(tmp_path)], capsys)
    assert code == cli.EXIT_OK
    assert out == ""


def test_cli_directory_with_a_non_utf8_file_names_it(tmp_path: Path, capsys) -> None:
    (tmp_path / "a.txt").write_text("A good paragraph of text.", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes("Caf\xe9 au lait.".encode("cp1252"))
    code, _, err = run_cli(["clean", "--quiet", str(tmp_path)], capsys)
    assert code in (cli.EXIT_FAILED, cli.EXIT_USAGE)  # stop (2), or skip and report (1)
    assert "b.txt" in err
    assert "--encoding" in err


def test_cli_unreadable_file(tmp_path: Path, capsys, monkeypatch) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_text("secret")

    def refuse(name: str) -> int:
        raise PermissionError(13, "Permission denied", name)

    monkeypatch.setattr(inputs, "_open_descriptor", refuse)  # what opening 0o000 does
    code, _, err = run_cli(["clean", str(locked)], capsys)
    assert code == cli.EXIT_USAGE
    assert "locked.txt" in err
    assert "permission denied" in err.lower()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_cli_file_without_read_permission(tmp_path: Path, capsys) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_text("secret")
    locked.chmod(0)
    code, _, err = run_cli(["clean", str(locked)], capsys)
    assert code == cli.EXIT_USAGE
    assert "permission denied" in err.lower()


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs Linux /proc")
def test_cli_file_that_fails_to_read(capsys) -> None:
    # /proc/self/mem exists and opens, but reading from offset 0 fails with EIO, even as root.
    code, _, err = run_cli(["clean", "/proc/self/mem"], capsys)
    assert code == cli.EXIT_USAGE
    assert "/proc/self/mem" in err
    assert "cannot read" in err


def test_cli_non_utf8_file_asks_for_an_encoding(tmp_path: Path, capsys) -> None:
    page = tmp_path / "latin.txt"
    page.write_bytes("Le café était fermé le lundi.".encode("cp1252"))
    code, out, err = run_cli(["clean", str(page)], capsys)
    assert code == cli.EXIT_USAGE
    assert "--encoding" in err
    assert out == ""
    # --threshold 1 keeps every line: this test is about decoding, not about the model.
    code, out, _ = run_cli(["clean", "--threshold", "1", "--encoding", "cp1252", str(page)], capsys)
    assert code == cli.EXIT_OK
    assert "café était fermé" in out


def test_cli_utf8_with_bom_is_read(tmp_path: Path, capsys) -> None:
    page = tmp_path / "bom.txt"
    page.write_bytes(b"\xef\xbb\xbf" + "Le café était fermé le lundi.".encode())
    code, out, _ = run_cli(["clean", "--threshold", "1", str(page)], capsys)
    assert code == cli.EXIT_OK
    assert out.startswith("Le café")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--encoding", "no-such-codec"], "not a text encoding"),
        (["--threshold", "1.5"], "between 0 and 1"),
        (["--threshold", "nan"], "between 0 and 1"),
        (["--model", "/nonexistent/model/dir"], "no model directory"),
    ],
)
def test_cli_bad_options_exit_2_with_a_message(tmp_path: Path, capsys, options, message) -> None:
    page = tmp_path / "a.txt"
    page.write_text(ARTICLE)
    code, out, err = run_cli(["clean", *options, str(page)], capsys)
    assert code == cli.EXIT_USAGE
    assert message in err
    assert out == ""


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_cli_refuses_a_device_instead_of_reading_it_for_ever(capsys) -> None:
    code, out, err = run_cli(["clean", "/dev/zero"], capsys)
    assert (code, out) == (cli.EXIT_USAGE, "")
    assert "/dev/zero: a character device, not a regular file" in err
    assert err.count("\n") == 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
@pytest.mark.parametrize("command", ["clean", "label"])
def test_cli_refuses_a_fifo_instead_of_waiting_for_a_writer(tmp_path: Path, command) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    args = [command, str(fifo)] + (
        ["-o", str(tmp_path / "out.jsonl")] if command == "label" else []
    )
    process = _cli_process(args)
    try:
        _, err = process.communicate(timeout=120)  # a blocking open would never return
    finally:
        process.kill()
    assert process.returncode == cli.EXIT_USAGE
    assert "named pipe (FIFO)" in err.decode() and "Traceback" not in err.decode()


@pytest.mark.parametrize("value", ["0", "-5"])
def test_cli_max_chars_must_be_positive(tmp_path: Path, capsys, value: str) -> None:
    page = tmp_path / "a.txt"
    page.write_text(ARTICLE)
    code, out, err = run_cli(["clean", "--max-chars", value, str(page)], capsys)
    assert (code, out) == (cli.EXIT_USAGE, "")
    assert "--max-chars must be a positive number" in err and "larger number" in err


def test_cli_one_document_over_max_chars_is_refused_with_the_way_out(tmp_path, capsys) -> None:
    page = tmp_path / "a.txt"
    page.write_text(ARTICLE)
    code, out, err = run_cli(["clean", "--max-chars", "100", str(page)], capsys)
    assert (code, out) == (cli.EXIT_USAGE, "")
    assert f"{page}: longer than 100 characters" in err and "--max-chars" in err
    code, out, _ = run_cli(["clean", "--max-chars", str(len(ARTICLE)), str(page)], capsys)
    assert (code, out) == (cli.EXIT_OK, declutter.clean(ARTICLE).text + "\n")


def test_cli_empty_file_prints_nothing(tmp_path: Path, capsys) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert run_cli(["clean", str(empty)], capsys)[:2] == (cli.EXIT_OK, "")


def test_cli_argument_errors_exit_2(capsys) -> None:
    code, _, err = run_cli(["clean"], capsys)
    assert code == cli.EXIT_USAGE
    assert "usage:" in err


def _cli_process(args: list[str]) -> subprocess.Popen:
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path, "OMP_NUM_THREADS": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "declutter", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )


@pytest.mark.parametrize("many", [False, True], ids=["one file", "a directory"])
def test_cli_broken_pipe_ends_quietly(tmp_path: Path, many: bool) -> None:
    """``declutter clean big.txt | head``: the reader goes away; no traceback, exit 0."""
    paragraph = "Councillors said the plan would fund two new schools and a harbour wall."
    big = "\n\n".join(f"{paragraph} ({i})" for i in range(4000))  # ~300 KB: beyond any pipe
    target = tmp_path / "big"
    if many:
        target.mkdir()
        for i in range(3):
            (target / f"{i}.txt").write_text(big)
    else:
        target = tmp_path / "big.txt"
        target.write_text(big)
    process = _cli_process(["clean", "--quiet", str(target)] if many else ["clean", str(target)])
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.read(100)
    process.stdout.close()  # what `head -c 100` does
    try:
        err = process.stderr.read().decode()
        code = process.wait(timeout=240)
    finally:
        process.kill()
        process.stderr.close()
    assert first
    assert "Traceback" not in err
    assert "BrokenPipe" not in err
    assert code == cli.EXIT_OK


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("many", [False, True], ids=["one file", "a directory"])
def test_cli_stdout_on_a_full_disk_is_one_line(tmp_path: Path, many: bool) -> None:
    """``declutter clean a.txt > /dev/full``: exit 2 and one line, not two tracebacks."""
    (tmp_path / "a.txt").write_text(ARTICLE)
    target = tmp_path if many else tmp_path / "a.txt"
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "declutter", "clean", "--quiet", str(target)],
            stdout=full,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": path},
            timeout=240,
        )
    err = done.stderr.decode()
    assert done.returncode == cli.EXIT_USAGE
    assert err == "declutter clean: cannot write standard output: No space left on device\n"


def test_cli_exit_code_and_one_line_message_in_a_real_process(tmp_path: Path) -> None:
    process = _cli_process(["clean", str(tmp_path / "missing.txt")])
    out, err = process.communicate(timeout=240)
    assert process.returncode == cli.EXIT_USAGE
    assert out == b""
    assert err.decode().strip().count("\n") == 0
    assert "missing.txt" in err.decode()


# --------------------------------------------------------------------------- fuzzing


def test_a_short_fuzz_run_finds_nothing() -> None:
    """CI's quick mode of benchmarks/fuzz.py (run it longer on demand: --seconds 600)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from benchmarks.fuzz import hypothesis_run

    tally = hypothesis_run(seconds=3, first_seed=0)
    assert tally.executions > 0
    assert [f"{f.target}: {f.problem}" for f in tally.findings] == []
