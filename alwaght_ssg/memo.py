"""Per-file results remembered between builds, in the build cache.

Input: a kind of result (`"article"`), a key for every setting the result
depends on, and for each file its path and a version of its contents (the
digest of its bytes, or its size and modification time). Output: the result
an earlier build stored for the same version and settings, or None; new
results are stored when the build says so. A rebuild after editing one
article then reads and checks that one file again, not ten thousand.

Each file has one entry, replaced when the file changes and dropped when it
is gone, so the cache does not grow with every edit. Entries are stored in a
fixed number of buckets (by a hash of the path): loading a few hundred values
from one stored blob is several times faster than loading each from its own,
and an edit rewrites only the bucket its file is in.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

from .cache import Cache

BUCKETS = 64


class Remembered:
    def __init__(self, kind: str, settings: str, cache: Cache | None) -> None:
        self._prefix = f"{kind}:"
        self._settings = settings
        self._cache = cache
        self._buckets: dict[str, dict[str, tuple[object, str, object]]] = {}
        for key, value in (cache.blobs(self._prefix) if cache is not None else {}).items():
            if isinstance(value, dict):
                self._buckets[key] = dict(value)  # changed here, stored at `save`
        # Only entries of the form this module stores are looked at (not another version's).
        self._entries = {
            path: entry
            for bucket in self._buckets.values()
            for path, entry in bucket.items()
            if type(entry) is tuple and len(entry) == 3
        }
        self._changed: set[str] = set()

    def _bucket(self, path: str) -> str:
        return f"{self._prefix}{zlib.crc32(path.encode()) % BUCKETS:02d}"

    def get(self, path: str, version: object) -> object | None:
        """What was stored for this version of the file under the same settings, or None."""
        entry = self._entries.get(path)
        if entry is not None and entry[0] == version and entry[1] == self._settings:
            value: object = entry[2]
            return value
        return None

    def put(self, path: str, version: object, value: object) -> None:
        bucket = self._bucket(path)
        self._buckets.setdefault(bucket, {})[path] = self._entries[path] = (version, self._settings, value)
        self._changed.add(bucket)

    def save(self, paths: Iterable[str]) -> None:
        """Store the new results; forget the files that are not among `paths` any more."""
        current = set(paths)
        for bucket, entries in self._buckets.items():
            gone = entries.keys() - current
            for path in gone:
                del entries[path]
            if gone:
                self._changed.add(bucket)
        if self._cache is not None and self._changed:
            self._cache.store_blobs({bucket: self._buckets[bucket] for bucket in sorted(self._changed)})
        self._changed = set()
