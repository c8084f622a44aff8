"""Write a month of made-up web-server logs for the example newsroom into data/analytics/.

python tools/make_example_logs.py [--site DIR] [--end 2026-11-26T11:00:00Z] [--days 30] [--readers 400]

The logs look like what nginx writes in its "combined" format, rotated the way logrotate
leaves them: `access.log` (the last day), `access.log.1` (the day before) and
`access.log.2.gz` (the rest). Besides readers opening articles they hold what real logs
hold: crawlers, stylesheet and image requests, 404s, query strings, HEAD requests, 304s,
old URLs (aliases) and `index.html` variants. The same arguments always give the same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from alwaght_ssg.config import load_config
from alwaght_ssg.graph import build_site
from alwaght_ssg.load import read_sources
from alwaght_ssg.problems import Problems

READERS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 "
    "Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
]
BOTS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
    "curl/8.5.0",
    "-",
]
ASSETS = ["/css/site.css", "/js/tabs.js", "/favicon.svg", "/feed.xml", "/sitemap.xml", "/robots.txt"]
REFERERS = ["-", "https://www.example.com/", "https://news.example.net/today", "https://meridian.example.org/"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--end", default="2026-11-26T11:00:00+00:00", help="time of the last request")
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--readers", type=int, default=400, help="readers' page views per day")
    args = parser.parse_args()
    end = datetime.fromisoformat(args.end.replace("Z", "+00:00"))
    problems = Problems()
    config = load_config(args.site, problems)
    if config is None:
        print("\n".join(p.format() for p in problems), file=sys.stderr)
        return 1
    site = build_site(read_sources(args.site, problems, 1, None), config, end, problems)
    articles = [a for a in site.articles if a.is_published]
    lines = list(_requests(articles, site.config.base_path, end, args.days, args.readers, random.Random(7)))
    folder = args.site / "data" / "analytics"
    folder.mkdir(parents=True, exist_ok=True)
    day = timedelta(days=1)
    newest = [line for when, line in lines if when > end - day]
    middle = [line for when, line in lines if end - 2 * day < when <= end - day]
    oldest = [line for when, line in lines if when <= end - 2 * day]
    (folder / "access.log").write_text("".join(newest), encoding="utf-8")
    (folder / "access.log.1").write_text("".join(middle), encoding="utf-8")
    with open(folder / "access.log.2.gz", "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        gz.write("".join(oldest).encode())
    print(f"wrote {len(lines)} requests into {folder} ({len(newest)} + {len(middle)} + {len(oldest)} lines)")
    return 0


def _requests(articles, base, end, days, per_day, rng):  # type: ignore[no-untyped-def]
    """(time, log line) pairs, oldest first."""
    start = end - timedelta(days=days)
    out = []
    moment = start
    step = timedelta(seconds=86400 / (per_day * 1.6))  # readers, plus bots and assets on top
    while moment < end:
        moment += timedelta(seconds=step.total_seconds() * rng.uniform(0.2, 1.8))
        out.append((moment, _line(articles, base, moment, rng)))
    return [(when, line) for when, line in out if when <= end]


def _line(articles, base, when, rng):  # type: ignore[no-untyped-def]
    roll = rng.random()
    agent = rng.choice(READERS)
    method, status = "GET", 200
    if roll < 0.62:
        path = _article_path(articles, when, rng)
        if rng.random() < 0.12:
            path += rng.choice(["?utm_source=newsletter", "?ref=home", "?utm_medium=social&utm_campaign=weekly"])
        elif rng.random() < 0.05:
            path += "index.html"
        elif rng.random() < 0.05:
            path = path.rstrip("/")
        if rng.random() < 0.08:
            status = 304
    elif roll < 0.80:
        path = rng.choice(ASSETS)
    elif roll < 0.92:
        path = _article_path(articles, when, rng)
        agent = rng.choice(BOTS)
    elif roll < 0.96:
        path = rng.choice(["/wp-login.php", "/old-page/", "/news/2019/missing/", "/.env", "/admin/"])
        status = 404
    else:
        path = _article_path(articles, when, rng)
        method = rng.choice(["HEAD", "POST"])
    address = f"10.{rng.randrange(4)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
    stamp = when.astimezone(UTC).strftime("%d/%b/%Y:%H:%M:%S +0000")
    size = rng.randrange(2_000, 60_000) if status == 200 else 0
    target = base.rstrip("/") + path
    return f'{address} - - [{stamp}] "{method} {target} HTTP/1.1" {status} {size} "{rng.choice(REFERERS)}" "{agent}"\n'


def _article_path(articles, when, rng):  # type: ignore[no-untyped-def]
    """An article published before `when`: recent ones and editor's choice are read more."""
    weights = []
    for article in articles:
        age = (when - article.date).total_seconds() / 86400
        if age < 0:
            weights.append(0.0)
            continue
        weight = 1.0 / (1.0 + age / 4) + (0.6 if article.editors_choice else 0.0) + 0.03
        weight *= 0.5 + (sum(map(ord, article.slug)) % 7) / 4  # some stories simply catch on
        weights.append(weight)
    article = rng.choices(articles, weights)[0]
    if article.aliases and rng.random() < 0.3:
        return article.aliases[0] if article.aliases[0].endswith("/") else article.aliases[0] + "/"
    return article.url


if __name__ == "__main__":
    sys.exit(main())
