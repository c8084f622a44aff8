"""The command line: parse arguments, run a command, print, exit.

The only module that reads the clock, the environment or exits. Exit status:
0 built, 1 content errors (every one listed), 2 bad usage or configuration.
"""

from __future__ import annotations

import argparse
import errno
import os
import signal
import sys
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from . import __version__
from .dates import from_epoch, parse_datetime
from .parallel import default_jobs
from .pipeline import BuildOptions, BuildResult, Interrupted, Status, build
from .problems import Problems
from .progress import for_terminal
from .scaffold import ScaffoldError, init_site, new_article
from .serve import DevServer
from .write import OutputError, check_output


class UsageError(Exception):
    pass


def main(argv: Sequence[str] | None = None) -> int:
    # SIGTERM (a cancelled or timed-out CI job, a service manager stopping `serve`) stops
    # as Ctrl-C does: the previous output stays whole, no scratch folder is left behind.
    _terminated.clear()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminate)
    try:
        args = _parser().parse_args(argv)
        return int(args.run(args))
    except (UsageError, OutputError, ScaffoldError) as exc:
        print(f"alwaght-ssg: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        how = "terminated" if _terminated else "interrupted"
        if isinstance(exc, Interrupted) and exc.published:
            print(f"alwaght-ssg: {how} after the new pages were in place; build again to finish", file=sys.stderr)
        else:
            print(f"alwaght-ssg: {how}; the previous output is unchanged", file=sys.stderr)
        return 128 + signal.SIGTERM if _terminated else 130


_terminated: list[bool] = []  # non-empty once SIGTERM arrived


def _terminate(signum: int, frame: object) -> None:
    _terminated.append(True)
    raise KeyboardInterrupt


def build_main(argv: Sequence[str] | None = None, site: Path | None = None) -> int:
    """`python build.py [options]`: the build command for one site folder."""
    args = list(argv if argv is not None else sys.argv[1:])
    if site is not None and "--site" not in args:
        args = ["--site", str(site), *args]
    return main(["build", *args])


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="alwaght-ssg", description="Static site generator for news-and-analysis publishers."
    )
    parser.add_argument("--version", action="version", version=f"alwaght-ssg {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def site_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--site", type=Path, default=Path("."), help="the site folder (default: .)")
        p.add_argument("--now", help="the build's 'now' (ISO 8601); default SOURCE_DATE_EPOCH or the clock")
        p.add_argument("--drafts", action="store_true", help="include draft articles")
        p.add_argument("--future", action="store_true", help="include scheduled (future-dated) articles")
        p.add_argument("--base-url", help="override base_url, e.g. https://example.org/newsroom/")
        p.add_argument("--strict", action="store_true", help="treat warnings as errors")
        p.add_argument("--jobs", type=_positive, default=default_jobs(), help="processes to use (default: all cores)")

    b = commands.add_parser("build", help="build the site into --out")
    site_options(b)
    b.add_argument("--out", type=Path, help="output folder (default: SITE/public)")
    b.add_argument("--clean", action="store_true", help="ignore the cache and the previous output; render everything")
    b.set_defaults(run=_build)

    c = commands.add_parser("check", help="check content, templates and links; write nothing")
    site_options(c)
    c.set_defaults(run=_check)

    s = commands.add_parser("serve", help="build, serve on 127.0.0.1, rebuild on save, reload the browser")
    s.add_argument("--site", type=Path, default=Path("."), help="the site folder (default: .)")
    s.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000; 0 picks a free one)")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    s.add_argument("--no-drafts", action="store_true", help="hide drafts (shown while serving, with a banner)")
    s.add_argument("--future", action="store_true", default=True, help="show scheduled articles (the default)")
    s.add_argument("--no-future", dest="future", action="store_false", help="hide scheduled articles")
    s.add_argument("--jobs", type=_positive, default=default_jobs(), help="processes to use (default: all cores)")
    s.set_defaults(run=_serve)

    n = commands.add_parser("new", help="start a new piece of content")
    n.add_argument("kind", choices=["article"])
    n.add_argument("title")
    n.add_argument("--site", type=Path, default=Path("."))
    n.add_argument("--section", help="section slug (default: the first in site.yaml)")
    n.add_argument("--tags", default="", help="comma-separated tags")
    n.add_argument("--now", help="date for the new article (ISO 8601); default the clock")
    n.set_defaults(run=_new)

    i = commands.add_parser("init", help="create a new site folder that builds as it is")
    i.add_argument("directory", type=Path)
    i.set_defaults(run=_init)
    return parser


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more, not {text!r}")
    return int(text)


def _now(text: str | None) -> datetime:
    if text is not None:
        parsed = parse_datetime(text, UTC)
        if isinstance(parsed, str):
            raise UsageError(f"--now is {parsed}")
        return parsed
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        if not epoch.isdigit():
            raise UsageError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970, not {epoch!r}")
        return from_epoch(int(epoch))
    return datetime.now(UTC).replace(microsecond=0)


def _options(args: argparse.Namespace, out: Path | None) -> BuildOptions:
    site = args.site.resolve()
    if not site.is_dir():
        raise UsageError(f"--site {args.site} is not a folder")
    return BuildOptions(
        site=site,
        now=_now(args.now),
        out=out,
        drafts=args.drafts,
        future=args.future,
        base_url=args.base_url,
        strict=args.strict,
        jobs=args.jobs,
        clean=getattr(args, "clean", False),
    )


def _build(args: argparse.Namespace) -> int:
    site = args.site.resolve()
    out = (args.out or site / "public").resolve()
    options = _options(args, out)
    check_output(out, site)
    result = build(options, for_terminal())
    _report(result.problems, wrote=result.wrote)
    if result.status is Status.BUILT:
        _summary(result, out)
    return result.status.value


def _check(args: argparse.Namespace) -> int:
    result = build(_options(args, None), for_terminal())
    _report(result.problems, wrote=True)
    if result.status is Status.BUILT:
        print(f"checked {result.pages} pages: no errors", file=sys.stderr)
    return result.status.value


def _report(problems: Problems, wrote: bool) -> None:
    for problem in problems:
        print(problem.format(), file=sys.stderr)
    if len(problems):
        print(problems.summary(wrote=wrote and not problems.errors), file=sys.stderr)


def _summary(result: BuildResult, out: Path) -> None:
    total = sum(result.timings.values())
    stages = ", ".join(f"{name} {secs * 1000:.0f} ms" for name, secs in result.timings.items())
    try:
        shown = out.relative_to(Path.cwd())
    except ValueError:
        shown = out
    changes = f"{result.written} written, {result.unchanged} unchanged, {result.removed} removed"
    print(
        f"built {result.pages} pages and {result.static} static files into {shown}/ in {total:.2f} s "
        f"({changes}; {stages})",
        file=sys.stderr,
    )


def _serve(args: argparse.Namespace) -> int:
    site = args.site.resolve()
    if not site.is_dir():
        raise UsageError(f"--site {args.site} is not a folder")
    options = BuildOptions(site=site, now=_now(None), drafts=not args.no_drafts, future=args.future, jobs=args.jobs)
    try:
        server = DevServer(options, args.host, args.port, clock=lambda: _now(None))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(f"port {args.port} is in use; stop what uses it or try --port {args.port + 1}") from None
        raise UsageError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None
    try:  # SIGTERM stops it too (see `main`)
        server.run()
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    return 0


def _new(args: argparse.Namespace) -> int:
    site = args.site.resolve()
    problems = Problems()
    path = new_article(site, args.title, args.section, args.tags, _now(args.now), problems)
    _report(problems, wrote=path is not None)
    if path is None:
        return 2
    print(path.relative_to(site).as_posix())
    return 0


def _init(args: argparse.Namespace) -> int:
    target = init_site(args.directory)
    print(f"created a new site in {target}; build it with: alwaght-ssg build --site {args.directory}")
    return 0
