"""The ``flake8-idempotency`` command: the endpoint inventory and the project summary.

Both read flake8's configuration exactly as flake8 does (its config files, the
``--idm-*`` options and ``[tool.flake8-idempotency]`` in ``pyproject.toml``, through the
one loader in ``engine.LintRun.from_options``) and take any flake8 option on the
command line. Exit codes: 0 pass or n/a, 1 fail, 2 a usage or configuration error
(one line on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
from collections.abc import Sequence

from .engine import LintRun
from .report.inventory import render_endpoints
from .report.render import FORMATS
from .runner import ProjectRun, apply_baseline, expand, lint_files

USAGE_ERROR = 2
#: From this many files on, the summary ends with a one-line tally on stderr (always
#: when a file was skipped or nothing was found).
LONG_RUN_FILES = 100
DESCRIPTION = "Find the HTTP handlers a retried request would break (flake8 IDM codes)."
EPILOG = (
    "Any flake8 option is accepted too (--exclude, --extend-exclude, --per-file-ignores, "
    "--idm-call-depth=3, ...), and flake8's config files are read as flake8 reads them. "
    "Exit codes: 0 pass or n/a, 1 fail, 2 usage or configuration error."
)


class UsageError(Exception):
    """A mistake in how the command was called: one line, exit code 2."""


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(list(sys.argv[1:] if argv is None else argv))
    except UsageError as error:
        print(f"flake8-idempotency: error: {error}", file=sys.stderr)
        return USAGE_ERROR


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="flake8-idempotency", description=DESCRIPTION, epilog=EPILOG)
    parser.add_argument("--version", action="version", version=_version())
    commands = parser.add_subparsers(dest="command", required=True, metavar="{endpoints,summary}")
    endpoints = commands.add_parser(
        "endpoints",
        help="list every endpoint found, one per line",
        description="List every endpoint found.",
        epilog=EPILOG,
    )
    endpoints.add_argument("--format", choices=("text", "json"), default="text")
    summary = commands.add_parser(
        "summary",
        help="endpoints, counts per check and a pass/fail/n/a verdict",
        description="Every endpoint, the counts per check and a pass/fail/n/a verdict.",
        epilog=EPILOG,
    )
    summary.add_argument("--format", choices=sorted(FORMATS), default="text")
    summary.add_argument("--output", metavar="FILE", help="write the summary here instead of standard output")
    summary.add_argument("--baseline", metavar="FILE", help="fail only on findings this baseline does not hold")
    summary.add_argument("--write-baseline", metavar="FILE", help="record today's findings as the baseline, exit 0")
    return parser


def _main(argv: list[str]) -> int:
    args, rest = _parser().parse_known_args(argv)
    options = _flake8_options(rest)
    missing = [path for path in options.filenames if path != "-" and not os.path.exists(path)]
    if missing:
        raise UsageError(f"no such file or directory: {missing[0]}")
    run = LintRun.from_options(options)
    project = lint_files(expand(options.filenames, options), options, run)
    if args.command == "endpoints":
        sys.stdout.write(render_endpoints([report.endpoint for report in project.reports], args.format))
        return 0
    return _summary(args, options, project)


def _summary(args: argparse.Namespace, options: argparse.Namespace, project: ProjectRun) -> int:
    from .report.baseline import BaselineError, read_baseline, write_baseline
    from .report.summary import summarize

    try:
        if args.write_baseline:
            written = write_baseline(args.write_baseline, project.reports)
            print(f"flake8-idempotency: wrote {written} findings to {args.write_baseline}", file=sys.stderr)
            return 0
        if args.baseline:
            apply_baseline(project, read_baseline(args.baseline))
    except BaselineError as error:
        raise UsageError(str(error)) from None
    partial = any(os.path.isfile(path) for path in options.filenames)
    result = summarize(project.reports, project.files, partial, project.skipped_files)
    text = FORMATS[args.format](result)
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as error:
            raise UsageError(f"cannot write {args.output}: {error.strerror}") from None
    else:
        sys.stdout.write(text)
    if project.files >= LONG_RUN_FILES or project.skipped or not project.reports:
        print(project.tally(), file=sys.stderr)
    return 1 if result.verdict == "fail" else 0


def _flake8_options(argv: list[str]) -> argparse.Namespace:
    """flake8's options as flake8 itself reads them (its config files, every plugin's
    options); the paths are its positional arguments. A flake8 usage error becomes our
    one line."""
    from flake8.options.parse_args import parse_args

    captured = io.StringIO()
    try:
        with contextlib.redirect_stderr(captured):
            _, options = parse_args(argv or ["."])
    except ValueError as error:  # a config file flake8 (or flake8-pyproject) cannot read
        where = "pyproject.toml: not valid TOML: " if type(error).__name__ == "TOMLDecodeError" else ""
        raise UsageError(f"cannot read the configuration: {where}{error}") from None
    except SystemExit as stop:
        if stop.code in (0, None):
            raise
        lines = [line for line in captured.getvalue().splitlines() if line.strip()]
        last = (lines or [""])[-1].removeprefix("flake8-idempotency: ")
        message = last.partition("error: ")[2] if "error: " in last else last
        raise UsageError(message or f"bad arguments: {' '.join(argv)}") from None
    sys.stderr.write(captured.getvalue())
    if not options.filenames:
        options.filenames = ["."]
    return options


def _version() -> str:
    from importlib.metadata import version

    from . import __version__

    return f"flake8-idempotency {__version__} (flake8 {version('flake8')}, Python {sys.version.split()[0]})"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
