"""Time whole `ono` processes on a generated vault and print each as a ratio to baselines
measured in the same run.

    python benchmarks/run.py [--people 200] [--weeks 104] [--runs 5] [--json FILE]

Baselines: `rg --count-matches '\\[.\\]'` over the vault (the cost of reading every file; Debian's
ripgrep) and `python -c 'import click'` (the interpreter and the CLI framework). Each check runs
its baseline and its command in turns: a warm-up of each, then --runs pairs; the ratio is the
median of the pairs' ratios, printed with each command's median time and the peak memory the OS
counted for it. The targets are those of the "one store" issue (issue 6's where it set none).

`ono rollup` over the metrics exports of 50 generated vaults (100,000 meetings), and the
metrics export itself, are timed by benchmarks/rollup.py (issue 19; docs/performance.md).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from lsp import measure_lsp  # noqa: E402
from make_vault import make_vault  # noqa: E402

TODAY = "2026-11-01"


def run_once(command: list[str], env: dict[str, str], before=None) -> tuple[float, float]:
    """Wall time and peak resident memory (MB) of one process."""
    if before is not None:
        before()
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        error = process.stderr.read().decode(errors="replace") if process.stderr else ""
        raise SystemExit(f"failed ({process.returncode}): {' '.join(command)}\n{error}")
    process.stderr.close()
    return elapsed, usage.ru_maxrss / 1024


@dataclass
class Command:
    name: str
    argv: list[str]
    before: object = None  # called before each run (not timed)


def compare(
    label: str, target: float, baseline: Command, subject: Command, env: dict, runs: int
) -> tuple[str, float, float, float]:
    """Time ``baseline`` and ``subject`` in turns (one warm-up each, then ``runs`` pairs) and
    return (label, median of the per-pair ratios, target, peak memory of the subject in MB).
    This machine's speed drifts by half over minutes: a pair measured seconds apart keeps the
    drift out of its ratio, where medians taken minutes apart would not."""
    run_once(baseline.argv, env, baseline.before)  # warm-up: caches, page cache, pyc files
    run_once(subject.argv, env, subject.before)
    pairs = []
    for _ in range(runs):
        pairs.append(
            (
                run_once(baseline.argv, env, baseline.before),
                run_once(subject.argv, env, subject.before),
            )
        )
    for command, samples in ((baseline, [b for b, _ in pairs]), (subject, [s for _, s in pairs])):
        seconds = statistics.median(t for t, _ in samples)
        peak = max(m for _, m in samples)
        print(f"  {command.name:<46} {seconds * 1000:8.0f} ms  {peak:6.0f} MB", flush=True)
    ratio = statistics.median(s[0] / b[0] for b, s in pairs)
    print(f"    -> {label}: {ratio:.2f} (target {target})", flush=True)
    return label, ratio, target, max(m for _, (_, m) in pairs)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return f"{cpu}, {os.cpu_count()} cores{memory}; {platform.system()} {platform.release()}; Python {platform.python_version()}"


def compile_ononotes() -> None:
    """Write ononotes' bytecode before timing it. With PYTHONDONTWRITEBYTECODE set, an editable
    install whose sources were edited since their bytecode was written compiles them again on
    every run, and that would be timed too (about 10 ms for cli.py alone)."""
    find = "import ononotes, os; print(os.path.dirname(ononotes.__file__))"
    package = subprocess.run(
        [sys.executable, "-c", find], capture_output=True, text=True, check=True
    ).stdout.strip()
    subprocess.run([sys.executable, "-m", "compileall", "-q", package], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--weeks", type=int, default=104)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    ono = shutil.which("ono", path=os.path.dirname(sys.executable)) or shutil.which("ono")
    rg = shutil.which("rg")
    if ono is None:
        raise SystemExit("ono is not installed in this environment: pip install . first")
    if rg is None:
        raise SystemExit("ripgrep (rg) is needed for the baseline: apt-get install ripgrep")

    compile_ononotes()
    work = Path(tempfile.mkdtemp(prefix="ono-bench-"))
    big, small, cache = work / "big", work / "small", work / "cache"
    print(f"machine: {machine()}")
    count = make_vault(big, args.people, args.weeks, seed=1)
    make_vault(small, 1, 10, seed=1)
    print(
        f"vaults: {count} notes ({args.people} people x {args.weeks} weeks), and 10 notes; in {work}\n"
    )
    env = {**os.environ, "ONO_TODAY": TODAY, "ONO_CACHE_DIR": str(cache), "NO_COLOR": "1"}
    env.pop("ONO_VAULT", None)

    def clear_cache() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    # an existing note, mid-history: the run appends a line to it before each timed report
    history = sorted(p for p in (big / "person-000").glob("*.md") if p.name != "profile.md")
    note = history[len(history) // 2]

    def edit_one_note() -> None:
        with note.open("a", encoding="utf-8") as handle:
            handle.write(f"- edited at {time.time_ns()}\n")

    def remove_new_notes() -> None:
        for vault in (big, small):
            target = vault / "person-000" / "2026-11-01.md"
            if target.exists():
                target.unlink()

    report = [ono, "--vault", str(big), "report", "actions", "--format", "csv"]
    new = ["new", "person-000", "--no-edit"]
    ripgrep = Command(
        "rg --count-matches '\\[.\\]' (read every file)",
        [rg, "--count-matches", r"\[.\]", str(big)],
    )
    click = Command("python -c 'import click'", [sys.executable, "-c", "import click"])
    warm = Command("ono report actions --format csv (warm)", report)
    # one rebuild of `ono watch` (refresh planned notes, the dashboard) after an edit, as the
    # watcher runs it; in a process of its own, so its import time counts as a report's does
    rebuild = (
        "import datetime, pathlib, sys\n"
        "from ononotes.app.report import run_report\n"
        "from ononotes.app.watch import rebuild_dashboard\n"
        "vault = pathlib.Path(sys.argv[1])\n"
        f"rebuild_dashboard(vault, vault / 'dashboard.html', None, "
        f"datetime.date.fromisoformat('{TODAY}'), run_report)\n"
    )
    dashboard = work / "dashboard.html"
    other_commands = [
        ("ono todo", ["todo"]),
        ("ono list", ["list"]),
        ("ono person list", ["person", "list"]),
        ("ono prep person-001", ["prep", "person-001"]),
    ]
    runs = args.runs
    print("each check times its baseline and its command in turns, and takes the median ratio\n")
    results = [
        compare(
            "ono --help / import click",
            1.25,
            click,
            Command("ono --help", [ono, "--help"]),
            env,
            runs,
        ),
        compare(
            "ono --version / import click",
            1.25,
            click,
            Command("ono --version", [ono, "--version"]),
            env,
            runs,
        ),
        compare(
            f"ono new: {count} notes / 10 notes",
            1.3,
            Command(
                "ono new (10-note vault)", [ono, "--vault", str(small), *new], remove_new_notes
            ),
            Command(
                f"ono new ({count}-note vault)", [ono, "--vault", str(big), *new], remove_new_notes
            ),
            env,
            runs,
        ),
        compare("report warm / ripgrep", 1.5, ripgrep, warm, env, runs),
        *(
            compare(
                f"{name} warm / report warm",
                1.5,
                warm,
                Command(f"{name} (warm)", [ono, "--vault", str(big), *argv]),
                env,
                runs,
            )
            for name, argv in other_commands
        ),
        compare(  # against the same dashboard written by a warm `ono report`
            "watch rebuild after an edit / html report warm",
            1.5,
            Command(
                "ono report --format html -o FILE (warm)",
                [ono, "--vault", str(big), "report", "--format", "html", "-o", str(dashboard)],
            ),
            Command(
                "... one ono watch rebuild after an edit",
                [sys.executable, "-c", rebuild, str(big)],
                edit_one_note,
            ),
            env,
            runs,
        ),
        compare(
            "report after an edit / warm",
            1.2,
            warm,
            Command("... after one note is edited", report, edit_one_note),
            env,
            runs,
        ),
        compare(
            "report cold / ripgrep",
            12.0,
            ripgrep,
            Command("... cold (no cache)", report, clear_cache),
            env,
            runs,
        ),
    ]
    remove_new_notes()
    peak = max(memory for *_, memory in results)
    checks = [(label, ratio, target) for label, ratio, target, _ in results]
    checks.append(("peak memory of any command (MB)", peak, 150.0))
    print("\nono lsp on the big vault, warm (benchmarks/lsp.py)")
    checks += measure_lsp(big, env)
    print(f"\n{'check':<44} {'measured':>9} {'target':>8}")
    for label, value, target in checks:
        verdict = "ok" if value <= target else "OVER"
        print(f"{label:<44} {value:>9.2f} {target:>8.2f}  {verdict}")
    if args.json:
        args.json.write_text(
            json.dumps({"machine": machine(), "notes": count, "checks": checks}, indent=2)
        )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
