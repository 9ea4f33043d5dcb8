"""What a rule reports: a Finding, and the one way a message is fitted to its length."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

#: flake8 output stays readable: docs/rules promise messages under 200 characters.
MAX_MESSAGE_LENGTH = 199
#: A name quoted inside a message (a field, an expression) is cut past this.
MAX_QUOTED_LENGTH = 32


class Finding(NamedTuple):
    line: int
    col: int
    code: str
    message: str  # starts with the code, as flake8 expects


def fit_message(variants: Iterable[str]) -> str:
    """The first variant (longest and most helpful first) within the length limit;
    past the last one, that one cut with ``...``."""
    text = ""
    for text in variants:
        if len(text) <= MAX_MESSAGE_LENGTH:
            return text
    return text[: MAX_MESSAGE_LENGTH - 3] + "..."


def shorten(text: str, limit: int = MAX_QUOTED_LENGTH) -> str:
    """A quoted name or expression, cut to ``limit`` characters with ``...``."""
    return text if len(text) <= limit else text[: limit - 3] + "..."
