"""How long an editor waits: from saving an article to the dev server announcing the reload.

    python bench/serve_reload.py [--site DIR] [--edits 5]

Copies the site (default: this repository's example site) to a temporary
folder, starts `alwaght-ssg serve` on a free loopback port, follows its
Server-Sent Events, then edits one article's body N times, timing each save
to the `reload` event. Prints each time and the median. Run by hand; the
figures depend on the machine and what else it is doing.
"""

from __future__ import annotations

import argparse
import http.client
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
START = re.compile(r"at http://127\.0\.0\.1:(\d+)/")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, default=REPO)
    parser.add_argument("--edits", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="alwaght-bench-serve-"))
    site = work / "site"
    ignore = shutil.ignore_patterns("public", ".cache", ".git", "tests", "bench", "alwaght_ssg", "*.egg-info")
    shutil.copytree(args.site, site, ignore=ignore)
    article = sorted((site / "content" / "articles").rglob("*.md"))[len(list((site / "content").rglob("*.md"))) // 3]
    proc = subprocess.Popen(
        [sys.executable, "-m", "alwaght_ssg", "serve", "--site", str(site), "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        started = time.perf_counter()
        port = None
        for line in proc.stderr:
            match = START.search(line)
            if match:
                port = int(match.group(1))
                break
        if port is None:
            raise SystemExit("the server did not start")
        print(f"server ready after {time.perf_counter() - started:.1f} s (first build included)")
        said: list[str] = []  # the server's lines, kept (and the pipe drained)
        threading.Thread(target=lambda: said.extend(proc.stderr or ()), daemon=True).start()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        connection.request("GET", "/__alwaght/events?since=1")
        events = connection.getresponse()
        times = []
        for n in range(args.edits):
            text = article.read_text(encoding="utf-8")
            saved = time.perf_counter()
            article.write_text(text + f"\nAn added line, edit {n}.\n", encoding="utf-8")
            for raw in events:
                if raw.strip() == b"event: reload":
                    times.append(time.perf_counter() - saved)
                    break
            time.sleep(0.5)  # let the editor's next save be a separate burst
        builds = [line.strip() for line in said if " written in " in line][-len(times) :]
        for n, seconds in enumerate(times, 1):
            build = f" (server: {builds[n - 1]})" if len(builds) == len(times) else ""
            print(f"edit {n}: {seconds * 1000:.0f} ms from save to reload{build}")
        print(f"median of {len(times)}: {statistics.median(times) * 1000:.0f} ms ({article.relative_to(site)})")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
