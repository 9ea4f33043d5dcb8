"""What the rule pages say, for reports that carry rule descriptions (SARIF).

The pages under ``docs/rules/`` are not installed with the package, so their
title and the first paragraph of "What it does" are copied into
``rule_docs.json`` (package data). ``tests/test_repo.py`` checks that the copy
matches the pages; after editing a page, regenerate it with::

    python -m flake8_idempotency.report.rule_docs docs/rules

Links to the pages are built from the ``Documentation`` URL in the package
metadata (``[project.urls]`` in ``pyproject.toml``), the one place it is set.
"""

from __future__ import annotations

import json
import re
import sys
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path

from ..lazy_pattern import LazyPattern

DATA_FILE = "rule_docs.json"
_TITLE = LazyPattern(r"^# (IDM\d{3}): (.+)$", re.M)


def extract(page: str) -> dict[str, str]:
    """``{"code", "title", "description"}`` from a rule page in the Ruff shape."""
    match = _TITLE.search(page)
    if match is None:
        raise ValueError("a rule page starts with '# IDMnnn: title'")
    section = page.split("## What it does", 1)[1].split("\n## ", 1)[0]
    paragraph = section.strip().split("\n\n", 1)[0]
    text = ""
    for line in paragraph.splitlines():  # one line; "a/\nb" stays "a/b"
        text += ("" if not text or text.endswith("/") else " ") + line.strip()
    if text.endswith(":"):  # the paragraph introduces an example or a table
        text = text[:-1] + "."
    why = page.split("## Why is this bad?", 1)[1].split("\n## ", 1)[0].strip() if "## Why is this bad?" in page else ""
    return {
        "code": match.group(1),
        "title": match.group(2).strip(),
        "description": text,
        "help_text": f"{text}\n\n{' '.join(why.split())}".strip(),
        "help_markdown": page.split("\n", 1)[1].strip(),
    }


def generate(directory: Path) -> dict[str, dict[str, str]]:
    pages = (extract(page.read_text(encoding="utf-8")) for page in sorted(directory.glob("IDM*.md")))
    return {entry.pop("code"): entry for entry in pages}


@lru_cache(maxsize=1)
def rule_docs() -> dict[str, dict[str, str]]:
    """The copied page texts by code: ``{"IDM002": {"title": ..., "description": ...}}``."""
    return json.loads(resources.files(__package__).joinpath(DATA_FILE).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def documentation_url() -> str | None:
    """``[project.urls] Documentation`` from the installed metadata, without a trailing slash."""
    try:
        urls = metadata.metadata("flake8-idempotency").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        return None
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() == "documentation":
            return url.strip().rstrip("/")
    return None


def help_uri(code: str) -> str | None:
    base = documentation_url()
    return f"{base}/rules/{code}.md" if base and code in rule_docs() else None


def main(argv: list[str]) -> int:
    directory = Path(argv[0] if argv else "docs/rules")
    target = Path(__file__).with_name(DATA_FILE)
    target.write_text(json.dumps(generate(directory), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
