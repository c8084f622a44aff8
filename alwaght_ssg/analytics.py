"""data/analytics/ -> views per site path in the day, week and month windows (DESIGN §5).

Input: the site folder, its settings, the build's now, the cache. Output: `Views`, the
counted views per path in each window and when the windows end. Every file is read once
and summarised (`traffic.Summary`); summaries are cached under a key made of the file's
first 64 KiB, so a renamed (rotated) log is recognised, and a log that only grew is read
from where the last build stopped. Big logs are split into byte ranges and read on every
core. A file with bad lines gives one warning; an unreadable file or an export of an
unknown kind is an error.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from . import __version__
from .cache import Cache
from .config import SiteConfig
from .parallel import run
from .problems import Problems
from .traffic import VISITOR_KEYS, Counts, Summary, Views, Visits, bot_markers, minute_of, moment_of

if TYPE_CHECKING:
    from .accesslog import LogPart

FOLDER = Path("data", "analytics")
HEAD = 64 << 10
SPLIT_AT = 32 << 20  # logs bigger than this are read in ranges, one per process


@dataclass(frozen=True)
class _Job:
    path: Path
    kind: str  # "log", "gz" or "export"
    start: int = 0
    end: int | None = None
    width: int = 0


@dataclass
class _File:
    path: Path
    label: str  # as shown to editors: data/analytics/access.log
    kind: str
    key: str
    size: int
    mtime: int
    cached: Summary | None = None  # a summary to reuse or to extend
    jobs: list[int] = field(default_factory=list)
    base_lines: int = 0


def read_views(root: Path, config: SiteConfig, now: datetime, problems: Problems, cache: Cache, jobs: int) -> Views:
    folder = root / FOLDER
    if not folder.is_dir():
        return Views()
    settings = _settings_key(config)
    files = _scan(root, folder, settings, problems)
    if problems.has_errors():
        return Views()
    # Nothing changed since the last build: one stored result, no file read past its head.
    signature = tuple((f.label, f.key, f.size, f.mtime) for f in files)
    merged = cache.blob(f"views-merged:{settings}")
    if isinstance(merged, tuple) and len(merged) == 3 and merged[0] == signature:
        _, counts, said = merged
        if isinstance(counts, str):  # the counts of the one file there is, stored under its key
            stored = _stored_summary(cache.blob(counts))
            counts = stored[2].counts if stored else None
        if isinstance(counts, Counts):
            for label, message in said:
                problems.warning(label, 0, message)
            return _windows(counts, config, now)
    work: list[_Job] = []
    for entry in files:
        _plan(entry, cache.blob(entry.key), work, jobs, problems)
    results = run(_read, (work, config), len(work), jobs, min_per_process=1) if work else []
    summaries: list[Summary] = []
    warnings: list[tuple[str, str]] = []
    fresh: dict[str, object] = {}
    errors = problems.error_count
    for entry in files:
        summary, warning = _assemble(entry, [results[i] for i in entry.jobs], problems)
        summaries.append(summary)
        fresh[entry.key] = (entry.size, entry.mtime, summary)
        if warning:
            warnings.append((entry.label, warning))
            problems.warning(entry.label, 0, warning)
    if len(summaries) == 1 and not len(summaries[0].visits):
        counts = summaries[0].counts  # one row per path and stretch already
    else:
        visits = Visits.once_a_day([s.visits for s in summaries], config.tz)
        counts = Counts.merge([s.counts for s in summaries] + [visits])
    if problems.error_count == errors:
        cache.forget(f"views:{settings}:")  # files gone or rotated away
        # With one file the merged counts are that file's: stored once (a month of a busy site
        # is tens of megabytes).
        only = len(files) == 1 and counts is summaries[0].counts
        result = (signature, files[0].key if only else counts, warnings)
        cache.store_blobs({**fresh, f"views-merged:{settings}": result})
    return _windows(counts, config, now)


def _scan(root: Path, folder: Path, settings: str, problems: Problems) -> list[_File]:
    """Every analytics file with its size, modification time and cache key (its first 64 KiB)."""
    files = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and _wanted(p)):
        label = path.relative_to(root).as_posix()
        try:
            stat = path.stat()
            with path.open("rb") as handle:
                head = handle.read(HEAD)
        except OSError as error:
            problems.error(label, 0, f"cannot read this analytics file: {error.strerror or error}")
            continue
        kind = "export" if ".csv" in path.name.lower() else ("gz" if head[:2] == b"\x1f\x8b" else "log")
        key = f"views:{settings}:{hashlib.blake2b(head, digest_size=16).hexdigest()}"
        files.append(_File(path, label, kind, key, stat.st_size, stat.st_mtime_ns))
    return files


def _plan(entry: _File, previous: object, work: list[_Job], jobs: int, problems: Problems) -> None:
    """Reuse the file's stored summary, or plan what to read: all of it, or a grown log's new lines."""
    stored = _stored_summary(previous)
    if stored:
        size, mtime, summary = stored
        if size == entry.size and mtime == entry.mtime:
            entry.cached = summary
            return
        if entry.kind == "log" and size < entry.size and summary.end:
            entry.cached, entry.base_lines = summary, summary.lines  # grown: read only the new lines
    if entry.kind == "export":
        entry.jobs.append(len(work))
        work.append(_Job(entry.path, entry.kind))
        return
    from .accesslog import columns, split  # pyarrow takes ~0.3 s to load: only sites with logs pay

    width = columns(entry.path, entry.kind == "gz")
    if not width:
        entry.cached = Summary(Counts(), Visits(), note="no line in Common or Combined Log Format: file skipped")
        return
    start = entry.cached.end if entry.cached else 0
    ranges: list[tuple[int, int | None]] = [(start, None)]
    if entry.kind == "log" and entry.size - start > SPLIT_AT:
        ranges = [(a, b) for a, b in split(entry.path, entry.size, jobs) if b > start]
    for a, b in ranges:
        entry.jobs.append(len(work))
        work.append(_Job(entry.path, entry.kind, max(a, start), b, width))


def _stored_summary(value: object) -> tuple[int, int, Summary] | None:
    """A cached value if it is a file's (size, modification time, summary), else None."""
    if isinstance(value, tuple) and len(value) == 3 and isinstance(value[2], Summary):
        return value
    return None


def _wanted(path: Path) -> bool:
    name = path.name
    return not name.startswith(".") and not name.upper().startswith("README")


def _settings_key(config: SiteConfig) -> str:
    mv = config.most_viewed
    # Visitor keys of another making must not meet these in one count: their scheme is part of it.
    text = (
        f"{__version__}|{config.base_path}|{config.timezone}|{mv.measure}|{sorted(mv.bots)}|"
        f"{bool(mv.export_days)}|{VISITOR_KEYS}"
    )
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def _read(shared: tuple[list[_Job], SiteConfig], index: int) -> LogPart | Summary | str:
    from .accesslog import LogSettings, read_part
    from .exports import ExportError, read_export

    jobs, config = shared
    job = jobs[index]
    visitors = config.most_viewed.measure == "visitors"
    try:
        if job.kind == "export":
            return read_export(job.path, visitors, config.base_path, config.tz, bool(config.most_viewed.export_days))
        settings = LogSettings(config.base_path, bot_markers(config.most_viewed.bots), visitors, config.tz)
        return read_part(job.path, job.kind == "gz", job.start, job.end, job.width, settings)
    except ExportError as error:
        return str(error)
    except OSError as error:
        return f"cannot read this analytics file: {error.strerror or error}"


def _assemble(entry: _File, parts: list[Any], problems: Problems) -> tuple[Summary, str]:
    """One file's summary from the stored one and the parts just read, and its warning (or "")."""
    for part in parts:
        if isinstance(part, str):
            problems.error(entry.label, 1 if entry.kind == "export" else 0, part)
            return Summary(Counts(), Visits()), ""
    summary = entry.cached if entry.cached is not None else Summary(Counts(), Visits())
    if parts and entry.kind == "export":
        summary = parts[0]
    elif parts:
        summary = _join_logs(summary if entry.base_lines else Summary(Counts(), Visits()), parts, entry.base_lines)
    said = [summary.note] if summary.note else []
    if summary.malformed:
        noun = "line" if summary.malformed == 1 else "lines"
        where = f" (first at line {summary.first_malformed})" if summary.first_malformed else ""
        said.append(f"{summary.malformed} malformed {noun} skipped{where}")
    if summary.broken:
        said.append(f"{summary.broken}: the lines before it were counted")
    return summary, "; ".join(said)


def _join_logs(before: Summary, parts: list[LogPart], base_lines: int) -> Summary:
    lines, malformed, first, broken = base_lines, before.malformed, before.first_malformed, before.broken
    counts, visits = [before.counts], [before.visits]
    for part in parts:
        if part.first_malformed and not first:
            first = lines + part.first_malformed
        lines += part.lines
        malformed += part.malformed
        broken = broken or part.broken
        if len(part.visitor):
            visits.append(Visits(part.paths, part.path, part.time, part.visitor))
        elif len(part.path):
            hours = part.time * 60
            counts.append(Counts(part.paths, part.path, hours, np.full(len(hours), 60, np.int32), part.count))
    end = parts[-1].end
    return Summary(Counts.merge(counts), _concat(visits), lines, malformed, first, broken, end)


def _concat(parts: list[Visits]) -> Visits:
    parts = [p for p in parts if len(p)]
    if not parts:
        return Visits()
    if len(parts) == 1:
        return parts[0]
    table: dict[str, int] = {}
    paths: list[str] = []
    remapped = []
    for part in parts:
        remap = np.array([table.setdefault(p, len(table)) for p in part.paths], np.int32)
        remapped.append(remap[part.path])
    paths = list(table)
    return Visits(
        paths,
        np.concatenate(remapped),
        np.concatenate([p.minute for p in parts]),
        np.concatenate([p.visitor for p in parts]),
    )


def _windows(counts: Counts, config: SiteConfig, now: datetime) -> Views:
    mv = config.most_viewed
    if not len(counts):
        return Views()
    end = minute_of(now)
    if mv.until == "latest":
        end = counts.latest() or end
    counts = counts.placed(end, mv.export_days)
    names = list(mv.windows())
    totals = counts.window_totals(end, [days * 1440 for days in mv.windows().values()])
    windows = dict(zip(names, totals, strict=True))
    return Views(windows, moment_of(end).astimezone(config.tz))
