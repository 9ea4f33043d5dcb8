"""IDM002 through real flake8 (in this process): exact messages, every option, config files, errors, noqa.

The fixtures under ``fixtures/rules/idm002_*.py`` pin where findings are; here
each option is shown to change the result.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from conftest import flake8

ORDERS_APP = """\
from fastapi import FastAPI
from .store import orders, widgets
app = FastAPI()


@app.post("/orders")
def create_order(body: dict):
    return orders.insert(body)


@app.post("/widgets")
def create_widget(body: dict):
    return widgets.insert(body)
"""


def _write(directory: Path, text: str, name: str = "app.py") -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _lint(path: Path, *options: str, cwd: Path | None = None) -> list[str]:
    isolation = ("--isolated",) if cwd is None else ()  # a config-file test reads the setup.cfg in cwd
    result = flake8(*isolation, "--select=IDM", *options, str(path), cwd=cwd or path.parent)
    assert result.stderr == "", result.stderr
    return result.stdout.splitlines()


def _lines(output: list[str]) -> set[int]:
    return {int(line.split(":")[1]) for line in output}


def test_provider_message_names_the_endpoint_the_call_and_the_fix(tmp_path):
    path = _write(
        tmp_path,
        """\
        import stripe
        from fastapi import APIRouter

        router = APIRouter(prefix="/payments")


        @router.post("")
        def create_payment(body: dict):
            return stripe.PaymentIntent.create(amount=body["amount"], currency="usd")
        """,
    )
    assert _lint(path) == [
        f"{path}:8:1: IDM002 POST /payments creates a stripe.PaymentIntent without an idempotency key; "
        "a retried request charges twice. Require an Idempotency-Key header and replay the stored response."
    ]


def test_word_and_helper_messages(tmp_path):
    path = _write(
        tmp_path,
        """\
        import stripe
        from flask import Flask
        from .store import orders
        app = Flask(__name__)


        def charge(amount):
            return stripe.Charge.create(amount=amount, currency="usd")


        @app.post("/orders")
        def create_order():
            return orders.insert({"ok": True})


        @app.post("/tabs/<int:tab_id>/close")
        def close_tab(tab_id):
            return {"id": charge(100).id}
        """,
    )
    assert _lint(path) == [
        f'{path}:12:1: IDM002 POST /orders is critical ("orders" in the path) and has no idempotency key; '
        "a retried request runs it twice. Require an Idempotency-Key header and replay the stored response.",
        f"{path}:17:1: IDM002 POST /tabs/{{tab_id}}/close creates a stripe.Charge (in charge, line 8) without an "
        "idempotency key; a retried request charges twice. Require an Idempotency-Key header.",
    ]


def test_critical_words_replace_the_default_set(tmp_path):
    path = _write(tmp_path, ORDERS_APP)
    assert _lines(_lint(path)) == {7}
    assert _lines(_lint(path, "--idm-critical-words=widget")) == {12}


def test_extend_critical_words_adds_to_the_default_set(tmp_path):
    path = _write(tmp_path, ORDERS_APP)
    assert _lines(_lint(path, "--idm-extend-critical-words=widgets")) == {7, 12}


def test_options_are_read_from_the_flake8_section_of_setup_cfg(tmp_path):
    path = _write(tmp_path, ORDERS_APP)
    (tmp_path / "setup.cfg").write_text("[flake8]\nidm-critical-words = widget, gadget\n", encoding="utf-8")
    assert _lines(_lint(path, cwd=tmp_path)) == {12}


def test_critical_calls_add_provider_calls(tmp_path):
    path = _write(
        tmp_path,
        """\
        import acme
        from fastapi import FastAPI

        app = FastAPI()


        @app.post("/cart/confirm")
        def confirm(body: dict):
            return acme.Payments.create(amount=body["amount"])
        """,
    )
    assert _lint(path) == []
    output = _lint(path, "--idm-critical-calls=acme.Payments.create")
    assert _lines(output) == {8}
    assert "calls acme.Payments.create without an idempotency key; a retried request runs it twice." in output[0]


def test_idempotency_headers_add_header_names(tmp_path):
    path = _write(
        tmp_path,
        """\
        from fastapi import FastAPI, Request

        from .store import orders

        app = FastAPI()


        @app.post("/orders")
        async def create_order(request: Request):
            return await orders.insert_once(request.headers.get("X-Request-Id"), await request.json())
        """,
    )
    assert _lines(_lint(path)) == {9}
    assert _lint(path, "--idm-idempotency-headers=X-Request-Id") == []


def test_guard_decorators_add_guards(tmp_path):
    path = _write(
        tmp_path,
        """\
        from fastapi import FastAPI
        from .store import orders
        from myapp.guards import once

        app = FastAPI()


        @app.post("/orders")
        @once(ttl=60)
        def create_order(body: dict):
            return orders.insert(body)
        """,
    )
    assert _lines(_lint(path)) == {10}
    assert _lint(path, "--idm-guard-decorators=myapp.guards.once") == []
    assert _lint(path, "--idm-guard-decorators=guards.once") == []
    assert _lines(_lint(path, "--idm-guard-decorators=other.once")) == {10}


def test_call_depth_limits_the_helpers_followed(tmp_path):
    path = _write(
        tmp_path,
        """\
        import stripe
        from fastapi import FastAPI

        app = FastAPI()


        def charge(amount):
            return stripe.Charge.create(amount=amount, currency="usd")


        @app.post("/tabs/{tab_id}/close")
        def close_tab(tab_id: int):
            return charge(100)
        """,
    )
    assert _lines(_lint(path)) == {12}
    assert _lint(path, "--idm-call-depth=0") == []


def test_noqa_on_the_def_line_silences_the_finding(tmp_path):
    silenced = ORDERS_APP.replace("def create_order(body: dict):", "def create_order(body: dict):  # noqa: IDM002")
    path = _write(tmp_path, silenced)
    assert _lint(path) == []
    assert _lines(_lint(path, "--disable-noqa")) == {7}


def test_bad_option_values_are_one_line_errors_naming_the_option(tmp_path):
    path = _write(tmp_path, ORDERS_APP)
    for option, value in (
        ("--idm-critical-calls", "acme-payments"),
        ("--idm-critical-words", "top-up"),
        ("--idm-idempotency-headers", "X-Request/Id"),
        ("--idm-guard-decorators", "my.guard()"),
    ):
        result = flake8("--isolated", "--select=IDM", f"{option}={value}", str(path))
        assert result.returncode != 0
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and option in lines[0] and "Traceback" not in result.stderr, result.stderr


def test_settings_middleware_in_another_file_protects_the_projects_posts(tmp_path):
    """A guard registered in one file (``settings.MIDDLEWARE``) counts for every file's endpoints;
    the library's exempting middleware is not a guard."""
    views = _write(
        tmp_path,
        """\
        from django.http import JsonResponse
        from django.views import View
        from .services import notify

        class OrderView(View):
            def post(self, request):
                notify(request.user, "ordered")
                return JsonResponse({}, status=201)
        """,
        "views.py",
    )
    middleware = [
        "django.middleware.common.CommonMiddleware",
        "idempotency_key.middleware.ExemptIdempotencyKeyMiddleware",
    ]
    settings = tmp_path / "settings.py"
    settings.write_text(f"MIDDLEWARE = {middleware!r}\n", encoding="utf-8")
    assert _lint(views) == [
        f'{views}:6:5: IDM002 POST OrderView.post is critical ("order" in the class name) and has no idempotency '
        "key; a retried request runs it twice. Require an Idempotency-Key header and replay the stored response."
    ]
    middleware.append("idempotency_key.middleware.IdempotencyKeyMiddleware")
    settings.write_text(f"MIDDLEWARE = {middleware!r}\n", encoding="utf-8")
    assert _lint(views) == []


def test_words_split_on_separators_and_camel_case(tmp_path):
    """``placeOrderHTTPView`` holds the word "order"; "reorder" is not "order", and PayPal is not "pay"."""
    path = _write(
        tmp_path,
        """\
        from django.http import JsonResponse
        from django.views import View
        from flask import Flask

        app = Flask(__name__)


        @app.post("/users/reorder-columns/display_name.json")
        def save_columns():
            return {}


        class ReorderView(View):
            def post(self, request):
                return JsonResponse({})


        class PayPalWebhookView(View):
            def post(self, request):
                return JsonResponse({})


        class placeOrderHTTPView(View):
            def post(self, request):
                return JsonResponse({"id": Cart.objects.create(user=request.user).pk})
        """,
    )
    assert _lint(path) == [
        f'{path}:24:5: IDM002 POST placeOrderHTTPView.post is critical ("order" in the class name) and has no '
        "idempotency key; a retried request runs it twice. Require an Idempotency-Key header."
    ]
