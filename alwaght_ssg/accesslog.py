"""Access logs in Common or Combined Log Format -> requests per site path and minute.

A log line is `host ident user [10/Oct/2026:13:55:36 +0000] "GET /path HTTP/1.1" 200 512
"referer" "agent"` (Combined adds the last two fields; some servers append more). Read as
space-delimited CSV with `"` quoting, that is nine or more columns, which pyarrow's CSV reader
tokenises in C++ in blocks of bounded size, calling back for every line of another shape:
that is how malformed lines are counted. Columns are read as dictionaries, so Python looks
at each distinct request, agent and minute of a block once, and the rows themselves are
only filtered and counted by vectorised kernels. Views are counted by the hour. A file is read from a byte offset to a
byte offset, so one big log can be split across processes, and a grown log read from where
the last build stopped.

Counted: GET requests answered 200 or 304 for pages of the site (see `traffic.view_path`),
from agents that are not bots. In "visitors" mode each row also carries a visitor key (a
hash of address and agent) so the caller can count each visitor once a day.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import zlib
from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .traffic import is_bot, view_path

BLOCK = 2 << 20  # bytes the reader tokenises at a time: bounds memory whatever the log's size
SNIFF = 64 << 10
_MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_MONTHS = {name.encode(): number for number, name in enumerate(_MONTH_NAMES, 1)}
_PATH_BITS = 24  # rows are keyed minute << 24 | path while counting


@dataclass(frozen=True)
class LogSettings:
    base_path: str
    bots: tuple[str, ...]
    visitors: bool  # keep a visitor key per row instead of summing


@dataclass
class LogPart:
    """What one byte range of one log held."""

    paths: list[str]
    path: np.ndarray  # int32
    time: np.ndarray  # int64: hours since the epoch (views mode) or minutes (visitors mode)
    count: np.ndarray  # int64 (views mode) or all ones (visitors mode)
    visitor: np.ndarray  # uint64 (visitors mode) or empty
    lines: int  # lines read, well-formed or not
    malformed: int
    first_malformed: int  # line number within the range (1-based), 0 when none
    end: int  # byte offset just after the last complete line read
    broken: str  # why reading stopped early (a truncated .gz), or ""


def columns(path: Path, compressed: bool) -> int:
    """How many space-separated fields a well-formed line of this log has (0: none found)."""
    try:
        with _open(path, compressed) as stream:
            head = stream.read(SNIFF)
    except (OSError, EOFError, zlib.error):
        return 0
    text = head.decode("utf-8", "replace").splitlines()[:50]
    for row in csv.reader(text, delimiter=" ", quotechar='"', escapechar="\\"):
        if len(row) >= 7 and row[3].startswith("[") and row[4].endswith("]") and row[6].isdigit():
            return len(row)
    return 0


def read_part(path: Path, compressed: bool, start: int, end: int | None, width: int, settings: LogSettings) -> LogPart:
    """Count one byte range `[start, end)` of a log (a compressed log is read whole)."""
    names = [f"c{i}" for i in range(width)]
    wanted = ["c3", "c4", "c5", "c6"] + (["c9"] if width >= 10 else []) + (["c0"] if settings.visitors else [])
    malformed: list[int] = []

    def skip(row: pacsv.InvalidRow) -> str:
        malformed.append(row.number or 0)
        return "skip"

    raw = _open(path, compressed)
    source: _Tolerant | _Range = _Tolerant(raw) if compressed else _Range(raw, start, end)
    reader = None
    state = _State()
    broken = ""
    try:
        reader = pacsv.open_csv(
            pa.PythonFile(source, mode="r"),
            read_options=pacsv.ReadOptions(column_names=names, block_size=BLOCK, use_threads=False),
            parse_options=pacsv.ParseOptions(delimiter=" ", quote_char='"', escape_char="\\", invalid_row_handler=skip),
            convert_options=pacsv.ConvertOptions(
                include_columns=wanted,
                column_types={
                    name: pa.binary() if name == "c3" else pa.dictionary(pa.int32(), pa.binary()) for name in wanted
                },
            ),
        )
        for batch in reader:
            state.add(batch, settings, malformed)
    except (pa.ArrowInvalid, OSError, EOFError, zlib.error) as error:
        broken = _why(error, compressed)
    finally:
        raw.close()
    if isinstance(source, _Tolerant) and source.broken:
        broken = _why(source.broken, compressed)
    first = state.first_bad_row
    first_line = _line_of(first, malformed) if first else 0
    if malformed and (not first_line or malformed[0] < first_line):
        first_line = malformed[0]
    key, counts = state.result()
    part = LogPart(
        paths=state.paths,
        path=(key & ((1 << _PATH_BITS) - 1)).astype(np.int32) if not settings.visitors else state.visit_path(),
        time=(key >> _PATH_BITS) if not settings.visitors else state.visit_minute(),
        count=counts,
        visitor=state.visit_key(),
        lines=state.rows + len(malformed),
        malformed=len(malformed) + state.bad_rows,
        first_malformed=first_line,
        end=source.position if isinstance(source, _Range) else 0,
        broken=broken,
    )
    return part


class _State:
    """Running totals of one range, fed one record batch at a time."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self._path_ids: dict[str, int] = {}
        self.rows = 0
        self.bad_rows = 0
        self.first_bad_row = 0  # 1-based index among well-shaped rows
        self._keys: list[np.ndarray] = []
        self._counts: list[np.ndarray] = []
        self._visits: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self._minutes: dict[bytes, int] = {}
        self._requests: dict[bytes, int] = {}  # request line -> path index, -1 when not counted
        self._known: pa.Array | None = None  # the requests of `_requests` as an Arrow array, for lookups in C
        self._known_ids: pa.Array | None = None
        self._known_size = 0

    def add(self, batch: pa.RecordBatch, settings: LogSettings, malformed: list[int]) -> None:
        rows = batch.num_rows
        if not rows:
            return
        status = batch.column("c6")
        ok_status = pc.take(_lookup(status.dictionary, lambda s: s in (b"200", b"304")), status.indices)
        request = batch.column("c5")
        page = pc.take(self._page_ids(request.dictionary, settings.base_path), request.indices)
        minute = self._minute_column(batch.column("c3"), batch.column("c4"))
        bad = pc.equal(minute, -1)
        if pc.any(bad).as_py():
            first = int(pc.indices_nonzero(bad)[0].as_py())
            if not self.first_bad_row:
                self.first_bad_row = self.rows + first + 1
            self.bad_rows += pc.sum(bad).as_py()
        keep = pc.and_(pc.and_(ok_status, pc.greater_equal(page, 0)), pc.invert(bad))
        if batch.num_columns and "c9" in batch.schema.names:
            agent = batch.column("c9")
            human = _lookup(agent.dictionary, lambda a: not is_bot(a.decode("utf-8", "replace"), settings.bots))
            keep = pc.and_(keep, pc.take(human, agent.indices))
        self.rows += rows
        if not pc.any(keep).as_py():
            return
        page = pc.filter(page, keep).to_numpy().astype(np.int64)
        minute_kept = pc.filter(minute, keep).to_numpy()
        if settings.visitors:
            address = batch.column("c0")
            agent_text = batch.column("c9") if "c9" in batch.schema.names else None
            visitor = self._visitors(address, agent_text, keep)
            self._visits.append((page.astype(np.int32), minute_kept, visitor))
            return
        key = ((minute_kept // 60) << _PATH_BITS) | page
        unique, counts = np.unique(key, return_counts=True)
        self._keys.append(unique)
        self._counts.append(counts)

    def _page_ids(self, requests: pa.Array, base_path: str) -> pa.Array:
        """The path index of each distinct request of a block (-1: not counted).

        Every block has its own dictionary but mostly the same requests: those seen before
        are found by a hash lookup in C (`index_in` over the known ones), and only the new
        ones go through Python.
        """
        known = self._requests
        if self._known is None:
            ids = np.array([self._page_of(r, base_path) for r in requests.to_pylist()], np.int64)
        else:
            found = pc.take(self._known_ids, pc.index_in(requests, value_set=self._known))
            ids = pc.fill_null(found, -2).to_numpy(zero_copy_only=False).copy()
            missing = np.flatnonzero(ids == -2)
            if len(missing):
                fresh = pc.take(requests, pa.array(missing)).to_pylist()
                ids[missing] = [self._page_of(r, base_path) for r in fresh]
        if len(known) - self._known_size > max(512, self._known_size // 4):
            self._known = pa.array(list(known), pa.binary())
            self._known_ids = pa.array(list(known.values()), pa.int64())
            self._known_size = len(known)
        return pa.array(ids)

    def _page_of(self, request: bytes, base_path: str) -> int:
        index = self._requests.get(request)
        if index is None:
            index = self._requests[request] = self._page(request, base_path)
        return index

    def _page(self, request: bytes, base_path: str) -> int:
        method, _, rest = request.partition(b" ")
        if method != b"GET":
            return -1
        target = rest.split(b" ", 1)[0].decode("utf-8", "replace")
        path = view_path(target, base_path)
        if path is None:
            return -1
        index = self._path_ids.get(path)
        if index is None:
            index = self._path_ids[path] = len(self.paths)
            self.paths.append(path)
        return index

    def _minute_column(self, seconds: pa.Array, zone: pa.DictionaryArray) -> pa.Array:
        # "[10/Oct/2026:13:55:36" + "+0000]" -> minutes since the epoch, -1 when unreadable
        stamp = pc.dictionary_encode(pc.binary_slice(seconds, 0, 18))
        stamps = [self._stamp(s) for s in stamp.dictionary.to_pylist()]
        zones = [_zone(z) for z in zone.dictionary.to_pylist()]
        local = pc.take(pa.array(stamps, pa.int64()), stamp.indices)
        offset = pc.take(pa.array(zones, pa.int64()), zone.indices)
        minute = pc.subtract(local, offset)
        invalid = pc.or_(pc.equal(local, -1), pc.equal(offset, _NO_ZONE))
        return pc.if_else(invalid, pa.scalar(-1, pa.int64()), minute)

    def _stamp(self, text: bytes | None) -> int:
        if text is None:
            return -1
        cached = self._minutes.get(text)
        if cached is None:
            cached = self._minutes[text] = _local_minute(text)
        return cached

    def _visitors(self, address: pa.DictionaryArray, agent: pa.DictionaryArray | None, keep: pa.Array) -> np.ndarray:
        addresses = np.array([_hash(a) for a in address.dictionary.to_pylist()], np.uint64)
        key: np.ndarray = addresses[pc.filter(address.indices, keep).to_numpy()]
        if agent is not None:
            agents = np.array([_hash(a) for a in agent.dictionary.to_pylist()], np.uint64)
            key = key * np.uint64(1000003) ^ agents[pc.filter(agent.indices, keep).to_numpy()]
        return key

    def result(self) -> tuple[np.ndarray, np.ndarray]:
        if self._visits:
            n = sum(len(v[0]) for v in self._visits)
            return np.zeros(0, np.int64), np.ones(n, np.int64)
        if not self._keys:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        keys = np.concatenate(self._keys)
        unique, inverse = np.unique(keys, return_inverse=True)
        counts = np.bincount(inverse.ravel(), weights=np.concatenate(self._counts), minlength=len(unique))
        return unique, counts.astype(np.int64)

    def visit_path(self) -> np.ndarray:
        return np.concatenate([v[0] for v in self._visits]) if self._visits else np.zeros(0, np.int32)

    def visit_minute(self) -> np.ndarray:
        return np.concatenate([v[1] for v in self._visits]) if self._visits else np.zeros(0, np.int64)

    def visit_key(self) -> np.ndarray:
        return np.concatenate([v[2] for v in self._visits]) if self._visits else np.zeros(0, np.uint64)


_NO_ZONE = 1 << 40
_EPOCH_ORDINAL = datetime(1970, 1, 1).toordinal()


def _lookup(values: pa.Array, test: object) -> pa.Array:
    return pa.array([bool(test(v)) for v in values.to_pylist()], pa.bool_())  # type: ignore[operator]


def _local_minute(text: bytes) -> int:
    """b"[10/Oct/2026:13:55" -> minutes since the epoch of that wall-clock time, or -1."""
    try:
        if text[:1] != b"[" or text[3:4] != b"/" or text[7:8] != b"/" or text[12:13] != b":":
            return -1
        day, month, year = int(text[1:3]), _MONTHS[text[4:7]], int(text[8:12])
        hour, minute = int(text[13:15]), int(text[16:18])
        stamp = datetime(year, month, day, hour, minute)
    except (KeyError, ValueError):
        return -1
    return (stamp.toordinal() - _EPOCH_ORDINAL) * 1440 + hour * 60 + minute


def _zone(text: bytes) -> int:
    """b"+0330]" -> 210 (minutes east of UTC), or _NO_ZONE."""
    if len(text) != 6 or text[5:6] != b"]" or text[:1] not in (b"+", b"-") or not text[1:5].isdigit():
        return _NO_ZONE
    minutes = int(text[1:3]) * 60 + int(text[3:5])
    return -minutes if text[:1] == b"-" else minutes


def _hash(value: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(value, digest_size=8).digest(), "little")


def _line_of(row: int, malformed: list[int]) -> int:
    """The line number of the `row`-th well-shaped line, given the numbers of skipped lines."""
    line = row
    while True:
        skipped = bisect_right(malformed, line)
        if row + skipped == line:
            return line
        line = row + skipped


def _why(error: BaseException, compressed: bool) -> str:
    if compressed:
        return "the .gz file ends early or is damaged"
    return f"reading stopped: {str(error).splitlines()[0] if str(error) else type(error).__name__}"


def _open(path: Path, compressed: bool) -> io.BufferedIOBase:
    if compressed:
        return gzip.open(path, "rb")
    return open(path, "rb")


class _Tolerant(io.RawIOBase):
    """A compressed stream that ends, instead of failing, where the data is cut or damaged:
    everything before the break is still read (the reader then sees a clean end)."""

    def __init__(self, file: io.BufferedIOBase) -> None:
        self._file = file
        self.broken: BaseException | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        filled = 0
        while filled < len(buffer) and not self.broken:
            try:  # small reads: a failing read loses what it had decompressed
                data = self._file.read(min(SNIFF, len(buffer) - filled))
            except (EOFError, zlib.error, OSError) as error:
                self.broken = error
                break
            if not data:
                break
            buffer[filled : filled + len(data)] = data
            filled += len(data)
        return filled


class _Range(io.RawIOBase):
    """The bytes of a file from `start` up to its last newline before `end`."""

    def __init__(self, file: io.BufferedIOBase, start: int, end: int | None) -> None:
        self._file = file
        file.seek(start)
        if end is None:
            end = file.seek(0, io.SEEK_END)
            file.seek(start)
        self._end = _last_newline(file, start, end)
        file.seek(start)
        self.position = start

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        wanted = min(len(buffer), self._end - self.position)
        if wanted <= 0:
            return 0
        data = self._file.read(wanted)
        buffer[: len(data)] = data
        self.position += len(data)
        return len(data)


def _last_newline(file: io.BufferedIOBase, start: int, end: int) -> int:
    """The offset just after the last `\\n` in `[start, end)` (start when there is none)."""
    position = end
    while position > start:
        step = min(SNIFF, position - start)
        file.seek(position - step)
        chunk = file.read(step)
        found = chunk.rfind(b"\n")
        if found >= 0:
            return position - step + found + 1
        position -= step
    return start


def split(path: Path, size: int, parts: int) -> list[tuple[int, int]]:
    """Byte ranges of about equal size, each starting just after a newline."""
    if parts < 2 or size < 4 * BLOCK:
        return [(0, size)]
    bounds = [0]
    with open(path, "rb") as file:
        for i in range(1, parts):
            file.seek(size * i // parts)
            file.readline()
            bounds.append(min(file.tell(), size))
    bounds.append(size)
    return [(a, b) for a, b in pairwise(bounds) if b > a]
