"""Time whole `ono` processes on a generated vault and print each as a ratio to baselines
measured in the same run.

    python benchmarks/run.py [--people 200] [--weeks 104] [--runs 5] [--json FILE]

Baselines: `rg --count-matches '\\[.\\]'` over the vault (the cost of reading every file; Debian's
ripgrep) and `python -c 'import click'` (the interpreter and the CLI framework). Each command gets
a warm-up run, then --runs timed runs; the median is reported, with the peak memory the OS
counted for the process. The targets are issue 6's.
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

from make_vault import make_vault  # noqa: E402

TODAY = "2026-11-01"


@dataclass
class Timing:
    name: str
    seconds: float
    peak_mb: float


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


def measure(name: str, command: list[str], env: dict[str, str], runs: int, before=None) -> Timing:
    run_once(command, env, before)  # warm-up: caches, page cache, pyc files
    samples = [run_once(command, env, before) for _ in range(runs)]
    timing = Timing(name, statistics.median(s for s, _ in samples), max(m for _, m in samples))
    print(f"  {name:<44} {timing.seconds * 1000:8.0f} ms  {timing.peak_mb:6.0f} MB", flush=True)
    return timing


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
    print("baselines")
    ripgrep = measure(
        "rg --count-matches '\\[.\\]' (read every file)",
        [rg, "--count-matches", r"\[.\]", str(big)],
        env,
        args.runs,
    )
    click = measure(
        "python -c 'import click'", [sys.executable, "-c", "import click"], env, args.runs
    )
    print("ono")
    help_ = measure("ono --help", [ono, "--help"], env, args.runs)
    version = measure("ono --version", [ono, "--version"], env, args.runs)
    new_small = measure(
        "ono new (10-note vault)",
        [ono, "--vault", str(small), *new],
        env,
        args.runs,
        remove_new_notes,
    )
    new_big = measure(
        f"ono new ({count}-note vault)",
        [ono, "--vault", str(big), *new],
        env,
        args.runs,
        remove_new_notes,
    )
    remove_new_notes()
    warm = measure("ono report actions --format csv (warm)", report, env, args.runs)
    edited = measure("... after one note is edited", report, env, args.runs, edit_one_note)
    cold = measure("... cold (no cache)", report, env, max(1, args.runs // 2), clear_cache)

    checks = [
        ("ono --help / import click", help_.seconds / click.seconds, 1.25),
        ("ono --version / import click", version.seconds / click.seconds, 1.25),
        (f"ono new: {count} notes / 10 notes", new_big.seconds / new_small.seconds, 1.3),
        ("report warm / ripgrep", warm.seconds / ripgrep.seconds, 3.0),
        ("report after an edit / warm", edited.seconds / warm.seconds, 1.2),
        ("report cold / ripgrep", cold.seconds / ripgrep.seconds, 25.0),
        ("report peak memory (MB)", max(warm.peak_mb, edited.peak_mb, cold.peak_mb), 300.0),
    ]
    print(f"\n{'check':<36} {'measured':>9} {'target':>8}")
    for label, value, target in checks:
        verdict = "ok" if value <= target else "OVER"
        print(f"{label:<36} {value:>9.2f} {target:>8.2f}  {verdict}")
    if args.json:
        args.json.write_text(
            json.dumps({"machine": machine(), "notes": count, "checks": checks}, indent=2)
        )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
