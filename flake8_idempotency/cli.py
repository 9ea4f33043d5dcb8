"""``flake8-idempotency``: the command line beside the flake8 plugin.

``endpoints [PATHS...]`` prints what discovery sees; ``summary [PATHS...]`` prints
the project summary (counts per check and a verdict). Both use flake8's own
configuration (exclude, filename patterns, ``--idm-*`` options) plus
``[tool.flake8-idempotency]`` in ``pyproject.toml``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator, Sequence

from .config import OPTIONS
from .engine import EndpointReport, LintRun, analyze_path
from .report.inventory import inventory
from .report.render import FORMATS
from .report.summary import summarize


def _flake8_options(extra: Sequence[str]) -> argparse.Namespace:
    """flake8's options as flake8 itself reads them (config files, plugins' parse_options)."""
    from flake8.options.parse_args import parse_args

    _, options = parse_args(list(extra))
    return options


def pyproject_arguments(directory: str = ".") -> list[str]:
    """``[tool.flake8-idempotency]`` in ``pyproject.toml`` as ``--idm-*`` arguments."""
    path = os.path.join(directory, "pyproject.toml")
    if not os.path.isfile(path):
        return []
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    with open(path, "rb") as handle:
        table = tomllib.load(handle).get("tool", {}).get("flake8-idempotency", {})
    flags = {spec.name: spec for spec in OPTIONS}
    arguments = []
    for key, value in table.items():
        spec = flags.get(key.replace("_", "-"))
        if spec is None:
            raise SystemExit(f"flake8-idempotency: unknown key {key!r} in [tool.flake8-idempotency] of {path}")
        if spec.is_flag:
            arguments += [spec.flag] if value is True else []
        else:
            text = ",".join(map(str, value)) if isinstance(value, list) else str(value)
            arguments.append(f"{spec.flag}={text}")
    return arguments


def lint_files(paths: Sequence[str], flake8_args: Sequence[str] = ()) -> Iterator[tuple[str, list[EndpointReport]]]:
    """(filename, endpoint reports) for every file flake8 would check under ``paths``."""
    from flake8.discover_files import expand_paths

    options = _flake8_options(flake8_args)
    run = LintRun.from_options(options)
    for filename in sorted(
        expand_paths(
            paths=list(paths) or ["."],
            stdin_display_name=options.stdin_display_name,
            filename_patterns=options.filename,
            exclude=[*options.exclude, *options.extend_exclude],
        )
    ):
        yield filename, analyze_path(filename, options, run)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="flake8-idempotency", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    endpoints = commands.add_parser("endpoints", help="list every endpoint found, one per line")
    endpoints.add_argument("paths", nargs="*", help="files or directories (default: .)")
    summary = commands.add_parser("summary", help="endpoints, counts per check and a pass/fail/n/a verdict")
    summary.add_argument("paths", nargs="*", help="files or directories (default: .)")
    summary.add_argument("--format", choices=sorted(FORMATS), default="text")
    summary.add_argument("--output", metavar="FILE", help="write here instead of standard output")
    args = parser.parse_args(argv)
    flake8_args = pyproject_arguments()
    if args.command == "endpoints":
        found = [report.endpoint for _, reports in lint_files(args.paths, flake8_args) for report in reports]
        for line in inventory(found):
            print(line)
        return 0
    files = list(lint_files(args.paths, flake8_args))
    partial = any(os.path.isfile(path) for path in args.paths)
    result = summarize([report for _, reports in files for report in reports], len(files), partial)
    text = FORMATS[args.format](result)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)
    return 1 if result.verdict == "fail" else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
