"""The ``declutter`` command line: clean, train, evaluate, label.

Exit codes: 0 success, 1 a quality gate or check failed, 2 bad usage or unreadable input
(with a message on stderr saying what to do), 130 interrupted.
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

if TYPE_CHECKING:  # the runtime modules load on use, so that --help stays instant
    from .model import Model
    from .options import Options

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class UsageError(DeclutterError):
    """A problem with what the user asked for; printed without a traceback, exit code 2."""


@dataclass(frozen=True)
class Output:
    """What ``declutter clean`` writes, and where (None or ``-``: standard output)."""

    path: str | None
    full: bool  # --json: every segment, not only the removed ones
    quiet: bool  # no summary line on stderr


def command_clean(args: argparse.Namespace) -> int:
    from .model import resolve_model
    from .options import Options
    from .streaming import is_single_document

    if args.jsonl and args.warc:
        raise UsageError("--jsonl and --warc exclude each other; give one input format")
    options = Options(
        threshold=args.threshold,
        batch_size=args.batch_size,
        n_jobs=args.jobs,
        encoding=args.encoding,
    )
    model = resolve_model(args.model)
    output = Output(args.output, args.json, args.quiet)
    html = args.html or args.warc
    if args.jsonl or args.warc or not is_single_document(args.inputs):
        source = "warc" if args.warc else "jsonl" if args.jsonl else "files"
        return clean_many_documents(args.inputs, source, args.field, html, options, model, output)
    return clean_one_document(args.inputs[0], html, options, model, output)


def clean_one_document(
    name: str, html: bool, options: Options, model: Model, output: Output
) -> int:
    """The classic ``declutter clean FILE``: the cleaned text (or ``--json``) of one document."""
    from .core import clean_html_prepared, finish, prepare, score_units
    from .decoding import decode_text
    from .streaming import open_output, read_whole

    data = read_whole(name)
    if html:
        result = clean_html_prepared(data, options, model)[1]
    else:
        text = decode_text(data, options.encoding, name)
        options.check_size(text, f"{name}: clean")
        doc = prepare(text)
        result = finish(
            doc, score_units(model, [doc])[0], model, options.threshold_for(model, html=False)
        )
    if output.full:
        payload = result.to_dict()
        payload["source"] = result.source if html else None
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
    html: bool,
    options: Options,
    model: Model,
    output: Output,
) -> int:
    """Several files, a directory, a glob, JSON Lines or WARC: stream JSON Lines out.

    Documents are read one at a time and cleaned in batches (on ``--jobs`` workers), and each
    result is written as soon as it is ready, so memory stays flat on any input size.
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
    if source == "warc":
        documents = warc_documents(names)
    elif source == "jsonl":
        documents = jsonl_documents(names, field_name=field_name, html=html)
    else:
        documents = file_documents(names, html=html, encoding=options.encoding)
    pairs = clean_documents(documents, options, model, html=html)
    summary = Summary()
    with open_output(output.path) as handle:
        try:
            progress = track(pairs, "cleaning")
            write_records(progress, handle, html=html, full=output.full, summary=summary)
            handle.flush()
        except BrokenPipeError:
            quiet_broken_pipe(handle)
            return EXIT_OK
    if not output.quiet:
        print(f"declutter clean: {summary.line()}", file=sys.stderr)
    return EXIT_OK


def write_out(text: str) -> None:
    """Write to stdout; a closed pipe (``declutter clean big.txt | head``) ends quietly."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise SystemExit(EXIT_OK) from None


def command_train(args: argparse.Namespace) -> int:
    from .training.train import TrainConfig, train

    config = TrainConfig(random_state=args.seed)
    model = train(
        args.data, args.output, corpora_root=args.corpora, config=config, verbose=not args.quiet
    )
    scores = model.card["cross_validation"]["scores"]["all"]
    print(
        f"wrote {args.output}: threshold {model.threshold}, cross-validated insert F1 "
        f"{scores['insert_f1']:.3f}, content recall {scores['content_recall']:.4f}"
    )
    return EXIT_OK


def command_evaluate(args: argparse.Namespace) -> int:
    from .model import resolve_model
    from .options import Options
    from .training.datasets import load_dataset
    from .training.evaluation import evaluate, format_table

    model = resolve_model(args.model)
    reports = {}
    for spec in args.data:
        dataset = load_dataset(spec, args.corpora)
        reports[spec] = evaluate(model, dataset.documents, Options(args.threshold).threshold)
    if args.json:
        write_out(json.dumps(reports, indent=2) + "\n")
    else:
        write_out("\n\n".join(format_table(r, f"== {spec}") for spec, r in reports.items()) + "\n")
    return EXIT_OK


def command_label(args: argparse.Namespace) -> int:
    from .model import resolve_model
    from .training.labelling import prelabel

    model = resolve_model(args.model)
    count = prelabel(args.inputs, args.output, model=model, source=args.source, html=args.html)
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
        "fields 'cleaned' and 'removed' added, plus a summary on stderr. Names ending in .gz "
        "are read and written gzip-compressed.",
    )
    clean.add_argument(
        "inputs",
        nargs="+",
        metavar="input",
        help="files, directories, glob patterns, or - for standard input",
    )
    clean.add_argument("--html", action="store_true", help="the inputs are HTML pages")
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
    clean.add_argument("-o", "--output", help="write here instead of stdout (.gz compresses)")
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
    train = commands.add_parser("train", allow_abbrev=False, help="train a model on labelled data")
    train.add_argument("data", nargs="+", help="JSONL files or folders, or corpus:NAME")
    train.add_argument("-o", "--output", required=True, help="directory to write the model to")
    train.add_argument("--corpora", help="folder of the public corpora (for corpus:NAME)")
    train.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    train.add_argument("--quiet", action="store_true", help="no progress messages")
    train.set_defaults(run=command_train)


def _add_evaluate(commands: Any) -> None:
    evaluate = commands.add_parser(
        "evaluate", allow_abbrev=False, help="score a model on labelled data"
    )
    evaluate.add_argument("data", nargs="+", help="JSONL files or folders, or corpus:NAME")
    evaluate.add_argument("--model", help="a model directory (default: the shipped model)")
    evaluate.add_argument("--corpora", help="folder of the public corpora (for corpus:NAME)")
    evaluate.add_argument("--threshold", type=float, help="override the model's threshold")
    evaluate.add_argument("--json", action="store_true", help="print JSON instead of tables")
    evaluate.set_defaults(run=command_evaluate)


def _add_label(commands: Any) -> None:
    label = commands.add_parser(
        "label", allow_abbrev=False, help="pre-label new documents for a person to correct"
    )
    label.add_argument("inputs", nargs="+", help="text (or --html) files to label")
    label.add_argument("-o", "--output", required=True, help="JSONL file to write")
    label.add_argument("--source", help="source name for all documents (default: file's folder)")
    label.add_argument("--html", action="store_true", help="the inputs are HTML pages")
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except DeclutterError as error:
        print(f"declutter {args.command}: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    raise SystemExit(main())
