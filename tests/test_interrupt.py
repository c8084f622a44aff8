"""Interrupted builds: Ctrl-C (SIGINT) and SIGKILL at many points of a real build.

A generated site of a few hundred articles is built once; then its title
changes in site.yaml, so the next build rewrites nearly every page, and that
build (`python -m alwaght_ssg build`, a real process with its worker pool and
the Pagefind indexer) is interrupted. The signal is delivered when the build is
seen to reach a point, not after a guessed delay: the libraries loading (numpy
mapped into the process), the staging folder appearing beside `--out`, half the
pages rendered into it, the first page renamed into place, the search indexer's
scratch folder appearing.

After every interruption, whatever the moment:
- the served folder holds only whole files, each either its old bytes or its
  new bytes, and every file the new site still has is there (a kill during the
  renames may leave some pages new and some old: the documented window);
- Ctrl-C leaves no mix at all: the old site or the new one, a one-line message
  that says which, exit status 130, no traceback, no scratch folder left;
- the next build succeeds, gives exactly what a clean build gives, and leaves
  no staging or scratch folder beside `--out`.

Linux only: the build is watched through /proc (mapped libraries, process groups).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import REPO, run_cli, tree

pytestmark = pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="watches the build through /proc")

NOW = "2026-11-26T12:00:00Z"
ARTICLES = 200
SECTIONS = ("news", "report", "analysis", "interview", "opinion")
SITE_FILES = [".cache", "content", "public", "site.yaml"]
INTERRUPTED = "alwaght-ssg: interrupted; the previous output is unchanged"
INTERRUPTED_EARLY = "alwaght-ssg: interrupted; nothing was written"
INTERRUPTED_LATE = "alwaght-ssg: interrupted after the new pages were in place; build again to finish"


def _generate(site: Path) -> None:
    (site / "content" / "articles").mkdir(parents=True)
    (site / "site.yaml").write_text("title: Harbour Desk\nbase_url: https://news.example.org/\ntimezone: UTC\n")
    for i in range(ARTICLES):
        (site / "content" / "articles" / f"story-{i:03d}.md").write_text(
            f"---\ntitle: Story number {i}\ndate: 2026-{1 + i % 11:02d}-{1 + i % 27:02d} 09:00\n"
            f"section: {SECTIONS[i % 5]}\ntags: [tag-{i % 17}, tag-{i % 5}]\n---\n\n"
            f"Lead paragraph {i} about the harbour and the council.\n\nA second paragraph.\n"
        )


def _edit(site: Path) -> None:
    """A new site title (every page shows it) and a new headline (the search index holds it)."""
    config = site / "site.yaml"
    config.write_text(config.read_text().replace("Harbour Desk", "Harbour Desk Daily"))
    story = site / "content" / "articles" / "story-007.md"
    story.write_text(story.read_text().replace("Story number 7", "Ferry service resumes"))


def _files(folder: Path) -> dict[str, bytes]:
    return {rel: data for rel, data in tree(folder).items() if isinstance(data, bytes)}


@dataclass(frozen=True)
class Sites:
    built: Path  # the site after a good build: site.yaml, content/, public/, .cache/
    old: dict[str, bytes]  # its public/
    new: dict[str, bytes]  # a clean build of the edited site


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Sites:
    base = tmp_path_factory.mktemp("interrupt")
    built, clean = base / "built", base / "clean"
    _generate(built)
    result = run_cli("build", "--site", built, "--now", NOW)
    assert result.returncode == 0, result.stderr
    _generate(clean)
    _edit(clean)
    result = run_cli("build", "--site", clean, "--now", NOW)
    assert result.returncode == 0, result.stderr
    sites = Sites(built, _files(built / "public"), _files(clean / "public"))
    index = [rel for rel in sites.new if rel.startswith("pagefind/")]
    assert any(sites.old.get(rel) != sites.new[rel] for rel in index), "the edit must change the search index"
    return sites


# ---------------------------------------------------------------- watching the build


@dataclass(frozen=True)
class Build:
    proc: subprocess.Popen[str]
    site: Path
    home_inode: int  # of the previous public/index.html
    half: int  # half the files this build writes

    def staging(self) -> Path | None:
        return next(iter(self.site.glob(".public.staging-*")), None)


def _loading(build: Build) -> bool:
    return "numpy" in Path(f"/proc/{build.proc.pid}/maps").read_text()


def _rendering(build: Build) -> bool:
    return build.staging() is not None


def _half_rendered(build: Build) -> bool:
    staging = build.staging()
    try:
        return staging is not None and len(os.listdir(staging)) >= build.half
    except FileNotFoundError:
        return False


def _committing(build: Build) -> bool:
    """The home page is the first file renamed into place."""
    return (build.site / "public" / "index.html").stat().st_ino != build.home_inode


def _indexing(build: Build) -> bool:
    return any(build.site.glob(".public.pagefind-*"))


POINTS: dict[str, Callable[[Build], bool]] = {
    "loading": _loading,
    "rendering": _rendering,
    "half-rendered": _half_rendered,
    "committing": _committing,
    "indexing": _indexing,
}


def _wait_for(build: Build, name: str) -> None:
    """Poll until the build is seen at `name`; it must not finish first."""
    deadline = time.monotonic() + 120
    while not POINTS[name](build):
        assert build.proc.poll() is None, f"the build ended before it was seen {name}:\n{build.proc.communicate()[1]}"
        assert time.monotonic() < deadline, f"the build was never seen {name}"
        time.sleep(0.001)


def _group_alive(pgid: int) -> bool:
    """Whether any process of the build's group (workers, the indexer) still runs."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


def _wait_group_gone(pgid: int) -> None:
    deadline = time.monotonic() + 60
    while _group_alive(pgid):
        assert time.monotonic() < deadline, "processes of the killed build are still running"
        time.sleep(0.01)


# ---------------------------------------------------------------- the assertions


def _served_is_whole(public: Path, sites: Sites) -> dict[str, bytes]:
    now = tree(public)
    assert all(isinstance(v, bytes) or v == "folder" for v in now.values()), "a link appeared in the output"
    files = _files(public)
    for rel, data in files.items():
        assert rel in sites.old or rel in sites.new, f"{rel} is neither an old nor a new file (a temporary?)"
        assert data in (sites.old.get(rel), sites.new.get(rel)), f"{rel} is neither its old nor its new bytes"
    missing = sorted(rel for rel in sites.old.keys() & sites.new.keys() if rel not in files)
    assert missing == [], "files of the previous site are gone"
    # The search index is whole: the entry file names a language index that is there.
    entry = json.loads(files["pagefind/pagefind-entry.json"])
    for language in entry["languages"].values():
        assert f"pagefind/pagefind.{language['hash']}.pf_meta" in files
    return files


def _next_build_equals_a_clean_one(site: Path, sites: Sites) -> None:
    result = run_cli("build", "--site", site, "--now", NOW)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    got = _files(site / "public")
    assert sorted(got.keys() ^ sites.new.keys()) == []
    assert [rel for rel in sorted(got) if got[rel] != sites.new[rel]] == []
    assert sorted(p.name for p in site.iterdir()) == SITE_FILES, "staging or scratch folders piled up"


def _start(tmp_path: Path, sites: Sites) -> Build:
    site = tmp_path / "site"
    shutil.copytree(sites.built, site, symlinks=True)
    _edit(site)
    command = [sys.executable, "-m", "alwaght_ssg", "build", "--site", str(site), "--now", NOW, "--jobs", "2"]
    env = {**os.environ, "CI": "1"}  # no progress bar
    proc = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    return Build(proc, site, (site / "public" / "index.html").stat().st_ino, _changed(sites) // 2)


def _changed(sites: Sites) -> int:
    """How many files a build of the edited site writes (the search index is written apart)."""
    return sum(sites.old.get(rel) != data for rel, data in sites.new.items() if not rel.startswith("pagefind/"))


@pytest.mark.parametrize("point", ["loading", "half-rendered", "committing", "indexing"])
def test_ctrl_c_leaves_the_old_site_or_the_new_one(point: str, tmp_path: Path, sites: Sites) -> None:
    build = _start(tmp_path, sites)
    proc, site = build.proc, build.site
    _wait_for(build, point)
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole foreground group
    stdout, stderr = proc.communicate(timeout=60)
    _wait_group_gone(proc.pid)

    assert "Traceback" not in stdout + stderr and "Exception" not in stderr, stderr
    files = _served_is_whole(site / "public", sites)
    pages = [rel for rel in sites.old if not rel.startswith("pagefind/")]
    old = all(files[rel] == sites.old[rel] for rel in pages)
    new = all(files[rel] == sites.new[rel] for rel in pages)
    assert old != new, "Ctrl-C left some pages old and some new"
    lines = stderr.splitlines()
    if old:
        assert lines in ([INTERRUPTED], [INTERRUPTED_EARLY]), stderr
    else:
        assert lines == [INTERRUPTED_LATE], stderr
    # 130, or killed by SIGINT itself (Python re-raises an interrupt that reached C code
    # while a library loaded); a shell shows both as 130.
    assert proc.returncode in (130, -signal.SIGINT), stderr
    assert sorted(p.name for p in site.iterdir()) == SITE_FILES, "Ctrl-C left a scratch folder"

    _next_build_equals_a_clean_one(site, sites)


@pytest.mark.parametrize("point", ["rendering", "committing", "indexing"])  # half-rendered: the test below
def test_sigkill_leaves_only_whole_files(point: str, tmp_path: Path, sites: Sites) -> None:
    build = _start(tmp_path, sites)
    proc, site = build.proc, build.site
    _wait_for(build, point)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)
    _wait_group_gone(proc.pid)

    assert proc.returncode == -signal.SIGKILL
    _served_is_whole(site / "public", sites)
    leftovers = [p.name for p in site.iterdir() if p.name not in SITE_FILES]
    assert all(name.startswith(".public.") and name.endswith(f"-{proc.pid}") for name in leftovers), leftovers

    _next_build_equals_a_clean_one(site, sites)


def test_workers_stop_when_the_build_alone_is_killed(tmp_path: Path, sites: Sites) -> None:
    """As the kernel's out-of-memory killer does: only the main process dies. Its workers
    must stop (each at its next page) rather than go on writing into the staging folder
    of a build that is gone, and the next build removes that folder."""
    build = _start(tmp_path, sites)
    proc, site = build.proc, build.site
    _wait_for(build, "half-rendered")
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)
    _wait_group_gone(proc.pid)

    changed = _changed(sites)
    staged = len(os.listdir(site / f".public.staging-{proc.pid}"))
    assert staged < changed, f"workers went on rendering: {staged} of {changed} changed pages staged"
    _served_is_whole(site / "public", sites)
    _next_build_equals_a_clean_one(site, sites)


@pytest.mark.parametrize("point", ["half-rendered", "indexing"])
def test_sigterm_stops_the_build_as_ctrl_c_does(point: str, tmp_path: Path, sites: Sites) -> None:
    """A cancelled or timed-out CI job: SIGTERM to the build alone, not to its group."""
    build = _start(tmp_path, sites)
    proc, site = build.proc, build.site
    _wait_for(build, point)
    os.kill(proc.pid, signal.SIGTERM)
    stdout, stderr = proc.communicate(timeout=60)
    _wait_group_gone(proc.pid)

    assert "Traceback" not in stdout + stderr, stderr
    assert proc.returncode == 128 + signal.SIGTERM, stderr
    files = _served_is_whole(site / "public", sites)
    pages = [rel for rel in sites.old if not rel.startswith("pagefind/")]
    if point == "half-rendered":
        assert stderr.splitlines() == ["alwaght-ssg: terminated; the previous output is unchanged"]
        assert all(files[rel] == sites.old[rel] for rel in pages)
    else:
        assert stderr.splitlines() == [
            "alwaght-ssg: terminated after the new pages were in place; build again to finish"
        ]
        assert all(files[rel] == sites.new[rel] for rel in pages)
    assert sorted(p.name for p in site.iterdir()) == SITE_FILES, "SIGTERM left a scratch folder"
    _next_build_equals_a_clean_one(site, sites)


# ---------------------------------------------------------------- Ctrl-C while the libraries load

# Installed through `sitecustomize` in the command's process: Ctrl-C arrives exactly when
# the command starts importing Jinja, before any of our work has begun.
_CTRL_C_ON_IMPORT = """
import os, signal, sys

def _hook(event, args):
    if event == "import" and args[0] == "jinja2":
        os.kill(os.getpid(), signal.SIGINT)

sys.addaudithook(_hook)
"""


@pytest.mark.parametrize("way", ["python -m alwaght_ssg", "alwaght-ssg", "python build.py"])
def test_ctrl_c_while_the_libraries_load_is_one_line(way: str, tmp_path: Path) -> None:
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(_CTRL_C_ON_IMPORT)
    out = tmp_path / "out"
    options = ["--out", str(out), "--now", NOW]
    script = Path(sys.executable).parent / "alwaght-ssg"
    commands = {
        "python -m alwaght_ssg": [sys.executable, "-m", "alwaght_ssg", "build", "--site", str(REPO), *options],
        "alwaght-ssg": [str(script), "build", "--site", str(REPO), *options],
        "python build.py": [sys.executable, "build.py", *options],
    }
    assert script.exists(), "the console script is installed beside the interpreter"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(hook), os.environ.get("PYTHONPATH", "")]), "CI": "1"}
    result = subprocess.run(commands[way], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert result.stderr.splitlines() == [INTERRUPTED_EARLY], result.stderr
    assert result.returncode == 130
    assert not out.exists()
