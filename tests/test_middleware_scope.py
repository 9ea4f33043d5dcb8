"""IDM002 middleware scope: a project middleware that skips requests by path protects only the rest.

``fixtures/projects/middleware_scope``: a Django middleware named in ``settings.MIDDLEWARE``
lets every request outside ``/api/`` through untouched; ``POST /api/payments`` is guarded,
``POST /checkout/pay`` is reported, and a view of unknown path is assumed guarded.
"""

from __future__ import annotations

from conftest import FIXTURES, flake8
from test_projects import _expected, _reported

from flake8_idempotency.analysis import request_scope

PROJECT = FIXTURES / "projects" / "middleware_scope"


def test_only_the_paths_the_middleware_runs_for_are_protected(snapshots):
    result = flake8("--isolated", "--select=IDM", "--idm-show-endpoints", ".", cwd=PROJECT)
    assert result.stderr == ""
    assert _reported(result.stdout) == _expected(PROJECT)
    snapshots.check(FIXTURES / "projects" / "middleware_scope.snapshot", result.stdout)


def test_skip_clauses_round_trip_through_the_fact_string():
    skips = (
        (request_scope.Atom("p", ("/api/", "/v2/"), True),),
        (request_scope.Atom("m", ("POST",), True), request_scope.Atom("p", ("/admin",), False)),
    )
    fact = request_scope.encode("shop.middleware.Replay", skips)
    assert fact == "shop.middleware.Replay|!p/api/,/v2/;!mPOST&p/admin"
    assert request_scope.decode(fact) == ("shop.middleware.Replay", skips)
    assert request_scope.decode("idempotency_key.middleware.IdempotencyKeyMiddleware") == (
        "idempotency_key.middleware.IdempotencyKeyMiddleware",
        (),
    )
