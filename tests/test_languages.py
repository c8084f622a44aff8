"""Right-to-left sites: direction, interface words, dates and readable slugs."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import NOW_ISO, article, run_cli, write_site


def _build(site: Path) -> Path:
    result = run_cli("build", "--site", site, "--now", NOW_ISO)
    assert result.returncode == 0, result.stderr
    return site / "public"


def test_persian_site_is_rtl_with_persian_words_dates_and_unicode_slugs(site_dir: Path) -> None:
    config = """\
        title: خبرگزاری نمونه
        language: fa
        timezone: Asia/Tehran
        slug_mode: unicode
        sections:
          - slug: news
            title: اخبار
    """
    first = article("گزارش بازار تهران", "2026-11-20 09:00", "بازار امروز آرام بود.", tags="[اقتصاد, بازار]")
    second = article("بازار در هفته دوم", "2026-11-21 10:00", "ادامه گزارش.", tags="[بازار, اقتصاد]")
    out = _build(write_site(site_dir, {
        "content/articles/بازار-تهران.md": first,
        "content/articles/بازار-هفته-دوم.md": second,
    }, config))  # fmt: skip
    page = out / "news" / "2026" / "11" / "بازار-تهران" / "index.html"
    html = page.read_text(encoding="utf-8")
    assert '<html lang="fa" dir="rtl">' in html
    assert "مطالب مرتبط" in html  # "Related Content"
    assert "نوامبر" in html  # November, from CLDR, in the Gregorian calendar
    assert (out / "tags" / "اقتصاد" / "index.html").is_file()
    assert 'href="/news/2026/11/بازار-هفته-دوم/"' in html


def test_arabic_site_transliterates_slugs_when_asked(site_dir: Path) -> None:
    config = """\
        title: الموقع
        language: ar
        slug_mode: transliterate
    """
    out = _build(write_site(site_dir, {"content/articles/خبر.md": article("عنوان", "2026-11-20", "نص.")}, config))
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'dir="rtl"' in index and "اختيار المحرر" not in index  # no editor's choice: block hidden
    assert "الأخبار" in index  # "News" block heading in Arabic
    articles = list((out / "news" / "2026" / "11").iterdir())
    assert [p.name for p in articles] == ["khbr"]


@pytest.mark.parametrize("language", ["en", "en-GB", "de"])
def test_left_to_right_languages_stay_ltr(site_dir: Path, language: str) -> None:
    config = f"title: T\nlanguage: {language}\n"
    out = _build(write_site(site_dir, {"content/articles/a.md": article()}, config))
    assert f'<html lang="{language}" dir="ltr">' in (out / "index.html").read_text(encoding="utf-8")
