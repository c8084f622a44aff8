"""Work on all cores: a fork-based process pool fed with index ranges.

Input: a function, the large read-only value it works on (the site, the
sources), how many items, how many processes. Output: the results in item
order. Workers are forked after the shared value is set, so they inherit it
instead of receiving a pickled copy; only the small results travel back.
Where fork is not available, or the work is small, it runs in this process.

Ctrl-C reaches the whole process group: workers ignore it and the parent,
which gets it as KeyboardInterrupt, stops them (one message, no traceback
from each worker). A worker whose parent was killed stops at its next item
instead of writing on into a build that no longer exists.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
from collections.abc import Callable
from typing import Any, TypeVar

R = TypeVar("R")

MIN_ITEMS_PER_PROCESS = 40  # below this a pool costs more than it saves

_task: Callable[[Any, int], Any] | None = None
_shared: Any = None
_parent: int | None = None


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def run(
    task: Callable[[Any, int], R],
    shared: Any,
    count: int,
    jobs: int,
    progress: Callable[[int], None] | None = None,
    min_per_process: int = MIN_ITEMS_PER_PROCESS,
) -> list[R]:
    """`[task(shared, i) for i in range(count)]`, spread over `jobs` processes.

    `min_per_process`: fewer items than this per process are done here (for small items a
    pool costs more than it saves; for big ones, such as a range of a log, it does not).
    """
    global _task, _shared, _parent
    jobs = min(jobs, count // min_per_process)
    if jobs < 2 or "fork" not in multiprocessing.get_all_start_methods():
        results = []
        for i in range(count):
            results.append(task(shared, i))
            if progress and (i + 1) % 50 == 0:
                progress(50)
        if progress:
            progress(count % 50)
        return results
    _task, _shared, _parent = task, shared, os.getpid()
    try:
        context = multiprocessing.get_context("fork")
        size = max(1, min(200, count // (jobs * 8)))
        ranges = [(start, min(start + size, count)) for start in range(0, count, size)]
        out: list[R] = []
        # The workers share this process's objects until they write to them; hide those
        # objects from the workers' cycle collector, which would otherwise touch (and so
        # copy) every one of them.
        gc.freeze()
        with context.Pool(jobs, initializer=_start_worker) as pool:
            for chunk in pool.imap(_run_range, ranges):
                out.extend(chunk)
                if progress:
                    progress(len(chunk))
        return out
    finally:
        gc.unfreeze()
        _task, _shared, _parent = None, None, None


def _start_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    # The pool stops its workers with SIGTERM when it closes; a handler inherited from the
    # parent (the dev server turns SIGTERM into Ctrl-C) would print a traceback from each.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    gc.enable()


def _run_range(bounds: tuple[int, int]) -> list[Any]:
    assert _task is not None
    results = []
    for i in range(*bounds):
        if os.getppid() != _parent:  # the build was killed; its queued work must not go on
            os._exit(1)
        results.append(_task(_shared, i))
    return results
