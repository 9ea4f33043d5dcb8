"""Benchmark: what the plugin adds to flake8, measured, never asserted in tests.

Every figure is a median of interleaved runs (bare flake8, flake8 with this plugin,
flake8 with flake8-bugbear, one after the other, repeated), so that drift on a
shared machine hits every side alike. Times are CPU seconds (user + system) of the
measured process and its children, read with ``os.wait4``; they are steadier than
wall time when other work runs on the machine. "Bare", "bugbear" and "plugin" are
separate virtualenvs under ``benchmarks/.cache`` holding flake8 of our version alone,
with flake8-bugbear, and with this plugin installed from the working tree.

    python benchmarks/run.py corpus [--runs 5] [--sample 40]   # the budget table
    python benchmarks/run.py findings [--update]                # IDM findings vs the reviewed set
    python benchmarks/run.py endpoints                          # endpoints found per project
    python benchmarks/run.py determinism                        # -j1 vs -j2, run after run
    python benchmarks/run.py accuracy [--app NAME] [--update]   # findings and endpoints vs hand labels
    python benchmarks/run.py file [--runs 21] FILE ...          # one cold process per file, stdin
    python benchmarks/run.py feel [--parts ...]                 # whole projects, the big file, under load

The corpora (pinned projects from PyPI, ``corpus.py``) are downloaded on first use.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import sysconfig
import time
import venv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import accuracy  # noqa: E402
import corpus  # noqa: E402

HERE = Path(__file__).resolve().parent
CACHE = corpus.CACHE
REPO = HERE.parent
REVIEWED = HERE / "findings-reviewed.txt"
BUGBEAR = "flake8-bugbear==26.10.27"
#: The editor-latency file: a DRF views module of about 300 lines with endpoints.
COLD_FILE = ("label-studio", "label_studio/io_storages/api.py")
RELINTS = 500

# -- environments ----------------------------------------------------------------


def _venv(name: str, packages: list[str]) -> Path:
    target = CACHE / name
    python = target / "bin" / "python"
    if not python.exists():
        venv.create(target, with_pip=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *packages], check=True)
    return python


def bare_flake8() -> Path:
    """A virtualenv with flake8 alone, the same version as ours."""
    import flake8

    return _venv(f"bare-flake8-{flake8.__version__}", [f"flake8=={flake8.__version__}"])


def plugin_flake8() -> Path:
    """flake8 (our version) + this plugin as users get it: ``pip install`` of the working
    tree (bytecode compiled at install), reinstalled on every run so it measures the
    current code. Not the development venv: that one is editable (no bytecode when
    ``PYTHONDONTWRITEBYTECODE`` is set) and holds other plugins (flake8-pyproject)."""
    import flake8

    python = _venv(f"plugin-flake8-{flake8.__version__}", [f"flake8=={flake8.__version__}", str(REPO)])
    reinstall = [str(python), "-m", "pip", "install", "-q", "--force-reinstall", "--no-deps", str(REPO)]
    subprocess.run(reinstall, check=True)
    return python


def bugbear_flake8() -> Path:
    """flake8 (our version) + flake8-bugbear: the reference plugin."""
    import flake8

    return _venv(f"bugbear-flake8-{flake8.__version__}", [f"flake8=={flake8.__version__}", BUGBEAR])


# -- measuring one process ---------------------------------------------------------


@dataclass
class Usage:
    cpu: float  # seconds, user + system, with the process's children
    wall: float
    maxrss_kib: int


def run(
    command: list[str], cwd: Path | None = None, stdin: bytes | None = None, extra_env: dict[str, str] | None = None
) -> Usage:
    """One process: its own CPU time and peak RSS (``wait4``), not this script's."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env.update(extra_env or {})
    start = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=cwd,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    if stdin is not None:
        process.stdin.write(stdin)
        process.stdin.close()
    _, _, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = 0  # reaped here, not by subprocess
    return Usage(usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss)


# -- the corpus slices -------------------------------------------------------------


def endpoint_files(python: Path, project: Path, files: list[Path]) -> set[Path]:
    """Files of ``files`` where ``flake8-idempotency endpoints`` (of ``python``) finds something."""
    found: set[Path] = set()
    for start in range(0, len(files), 200):
        chunk = [str(path.relative_to(project)) for path in files[start:][:200]]
        result = subprocess.run(
            [str(python), "-m", "flake8_idempotency.cli", "endpoints", *chunk],
            cwd=project,
            capture_output=True,
            text=True,
            check=False,
        )
        for line in result.stdout.splitlines():
            found.add((project / line.split(":", 1)[0]).resolve())
    return found


def slices(python: Path, projects: list[Path], size: int) -> dict[str, dict[Path, list[Path]]]:
    """Per project: a hash sample, a sample of files with no endpoint, files with endpoints."""
    result: dict[str, dict[Path, list[Path]]] = {"sample": {}, "no-endpoint": {}, "endpoint": {}}
    for project in projects:
        files = corpus.python_files(project)
        by_hash = corpus.sample(files, len(files), project, keep_order=True)
        result["sample"][project] = sorted(by_hash[:size])
        candidates = by_hash[: size * 3]
        with_endpoints = endpoint_files(python, project, candidates)
        result["no-endpoint"][project] = sorted([p for p in candidates if p.resolve() not in with_endpoints][:size])
        all_with = endpoint_files(python, project, files)
        result["endpoint"][project] = sorted(p for p in files if p.resolve() in all_with)[:size]
    return result


FLAKE8_ARGS = ["-m", "flake8", "--isolated", "-j1", "--select=E,W,F"]


def lint(python: Path, project: Path, files: list[Path]) -> Usage:
    return run([str(python), *FLAKE8_ARGS, *(str(path.relative_to(project)) for path in files)], cwd=project)


# -- the figures ----------------------------------------------------------------------


@dataclass
class Row:
    name: str
    figure: str
    budget: str
    ok: bool | None

    def cells(self) -> list[str]:
        verdict = "" if self.ok is None else ("PASS" if self.ok else "FAIL")
        return [self.name, self.figure, self.budget, verdict]


def paired_ratio(bases: list[float], others: list[float]) -> float:
    return statistics.median(other / base for base, other in zip(bases, others))


def slice_figures(pythons: dict[str, Path], chosen: dict[Path, list[Path]], runs: int) -> dict[str, list[float]]:
    """Per side: the total CPU seconds over every project, one total per round."""
    totals: dict[str, list[float]] = {side: [] for side in pythons}
    for round_number in range(runs):
        round_totals = dict.fromkeys(pythons, 0.0)
        for project, files in chosen.items():
            if not files:
                continue
            for side, python in pythons.items():  # interleaved per project
                round_totals[side] += lint(python, project, files).cpu
        for side, total in round_totals.items():
            totals[side].append(total)
        print(f"  round {round_number + 1}/{runs}: " + ", ".join(f"{s} {t:.2f}s" for s, t in round_totals.items()))
    return totals


def cold_file(pythons: dict[str, Path], runs: int) -> dict[str, list[Usage]]:
    name, relative = COLD_FILE
    project = corpus.project_dir(name, corpus.PROJECTS[name])
    data = (project / relative).read_bytes()
    args = ["-m", "flake8", "--select=E,W,F,IDM", f"--stdin-display-name={relative}", "-"]
    usages: dict[str, list[Usage]] = {side: [] for side in pythons}
    for _ in range(runs):
        for side, python in pythons.items():
            usages[side].append(run([str(python), *args], cwd=project, stdin=data))
    return usages


def summary_vs_flake8(bare: Path, plugin: Path, projects: list[Path], runs: int) -> tuple[list[float], list[float]]:
    """Whole corpus: ``flake8-idempotency summary`` vs bare flake8 (-j2 both ways, CPU summed)."""
    summary_cli = plugin.with_name("flake8-idempotency")
    summaries, flake8s = [], []
    for round_number in range(runs):
        summary_total = flake8_total = 0.0
        for project in projects:
            flake8_total += run([str(bare), "-m", "flake8", "--isolated", "-j2", "--select=E,W,F", "."], project).cpu
            summary_total += run([str(summary_cli), "summary", "."], project).cpu
        summaries.append(summary_total)
        flake8s.append(flake8_total)
        print(f"  round {round_number + 1}/{runs}: summary {summary_total:.1f}s, bare flake8 {flake8_total:.1f}s")
    return summaries, flake8s


RELINT_SCRIPT = r"""
import os, sys
from flake8.main.application import Application
path, count, select = sys.argv[1], int(sys.argv[2]), sys.argv[3]
page = os.sysconf("SC_PAGE_SIZE")
def rss():
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * page / 1024 / 1024
original = open(path, encoding="utf-8").read()
samples = {}
try:
    for i in range(1, count + 1):
        with open(path, "w", encoding="utf-8") as handle:  # an edit per lint, as in an editor
            handle.write(original + f"\n# edit {i}\n")
        Application().run([f"--select={select}", f"--output-file={os.devnull}", path])
        if i in (1, 50, 100, 200, 300, 400, 500) or i == count:
            samples[i] = rss()
finally:
    os.remove(path)
print(" ".join(f"{i}:{mb:.1f}" for i, mb in samples.items()))
"""


def relint(python: Path, select: str, count: int = RELINTS) -> dict[int, float]:
    """RSS (MiB) after 1..500 lints of one file in one process (VS Code's in-process mode)."""
    name, relative = COLD_FILE
    project = corpus.project_dir(name, corpus.PROJECTS[name])
    copy = project / Path(relative).with_name("_bench_relint.py")
    copy.write_bytes((project / relative).read_bytes())
    out = subprocess.run(
        [str(python), "-c", RELINT_SCRIPT, str(copy.relative_to(project)), str(count), select],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {int(i): float(mb) for i, mb in (item.split(":") for item in out.split())}


def peak_rss(pythons: dict[str, Path], chosen: dict[Path, list[Path]]) -> dict[str, int]:
    """The largest peak RSS (KiB) of one -j1 flake8 process over each project's sample."""
    peaks = dict.fromkeys(pythons, 0)
    for project, files in chosen.items():
        for side, python in pythons.items():
            peaks[side] = max(peaks[side], lint(python, project, files).maxrss_kib)
    return peaks


def corpus_command(args: argparse.Namespace) -> int:
    projects = corpus.fetch()
    bare, bugbear, plugin = bare_flake8(), bugbear_flake8(), plugin_flake8()
    print(f"slices: {args.sample} files per project")
    chosen = slices(plugin, projects, args.sample)
    counts = {kind: sum(len(files) for files in per.values()) for kind, per in chosen.items()}
    print("files: " + ", ".join(f"{kind} {count}" for kind, count in counts.items()))
    rows: list[Row] = []

    print(f"sample of {counts['sample']} files, -j1, {args.runs} interleaved rounds")
    sides = {"bare": bare, "plugin": plugin, "bugbear": bugbear}
    totals = slice_figures(sides, chosen["sample"], args.runs)
    added = paired_ratio(totals["bare"], totals["plugin"]) - 1
    bugbear_added = paired_ratio(totals["bare"], totals["bugbear"]) - 1
    base = statistics.median(totals["bare"])
    rows.append(
        Row(
            f"added time, {counts['sample']}-file sample (bare {base:.2f} s)",
            f"+{added:.1%}",
            "<= +10%",
            added <= 0.10,
        )
    )
    rows.append(Row("flake8-bugbear on the same sample (reference)", f"+{bugbear_added:.1%}", "", None))

    print(f"no-endpoint slice, {counts['no-endpoint']} files")
    totals = slice_figures({"bare": bare, "plugin": plugin}, chosen["no-endpoint"], args.runs)
    no_endpoint = paired_ratio(totals["bare"], totals["plugin"]) - 1
    label = f"added time, {counts['no-endpoint']} files with no endpoint"
    rows.append(Row(label, f"{no_endpoint:+.1%}", "<= +2%", no_endpoint <= 0.02))

    print(f"endpoint slice, {counts['endpoint']} files")
    totals = slice_figures({"bare": bare, "plugin": plugin}, chosen["endpoint"], args.runs)
    with_endpoints = paired_ratio(totals["bare"], totals["plugin"]) - 1
    label = f"added time, {counts['endpoint']} files with endpoints (worst case)"
    rows.append(Row(label, f"{with_endpoints:+.1%}", "", None))

    print(f"cold single file, {args.cold_runs} interleaved runs")
    cold = cold_file({"bare": bare, "plugin": plugin}, args.cold_runs)
    cpu = {side: statistics.median(u.cpu for u in usages) for side, usages in cold.items()}
    wall = {side: statistics.median(u.wall for u in usages) for side, usages in cold.items()}
    cold_path = corpus.project_dir(COLD_FILE[0], corpus.PROJECTS[COLD_FILE[0]]) / COLD_FILE[1]
    lines = len(cold_path.read_text(encoding="utf-8").splitlines())
    # The median of the paired differences: each pair ran back to back, so drift on the
    # shared machine cancels out within a pair (the difference of two medians keeps it).
    added_ms = statistics.median(p.cpu - b.cpu for b, p in zip(cold["bare"], cold["plugin"])) * 1000
    rows.append(
        Row(
            f"cold `flake8 -` on {COLD_FILE[1]} ({lines} lines)",
            f"{cpu['bare'] * 1000:.0f} -> {cpu['plugin'] * 1000:.0f} ms CPU (+{added_ms:.0f} ms);"
            f" wall {wall['bare'] * 1000:.0f} -> {wall['plugin'] * 1000:.0f} ms",
            "<= +100 ms",
            added_ms <= 100,
        )
    )

    if args.summary_runs:
        print(f"summary over the whole corpus, {args.summary_runs} interleaved rounds")
        summaries, flake8s = summary_vs_flake8(bare, plugin, projects, args.summary_runs)
        ratio = paired_ratio(flake8s, summaries)
        rows.append(
            Row(
                "`flake8-idempotency summary`, whole corpus",
                f"{statistics.median(summaries):.1f} s vs bare flake8"
                f" {statistics.median(flake8s):.1f} s = {ratio:.2f}x",
                "<= 0.5x",
                ratio <= 0.5,
            )
        )

    print("peak RSS")
    peaks = peak_rss({"bare": bare, "plugin": plugin}, chosen["sample"])
    ratio = peaks["plugin"] / peaks["bare"]
    rows.append(
        Row(
            "peak RSS, -j1 over a project's sample (largest)",
            f"{peaks['bare'] / 1024:.0f} -> {peaks['plugin'] / 1024:.0f} MiB = {ratio:.2f}x",
            "<= 1.5x",
            ratio <= 1.5,
        )
    )

    count = args.relints
    print(f"RSS over {count} in-process re-lints (edited each time)")
    plugin_rss = relint(plugin, "E,W,F,IDM", count)
    bare_rss = relint(bare, "E,W,F", count)
    early = min(100, count)
    growth = plugin_rss[count] - plugin_rss[early]
    bare_growth = bare_rss[count] - bare_rss[early]
    rows.append(
        Row(
            f"RSS after {count} re-lints in one process",
            f"lint 1 {plugin_rss[1]:.1f}, {early} {plugin_rss[early]:.1f}, {count} {plugin_rss[count]:.1f} MiB;"
            f" growth {early}->{count} {growth:+.1f} MiB (bare flake8 {bare_growth:+.1f})",
            "no growth (<= bare + 1 MiB)",
            growth <= bare_growth + 1.0,
        )
    )
    print(f"  plugin: {plugin_rss}\n  bare:   {bare_rss}")

    print()
    print("| figure | value | budget | verdict |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row.cells()) + " |")
    print(f"\nmedians of {args.runs} interleaved rounds (cold file: {args.cold_runs}); CPU seconds via wait4")
    return 0 if all(row.ok is not False for row in rows) else 1


# -- findings and endpoints over the corpus ----------------------------------------------

_FINDING = re.compile(r"^\./(?P<path>[^:]+):(?P<line>\d+):\d+: (?P<code>IDM\d{3}) ")


def current_findings(projects: list[Path]) -> list[str]:
    found = []
    for project in projects:
        result = subprocess.run(
            [sys.executable, "-m", "flake8", "--isolated", "--select=IDM", "-j2", "."],
            cwd=project,
            capture_output=True,
            text=True,
            check=False,
        )
        for line in result.stdout.splitlines():
            match = _FINDING.match(line)
            if match:
                found.append(f"{project.name}/{match['path']}:{match['line']}: {match['code']}")
    return sorted(found)


def reviewed_findings() -> list[str]:
    if not REVIEWED.exists():
        return []
    lines = REVIEWED.read_text(encoding="utf-8").splitlines()
    return sorted(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def findings_command(args: argparse.Namespace) -> int:
    projects = corpus.fetch()
    found = current_findings(projects)
    per_code = sorted(Counter(line.split()[-1] for line in found).items())
    print(f"{len(found)} findings: " + ", ".join(f"{code} {count}" for code, count in per_code))
    if args.update:
        header = "# path:line: CODE, relative to benchmarks/.cache/corpus; reviewed in findings-review.md\n"
        REVIEWED.write_text(header + "".join(f"{line}\n" for line in found), encoding="utf-8")
        print(f"wrote {REVIEWED.relative_to(REPO)}")
        return 0
    reviewed = reviewed_findings()
    new, gone = sorted(set(found) - set(reviewed)), sorted(set(reviewed) - set(found))
    for line in new:
        print(f"+ {line}   (not reviewed)")
    for line in gone:
        print(f"- {line}   (reviewed, no longer found)")
    if new or gone:
        print("findings changed: review them, then `run.py findings --update`")
        return 1
    print("findings match the reviewed set")
    return 0


def determinism_command(args: argparse.Namespace) -> int:
    """IDM output (endpoints as IDM000 and findings) of ``-j1``, ``-j2`` and ``-j2`` again
    on every project: the same lines in the same order, or exit 1."""
    projects = corpus.fetch()
    python = plugin_flake8()
    differing = 0
    for project in projects:
        outputs = [
            subprocess.run(
                [str(python), "-m", "flake8", "--isolated", "--select=IDM", "--idm-show-endpoints", jobs, "."],
                cwd=project,
                capture_output=True,
                text=True,
                check=False,
            ).stdout
            for jobs in ("-j1", "-j2", "-j2")
        ]
        same = outputs[0] == outputs[1] == outputs[2]
        differing += not same
        lines = len(outputs[0].splitlines())
        print(f"{project.name}: {lines} IDM lines, -j1 / -j2 / -j2 {'identical' if same else 'DIFFER'}")
    return 1 if differing else 0


def endpoints_command(args: argparse.Namespace) -> int:
    projects = corpus.fetch()
    cli = Path(sys.executable).with_name("flake8-idempotency")
    print("| project | endpoints | files | by method |")
    print("|---|---:|---:|---|")
    for project in projects:
        result = subprocess.run([str(cli), "endpoints", "."], cwd=project, capture_output=True, text=True)
        out = result.stdout.splitlines()
        methods = Counter(line.split()[1] for line in out if len(line.split()) > 1)
        files = len({line.split(":", 1)[0] for line in out})
        listed = ", ".join(f"{method} {count}" for method, count in methods.most_common())
        print(f"| {project.name} | {len(out)} | {files} | {listed} |")
    return 0


def accuracy_command(args: argparse.Namespace) -> int:
    """Findings and endpoints of the installed plugin against the labels; the findings in
    no labelled handler compared with accuracy-reviewed.txt (exit 1 on a change or while
    any is unreviewed)."""
    names = args.app or [name for name in corpus.DEV_PROJECTS if (accuracy.LABELS / f"{name}.csv").exists()]
    unknown = [name for name in names if name not in corpus.DEV_PROJECTS]
    if unknown:
        raise SystemExit(f"accuracy: no pinned development project {', '.join(unknown)} (corpus.DEV_PROJECTS)")
    scores: dict[str, dict[str, accuracy.Score]] = {}
    figures: dict[str, accuracy.EndpointFigures] = {}
    handlers: dict[str, int] = {}
    misses: list[accuracy.Miss] = []
    unlabelled: dict[str, bool] = {}  # report key -> in a labelled file
    for name, root in corpus.fetch_dev(names).items():
        labels = accuracy.read_labels(name, root)
        outputs = accuracy.run_flake8(root)
        findings = [output for output in outputs if output.code in accuracy.CODES]
        scores[name], app_misses, stray = accuracy.score(labels, findings)
        misses += app_misses
        figures[name] = accuracy.endpoint_figures(labels, [output for output in outputs if output.code == "IDM000"])
        handlers[name] = len(labels)
        labelled_files = {label.file for label in labels}
        unlabelled.update({accuracy.report_key(name, f): f.file in labelled_files for f in stray})
        print(f"{name}: {len(labels)} labelled handlers, {len(findings)} findings, {len(stray)} in no labelled handler")

    print("\n| code | TP | FP | FN | precision | recall |\n|---|---:|---:|---:|---|---|")
    for code in accuracy.CODES:
        print(accuracy.score_row(code, accuracy.add([per[code] for per in scores.values()])))
    print(accuracy.score_row("all", accuracy.add([s for per in scores.values() for s in per.values()])))
    print("\n| app | handlers | TP | FP | FN | precision | recall |\n|---|---:|---:|---:|---:|---|---|")
    for name, per in scores.items():
        print(accuracy.score_row(f"{name} | {handlers[name]}", accuracy.add(list(per.values()))))
    print("\nlabelled handlers where the plugin and the labels disagree:")
    for miss in misses:
        print(f"  {miss}")
    print(
        "\nendpoints: labelled handlers found with their method; of those with a labelled path,"
        " the path right (parameters' names aside) or `?`"
    )
    print("\n| app | handlers | method found | path right | path `?` |\n|---|---:|---|---|---|")
    for name, figure in [*figures.items(), ("total", accuracy.EndpointFigures(*map(sum, zip(*figures.values()))))]:
        print(
            f"| {name} | {figure.handlers} | {accuracy.share(figure.found, figure.handlers)}"
            f" | {accuracy.share(figure.path_right, figure.path_known)}"
            f" | {accuracy.share(figure.path_unknown, figure.path_known)} |"
        )

    reviewed = accuracy.read_reviewed()
    earlier = {key: verdict for key, verdict in reviewed.items() if key.split("/", 1)[0] in scores}
    print(f"\n{len(unlabelled)} findings in no labelled handler:")
    for key, in_labelled_file in sorted(unlabelled.items()):
        where = "" if in_labelled_file else "  (file not labelled)"
        print(f"  {key} {earlier.get(key, 'unreviewed')}{where}")
    if args.update:
        kept = {key: verdict for key, verdict in reviewed.items() if key not in earlier}
        accuracy.write_reviewed({**kept, **{key: earlier.get(key, "unreviewed") for key in unlabelled}})
        print(f"wrote {accuracy.REVIEWED.relative_to(REPO)}")
        return 0
    new, gone = sorted(set(unlabelled) - set(earlier)), sorted(set(earlier) - set(unlabelled))
    for key in new:
        print(f"+ {key}   (not in the reviewed run)")
    for key in gone:
        print(f"- {key}   (reviewed, no longer reported)")
    pending = [key for key in unlabelled if earlier.get(key, "unreviewed") == "unreviewed"]
    verdicts = Counter(earlier.get(key, "unreviewed") for key in unlabelled)
    print("verdicts: " + ", ".join(f"{verdict} {verdicts[verdict]}" for verdict in accuracy.VERDICTS))
    if new or gone or pending:
        print("unlabelled findings changed or unreviewed: `run.py accuracy --update`, then give verdicts")
        return 1
    return 0


# -- one file, cold -------------------------------------------------------------------------


def default_files() -> list[Path]:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    return [
        stdlib / "argparse.py",  # a large module with no endpoint: the pre-filter path
        REPO / "tests" / "fixtures" / "discovery" / "drf_views.py",  # endpoints: full discovery
        REPO / "examples" / "shop" / "django_shop" / "views.py",
    ]


def file_command(args: argparse.Namespace) -> int:
    bare, plugin = bare_flake8(), plugin_flake8()
    print(f"{'file':<28} {'lines':>6} {'bare ms':>8} {'plugin ms':>9} {'added ms':>8} {'ratio':>6}")
    for path in args.files or default_files():
        lines = len(path.read_text(encoding="utf-8", errors="replace").splitlines())
        data = path.read_bytes()
        command = ["-m", "flake8", "--isolated", "--select=E,W,F,IDM", f"--stdin-display-name={path.name}", "-"]
        bare_times, plugin_times = [], []
        for _ in range(args.runs):  # interleaved, so drift hits both sides alike
            bare_times.append(run([str(bare), *command], stdin=data).cpu)
            plugin_times.append(run([str(plugin), *command], stdin=data).cpu)
        bare_s, plugin_s = statistics.median(bare_times), statistics.median(plugin_times)
        print(
            f"{path.name:<28} {lines:>6} {bare_s * 1000:>8.1f} {plugin_s * 1000:>9.1f}"
            f" {(plugin_s - bare_s) * 1000:>8.1f} {plugin_s / bare_s:>6.3f}"
        )
    print(f"median CPU time of {args.runs} interleaved cold runs per side, flake8 reading stdin")
    return 0


# -- where users feel it: whole projects, the big views file, a loaded machine ----------------

#: View-heavy apps of the development corpus, linted whole (every file).
FEEL_APPS = ("pretalx", "ckan", "prefect")
#: The editor's big file: every module of this package of this app, concatenated in name
#: order into one file written next to them (and removed afterwards).
BIG_FILE = ("pretalx", "pretalx/api/views", "bench_all_views.py")
WHOLE_ARGS = ["-m", "flake8", "--isolated", "-j1", "--select=E,W,F,IDM", "."]
BURNERS = 4
BURN_SCRIPT = "import time, sys\nend = time.monotonic() + float(sys.argv[1])\nwhile time.monotonic() < end:\n    pass\n"


def feel_cache() -> dict[str, str]:
    """The plugin's on-disk cache for these runs: the benchmark's own, not the user's."""
    return {"FLAKE8_IDEMPOTENCY_CACHE": str(CACHE / "idm-cache")}


def big_views_file(root: Path) -> tuple[Path, bytes]:
    """The editor case: the app's view modules of one package concatenated (deterministic:
    sorted names, ``__init__`` left out), a real ~2,000-line DRF views file."""
    _, package, name = BIG_FILE
    parts = []
    for module in sorted((root / package).glob("*.py")):
        if module.name in ("__init__.py", name):
            continue
        parts.append(f"# ---- {module.relative_to(root).as_posix()} ----\n".encode() + module.read_bytes())
    return root / package / name, b"\n".join(parts)


def whole_projects(
    bare: Path, plugin: Path, projects: dict[str, Path], runs: int
) -> dict[str, dict[str, list[Usage]]]:
    """Per project: ``runs`` interleaved pairs (bare, plugin) of a -j1 flake8 over every file."""
    usages: dict[str, dict[str, list[Usage]]] = {name: {"bare": [], "plugin": []} for name in projects}
    for round_number in range(runs):
        for name, root in projects.items():
            pair = usages[name]
            pair["bare"].append(run([str(bare), *WHOLE_ARGS], root))
            pair["plugin"].append(run([str(plugin), *WHOLE_ARGS], root, extra_env=feel_cache()))
            print(
                f"  round {round_number + 1}/{runs} {name}: bare {pair['bare'][-1].cpu:.2f}s,"
                f" plugin {pair['plugin'][-1].cpu:.2f}s"
            )
    return usages


def editor_pairs(bare: Path, plugin: Path, runs: int) -> dict[str, list[Usage]]:
    """The big file as an editor lints it (stdin, its name given, in the app's root):
    bare, plugin warm (the benchmark's cache filled by a lint before), plugin cold (an
    empty cache directory each time), interleaved."""
    import shutil
    import tempfile

    name = BIG_FILE[0]
    root = corpus.fetch_dev([name])[name]
    path, data = big_views_file(root)
    relative = path.relative_to(root).as_posix()
    args = ["-m", "flake8", "--select=E,W,F,IDM", f"--stdin-display-name={relative}", "-"]
    lines = data.count(b"\n") + 1
    print(f"  {relative}: {lines} lines")
    usages: dict[str, list[Usage]] = {"bare": [], "warm": [], "cold": []}
    path.write_bytes(data)
    try:
        run([str(plugin), *args], root, stdin=data, extra_env=feel_cache())  # fills the cache
        for _ in range(runs):
            usages["bare"].append(run([str(bare), *args], root, stdin=data))
            usages["warm"].append(run([str(plugin), *args], root, stdin=data, extra_env=feel_cache()))
            empty = tempfile.mkdtemp(prefix="idm-cold-")
            try:
                usages["cold"].append(
                    run([str(plugin), *args], root, stdin=data, extra_env={"FLAKE8_IDEMPOTENCY_CACHE": empty})
                )
            finally:
                shutil.rmtree(empty, ignore_errors=True)
    finally:
        path.unlink()
    return usages


def idm_outputs(plugin: Path, projects: dict[str, Path], budget: int | None) -> dict[str, str]:
    """The IDM output (endpoints and findings, and the plugin's stderr: skipped files) of
    each whole project and of the big file, with the cache off."""
    extra = [f"--idm-file-budget={budget}"] if budget is not None else []
    args = ["-m", "flake8", "--isolated", "--select=IDM", "--idm-show-endpoints", "-j1", *extra]
    env = {"FLAKE8_IDEMPOTENCY_CACHE": "off"}
    outputs = {}
    for name, root in projects.items():
        done = subprocess.run(
            [str(plugin), *args, "."], cwd=root, capture_output=True, text=True, check=False, env={**os.environ, **env}
        )
        outputs[name] = done.stdout + done.stderr
    name = BIG_FILE[0]
    root = corpus.fetch_dev([name])[name]
    path, data = big_views_file(root)
    relative = path.relative_to(root).as_posix()
    path.write_bytes(data)
    try:
        done = subprocess.run(
            [str(plugin), *args, f"--stdin-display-name={relative}", "-"],
            cwd=root,
            input=data,
            capture_output=True,
            check=False,
            env={**os.environ, **env},
        )
    finally:
        path.unlink()
    outputs["big file"] = (done.stdout + done.stderr).decode("utf-8", "replace")
    return outputs


def under_load(plugin: Path, projects: dict[str, Path], budgets: list[int | None], seconds: float) -> list[Row]:
    """The same IDM output idle and with ``BURNERS`` busy processes beside it (each stops
    by itself after ``seconds`` at most, and is ended when the loaded runs are done)."""
    rows = []
    for budget in budgets:
        label = "default budget" if budget is None else f"--idm-file-budget={budget}"
        idle = idm_outputs(plugin, projects, budget)
        burners = [subprocess.Popen([sys.executable, "-c", BURN_SCRIPT, str(seconds)]) for _ in range(BURNERS)]
        try:
            time.sleep(0.5)
            loaded = idm_outputs(plugin, projects, budget)
        finally:
            for burner in burners:
                burner.kill()
                burner.wait()
        for name in idle:
            same = idle[name] == loaded[name]
            lines = idle[name].splitlines()
            skipped = sum("skipped" in line for line in lines)
            rows.append(
                Row(
                    f"IDM output idle vs {BURNERS} busy processes: {name}, {label}",
                    f"{len(lines)} lines ({skipped} skipped-file warnings), {'identical' if same else 'DIFFER'}",
                    "identical",
                    same,
                )
            )
    return rows


def feel_command(args: argparse.Namespace) -> int:
    parts = set(args.parts.split(","))
    bare, plugin = bare_flake8(), plugin_flake8()
    apps = corpus.fetch_dev(list(FEEL_APPS))
    rows: list[Row] = []
    usages: dict[str, dict[str, list[Usage]]] = {}
    projects: dict[str, Path] = {}
    if "projects" in parts:
        print(f"whole view-heavy apps, -j1, {args.runs} interleaved pairs each")
        usages.update(whole_projects(bare, plugin, apps, args.runs))
        projects.update(apps)
    if "corpus" in parts:
        old = {path.name: path for path in corpus.fetch()}
        print(f"whole corpus projects, -j1, {args.corpus_runs} interleaved pairs each")
        usages.update(whole_projects(bare, plugin, old, args.corpus_runs))
        projects.update(old)
    if usages:
        for name, pair in usages.items():
            files = len(corpus.python_files(projects[name]))
            added = paired_ratio([u.cpu for u in pair["bare"]], [u.cpu for u in pair["plugin"]]) - 1
            base = statistics.median(u.cpu for u in pair["bare"])
            rows.append(
                Row(
                    f"whole project {name} ({files} files; bare {base:.1f} s)",
                    f"{added:+.1%} CPU",
                    "<= +10%",
                    added <= 0.10,
                )
            )
        for name, pair in usages.items():
            bare_rss = max(u.maxrss_kib for u in pair["bare"])
            plugin_rss = max(u.maxrss_kib for u in pair["plugin"])
            ratio = plugin_rss / bare_rss
            rows.append(
                Row(
                    f"peak RSS, whole project {name}",
                    f"{bare_rss / 1024:.0f} -> {plugin_rss / 1024:.0f} MiB = {ratio:.2f}x",
                    "<= 1.5x",
                    ratio <= 1.5,
                )
            )
    if "editor" in parts:
        print(f"the big views file, {args.editor_runs} interleaved triples (bare, warm, cold)")
        usages_big = editor_pairs(bare, plugin, args.editor_runs)
        bare_cpu = [u.cpu for u in usages_big["bare"]]
        for kind in ("warm", "cold"):
            cpu = [u.cpu for u in usages_big[kind]]
            ratio = paired_ratio(bare_cpu, cpu)
            added_ms = statistics.median(p - b for b, p in zip(bare_cpu, cpu)) * 1000
            rss = max(u.maxrss_kib for u in usages_big[kind]) / max(u.maxrss_kib for u in usages_big["bare"])
            budget, ok = ("<= 1.15x", ratio <= 1.15) if kind == "warm" else ("<= +1.0 s", added_ms <= 1000)
            rows.append(
                Row(
                    f"big file `flake8 -`, {kind} (bare {statistics.median(bare_cpu) * 1000:.0f} ms)",
                    f"{statistics.median(cpu) * 1000:.0f} ms = {ratio:.2f}x, +{added_ms:.0f} ms; RSS {rss:.2f}x",
                    budget,
                    ok,
                )
            )
    if "load" in parts:
        print(f"determinism under load: {BURNERS} busy processes")
        budgets = [None, args.load_budget]
        rows += under_load(plugin, apps, budgets, args.load_seconds)
    print()
    print("| figure | value | budget | verdict |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row.cells()) + " |")
    print(
        f"\nCPU seconds via wait4; medians of paired runs ({args.runs} per app, {args.corpus_runs} per corpus"
        f" project, {args.editor_runs} big file)"
    )
    return 0 if all(row.ok is not False for row in rows) else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command")
    bench = commands.add_parser("corpus", help="every figure with its budget (the default)")
    bench.add_argument("--runs", type=int, default=5, help="interleaved rounds over the slices")
    bench.add_argument("--sample", type=int, default=40, help="files per project in each slice")
    bench.add_argument("--cold-runs", type=int, default=31)
    bench.add_argument("--relints", type=int, default=RELINTS, help="in-process lints of one file")
    bench.add_argument("--summary-runs", type=int, default=3, help="0 skips the whole-corpus summary figure")
    findings = commands.add_parser("findings", help="IDM findings over the corpus vs findings-reviewed.txt")
    findings.add_argument("--update", action="store_true", help="write the current findings as the reviewed set")
    commands.add_parser("endpoints", help="endpoints per project")
    commands.add_parser("determinism", help="the same IDM output with -j1 and -j2, run after run")
    scored = commands.add_parser("accuracy", help="findings and endpoints vs the labels of the development corpus")
    scored.add_argument("--app", action="append", help="only this labelled app (repeatable)")
    scored.add_argument("--update", action="store_true", help="write the unlabelled findings to accuracy-reviewed.txt")
    single = commands.add_parser("file", help="cold flake8 on single files via stdin")
    single.add_argument("files", nargs="*", type=Path)
    single.add_argument("--runs", type=int, default=21)
    feel = commands.add_parser("feel", help="whole projects, the big views file warm and cold, under load")
    feel.add_argument("--parts", default="projects,corpus,editor,load", help="comma-separated parts to run")
    feel.add_argument("--runs", type=int, default=3, help="interleaved pairs per whole project")
    feel.add_argument("--corpus-runs", type=int, default=1, help="pairs per corpus project (~200 s a side in all)")
    feel.add_argument("--editor-runs", type=int, default=11, help="interleaved runs of the big file")
    feel.add_argument("--load-budget", type=int, default=20_000, help="a budget some files go past, under load")
    feel.add_argument("--load-seconds", type=float, default=300, help="the busy processes stop by then")
    args = parser.parse_args()
    os.environ.pop("PYTHONPATH", None)
    if args.command is None:
        args = parser.parse_args(["corpus", *sys.argv[1:]])
    commands_run = {
        "corpus": corpus_command,
        "findings": findings_command,
        "endpoints": endpoints_command,
        "determinism": determinism_command,
        "accuracy": accuracy_command,
    }
    return {**commands_run, "file": file_command, "feel": feel_command}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
