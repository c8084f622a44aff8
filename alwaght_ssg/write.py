"""Rendered pages + static files -> the output folder, as one transaction.

Input: the output folder, the pages' bytes by relative path, the static
folders (default theme first, then the site's, which wins). Output: the new
folder in place of the old one. Everything is written into a staging folder
beside `--out`, never into the served tree, and moved in only when complete,
so a failed or interrupted build leaves the previous site whole; files the
new site no longer has are removed.
"""

from __future__ import annotations

import filecmp
import hashlib
import os
import shutil
import signal
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
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
    """Where a build writes, committed only when the build succeeded.

    Every file the build writes goes into a staging folder beside `--out`, never
    into the served tree. With no previous output, the staging folder is written
    as a whole site and becomes the output folder. With a previous output of
    ours, the changed files are written flat into the staging folder (no folder
    tree to create and remove again) and renamed into place at `commit`, after
    every page has rendered; unchanged files are simply left alone, so a
    rebuild costs what changed, not the site's size. Either way a failed or
    interrupted build leaves the previous site as it was, and a killed build's
    staging folder is removed by the next build.
    """

    def __init__(self, out: Path) -> None:
        self.out = out.resolve()
        self.out.parent.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(self.out)
        self.in_place = (self.out / MARKER).is_file()
        self.root = scratch_folder(self.out, "staging")
        self.root.mkdir()
        self.committed = False  # the new files are in place (the search index may still be old)
        self._prefix = os.path.join(self.out, "")

    def path(self, rel: PurePosixPath) -> Path:
        """Where `rel` is served; refuses anything that would land outside the output folder."""
        target = self.out.joinpath(*rel.parts)
        if not target.resolve().is_relative_to(self.out):
            raise OutputError(f"refusing to write {rel} outside the output folder")
        return target

    def _staged(self, rel: PurePosixPath) -> Path:
        self.path(rel)  # confinement
        return self._flat(rel) if self.in_place else self.root.joinpath(*rel.parts)

    def _flat(self, rel: PurePosixPath) -> Path:
        return self.root / hashlib.blake2b(str(rel).encode(), digest_size=16).hexdigest()

    def write(self, rel: PurePosixPath, data: bytes) -> None:
        staged = self._staged(rel)
        if not self.in_place:
            staged.parent.mkdir(parents=True, exist_ok=True)
        staged.write_bytes(data)

    def keep(self, rel: PurePosixPath) -> bool:
        """Keep the previous output's file unchanged; False when it is not there."""
        # No confinement check needed: nothing is written, and routes are confined already.
        # (Asked for every page of every rebuild: a plain string, not a joined Path.)
        return self.in_place and os.path.isfile(self._prefix + str(rel))

    def copy_static(self, folders: Iterable[Path]) -> tuple[dict[PurePosixPath, bool], list[Path]]:
        """Copy static files (later folders win); files unchanged since the last build are kept.

        Returns each static file with whether it was written, and the source files
        that disappeared between being listed and being copied.
        """
        return self.copy_files(static_sources(folders))

    def copy_files(self, files: Mapping[PurePosixPath, Path]) -> tuple[dict[PurePosixPath, bool], list[Path]]:
        """Copy each file to its output path, keeping those unchanged since the last build.

        Returns each file with whether it was written, and the source files that
        disappeared between being listed and being copied.
        """
        written: dict[PurePosixPath, bool] = {}
        vanished: list[Path] = []
        for rel, source in sorted(files.items()):
            if self.in_place and _same_copy(source, self.path(rel)):
                written[rel] = False
                continue
            staged = self._staged(rel)
            if not self.in_place:
                staged.parent.mkdir(parents=True, exist_ok=True)
            try:
                # copy2 keeps the mtime, which tells the next build the file is unchanged
                shutil.copy2(source, staged)
            except FileNotFoundError:
                vanished.append(source)
                continue
            written[rel] = True
        return written, vanished

    def commit(
        self,
        written: Iterable[PurePosixPath] = (),
        current: set[PurePosixPath] | None = None,
        preserve: tuple[str, ...] = (),
    ) -> None:
        """Make the new site the site. `written` are the files written into the staging
        folder; `current` every file the site now has (others are removed, except in the
        top-level folders named in `preserve`, which another tool maintains).

        Ctrl-C is held back until the renames are done: an interrupted build then
        leaves either the previous site or the new one, never a mix (a kill can,
        for the milliseconds the renames take; the next build completes the set)."""
        with _interrupt_deferred():
            if not self.in_place:
                (self.root / MARKER).write_text(
                    "This folder is written by alwaght-ssg; it is replaced on every build.\n"
                )
                _swap(self.root, self.out)
                self.committed = True
                return
            for rel in written:
                target = self.out.joinpath(*rel.parts)  # confined when it was written
                if not target.parent.is_dir():
                    target.parent.mkdir(parents=True)
                if target.is_dir() and not target.is_symlink():
                    shutil.rmtree(target)
                os.replace(self._flat(rel), target)
            self.committed = True
            shutil.rmtree(self.root, ignore_errors=True)
            if current is not None:
                _remove_stale(self.out, current | {PurePosixPath(MARKER)}, preserve)

    def abort(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def scratch_folder(out: Path, purpose: str) -> Path:
    """A folder beside `out` for this process's unfinished work (`.public.staging-1234`);
    the next build removes it if this process is killed before it can."""
    return out.parent / f".{out.name}.{purpose}-{os.getpid()}"


@contextmanager
def _interrupt_deferred() -> Iterator[None]:
    """Hold a Ctrl-C back for the duration, then deliver it (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if received:
            raise KeyboardInterrupt


def publish(
    out: Path,
    pages: Iterable[tuple[PurePosixPath, bytes]],
    static_dirs: Iterable[Path],
) -> WriteStats:
    """Write a whole site at once (no reuse of earlier output)."""
    staging = Staging(out)
    try:
        static, vanished = staging.copy_static(static_dirs)
        if vanished:
            raise OutputError(f"{vanished[0]} disappeared while it was being copied")
        written = [rel for rel, was_written in static.items() if was_written]
        for rel, data in pages:
            staging.write(rel, data)
            written.append(rel)
        staging.commit(written, set(written) | set(static))
    except BaseException:
        staging.abort()
        raise
    return WriteStats(len(written) - sum(static.values()), len(static))


def _static_files(source: Path, skip: frozenset[str] = frozenset()) -> dict[PurePosixPath, Path]:
    """Regular files below `source`; hidden files, links that lead outside it and the
    top-level entries named in `skip` are left out."""
    found: dict[PurePosixPath, Path] = {}
    if not source.is_dir():
        return found
    real = source.resolve()
    for dirpath, dirnames, filenames in os.walk(source):
        top = dirpath == str(source)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and not (top and d in skip))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if name.startswith(".") or (top and name in skip):
                continue
            if not path.is_file() or not path.resolve().is_relative_to(real):
                continue
            found[PurePosixPath(path.relative_to(source).as_posix())] = path
    return found


def static_sources(
    folders: Iterable[Path], skip: Mapping[Path, frozenset[str]] | None = None
) -> dict[PurePosixPath, Path]:
    """Every static file by its output path; later folders win. `skip`: top-level
    entries to leave out, by folder."""
    files: dict[PurePosixPath, Path] = {}
    for folder in folders:
        files.update(_static_files(folder, (skip or {}).get(folder, frozenset())))
    return files


def _same_copy(source: Path, old: Path) -> bool:
    """The same size and mtime (copy2 keeps the mtime), or failing that the same bytes:
    a processed image made again after the cache was cleared has a new mtime only."""
    try:
        a, b = source.stat(), old.stat()
    except OSError:
        return False
    if a.st_size != b.st_size:
        return False
    if a.st_mtime_ns == b.st_mtime_ns:
        return True
    try:
        return filecmp.cmp(source, old, shallow=False)
    except OSError:
        return False


def _swap(staging: Path, out: Path) -> None:
    if not out.exists():
        os.rename(staging, out)
        return
    old = scratch_folder(out, "old")
    os.rename(out, old)
    try:
        os.rename(staging, out)
    except BaseException:
        os.rename(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _remove_leftovers(out: Path) -> None:
    """Scratch folders of builds that were killed before they could clean up."""
    if not out.exists():
        # Killed between the two renames of a swap: the old folder is the last good site.
        for old in sorted(out.parent.glob(f".{out.name}.old-*")):
            if (old / MARKER).exists():
                os.rename(old, out)
                break
    for path in out.parent.glob(f".{out.name}.*-*"):
        pid = path.name.rpartition("-")[2]
        if path.is_dir() and pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)


def _remove_stale(out: Path, current: set[PurePosixPath], preserve: tuple[str, ...] = ()) -> None:
    """Files of the previous site that the new one no longer has, and folders left empty."""
    for dirpath, _, filenames in os.walk(out, topdown=False):
        folder = Path(dirpath)
        rel_folder = PurePosixPath(folder.relative_to(out).as_posix())
        if rel_folder.parts and (rel_folder.parts[0] in preserve or rel_folder.parts[0].startswith(".")):
            continue
        for name in filenames:
            if rel_folder / name not in current:
                (folder / name).unlink()
        if folder != out and not any(folder.iterdir()):
            folder.rmdir()


def _alive(pid: int) -> bool:
    """Whether a process may still use its scratch folder; this one counts too (the dev
    server indexes for search in the background while it rebuilds)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
