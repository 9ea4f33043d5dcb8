"""flake8-idempotency: find HTTP handlers that a retried request would break."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("flake8-idempotency")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"
