"""What the lower layers may ask of the whole project, as interfaces.

Discovery and the rules run below the project index (which reads every file and so
imports discovery): they see it only through ``ProjectFacts``. A rule contributes a
project-wide fact by declaring a ``FactCollector``; the engine hands the collectors to
the index, so the index never imports the rules.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import NamedTuple, Protocol

from ..lazy_pattern import LazyPattern
from .registration import Registration
from .source import SourceFile


class ModuleLookup(Protocol):
    """The project's own modules, by dotted name (``analysis.project_modules``)."""

    def parse_symbol_home(self, from_file: str, dotted: str) -> tuple[SourceFile | None, str]: ...


class FactCollector(NamedTuple):
    """A project-wide fact: the union over the project's files of ``collect(source, modules)``."""

    name: str
    #: Only files whose text matches are parsed for this fact.
    text: re.Pattern[str] | LazyPattern
    collect: Callable[[SourceFile, ModuleLookup], Iterable[str]]


class ProjectFacts(Protocol):
    """What other files of the project say (``project.index.ProjectIndex``)."""

    def registrations_for(self, filename: str) -> list[Registration]:
        """Registrations found in other files whose target lives in ``filename``."""
        ...

    def mounts_for(self, filename: str, name: str) -> list[tuple[str | None, bool]]:
        """Where a router object is mounted: (prefix above its own, None when unknown;
        whether it replaces its own), every chain of mounts up to the app."""
        ...

    def fact(self, name: str, for_file: str) -> frozenset[str]:
        """A rule's project fact, united over the files whose app covers ``for_file``."""
        ...
