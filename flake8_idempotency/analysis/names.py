"""The words in a name: ``OrderAuditLog``, ``order_audit_log`` and ``placeOrderHTTPView``
are split the same way by every rule that reads names."""

from __future__ import annotations

from ..lazy_pattern import LazyPattern

#: An upper-case run not followed by lower case (``HTTP`` in ``HTTPView``), a capitalised
#: or lower-case word, or a run of digits.
_CAMEL_WORD = LazyPattern(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


def is_class_name(name: str) -> bool:
    """``Order``, ``OrderLine``: capitalised, not a CONSTANT."""
    return name[:1].isupper() and not name.isupper()


def camel_words(name: str) -> list[str]:
    """``OrderAuditLog`` / ``order_audit_log`` -> ``["order", "audit", "log"]``."""
    return [word.lower() for word in _CAMEL_WORD.findall(name)]
