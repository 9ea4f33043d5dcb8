"""pre-commit, for real: this repository's ``.pre-commit-hooks.yaml`` used as a hook source.

The hook source is a throwaway git repository holding this checkout's files (tracked
and new ones, as they are on disk), committed once; a second throwaway repository
uses it with ``repo: <path>`` and ``rev: <commit>``, the way users point at a
release tag. pre-commit builds the hook's environment from the package index only
(``PRE_COMMIT_HOME`` in ``tmp_path``, so nothing is shared with the user's cache),
then runs the hook on the staged file: it fails with the IDM002 line, passes once
the handler passes the client's key on, and fails again on a staged file that does
not parse (E999 stays visible: the hook selects it beside IDM).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from conftest import REPO

UNSAFE = textwrap.dedent(
    """\
    import stripe
    from flask import Flask, request

    app = Flask(__name__)


    @app.post("/payments")
    def create_payment():
        intent = stripe.PaymentIntent.create(amount=request.json["amount"], currency="eur")
        return {"id": intent.id}
    """
)
CALL = 'stripe.PaymentIntent.create(amount=request.json["amount"], currency="eur"'
FIXED = UNSAFE.replace(
    f"    intent = {CALL})\n",
    f'    key = request.headers["Idempotency-Key"]\n    intent = {CALL}, idempotency_key=key)\n',
)


def _git(*args: str, cwd: Path) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "test",
        "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "test",
        "GIT_COMMITTER_EMAIL": "test@example.invalid",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return done.stdout


def _hook_source(target: Path) -> str:
    """This checkout's files (as on disk, ignored ones left out) committed in ``target``; returns the commit."""
    listed = _git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=REPO).split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    _git("init", "-q", cwd=target)
    _git("add", "-A", cwd=target)
    _git("commit", "-q", "-m", "hook source", cwd=target)
    return _git("rev-parse", "HEAD", cwd=target).strip()


def _pre_commit(project: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "GIT_CONFIG_GLOBAL": os.devnull}
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--color=never"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.slow
def test_the_hook_fails_on_a_staged_finding_and_passes_after_the_fix(tmp_path):
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert FIXED != UNSAFE
    assert [(hook["id"], hook["require_serial"]) for hook in hooks] == [("flake8-idempotency", True)]

    source = tmp_path / "hook-source"
    source.mkdir()
    rev = _hook_source(source)
    project = tmp_path / "project"
    project.mkdir()
    _git("init", "-q", cwd=project)
    config = {"repos": [{"repo": str(source), "rev": rev, "hooks": [{"id": "flake8-idempotency"}]}]}
    (project / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    (project / "app.py").write_text(UNSAFE, encoding="utf-8")
    _git("add", "app.py", ".pre-commit-config.yaml", cwd=project)

    failing = _pre_commit(project, tmp_path / "pre-commit-home")
    print("$ pre-commit run  # app.py staged with an unprotected POST /payments")
    print(failing.stdout + failing.stderr)
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "flake8-idempotency" in failing.stdout and "Failed" in failing.stdout
    assert "app.py:8:1: IDM002 POST /payments creates a stripe.PaymentIntent without an idempotency key" in (
        failing.stdout
    )

    (project / "app.py").write_text(FIXED, encoding="utf-8")
    _git("add", "app.py", cwd=project)
    passing = _pre_commit(project, tmp_path / "pre-commit-home")
    print("$ pre-commit run  # after passing the client's Idempotency-Key to Stripe")
    print(passing.stdout + passing.stderr)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "IDM" not in passing.stdout
    assert "Passed" in passing.stdout

    (project / "broken.py").write_text("def pay(:\n    return 1\n", encoding="utf-8")
    _git("add", "broken.py", cwd=project)
    broken = _pre_commit(project, tmp_path / "pre-commit-home")
    print("$ pre-commit run  # broken.py staged, it does not parse")
    print(broken.stdout + broken.stderr)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "broken.py:1:10: E999 SyntaxError" in broken.stdout
