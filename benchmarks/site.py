"""The HTML site on the benchmark vault: its size budgets and how long it takes.

    python benchmarks/site.py [--people 200] [--weeks 104]

Generates the vault (make_vault.py, seed 1), then writes ``ono report --site DIR`` cold (an
empty parse cache) and warm, and the one-file dashboard, as of 2026-11-01 (benchmarks/run.py's
day). Prints each time and the sizes; exits 1 when the index is over 1.5 MB or a person's page
over 300 KB (issue #18).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_vault import make_vault  # noqa: E402

TODAY = "2026-11-01"
INDEX_BUDGET = 1_500_000
PERSON_BUDGET = 300_000


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--weeks", type=int, default=104)
    args = parser.parse_args()
    ono = shutil.which("ono", path=os.path.dirname(sys.executable)) or shutil.which("ono")
    if ono is None:
        raise SystemExit("ono is not installed in this environment: pip install . first")
    work = Path(tempfile.mkdtemp(prefix="ono-site-"))
    vault, site, cache = work / "vault", work / "site", work / "cache"
    count = make_vault(vault, args.people, args.weeks, seed=1)
    site.mkdir()
    env = {**os.environ, "ONO_TODAY": TODAY, "ONO_CACHE_DIR": str(cache)}
    env.pop("ONO_VAULT", None)
    report = [ono, "--vault", str(vault), "report"]
    print(f"{count} notes, {args.people} people, as of {TODAY}, in {work}")
    print(f"site, cold:          {timed([*report, '--site', str(site)], env):6.1f} s")
    print(f"site, warm:          {timed([*report, '--site', str(site)], env):6.1f} s")
    one_file = work / "dashboard.html"
    print(
        f"one-file dashboard:  {timed([*report, '--format', 'html', '-o', str(one_file)], env):6.1f} s"
    )
    index = (site / "index.html").stat().st_size
    pages = sorted((site / "people").glob("*.html"), key=lambda p: p.stat().st_size)
    largest = pages[-1].stat().st_size
    print(f"index.html:          {index / 1000:7.0f} KB (budget {INDEX_BUDGET // 1000} KB)")
    print(
        f"largest person page: {largest / 1000:6.0f} KB, {pages[-1].name} "
        f"(budget {PERSON_BUDGET // 1000} KB); median {pages[len(pages) // 2].stat().st_size / 1000:.0f} KB"
    )
    print(f"one-file dashboard:  {one_file.stat().st_size / 1000:7.0f} KB")
    shutil.rmtree(work, ignore_errors=True)
    if index > INDEX_BUDGET or largest > PERSON_BUDGET:
        raise SystemExit("over budget")


if __name__ == "__main__":
    main()
