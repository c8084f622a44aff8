"""Most Viewed on big logs: lines per second reading access logs, cold and warm, and peak memory.

python bench/analytics.py [--lines 5000000] [--articles 10000] [--jobs 2] [--keep DIR] [--visitors]

Writes a combined-format log of N lines (a month of traffic over N articles' URLs: readers
following a skewed popularity curve, 12 % bots, 20 % assets, 5 % 404s, query strings) into a
site folder, then times the analytics stage of a build (`analytics.read_views`), each in a
fresh process:

1. cold: no cache;
2. warm: the logs unchanged;
3. grown: 1 % more lines appended to the log (only those are read);
4. cold again on a log a fifth the size, to show that peak memory does not grow with the log.

Each run is timed in a process of its own, then repeated from the same state while the PSS
(resident memory, pages shared between the process and its forked workers counted once in
all) of the process tree is sampled every 20 ms: reading /proc costs CPU, which would slow
the timed run. Peak memory is the largest sampled sum. Rates count the log's real lines
(a kept work folder's log has grown by 1 % per earlier run).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
# Readers' agents as a real log has them: a few hundred versions of a few browsers.
AGENTS = [
    agent.format(major=major, minor=minor)
    for agent in (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/{major}.0.{minor}.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_{minor} like Mac OS X) AppleWebKit/605.1.15 "
        "Version/{major}.{minor} Mobile Safari/604.1",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/{major}.0.{minor}.0 Mobile Safari",
        "Mozilla/5.0 (X11; Linux x86_64; rv:{major}.0) Gecko/20100101 Firefox/{major}.{minor}",
    )
    for major in range(120, 132)
    for minor in range(8)
]
BOTS = ["Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "curl/8.5.0"]


def write_log(path: Path, lines: int, articles: int, seed: int = 1, start_line: int = 0) -> None:
    rng = random.Random(seed + start_line)
    urls = [f"/news/{2024 + i % 3}/{1 + i % 12:02d}/story-number-{i}/" for i in range(articles)]
    popularity = [1.0 / (1 + i) ** 0.9 for i in range(articles)]
    picks = rng.choices(urls, popularity, k=min(lines, 200_000))
    span = 30 * 86400
    with path.open("a", encoding="utf-8") as out:
        batch = []
        for n in range(start_line, start_line + lines):
            when = NOW - timedelta(seconds=span - (n * span // max(lines + start_line, 1)) % span)
            stamp = when.strftime("%d/%b/%Y:%H:%M:%S +0000")
            roll = rng.random()
            agent, status, target = rng.choice(AGENTS), 200, picks[n % len(picks)]
            if roll < 0.12:
                agent = rng.choice(BOTS)
            elif roll < 0.32:
                target = rng.choice(["/css/site.css", "/js/tabs.js", "/images/lead.jpg", "/feed.xml"])
            elif roll < 0.37:
                target, status = "/wp-login.php", 404
            elif roll < 0.45:
                target += "?utm_source=newsletter"
            batch.append(
                f'10.{n % 7}.{n % 251}.{n % 253} - - [{stamp}] "GET {target} HTTP/1.1" {status} 5120 '
                f'"https://www.example.com/" "{agent}"\n'
            )
            if len(batch) == 100_000:
                out.write("".join(batch))
                batch.clear()
        out.write("".join(batch))


def child(site: Path, jobs: int) -> None:
    """Runs in a fresh process: the analytics stage of a build, timed."""
    from alwaght_ssg.analytics import read_views
    from alwaght_ssg.cache import Cache
    from alwaght_ssg.config import load_config
    from alwaght_ssg.problems import Problems

    problems = Problems()
    config = load_config(site, problems)
    assert config is not None
    cache = Cache(site / ".cache")
    start = time.perf_counter()
    views = read_views(site, config, NOW, problems, cache, jobs)
    seconds = time.perf_counter() - start
    cache.close()
    paths = len(views.windows.get("month", {}))
    print(json.dumps({"seconds": seconds, "paths": paths, "problems": [p.format() for p in problems]}))


def measure(site: Path, jobs: int) -> tuple[dict[str, object], float]:
    """The timed run's result, and the peak memory of a second run from the same cache."""
    cache = site / ".cache"
    saved = site / ".cache-before"
    shutil.rmtree(saved, ignore_errors=True)
    if cache.exists():
        shutil.copytree(cache, saved)
    result = json.loads(_child(site, jobs, sample=False)[0])
    shutil.rmtree(cache, ignore_errors=True)
    if saved.exists():
        saved.rename(cache)
    _, peak = _child(site, jobs, sample=True)
    return result, peak / 2**20


def _child(site: Path, jobs: int, sample: bool) -> tuple[str, int]:
    command = [sys.executable, __file__, "--child", str(site), "--jobs", str(jobs)]
    if not sample:
        return subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True).stdout, 0
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_rss(process.pid))
        time.sleep(0.02)
    return process.stdout.read() if process.stdout else "", peak


def _lines(path: Path) -> int:
    with path.open("rb") as log:
        return sum(block.count(b"\n") for block in iter(lambda: log.read(1 << 24), b""))


def _tree_rss(pid: int) -> int:
    total = 0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            with open(f"/proc/{current}/smaps_rollup") as rollup:
                total += next((int(line.split()[1]) * 1024 for line in rollup if line.startswith("Pss:")), 0)
            with open(f"/proc/{current}/task/{current}/children") as children:
                pids += [int(c) for c in children.read().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=5_000_000)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="work folder to keep (and reuse) instead of a temporary one")
    parser.add_argument(
        "--visitors", action="store_true", help="count unique visitors a day (most_viewed.measure: visitors)"
    )
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.jobs)
        return 0
    work = args.keep or Path(tempfile.mkdtemp(prefix="alwaght-bench-analytics-"))
    try:
        rows = []
        for lines in (args.lines, args.lines // 5):
            site = work / (f"site-{lines}-visitors" if args.visitors else f"site-{lines}")
            log = site / "data" / "analytics" / "access.log"
            if not log.exists():
                log.parent.mkdir(parents=True)
                settings = "title: Bench\nbase_url: /\ntimezone: UTC\n"
                if args.visitors:
                    settings += "most_viewed:\n  measure: visitors\n"
                (site / "site.yaml").write_text(settings, encoding="utf-8")
                started = time.perf_counter()
                write_log(log, lines, args.articles)
                size = log.stat().st_size / 2**20
                print(f"wrote {lines:,} lines ({size:.0f} MiB) in {time.perf_counter() - started:.0f} s")
            shutil.rmtree(site / ".cache", ignore_errors=True)
            present = _lines(log)
            runs = [("cold", present)]
            if lines == args.lines:
                runs += [("warm (unchanged)", 0), ("grown by 1 %", lines // 100)]
            for name, read in runs:
                if name.startswith("grown"):
                    write_log(log, read, args.articles, start_line=present)
                result, peak = measure(site, args.jobs)
                seconds = float(result["seconds"])  # type: ignore[arg-type]
                rate = f"{read / seconds / 1e6:.2f} M lines/s" if read else "-"
                rows.append((f"{present:,}", name, f"{seconds:.3f} s", rate, f"{peak:.0f} MiB", result["paths"]))
                print(" | ".join(map(str, rows[-1])), result["problems"] or "", flush=True)
        print("\n| log lines | run | analytics time | lines/s | peak memory (tree) | paths counted |")
        print("|---|---|---|---|---|---|")
        for row in rows:
            print("| " + " | ".join(map(str, row)) + " |")
        print(f"\nmachine: {os.cpu_count()} cores, --jobs {args.jobs}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
