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
        raise OutputError(f"{out} exists and was not written by alwaght-ssg; remove it or choose another --out")
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out} is a file, not a folder")


class Staging:
    """The new output folder while it is being written, beside the old one.

    `write` puts new bytes in; `keep` hard-links a file of the previous
    output (unchanged bytes are never written again); `commit` swaps the
    folder in place of the old one; `abort` removes it.
    """

    def __init__(self, out: Path) -> None:
        self.out = out.resolve()
        self.out.parent.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(self.out)
        self.previous = self.out if (self.out / MARKER).exists() else None
        self.root = self.out.parent / f".{self.out.name}.staging-{os.getpid()}"
        self.root.mkdir()

    def path(self, rel: PurePosixPath) -> Path:
        target = self.root.joinpath(*rel.parts)
        if not target.resolve().is_relative_to(self.root.resolve()):
            raise OutputError(f"refusing to write {rel} outside the output folder")
        return target

    def write(self, rel: PurePosixPath, data: bytes) -> None:
        target = self.path(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)

    def keep(self, rel: PurePosixPath) -> bool:
        """Carry a file over from the previous output unchanged; False when it is not there."""
        if self.previous is None:
            return False
        old = self.previous.joinpath(*rel.parts)
        target = self.path(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(old, target)
        except FileNotFoundError:
            return False
        except OSError:  # a file system without hard links
            try:
                shutil.copy2(old, target)
            except OSError:
                return False
        return True

    def copy_static(self, folders: Iterable[Path]) -> tuple[int, int]:
        """Copy static files (later folders win); files unchanged since the last build are kept.

        Returns how many files there are and how many were written.
        """
        files: dict[PurePosixPath, Path] = {}
        for folder in folders:
            files.update(_static_files(folder))
        written = 0
        for rel, source in sorted(files.items()):
            old = self.previous.joinpath(*rel.parts) if self.previous else None
            if old is not None and _same_copy(source, old) and self.keep(rel):
                continue
            target = self.path(rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)  # keeps the mtime, which tells the next build it is unchanged
            written += 1
        return len(files), written

    def commit(self) -> None:
        (self.root / MARKER).write_text("This folder is written by alwaght-ssg; it is replaced on every build.\n")
        _swap(self.root, self.out)

    def abort(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def publish(
    out: Path,
    pages: Iterable[tuple[PurePosixPath, bytes]],
    static_dirs: Iterable[Path],
) -> WriteStats:
    """Write a whole site at once (no reuse of earlier output)."""
    staging = Staging(out)
    try:
        static, _ = staging.copy_static(static_dirs)
        count = 0
        for rel, data in pages:
            staging.write(rel, data)
            count += 1
        staging.commit()
    except BaseException:
        staging.abort()
        raise
    return WriteStats(count, static)


def _static_files(source: Path) -> dict[PurePosixPath, Path]:
    """Regular files below `source`; hidden files and links that lead outside it are skipped."""
    found: dict[PurePosixPath, Path] = {}
    if not source.is_dir():
        return found
    real = source.resolve()
    for dirpath, dirnames, filenames in os.walk(source):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if name.startswith(".") or not path.is_file() or not path.resolve().is_relative_to(real):
                continue
            found[PurePosixPath(path.relative_to(source).as_posix())] = path
    return found


def static_paths(folders: Iterable[Path]) -> set[PurePosixPath]:
    paths: set[PurePosixPath] = set()
    for folder in folders:
        paths.update(_static_files(folder))
    return paths


def _same_copy(source: Path, old: Path) -> bool:
    try:
        a, b = source.stat(), old.stat()
    except OSError:
        return False
    return a.st_size == b.st_size and a.st_mtime_ns == b.st_mtime_ns


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
