"""IDM003: a DELETE handler raises when the resource is already gone.

A retried DELETE must answer 204 or 404. A lookup or removal that raises on a
missing resource (``Order.objects.get``, ``.one()``, ``del store[key]``,
``os.remove``...) turns the retry into a 500, unless a ``try`` catches the error,
an existence check guards it, or an exception handler of the app maps the error
to 404/410/204. A None-returning lookup is fine until its result is deleted or
dereferenced unchecked; an explicit raise on the not-found branch must be a
404/410, not a 500. The detectors are ``analysis.raising_lookups``,
``analysis.lookup_results`` and ``analysis.not_found_branches``, with
``analysis.error_paths`` saying what is handled; this module says what a finding reads.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..analysis import error_paths
from ..analysis.error_paths import NotFoundHandling
from ..analysis.handler_body import BodyNode
from ..analysis.lookup_results import LookupResults, UncheckedUse
from ..analysis.not_found_branches import BranchRaise, NotFoundBranches, removed_containers
from ..analysis.raising_lookups import Raising, RaisingLookups
from ..analysis.receivers import Receivers
from ..config import Config
from ..knowledge.lookups import SAFE_NOT_FOUND_HELPERS
from ..lazy_pattern import LazyPattern
from ..model.endpoint import Endpoint
from ..model.finding import Finding, fit_message
from ..model.project import FactCollector
from .base import DELETE_CHECK, RuleContext

CODE = "IDM003"
CHECK = DELETE_CHECK
SUMMARY = "answers 500 when the resource is already gone"
#: How often a report is a real problem (SARIF ``precision``: very-high, high, medium, low).
PRECISION = "high"
METHOD = "DELETE"

#: Each message has a long form and a short one, used when the long one would pass
#: the 200-character limit (long paths or helper chains); the last resort drops ``where``.
RAISING_MESSAGES = (
    "IDM003 {endpoint} raises {exception} when the {noun} is already gone{where}; "
    "a retried DELETE answers 500. Use {alternative} or catch {caught} and return 404/204.",
    "IDM003 {endpoint} raises {exception} if the {noun} is gone{where}: a retry answers 500. "
    "Use {alternative} or catch {caught}.",
)
UNCHECKED_MESSAGES = (
    "IDM003 {endpoint} uses the {lookup}() result unchecked{where}: {exception} when the {noun} "
    "is gone, so a retried DELETE answers 500. Return 404/204 when it is None.",
    "IDM003 {endpoint} uses {lookup}() unchecked{where}: {exception} if the {noun} is gone, "
    "a retry answers 500. Check for None.",
)
NOT_FOUND_BRANCH_MESSAGES = (
    "IDM003 {endpoint} {action} when the {noun} is already gone{where}; "
    "a retried DELETE answers 500. Raise a 404/410 error or return 204 there instead.",
    "IDM003 {endpoint} {action} if the {noun} is gone{where}: a retry answers 500. Answer 404 or 204.",
)
#: The ``action`` of a not-found branch: ``aborts with 500``, ``raises ValueError``, ``raises HTTPError(500)``.
ABORTS = "aborts with {status}"
RAISES = "raises {exception}"
WITH_STATUS = "({status})"

#: Exceptions an app-level handler answers with 404/410/204, anywhere in the project;
#: and the same from DRF's EXCEPTION_HANDLER setting, which only covers DRF views.
NOT_FOUND_FACT = "not_found_exceptions"
DRF_NOT_FOUND_FACT = "drf_not_found_exceptions"


def facts(config: Config) -> tuple[FactCollector, ...]:
    return (
        FactCollector(
            NOT_FOUND_FACT,
            LazyPattern(r"errorhandler|exception_handler|register_error_handler|exception_handlers"),
            lambda source, _modules: error_paths.exceptions_mapped_to_not_found(source),
        ),
        FactCollector(
            DRF_NOT_FOUND_FACT, LazyPattern(r"EXCEPTION_HANDLER"), error_paths.drf_exception_handler_exceptions
        ),
    )


def applies(endpoint: Endpoint, context: RuleContext) -> bool:
    return endpoint.method == METHOD


def check(endpoint: Endpoint, context: RuleContext) -> Iterator[Finding]:
    """The body in source order: each node may raise on a missing resource, use a lookup's
    result unchecked, or raise a 500 on the branch where the resource is missing."""
    safe_helpers = SAFE_NOT_FOUND_HELPERS | set(context.config.safe_lookups)
    # Not followed: calls into a 404-answering helper, or into another DELETE handler (it reports its own).
    skipped = {
        id(other.handler)
        for other in context.endpoints
        if other.method == METHOD and other.handler is not endpoint.handler
    }
    nodes = [
        at
        for at in context.body(endpoint)
        if not any(step.name in safe_helpers or id(step.callee) in skipped for step in at.via)
        and not error_paths.under_type_checking(at)
    ]
    receivers = Receivers(endpoint, context.source)
    results = LookupResults(receivers, safe_helpers)
    raising = RaisingLookups(receivers, results)
    handling = NotFoundHandling(context.source, endpoint.body, lambda: _mapped_elsewhere(endpoint, context))
    branches = NotFoundBranches(results, handling, removed_containers(nodes))
    reported: set[tuple[int, int]] = set()
    for at in nodes:
        receivers.source = at.source or context.source  # names resolve in the node's own module
        results.track(at)
        found: list[Finding] = []
        raised = raising.of(at)
        if raised is not None and not handling.handled(
            at, raised.raiser.exception, raised.subjects, raised.raiser.also_raises
        ):
            found.append(context.finding(CODE, at, _raising_message(endpoint, at, raised)))
        use = results.unchecked_use(at)
        if use is not None and not handling.handled(at, use.exception, use.subjects):
            results.forget(use)
            found.append(context.finding(CODE, at, _unchecked_message(endpoint, at, use)))
        found += (context.finding(CODE, branch.at, _branch_message(endpoint, branch)) for branch in branches.of(at))
        for finding in found:
            if (finding.line, finding.col) not in reported:
                reported.add((finding.line, finding.col))
                yield finding


def _mapped_elsewhere(endpoint: Endpoint, context: RuleContext) -> frozenset[str]:
    """What the project's files map to 404/410/204 for this endpoint (DRF's setting: DRF views only)."""
    index = context.index
    if not index:
        return frozenset()
    mapped = index.fact(NOT_FOUND_FACT, endpoint.filename)
    if endpoint.framework == "drf":
        mapped |= index.fact(DRF_NOT_FOUND_FACT, endpoint.filename)
    return mapped


def _raising_message(endpoint: Endpoint, at: BodyNode, raised: Raising) -> str:
    return _fit(
        RAISING_MESSAGES,
        endpoint=endpoint.label,
        exception=raised.label,
        noun=raised.noun,
        where=at.where(),
        alternative=raised.raiser.alternative,
        caught=raised.raiser.exception,
    )


def _unchecked_message(endpoint: Endpoint, at: BodyNode, use: UncheckedUse) -> str:
    return _fit(
        UNCHECKED_MESSAGES,
        endpoint=endpoint.label,
        lookup=use.held.lookup.method,
        where=at.where(),
        exception=use.exception,
        noun=use.held.noun,
    )


def _branch_message(endpoint: Endpoint, branch: BranchRaise) -> str:
    if branch.aborts:
        action = ABORTS.format(status=branch.status)
    else:
        action = RAISES.format(exception=branch.exception)
        if branch.status is not None:
            action += WITH_STATUS.format(status=branch.status)
    return _fit(
        NOT_FOUND_BRANCH_MESSAGES, endpoint=endpoint.label, action=action, noun=branch.noun, where=branch.at.where()
    )


def _fit(templates: tuple[str, ...], **fields: str) -> str:
    """The first template within the length limit; else the shortest, without ``where``."""
    variants = [template.format(**fields) for template in templates]
    return fit_message([*variants, templates[-1].format(**{**fields, "where": ""})])
