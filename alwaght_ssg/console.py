"""Where the command starts: `alwaght-ssg`, `python -m alwaght_ssg` and `python build.py`.

Only the standard library is imported here, so that a Ctrl-C while the libraries load
(Jinja, Markdown, numpy: a noticeable moment on a cold machine) is one line and exit
status 130, not a traceback. After the command, a late Ctrl-C is ignored: the work is done.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

EARLY = "alwaght-ssg: interrupted; nothing was written"


def main() -> int:
    """The `alwaght-ssg` console script and `python -m alwaght_ssg`."""
    return _run(lambda cli: cli.main())


def build_main(site: Path) -> int:
    """`python build.py [build options]`: builds the site folder `site`."""
    return _run(lambda cli: cli.build_main(site=site))


def _run(command: Callable[[ModuleType], int]) -> int:
    try:
        from . import cli
    except KeyboardInterrupt:
        print(EARLY, file=sys.stderr)
        return 130
    status = command(cli)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the work is done: no message to print on the way out
    return status
