"""A per-file time budget: an analysis that runs away stops, the run goes on.

Pathological inputs (huge generated modules, helper graphs that fan out) must not
stall an editor or a CI job. The walker and the engine check the budget at their
loop heads; past it, the file gets no IDM findings and one warning line.
"""

from __future__ import annotations

import time


class BudgetExceeded(Exception):
    """The file's analysis took longer than ``--idm-file-budget`` seconds."""


class Budget:
    #: How many checks pass between two clock readings (reading the clock is not free).
    STRIDE = 512

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._deadline = time.monotonic() + seconds
        self._countdown = self.STRIDE

    def check(self) -> None:
        self._countdown -= 1
        if self._countdown > 0:
            return
        self._countdown = self.STRIDE
        if time.monotonic() > self._deadline:
            raise BudgetExceeded(f"analysis took longer than {self.seconds:g} s")


#: For callers that do not limit time (tests of one function, the summary's own re-runs).
UNLIMITED = Budget(float("inf"))
