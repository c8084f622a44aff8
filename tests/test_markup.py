"""markup: Markdown -> HTML with the newsroom's extensions, summary text and reading time."""

from __future__ import annotations

import re

import pytest

from alwaght_ssg.markup import SUMMARY_CHARS, WORDS_PER_MINUTE, Markup, Rendered, shorten


@pytest.fixture(scope="module")
def md() -> Markup:
    return Markup("transliterate")


@pytest.fixture(scope="module")
def md_unicode() -> Markup:
    return Markup("unicode")


# ---------------------------------------------------------------- extensions


def test_plain_paragraphs(md: Markup) -> None:
    assert md.render("One.\n\nTwo.\n").html == "<p>One.</p>\n<p>Two.</p>"


def test_tables(md: Markup) -> None:
    html = md.render("| City | Rain |\n|------|-----:|\n| Doha | 0 |\n| Rasht | 1400 |\n").html
    assert "<table>" in html
    assert "<th>City</th>" in html
    assert "<td>Rasht</td>" in html
    assert re.search(r'<td style="text-align: right;">1400</td>', html)


def test_footnotes(md: Markup) -> None:
    html = md.render("A claim.[^src]\n\n[^src]: The source.\n").html
    assert '<sup id="fnref:src"><a class="footnote-ref" href="#fn:src">1</a></sup>' in html
    assert '<div class="footnote">' in html
    assert '<li id="fn:src">' in html
    assert "The source." in html
    assert 'title="Back to reference 1"' in html


def test_footnote_ids_reset_between_renders(md: Markup) -> None:
    text = "A.[^1]\n\n[^1]: Note.\n"
    assert md.render(text).html == md.render(text).html


def test_fenced_code(md: Markup) -> None:
    html = md.render("```python\nif a < b:\n    pass\n```\n").html
    assert html == '<pre><code class="language-python">if a &lt; b:\n    pass\n</code></pre>'


def test_fenced_code_without_language(md: Markup) -> None:
    html = md.render("~~~\n*not emphasis*\n~~~\n").html
    assert html == "<pre><code>*not emphasis*\n</code></pre>"


def test_attr_list_on_paragraph(md: Markup) -> None:
    html = md.render("The lead.\n{: .lead #intro }\n").html
    assert html == '<p class="lead" id="intro">The lead.</p>'


def test_attr_list_on_heading_and_image(md: Markup) -> None:
    html = md.render("## Background {: #context }\n\n![Port](/images/port.svg){: .wide }\n").html
    assert '<h2 id="context">Background</h2>' in html
    assert re.search(r'<img[^>]*class="wide"', html)


def test_heading_ids(md: Markup) -> None:
    html = md.render("## Hello World\n\n### Hello World\n\n## Café Olé!\n").html
    assert '<h2 id="hello-world">Hello World</h2>' in html
    assert '<h3 id="hello-world_1">Hello World</h3>' in html
    assert '<h2 id="cafe-ole">Café Olé!</h2>' in html


def test_heading_ids_reset_between_renders(md: Markup) -> None:
    assert md.render("## Same\n").html == '<h2 id="same">Same</h2>'
    assert md.render("## Same\n").html == '<h2 id="same">Same</h2>'


def test_heading_ids_unicode_mode(md_unicode: Markup) -> None:
    html = md_unicode.render("## سلام دنیا\n\n## مرحبا بالعالم\n\n## Café Olé\n").html
    assert '<h2 id="سلام-دنیا">سلام دنیا</h2>' in html
    assert '<h2 id="مرحبا-بالعالم">مرحبا بالعالم</h2>' in html
    assert '<h2 id="café-olé">Café Olé</h2>' in html


def test_heading_ids_transliterate_mode_are_ascii_and_unique(md: Markup) -> None:
    html = md.render("## سلام دنیا\n\n## مرحبا بالعالم\n").html
    ids = re.findall(r'<h2 id="([^"]*)">', html)
    assert len(ids) == 2
    assert len(set(ids)) == 2
    assert all(i and i.isascii() for i in ids)


def test_smart_quotes_and_dashes(md: Markup) -> None:
    rendered = md.render("\"Quoted\" and 'single' -- en --- em... done\n")
    assert rendered.html == ("<p>&ldquo;Quoted&rdquo; and &lsquo;single&rsquo; &ndash; en &mdash; em&hellip; done</p>")
    assert rendered.first_paragraph == "“Quoted” and ‘single’ – en — em… done"


def test_apostrophe(md: Markup) -> None:
    assert md.render("It's here.\n").html == "<p>It&rsquo;s here.</p>"


def test_smart_quotes_not_in_code(md: Markup) -> None:
    assert md.render('`"raw"`\n').html == '<p><code>"raw"</code></p>'


def test_raw_html_passes(md: Markup) -> None:
    text = '<div class="box"><iframe src="https://video.example/1"></iframe></div>\n\nAfter.\n'
    html = md.render(text).html
    assert '<div class="box"><iframe src="https://video.example/1"></iframe></div>' in html
    assert "<p>After.</p>" in html


def test_inline_raw_html_passes(md: Markup) -> None:
    assert md.render("A <mark>marked</mark> word.\n").html == "<p>A <mark>marked</mark> word.</p>"


def test_sane_lists(md: Markup) -> None:
    html = md.render("1. one\n2. two\n\n* bullet\n").html
    assert html == "<ol>\n<li>one</li>\n<li>two</li>\n</ol>\n<ul>\n<li>bullet</li>\n</ul>"


def test_root_links_get_the_base_path() -> None:
    md = Markup("transliterate", "/newsroom/")
    html = md.render(
        "[Archive](/archive/) [Other](https://other.example/x) [CDN](//cdn.example/a.js) [Note](#n)\n\n"
        '<img src="/images/port.svg" alt="Port">\n'
    ).html
    assert 'href="/newsroom/archive/"' in html
    assert 'href="https://other.example/x"' in html
    assert 'href="//cdn.example/a.js"' in html
    assert 'href="#n"' in html
    assert 'src="/newsroom/images/port.svg"' in html


def test_root_links_unchanged_at_root(md: Markup) -> None:
    assert 'href="/archive/"' in md.render("[Archive](/archive/)\n").html


def test_links_in_code_are_not_rewritten() -> None:
    md = Markup("transliterate", "/newsroom/")
    text = '```\n<a href="/fenced/">x</a>\n```\n\n`<a href="/inline/">`\n\n    <img src="/indented.png">\n'
    html = md.render(text).html
    assert "/fenced/" in html and "/inline/" in html and "/indented.png" in html
    assert "/newsroom/" not in html


# ---------------------------------------------------------------- first paragraph


def test_first_paragraph_plain_text(md: Markup) -> None:
    rendered = md.render("The *lead* with [a link](/x/) &amp; `code`.\n\nSecond.\n")
    assert rendered.first_paragraph == "The lead with a link & code."


def test_first_paragraph_skips_headings(md: Markup) -> None:
    rendered = md.render("# Title\n\n## Subtitle\n\nFirst real paragraph.\n\nSecond.\n")
    assert rendered.first_paragraph == "First real paragraph."


def test_first_paragraph_skips_tables_code_and_images(md: Markup) -> None:
    text = "| a |\n|---|\n| 1 |\n\n```\ncode\n```\n\n![alt](/i.png)\n\nThe lead.\n"
    assert md.render(text).first_paragraph == "The lead."


def test_first_paragraph_skips_raw_script(md: Markup) -> None:
    assert md.render("<script>var a = 1;</script>\n\nLead here.\n").first_paragraph == "Lead here."


def test_first_paragraph_drops_footnote_marks(md: Markup) -> None:
    assert md.render("Text[^1] after.\n\n[^1]: Note.\n").first_paragraph == "Text after."


def test_first_paragraph_collapses_whitespace(md: Markup) -> None:
    assert md.render("Line one\nline   two.\n").first_paragraph == "Line one line two."


def test_first_paragraph_is_top_level(md: Markup) -> None:
    assert md.render("> A pull quote.\n\nThe lead.\n").first_paragraph == "The lead."


def test_no_paragraph_gives_empty_text(md: Markup) -> None:
    assert md.render("## Only a heading\n").first_paragraph == ""
    assert md.render("").first_paragraph == ""


# ---------------------------------------------------------------- shorten


def test_shorten_keeps_short_text() -> None:
    assert shorten("Short text.") == "Short text."


def test_shorten_normalises_whitespace() -> None:
    assert shorten("Hello,\n   world\tagain") == "Hello, world again"


def test_shorten_cuts_at_word_boundary() -> None:
    assert shorten("The quick brown fox jumps over", 12) == "The quick…"
    assert shorten("The quick brown fox jumps over", 15) == "The quick brown…"


def test_shorten_drops_trailing_punctuation() -> None:
    assert shorten("Alpha beta, gamma delta", 12) == "Alpha beta…"


def test_shorten_default_limit() -> None:
    text = " ".join(f"w{i:03d}" for i in range(100))  # 499 characters
    result = shorten(text)
    assert result.endswith("…")
    words = result[:-1].split(" ")
    assert all(re.fullmatch(r"w\d{3}", w) for w in words)
    assert len(result) - 1 <= SUMMARY_CHARS
    assert text.startswith(result[:-1])


def test_shorten_exactly_at_limit_is_not_cut() -> None:
    text = "x" * 10 + " " + "y" * 9
    assert len(text) == 20
    assert shorten(text, 20) == text


@pytest.mark.parametrize(
    ("text", "limit"),
    [
        ("The quick brown fox jumps over", 10),
        ("abcdefghij klm", 10),
        ("Supercalifragilistic", 5),
        ("Supercalifragilistic expialidocious", 10),
    ],
)
def test_shorten_never_keeps_more_than_limit_characters(text: str, limit: int) -> None:
    result = shorten(text, limit)
    assert result.endswith("…")
    assert len(result) - 1 <= limit
    assert text.startswith(result[:-1])


def test_shorten_persian_text() -> None:
    text = "بازار امروز آرام بود و معامله‌گران منتظر خبر ماندند"
    result = shorten(text, 20)
    assert result.endswith("…")
    assert text.startswith(result[:-1])
    assert text[len(result) - 1] == " "


# ---------------------------------------------------------------- reading time


def _words(n: int) -> str:
    return " ".join(["word"] * n)


@pytest.mark.parametrize(
    ("words", "minutes"),
    [
        (0, 1),
        (1, 1),
        (WORDS_PER_MINUTE, 1),
        (WORDS_PER_MINUTE * 3, 3),
        (WORDS_PER_MINUTE * 10 + 50, 11),
        (WORDS_PER_MINUTE + 1, 2),
    ],
)
def test_reading_minutes(md: Markup, words: int, minutes: int) -> None:
    """Rounded up: a 221-word piece is not a one-minute read."""
    rendered = md.render(_words(words))
    assert rendered.words == words
    assert rendered.reading_minutes == minutes


def test_word_count_includes_headings_and_lists_not_markup(md: Markup) -> None:
    rendered = md.render('## Two words\n\n- three more words\n\n<span class="x">one</span>\n')
    assert rendered.words == 6


def test_word_count_counts_persian_words(md: Markup) -> None:
    assert md.render("بازار امروز آرام بود.\n").words == 4


def test_rendered_minutes_property() -> None:
    assert Rendered("", "", WORDS_PER_MINUTE * 2).reading_minutes == 2
    assert Rendered("", "", 0).reading_minutes == 1
