"""Helpers for dev-server tests: start `alwaght-ssg serve` for real, follow its events."""

from __future__ import annotations

import http.client
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from conftest import REPO

START = re.compile(r"serving .* at (http://127\.0\.0\.1:(\d+)/) \(files in (.+); Ctrl-C to stop\)")


class Served:
    """A running `alwaght-ssg serve` subprocess on a free loopback port."""

    def __init__(self, site: Path, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "alwaght_ssg", "serve", "--site", str(site), "--port", "0", *args],
            cwd=REPO,
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.log: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        match = self.wait_for_line(START, timeout=60)
        self.url, self.port, self.folder = match.group(1), int(match.group(2)), Path(match.group(3))

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.put(line.rstrip("\n"))

    def wait_for_line(self, pattern: re.Pattern[str], timeout: float) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            self.log.append(line)
            match = pattern.search(line)
            if match:
                return match
        raise AssertionError(f"no line matching {pattern.pattern!r}; the server said:\n" + "\n".join(self.log))

    def get(self, path: str, timeout: float = 60) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url.rstrip("/") + path, timeout=timeout) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8")

    def events(self, since: int = 1) -> Events:
        return Events(self.port, since)

    def stop(self, sig: int = signal.SIGINT) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise


class Events:
    """The server's Server-Sent Events stream, read in a thread."""

    def __init__(self, port: int, since: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.connection.request("GET", f"/__alwaght/events?since={since}")
        self.response = self.connection.getresponse()
        assert self.response.status == 200
        self.names: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            for raw in self.response:
                line = raw.decode().strip()
                if line.startswith("event: "):
                    self.names.put(line[len("event: ") :])
        except (OSError, ValueError):
            return

    def wait_for(self, name: str, timeout: float = 60) -> list[str]:
        """Events seen up to and including the first `name`."""
        seen: list[str] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                event = self.names.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            seen.append(event)
            if event == name:
                return seen
        raise AssertionError(f"no {name!r} event within {timeout} s; saw {seen}")

    def close(self) -> None:
        self.connection.close()
