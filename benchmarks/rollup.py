"""Time `ono rollup` over the metrics exports of many generated vaults (issue 19).

    python benchmarks/rollup.py [--vaults 50] [--people 20] [--weeks 100] [--runs 3] [--json FILE]

Makes --vaults vaults with benchmarks/make_vault.py (20 people x 100 weeks = 2,000 meetings
each: 100,000 by default), each sharing insights, exports each with `ono export --metrics`
(timed once, cold, and once warm), then times `ono rollup` over the folder of exports, in
JSON and as a table, and prints the median wall time and the peak memory the OS counted.
For a figure that holds on another machine, each run of `ono rollup` is paired with a
baseline: plain Python reading every line of the exports with json.loads. For comparison it
also times the roll-up that reads the notes themselves, `ono report --vault ... --format json`
over the same vaults, warm (one run: it reads every note).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from make_vault import make_vault  # noqa: E402
from run import compile_ononotes, machine, run_once  # noqa: E402

TODAY = "2026-11-01"


def timed(
    label: str, argv: list[str], env: dict[str, str], runs: int, baseline: list[str] | None = None
) -> dict:
    """The median wall time and the peak memory of ``runs`` runs (after one warm-up); with a
    ``baseline`` command, run in turns with it, the median of the pairs' ratios too (this
    machine's speed drifts: see run.py)."""
    run_once(argv, env)
    pairs = []
    for _ in range(runs):
        base = run_once(baseline, env)[0] if baseline else None
        pairs.append((base, run_once(argv, env)))
    seconds = statistics.median(t for _, (t, _) in pairs)
    peak = max(m for _, (_, m) in pairs)
    result = {"label": label, "seconds": round(seconds, 3), "peak_mb": round(peak, 1)}
    ratio = ""
    if baseline:
        result["ratio"] = round(statistics.median(t / b for b, (t, _) in pairs), 2)
        ratio = f"  {result['ratio']:.2f} x the baseline"
    print(f"  {label:<58} {seconds:7.2f} s  {peak:6.0f} MB{ratio}", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vaults", type=int, default=50)
    parser.add_argument("--people", type=int, default=20)
    parser.add_argument("--weeks", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-report", action="store_true", help="skip the ono report comparison")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    ono = shutil.which("ono", path=os.path.dirname(sys.executable)) or shutil.which("ono")
    if ono is None:
        raise SystemExit("ono is not installed in this environment: pip install '.[org]' first")
    compile_ononotes()
    work = Path(tempfile.mkdtemp(prefix="ono-rollup-bench-"))
    cache, exports = work / "cache", work / "exports"
    exports.mkdir()
    env = {**os.environ, "ONO_TODAY": TODAY, "ONO_CACHE_DIR": str(cache), "NO_COLOR": "1"}
    env.pop("ONO_VAULT", None)
    print(f"machine: {machine()}")

    start = time.perf_counter()
    roots, meetings = [], 0
    for index in range(args.vaults):
        root = work / f"vault-{index:03d}"
        meetings += make_vault(root, args.people, args.weeks, seed=index + 1)
        config = root / "ono.toml"
        config.write_text(
            config.read_text().replace('"manager"', f'"manager-{index % 20:02d}"')
            + "share_insights = true\n"
        )
        roots.append(root)
    print(
        f"{args.vaults} vaults, {meetings} meetings ({args.people} people x {args.weeks} weeks "
        f"each), made in {time.perf_counter() - start:.0f} s; in {work}\n"
    )

    results = []
    start = time.perf_counter()
    peak = 0.0
    for root in roots:
        out = exports / f"{root.name}.jsonl"
        _, memory = run_once(
            [ono, "--vault", str(root), "export", "--metrics", "-o", str(out)], env
        )
        peak = max(peak, memory)
    cold = time.perf_counter() - start
    print(
        f"  {'ono export --metrics, each vault, cold (all ' + str(args.vaults) + ')':<58} {cold:7.2f} s  {peak:6.0f} MB"
    )
    results.append(
        {
            "label": "export --metrics, every vault cold",
            "seconds": round(cold, 3),
            "peak_mb": round(peak, 1),
        }
    )
    results.append(
        timed(
            "ono export --metrics, one vault, warm",
            [ono, "--vault", str(roots[0]), "export", "--metrics", "-o", str(work / "one.jsonl")],
            env,
            args.runs,
        )
    )
    records = sum(1 for path in exports.glob("*.jsonl") for _ in path.open())
    size = sum(path.stat().st_size for path in exports.glob("*.jsonl")) / 1e6
    print(f"  exports: {records} records, {size:.1f} MB")

    # the floor for any checker in Python: reading every line of the exports as JSON
    parse = "import json, pathlib, sys\nfor p in sorted(pathlib.Path(sys.argv[1]).glob('*.jsonl')):\n    for line in p.open(): json.loads(line)\n"
    baseline = [sys.executable, "-c", parse, str(exports)]
    results.append(timed("baseline: python, json.loads of every line", baseline, env, args.runs))
    results.append(
        timed(
            f"ono rollup ({args.vaults} exports) --format json",
            [ono, "rollup", str(exports), "--format", "json"],
            env,
            args.runs,
            baseline,
        )
    )
    results.append(
        timed(
            f"ono rollup ({args.vaults} exports), table",
            [ono, "rollup", str(exports)],
            env,
            args.runs,
        )
    )
    if not args.no_report:
        vault_args = [arg for root in roots for arg in ("--vault", str(root))]
        results.append(
            timed(
                f"ono report --vault x{args.vaults} --format json (warm)",
                [ono, *vault_args, "report", "--format", "json"],
                env,
                1,
            )
        )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "machine": machine(),
                    "vaults": args.vaults,
                    "meetings": meetings,
                    "records": records,
                    "export_mb": round(size, 1),
                    "results": results,
                },
                indent=2,
            )
        )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
