"""Benchmark: what the plugin adds to flake8, measured, never asserted in tests.

Runs ``flake8`` as a fresh process (as python-lsp-server and pre-commit do) on the
same file with and without the plugin installed, interleaved, and reports median
CPU time. "Without" is a separate virtualenv holding only flake8 (same version),
built once under ``benchmarks/.cache``.

    python benchmarks/run.py [--runs 21] [FILE ...]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
REPO = HERE.parent


def bare_flake8() -> Path:
    """A virtualenv with flake8 alone, the same version as ours."""
    import flake8

    target = CACHE / f"bare-flake8-{flake8.__version__}"
    python = target / "bin" / "python"
    if not python.exists():
        venv.create(target, with_pip=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", f"flake8=={flake8.__version__}"], check=True)
    return python


def cpu_seconds(command: list[str], stdin: bytes | None = None) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, input=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(path: Path, runs: int, bare: Path) -> tuple[float, float]:
    """Median CPU seconds of one cold flake8 process on ``path`` via stdin: (bare, with plugin)."""
    data = path.read_bytes()
    args = ["-m", "flake8", "--isolated", "--select=E,W,F,IDM", f"--stdin-display-name={path.name}", "-"]
    bare_times, plugin_times = [], []
    for _ in range(runs):  # interleaved, so drift hits both sides alike
        bare_times.append(cpu_seconds([str(bare), *args], data))
        plugin_times.append(cpu_seconds([sys.executable, *args], data))
    return statistics.median(bare_times), statistics.median(plugin_times)


def default_files() -> list[Path]:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    return [
        stdlib / "argparse.py",  # a large module with no endpoint: the pre-filter path
        REPO / "tests" / "fixtures" / "discovery" / "drf_views.py",  # endpoints: full discovery
        REPO / "examples" / "shop" / "django_shop" / "views.py",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    os.environ.pop("PYTHONPATH", None)
    bare = bare_flake8()
    print(f"{'file':<28} {'lines':>6} {'bare ms':>8} {'plugin ms':>9} {'added ms':>8} {'ratio':>6}")
    for path in args.files or default_files():
        lines = len(path.read_text(encoding="utf-8", errors="replace").splitlines())
        bare_s, plugin_s = measure(path, args.runs, bare)
        print(
            f"{path.name:<28} {lines:>6} {bare_s * 1000:>8.1f} {plugin_s * 1000:>9.1f}"
            f" {(plugin_s - bare_s) * 1000:>8.1f} {plugin_s / bare_s:>6.3f}"
        )
    print(f"median CPU time of {args.runs} interleaved cold runs per side, flake8 reading stdin")
    return 0


if __name__ == "__main__":
    sys.exit(main())
