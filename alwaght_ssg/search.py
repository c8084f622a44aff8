"""The search index: Pagefind run over the built site.

Input: the output folder, after its pages are in place. Output: the index in
`pagefind/` (Pagefind's bundled binary indexes the articles' bodies, marked
`data-pagefind-body` by the theme), or a message saying why it could not be
built. Pagefind writes into a scratch folder beside the output folder, never
into the served tree; its files are then moved into `pagefind/` one by one,
the content-hashed data first and the entry file that names them last, so the
served index is whole at every moment, even if the build is killed half way.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from .write import scratch_folder

FOLDER = "pagefind"
TIMEOUT = 600
ENTRY = ("pagefind.js", "pagefind-entry.json")  # what a reader's browser loads first; it names the rest


def build_index(out: Path, started: Callable[[subprocess.Popen[str]], None] | None = None) -> str | None:
    """Index `out`; None when done, else what went wrong (the old index stays).

    `started` receives the running indexer, so that a server shutting down can stop it.
    """
    fresh = scratch_folder(out, FOLDER)
    shutil.rmtree(fresh, ignore_errors=True)
    command = [sys.executable, "-m", "pagefind", "--site", str(out), "--output-path", str(fresh), "--quiet"]
    proc: subprocess.Popen[str] | None = None
    try:
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if started:
            started(proc)
        stdout, stderr = proc.communicate(timeout=TIMEOUT)
        if proc.returncode != 0 or not (fresh / "pagefind.js").is_file():
            detail = (stderr or stdout).strip().splitlines()
            return "search index not rebuilt: " + (detail[-1] if detail else f"pagefind exited {proc.returncode}")
        _move_in(fresh, out / FOLDER)
        return None
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"search index not rebuilt: {exc}"
    finally:  # also on Ctrl-C: the indexer must not write on after the build has gone
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()
        shutil.rmtree(fresh, ignore_errors=True)


def _move_in(fresh: Path, target: Path) -> None:
    """Replace the index in `target` with the one in `fresh`, file by file."""
    files = sorted(p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file())
    last = [f for f in files if f.as_posix() in ENTRY]
    for rel in [f for f in files if f.as_posix() not in ENTRY] + last:
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(fresh / rel, dest)
    keep = set(files)
    for dirpath, _, filenames in os.walk(target, topdown=False):
        folder = Path(dirpath)
        for name in filenames:
            if (folder / name).relative_to(target) not in keep:
                (folder / name).unlink()
        if folder != target and not any(folder.iterdir()):
            folder.rmdir()
