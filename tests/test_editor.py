"""The editor: python-lsp-server with its flake8 plugin shows IDM findings of an unsaved buffer.

A real ``pylsp`` process is driven over stdio with the Language Server Protocol
(initialize, didOpen, publishDiagnostics, shutdown, exit). pylsp runs ``flake8 -``
with the buffer on stdin, so the file never exists on disk here.
"""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from test_formats import PAYMENTS

TIMEOUT = 120


class LanguageServer:
    """A minimal LSP client: Content-Length framed JSON-RPC over the server's stdin/stdout."""

    def __init__(self, cwd: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pylsp"],
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.messages: queue.Queue[dict] = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        while True:
            headers = {}
            while (line := stream.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("ascii").partition(":")
                headers[name.strip().lower()] = value.strip()
            if line == b"":
                return
            self.messages.put(json.loads(stream.read(int(headers["content-length"]))))

    def send(self, method: str, params: dict | None = None, *, request: bool = False) -> int | None:
        message: dict = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        if request:
            self.next_id += 1
            message["id"] = self.next_id
        body = json.dumps(message).encode("utf-8")
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()
        return message.get("id")

    def wait_for(self, predicate) -> dict:
        while True:
            message = self.messages.get(timeout=TIMEOUT)
            if predicate(message):
                return message

    def close(self) -> int:
        """shutdown, then exit; the process is killed if it does not end by itself."""
        try:
            shutdown = self.send("shutdown", request=True)
            self.wait_for(lambda message: message.get("id") == shutdown)
            self.send("exit")
            return self.process.wait(timeout=TIMEOUT)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()


@pytest.mark.slow
def test_pylsp_flake8_plugin_shows_idm002_for_an_unsaved_buffer(tmp_path):
    flake8_executable = str(Path(sys.executable).with_name("flake8"))  # this environment's flake8, with the plugin
    settings = {
        "pylsp": {
            "plugins": {
                "flake8": {"enabled": True, "executable": flake8_executable},
                "pycodestyle": {"enabled": False},
                "pyflakes": {"enabled": False},
                "mccabe": {"enabled": False},
            }
        }
    }
    uri = (tmp_path / "api" / "payments.py").as_uri()  # never written: the buffer is unsaved
    server = LanguageServer(tmp_path)
    try:
        initialize = server.send(
            "initialize",
            {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {}, "initializationOptions": settings},
            request=True,
        )
        server.wait_for(lambda message: message.get("id") == initialize)
        server.send("initialized", {})
        server.send(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": PAYMENTS}},
        )
        published = server.wait_for(
            lambda message: message.get("method") == "textDocument/publishDiagnostics"
            and message["params"]["uri"] == uri
        )
    finally:
        exit_code = server.close()
    print(json.dumps(published["params"], indent=2))
    assert exit_code == 0
    idm = [diagnostic for diagnostic in published["params"]["diagnostics"] if diagnostic["code"].startswith("IDM")]
    def_line = PAYMENTS.splitlines().index("def create_payment():")  # 0-based, as in LSP
    assert idm == [
        {
            "source": "flake8",
            "code": "IDM002",
            "range": {
                "start": {"line": def_line, "character": 0},
                "end": {"line": def_line, "character": len("def create_payment():\n")},
            },
            "message": "IDM002 POST /payments creates a stripe.PaymentIntent without an idempotency key; a retried"
            " request charges twice. Require an Idempotency-Key header and replay the stored response.",
            "severity": 2,  # Warning
        }
    ]
