"""Rules: one module per code, each a ``Rule`` (``base.py``).

A rule module is named after its code (``idm001.py``) and holds ``CODE``, its message
templates as module constants, ``CHECK`` (the summary line it counts toward),
``SUMMARY`` (how the summary's fail detail says what is wrong, after the endpoint's
name), ``facts(config)`` (project-wide facts it reads from other files),
``applies(endpoint, context)`` and ``check(endpoint, context)``. Every such module of
this package is a rule: the engine, the summary's checks, the SARIF rules and the docs
checks all follow from ``RULES``, so adding a code is adding its module.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from typing import cast

from .base import Rule, RuleContext, SummaryCheck

_RULE_MODULE = re.compile(r"idm\d{3}")


def _rule_modules() -> tuple[Rule, ...]:
    names = sorted(info.name for info in pkgutil.iter_modules(__path__) if _RULE_MODULE.fullmatch(info.name))
    return tuple(cast(Rule, importlib.import_module(f"{__name__}.{name}")) for name in names)


RULES: tuple[Rule, ...] = _rule_modules()

#: The summary's lines, in the order it lists them.
CHECKS: tuple[SummaryCheck, ...] = tuple(sorted({rule.CHECK for rule in RULES}, key=lambda check: check.rank))

__all__ = ["CHECKS", "RULES", "Rule", "RuleContext", "SummaryCheck"]
