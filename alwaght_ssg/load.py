"""content/ -> source files: front matter and body, in a fixed order.

Input: the site folder. Output: `Sources`, one `Source` per Markdown file
(articles and gallery items at any depth, topics, pages), sorted by path so that nothing depends
on the file system's order. Unreadable, binary, non-UTF-8 or oversized files
and broken front matter become problems; the rest of the files still load.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, fields
from pathlib import Path

from .cache import Cache
from .memo import Remembered
from .parallel import run
from .problems import Problem, Problems
from .yamlread import YamlDoc, read_yaml, split_front_matter

MAX_FILE_BYTES = 8 * 1024 * 1024
KINDS = ("articles", "topics", "pages", "gallery")


@dataclass(frozen=True)
class Source:
    path: str  # relative to the site folder, with forward slashes
    meta: YamlDoc
    body: str
    body_line: int
    digest: str  # of the file's bytes
    body_digest: str  # of the body alone: what its rendering depends on

    @property
    def stem(self) -> str:
        return Path(self.path).stem


@dataclass(frozen=True)
class Sources:
    articles: tuple[Source, ...]
    topics: tuple[Source, ...]
    pages: tuple[Source, ...]
    gallery: tuple[Source, ...] = ()


def read_sources(root: Path, problems: Problems, jobs: int = 1, cache: Cache | None = None) -> Sources:
    """Every source file; with a cache, a file whose size and modification time are
    unchanged since it was last read cleanly is not read again."""
    found = {kind: _markdown_files(root, root / "content" / kind, problems) for kind in KINDS}
    every = [path for paths in found.values() for path in paths]
    stamps = {path: _stamp(path) for path in every}
    # A source read by an older version of these classes is not one to reuse.
    shape = repr([[f.name for f in fields(cls)] for cls in (Source, YamlDoc)])
    memo = Remembered("source", shape, cache)
    by_path: dict[str, Source] = {}
    for path in every:
        known = memo.get(path, stamps[path])
        if isinstance(known, Source):
            by_path[path] = known
    missing = [path for path in every if path not in by_path]
    results = run(_read, (root, [Path(path) for path in missing]), len(missing), jobs)
    for path, (source, found_problems) in zip(missing, results, strict=True):
        problems.extend(found_problems)
        if source is not None:
            by_path[path] = source
            if not found_problems and stamps[path] is not None:
                memo.put(path, stamps[path], source)
    memo.save(every)
    loaded = {kind: tuple(by_path[p] for p in paths if p in by_path) for kind, paths in found.items()}
    return Sources(loaded["articles"], loaded["topics"], loaded["pages"], loaded["gallery"])


def _stamp(path: str) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def _read(work: tuple[Path, list[Path]], index: int) -> tuple[Source | None, list[Problem]]:
    root, paths = work
    problems = Problems()
    source = read_source(root, paths[index], problems)
    return source, list(problems)


def _markdown_files(root: Path, folder: Path, problems: Problems) -> list[str]:
    """Markdown files below `folder`, sorted; links that lead outside the site are refused,
    links to folders are not followed, hidden files and folders are skipped.

    Paths are strings, and what a folder entry is comes from the listing itself:
    ten thousand `Path`s and link checks cost more than finding the files."""
    if not folder.is_dir():
        return []
    real_root = root.resolve()
    files: list[str] = []
    folders = [str(folder)]
    while folders:
        try:
            with os.scandir(folders.pop()) as entries:
                listed = list(entries)
        except OSError:  # an unreadable folder is skipped, as os.walk does
            continue
        for entry in listed:
            if entry.name.startswith("."):
                continue
            if _is_dir(entry):
                if not entry.is_symlink():
                    folders.append(entry.path)
                elif not _inside(Path(entry.path), real_root):  # links to folders are not followed: say so
                    problems.error(
                        _rel(root, Path(entry.path)),
                        0,
                        "folder is a link to a folder outside the site; copy the files in instead",
                    )
            elif entry.name.endswith(".md"):
                if entry.is_symlink() and not _inside(Path(entry.path), real_root):
                    problems.error(
                        _rel(root, Path(entry.path)),
                        0,
                        "file is a link to a file outside the site; copy the file in instead",
                    )
                    continue
                files.append(entry.path)
    # The order of the same paths as `Path`s: component by component, as the OS compares names.
    # (A separator that sorts before any character of a name gives that order to whole strings.)
    return sorted(files, key=lambda path: os.path.normcase(path).replace(os.sep, "\0"))


def _is_dir(entry: os.DirEntry[str]) -> bool:
    """A folder, or a link to one; a link that loops is not (reading it fails, with a clear message)."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def _inside(path: Path, real_root: Path) -> bool:
    """Whether a link leads inside the site. os.path.realpath, unlike Path.resolve, does
    not raise on a link that loops; reading such a file then fails with a clear message."""
    return Path(os.path.realpath(path)).is_relative_to(real_root)


def read_source(root: Path, path: Path, problems: Problems) -> Source | None:
    rel = _rel(root, path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.error(
                rel,
                0,
                f"file is too large ({size / 1048576:.1f} MB); the limit is {MAX_FILE_BYTES // 1048576} MB",
            )
            return None
        raw = path.read_bytes()
    except FileNotFoundError:
        problems.error(rel, 0, "file disappeared while the site was being read")
        return None
    except OSError as exc:
        problems.error(rel, 0, f"cannot read file: {exc.strerror or exc}")
        return None
    text = decode(raw, rel, problems)
    if text is None:
        return None
    split = split_front_matter(text, rel, problems)
    if split is None:
        return None
    meta = read_yaml(split.yaml_text, rel, problems, first_line=split.yaml_line)
    if meta is None:
        return None
    digest = hashlib.blake2b(raw, digest_size=16).hexdigest()
    body_digest = hashlib.blake2b(split.body.encode(), digest_size=20).hexdigest()
    return Source(rel, meta, split.body, split.body_line, digest, body_digest)


def decode(raw: bytes, rel: str, problems: Problems) -> str | None:
    """UTF-8 text (a byte-order mark is dropped), or a problem saying how to fix it."""
    if b"\x00" in raw:
        problems.error(rel, 0, "file is binary, not Markdown text; move it out of content/")
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.error(
            rel,
            line,
            f"file is not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
        )
        return None


def _rel(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
