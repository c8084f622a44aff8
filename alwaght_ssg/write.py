"""Rendered pages + static files -> the output folder, as one transaction.

Input: the output folder, the pages' bytes by relative path, the static
folders (default theme first, then the site's, which wins). Output: the new
folder swapped in place of the old one. Everything is written into a staging
folder beside `--out` and swapped in only when complete, so a failed or
interrupted build leaves the previous site whole; deleted content disappears
because nothing carries over from the old folder.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

MARKER = ".alwaght-ssg"


class OutputError(Exception):
    """The output folder cannot be used (a usage problem, not a content one)."""


@dataclass(frozen=True)
class WriteStats:
    pages: int
    static: int


def check_output(out: Path, site_root: Path) -> None:
    """Refuse an --out that would replace the site itself or a folder we did not make."""
    out = out.resolve()
    root = site_root.resolve()
    if root == out or root.is_relative_to(out):
        raise OutputError(f"--out {out} contains the site folder; choose a folder inside it, like public/")
    for inner in ("content", "templates", "static", "data"):
        if out == root / inner or out.is_relative_to(root / inner):
            raise OutputError(f"--out {out} is inside the site's {inner}/ folder; choose another folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise OutputError(
            f"{out} exists and was not written by alwaght-ssg; remove it or choose another --out"
        )
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out} is a file, not a folder")


def publish(
    out: Path,
    pages: Iterable[tuple[PurePosixPath, bytes]],
    static_dirs: Iterable[Path],
) -> WriteStats:
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(out)
    staging = out.parent / f".{out.name}.staging-{os.getpid()}"
    staging.mkdir()
    try:
        static = 0
        for folder in static_dirs:
            static += _copy_tree(folder, staging)
        written = 0
        for rel, data in pages:
            target = staging.joinpath(*rel.parts)
            if not target.resolve().is_relative_to(staging.resolve()):
                raise OutputError(f"refusing to write {rel} outside the output folder")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            written += 1
        (staging / MARKER).write_text(
            "This folder is written by alwaght-ssg; it is replaced on every build.\n"
        )
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return WriteStats(written, static)


def _copy_tree(source: Path, target: Path) -> int:
    """Copy regular files below `source`; links that lead outside it are skipped."""
    if not source.is_dir():
        return 0
    count = 0
    real = source.resolve()
    for dirpath, dirnames, filenames in os.walk(source):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = Path(dirpath) / name
            if not path.resolve().is_relative_to(real) or not path.is_file():
                continue
            dest = target / path.relative_to(source)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest)
            count += 1
    return count


def _swap(staging: Path, out: Path) -> None:
    if not out.exists():
        os.rename(staging, out)
        return
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    os.rename(out, old)
    try:
        os.rename(staging, out)
    except BaseException:
        os.rename(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _remove_leftovers(out: Path) -> None:
    """Staging folders of builds that were killed before they could clean up."""
    if not out.exists():
        # Killed between the two renames of a swap: the old folder is the last good site.
        for old in sorted(out.parent.glob(f".{out.name}.old-*")):
            if (old / MARKER).exists():
                os.rename(old, out)
                break
    for prefix in (f".{out.name}.staging-", f".{out.name}.old-"):
        for path in out.parent.glob(prefix + "*"):
            pid = path.name[len(prefix) :]
            if pid.isdigit() and not _alive(int(pid)):
                shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
