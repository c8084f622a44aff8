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
import re
import shutil
from collections.abc import Iterable
from contextlib import suppress
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

    With no previous output, a fresh folder is written beside `--out` and
    swapped in whole. With a previous output of ours, changed files are
    written next to their targets under temporary names and renamed into
    place at `commit`, after every page has rendered; unchanged files are
    simply left alone, so a rebuild costs what changed, not the site's size.
    Either way a failed or interrupted build leaves the previous site as it
    was (temporary files are removed by `abort` or by the next build).
    """

    def __init__(self, out: Path) -> None:
        self.out = out.resolve()
        self.out.parent.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(self.out)
        self.in_place = (self.out / MARKER).is_file()
        self.pid = os.getpid()
        if self.in_place:
            self.root = self.out
        else:
            self.root = self.out.parent / f".{self.out.name}.staging-{self.pid}"
            self.root.mkdir()
        self._prefix = os.path.join(self.root, "")

    def path(self, rel: PurePosixPath) -> Path:
        target = self.root.joinpath(*rel.parts)
        if not target.resolve().is_relative_to(self.root.resolve()):
            raise OutputError(f"refusing to write {rel} outside the output folder")
        return target

    def _temporary(self, target: Path) -> Path:
        return target.with_name(f".{target.name}.new-{self.pid}")

    def write(self, rel: PurePosixPath, data: bytes) -> None:
        target = self.path(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        (self._temporary(target) if self.in_place else target).write_bytes(data)

    def keep(self, rel: PurePosixPath) -> bool:
        """Keep the previous output's file unchanged; False when it is not there."""
        # No confinement check needed: nothing is written, and routes are confined already.
        # (Asked for every page of every rebuild: a plain string, not a joined Path.)
        return self.in_place and os.path.isfile(self._prefix + str(rel))

    def copy_static(self, folders: Iterable[Path]) -> tuple[dict[PurePosixPath, bool], int]:
        """Copy static files (later folders win); files unchanged since the last build are kept.

        Returns each static file with whether it was written, and the count written.
        """
        files: dict[PurePosixPath, Path] = {}
        for folder in folders:
            files.update(_static_files(folder))
        written: dict[PurePosixPath, bool] = {}
        for rel, source in sorted(files.items()):
            target = self.path(rel)
            if self.in_place and _same_copy(source, target):
                written[rel] = False
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            # copy2 keeps the mtime, which tells the next build the file is unchanged
            shutil.copy2(source, self._temporary(target) if self.in_place else target)
            written[rel] = True
        return written, sum(written.values())

    def commit(
        self,
        written: Iterable[PurePosixPath] = (),
        current: set[PurePosixPath] | None = None,
        preserve: tuple[str, ...] = (),
    ) -> None:
        """Make the new site the site. `written` are the files written under temporary
        names; `current` every file the site now has (others are removed, except in the
        top-level folders named in `preserve`, which another tool maintains)."""
        if not self.in_place:
            (self.root / MARKER).write_text("This folder is written by alwaght-ssg; it is replaced on every build.\n")
            _swap(self.root, self.out)
            return
        for rel in written:
            target = self.path(rel)
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            os.replace(self._temporary(target), target)
        if current is not None:
            _remove_stale(self.out, current | {PurePosixPath(MARKER)}, preserve)

    def abort(self) -> None:
        if self.in_place:
            _remove_temporaries(self.out, only_pid=self.pid)
        else:
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
        written = [rel for rel, was_written in static.items() if was_written]
        for rel, data in pages:
            staging.write(rel, data)
            written.append(rel)
        staging.commit(written, set(written) | set(static))
    except BaseException:
        staging.abort()
        raise
    return WriteStats(len(written) - sum(static.values()), len(static))


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


_TEMPORARY = re.compile(r"^\..+\.new-(\d+)$")


def _remove_temporaries(out: Path, only_pid: int | None = None) -> None:
    for dirpath, _, filenames in os.walk(out):
        for name in filenames:
            match = _TEMPORARY.match(name)
            if match and (int(match.group(1)) == only_pid if only_pid else not _alive(int(match.group(1)))):
                with suppress(OSError):
                    os.unlink(os.path.join(dirpath, name))


def _remove_stale(out: Path, current: set[PurePosixPath], preserve: tuple[str, ...] = ()) -> None:
    """Files of the previous site that the new one no longer has, and folders left empty."""
    for dirpath, _, filenames in os.walk(out, topdown=False):
        folder = Path(dirpath)
        rel_folder = PurePosixPath(folder.relative_to(out).as_posix())
        if rel_folder.parts and (rel_folder.parts[0] in preserve or rel_folder.parts[0].startswith(".")):
            continue
        for name in filenames:
            if rel_folder / name in current:
                continue
            match = _TEMPORARY.match(name)
            if match is None or not _alive(int(match.group(1))):  # a killed build's leftovers go too
                (folder / name).unlink()
        if folder != out and not any(folder.iterdir()):
            folder.rmdir()


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
