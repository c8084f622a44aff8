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
hash of address and agent, made with array arithmetic) and only a visitor's first view of a
path on each of the site's calendar days is kept, so the caller can count each visitor once
a day across files and ranges.
"""

from __future__ import annotations

import csv
import gzip
import io
import zlib
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, tzinfo
from itertools import pairwise
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .traffic import first_a_day, is_bot, view_path

BLOCK = 8 << 20  # bytes the reader tokenises at a time
SPAN = 96 << 20  # bytes one reader reads (see `read_part`)
KEY_ROWS = 1 << 20  # (hour, path) rows gathered before equal ones are summed
VISIT_ROWS = 1 << 21  # visits gathered before each visitor's repeat views of a day are dropped
SNIFF = 64 << 10
_MONTH_NAMES = [b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec"]
_MONTH_CODES = np.array([int.from_bytes(name, "big") for name in _MONTH_NAMES])  # in calendar order
_STAMP = b"[10/Oct/2026:13:55"  # the part of a time stamp read: to the minute
_PATH_BITS = 24  # rows are keyed minute << 24 | path while counting


@dataclass(frozen=True)
class LogSettings:
    base_path: str
    bots: tuple[str, ...]
    visitors: bool  # keep a visitor key per row instead of summing
    tz: tzinfo = UTC  # the site's: in visitors mode, what a calendar day is


@dataclass
class LogPart:
    """What one byte range of one log held."""

    paths: list[str]
    path: np.ndarray  # int32
    time: np.ndarray  # hours since the epoch (views mode, int32) or minutes (visitors mode, int64)
    count: np.ndarray  # int32 (views mode) or all ones (visitors mode)
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

    base = 0  # lines before the current reader's first

    def skip(row: pacsv.InvalidRow) -> str:
        malformed.append(base + (row.number or 0))
        return "skip"

    dictionary = pa.dictionary(pa.int32(), pa.binary())
    options = (
        pacsv.ReadOptions(column_names=names, block_size=BLOCK, use_threads=False),
        pacsv.ParseOptions(delimiter=" ", quote_char='"', escape_char="\\", invalid_row_handler=skip),
        pacsv.ConvertOptions(
            include_columns=wanted,
            column_types={name: pa.binary() if name == "c3" else dictionary for name in wanted},
        ),
    )
    raw = _open(path, compressed)
    state = _State(settings)
    broken = ""
    source: _Tolerant | _Range | None = None
    try:
        if compressed:
            source = _Tolerant(raw)
            for batch in pacsv.open_csv(pa.PythonFile(source, mode="r"), *options):
                state.add(batch, malformed)
        else:
            # A fresh reader every SPAN bytes: one reader's memory grows with what it has read.
            stop = raw.seek(0, io.SEEK_END) if end is None else end
            position = start
            while True:
                source = _Range(raw, position, min(position + SPAN, stop))
                if source.end == position:  # no whole line within SPAN: a longer one, or none left
                    source = _Range(raw, position, stop)
                base = state.rows + len(malformed)
                for batch in pacsv.open_csv(pa.PythonFile(source, mode="r"), *options):
                    state.add(batch, malformed)
                if source.end in (position, stop):
                    break
                position = source.end
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
    if settings.visitors:
        rows, time, visitor = state.visits()
        count = np.ones(len(rows), np.int32)
    else:
        key, count = state.result()
        rows, time, visitor = (
            key & ((1 << _PATH_BITS) - 1),
            (key >> _PATH_BITS).astype(np.int32),
            np.zeros(0, np.uint64),
        )
    part = LogPart(
        paths=state.paths,
        path=rows.astype(np.int32),
        time=time,
        count=count.astype(np.int32),
        visitor=visitor,
        lines=state.rows + len(malformed),
        malformed=len(malformed) + state.bad_rows,
        first_malformed=first_line,
        end=source.position if isinstance(source, _Range) else 0,
        broken=broken,
    )
    return part


class _Known:
    """The number each distinct value of a dictionary column stands for, worked out once per range.

    Every block has its own dictionary but mostly the values of the blocks before: those are
    found by a hash lookup in C (`index_in` over the values seen so far) and only new ones go
    through `compute`, in Python. The result is a numpy table indexed like the dictionary.
    """

    def __init__(self, compute: Callable[[bytes], int]) -> None:
        self._compute = compute
        self._values: dict[bytes, int] = {}
        self._array: pa.Array | None = None  # the values of `_values` known to Arrow
        self._numbers = np.zeros(1, np.int64)  # their numbers, and one more slot for "not found"

    def table(self, dictionary: pa.Array) -> np.ndarray:
        values = self._values
        if self._array is None:
            numbers = np.array([self._number(v) for v in dictionary.to_pylist()], np.int64)
        else:
            found = pc.fill_null(pc.index_in(dictionary, value_set=self._array), len(self._array)).to_numpy()
            numbers = self._numbers[found]
            missing = np.flatnonzero(found == len(self._array))
            if len(missing):
                fresh = dictionary.take(pa.array(missing)).to_pylist()
                numbers[missing] = [self._number(v) for v in fresh]
        if len(values) - (len(self._array) if self._array is not None else 0) > max(256, len(values) // 4):
            self._array = pa.array(list(values), pa.binary())
            self._numbers = np.append(np.fromiter(values.values(), np.int64, len(values)), -1)
        return numbers

    def _number(self, value: bytes | None) -> int:
        if value is None:
            return -1
        number = self._values.get(value)
        if number is None:
            number = self._values[value] = self._compute(value)
        return number

    def column(self, column: pa.DictionaryArray) -> np.ndarray:
        """The number of every row."""
        numbers: np.ndarray = self.table(column.dictionary)[column.indices.to_numpy(zero_copy_only=False)]
        return numbers


class _State:
    """Running totals of one range, fed one record batch at a time."""

    def __init__(self, settings: LogSettings) -> None:
        self.settings = settings
        self.paths: list[str] = []
        self._path_ids: dict[str, int] = {}
        self.rows = 0
        self.bad_rows = 0
        self.first_bad_row = 0  # 1-based index among well-shaped rows
        self._keys: list[np.ndarray] = []
        self._counts: list[np.ndarray] = []
        self._pending = 0  # rows gathered (in `_keys` or `_visits`) since they were last reduced
        self._visits: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self._pages = _Known(self._page)  # request line -> path index, -1 when not counted
        self._counted = _Known(lambda status: status in (b"200", b"304"))
        self._human = _Known(lambda agent: not is_bot(agent.decode("utf-8", "replace"), settings.bots))
        self._zones = _Known(_zone)

    def add(self, batch: pa.RecordBatch, malformed: list[int]) -> None:
        rows = batch.num_rows
        if not rows:
            return
        names = batch.schema.names
        page = self._pages.column(batch.column("c5"))
        minute = self._minute_column(batch.column("c3"), batch.column("c4"))
        bad = minute == -1
        if bad.any():
            if not self.first_bad_row:
                self.first_bad_row = self.rows + int(np.argmax(bad)) + 1
            self.bad_rows += int(bad.sum())
        keep = (page >= 0) & ~bad & (self._counted.column(batch.column("c6")) == 1)
        if "c9" in names:
            agent = batch.column("c9")
            keep &= self._human.column(agent) == 1
        self.rows += rows
        if not keep.any():
            return
        page, minute = page[keep], minute[keep]
        if self.settings.visitors:
            visitor = _column_hashes(batch.column("c0"))[keep]
            if "c9" in names:
                visitor = visitor * np.uint64(1000003) ^ _column_hashes(batch.column("c9"))[keep]
            self._visits.append((page.astype(np.int32), minute, visitor))
            self._pending += len(page)
            if self._pending > VISIT_ROWS:  # bounded by the visitors, not the views: one row each a day
                self._visits = [self._first_visits()]
                self._pending = 0
            return
        unique, counts = np.unique(((minute // 60) << _PATH_BITS) | page, return_counts=True)
        self._keys.append(unique)
        self._counts.append(counts)
        self._pending += len(unique)
        if self._pending > KEY_ROWS:  # bounded however long the log: sum what was gathered so far
            key, count = self.result()
            self._keys, self._counts = [key], [count]
            self._pending = 0

    def _page(self, request: bytes) -> int:
        method, _, rest = request.partition(b" ")
        if method != b"GET":
            return -1
        target = rest.split(b" ", 1)[0].decode("utf-8", "replace")
        path = view_path(target, self.settings.base_path)
        if path is None:
            return -1
        index = self._path_ids.get(path)
        if index is None:
            index = self._path_ids[path] = len(self.paths)
            self.paths.append(path)
        return index

    def _minute_column(self, seconds: pa.Array, zone: pa.DictionaryArray) -> np.ndarray:
        # "[10/Oct/2026:13:55:36" + "+0000]" -> minutes since the epoch, -1 when unreadable
        stamps = pc.dictionary_encode(pc.binary_slice(seconds, 0, len(_STAMP)))
        local = _wall_minutes(stamps.dictionary)[stamps.indices.to_numpy(zero_copy_only=False)]
        offset = self._zones.column(zone)
        return np.where((local == -1) | (offset == _NO_ZONE), -1, local - offset)

    def result(self) -> tuple[np.ndarray, np.ndarray]:
        if not self._keys:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return _summed(np.concatenate(self._keys), np.concatenate(self._counts))

    def _first_visits(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        path, minute, visitor = (np.concatenate(c) for c in zip(*self._visits, strict=True))
        return first_a_day(path, minute, visitor, self.settings.tz)

    def visits(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each visitor's first view of each path on each day: (path, minute, visitor key)."""
        if not self._visits:
            return np.zeros(0, np.int32), np.zeros(0, np.int64), np.zeros(0, np.uint64)
        return self._first_visits()


def _summed(keys: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each distinct key once, with the sum of its counts."""
    unique, inverse = np.unique(keys, return_inverse=True)
    return unique, np.bincount(inverse.ravel(), weights=counts, minlength=len(unique)).astype(np.int64)


_NO_ZONE = 1 << 40


def _wall_minutes(stamps: pa.Array) -> np.ndarray:
    """b"[10/Oct/2026:13:55" -> minutes since the epoch of that wall-clock time, or -1, for each."""
    out = np.full(len(stamps), -1, np.int64)
    sized = np.flatnonzero(pc.binary_length(stamps).to_numpy(zero_copy_only=False) == len(_STAMP))
    if not len(sized):
        return out
    _, data = _bytes_of(stamps.take(pa.array(sized)))
    data = data.reshape(-1, len(_STAMP))
    digits = data.astype(np.int64) - ord("0")

    def number(first: int, last: int) -> np.ndarray:
        value = np.zeros(len(data), np.int64)
        for column in range(first, last + 1):
            value = value * 10 + digits[:, column]
        return value

    name = (data[:, 4].astype(np.int64) << 16) | (data[:, 5].astype(np.int64) << 8) | data[:, 6]
    matches = name[:, None] == _MONTH_CODES[None, :]
    known, month = matches.any(axis=1), matches.argmax(axis=1)  # 0 = January
    day, year, hour, minute = number(1, 2), number(8, 11), number(13, 14), number(16, 17)
    first_of_month = ((year - 1970) * 12 + month).astype("datetime64[M]")
    days_in_month = ((first_of_month + 1).astype("datetime64[D]") - first_of_month.astype("datetime64[D]")).astype(int)
    digit_columns = [1, 2, 8, 9, 10, 11, 13, 14, 16, 17]
    valid = (
        known
        & ((digits[:, digit_columns] >= 0) & (digits[:, digit_columns] <= 9)).all(axis=1)
        & (data[:, 0] == ord("["))
        & (data[:, 3] == ord("/"))
        & (data[:, 7] == ord("/"))
        & (data[:, 12] == ord(":"))
        & (data[:, 15] == ord(":"))
        & (day >= 1)
        & (day <= days_in_month)
        & (year >= 1)
        & (hour < 24)
        & (minute < 60)
    )
    days = first_of_month.astype("datetime64[D]").astype(np.int64) + day - 1
    out[sized] = np.where(valid, days * 1440 + hour * 60 + minute, -1)
    return out


def _zone(text: bytes) -> int:
    """b"+0330]" -> 210 (minutes east of UTC), or _NO_ZONE."""
    if len(text) != 6 or text[5:6] != b"]" or text[:1] not in (b"+", b"-") or not text[1:5].isdigit():
        return _NO_ZONE
    minutes = int(text[1:3]) * 60 + int(text[3:5])
    return -minutes if text[:1] == b"-" else minutes


def _bytes_of(values: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """A binary array's value offsets (int64) and its values' bytes, without copying them."""
    buffers = values.buffers()
    offsets = np.frombuffer(buffers[1], np.int32)[values.offset : values.offset + len(values) + 1].astype(np.int64)
    if buffers[2] is None:
        return offsets, np.zeros(0, np.uint8)
    return offsets, np.frombuffer(buffers[2], np.uint8)[offsets[0] : offsets[-1]]


def _column_hashes(column: pa.DictionaryArray) -> np.ndarray:
    """A 64-bit hash of every row's bytes (see `_hashes`), worked out once per distinct value."""
    hashes: np.ndarray = _hashes(column.dictionary)[column.indices.to_numpy(zero_copy_only=False)]
    return hashes


_PRIME = np.uint64(0x100000001B3)
_OFFSET = np.uint64(0xCBF29CE484222325)
_powers = np.ones(1, np.uint64)  # _PRIME ** i, modulo 2 ** 64


def _hashes(values: pa.Array) -> np.ndarray:
    """A 64-bit hash of each binary value, as whole arrays: the value's bytes as a polynomial
    in a large odd number modulo 2 ** 64, then mixed (splitmix64's finaliser), so that equal
    bytes give equal keys in every process and every build. A visitor key, not a secret: it
    only has to tell visitors apart, and collisions are about one in 2 ** 64."""
    global _powers
    count = len(values)
    if not count:
        return np.zeros(0, np.uint64)
    offsets, data = _bytes_of(values)
    lengths = np.diff(offsets)
    longest = int(lengths.max())
    if longest > len(_powers):
        _powers = np.cumprod(np.concatenate([[np.uint64(1)], np.full(longest, _PRIME, np.uint64)]), dtype=np.uint64)
    starts = offsets[:-1] - offsets[0]
    sums = np.zeros(count, np.uint64)
    if len(data):
        position = np.arange(len(data)) - np.repeat(starts, lengths)
        terms = (data.astype(np.uint64) + np.uint64(1)) * _powers[position]
        filled = lengths > 0
        sums[filled] = np.add.reduceat(terms, starts[filled])
    with np.errstate(over="ignore"):
        mixed = (sums + _OFFSET) * _PRIME + lengths.astype(np.uint64)  # the length as one more term
        mixed ^= mixed >> np.uint64(30)
        mixed *= np.uint64(0xBF58476D1CE4E5B9)
        mixed ^= mixed >> np.uint64(27)
        mixed *= np.uint64(0x94D049BB133111EB)
        mixed ^= mixed >> np.uint64(31)
    return mixed


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
        self.end = _last_newline(file, start, end)
        file.seek(start)
        self.position = start

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        wanted = min(len(buffer), self.end - self.position)
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
