"""IDM003 through real flake8 (in this process): the message text, --idm-safe-lookups, bad values, noqa."""

from __future__ import annotations

from conftest import flake8

DJANGO_VIEW = '''\
from django.http import HttpResponse
from django.urls import path
from django.views import View

from .models import Order


class OrderView(View):
    def delete(self, request, id):
        Order.objects.get(pk=id).delete(){noqa}
        return HttpResponse(status=204)


urlpatterns = [path("orders/<int:id>", OrderView.as_view())]
'''

HELPER_VIEW = '''\
from fastapi import APIRouter

from .models import Order

router = APIRouter()


def fetch_or_404(session, order_id):
    return session.query(Order).filter_by(id=order_id).one()


@router.delete("/orders/{order_id}", status_code=204)
def delete_order(order_id: int, session):
    session.delete(fetch_or_404(session, order_id))
'''


def _lint(tmp_path, text: str, *options: str):
    target = tmp_path / "views.py"
    target.write_text(text, encoding="utf-8")
    return flake8("--isolated", "--select=IDM", *options, str(target), cwd=tmp_path)


def test_message_names_endpoint_exception_and_fix(tmp_path):
    result = _lint(tmp_path, DJANGO_VIEW.format(noqa=""))
    assert result.stdout.strip().endswith(
        ":10:9: IDM003 DELETE /orders/{id} raises Order.DoesNotExist when the order is already gone; "
        "a retried DELETE answers 500. Use get_object_or_404 or catch DoesNotExist and return 404/204."
    ), result.stdout


def test_noqa_silences_the_finding(tmp_path):
    result = _lint(tmp_path, DJANGO_VIEW.format(noqa="  # noqa: IDM003"))
    assert result.returncode == 0 and result.stdout == "", result.stdout
    unsilenced = _lint(tmp_path, DJANGO_VIEW.format(noqa="  # noqa: IDM003"), "--disable-noqa")
    assert ":10:9: IDM003 DELETE /orders/{id} raises Order.DoesNotExist" in unsilenced.stdout


def test_helper_finding_names_the_helper_and_line(tmp_path):
    result = _lint(tmp_path, HELPER_VIEW)
    assert ":14:20: IDM003 DELETE /orders/{order_id} raises NoResultFound" in result.stdout, result.stdout
    assert "(in fetch_or_404, line 9)" in result.stdout


def test_safe_lookups_option_trusts_the_projects_helper(tmp_path):
    assert ":14:20: IDM003 " in _lint(tmp_path, HELPER_VIEW).stdout
    result = _lint(tmp_path, HELPER_VIEW, "--idm-safe-lookups=fetch_or_404, load_or_404")
    assert result.returncode == 0 and result.stdout == "", result.stdout


def test_safe_lookups_from_config_file(tmp_path):
    (tmp_path / "views.py").write_text(HELPER_VIEW, encoding="utf-8")
    assert flake8("--select=IDM", "views.py", cwd=tmp_path).stdout.startswith("views.py:14:20: IDM003 ")
    (tmp_path / "setup.cfg").write_text("[flake8]\nidm-safe-lookups = fetch_or_404\n", encoding="utf-8")
    result = flake8("--select=IDM", "views.py", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout == "", result.stdout


def test_bad_safe_lookups_value_is_a_one_line_error(tmp_path):
    result = _lint(tmp_path, HELPER_VIEW, "--idm-safe-lookups=get-or-404")
    assert result.returncode != 0
    error_lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(error_lines) == 1, result.stderr
    assert "--idm-safe-lookups" in error_lines[0] and "get-or-404" in error_lines[0]
