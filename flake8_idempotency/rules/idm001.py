"""IDM001: a PUT handler changes state relative to its current value.

PUT replaces: sending it twice must leave the same state as sending it once. An
increment, an append or a toggle of stored state breaks that, in whatever store
it happens: Python attributes and module state, ORM expressions, MongoDB update
operators, Redis commands, DynamoDB update expressions, raw SQL, Prisma. The
detector is ``analysis.relative_writes``; this module says what a finding reads.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..analysis.handler_body import BodyNode
from ..analysis.relative_writes import RelativeWrite, RelativeWrites
from ..config import Config
from ..knowledge.writes import APPEND, DECREMENT, INCREMENT, RELATIVE, SCALE, TOGGLE
from ..model.endpoint import Endpoint
from ..model.finding import Finding, shorten
from ..model.project import FactCollector
from .base import PUT_CHECK, RuleContext

CODE = "IDM001"
CHECK = PUT_CHECK
SUMMARY = "adds to stored state instead of setting it"
#: How often a report is a real problem (SARIF ``precision``: very-high, high, medium, low).
PRECISION = "high"
#: Only endpoints that serve PUT are checked (PATCH and POST may be relative).
METHOD = "PUT"

MESSAGE = "{code} {endpoint} {change}{where}; a retried PUT {again}. {fix}"
CHANGES = {
    INCREMENT: "increments {field} ({how})",
    DECREMENT: "decrements {field} ({how})",
    SCALE: "scales {field} ({how})",
    APPEND: "appends to {field} ({how})",
    TOGGLE: "toggles {field} ({how})",
    RELATIVE: "changes {field} relative to its current value ({how})",
}
AGAIN = {
    INCREMENT: "adds again",
    DECREMENT: "subtracts again",
    SCALE: "scales again",
    APPEND: "appends again",
    TOGGLE: "flips it back",
    RELATIVE: "changes it again",
}
FIX = "Set the value from the request instead."
FIXES = {
    APPEND: "Replace the whole value with the request's instead.",
    TOGGLE: "Set the state from the request instead.",
}


def facts(config: Config) -> tuple[FactCollector, ...]:
    return ()


def applies(endpoint: Endpoint, context: RuleContext) -> bool:
    return endpoint.method == METHOD


def check(endpoint: Endpoint, context: RuleContext) -> Iterator[Finding]:
    writes = RelativeWrites(context.source, context.origins(endpoint), context.config.relative_write_calls)
    reported: set[int] = set()
    for body_node in context.body(endpoint):
        for write in writes.of(body_node):
            at = body_node._replace(node=write.node)
            if at.line in reported or write.field.lower() in context.config.put_allowed_fields:
                continue
            reported.add(at.line)
            yield context.finding(CODE, at, _message(endpoint, write, at))


def _message(endpoint: Endpoint, write: RelativeWrite, at: BodyNode) -> str:
    change = CHANGES[write.kind].format(field=shorten(write.field), how=shorten(write.how))
    return MESSAGE.format(
        code=CODE,
        endpoint=endpoint.label,
        change=change,
        where=at.where(),
        again=AGAIN[write.kind],
        fix=FIXES.get(write.kind, FIX),
    )
