"""``flake8-idempotency``: the command line beside the flake8 plugin.

``flake8-idempotency endpoints [PATHS...]`` prints what discovery sees, using
flake8's own configuration (exclude, filename patterns, ``--idm-*`` options).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence

from .discovery import Endpoint
from .engine import analyze
from .report.inventory import inventory


def _flake8_options(extra: Sequence[str]) -> argparse.Namespace:
    """flake8's options as flake8 itself reads them (config files, plugins' parse_options)."""
    from flake8.options.parse_args import parse_args

    _, options = parse_args(list(extra))
    return options


def lint_files(paths: Sequence[str], flake8_args: Sequence[str] = ()) -> Iterator[tuple[str, list[Endpoint]]]:
    """(filename, endpoints) for every file flake8 would check under ``paths``."""
    from flake8.discover_files import expand_paths
    from flake8.processor import FileProcessor

    from .plugin import IdempotencyChecker

    options = _flake8_options(flake8_args)
    for filename in sorted(
        expand_paths(
            paths=list(paths) or ["."],
            stdin_display_name=options.stdin_display_name,
            filename_patterns=options.filename,
            exclude=[*options.exclude, *options.extend_exclude],
        )
    ):
        try:
            processor = FileProcessor(filename, options)
            tree = processor.build_ast()
        except (SyntaxError, ValueError, OSError, UnicodeError):
            continue  # flake8 reports E902/E999 for these; nothing to inventory
        result = analyze(tree, filename, processor.lines, IdempotencyChecker.config)
        yield filename, result.endpoints


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="flake8-idempotency", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    endpoints = commands.add_parser("endpoints", help="list every endpoint found, one per line")
    endpoints.add_argument("paths", nargs="*", help="files or directories (default: .)")
    args = parser.parse_args(argv)
    found = [endpoint for _, file_endpoints in lint_files(args.paths) for endpoint in file_endpoints]
    for line in inventory(found):
        print(line)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
