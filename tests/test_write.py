"""The output transaction: staged, swapped in whole, leftovers of killed builds cleaned up."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

import pytest

from alwaght_ssg.write import MARKER, OutputError, Staging, check_output, publish


def _page(rel: str, text: str) -> tuple[PurePosixPath, bytes]:
    return PurePosixPath(rel), text.encode()


def test_publish_replaces_the_whole_folder(tmp_path: Path) -> None:
    out = tmp_path / "public"
    publish(out, [_page("index.html", "one"), _page("old/index.html", "gone soon")], [])
    publish(out, [_page("index.html", "two")], [])
    assert (out / "index.html").read_text() == "two"
    assert not (out / "old").exists()
    assert (out / MARKER).is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public"]


def test_a_failure_while_writing_leaves_the_previous_site(tmp_path: Path) -> None:
    out = tmp_path / "public"
    publish(out, [_page("index.html", "good")], [])

    def pages() -> object:
        yield _page("index.html", "new")
        raise RuntimeError("renderer crashed half way")

    with pytest.raises(RuntimeError):
        publish(out, pages(), [])  # type: ignore[arg-type]
    assert (out / "index.html").read_text() == "good"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public"]


def test_static_files_are_copied_and_the_site_overrides_the_theme(tmp_path: Path) -> None:
    theme, site = tmp_path / "theme", tmp_path / "site"
    for folder, text in ((theme, "theme"), (site, "site")):
        (folder / "css").mkdir(parents=True)
        (folder / "css" / "site.css").write_text(text)
    (theme / "only-theme.txt").write_text("t")
    stats = publish(tmp_path / "out", [], [theme, site])
    assert (tmp_path / "out" / "css" / "site.css").read_text() == "site"
    assert (tmp_path / "out" / "only-theme.txt").is_file()
    assert stats.static == 2  # distinct files: the site's css replaces the theme's


def test_leftovers_of_a_killed_build_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "public"
    publish(out, [_page("index.html", "good")], [])
    dead_pid = 2**22 + 12345  # above pid_max on Linux, so no such process
    stale = tmp_path / f".public.staging-{dead_pid}"
    (stale / "half").mkdir(parents=True)
    publish(out, [_page("index.html", "next")], [])
    assert not stale.exists()


def test_a_build_killed_between_the_two_renames_is_recovered(tmp_path: Path) -> None:
    out = tmp_path / "public"
    publish(out, [_page("index.html", "last good")], [])
    os.rename(out, tmp_path / f".public.old-{2**22 + 7}")  # as a kill after the first rename leaves it
    publish(out, [_page("index.html", "next")], [])
    assert (out / "index.html").read_text() == "next"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public"]


def test_output_folder_guards(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    with pytest.raises(OutputError, match="contains the site folder"):
        check_output(tmp_path, site)
    with pytest.raises(OutputError, match="inside the site's content/ folder"):
        check_output(site / "content" / "out", site)
    stranger = tmp_path / "documents"
    stranger.mkdir()
    (stranger / "letter.txt").write_text("keep me")
    with pytest.raises(OutputError, match="was not written by alwaght-ssg"):
        check_output(stranger, site)
    check_output(site / "public", site)  # a new folder is fine


def test_a_rebuild_updates_in_place_and_removes_what_is_gone(tmp_path: Path) -> None:
    out = tmp_path / "public"
    publish(out, [_page("index.html", "one"), _page("old/deep/index.html", "gone soon")], [])
    inode = (out / "index.html").stat().st_ino
    publish(out, [_page("index.html", "two"), _page("new/index.html", "new")], [])
    assert (out / "index.html").read_text() == "two"
    assert (out / "index.html").stat().st_ino != inode  # replaced whole by a rename, never rewritten in place
    assert not (out / "old").exists()
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        ".alwaght-ssg",
        "index.html",
        "new/index.html",
    ]


def test_an_aborted_update_leaves_no_temporary_files(tmp_path: Path) -> None:
    out = tmp_path / "public"
    publish(out, [_page("index.html", "good")], [])
    staging = Staging(out)
    staging.write(PurePosixPath("index.html"), b"half")
    staging.write(PurePosixPath("a/index.html"), b"half")
    staging.abort()
    assert (out / "index.html").read_text() == "good"
    assert sorted(p.name for p in out.rglob("*") if p.is_file()) == [".alwaght-ssg", "index.html"]


def test_temporary_files_of_a_killed_build_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "public"
    publish(out, [_page("index.html", "good")], [])
    (out / f".index.html.new-{2**22 + 99}").write_text("half written by a killed build")
    publish(out, [_page("index.html", "next")], [])
    assert sorted(p.name for p in out.iterdir()) == [".alwaght-ssg", "index.html"]
