"""alwaght_ssg beside Hugo and Pelican on one generated corpus: cold build, a rebuild
after editing one article, a rebuild with nothing changed, and peak memory.

    python bench/compare.py [--articles 10000] [--tools alwaght,hugo,pelican] [--keep]

The corpus comes from bench/corpus.py (the same articles, titles, dates, tags,
topics and sections for every tool). Each tool gets the nearest equivalent
site: Hugo with a `topics` taxonomy and related content computed from tags
and topics, Pelican with its bundled "simple" theme, sections as categories
and its content cache on; pagination 20 and feeds off everywhere; alwaght
with its default theme, search off (neither other tool builds a search
index). Every run is a new process; the tools take turns on the same
machine. Peak memory is the largest sum of the resident memory of the tool's
whole process tree, sampled from /proc every 50 ms. Run by hand, never as a
test: the figures depend on the machine and on what else it is doing.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import Article, body, make_articles, write_alwaght

NOW = "2026-11-26T12:00:00Z"
TIMEOUT = 3600


@dataclass
class Run:
    seconds: float
    peak_mib: float
    written: str = ""


def _tree_rss(root: int) -> int:
    """Resident bytes of a process and all its descendants."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            fields = stat.rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def measure(command: list[str], cwd: Path) -> tuple[Run, str]:
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss(proc.pid))
        if time.perf_counter() - start > TIMEOUT:
            proc.kill()
            raise SystemExit(f"{command[0]} ran longer than {TIMEOUT} s")
        time.sleep(0.05)
    output = proc.stdout.read() if proc.stdout else ""
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{output[-3000:]}")
    return Run(seconds, peak / 1048576), output


def write_hugo(root: Path, articles: list[Article]) -> None:
    (root / "layouts" / "_default").mkdir(parents=True)
    (root / "hugo.toml").write_text(
        'baseURL = "https://bench.example.org/"\ntitle = "Benchmark Desk"\n'
        'disableKinds = ["RSS", "sitemap", "robotsTXT"]\n'
        "[pagination]\n  pagerSize = 20\n"
        '[taxonomies]\n  tag = "tags"\n  topic = "topics"\n'
        "[related]\n  includeNewer = true\n  threshold = 20\n  toLower = false\n"
        '  [[related.indices]]\n    name = "topics"\n    weight = 300\n'
        '  [[related.indices]]\n    name = "tags"\n    weight = 100\n',
        encoding="utf-8",
    )
    layouts = root / "layouts" / "_default"
    (layouts / "baseof.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>'
        '<body>{{ block "main" . }}{{ end }}</body></html>\n'
    )
    (layouts / "single.html").write_text(
        '{{ define "main" }}<article><h1>{{ .Title }}</h1><time>{{ .Date.Format "Monday 2 January 2006" }}</time>'
        "{{ .Content }}<ul>{{ range .Params.tags }}<li>{{ . }}</li>{{ end }}</ul>"
        "<h2>Related</h2><ul>{{ range first 5 (.Site.RegularPages.Related .) }}"
        '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></article>{{ end }}\n'
    )
    (layouts / "list.html").write_text(
        '{{ define "main" }}<h1>{{ .Title }}</h1>{{ $p := .Paginate .Pages }}{{ range $p.Pages }}'
        '<p><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Summary }}</p>{{ end }}'
        '{{ with $p.Next }}<a href="{{ .URL }}">Older</a>{{ end }}{{ end }}\n'
    )
    (root / "layouts" / "index.html").write_text(
        '{{ define "main" }}{{ range first 10 .Site.RegularPages }}<p><a href="{{ .RelPermalink }}">'
        "{{ .Title }}</a></p>{{ end }}{{ end }}\n"
    )
    for a in articles:
        folder = root / "content" / a.section
        folder.mkdir(parents=True, exist_ok=True)
        tags = ", ".join(f'"{t}"' for t in a.tags)
        topics = ", ".join(f'"{t}"' for t in a.topics)
        (folder / f"{a.slug}.md").write_text(
            f'---\ntitle: "{a.title}"\ndate: {a.date:%Y-%m-%dT%H:%M:%S}Z\ntags: [{tags}]\n'
            f"topics: [{topics}]\n---\n{body(a)}\n",
            encoding="utf-8",
        )


def write_pelican(root: Path, articles: list[Article]) -> None:
    (root / "content").mkdir(parents=True)
    (root / "pelicanconf.py").write_text(
        'SITENAME = "Benchmark Desk"\nSITEURL = ""\nPATH = "content"\nTIMEZONE = "UTC"\n'
        'THEME = "simple"\nDEFAULT_PAGINATION = 20\nLOAD_CONTENT_CACHE = True\nCACHE_CONTENT = True\n'
        'CACHE_PATH = "cache"\nDELETE_OUTPUT_DIRECTORY = False\n'
        "FEED_ALL_ATOM = None\nCATEGORY_FEED_ATOM = None\nTRANSLATION_FEED_ATOM = None\n"
        "AUTHOR_FEED_ATOM = None\nAUTHOR_FEED_RSS = None\n",
        encoding="utf-8",
    )
    for a in articles:
        folder = root / "content" / f"{a.date:%Y}" / f"{a.date:%m}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{a.slug}.md").write_text(
            f"Title: {a.title}\nDate: {a.date:%Y-%m-%d %H:%M}\nCategory: {a.section}\nTags: {', '.join(a.tags)}\n"
            f"Slug: {a.slug}\n\n{body(a)}\n",
            encoding="utf-8",
        )


def _edit(path: Path) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\nA line added by the benchmark's one-article edit.\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--tools", default="alwaght,hugo,pelican")
    parser.add_argument("--keep", action="store_true", help="keep the generated sites")
    args = parser.parse_args()
    tools = args.tools.split(",")
    work = Path(tempfile.mkdtemp(prefix="alwaght-bench-"))
    articles = make_articles(args.articles, seed=1)
    old = articles[len(articles) // 3]  # an old article: not in any "latest" list
    hugo = shutil.which("hugo")
    hugo_binary = str(Path(__import__("hugo").__path__[0]) / "binaries" / "hugo") if hugo else ""
    sites = {
        "alwaght": (work / "alwaght", [sys.executable, "-m", "alwaght_ssg", "build", "--site", ".", "--now", NOW]),
        "hugo": (work / "hugo", [hugo_binary, "--quiet", "--destination", "public"]),
        "pelican": (
            work / "pelican",
            [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", "output", "-q"],
        ),
    }
    write_alwaght(sites["alwaght"][0], articles)
    with (sites["alwaght"][0] / "site.yaml").open("a", encoding="utf-8") as handle:
        handle.write("search:\n  enabled: false\n")
    write_hugo(sites["hugo"][0], articles)
    write_pelican(sites["pelican"][0], articles)
    edited = {
        "alwaght": sites["alwaght"][0]
        / "content"
        / "articles"
        / f"{old.date:%Y}"
        / f"{old.date:%m}"
        / f"{old.slug}.md",
        "hugo": sites["hugo"][0] / "content" / old.section / f"{old.slug}.md",
        "pelican": sites["pelican"][0] / "content" / f"{old.date:%Y}" / f"{old.date:%m}" / f"{old.slug}.md",
    }
    results: dict[str, dict[str, Run]] = {tool: {} for tool in tools}
    for step in ("cold", "one edit", "no change"):
        for tool in tools:  # the tools take turns at each step
            root, command = sites[tool]
            if step == "one edit":
                _edit(edited[tool])
            run, output = measure(command, root)
            found = re.search(r"\((\d+) written", output)
            run.written = found.group(1) if found else ""
            results[tool][step] = run
            print(f"{tool:8} {step:10} {run.seconds:7.1f} s {run.peak_mib:7.0f} MiB {run.written}", flush=True)
    print()
    print(
        "| tool | cold (s) | one-edit rebuild (s) | no-change rebuild (s) | peak memory (MiB) | files written (edit / none) |"
    )
    print("|---|---|---|---|---|---|")
    for tool in tools:
        r = results[tool]
        peak = max(x.peak_mib for x in r.values())
        written = f"{r['one edit'].written or '–'} / {r['no change'].written or '–'}"
        print(
            f"| {tool} | {r['cold'].seconds:.1f} | {r['one edit'].seconds:.1f} | {r['no change'].seconds:.1f} | {peak:.0f} | {written} |"
        )
    if "alwaght" in results:
        a = results["alwaght"]
        for other in ("hugo", "pelican"):
            if other in results:
                o = results[other]
                print(
                    f"alwaght / {other}: cold {a['cold'].seconds / o['cold'].seconds:.2f}, "
                    f"one edit {a['one edit'].seconds / o['one edit'].seconds:.2f}, "
                    f"no change {a['no change'].seconds / o['no change'].seconds:.2f}"
                )
    if args.keep:
        print(f"sites kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
