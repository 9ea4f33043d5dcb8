"""The words in a name: ``OrderAuditLog``, ``order_audit_log`` and ``placeOrderHTTPView``
are split the same way by every rule that reads names, and a path or name is matched
against a word list word by word (``/orders`` has ``order``, ``reorder`` does not)."""

from __future__ import annotations

from ..knowledge.critical import JOINED_NAMES
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


_SEPARATORS = LazyPattern(r"[/_.\-\s]+")


def words_of(text: str) -> list[str]:
    """Whole words of a path or name: split on ``/ _ - .`` and camelCase, lower-cased."""
    for joined in JOINED_NAMES:
        text = text.replace(joined, joined.lower())
    return [word for part in _SEPARATORS.split(text) for word in camel_words(part)]


def singular(word: str) -> str:
    """``payments`` -> ``payment``, ``batches`` -> ``batch``, ``entries`` -> ``entry``."""
    word = word.lower()
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word
