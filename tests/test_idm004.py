"""IDM004 through real flake8 (in this process): message text, log records, suppression."""

from __future__ import annotations

from conftest import flake8

ORDERS_APP = '''\
from django.http import JsonResponse
from django.views import View

from .models import Order, OrderAuditLog


class OrderView(View):
    def put(self, request, pk):
        Order.objects.create(user=request.user, replaces=pk)
        OrderAuditLog.objects.create(order_id=pk, action="replace")
        return JsonResponse({"ok": True})
'''


def run(tmp_path, source: str, *options: str):
    path = tmp_path / "views.py"
    path.write_text(source, encoding="utf-8")
    return flake8("--isolated", "--select=IDM", *options, path.name, cwd=tmp_path)


def test_message_names_endpoint_model_and_fix(tmp_path):
    result = run(tmp_path, ORDERS_APP)
    assert result.stdout.splitlines() == [
        "views.py:9:9: IDM004 PUT OrderView.put inserts a new Order record (Order.objects.create); "
        "a retried PUT adds another. Update the record the URL names, or upsert, instead."
    ]


def test_noqa_silences_the_insert(tmp_path):
    source = ORDERS_APP.replace("replaces=pk)", "replaces=pk)  # noqa: IDM004")
    assert run(tmp_path, source) == (0, "", "")
    assert run(tmp_path, source, "--disable-noqa").stdout.startswith("views.py:9:9: IDM004 PUT OrderView.put inserts")


def test_post_may_insert(tmp_path):
    output = run(tmp_path, ORDERS_APP.replace("def put(", "def post(")).stdout
    assert "IDM004" not in output
    assert "IDM002 POST OrderView.post creates an Order record" in output  # that one is IDM002's business
