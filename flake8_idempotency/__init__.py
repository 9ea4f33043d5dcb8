"""flake8-idempotency: find HTTP handlers that a retried request would break."""


def __getattr__(name: str) -> str:
    """``__version__``, read from the installed metadata only when asked: flake8 imports
    the package on every run and takes the version from the metadata itself."""
    if name != "__version__":
        raise AttributeError(name)
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("flake8-idempotency")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0.0.0"
