"""The text pre-filter: sound (never drops a file discovery finds endpoints in) and
selective (framework names alone do not make a file pass)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO, cli, flake8

from flake8_idempotency import engine
from flake8_idempotency.analysis.prefilter import may_be_routed_elsewhere, may_declare_endpoints
from flake8_idempotency.config import Config
from flake8_idempotency.engine import LintRun


def _fixture_files() -> dict[Path, list[Path]]:
    """Every fixture and example module, by the project root its tests lint it from."""
    found: dict[Path, list[Path]] = {}
    for path in sorted(FIXTURES.rglob("*.py")):
        relative = path.relative_to(FIXTURES)
        root = FIXTURES / "projects" / relative.parts[1] if relative.parts[0] == "projects" else path.parent
        found.setdefault(root, []).append(path)
    found[REPO / "examples"] = sorted((REPO / "examples").rglob("*.py"))
    return found


def test_every_file_with_endpoints_passes_the_prefilter(monkeypatch):
    """Discovery run without the pre-filter on every fixture (hundreds of endpoints over
    every framework): each file where it finds one passes the pre-filter, or is one that
    another file routes into (which the engine asks the index about)."""
    routed_elsewhere = LintRun.routed_elsewhere
    monkeypatch.setattr(engine, "may_declare_endpoints", lambda text: True)
    monkeypatch.setattr(LintRun, "routed_elsewhere", lambda run, text, filename: True)
    checked = 0
    for root, paths in _fixture_files().items():
        result = cli("endpoints", *(str(path.relative_to(root)) for path in paths), cwd=root)
        assert result.stderr == ""
        for name in sorted({line.split(":")[0] for line in result.stdout.splitlines()}):
            path = root / name
            text = path.read_text(encoding="utf-8", errors="replace")
            checked += 1
            run = LintRun(Config(project_root=str(root)))
            assert may_declare_endpoints(text) or routed_elsewhere(run, text, str(path)), path
    assert checked > 60


@pytest.mark.parametrize(
    "code",
    [
        '@app.put("/orders/<id>")',
        '@router.patch("/orders/{id}")',
        '@patch("/orders/{order_id:int}")',  # litestar's standalone decorator
        '@api_view(["POST"])',
        "@require_POST",
        "@decorators.action(detail=True, methods=['delete'])",
        "@refund.mapping.delete",
        '@view_config(route_name="order", request_method="PUT")',
        "    def destroy(self, request, pk=None):",
        "    async def on_put(self, req, resp, order_id):",
        '    if request.method == "PUT":',
        "urlpatterns = [path('orders/', views.orders)]",
        "from django.urls import include, path",
        "from django.urls import (\n    include,\n    re_path,\n)",
        'app.add_url_rule("/orders", view_func=create_order, methods=["POST"])',
        'routes = [Route("/orders", create_order, methods=["POST"])]',
        'app.router.add_put("/orders/{id}", replace_order)',
        'app.add_routes([web.post("/orders", create_order)])',
        'from aiohttp.web import post\nroutes = [post("/orders", create_order)]',
    ],
)
def test_declarations_pass(code):
    assert may_declare_endpoints(code)


@pytest.mark.parametrize(
    "code",
    [
        # a Django model: names django, reverse() is not a route table
        "from django.db import models\nfrom django.urls import reverse\n\nclass Order(models.Model):\n    pass\n",
        '@mock.patch("shop.payments.stripe")',
        '@patch("shop.payments.stripe")',
        '@patch.object(Order, "save")',
        "@factory.post_generation",
        'response = requests.post("https://api.example.com/orders", json=body)',
        'parser.add_argument("--orders")',
        "def get_orders(self):",
        "from fastapi import HTTPException\n\ndef check(order):\n    raise HTTPException(404)\n",
    ],
)
def test_framework_text_without_declarations_is_rejected(code):
    assert not may_declare_endpoints(code)


def test_only_frameworks_that_register_functions_elsewhere_ask_the_index():
    assert may_be_routed_elsewhere("from flask import request, jsonify")
    assert may_be_routed_elsewhere("from starlette.responses import JSONResponse")
    assert not may_be_routed_elsewhere("from django.shortcuts import get_object_or_404")
    assert not may_be_routed_elsewhere("from rest_framework import serializers")
    assert not may_be_routed_elsewhere("import flask_babel")


_APP = """\
from flask import Flask

from shop import handlers

app = Flask(__name__)
app.add_url_rule("/payments", view_func=handlers.create_payment, methods=["POST"])
"""
_HANDLERS = """\
{imports}import stripe


def create_payment():
    stripe.PaymentIntent.create(amount=100, currency="eur")
    return {{"ok": True}}
"""


def _flask_factory(tmp_path: Path, imports: str) -> Path:
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "__init__.py").write_text("")
    (tmp_path / "shop" / "app.py").write_text(_APP)
    (tmp_path / "shop" / "handlers.py").write_text(_HANDLERS.format(imports=imports))
    return tmp_path


def test_a_handler_module_registered_elsewhere_is_checked(tmp_path):
    """handlers.py declares nothing itself; app.py registers its function for POST."""
    project = _flask_factory(tmp_path, "from flask import request\n")
    result = flake8("--isolated", "--select=IDM", "shop/handlers.py", cwd=project)
    assert "shop/handlers.py:5:1: IDM002 POST /payments creates a stripe.PaymentIntent" in result.stdout


def test_a_handler_module_that_names_no_framework_is_not_asked_about(tmp_path):
    """Pinned limit: a module that declares nothing and names no framework is not looked
    up in other files' registrations (every plain module would pay for the index).
    Naming Flask is what makes the same module checked."""
    project = _flask_factory(tmp_path, "")
    result = flake8("--isolated", "--select=IDM", "shop/handlers.py", cwd=project)
    assert result == (0, "", "")
    handlers = project / "shop" / "handlers.py"
    handlers.write_text("from flask import request\n" + handlers.read_text())
    result = flake8("--isolated", "--select=IDM", "shop/handlers.py", cwd=project)
    assert "shop/handlers.py:5:1: IDM002 POST /payments creates a stripe.PaymentIntent" in result.stdout


def test_a_file_outside_any_framework_stays_silent_and_cheap():
    text = textwrap.dedent(
        """\
        import argparse

        def main():
            parser = argparse.ArgumentParser()
            parser.add_argument("--count", type=int)
            return parser.parse_args()
        """
    )
    assert not may_declare_endpoints(text)
    assert not may_be_routed_elsewhere(text)


_SPEC = """\
openapi: 3.0.3
info: {title: Shop, version: "1.0"}
paths:
  /payments:
    post:
      operationId: shop.handlers.create_payment
      responses:
        "201": {description: created}
"""


def test_a_spec_added_later_is_seen_on_the_next_run(tmp_path):
    """Which specs exist is remembered between runs while no directory changes: adding
    one (its directory's mtime changes) makes the next lint look again."""
    project = _flask_factory(tmp_path, "")
    (project / "shop" / "app.py").unlink()
    first = flake8("--isolated", "--select=IDM", "shop/handlers.py", cwd=project)
    assert first.stdout == ""
    (project / "openapi.yaml").write_text(_SPEC)
    second = flake8("--isolated", "--select=IDM", "shop/handlers.py", cwd=project)
    assert "shop/handlers.py:4:1: IDM002 POST /payments creates a stripe.PaymentIntent" in second.stdout
