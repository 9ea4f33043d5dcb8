"""A per-file work budget: an analysis that runs away stops, the run goes on.

Pathological inputs (huge generated modules, helper graphs that fan out) must not
stall an editor or a CI job. The budget counts work, never time: one step is one node
of a handler body walked (the handler's own nodes and those of every project function
it follows), so the same input stops at the same place on an idle machine and on a
loaded CI runner, and findings never depend on the machine's load. Past the budget
the file gets no IDM findings, one warning line, and its name in the summary.
"""

from __future__ import annotations


class BudgetExceeded(Exception):
    """The file's analysis went past ``--idm-file-budget`` steps."""


class Budget:
    def __init__(self, steps: int | None) -> None:
        #: None: no limit (and nothing counted).
        self.steps = steps
        self._left = steps

    def check(self) -> None:
        """One step of work; raises BudgetExceeded past the budget."""
        if self._left is None:
            return
        self._left -= 1
        if self._left < 0:
            raise BudgetExceeded(f"analysis went past {self.steps} steps")


#: For callers that do not limit work (tests of one function).
UNLIMITED = Budget(None)
