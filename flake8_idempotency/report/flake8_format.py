"""``flake8 --format=idm-summary``: flake8's usual lines, then the project summary.

For CIs that already run flake8: no second command. Workers only send result
tuples back, so the summary re-analyses the checked files here, in the parent
process, in ``stop()``. It prints but never changes what flake8 counts, so the
exit code means what it always means.
"""

from __future__ import annotations

import os

from flake8.formatting.default import Default, SimpleFormatter

from ..cli import analyze_path
from .render import render_text
from .summary import summarize


class SummaryFormatter(SimpleFormatter):
    error_format = Default.error_format

    def after_init(self) -> None:
        self.checked: list[str] = []

    def beginning(self, filename: str) -> None:
        self.checked.append(filename)

    def stop(self) -> None:
        readable = [name for name in self.checked if os.path.isfile(name)]  # stdin cannot be read twice
        reports = [report for name in readable for report in analyze_path(name, self.options)]
        partial = len(readable) < len(self.checked) or any(os.path.isfile(path) for path in self.options.filenames)
        self._write(render_text(summarize(reports, len(readable), partial)).rstrip("\n"))
        super().stop()
