"""IDM004: a PUT handler inserts a new record on every call instead of replacing one.

PUT names the resource in its URL and replaces it; a retry must find the same
record, not add a second one. Inserts are matched per store from
``knowledge.writes``: ORM creates, a new instance added to a session or saved,
document inserts, query-builder and raw SQL ``INSERT``. Upserts, ``get_or_create``,
``update_or_create`` and ``session.merge`` replace; side records named as logs
(``AuditLog``, ``OrderHistory``, ``PaymentEvent``) are meant to grow. The detector
is ``analysis.inserts``; this module says what a finding reads.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..analysis.handler_body import BodyNode
from ..analysis.inserts import Insert, Inserts
from ..config import Config
from ..model.endpoint import Endpoint
from ..model.finding import Finding, shorten
from ..model.project import FactCollector
from .base import PUT_CHECK, RuleContext

CODE = "IDM004"
CHECK = PUT_CHECK
SUMMARY = "inserts a new record on every call"
#: How often a report is a real problem (SARIF ``precision``: very-high, high, medium, low).
PRECISION = "high"
#: Only endpoints that serve PUT are checked (POST is meant to create).
METHOD = "PUT"

MESSAGE = "{code} {endpoint} inserts a new {model} record ({how}){where}; a retried PUT adds another. {fix}"
FIX = "Update the record the URL names, or upsert, instead."


def facts(config: Config) -> tuple[FactCollector, ...]:
    return ()


def applies(endpoint: Endpoint, context: RuleContext) -> bool:
    return endpoint.method == METHOD


def check(endpoint: Endpoint, context: RuleContext) -> Iterator[Finding]:
    inserts = Inserts(context.source, context.origins(endpoint))
    reported: set[int] = set()
    for body_node in context.body(endpoint):
        for insert in inserts.of(body_node):
            at = body_node._replace(node=insert.node)
            if at.line in reported:
                continue
            reported.add(at.line)
            yield context.finding(CODE, at, _message(endpoint, insert, at))


def _message(endpoint: Endpoint, insert: Insert, at: BodyNode) -> str:
    return MESSAGE.format(
        code=CODE,
        endpoint=endpoint.label,
        model=shorten(insert.model),
        how=shorten(insert.how),
        where=at.where(),
        fix=FIX,
    )
