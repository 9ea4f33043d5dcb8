"""The words and names in force for one run: the knowledge tables merged with the options.

Critical words, idempotency-key header names, configured critical calls and guard
names are read by every detector of a critical POST (why it is critical, where its
key flows, what guards it); built once, they are compared in one normalised form.
"""

from __future__ import annotations

from typing import NamedTuple

from ..config import Config
from ..knowledge import critical, guards
from .names import singular


class Vocabulary(NamedTuple):
    """Words, header names and extra names in force for one run."""

    words: frozenset[str]
    header_names: frozenset[str]
    critical_calls: tuple[str, ...]
    guard_names: tuple[str, ...]

    def is_critical_word(self, token: str) -> bool:
        return singular(token) in self.words

    def is_key_name(self, name: str) -> bool:
        normalized = normalize_header(name)
        return normalized in self.header_names or bool(guards.IDEMPOTENCY_KEY_PATTERN.search(normalized))

    def matches_guard(self, dotted: str | None, kinds: tuple[str, ...]) -> str | None:
        """The library (or "configured") whose guard of one of ``kinds`` ``dotted`` names."""
        if not dotted:
            return None
        dotted = dotted.lstrip(".")
        final = dotted.rpartition(".")[2]
        for library in guards.GUARD_LIBRARIES:
            if dotted.startswith(library.package + ".") and any(final in getattr(library, kind) for kind in kinds):
                return library.distribution
        for configured in self.guard_names:
            if dotted == configured or dotted.endswith("." + configured):
                return "configured"
        return None


def vocabulary(config: Config) -> Vocabulary:
    """Built per file with a POST endpoint (microseconds: a few dozen words)."""
    words = config.critical_words or tuple(critical.CRITICAL_WORDS)
    return Vocabulary(
        words=frozenset(singular(word) for word in (*words, *config.extend_critical_words)),
        header_names=frozenset(
            normalize_header(name) for name in (*guards.IDEMPOTENCY_HEADERS, *config.idempotency_headers)
        ),
        critical_calls=config.critical_calls,
        guard_names=config.guard_decorators,
    )


def normalize_header(name: str) -> str:
    """``HTTP_X_IDEMPOTENCY_KEY`` and ``X-Idempotency-Key`` -> ``idempotency-key``."""
    text = name.strip().lower().replace("_", "-").replace(" ", "-").strip("-")
    text = text.removeprefix("http-")
    return text.removeprefix("x-")
