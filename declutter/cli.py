"""The ``declutter`` command line: clean, train, evaluate, label, review.

Exit codes: 0 success; 1 some records failed (``declutter clean`` wrote an error entry for
each, or skipped them) or a quality gate failed; 2 bad usage or unreadable input (with a
message on stderr saying what to do); 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import __version__
from .errors import DeclutterError
from .options import DEFAULT_MAX_CHARS

if TYPE_CHECKING:  # the runtime modules load on use, so that --help stays instant
    from .failures import Failed
    from .model import Model, ModelSource
    from .options import Options
    from .streaming import HtmlMode, OnError

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
#: The ``--html`` modes (kept here too: the parser is built without importing streaming).
HTML_MODES = ("auto", "yes", "no")
ON_ERROR_CHOICES = ("raise", "skip", "record")
#: How many failed records are named on stderr before the rest are only counted.
SHOWN_FAILURES = 10


class UsageError(DeclutterError):
    """A problem with what the user asked for; printed without a traceback, exit code 2."""


@dataclass(frozen=True)
class Output:
    """What ``declutter clean`` writes, and where (None or ``-``: standard output)."""

    path: str | None
    full: bool  # --json: every segment, not only the removed ones
    quiet: bool  # no summary line on stderr
    on_error: OnError = "record"  # what a record that fails does to a stream


def command_clean(args: argparse.Namespace) -> int:
    from .model import resolve_model
    from .options import Options
    from .streaming import check_inputs, is_single_document, warcio_iterator

    if args.jsonl and args.warc:
        raise UsageError("--jsonl and --warc exclude each other; give one input format")
    if args.max_chars < 1:
        raise UsageError(
            f"--max-chars must be a positive number of characters, not {args.max_chars} "
            f"(default {DEFAULT_MAX_CHARS:,}); to clean longer documents, give a larger number"
        )
    options = Options(
        threshold=args.threshold,
        max_chars=args.max_chars,
        batch_size=args.batch_size,
        n_jobs=args.jobs,
        encoding=args.encoding,
    )
    check_inputs(args.inputs)
    if args.warc:
        warcio_iterator()  # a missing warcio is a usage error, before any output is opened
    output = Output(args.output, args.json, args.quiet, args.on_error)
    if args.jsonl or args.warc or not is_single_document(args.inputs):
        source = "warc" if args.warc else "jsonl" if args.jsonl else "files"
        model = resolve_model(args.model)
        return clean_many_documents(
            args.inputs, source, args.field, args.html, options, model, output
        )
    return clean_one_document(args.inputs[0], args.html, options, args.model, output)


def clean_one_document(
    name: str, html: HtmlMode, options: Options, model: ModelSource, output: Output
) -> int:
    """The classic ``declutter clean FILE``: the cleaned text (or ``--json``) of one document.

    Any problem (unreadable, not UTF-8, over ``--max-chars``) is a one-line error, exit 2:
    with one document there is nothing else to keep going with. The document is read before
    the model is loaded, so such an error comes at once.
    """
    from .model import resolve_model
    from .streaming import clean_stream_chunk, open_output, read_document

    document = read_document(name, html, options.encoding, options.max_chars)
    loaded = resolve_model(model)
    result = clean_stream_chunk([(document.payload, document.page)], loaded, options)[0]
    if output.full:
        payload = result.to_dict()
        payload["source"] = result.source if document.page else None
        text = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    else:
        text = result.text + ("\n" if result.text else "")
    if output.path in (None, "-"):
        write_out(text)
    else:
        with open_output(output.path) as handle:
            handle.write(text)
    return EXIT_OK


def clean_many_documents(
    inputs: Sequence[str],
    source: str,
    field_name: str,
    html: HtmlMode,
    options: Options,
    model: Model,
    output: Output,
) -> int:
    """Several files, a directory, a glob, JSON Lines or WARC: stream JSON Lines out.

    Documents are read one at a time and cleaned in batches (on ``--jobs`` workers), and each
    result is written as soon as it is ready, so memory stays flat on any input size. A
    record that cannot be read or cleaned is handled as ``--on-error`` says; the exit code
    is 1 when any was, so that a script notices.
    """
    from .progress import track
    from .streaming import (
        Summary,
        clean_documents,
        expand_inputs,
        file_documents,
        jsonl_documents,
        open_output,
        quiet_broken_pipe,
        warc_documents,
        write_records,
    )

    names = expand_inputs(inputs)
    limits: dict[str, Any] = {"html": html, "max_chars": options.max_chars, "keep_failures": True}
    if source == "warc":
        documents = warc_documents(names, **limits)
    elif source == "jsonl":
        documents = jsonl_documents(
            names, field_name=field_name, encoding=options.encoding, **limits
        )
    else:
        documents = file_documents(names, encoding=options.encoding, **limits)
    pairs = clean_documents(documents, options, model, keep_failures=True)
    summary = Summary()
    report = FailureReport(output.on_error)
    with open_output(output.path) as handle:
        try:
            progress = track(pairs, "cleaning")
            write_records(
                progress,
                handle,
                full=output.full,
                summary=summary,
                on_error=output.on_error,
                report=report,
            )
            handle.flush()
        except BrokenPipeError:
            quiet_broken_pipe(handle)
            return EXIT_OK
    report.close()
    if not output.quiet:
        print(f"declutter clean: {summary.line()}", file=sys.stderr)
    return EXIT_FAILED if summary.failed else EXIT_OK


class FailureReport:
    """Name the first failed records on stderr as they happen, then only count them.

    Failures are reported even with ``--quiet`` (that turns off the summary, not errors);
    the cap keeps a run over a broken crawl from burying the terminal. The error entries in
    the output (``--on-error record``) name every one.
    """

    def __init__(self, on_error: str) -> None:
        self.on_error = on_error
        self.count = 0

    def __call__(self, where: str, failed: Failed) -> None:
        self.count += 1
        if self.count <= SHOWN_FAILURES:
            action = "skipped" if self.on_error == "skip" else "error entry written"
            print(f"declutter clean: {where}: {failed.error} ({action})", file=sys.stderr)

    def close(self) -> None:
        hidden = self.count - SHOWN_FAILURES
        if hidden > 0:
            where = "skipped" if self.on_error == "skip" else "see the error entries in the output"
            print(f"declutter clean: {hidden:,} more records failed ({where})", file=sys.stderr)


def write_out(text: str) -> None:
    """Write to stdout; a closed pipe (``declutter clean big.txt | head``) ends quietly, and
    a failed write (``> /dev/full``) is a one-line error."""
    from .outputs import open_output, silence_stdout

    try:
        with open_output(None) as stdout:
            stdout.write(text)
            stdout.flush()
    except BrokenPipeError:
        silence_stdout()
        raise SystemExit(EXIT_OK) from None


def command_train(args: argparse.Namespace) -> int:
    from .training.train import TrainConfig, refit_kinds, train

    config = TrainConfig(random_state=args.seed)
    if args.refit_kinds is not None:
        model = refit_kinds(
            args.data, args.refit_kinds, args.output, config=config, verbose=not args.quiet
        )
        classes = model.card["kinds_refit"]["classes"]
        print(
            f"wrote {args.output}: the scores and thresholds of {args.refit_kinds} "
            f"(threshold {model.threshold}), kinds refit on "
            f"{model.card['kinds_refit']['inserts_with_kind']} inserts ({len(classes)} kinds)"
        )
        return EXIT_OK
    model = train(
        args.data,
        args.output,
        corpora_root=args.corpora,
        config=config,
        verbose=not args.quiet,
        n_jobs=args.jobs,
    )
    scores = model.card["cross_validation"]["scores"]["all"]
    print(
        f"wrote {args.output}: thresholds {model.threshold} text, {model.one_line_threshold} "
        f"one line, {model.html_threshold} pages; cross-validated insert F1 "
        f"{scores['insert_f1']:.3f}, content recall {scores['content_recall']:.4f}"
    )
    return EXIT_OK


def command_evaluate(args: argparse.Namespace) -> int:
    from .model import resolve_model
    from .options import Options
    from .training.datasets import load_dataset
    from .training.evaluation import evaluate, format_table

    threshold = Options(args.threshold).threshold  # checked before any data is read
    model = resolve_model(args.model)
    reports = {}
    for spec in args.data:
        dataset = load_dataset(spec, args.corpora)
        reports[spec] = evaluate(model, dataset.documents, threshold)
    if args.json:
        write_out(json.dumps(reports, indent=2) + "\n")
    else:
        write_out("\n\n".join(format_table(r, f"== {spec}") for spec, r in reports.items()) + "\n")
    return EXIT_OK


def command_label(args: argparse.Namespace) -> int:
    """Pre-label files for a person to correct; every input and the output folder are
    checked first, and a file that cannot be read is a one-line error (exit 2)."""
    from .model import resolve_model
    from .streaming import check_inputs
    from .training.labelling import prelabel

    check_inputs(args.inputs)
    for name in args.inputs:
        if name == "-" or os.path.isdir(name):
            raise UsageError(f"{name}: label takes files (one document each), not a folder or -")
    folder = os.path.dirname(os.path.abspath(args.output))
    if not os.path.isdir(folder):
        raise UsageError(f"cannot write {args.output}: the folder {folder} does not exist")
    model = resolve_model(args.model)
    try:
        count = prelabel(args.inputs, args.output, model=model, source=args.source, html=args.html)
    except UnicodeDecodeError as error:
        raise UsageError(
            f"an input is not valid UTF-8 ({error.reason} at byte {error.start}); label reads "
            "UTF-8 text, or pages with --html"
        ) from None
    except OSError as error:
        raise UsageError(f"{error.filename or 'an input'}: {error.strerror or error}") from None
    print(f"wrote {count} documents to {args.output}; correct the labels, then run declutter train")
    return EXIT_OK


def command_review(args: argparse.Namespace) -> int:
    """Write a review page: every removed segment marked, a threshold slider, corrections
    exported as training data (see :mod:`declutter.review`)."""
    from .review import write_review

    if args.limit is not None and args.limit < 1:
        raise UsageError(f"--limit must be a positive number of documents, not {args.limit}")
    count = write_review(
        args.inputs,
        args.output,
        html_input=args.html,
        jsonl=args.jsonl,
        field_name=args.field,
        encoding=args.encoding,
        threshold=args.threshold,
        model=args.model,
        limit=args.limit,
    )
    if args.output != "-":
        print(f"wrote {args.output}: {count} documents; open it in a browser", file=sys.stderr)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="declutter",
        allow_abbrev=False,
        description="Strip promotional inserts and boilerplate from article text.",
    )
    parser.add_argument("--version", action="version", version=f"declutter {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    for add in (_add_clean, _add_train, _add_evaluate, _add_label, _add_review):
        add(commands)
    return parser


def _add_clean(commands: Any) -> None:
    """``declutter clean``'s options: one declaration each, kept together in one place
    (longer than most functions, but splitting it would only scatter the option list)."""
    clean = commands.add_parser(
        "clean",
        allow_abbrev=False,
        help="clean text files, HTML pages, JSON Lines or WARC archives",
        description="Clean one document (prints the cleaned text), or many: several files, a "
        "directory, a quoted glob, --jsonl or --warc input stream out as JSON Lines with the "
        "fields 'cleaned', 'removed' and 'cleaned_as' added, plus a summary on stderr. Names "
        "ending in .gz are read and written gzip-compressed. Exit codes: 0 all cleaned, 1 "
        "some records failed (see --on-error), 2 bad usage or unreadable input, 130 "
        "interrupted.",
    )
    clean.add_argument(
        "inputs",
        nargs="+",
        metavar="input",
        help="files, directories, glob patterns, or - for standard input",
    )
    clean.add_argument(
        "--html",
        choices=HTML_MODES,
        default="auto",
        help="auto (default): a file named .html/.htm/.xhtml (or .gz), a WARC record, or a "
        "JSON field or standard input starting with <!doctype or <html is cleaned as a page, "
        "anything else as text; yes or no: clean everything as pages, or as text. A bare "
        "--html means yes",
    )
    clean.add_argument(
        "--json",
        action="store_true",
        help="print the full result as JSON (with many documents: add all segments and the "
        "threshold to each record)",
    )
    clean.add_argument(
        "--jsonl",
        action="store_true",
        help="the inputs are JSON Lines; each record's --field is cleaned",
    )
    clean.add_argument(
        "--field",
        default="text",
        help="with --jsonl: the field that holds the document (default: text)",
    )
    clean.add_argument(
        "--warc",
        action="store_true",
        help="the inputs are WARC archives; their HTML responses are cleaned "
        "(needs: pip install 'declutter[warc]')",
    )
    clean.add_argument(
        "-o",
        "--output",
        help="write here instead of stdout (.gz compresses); the file is replaced only when "
        "the run succeeds",
    )
    clean.add_argument(
        "--on-error",
        choices=ON_ERROR_CHOICES,
        default="record",
        help="with many documents, what a record that cannot be read or cleaned does: record "
        "(default) writes an error entry {error, error_type, where} in its place and goes on, "
        "skip leaves it out and goes on (both exit 1 at the end), raise stops the run (exit 2)",
    )
    clean.add_argument(
        "--max-chars",
        type=int,
        default=DEFAULT_MAX_CHARS,
        metavar="N",
        help=f"refuse a document longer than N characters (a page: N bytes), without reading "
        f"past N (default {DEFAULT_MAX_CHARS:,}; give a larger N to clean longer documents)",
    )
    clean.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="worker processes for many documents (default 1; -1: all cores)",
    )
    clean.add_argument(
        "--batch-size",
        type=int,
        default=None,
        help="documents scored per model call (default 64, HTML 16)",
    )
    clean.add_argument("--quiet", action="store_true", help="no summary line on stderr")
    clean.add_argument("--threshold", type=float, help="insert probability that removes (0-1)")
    clean.add_argument("--encoding", help="the input's encoding (default: UTF-8; HTML: detected)")
    clean.add_argument("--model", help="a model directory (default: the shipped model)")
    clean.set_defaults(run=command_clean)


def _add_train(commands: Any) -> None:
    train = commands.add_parser(
        "train",
        allow_abbrev=False,
        help="train a model on labelled data",
        description="Train a model on labelled data: cross-validates with folds grouped by "
        "site, tunes the thresholds on out-of-fold scores, and writes model.npz and card.json "
        "to the output directory. The same data and seed give the same model.",
    )
    train.add_argument(
        "data",
        nargs="+",
        help="labelled data: JSONL files or folders in declutter's training format, or "
        "corpus:NAME[:text][:agreed][:test|:all] for a public corpus",
    )
    train.add_argument("-o", "--output", required=True, help="directory to write the model to")
    train.add_argument(
        "--corpora",
        help="folder of the public corpora, for corpus:NAME (default: $DECLUTTER_CORPORA or "
        "../shared/corpora)",
    )
    train.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    train.add_argument(
        "--jobs",
        type=int,
        default=-1,
        help="processes that label pages by agreement and fit the cross-validation folds "
        "(default -1: one per core); the model does not depend on it",
    )
    train.add_argument(
        "--refit-kinds",
        metavar="MODEL",
        help="keep MODEL's scores and thresholds (it removes the same segments) and refit only "
        "the model that names each removed segment's kind, on DATA (own-format files only; "
        "the corpora carry no kinds)",
    )
    train.add_argument("--quiet", action="store_true", help="no progress messages")
    train.set_defaults(run=command_train)


def _add_evaluate(commands: Any) -> None:
    evaluate = commands.add_parser(
        "evaluate",
        allow_abbrev=False,
        help="score a model on labelled data",
        description="Score a model on labelled data: insert precision, recall and F1 per "
        "paragraph, and content recall weighted by characters, for each data spec and "
        "overall.",
    )
    evaluate.add_argument(
        "data",
        nargs="+",
        help="labelled data: JSONL files or folders, or corpus:NAME[:text][:agreed][:test|:all]",
    )
    evaluate.add_argument("--model", help="a model directory (default: the shipped model)")
    evaluate.add_argument(
        "--corpora",
        help="folder of the public corpora, for corpus:NAME (default: $DECLUTTER_CORPORA or "
        "../shared/corpora)",
    )
    evaluate.add_argument(
        "--threshold",
        type=float,
        help="score at this insert probability (0-1) instead of the model's own threshold",
    )
    evaluate.add_argument("--json", action="store_true", help="print JSON instead of tables")
    evaluate.set_defaults(run=command_evaluate)


def _add_label(commands: Any) -> None:
    label = commands.add_parser(
        "label",
        allow_abbrev=False,
        help="pre-label new documents for a person to correct",
        description="Label each input file with the current model and write them in the "
        "training format, least confident first, each paragraph with its score and a "
        "review_order. Correct the labels, then add the file to declutter train.",
    )
    label.add_argument("inputs", nargs="+", help="UTF-8 text files (or pages, with --html)")
    label.add_argument("-o", "--output", required=True, help="the JSONL file to write")
    label.add_argument(
        "--source", help="source (site) name for all documents (default: each file's folder)"
    )
    label.add_argument(
        "--html",
        action="store_true",
        help="the inputs are HTML pages: labelled as clean_html decides, with HTML features",
    )
    label.add_argument("--model", help="a model directory (default: the shipped model)")
    label.set_defaults(run=command_label)


def _add_review(commands: Any) -> None:
    review = commands.add_parser(
        "review",
        allow_abbrev=False,
        help="write an HTML page that shows what was removed, for a person to correct",
        description="Clean the inputs (as declutter clean reads them) and write one "
        "self-contained HTML page: each document with its removed segments marked, a "
        "threshold slider (a segment is removed iff its score >= the threshold), and "
        "corrections exported as JSON Lines for declutter train.",
    )
    review.add_argument(
        "inputs", nargs="+", metavar="input", help="files, directories, glob patterns, or -"
    )
    review.add_argument("-o", "--output", required=True, help="the HTML file to write")
    review.add_argument("--html", action="store_true", help="the inputs are HTML pages")
    review.add_argument("--jsonl", action="store_true", help="the inputs are JSON Lines")
    review.add_argument("--field", default="text", help="with --jsonl: the text field")
    review.add_argument(
        "--threshold", type=float, help="clean at this threshold; the slider starts there (0-1)"
    )
    review.add_argument("--encoding", help="the input's encoding (default: UTF-8; HTML: detected)")
    review.add_argument("--model", help="a model directory (default: the shipped model)")
    review.add_argument("--limit", type=int, help="review at most this many documents")
    review.set_defaults(run=command_review)


def bare_html_means_yes(argv: Sequence[str]) -> list[str]:
    """``declutter clean --html FILE`` as it always meant: ``--html=yes``.

    ``--html`` takes a mode now (auto, yes, no), but before it was a flag, and an option
    with an optional value would swallow the file name after it. So for ``clean``, an
    ``--html`` not followed by a mode is rewritten to ``--html=yes`` before parsing.
    """
    args = list(argv)
    command = next((i for i, token in enumerate(args) if not token.startswith("-")), None)
    if command is None or args[command] != "clean":
        return args
    for i in range(command + 1, len(args)):
        if args[i] == "--":
            break
        following = args[i + 1] if i + 1 < len(args) else None
        if args[i] == "--html" and following not in HTML_MODES:
            args[i] = "--html=yes"
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser().parse_args(bare_html_means_yes(argv))
    try:
        return int(args.run(args))
    except DeclutterError as error:
        print(f"declutter {args.command}: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    raise SystemExit(main())
