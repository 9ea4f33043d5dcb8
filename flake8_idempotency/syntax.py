"""Small questions about ``ast`` nodes that every layer asks: names, literals, arguments.

One module for them, at the bottom of the package, so that discovery, the shared
analysis and the rules answer "what is this call's name" the same way.
"""

from __future__ import annotations

import ast


def final_name(node: ast.AST | None) -> str | None:
    """``exc.NoResultFound`` -> ``NoResultFound``; a call gives its callee's:
    ``abort(404)`` -> ``abort``, ``x.save()`` -> ``save``. None for anything else."""
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


def source_text(node: ast.AST) -> str:
    """The node as source, for messages and comparing expressions; ``""`` when it cannot
    be written (``ast.unparse`` recurses: a 1000-deep expression must not break a rule)."""
    try:
        return ast.unparse(node)
    except (ValueError, TypeError, AttributeError, RecursionError):
        return ""


def attribute_chain(node: ast.expr) -> list[str]:
    """``Order.objects.filter(x).update`` -> ``["Order", "objects", "filter()", "update"]``.

    Calls inside the chain appear as ``name()``; anything else ends the chain
    with ``"?"`` so that callers can match suffixes safely.
    """
    parts: list[str] = []
    while True:
        if isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Call):
            inner = node.func
            name = inner.attr if isinstance(inner, ast.Attribute) else getattr(inner, "id", "?")
            parts.append(name + "()")
            node = inner.value if isinstance(inner, ast.Attribute) else ast.Name(id="")
            if not isinstance(inner, ast.Attribute):
                break
        elif isinstance(node, ast.Name):
            if node.id:
                parts.append(node.id)
            break
        elif isinstance(node, ast.Await):
            node = node.value
        else:
            parts.append("?")
            break
    return list(reversed(parts))


def package_and_name(dotted: str) -> tuple[str, str]:
    """``rest_framework.viewsets.ModelViewSet`` -> ``("rest_framework", "ModelViewSet")``."""
    root = dotted.lstrip(".").partition(".")[0]
    return root, dotted.rpartition(".")[2]


def literal_string(node: ast.expr | None) -> str | None:
    """The value of a string constant; an f-string's leading literal text."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        text = []
        for part in node.values:
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                text.append(part.value)
            else:
                text.append("{}")
        return "".join(text)
    return None


def literal_strings(node: ast.expr | None) -> tuple[str, ...] | None:
    """A string or a list/tuple/set of strings, as a tuple; None if not literal."""
    single = literal_string(node)
    if single is not None:
        return (single,)
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        values = [literal_string(element) for element in node.elts]
        if all(value is not None for value in values):
            return tuple(values)  # type: ignore[arg-type]
    return None


def call_argument(call: ast.Call, position: int | None, keywords: tuple[str, ...] = ()) -> ast.expr | None:
    """The argument at ``position`` or under one of ``keywords``."""
    for keyword in call.keywords:
        if keyword.arg in keywords:
            return keyword.value
    if position is not None and position < len(call.args):
        argument = call.args[position]
        if not isinstance(argument, ast.Starred):
            return argument
    return None
