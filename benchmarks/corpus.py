"""The benchmark corpora: pinned real projects from PyPI, only their ``.py`` files.

Each project is fetched once with ``pip download --no-deps NAME==VERSION`` (a wheel,
or an sdist when there is no wheel) into ``benchmarks/.cache/dist`` and its Python
files are extracted to ``benchmarks/.cache/corpus/NAME-VERSION/``. Nothing is imported
or installed: the corpus is only text for flake8 to read.

The development corpus (``DEV_PROJECTS``) holds the hand-labelled applications of
``benchmarks/labels``: pinned to the exact wheel the labels were made from (checked by
sha256, since a line number in a label means nothing in another build), extracted to
``benchmarks/.cache/devcorpus/NAME-VERSION/``.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
DIST = CACHE / "dist"
CORPUS = CACHE / "corpus"
DEVCORPUS = CACHE / "devcorpus"

#: name -> exact version; current releases when the corpus was last reviewed
#: (findings-reviewed.txt holds the reviewed findings for exactly these).
PROJECTS: dict[str, str] = {
    "django": "5.2.19",
    "djangorestframework": "3.18.3",
    "label-studio": "1.23.2",
    "mlflow": "3.18.0",
    "wagtail": "8.0.1",
    "flask-appbuilder": "5.3.0",
    "fastapi-users": "15.0.5",
}


#: name -> (version, wheel, sha256): the wheels the labels in ``labels/NAME.csv`` were
#: made from, as their ``NAME.md`` records them.
DEV_PROJECTS: dict[str, tuple[str, str, str]] = {
    "kinto": (
        "26.5.0",
        "kinto-26.5.0-py3-none-any.whl",
        "886a877bc33a810324ca57a4c48bfebd74de440405d194b649c414e34fa614a1",
    ),
    "mailman": (
        "3.3.10",
        "mailman-3.3.10-py3-none-any.whl",
        "0f63ed38efa938357074e993d6a9b2d81bedaab92f5b3ecdd519890259893f37",
    ),
    "pretalx": (
        "2025.2.2",
        "pretalx-2025.2.2-py3-none-any.whl",
        "39e99ae2c8ad4a6a17d2ee022fc52369a0ac398762cac537de7833c664828440",
    ),
    "dj-stripe": (
        "2.11.0",
        "dj_stripe-2.11.0-py3-none-any.whl",
        "9f3073c486e84c13f1d143822d52d4b8967c9e0c00185351353778afe0f7ef05",
    ),
    "ckan": (
        "2.12.0",
        "ckan-2.12.0-py3-none-any.whl",
        "3b41cb4860286813fbcd18c57341e96edba266e2e492aeea92c4e03ce9e2934e",
    ),
    "indico": (
        "3.2.9",
        "indico-3.2.9-py3-none-any.whl",
        "194d2e31ccaabd2b9af7809e67d60d942faee35a6b4de36f0c2c280a32ed84c3",
    ),
    "prefect": (
        "3.9.1",
        "prefect-3.9.1-py3-none-any.whl",
        "0c662e26e971b617993eed1f3d02fb8bc3c2dd47bee521b495f6e4dfeb38ae74",
    ),
    # The newest litellm (1.110.2) has only a platform wheel; 1.91.5 is the newest pure one.
    "litellm": (
        "1.91.5",
        "litellm-1.91.5-py3-none-any.whl",
        "db09c6ea0b7c7de034b6c8b628208b000b54e02ef557468f84c2e63fbd7c8560",
    ),
}


def project_dir(name: str, version: str) -> Path:
    return CORPUS / f"{name}-{version}"


def _archive(name: str, version: str) -> Path | None:
    stem = name.replace("-", "_").lower()
    for path in sorted(DIST.glob("*")):
        lowered = path.name.lower().replace("-", "_")
        if lowered.startswith(f"{stem}_{version}") or lowered.startswith(f"{stem}-{version}"):
            return path
    return None


def _extract(archive: Path, target: Path) -> int:
    """Write the archive's ``.py`` members under ``target``; return how many."""
    count = 0
    tmp = target.with_name(target.name + ".part")
    tmp.mkdir(parents=True, exist_ok=True)
    if archive.suffix == ".whl" or archive.suffix == ".zip":
        with zipfile.ZipFile(archive) as bundle:
            for member in bundle.infolist():
                if member.filename.endswith(".py") and ".." not in member.filename:
                    out = tmp / member.filename
                    out.parent.mkdir(parents=True, exist_ok=True)
                    out.write_bytes(bundle.read(member))
                    count += 1
    else:
        with tarfile.open(archive) as bundle:
            for member in bundle.getmembers():
                if member.isfile() and member.name.endswith(".py") and ".." not in member.name:
                    out = tmp / member.name
                    out.parent.mkdir(parents=True, exist_ok=True)
                    out.write_bytes(bundle.extractfile(member).read())
                    count += 1
    tmp.rename(target)
    return count


def fetch(log=print) -> list[Path]:
    """Every pinned project's directory, downloading and extracting what is missing."""
    DIST.mkdir(parents=True, exist_ok=True)
    dirs = []
    for name, version in PROJECTS.items():
        target = project_dir(name, version)
        if not target.is_dir():
            if _archive(name, version) is None:
                log(f"downloading {name}=={version}")
                subprocess.run(
                    [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(DIST), f"{name}=={version}"],
                    check=True,
                    stderr=subprocess.DEVNULL,
                )
            archive = _archive(name, version)
            if archive is None:
                raise SystemExit(f"corpus: pip download gave no archive for {name}=={version}")
            log(f"extracting {archive.name}: {_extract(archive, target)} .py files")
        dirs.append(target)
    return dirs


def fetch_dev(names: list[str], log=print) -> dict[str, Path]:
    """The named development projects' directories, downloading and extracting what is
    missing; exits when a wheel's sha256 is not the pinned one."""
    DIST.mkdir(parents=True, exist_ok=True)
    dirs = {}
    for name in names:
        version, wheel, sha256 = DEV_PROJECTS[name]
        target = DEVCORPUS / f"{name}-{version}"
        if not target.is_dir():
            archive = DIST / wheel
            if not archive.exists():
                log(f"downloading {name}=={version}")
                command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-q"]
                subprocess.run([*command, "-d", str(DIST), f"{name}=={version}"], check=True, stderr=subprocess.DEVNULL)
            if not archive.exists():
                raise SystemExit(f"devcorpus: pip download of {name}=={version} gave no {wheel}")
            digest = hashlib.sha256(archive.read_bytes()).hexdigest()
            if digest != sha256:
                raise SystemExit(
                    f"devcorpus: {archive} has sha256 {digest}, pinned {sha256}:"
                    " not the wheel the labels were made from (delete it to download again)"
                )
            log(f"extracting {wheel}: {_extract(archive, target)} .py files")
        dirs[name] = target
    return dirs


def python_files(directory: Path) -> list[Path]:
    return sorted(path for path in directory.rglob("*.py") if path.is_file())


def sample(files: list[Path], size: int, root: Path, keep_order: bool = False) -> list[Path]:
    """A fixed, deterministic sample: the ``size`` files whose relative path hashes lowest.

    Stable across machines and runs, spread over the whole tree (not the first
    directory alphabetically), and unchanged for files kept when others are added.
    ``keep_order`` returns them in hash order (the first ``k`` are the ``k``-sample).
    """

    def key(path: Path) -> str:
        return hashlib.sha1(path.relative_to(root).as_posix().encode()).hexdigest()

    chosen = sorted(files, key=key)[:size]
    return chosen if keep_order else sorted(chosen)


def relative(path: Path | str) -> str:
    """A path as written in findings-reviewed.txt: relative to the corpus directory."""
    return Path(path).resolve().relative_to(CORPUS.resolve()).as_posix()
