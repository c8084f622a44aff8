"""Work on all cores: a fork-based process pool fed with index ranges.

Input: a function, the large read-only value it works on (the site, the
sources), how many items, how many processes. Output: the results in item
order. Workers are forked after the shared value is set, so they inherit it
instead of receiving a pickled copy; only the small results travel back.
Where fork is not available, or the work is small, it runs in this process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable
from typing import Any, TypeVar

R = TypeVar("R")

MIN_ITEMS_PER_PROCESS = 40  # below this a pool costs more than it saves

_task: Callable[[Any, int], Any] | None = None
_shared: Any = None


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def run(
    task: Callable[[Any, int], R],
    shared: Any,
    count: int,
    jobs: int,
    progress: Callable[[int], None] | None = None,
) -> list[R]:
    """`[task(shared, i) for i in range(count)]`, spread over `jobs` processes."""
    global _task, _shared
    jobs = min(jobs, count // MIN_ITEMS_PER_PROCESS)
    if jobs < 2 or "fork" not in multiprocessing.get_all_start_methods():
        results = []
        for i in range(count):
            results.append(task(shared, i))
            if progress and (i + 1) % 50 == 0:
                progress(50)
        if progress:
            progress(count % 50)
        return results
    _task, _shared = task, shared
    try:
        context = multiprocessing.get_context("fork")
        size = max(1, min(200, count // (jobs * 8)))
        ranges = [(start, min(start + size, count)) for start in range(0, count, size)]
        out: list[R] = []
        # The workers share this process's objects until they write to them; hide those
        # objects from the workers' cycle collector, which would otherwise touch (and so
        # copy) every one of them.
        gc.freeze()
        with context.Pool(jobs, initializer=gc.enable) as pool:
            for chunk in pool.imap(_run_range, ranges):
                out.extend(chunk)
                if progress:
                    progress(len(chunk))
        return out
    finally:
        gc.unfreeze()
        _task, _shared = None, None


def _run_range(bounds: tuple[int, int]) -> list[Any]:
    assert _task is not None
    return [_task(_shared, i) for i in range(*bounds)]
