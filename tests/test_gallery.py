"""The Gallery: photos and films from content/gallery/, built by the real CLI.

Pages (/gallery/, the paginated photo and film lists, an item page with related articles),
the front page's Photo/Film block, private click-to-load embeds, and every editor mistake
reported at its front-matter line.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image as PILImage
from playwright.sync_api import Browser

from conftest import NOW_ISO, article, run_cli, write_site

CONFIG = """\
title: Test Desk
base_url: https://news.example.org/
timezone: UTC
gallery:
  per_page: 2
  home: 2
search:
  enabled: false
"""


def item(title: str, date: str, kind: str, media: str, **meta: str) -> str:
    lines = ["---", f'title: "{title}"', f"date: {date}", f"kind: {kind}", f"media: {media}"]
    lines += [f"{key}: {value}" for key, value in meta.items()]
    return "\n".join([*lines, "---", "", "A few words about it.", ""])


def _images(root: Path) -> None:
    folder = root / "static/images/g"
    folder.mkdir(parents=True, exist_ok=True)
    for name, colour in (("harbour.jpg", (20, 80, 160)), ("market.jpg", (200, 120, 30)), ("poster.png", (0, 0, 0))):
        PILImage.new("RGB", (900, 600), colour).save(folder / name)
    (root / "static/media").mkdir(parents=True, exist_ok=True)
    (root / "static/media/clip.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(64))
    (root / "static/media/clip.vtt").write_text("WEBVTT\n\n00:00.000 --> 00:04.000\n[Rain on a tin roof]\n")


def gallery_site(root: Path, extra: dict[str, str] | None = None) -> Path:
    files = {
        "content/articles/port.md": article("Port reopens", "2026-11-21 09:00", slug="port", tags="[Ports, Storms]"),
        "content/articles/storm.md": article("Storm warning", "2026-11-20 09:00", slug="storm", tags="[Storms]"),
        "content/articles/budget.md": article("Budget passes", "2026-11-10 09:00", slug="budget", tags="[Budget]"),
        "content/gallery/harbour.md": item(
            "Harbour at dawn", "2026-11-22 07:00", "photo", "/images/g/harbour.jpg",
            alt='"Boats at a quay under a blue sky"', caption='"Boats wait for the tide."', tags="[Ports, Storms]",
            credit='"Photo: A. Writer"',
        ),
        "content/gallery/market.md": item(
            "Spice market", "2026-11-15 10:00", "photo", "/images/g/market.jpg",
            alt='"Stalls of orange spice"', tags="[Budget]",
        ),
        "content/gallery/old-harbour.md": item(
            "Old harbour", "2026-10-15 10:00", "photo", "/images/g/harbour.jpg", alt='"The harbour"'
        ),
        "content/gallery/clip.md": item(
            "Rain on the coast", "2026-11-23 10:00", "film", "/media/clip.mp4",
            poster="/images/g/poster.png", alt='"A black frame"', tags="[Storms]", captions="/media/clip.vtt",
        ),
        "content/gallery/interview.md": item(
            "Minister interview", "2026-11-19 10:00", "film", "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            poster="/images/g/poster.png", alt='"A black frame"',
        ),
        "content/gallery/vimeo.md": item(
            "Harbour timelapse", "2026-11-18 10:00", "film", "https://vimeo.com/76979871",
            poster="/images/g/poster.png", alt='"A black frame"',
        ),
        "content/gallery/later.md": item(
            "Not yet", "2026-12-20 10:00", "photo", "/images/g/harbour.jpg", alt='"Boats"'
        ),
        "content/gallery/draft.md": item(
            "Draft photo", "2026-11-20 10:00", "photo", "/images/g/harbour.jpg", alt='"Boats"', draft="true"
        ),
    }  # fmt: skip
    root = write_site(root, {**files, **(extra or {})}, CONFIG)
    _images(root)
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("gallery")
    out = base / "public"
    result = run_cli("build", "--site", gallery_site(base / "site"), "--out", out, "--now", NOW_ISO)
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr, result.stderr
    return out


def _read(out: Path, url: str) -> str:
    return (out / url.strip("/") / "index.html").read_text(encoding="utf-8")


def _titles(html: str) -> list[str]:
    return re.findall(r'class="gallery-title"><a href="[^"]*">([^<]*)</a>', html)


def test_lists_are_newest_first_and_paginated(built: Path) -> None:
    assert _titles(_read(built, "/gallery/photos/")) == ["Harbour at dawn", "Spice market"]
    assert _titles(_read(built, "/gallery/photos/page/2/")) == ["Old harbour"]
    assert _titles(_read(built, "/gallery/films/")) == ["Rain on the coast", "Minister interview"]
    assert _titles(_read(built, "/gallery/films/page/2/")) == ["Harbour timelapse"]
    assert not (built / "gallery/photos/page/3").exists()


def test_drafts_and_scheduled_items_are_not_published(built: Path) -> None:
    every = "".join(p.read_text(encoding="utf-8") for p in built.rglob("*.html"))
    assert "Not yet" not in every and "Draft photo" not in every
    assert not (built / "gallery/2026/later").exists()


def test_gallery_index_has_photo_and_film_tabs(built: Path) -> None:
    html = _read(built, "/gallery/")
    assert html.count("data-tab-panel") == 2
    assert re.findall(r"data-tab-label>([^<]*)<", html) == ["Photo", "Film"]
    assert _titles(html) == ["Harbour at dawn", "Spice market", "Rain on the coast", "Minister interview"]
    assert 'href="/gallery/photos/">All photos</a>' in html


def test_front_page_shows_the_gallery_block(built: Path) -> None:
    html = (built / "index.html").read_text(encoding="utf-8")
    block = html[html.index('class="block gallery-block"') :]
    assert _titles(block) == ["Harbour at dawn", "Spice market", "Rain on the coast", "Minister interview"]


def test_item_page_has_caption_credit_tags_and_related_articles(built: Path) -> None:
    html = _read(built, "/gallery/2026/harbour/")
    assert '<figcaption>Boats wait for the tide. <span class="credit">Photo: A. Writer</span></figcaption>' in html
    assert 'alt="Boats at a quay under a blue sky"' in html
    related = html[html.index('id="related-title"') :]
    assert re.findall(r'<li><a href="([^"]*)"', related)[:2] == ["/news/2026/11/port/", "/news/2026/11/storm/"]
    assert '<a href="/tags/ports/">Ports</a>' in html


def test_a_local_film_plays_in_a_video_element(built: Path) -> None:
    html = _read(built, "/gallery/2026/clip/")
    assert re.search(r'<video class="film-video" controls preload="none" poster="/images/g/poster.png"', html)
    assert '<source src="/media/clip.mp4" type="video/mp4">' in html
    assert '<track kind="captions" src="/media/clip.vtt" srclang="en" label="Captions" default>' in html
    assert (built / "media/clip.vtt").read_text().startswith("WEBVTT")


@pytest.mark.parametrize(
    ("url", "player"),
    [
        ("/gallery/2026/interview/", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"),
        ("/gallery/2026/vimeo/", "https://player.vimeo.com/video/76979871?dnt=1&amp;autoplay=1"),
    ],
)
def test_embedded_films_load_nothing_from_the_provider_until_asked(built: Path, url: str, player: str) -> None:
    html = _read(built, url)
    assert f'data-embed="{player}"' in html
    assert "<iframe" not in html
    # the only provider addresses are the link to the video's page and the player to load on click
    assert not re.search(r'(?:src|srcset|poster)="https?://[^"]*(?:youtube|vimeo)', html)


def test_film_click_loads_the_private_player_only_then(browser: Browser, built: Path) -> None:
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(built)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page = browser.new_page()
        outside: list[str] = []
        page.route(
            re.compile(r"^https?://(?!127\.0\.0\.1)"),
            lambda route: (outside.append(route.request.url), route.fulfill(status=204)),
        )
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/gallery/2026/interview/")
        page.wait_for_load_state("networkidle")
        assert outside == []
        page.click(".film-poster")
        page.wait_for_selector("iframe.film-player")
        assert page.get_attribute("iframe.film-player", "src") == (
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"
        )
        page.wait_for_timeout(200)
        assert outside and all(u.startswith("https://www.youtube-nocookie.com/") for u in outside)
        page.close()
    finally:
        server.shutdown()


# --- mistakes -------------------------------------------------------------------------------


def _build(root: Path, *args: str) -> tuple[int, str]:
    result = run_cli("build", "--site", root, "--out", root.parent / "public", "--now", NOW_ISO, *args)
    assert "Traceback" not in result.stderr
    return result.returncode, result.stderr


def test_missing_files_and_bad_values_are_errors_at_their_line(tmp_path: Path) -> None:
    root = gallery_site(
        tmp_path / "site",
        {
            "content/gallery/gone.md": item("Gone", "2026-11-01", "photo", "/images/g/nowhere.jpg", alt="x"),
            "content/gallery/kind.md": item("Kind", "2026-11-01", "video", "/images/g/harbour.jpg", alt="x"),
            "content/gallery/poster.md": item("No poster", "2026-11-01", "film", "/media/clip.mp4", alt="x"),
            "content/gallery/tube.md": item(
                "Tube", "2026-11-01", "film", "https://example.com/watch?v=1", poster="/images/g/poster.png", alt="x"
            ),
            "content/gallery/text.md": item("Text", "2026-11-01", "photo", "/media/clip.mp4", alt="x"),
            "content/gallery/words.md": item(
                "Words", "2026-11-01", "photo", "/images/g/harbour.jpg", alt="x", captions="Boats."
            ),
            "content/gallery/subs.md": item(
                "Subs",
                "2026-11-01",
                "film",
                "/media/clip.mp4",
                poster="/images/g/poster.png",
                alt="x",
                captions="/media/nowhere.vtt",
            ),
            "content/gallery/srt.md": item(
                "Srt",
                "2026-11-01",
                "film",
                "/media/clip.mp4",
                poster="/images/g/poster.png",
                alt="x",
                captions="/media/clip.srt",
            ),
            "content/gallery/told.md": item(
                "Told",
                "2026-11-01",
                "film",
                "https://vimeo.com/76979871",
                poster="/images/g/poster.png",
                alt="x",
                captions="/media/clip.vtt",
            ),
            "content/articles/lead.md": article("Lead", "2026-11-01", image="/images/missing.jpg", image_alt="x"),
        },
    )
    code, stderr = _build(root)
    assert code == 1
    lines = [line for line in stderr.splitlines() if ": error: " in line]
    assert lines == [
        "content/articles/lead.md:4: error: 'image' names /images/missing.jpg, which is not in static/; "
        "add the file static/images/missing.jpg or fix the path",
        "content/gallery/gone.md:5: error: 'media' names /images/g/nowhere.jpg, which is not in static/; "
        "add the file static/images/g/nowhere.jpg or fix the path",
        "content/gallery/kind.md:4: error: 'kind' must be one of 'photo', 'film', not 'video'",
        "content/gallery/poster.md:2: error: 'poster' is required; add a line 'poster: ...' to the front matter",
        "content/gallery/srt.md:8: error: 'captions' must be a WebVTT file (.vtt): '/media/clip.srt'",
        "content/gallery/subs.md:8: error: 'captions' names /media/nowhere.vtt, which is not in static/; "
        "add the file static/media/nowhere.vtt or fix the path",
        "content/gallery/text.md:5: error: 'media' must be an image (JPEG, PNG, WebP, GIF or SVG): '/media/clip.mp4'",
        "content/gallery/told.md:8: error: 'captions' are for video files of the site; a Vimeo film shows its own",
        "content/gallery/tube.md:5: error: 'media' of a film must be a video file of the site (.mp4, .webm) or a "
        "YouTube or Vimeo address: 'https://example.com/watch?v=1'",
        "content/gallery/words.md:7: error: 'captions' (a WebVTT file) are for films; a photo's words go in 'caption'",
    ]
    assert not (root.parent / "public").exists()


def test_missing_alt_text_is_a_warning_and_an_error_with_strict(tmp_path: Path) -> None:
    root = gallery_site(
        tmp_path / "site", {"content/gallery/bare.md": item("Bare", "2026-11-01", "photo", "/images/g/market.jpg")}
    )
    code, stderr = _build(root)
    assert code == 0
    assert (
        "content/gallery/bare.md:2: warning: no 'alt' text: describe what the photo shows, "
        "for readers who cannot see it" in stderr
    )
    code, _ = _build(root, "--strict")
    assert code == 1


def test_two_items_with_one_slug(tmp_path: Path) -> None:
    root = gallery_site(
        tmp_path / "site",
        {"content/gallery/more/harbour.md": item("Twin", "2026-11-01", "photo", "/images/g/market.jpg", alt="x")},
    )
    code, stderr = _build(root)
    assert code == 1
    assert (
        "content/gallery/more/harbour.md:1: error: two gallery items have the slug 'harbour' "
        "(also content/gallery/harbour.md)" in stderr
    )
