"""The search index: Pagefind run over the built site.

Input: the output folder, after its pages are in place. Output: the index in
`pagefind/` (Pagefind's bundled binary indexes the articles' bodies, marked
`data-pagefind-body` by the theme), built into a temporary folder and swapped
in whole, or a message saying why it could not be built.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

FOLDER = "pagefind"
TIMEOUT = 600


def build_index(out: Path, started: Callable[[subprocess.Popen[str]], None] | None = None) -> str | None:
    """Index `out`; None when done, else what went wrong (the old index stays).

    `started` receives the running indexer, so that a server shutting down can stop it.
    """
    fresh = out / f".{FOLDER}-new-{os.getpid()}"
    shutil.rmtree(fresh, ignore_errors=True)
    command = [sys.executable, "-m", "pagefind", "--site", str(out), "--output-path", str(fresh), "--quiet"]
    try:
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if started:
            started(proc)
        stdout, stderr = proc.communicate(timeout=TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as exc:
        shutil.rmtree(fresh, ignore_errors=True)
        return f"search index not rebuilt: {exc}"
    if proc.returncode != 0 or not (fresh / "pagefind.js").is_file():
        shutil.rmtree(fresh, ignore_errors=True)
        detail = (stderr or stdout).strip().splitlines()
        return "search index not rebuilt: " + (detail[-1] if detail else f"pagefind exited {proc.returncode}")
    old = out / f".{FOLDER}-old-{os.getpid()}"
    target = out / FOLDER
    if target.exists():
        os.rename(target, old)
    os.rename(fresh, target)
    shutil.rmtree(old, ignore_errors=True)
    return None
