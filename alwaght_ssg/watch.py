"""Watch a site folder and call back once per burst of changes.

Input: the site folder and a callback. Output: calls of the callback with the
set of changed paths, after the folder has been quiet for a moment, so one
save is one rebuild and a `git checkout` touching 500 files is one rebuild
too. Built output, the cache, editors' swap files and hidden files are ignored.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

WATCHED = ("site.yaml", "content", "templates", "static", "data")
QUIET = 0.08  # seconds without events that end a burst (a git checkout writes faster than this)
LONGEST = 2.0  # a burst that never goes quiet still rebuilds after this long


class Watcher(FileSystemEventHandler):
    def __init__(self, root: Path, on_change: Callable[[set[Path]], None], ignore: tuple[Path, ...] = ()) -> None:
        self.root = root.resolve()
        self.on_change = on_change
        self.ignore = tuple(p.resolve() for p in ignore)
        self._changed: set[Path] = set()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._observer = Observer()
        self._thread = threading.Thread(target=self._debounce, name="alwaght-watch", daemon=True)

    def start(self) -> None:
        self._observer.schedule(self, str(self.root), recursive=True)
        self._observer.start()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._observer.stop()
        self._observer.join(timeout=5)

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        if event.is_directory and event.event_type in ("modified", "created"):
            return  # the files saved in a folder have events of their own, which say more
        paths = [event.src_path, getattr(event, "dest_path", "")]
        relevant = {Path(str(p)) for p in paths if p and self._relevant(Path(str(p)))}
        if relevant:
            with self._lock:
                self._changed |= relevant
            self._wake.set()

    def _relevant(self, path: Path) -> bool:
        try:
            rel = path.resolve().relative_to(self.root)
        except ValueError:
            return False
        if any(path.resolve().is_relative_to(p) for p in self.ignore):
            return False
        if not rel.parts or rel.parts[0] not in WATCHED:
            return False
        name = rel.name
        return not (name.startswith(".") or name.endswith(("~", ".swp", ".swx", ".tmp")))

    def _debounce(self) -> None:
        while not self._stop.is_set():
            self._wake.wait()
            if self._stop.is_set():
                return
            started = time.monotonic()
            while True:  # wait for the burst to go quiet
                self._wake.clear()
                if not self._wake.wait(QUIET) or time.monotonic() - started > LONGEST:
                    break
            with self._lock:
                changed, self._changed = self._changed, set()
            if changed:
                self.on_change(changed)
