"""Every regular expression in the package against adversarial input: none may backtrack
catastrophically.

The patterns are found, not listed: every module of the package is imported and every
compiled ``re.Pattern`` among its globals (also inside tuples, lists and dicts) is collected,
so a new regex is checked without anyone remembering to add it here.

Each pattern runs in its own small child process (which imports only ``re``) over ~120
adversarial strings of 50,000 characters: long runs of each character the pattern mentions,
runs followed by a character that makes the match fail at the very end (the classic trigger
of exponential or quadratic backtracking), alternating pairs, and the pattern's literal words
repeated. The child must finish within a generous timeout; a linear regex needs well under a
second. This is a hang detector, not a speed test.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import subprocess
import sys
from collections.abc import Iterator

import pytest

import declutter

ADVERSARIAL_LENGTH = 50_000
TIMEOUT_SECONDS = 60
#: Characters worth repeating for any pattern: classes that regexes here care about.
BASE_CHARACTERS = [*" \t\n\r\u00a0aAz0._-@#<>=\"'/:!?é", "\u2028"]
FAILING_SUFFIXES = ["!", "a"]
#: Patterns that the package only ever applies to a bounded prefix of its input are checked
#: at that length: their worst case on 50,000 characters never happens (both are quadratic
#: there, ~5 s and ~2 s on adversarial input, and ~10 ms at the length they really see).
BOUNDED: dict[str, int] = {
    "declutter.decoding._META_CHARSET": 4096,  # _declared_charset: data[:_SNIFF_BYTES]
    # page_language: html[:20000]; a training-time helper (11 s here at 50,000 characters)
    "declutter.training.agreement._LANG_ATTRIBUTE": 20_000,
}
#: Patterns known to be quadratic on input they really see: (trigger unit, why, fix). Each
#: is checked on its trigger repeated to 400,000 characters, which a linear regex scans in
#: milliseconds and a quadratic one in minutes, against a short timeout.
SUPERLINEAR: dict[str, tuple[str, str]] = {
    "declutter.training.corpora._CLEANEVAL_WRAPPER": (
        " ",
        "the unanchored \\s*</text>\\s*$ alternative rescans every run of whitespace from each "
        "of its positions (corpus loader only: trusted input)",
    ),
    **{
        f"declutter.training.corpora._CANONICAL[{i}]": (
            "<link " if i < 2 else "<meta ",
            "[^>]* from every <link/<meta start scans to the next '>' (corpus loader only, on "
            "the first 300 KB of a page)",
        )
        for i in range(4)
    },
}
SUPERLINEAR_LENGTH = 400_000
#: A linear regex scans the trigger in milliseconds; each known-quadratic one runs until
#: this timeout, so it is short (the suite waits for it once per pattern).
SUPERLINEAR_TIMEOUT_SECONDS = 1


def package_patterns() -> dict[str, re.Pattern]:
    """Every compiled pattern in every importable module of the package, by dotted name."""
    found: dict[str, re.Pattern] = {}
    for module_info in pkgutil.walk_packages(declutter.__path__, prefix="declutter."):
        if module_info.name.endswith("__main__"):
            continue
        try:
            module = importlib.import_module(module_info.name)
        except ImportError:  # an optional dependency (dask, warcio...) is missing
            continue
        for attribute, value in vars(module).items():
            for suffix, pattern in _patterns_in(value):
                found.setdefault(f"{module_info.name}.{attribute}{suffix}", pattern)
    return found


def _patterns_in(value: object) -> Iterator[tuple[str, re.Pattern]]:
    if isinstance(value, re.Pattern):
        yield "", value
    elif isinstance(value, (tuple, list)):
        for index, item in enumerate(value):
            if isinstance(item, re.Pattern):
                yield f"[{index}]", item
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, re.Pattern):
                yield f"[{key!r}]", item


def literal_characters(source: str) -> list[str]:
    """The characters a pattern mentions outside of regex syntax, escapes decoded roughly."""
    text = source.decode("latin-1") if isinstance(source, bytes) else source
    text = re.sub(r"\\[wWdDsSbBAZ]", "", text)  # class escapes say nothing literal
    text = re.sub(r"\\(.)", r"\1", text)
    return sorted({c for c in text if c not in "[](){}*+?|^$\\" and c.isprintable()})


def literal_words(source: str) -> list[str]:
    text = source.decode("latin-1") if isinstance(source, bytes) else source
    return sorted(set(re.findall(r"(?<!\\)[A-Za-z][A-Za-z_]+", text)))[:8]


def adversarial_inputs(pattern: re.Pattern) -> list[tuple[str, int, str]]:
    """(unit, repeat, suffix) triples; the child builds ``unit * repeat + suffix``."""
    mentioned = literal_characters(pattern.pattern)
    singles = sorted(set(BASE_CHARACTERS) | set(mentioned))
    specs = [(c, ADVERSARIAL_LENGTH, suffix) for c in singles for suffix in FAILING_SUFFIXES]
    pair_pool = [*mentioned, " ", "a", "A", "."][:7]
    specs += [(a + b, ADVERSARIAL_LENGTH // 2, "!") for a in pair_pool for b in pair_pool]
    for word in literal_words(pattern.pattern):
        units = (f"<{word} ", f"<{word}>", f"{word}=", f"__{word}=")
        for unit in units:
            specs.append((unit, ADVERSARIAL_LENGTH // len(unit), "!"))
        specs.append((f"<{word}", 1, " " * ADVERSARIAL_LENGTH))
        specs.append((f"<{word} ", 1, "a" * ADVERSARIAL_LENGTH))
        specs.append((f'{word}="', 1, "x" * ADVERSARIAL_LENGTH))
    return specs


_CHILD = r"""
import json, re, sys
spec = json.loads(sys.stdin.read())
source = spec["source"].encode("latin-1") if spec["bytes"] else spec["source"]
pattern = re.compile(source, spec["flags"])
limit = spec["limit"]
for unit, repeat, suffix in spec["inputs"]:
    body = unit * repeat
    text = body[: max(len(unit), limit - len(suffix))] + suffix[:limit]
    data = text.encode("utf-8") if spec["bytes"] else text
    for _ in pattern.finditer(data):
        pass
    pattern.match(data)
print("ok")
"""

PATTERNS = package_patterns()


def test_the_package_has_patterns_to_check() -> None:
    assert "declutter.paragraphs._SENTENCE_GAP" in PATTERNS
    assert any(name.startswith("declutter.html.") for name in PATTERNS)


def run_pattern(name: str, inputs: list[tuple[str, int, str]], limit: int, timeout: float) -> None:
    """Run the pattern over the inputs in a child process; fail if it does not finish."""
    pattern = PATTERNS[name]
    is_bytes = isinstance(pattern.pattern, bytes)
    spec = {
        "source": pattern.pattern.decode("latin-1") if is_bytes else pattern.pattern,
        "bytes": is_bytes,
        "flags": pattern.flags,
        "inputs": inputs,
        "limit": limit,
    }
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD],
            input=json.dumps(spec),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{name} ({pattern.pattern!r}) did not finish within {timeout} s")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


@pytest.mark.parametrize("name", sorted(set(PATTERNS) - set(SUPERLINEAR)))
def test_pattern_survives_adversarial_input(name: str) -> None:
    limit = BOUNDED.get(name, ADVERSARIAL_LENGTH)
    run_pattern(name, adversarial_inputs(PATTERNS[name]), limit, TIMEOUT_SECONDS)


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=SUPERLINEAR[name][1]))
        for name in sorted(set(SUPERLINEAR) & set(PATTERNS))
    ],
)
def test_known_quadratic_pattern_on_its_trigger(name: str) -> None:
    trigger = SUPERLINEAR[name][0]
    inputs = [(trigger, SUPERLINEAR_LENGTH // len(trigger) + 1, "!")]
    run_pattern(name, inputs, SUPERLINEAR_LENGTH, SUPERLINEAR_TIMEOUT_SECONDS)


def test_every_listed_pattern_exists() -> None:
    """A renamed or removed pattern must be taken off these lists, not silently skipped."""
    assert set(BOUNDED) <= set(PATTERNS)
    assert set(SUPERLINEAR) <= set(PATTERNS)
