"""Most Viewed from real traffic: small hand-written logs and exports on disk, counted exactly.

Each test writes a site with a few articles and the files of `data/analytics/`, then reads
them the way a build does (`read_views`, then the graph's ranking) or builds with the real
CLI. The build's now is 2026-11-26 12:00 UTC throughout.
"""

from __future__ import annotations

import codecs
import gzip
import os
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from alwaght_ssg import accesslog, traffic
from alwaght_ssg.analytics import read_views
from alwaght_ssg.cache import Cache
from alwaght_ssg.config import load_config
from alwaght_ssg.graph import Visibility, build_site
from alwaght_ssg.load import read_sources
from alwaght_ssg.model import Site
from alwaght_ssg.pipeline import BuildOptions, Status, build
from alwaght_ssg.problems import Problems
from alwaght_ssg.traffic import Counts, view_path
from conftest import NOW, NOW_ISO, article, run_cli, write_site

READER = "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0"
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) Safari/604.1"
CONFIG = """\
title: Test Desk
base_url: https://news.example.org/
timezone: UTC
"""
ARTICLES = {
    "content/articles/storm.md": article("Storm warning", "2026-11-20 09:00", slug="storm", section="news"),
    "content/articles/port.md": article("Port reopens", "2026-11-21 09:00", slug="port", section="news"),
    "content/articles/budget.md": article(
        "Budget passes", "2026-11-10 09:00", slug="budget", section="news", aliases="[/old/budget-story/]"
    ),
    "content/articles/draft.md": article("Draft", "2026-11-22 09:00", slug="draft", section="news", draft="true"),
    "content/articles/later.md": article("Later", "2026-12-22 09:00", slug="later", section="news"),
}
STORM, PORT, BUDGET = "/news/2026/11/storm/", "/news/2026/11/port/", "/news/2026/11/budget/"


def line(
    path: str,
    when: str = "26/Nov/2026:11:00:00 +0000",
    status: int = 200,
    method: str = "GET",
    agent: str = READER,
    address: str = "10.0.0.1",
) -> str:
    return f'{address} - - [{when}] "{method} {path} HTTP/1.1" {status} 5120 "-" "{agent}"\n'


def make(tmp_path: Path, files: dict[str, str | bytes], config: str = CONFIG) -> Path:
    root = write_site(tmp_path / "site", dict(ARTICLES), config)
    for rel, data in files.items():
        target = root / "data" / "analytics" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            target.write_bytes(data)
        else:
            target.write_text(data, encoding="utf-8")
    return root


def counted(root: Path, now: datetime = NOW, jobs: int = 1) -> tuple[Site, Problems]:
    problems = Problems()
    config = load_config(root, problems)
    assert config is not None, [p.format() for p in problems]
    cache = Cache(root / ".cache")
    try:
        views = read_views(root, config, now, problems, cache, jobs)
        sources = read_sources(root, problems, 1, None)
        site = build_site(sources, config, now, problems, Visibility(), None, None, views)
    finally:
        cache.close()
    return site, problems


def ranking(site: Site, window: str = "day") -> list[tuple[str, int]]:
    return [(entry.article.url, entry.views) for entry in site.most_viewed[window]]


# --- access logs ------------------------------------------------------------------------


def test_only_successful_gets_of_pages_by_readers_are_counted(tmp_path: Path) -> None:
    log = "".join(
        [
            line(STORM),
            line(STORM, status=304),
            line(STORM + "?utm_source=newsletter#top"),
            line(STORM + "index.html"),
            line(STORM.rstrip("/")),
            line("https://news.example.org" + STORM),
            line(STORM, status=404),
            line(STORM, status=500),
            line(STORM, method="POST"),
            line(STORM, method="HEAD"),
            line(STORM, agent="Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"),
            line(STORM, agent="curl/8.5.0"),
            line(STORM, agent="-"),
            line("/css/site.css"),
            line(STORM + "photo.jpg"),
            line("/feed.xml"),
            line(PORT, agent=PHONE),
        ]
    )
    site, problems = counted(make(tmp_path, {"access.log": log}))
    assert [p.format() for p in problems] == []
    assert ranking(site) == [(STORM, 6), (PORT, 1)]


def test_common_log_format_without_agent_is_counted(tmp_path: Path) -> None:
    log = f'10.0.0.1 - - [26/Nov/2026:11:00:00 +0000] "GET {PORT} HTTP/1.0" 200 512\n' * 3
    site, _ = counted(make(tmp_path, {"access.log": log}))
    assert ranking(site) == [(PORT, 3)]


def test_the_base_path_is_taken_off_and_other_paths_ignored(tmp_path: Path) -> None:
    config = CONFIG.replace("https://news.example.org/", "https://news.example.org/desk/")
    log = line("/desk" + STORM) + line("/desk" + STORM) + line(STORM) + line("/desk")
    site, _ = counted(make(tmp_path, {"access.log": log}, config))
    assert ranking(site) == [(STORM, 2)]


def test_escaped_arabic_slugs_are_matched(tmp_path: Path) -> None:
    root = make(tmp_path, {})
    (root / "content/articles/arabic.md").write_text(
        article("عاصفة", "2026-11-19 09:00", slug="عاصفة-الساحل", section="news"), encoding="utf-8"
    )
    escaped = "/news/2026/11/%D8%B9%D8%A7%D8%B5%D9%81%D8%A9-%D8%A7%D9%84%D8%B3%D8%A7%D8%AD%D9%84/"
    (root / "data/analytics").mkdir(parents=True)
    (root / "data/analytics/access.log").write_text(line(escaped) * 2 + line(escaped.lower()), encoding="utf-8")
    site, _ = counted(root)
    assert ranking(site) == [("/news/2026/11/عاصفة-الساحل/", 3)]


def test_rotated_and_compressed_logs_add_up(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "access.log": line(STORM) * 2,
        "access.log.1": line(STORM, when="26/Nov/2026:01:00:00 +0000"),
        "access.log.2.gz": gzip.compress((line(PORT, when="25/Nov/2026:20:00:00 +0000") * 4).encode(), mtime=0),
    }
    site, problems = counted(make(tmp_path, files))
    assert [p.format() for p in problems] == []
    assert ranking(site) == [(PORT, 4), (STORM, 3)]


def test_malformed_lines_are_one_warning_per_file(tmp_path: Path) -> None:
    log = (
        line(STORM)
        + line(STORM)
        + "this is not a log line\n"
        + line(STORM, when="31/Foo/2026:11:00:00 +0000")
        + "\x00\xff\xfe binary junk \x01\n"
        + line(STORM)
    )
    root = make(tmp_path, {"access.log": log})
    for _ in range(2):  # the second time from the cache: the warning stays until the file is fixed
        site, problems = counted(root)
        assert [p.format() for p in problems] == [
            "data/analytics/access.log: warning: 3 malformed lines skipped (first at line 3)"
        ]
        assert ranking(site) == [(STORM, 3)]


def test_a_log_read_by_several_readers_numbers_its_lines_from_the_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = line(STORM)
    long = line(PORT).replace('"-"', '"' + "r" * 3000 + '"')  # longer than a reader's span
    log = good * 40 + "first junk\n" + good * 40 + long + good * 5 + "second junk\n" + good
    root = make(tmp_path, {"access.log": log})
    monkeypatch.setattr(accesslog, "SPAN", 1024)  # a reader every few lines
    monkeypatch.setattr(accesslog, "BLOCK", 4096)
    site, problems = counted(root)
    assert [p.format() for p in problems] == [
        "data/analytics/access.log: warning: 2 malformed lines skipped (first at line 41)"
    ]
    assert ranking(site) == [(STORM, 86), (PORT, 1)]
    monkeypatch.setattr(accesslog, "SPAN", 96 << 20)
    (root / ".cache").rename(root / ".cache-small")
    _, whole = counted(root)
    assert [p.format() for p in whole] == [p.format() for p in problems]


def test_a_truncated_gz_keeps_what_came_before(tmp_path: Path) -> None:
    whole = gzip.compress((line(STORM) * 5000).encode(), mtime=0)
    site, problems = counted(make(tmp_path, {"access.log.2.gz": whole[: len(whole) // 2]}))
    (message,) = [p.format() for p in problems]
    views = ranking(site)[0][1]
    assert 1000 < views < 5000
    # the line cut in two is malformed; the ones before it count
    assert message == (
        f"data/analytics/access.log.2.gz: warning: 1 malformed line skipped (first at line {views + 1}); "
        "the .gz file ends early or is damaged: the lines before it were counted"
    )


def test_a_file_that_is_not_a_log_is_a_warning(tmp_path: Path) -> None:
    site, problems = counted(make(tmp_path, {"notes.log": "nothing to see\nhere\n", "access.log": line(PORT)}))
    assert [p.format() for p in problems] == [
        "data/analytics/notes.log: warning: no line in Common or Combined Log Format: file skipped"
    ]
    assert ranking(site) == [(PORT, 1)]


def test_an_unreadable_file_is_an_error_with_its_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make(tmp_path, {"access.log": line(PORT)})
    real_open = Path.open

    def refuse(self: Path, *args: object, **kwargs: object) -> object:
        if self.name == "access.log":
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", refuse)
    _, problems = counted(root)
    assert [p.format() for p in problems] == [
        "data/analytics/access.log: error: cannot read this analytics file: Permission denied"
    ]


def test_extra_bot_markers_from_site_yaml(tmp_path: Path) -> None:
    config = CONFIG + "most_viewed:\n  bots: [NewsroomMonitor]\n"
    log = line(STORM) + line(STORM, agent="NewsroomMonitor/1.0 (+https://news.example.org)")
    site, _ = counted(make(tmp_path, {"access.log": log}, config))
    assert ranking(site) == [(STORM, 1)]


# --- windows and ranking --------------------------------------------------------------------


def test_window_edges(tmp_path: Path) -> None:
    log = "".join(
        [
            line(STORM, when="25/Nov/2026:12:00:00 +0000"),  # exactly 24 h before now: in the day
            line(PORT, when="25/Nov/2026:11:59:59 +0000"),  # a second earlier: week only
            line(BUDGET, when="19/Nov/2026:12:00:00 +0000"),  # exactly 7 days before: week
            line(BUDGET, when="19/Nov/2026:11:59:59 +0000"),  # month only
            line(BUDGET, when="27/Oct/2026:12:00:00 +0000"),  # exactly 30 days before: month
            line(BUDGET, when="27/Oct/2026:11:59:59 +0000"),  # counted nowhere
            line(STORM, when="26/Nov/2026:12:00:00 +0000"),  # at now: not yet
        ]
    )
    site, _ = counted(make(tmp_path, {"access.log": log}))
    assert ranking(site, "day") == [(STORM, 1)]
    assert ranking(site, "week") == [(PORT, 1), (STORM, 1), (BUDGET, 1)]  # ties: the newer article first
    assert ranking(site, "month") == [(BUDGET, 3), (PORT, 1), (STORM, 1)]


def test_ranking_ties_go_to_the_newer_article_then_the_slug(tmp_path: Path) -> None:
    root = make(tmp_path, {"access.log": line(STORM) + line(PORT) + line(BUDGET) * 2})
    (root / "content/articles/port-twin.md").write_text(
        article("Port twin", "2026-11-21 09:00", slug="another-port", section="news"), encoding="utf-8"
    )
    with (root / "data/analytics/access.log").open("a", encoding="utf-8") as log:
        log.write(line("/news/2026/11/another-port/"))
    site, _ = counted(root)
    assert ranking(site) == [(BUDGET, 2), ("/news/2026/11/another-port/", 1), (PORT, 1), (STORM, 1)]


def test_old_urls_keep_their_views(tmp_path: Path) -> None:
    log = line(BUDGET) + line("/old/budget-story/") + line("/old/budget-story")
    site, _ = counted(make(tmp_path, {"access.log": log}))
    assert ranking(site) == [(BUDGET, 3)]


def test_drafts_scheduled_and_deleted_articles_never_appear(tmp_path: Path) -> None:
    log = line("/news/2026/11/draft/") * 5 + line("/news/2026/12/later/") * 5 + line("/news/gone/") * 5 + line(PORT)
    root = make(tmp_path, {"access.log": log})
    problems = Problems()
    config = load_config(root, problems)
    assert config is not None
    views = read_views(root, config, NOW, problems, Cache(None), 1)
    shown_all = Visibility(drafts=True, future=True)
    site = build_site(read_sources(root, problems, 1, None), config, NOW, problems, shown_all, None, None, views)
    assert "/news/2026/11/draft/" in {a.url for a in site.articles}  # shown while serving ...
    assert ranking(site) == [(PORT, 1)]  # ... but never among the most viewed


def test_windows_can_end_at_the_newest_request(tmp_path: Path) -> None:
    config = CONFIG + "most_viewed:\n  until: latest\n"
    log = line(STORM, when="01/Nov/2026:10:30:00 +0000") + line(PORT, when="31/Oct/2026:09:00:00 +0000")
    site, _ = counted(make(tmp_path, {"access.log": log}, config))
    assert ranking(site, "day") == [(STORM, 1)]
    assert site.views_until == datetime.fromisoformat("2026-11-01T11:00:00+00:00")


def test_unique_visitors_count_once_a_day(tmp_path: Path) -> None:
    config = CONFIG + "most_viewed:\n  measure: visitors\n"
    log = (
        line(STORM, address="10.0.0.1") * 3
        + line(STORM, address="10.0.0.1", agent=PHONE)
        + line(STORM, address="10.0.0.2")
        + line(STORM, address="10.0.0.1", when="25/Nov/2026:09:00:00 +0000")
        + line(PORT, address="10.0.0.1") * 4
    )
    site, _ = counted(make(tmp_path, {"access.log": log}, config))
    assert ranking(site, "day") == [(STORM, 3), (PORT, 1)]
    assert ranking(site, "week") == [(STORM, 4), (PORT, 1)]


def test_visitors_read_in_ranges_count_the_same_by_the_sites_calendar(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = CONFIG.replace("timezone: UTC", "timezone: Asia/Tehran") + "most_viewed:\n  measure: visitors\n"
    assert "Asia/Tehran" in config
    start = datetime(2026, 11, 24, 18, 0)  # 21:30 in Tehran: the local day ends within the log
    rows, expected = [], set()
    for i in range(2500):  # to 11:40 UTC on the 26th, before the build's now
        when = start + timedelta(minutes=i)
        address, agent = f"10.0.0.{i % 37}", (READER, PHONE)[i % 2]
        target = (STORM, PORT)[i % 3 == 0]
        rows.append(line(target, when=when.strftime("%d/%b/%Y:%H:%M:%S +0000"), address=address, agent=agent))
        local_day = (when + timedelta(hours=3, minutes=30)).date()
        expected.add((target, address, agent, local_day))
    for hour in (19, 21):  # one reader, one UTC day, two days in Tehran: counted twice
        rows.append(line(STORM, when=f"24/Nov/2026:{hour}:00:00 +0000", address="10.9.9.9"))
        expected.add((STORM, "10.9.9.9", READER, hour))
    root = make(tmp_path, {"access.log": "".join(rows)}, config)
    want = sorted(((path, sum(1 for e in expected if e[0] == path)) for path in (STORM, PORT)), key=lambda r: -r[1])
    single, _ = counted(root)
    assert ranking(single, "week") == want
    (root / ".cache").rename(root / ".cache-one")
    monkeypatch.setattr("alwaght_ssg.analytics.SPLIT_AT", 1000)
    monkeypatch.setattr(accesslog, "BLOCK", 16 << 10)
    monkeypatch.setattr(accesslog, "VISIT_ROWS", 500)  # each worker drops repeat views as it goes
    split, _ = counted(root, jobs=2)
    assert ranking(split, "week") == want


def test_visitor_keys_depend_on_the_bytes_alone() -> None:
    values = [b"10.0.0.1", b"", b"10.0.0.10", b"10.0.0.1", "Mozilla/5.0 (Linux) \u0645".encode(), b"\x00", b"\x00\x00"]
    keys = accesslog._hashes(pa.array(values, pa.binary())).tolist()
    assert keys[0] == keys[3]
    assert len(set(keys)) == len(values) - 1  # the rest all differ, the empty value included
    sliced = accesslog._hashes(pa.array([b"x", *values], pa.binary()).slice(1)).tolist()
    assert sliced == keys  # a slice of a bigger array (its offsets do not start at 0)


def test_a_big_log_read_in_ranges_on_two_cores_counts_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = "".join(line(STORM if i % 3 else PORT, address=f"10.0.{i % 200}.{i % 250}") for i in range(30000))
    root = make(tmp_path, {"access.log": log})
    single, _ = counted(root)
    (root / ".cache").rename(root / ".cache-one")
    monkeypatch.setattr("alwaght_ssg.analytics.SPLIT_AT", 1000)
    monkeypatch.setattr(accesslog, "BLOCK", 64 << 10)
    split, _ = counted(root, jobs=2)
    assert ranking(single) == ranking(split) == [(STORM, 20000), (PORT, 10000)]


# --- the cache ------------------------------------------------------------------------------


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    calls: list[tuple[str, int]] = []
    real = accesslog.read_part

    def spy(path: Path, compressed: bool, start: int, *rest: object) -> object:
        calls.append((path.name, start))
        return real(path, compressed, start, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(accesslog, "read_part", spy)
    return calls


def test_one_unchanged_log_is_counted_from_its_stored_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make(tmp_path, {"access.log": line(STORM) * 3 + line(PORT)})
    reads = _reads(monkeypatch)
    assert ranking(counted(root)[0]) == [(STORM, 3), (PORT, 1)]
    assert ranking(counted(root)[0]) == [(STORM, 3), (PORT, 1)]
    assert len(reads) == 1
    cache = Cache(root / ".cache")
    cache.forget("views:")  # the file's summary, which the merged result points to, is gone
    cache.close()
    assert ranking(counted(root)[0]) == [(STORM, 3), (PORT, 1)]
    assert len(reads) == 2  # read again, not counted as nothing


def test_a_grown_log_is_read_from_where_the_last_build_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make(tmp_path, {"access.log": line(STORM) * 2000})
    reads = _reads(monkeypatch)
    assert ranking(counted(root)[0]) == [(STORM, 2000)]
    size = (root / "data/analytics/access.log").stat().st_size
    assert ranking(counted(root)[0]) == [(STORM, 2000)]
    assert reads == [("access.log", 0)]  # the unchanged log was not read again
    with (root / "data/analytics/access.log").open("a", encoding="utf-8") as log:
        log.write(line(PORT) * 3 + line(STORM)[:40])  # a line still being written
    assert ranking(counted(root)[0]) == [(STORM, 2000), (PORT, 3)]
    assert reads[1:] == [("access.log", size)]
    with (root / "data/analytics/access.log").open("a", encoding="utf-8") as log:
        log.write(line(STORM)[40:])
    assert ranking(counted(root)[0]) == [(STORM, 2001), (PORT, 3)]


def test_a_rotated_log_is_recognised_and_the_new_one_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make(tmp_path, {"access.log": line(STORM) * 2000})
    folder = root / "data/analytics"
    reads = _reads(monkeypatch)
    counted(root)
    (folder / "access.log").rename(folder / "access.log.1")
    (folder / "access.log").write_text(line(PORT) * 3, encoding="utf-8")
    assert ranking(counted(root)[0]) == [(STORM, 2000), (PORT, 3)]
    assert reads == [("access.log", 0), ("access.log", 0)]  # the old log, then only the new one
    (folder / "access.log.1").unlink()
    assert ranking(counted(root)[0]) == [(PORT, 3)]


def test_a_rewritten_log_is_read_again(tmp_path: Path) -> None:
    root = make(tmp_path, {"access.log": line(STORM) * 2000})
    counted(root)
    log = root / "data/analytics/access.log"
    log.write_text(line(STORM) * 1000, encoding="utf-8")  # shorter: not a grown log
    os.utime(log, ns=(1, 1))
    assert ranking(counted(root)[0]) == [(STORM, 1000)]


def test_changing_the_bot_list_recounts(tmp_path: Path) -> None:
    root = make(tmp_path, {"access.log": line(STORM) + line(STORM, agent="DeskWatch/2")})
    assert ranking(counted(root)[0]) == [(STORM, 2)]
    (root / "site.yaml").write_text(CONFIG + "most_viewed:\n  bots: [DeskWatch]\n", encoding="utf-8")
    assert ranking(counted(root)[0]) == [(STORM, 1)]


# --- exports --------------------------------------------------------------------------------


def test_goatcounter_export(tmp_path: Path) -> None:
    header = (
        "2Path,Title,Event,UserAgent,Browser,System,Session,Bot,Referrer,Referrer scheme,"
        "Screen size,Location,FirstVisit,Date\n"
    )
    rows = [
        f"{STORM},Storm,false,,Firefox 132,Linux,s1,0,,,,NL,true,2026-11-26T10:15:00Z",
        f"{STORM},Storm,false,,Firefox 132,Linux,s1,0,,,,NL,false,2026-11-26T10:20:00Z",
        f"{STORM},Storm,false,,Chrome 131,Android,s2,0,,,,DE,true,2026-11-20T10:20:00Z",
        f"{STORM},Storm,false,,,,s3,3,,,,US,true,2026-11-26T10:25:00Z",  # a bot
        "share-click,Share,true,,Firefox 132,Linux,s1,0,,,,NL,false,2026-11-26T10:21:00Z",  # an event
        f"{PORT},Port,false,,Safari 18,iOS,s4,0,,,,FR,true,2026-11-26T09:00:00Z",
    ]
    data = gzip.compress((header + "\n".join(rows) + "\n").encode(), mtime=0)
    site, problems = counted(make(tmp_path, {"goatcounter-export.csv.gz": data}))
    assert [p.format() for p in problems] == []
    assert ranking(site, "day") == [(STORM, 2), (PORT, 1)]
    assert ranking(site, "week") == [(STORM, 3), (PORT, 1)]


def test_plausible_export_without_dates_takes_its_period_from_the_file_name(tmp_path: Path) -> None:
    csv = f"name,visitors,pageviews,bounce_rate,time_on_page\n{STORM},90,150,40,120\n{PORT},10,30,50,60\n"
    site, problems = counted(make(tmp_path, {"pages-2026-11-21-2026-11-25.csv": csv}))
    assert [p.format() for p in problems] == []
    assert ranking(site, "week") == [(STORM, 150), (PORT, 30)]  # 21-25 November lies in the week
    assert ranking(site, "day") == [(STORM, 15), (PORT, 3)]  # 12 hours of those 5 days: a tenth


def test_plausible_export_with_dates(tmp_path: Path) -> None:
    csv = (
        "date,hostname,page,visits,visitors,pageviews,total_time_on_page\n"
        f"2026-11-25,news.example.org,{STORM},10,8,24,300\n"
        f"2026-11-20,news.example.org,{STORM},10,8,6,300\n"
        f"2026-11-25,news.example.org,{PORT},10,8,12,300\n"
    )
    site, _ = counted(make(tmp_path, {"imported_pages.csv": csv}))
    # 25 November is spread over its 24 hours; the day window (from 25 Nov 12:00) holds half of it
    assert ranking(site, "day") == [(STORM, 12), (PORT, 6)]
    assert ranking(site, "week") == [(STORM, 30), (PORT, 12)]


def test_umami_export_with_export_days_from_site_yaml(tmp_path: Path) -> None:
    config = CONFIG + "most_viewed:\n  export_days: 10\n"
    csv = f"x,y\n{STORM},100\n{PORT},40\n"
    site, _ = counted(make(tmp_path, {"umami-pages.csv": csv}, config))
    assert ranking(site, "day") == [(STORM, 10), (PORT, 4)]
    assert ranking(site, "month") == [(STORM, 100), (PORT, 40)]


def test_matomo_export_in_utf16_with_dates(tmp_path: Path) -> None:
    csv = (
        "date,label,nb_visits,nb_hits,sum_time_spent,url\n"
        f"2026-11-25,storm,10,48,100,https://news.example.org{STORM}\n"
        f"2026-11-24,/news/2026/11/port/,5,20,100,\n"
    )
    data = codecs.BOM_UTF16_LE + csv.encode("utf-16-le")
    site, problems = counted(make(tmp_path, {"matomo.csv": data}))
    assert [p.format() for p in problems] == []
    assert ranking(site, "week") == [(STORM, 48), (PORT, 20)]


def test_plain_path_date_views_export(tmp_path: Path) -> None:
    csv = (
        f"path,date,views\n{STORM},2026-11-26T10:00:00Z,7\n{PORT},2026-11-26T09:00:00+00:00,9\n/tags/x/,2026-11-26,99\n"
    )
    site, _ = counted(make(tmp_path, {"views.csv": csv}))
    assert ranking(site, "day") == [(PORT, 9), (STORM, 7)]


def test_an_unknown_export_is_an_error_naming_the_accepted_columns(tmp_path: Path) -> None:
    root = make(tmp_path, {"report.csv": "page_title,hits\nStorm,3\n"})
    result = run_cli("build", "--site", root, "--out", tmp_path / "public", "--now", NOW_ISO)
    assert result.returncode == 1
    assert result.stderr.startswith(
        "data/analytics/report.csv:1: error: unknown CSV export (columns: page_title, hits); accepted: GoatCounter"
    ), result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "public").exists()


def test_an_undated_export_without_a_period_is_an_error(tmp_path: Path) -> None:
    _, problems = counted(make(tmp_path, {"pages.csv": f"name,visitors,pageviews\n{STORM},1,2\n"}))
    assert [p.format() for p in problems] == [
        "data/analytics/pages.csv:1: error: this Plausible export has no dates: put its period in the file name "
        "(e.g. pages-2026-11-01-2026-11-26.csv) or set 'most_viewed.export_days' in site.yaml"
    ]


def test_bad_rows_of_an_export_are_one_warning(tmp_path: Path) -> None:
    csv = f"path,date,views\n{STORM},2026-11-25,24\n{PORT},yesterday,3\n{PORT},2026-11-25,lots\n"
    site, problems = counted(make(tmp_path, {"views.csv": csv}))
    assert [p.format() for p in problems] == [
        "data/analytics/views.csv: warning: 2 malformed lines skipped (first at line 3)"
    ]
    assert ranking(site, "week") == [(STORM, 24)]


# --- the pages ------------------------------------------------------------------------------


def test_view_path_normalisation() -> None:
    assert view_path("/a/b", "/") == "/a/b/"
    assert view_path("/a/b/index.html?x=1", "/") == "/a/b/"
    assert view_path("/desk/a/", "/desk/") == "/a/"
    assert view_path("/a/", "/desk/") is None
    assert view_path("/a//b/", "/") == "/a/b/"
    assert view_path("/a/b.css", "/") is None
    assert view_path("/a/%ZZ/", "/") == "/a/%ZZ/"
    assert view_path("/a/%FF/", "/") == "/a/%FF/"
    assert view_path("*", "/") is None


def test_built_pages_show_the_counts_and_empty_states(tmp_path: Path) -> None:
    root = make(tmp_path, {"access.log": line(STORM) * 3 + line(PORT, when="22/Nov/2026:11:00:00 +0000")})
    out = tmp_path / "public"
    result = run_cli("build", "--site", root, "--out", out, "--now", NOW_ISO)
    assert result.returncode == 0, result.stderr
    home = (out / "index.html").read_text(encoding="utf-8")
    assert home.count("data-tab-panel") == 3
    assert '<a href="/news/2026/11/storm/">Storm warning</a> <span class="views">3 views</span>' in home
    week = (out / "most-viewed/week/index.html").read_text(encoding="utf-8")
    assert week.index("Storm warning") < week.index("Port reopens")
    assert '<span class="rank">2</span>' in week and '<span class="views">1 view</span>' in week
    day = (out / "most-viewed/day/index.html").read_text(encoding="utf-8")
    assert "Port reopens" not in day.split('<ol class="most-viewed-list">')[1].split("</ol>")[0]
    assert "Views counted up to Thursday 26 November 2026 12:00." in day

    (root / "data/analytics/access.log").unlink()
    result = run_cli("build", "--site", root, "--out", out, "--now", NOW_ISO)
    assert result.returncode == 0, result.stderr
    for page in ("index.html", "most-viewed/day/index.html", "news/2026/11/storm/index.html"):
        html = (out / page).read_text(encoding="utf-8")
        assert "Nothing has been counted yet." in html, page
        assert 'class="views"' not in html, page


def test_a_site_without_analytics_does_not_load_pyarrow(tmp_path: Path) -> None:
    root = write_site(tmp_path / "site", {"content/articles/a.md": article()}, CONFIG)
    script = (
        "import sys; from alwaght_ssg.cli import main; code = main(['check', '--site', sys.argv[1]]);"
        "print('pyarrow' in sys.modules); sys.exit(code)"
    )
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", script, str(root)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_now_shifts_the_windows(tmp_path: Path) -> None:
    root = make(tmp_path, {"access.log": line(STORM, when="26/Nov/2026:11:00:00 +0000")})
    assert ranking(counted(root, NOW)[0]) == [(STORM, 1)]
    assert ranking(counted(root, NOW + timedelta(days=1))[0]) == []
    assert ranking(counted(root, NOW + timedelta(days=1))[0], "week") == [(STORM, 1)]


# --- what new logs re-render ---------------------------------------------------------------


@pytest.mark.parametrize("show_counts", [False, True])
def test_new_counts_re_render_only_the_pages_that_show_them(tmp_path: Path, show_counts: bool) -> None:
    shown = str(show_counts).lower()
    config = CONFIG + f"search:\n  enabled: false\nmost_viewed:\n  count: 2\n  show_counts: {shown}\n"
    root = make(tmp_path, {"access.log": line(STORM) * 5 + line(PORT) * 3 + line(BUDGET)}, config)
    options = BuildOptions(site=root, now=NOW, out=tmp_path / "public", jobs=1)
    first = build(options)
    assert first.status is Status.BUILT, [p.format() for p in first.problems]
    with (root / "data/analytics/access.log").open("a", encoding="utf-8") as log:
        log.write(line(STORM) * 2 + line(BUDGET))  # new counts; the first two stay the first two

    again = build(options)
    assert again.status is Status.BUILT
    if show_counts:  # the rail on every page shows the new numbers
        assert again.pages_rendered == again.pages
    else:  # only the three /most-viewed/ pages show numbers, and only they are rendered
        assert again.pages_rendered == 3
        assert again.written == 3


# --- merging counts -------------------------------------------------------------------------


@pytest.mark.parametrize("one_key", [True, False], ids=["one key per row", "three columns"])
def test_merged_counts_sum_equal_rows_whatever_the_order(one_key: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if not one_key:  # the way taken when paths and stretches do not fit one 64-bit key
        monkeypatch.setattr(traffic, "_row_keys", lambda *args: None)
    rng = np.random.default_rng(7)
    parts, expected = [], {}
    for names in (["/a/", "/b/", "/c/"], ["/c/", "/d/"], ["/b/"]):
        n = 500
        path = rng.integers(0, len(names), n).astype(np.int32)
        start = rng.choice([traffic.FLOATING, 100, 160, 220, 1440], n).astype(np.int64)
        length = rng.choice([60, 1440], n).astype(np.int64)
        count = rng.integers(1, 9, n).astype(np.float64)
        parts.append(Counts(names, path, start, length, count))
        for p, s, n_, c in zip(path, start, length, count, strict=True):
            key = (names[p], int(s), int(n_))
            expected[key] = expected.get(key, 0) + c
    merged = Counts.merge(parts)
    rows = [
        ((merged.paths[p], int(s), int(n_)), float(c))
        for p, s, n_, c in zip(merged.path, merged.start, merged.length, merged.count, strict=True)
    ]
    assert dict(rows) == expected
    assert len(rows) == len(expected)  # each stretch of a path once
    again = Counts.merge([merged])
    assert [again.paths[p] for p in again.path] == [merged.paths[p] for p in merged.path]
    assert again.count.tolist() == merged.count.tolist()
