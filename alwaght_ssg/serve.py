"""The editor's loop: build into a temporary folder, serve it, rebuild on save, reload the browser.

Input: the site folder, where to listen, a clock. Output: an HTTP server on
loopback (unless told otherwise) that serves the last good build, a watcher
that rebuilds incrementally after each burst of changes, and a live-reload
channel (Server-Sent Events) to the open pages. A request that arrives while a
rebuild runs waits for it, so a half-built site is never served. When a
rebuild finds problems, every page shows them over the last good page,
exactly as the terminal prints them; the overlay goes once they are fixed.
Nothing here is ever written into the site's own output folder. The build
cache is kept in memory for the session (cache.Memory), so a rebuild does not
read back from disk what the last one just stored.
"""

from __future__ import annotations

import gc
import html
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from .cache import Memory
from .pipeline import BuildOptions, Status, build
from .search import build_index
from .watch import Watcher

EVENTS = "/__alwaght/events"
SCRIPT = "/__alwaght/reload.js"
WAIT_FOR_BUILD = 60.0  # seconds a request waits for a running rebuild
HEARTBEAT = 15.0

RELOAD_JS = """\
(function () {
  var me = document.currentScript;
  var since = me ? me.getAttribute("data-epoch") : "0";
  var source = new EventSource("EVENTS?since=" + since);
  function reload() { source.close(); location.reload(); }
  source.addEventListener("reload", reload);
  source.addEventListener("problems", reload);
  source.addEventListener("css", function () {
    document.querySelectorAll('link[rel="stylesheet"]').forEach(function (link) {
      var url = new URL(link.href);
      url.searchParams.set("v", String(Date.now()));
      link.href = url.toString();
    });
  });
})();
""".replace("EVENTS", EVENTS)

OVERLAY = """\
<div id="alwaght-overlay" role="alert" style="position:fixed;inset:0;z-index:2147483647;overflow:auto;\
background:rgba(20,20,24,.94);color:#fff;font:15px/1.5 ui-monospace,Menlo,Consolas,monospace;padding:2rem">\
<p style="font:700 1.2rem system-ui,sans-serif;margin:0 0 1rem;color:#ff9b9b">The last change did not build. \
Fix these and save; this page shows the last good build meanwhile.</p>\
<pre style="white-space:pre-wrap;margin:0">%s</pre></div>"""


@dataclass
class _State:
    """What the server knows about the builds, guarded by `changed`."""

    epoch: int = 0  # counts finished builds
    building: bool = False
    event: str = "reload"  # what the last finished build means for open pages
    problems: tuple[str, ...] = ()  # the lines of a failed build, as the terminal shows them
    built_once: bool = False


class DevServer:
    def __init__(
        self,
        options: BuildOptions,
        host: str,
        port: int,
        clock: Callable[[], datetime],
        log: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True),
    ) -> None:
        self.httpd = http.server.ThreadingHTTPServer((host, port), _handler(self))  # port 0: any free one
        self.httpd.daemon_threads = True
        self.temp = Path(tempfile.mkdtemp(prefix="alwaght-serve-"))
        # Indexing a large site for search takes longer than the rest of a rebuild: it runs
        # in the background after each rebuild, so the editor's reload never waits for it.
        self.options = replace(
            options, out=self.temp / "site", base_url=self.url, search_index=False, views_now=options.now
        )
        self._index_wanted = threading.Event()
        self._stopping = threading.Event()
        self._indexing: list[subprocess.Popen[str]] = []
        self._indexer = threading.Thread(target=self._index_forever, name="alwaght-search-index", daemon=True)
        self.clock = clock
        self.log = log
        self.state = _State()
        self.memory = Memory()  # the cache's values, kept between rebuilds
        self.changed = threading.Condition()
        self._build_lock = threading.Lock()
        self.watcher = Watcher(options.site, self.rebuild, ignore=(options.site / "public", self.temp))

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}/" if isinstance(host, str) else f"http://{host.decode()}:{port}/"

    def run(self) -> None:
        """Serve until interrupted; always removes the temporary folder."""
        try:
            self.rebuild(set())
            self._indexer.start()
            self.watcher.start()
            self.log(
                f"serving {self.options.site.name or self.options.site} at {self.url} "
                f"(files in {self.temp}; Ctrl-C to stop)"
            )
            self.httpd.serve_forever(poll_interval=0.25)
        finally:
            self._stopping.set()
            self.watcher.stop()
            self.httpd.server_close()
            for proc in self._indexing:  # an indexer still running must not write into a removed folder
                if proc.poll() is None:
                    proc.terminate()
                    proc.wait(timeout=30)
            shutil.rmtree(self.temp, ignore_errors=True)

    def rebuild(self, changed: set[Path]) -> None:
        with self._build_lock:
            # The cycle collector stays off until the open pages have been told: what the build
            # leaves behind (the renderer's reference cycles hold its graph) is collected after
            # that. The cache's values (millions of objects on a large site) stay in memory for
            # the whole session: they are then frozen, so that the collector never walks them
            # again, which would stall a later reload.
            enabled = gc.isenabled()
            gc.disable()
            try:
                self._rebuild(changed)
            finally:
                if enabled:
                    gc.enable()
                gc.collect(1)
                gc.freeze()

    def _rebuild(self, changed: set[Path]) -> None:
        with self.changed:
            self.state.building = True
            self.changed.notify_all()
        started = time.perf_counter()
        try:
            result = build(replace(self.options, now=self.clock()), memory=self.memory)
        except Exception as exc:  # a bug of ours must not take the editor's server down
            self._finish("problems", (f"alwaght-ssg: internal error while building: {exc!r}",))
            self.log(f"rebuild failed with an internal error: {exc!r}")
            return
        seconds = time.perf_counter() - started
        lines = tuple(p.format() for p in result.problems)
        what = _describe(changed, self.options.site)
        if result.status is Status.BUILT:
            only_css = bool(changed) and all(p.suffix == ".css" for p in changed) and self.state.built_once
            self._finish("css" if only_css and not self.state.problems else "reload", (), built=True)
            if result.written and result.search:
                self._index_wanted.set()
            for line in lines:
                self.log(line)
            files = "file" if result.written == 1 else "files"
            self.log(f"{what}: {result.written} {files} written in {seconds:.2f} s")
        else:
            summary = result.problems.summary(wrote=False)
            self._finish("problems", (*lines, summary))
            for line in lines:
                self.log(line)
            self.log(f"{what}: {summary}; the browser shows them too")

    def _index_forever(self) -> None:
        while True:
            self._index_wanted.wait()
            self._index_wanted.clear()
            out = self.options.out
            if out is not None and out.is_dir() and not self._stopping.is_set():
                failure = build_index(out, started=self._indexer_started)
                if failure and not self._stopping.is_set():
                    self.log(failure)

    def _indexer_started(self, proc: subprocess.Popen[str]) -> None:
        self._indexing.append(proc)
        # Indexing takes longer than a rebuild and both want every core: the editor's
        # rebuild goes first, the index catches up when the editor pauses.
        with suppress(OSError, AttributeError):  # no setpriority on Windows
            os.setpriority(os.PRIO_PROCESS, proc.pid, 10)

    def _finish(self, event: str, problems: tuple[str, ...], built: bool = False) -> None:
        with self.changed:
            self.state.building = False
            self.state.epoch += 1
            self.state.event = event
            self.state.problems = problems
            self.state.built_once = self.state.built_once or built
            self.changed.notify_all()

    def wait_until_built(self) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: not self.state.building, timeout=WAIT_FOR_BUILD)


def _describe(changed: set[Path], root: Path) -> str:
    if not changed:
        return "first build"
    names = sorted(
        p.relative_to(root.resolve()).as_posix() if p.is_relative_to(root.resolve()) else str(p) for p in changed
    )
    return names[0] + (f" and {len(names) - 1} more" if len(names) > 1 else "") + " changed"


def _handler(server: DevServer) -> type[http.server.SimpleHTTPRequestHandler]:
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(server.options.out), **kwargs)  # type: ignore[arg-type]

        def log_message(self, format: str, *args: object) -> None:
            pass  # one line per rebuild is what the editor reads, not one per request

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if parts.path == EVENTS:
                since = parse_qs(parts.query).get("since", ["0"])[0]
                self._events(int(since) if since.isdigit() else 0)
            elif parts.path == SCRIPT:
                self._send(200, "text/javascript; charset=utf-8", RELOAD_JS.encode())
            elif not server.wait_until_built():
                self._send(503, "text/plain; charset=utf-8", b"the site is still being rebuilt; try again\n")
            else:
                self._page(unquote(parts.path))

        def _page(self, path: str) -> None:
            out = Path(str(server.options.out)).resolve()
            with server.changed:
                problems, epoch, built = server.state.problems, server.state.epoch, server.state.built_once
            if not built:  # the first build failed: there is no good page to show under the problems
                self._send(
                    500, "text/html; charset=utf-8", _inject(b"<!DOCTYPE html><title>Problems</title>", problems, epoch)
                )
                return
            target = (out / path.lstrip("/")).resolve()
            if not target.is_relative_to(out):
                target = out / "missing"
            if target.is_dir():
                if not path.endswith("/"):
                    self.send_response(301)
                    self.send_header("Location", path + "/")
                    self.end_headers()
                    return
                target = target / "index.html"
            if not target.is_file():
                missing = out / "404.html"
                body = missing.read_bytes() if missing.is_file() else b"<!DOCTYPE html><title>Not found</title>"
                self._send(404, "text/html; charset=utf-8", _inject(body, problems, epoch))
            elif target.suffix == ".html":
                self._send(200, "text/html; charset=utf-8", _inject(target.read_bytes(), problems, epoch))
            else:
                super().do_GET()

        def _send(self, status: int, kind: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def end_headers(self) -> None:
            self.send_header("Cache-Control", "no-store")
            super().end_headers()

        def _events(self, since: int) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "keep-alive")
            self.end_headers()
            seen = since
            try:
                self.wfile.write(b": connected\n\n")
                self.wfile.flush()
                building_sent = False
                while True:
                    with server.changed:
                        server.changed.wait_for(_news(server.state, seen, building_sent), timeout=HEARTBEAT)
                        state = replace(server.state)
                    if state.building and not building_sent:
                        self.wfile.write(b"event: building\ndata: {}\n\n")
                        building_sent = True
                    elif state.epoch != seen and not state.building:
                        if seen or since:
                            self.wfile.write(f"id: {state.epoch}\nevent: {state.event}\ndata: {{}}\n\n".encode())
                        seen, building_sent = state.epoch, False
                    else:
                        self.wfile.write(b": heartbeat\n\n")
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError, OSError):
                return

    return Handler


def _news(state: _State, seen: int, building_sent: bool) -> Callable[[], bool]:
    """Whether an events stream has something to tell: a build started or finished."""
    return lambda: state.epoch != seen or state.building != building_sent


def _inject(page: bytes, problems: tuple[str, ...], epoch: int) -> bytes:
    """The reload script (and the problems overlay) at the end of a page's body."""
    extra = f'<script src="{SCRIPT}" data-epoch="{epoch}"></script>'
    if problems:
        extra = OVERLAY % html.escape("\n".join(problems)) + extra
    data = extra.encode()
    at = page.rfind(b"</body>")
    return page[:at] + data + page[at:] if at != -1 else page + data
