"""flake8 report plugins: ``--format=idm-summary`` and ``--format=idm-github``.

``idm-summary``: flake8's usual lines, then the project summary.

For CIs that already run flake8: no second command. Workers only send result
tuples back, so the summary re-analyses the checked files here, in the parent
process, in ``stop()``. It prints but never changes what flake8 counts, so the
exit code means what it always means.
"""

from __future__ import annotations

import os

from flake8.formatting.base import BaseFormatter
from flake8.formatting.default import Default, SimpleFormatter
from flake8.violation import Violation

# flake8 imports every report plugin at start-up, whichever format is chosen: what
# each one needs (the summary's discovery and rules) is imported when it is used.


class SummaryFormatter(SimpleFormatter):
    error_format = Default.error_format

    def after_init(self) -> None:
        self.checked: list[str] = []

    def beginning(self, filename: str) -> None:
        self.checked.append(filename)

    def stop(self) -> None:
        from .engine import LintRun
        from .report.render import render_text
        from .report.summary import summarize
        from .runner import lint_files

        readable = [name for name in self.checked if os.path.isfile(name)]  # stdin cannot be read twice
        project = lint_files(readable, self.options, LintRun.from_options(self.options))
        partial = len(readable) < len(self.checked) or any(os.path.isfile(path) for path in self.options.filenames)
        summary = summarize(project.reports, project.files, partial, project.skipped_files)
        self._write(render_text(summary).rstrip("\n"))
        super().stop()


class GitHubFormatter(BaseFormatter):
    """``::warning file=app.py,line=8,col=1,title=IDM002::IDM002 POST /payments ...``, one per violation.

    GitHub Actions turns these lines into annotations on the pull request's diff.
    Every code is annotated (IDM and the others flake8 reports), and flake8's exit
    code is unchanged.
    """

    def format(self, error: Violation) -> str:
        from .model.source import display_path
        from .report.github import annotation

        message = f"{error.code} {error.text}"
        return annotation(display_path(error.filename), error.line_number, error.column_number, error.code, message)
