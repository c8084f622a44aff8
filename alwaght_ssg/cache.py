"""The persistent build cache in `.cache/` of a site: rendered Markdown and page records.

Input: keys made from content hashes and settings. Output: what an earlier
build stored under them. The cache is an SQLite file, so a build killed half
way leaves it consistent; a cache that cannot be read (corrupt, from another
version, on a read-only disk) is discarded and rebuilt, never trusted, and a
build never fails because of it.

A process that builds again and again (the dev server) passes a `Memory`:
what the cache returned or stored is then kept in memory too, so the next
build skips reading it back from disk. Every value is stored under a key
that names what it was made from, so the copy in memory is exactly as
valid as the one on disk.
"""

from __future__ import annotations

import pickle
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .markup import Rendered

SCHEMA = f"alwaght-ssg {__version__} cache 2"
FILE = "build.sqlite"
_CHUNK = 500  # keys per query: SQLite limits the number of parameters


@dataclass
class Memory:
    """The cache's values, kept between the builds of one long-running process."""

    blobs: dict[str, object] = field(default_factory=dict)
    complete: set[str] = field(default_factory=set)  # prefixes whose every stored value is in `blobs`
    bodies: dict[str, Rendered] = field(default_factory=dict)
    pages: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)

    def clear(self) -> None:
        self.blobs.clear()
        self.complete.clear()
        self.bodies.clear()
        self.pages.clear()


class Cache:
    """A cache that is either open or silently absent (`folder=None`, or unusable)."""

    def __init__(self, folder: Path | None, read_only: bool = False, memory: Memory | None = None) -> None:
        self._db: sqlite3.Connection | None = None
        self._read_only = read_only
        self._memory = memory
        if folder is None:
            return
        if read_only:  # `check` uses what is there and leaves no trace
            try:
                db = sqlite3.connect(f"file:{folder / FILE}?mode=ro", uri=True)
                row = db.execute("SELECT schema FROM meta").fetchone()
                self._db = db if row and row[0] == SCHEMA else None
            except sqlite3.Error:
                self._db = None
        else:
            self._db = self._open(folder)

    @staticmethod
    def _open(folder: Path) -> sqlite3.Connection | None:
        path = folder / FILE
        for attempt in range(2):
            try:
                folder.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(path, isolation_level=None)
                db.execute("PRAGMA journal_mode=WAL")
                # A cache may lose its last writes in a power cut (it is checked, not trusted);
                # waiting for the disk on every commit would cost more than the cache saves.
                db.execute("PRAGMA synchronous=OFF")
                db.execute("CREATE TABLE IF NOT EXISTS meta (schema TEXT)")
                row = db.execute("SELECT schema FROM meta").fetchone()
                if row is None or row[0] != SCHEMA:
                    db.executescript(
                        "DROP TABLE IF EXISTS bodies; DROP TABLE IF EXISTS pages; DROP TABLE IF EXISTS blobs;"
                        "DELETE FROM meta;"
                    )
                    db.execute("INSERT INTO meta VALUES (?)", (SCHEMA,))
                db.execute("CREATE TABLE IF NOT EXISTS bodies (key TEXT PRIMARY KEY, html TEXT, lead TEXT, words INT)")
                db.execute("CREATE TABLE IF NOT EXISTS blobs (key TEXT PRIMARY KEY, value BLOB)")
                db.execute(
                    "CREATE TABLE IF NOT EXISTS pages "
                    "(output TEXT, path TEXT, fingerprint TEXT, digest TEXT, PRIMARY KEY (output, path))"
                )
                return db
            except sqlite3.Error:
                if attempt == 0:  # a corrupt file: start again without it
                    for suffix in ("", "-wal", "-shm"):
                        with suppress(OSError):
                            (folder / (FILE + suffix)).unlink()
            except OSError:
                return None
        return None

    def bodies(self, keys: Iterable[str]) -> dict[str, Rendered]:
        found: dict[str, Rendered] = {}
        keys = list(keys)
        if self._memory is not None:
            kept = self._memory.bodies
            found = {key: kept[key] for key in keys if key in kept}
            keys = [key for key in keys if key not in found]
        if self._db is None:
            return found
        try:
            for chunk in _chunks(list(keys)):
                marks = ",".join("?" * len(chunk))
                for key, html, lead, words in self._db.execute(
                    f"SELECT key, html, lead, words FROM bodies WHERE key IN ({marks})", chunk
                ):
                    found[key] = Rendered(html, lead, words)
                    if self._memory is not None:
                        self._memory.bodies[key] = found[key]
        except sqlite3.Error:
            self._db = None
        return found

    def store_bodies(self, items: dict[str, Rendered]) -> None:
        if self._memory is not None and not self._read_only:
            self._memory.bodies.update(items)
        self._write(
            "INSERT OR REPLACE INTO bodies VALUES (?, ?, ?, ?)",
            [(k, r.html, r.first_paragraph, r.words) for k, r in items.items()],
        )

    def blob(self, key: str) -> object | None:
        """A value stored with `store_blob` (parsed sources, related content), or None."""
        if self._memory is not None and key in self._memory.blobs:
            return self._memory.blobs[key]
        if self._db is None:
            return None
        try:
            row = self._db.execute("SELECT value FROM blobs WHERE key = ?", (key,)).fetchone()
            value = pickle.loads(row[0]) if row else None
        except (sqlite3.Error, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError):
            return None
        if self._memory is not None and value is not None:
            self._memory.blobs[key] = value
        return value

    def store_blob(self, key: str, value: object) -> None:
        self.store_blobs({key: value})

    def blobs(self, prefix: str) -> dict[str, object]:
        """Every stored value whose key starts with `prefix`; unreadable ones are left out."""
        found: dict[str, object] = {}
        memory = self._memory
        if memory is not None and prefix in memory.complete:
            return {key: value for key, value in memory.blobs.items() if key.startswith(prefix)}
        if self._db is None:
            return found
        try:
            rows = self._db.execute(
                "SELECT key, value FROM blobs WHERE key >= ? AND key < ?", (prefix, prefix + "\uffff")
            )
            for key, value in rows:
                with suppress(pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError):
                    found[key] = pickle.loads(value)
        except sqlite3.Error:
            self._db = None
            return {}
        if memory is not None:
            memory.blobs.update(found)
            memory.complete.add(prefix)
        return found

    def forget(self, prefix: str) -> None:
        """Drop every stored value whose key starts with `prefix` (superseded results)."""
        if self._memory is not None and not self._read_only:
            for key in [key for key in self._memory.blobs if key.startswith(prefix)]:
                del self._memory.blobs[key]
        self._write("DELETE FROM blobs WHERE key >= ? AND key < ?", [(prefix, prefix + "\uffff")])

    def store_blobs(self, items: dict[str, object]) -> None:
        if self._memory is not None and not self._read_only:
            self._memory.blobs.update(items)
        self._write(
            "INSERT OR REPLACE INTO blobs VALUES (?, ?)", [(k, pickle.dumps(v, protocol=5)) for k, v in items.items()]
        )

    def pages(self, output: str) -> dict[str, tuple[str, str]]:
        """path -> (fingerprint, digest) of every page the last build wrote to `output`."""
        if self._memory is not None and output in self._memory.pages:
            return dict(self._memory.pages[output])
        if self._db is None:
            return {}
        try:
            rows = self._db.execute("SELECT path, fingerprint, digest FROM pages WHERE output = ?", (output,))
            return {path: (fp, digest) for path, fp, digest in rows}
        except sqlite3.Error:
            self._db = None
            return {}

    def forget_pages(self, output: str, paths: Iterable[str]) -> None:
        """Drop the records of these pages (files about to be replaced)."""
        if self._read_only:
            return
        paths = list(paths)
        if self._memory is not None and output in self._memory.pages:
            for path in paths:
                self._memory.pages[output].pop(path, None)
        self._write("DELETE FROM pages WHERE output = ? AND path = ?", [(output, path) for path in paths])

    def update_pages(
        self, output: str, records: dict[str, tuple[str, str]], stored: dict[str, tuple[str, str]]
    ) -> None:
        """Make `records` the records of `output`, which now holds `stored`: only the
        difference is written (a rebuild changes a few of ten thousand records)."""
        if self._read_only:
            return
        if self._memory is not None:  # whether or not the disk takes them: they describe the output now
            kept = self._memory.pages.setdefault(output, {})
            # Changed in place: ten thousand new records kept for the session would be
            # ten thousand objects more for the cycle collector to walk after every rebuild.
            for path in [path for path in kept if path not in records]:
                del kept[path]
            for path, record in records.items():
                if kept.get(path) != record:
                    kept[path] = record
        if self._db is None:
            return
        gone = [(output, path) for path in stored if path not in records]
        changed = [(output, p, fp, d) for p, (fp, d) in records.items() if stored.get(p) != (fp, d)]
        if not gone and not changed:
            return
        try:
            self._db.execute("BEGIN")
            self._db.executemany("DELETE FROM pages WHERE output = ? AND path = ?", gone)
            self._db.executemany("INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?)", changed)
            self._db.execute("COMMIT")
        except sqlite3.Error:
            self._db = None

    def _write(self, sql: str, rows: list[tuple[object, ...]]) -> None:
        if self._db is None or self._read_only or not rows:
            return
        try:
            self._db.execute("BEGIN")
            self._db.executemany(sql, rows)
            self._db.execute("COMMIT")
        except sqlite3.Error:
            self._db = None

    def close(self) -> None:
        if self._db is not None:
            with suppress(sqlite3.Error):
                self._db.close()
            self._db = None


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]
