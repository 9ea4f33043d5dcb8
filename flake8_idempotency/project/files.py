"""The project's files, listed once per run, and the on-disk cache of what they say.

Whether a file is an endpoint can depend on other files (a route table, an OpenAPI
spec), so every lint needs the project's file list: one ``os.scandir`` pass per run
gives it. What a file says is kept between runs in a JSON cache keyed by the file's
mtime and size, so an editor, which starts flake8 on every keystroke, reads only what
changed. Light on purpose: this is on the path of files the pre-filter rejects.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from fnmatch import fnmatch, translate
import tempfile
import zlib

#: Directories never part of the project's own code.
SKIPPED_DIRECTORIES = frozenset(
    {"__pycache__", "node_modules", "site-packages", "dist-packages", "build", "dist", "venv", "env"}
)
#: Where an OpenAPI spec (Connexion) may be.
SPEC_SUFFIXES = (".yaml", ".yml", ".json")

#: Bumped whenever a cached extract's shape or meaning changes: old caches are ignored.
CACHE_VERSION = 4
#: Cache files kept per cache directory; the least recently written go first.
MAX_CACHE_FILES = 64


class ProjectFiles:
    """Python files and candidate spec files under a root, each list sorted, and every
    directory scanned with its mtime (a directory's mtime changes when an entry is
    added, removed or renamed)."""

    __slots__ = ("python", "specs", "directories")

    def __init__(self, python: list[str], specs: list[str], directories: dict[str, int]) -> None:
        self.python = python
        self.specs = specs
        self.directories = directories


class ProjectTree:
    """The files under one root (absolute) for one run: listed at most once, without
    what flake8 excludes (``exclude``/``extend-exclude`` patterns, as flake8 matches
    them: the name or the absolute path) and what the root's ``.gitignore`` ignores."""

    def __init__(self, root: str, exclude: Sequence[str] = ()) -> None:
        self.root = root
        self.exclude = (*exclude, *gitignore_patterns(root))
        self._listing: ProjectFiles | None = None
        self._specs: list[str] | None = None

    @property
    def listing(self) -> ProjectFiles:
        if self._listing is None:
            self._listing = _scan(self.root, self.exclude)
        return self._listing

    def spec_files(self) -> list[str]:
        """The candidate OpenAPI specs: asked for every file the pre-filter rejects, so
        answered from the last run's listing while no directory's mtime has changed (a
        stat per directory instead of listing them all)."""
        if self._specs is None:
            path = cache_path("files", self.root, "\0".join(self.exclude))
            cached = load_cache(path)
            directories = cached.get("directories")
            if (
                isinstance(directories, dict)
                and directories
                and all(_mtime(directory) == mtime for directory, mtime in directories.items())
            ):
                self._specs = list(cached.get("specs", []))
            else:
                listing = self.listing
                save_cache(path, {"directories": listing.directories, "specs": listing.specs})
                self._specs = listing.specs
        return self._specs


def _mtime(path: str) -> int | None:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


def gitignore_patterns(root: str) -> tuple[str, ...]:
    """The root ``.gitignore``'s patterns, as flake8-style exclude patterns: a name
    (``build/``, ``*.egg-info``) matches at any depth, a pattern with a slash matches
    from the root. Negations (``!keep``) are not followed: what they keep stays out."""
    try:
        with open(os.path.join(root, ".gitignore"), encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return ()
    patterns = []
    for line in lines:
        pattern = line.strip().rstrip("/")
        if not pattern or pattern.startswith(("#", "!")):
            continue
        patterns.append(os.path.join(root, pattern.lstrip("/")) if "/" in pattern else pattern)
    return tuple(patterns)


def _excluded(path: str, name: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch(name, pattern) or fnmatch(path, pattern) for pattern in patterns)


def _exclusion(patterns: Sequence[str]):
    """``_excluded`` as one compiled pattern (``fnmatch`` per entry and pattern was most of
    a listing's cost): the same answers, since on POSIX ``fnmatch`` is ``translate``'s
    regex matched against the unchanged name."""
    if os.path.normcase("A") != "A":  # pragma: no cover - Windows folds case: keep fnmatch
        return lambda path, name: _excluded(path, name, patterns)
    matcher = re.compile("|".join(f"(?:{translate(pattern)})" for pattern in patterns)).match
    return lambda path, name: matcher(name) is not None or matcher(path) is not None


def _scan(root: str, exclude: Sequence[str] = ()) -> ProjectFiles:
    python: list[str] = []
    specs: list[str] = []
    directories: dict[str, int] = {}
    excluded = _exclusion(exclude) if exclude else None
    pending = [root]
    while pending:
        directory = pending.pop()
        mtime = _mtime(directory)
        try:
            with os.scandir(directory) as entries:
                listed = list(entries)
        except OSError:
            continue
        if directory != root and any(entry.name == "pyvenv.cfg" for entry in listed):
            continue  # a virtualenv under any name
        if mtime is not None:
            directories[directory] = mtime
        for entry in listed:
            name = entry.name
            if excluded is not None and excluded(entry.path, name):
                continue
            if name.endswith(".py"):
                python.append(entry.path)
            elif name.endswith(SPEC_SUFFIXES):
                specs.append(entry.path)
            elif name[0] != "." and name not in SKIPPED_DIRECTORIES and _is_directory(entry):
                pending.append(entry.path)
    python.sort()
    specs.sort()
    return ProjectFiles(python, specs, directories)


def _is_directory(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def file_key(path: str) -> tuple[int, int] | None:
    """(mtime, size): a cached extract of ``path`` is valid while this is unchanged."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def cache_path(kind: str, root: str, key: str = "") -> str | None:
    """Where this root's ``kind`` cache is kept between runs; None when caching is off.

    ``FLAKE8_IDEMPOTENCY_CACHE`` names the directory (``off`` disables caching);
    the default is ``$XDG_CACHE_HOME/flake8-idempotency`` (``~/.cache/...``).
    """
    directory = os.environ.get("FLAKE8_IDEMPOTENCY_CACHE", "")
    if directory.lower() == "off":
        return None
    if not directory:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        directory = os.path.join(base, "flake8-idempotency")
    # Entries are checked against each file's mtime and size, so the name only has to
    # keep roots and configurations apart, not to be collision-proof: crc32 avoids
    # importing hashlib (OpenSSL) on every lint.
    data = f"{CACHE_VERSION}\0{root}\0{key}".encode()
    digest = f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"
    return os.path.join(directory, f"{kind}-{digest}.json")


def load_cache(path: str | None) -> dict:
    if path is None:
        return {}
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_cache(path: str | None, data: dict) -> None:
    """Written whole to a temporary file, then renamed: parallel workers never see half
    a file. The directory keeps the ``MAX_CACHE_FILES`` most recently written."""
    if path is None:
        return
    directory = os.path.dirname(path)
    try:
        os.makedirs(directory, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=directory, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as output:
            json.dump(data, output)
        os.replace(temporary, path)
    except OSError:
        return  # a read-only home: no cache, same results
    _prune(directory)


def _prune(directory: str) -> None:
    try:
        with os.scandir(directory) as entries:
            cached = [(entry.stat().st_mtime_ns, entry.path) for entry in entries if entry.name.endswith(".json")]
        for _, stale in sorted(cached, reverse=True)[MAX_CACHE_FILES:]:
            os.remove(stale)
    except OSError:
        pass  # another worker pruned it first
