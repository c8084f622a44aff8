"""Progress bars for builds that take more than a moment, on a terminal only.

Input: stage names and item counts from the pipeline. Output: a rich progress
bar on stderr when it is a terminal and `CI` is not set; nothing otherwise,
so logs and tests see only the closing summary.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

# Stages with fewer items than this finish before a bar would be worth drawing.
MIN_ITEMS = 500


class TerminalProgress:
    def __init__(self) -> None:
        self._bar: Progress | None = None

    def start(self, stage: str, total: int) -> Callable[[int], None]:
        self.finish()
        if total < MIN_ITEMS:
            return lambda n: None
        self._bar = Progress(
            TextColumn("{task.description:>8}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._bar.start()
        task = self._bar.add_task(stage, total=total)
        bar = self._bar
        return lambda n: bar.advance(task, n)

    def finish(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


def for_terminal() -> TerminalProgress | None:
    if os.environ.get("CI") or not sys.stderr.isatty():
        return None
    return TerminalProgress()
