"""GitHub Actions workflow commands: ``::warning file=F,line=N,col=C,title=T::message``.

Escaping follows GitHub's rules for workflow commands: in the message ``%``,
``\\r`` and ``\\n``; in property values also ``:`` and ``,``.
"""

from __future__ import annotations


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, message: str, **properties: object) -> str:
    """One workflow command line; properties whose value is None are left out."""
    shown = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items() if value is not None)
    return f"::{kind}{' ' + shown if shown else ''}::{escape_data(message)}"


def annotation(path: str, line: int, column: int, code: str, message: str) -> str:
    """A warning on ``path`` at ``line``/``column`` (both 1-based), titled by the code."""
    return command("warning", message, file=path, line=line, col=column, title=code)
