"""Generate a benchmark corpus of N articles as an alwaght_ssg site and, with
--hugo/--pelican, the equivalent Hugo and Pelican sites.

    python bench/corpus.py OUTDIR --articles 10000 [--seed 1] [--hugo] [--pelican]

writes OUTDIR/alwaght (always), OUTDIR/hugo and OUTDIR/pelican.

The text is random words from a fixed vocabulary (about 770 words an
article, in sections with subheadings, a list and a quote); tags come from a
skewed pool of 300 (a few tags are on a large share of articles, as in a
real newsroom), topics from 12, dates spread over three years. The same
seed gives the same corpus.

All three sites carry the same articles (text, titles, dates, tags, topics,
sections) and list them 20 to a page:

- alwaght_ssg: the site as the project's users write it, default theme
  (feeds, sitemaps and search as its site.yaml implies). With `lean=True`
  (compare.py's `alwaght-lean`) `base_url` is a bare path, so no feeds or
  sitemaps are written, and search is off: the nearest to what the other two
  build.
- Hugo: sections are content folders; `tags`, `topics` and `months` taxonomies
  (`months` stands in for alwaght's archive-by-month pages); related content
  from the `related` config, topics weighing 3 and tags 1 like alwaght's
  defaults, tags on more than 20 % of the pages left out of the score
  (`cardinalityThreshold`, alwaght's `max_tag_share`); RSS, sitemap and
  robots.txt off; a minimal theme whose article pages list five related
  articles.
- Pelican: category = section, tags, paginated tag, category and month
  archive pages, its default Markdown extensions, the content cache on
  (CACHE_CONTENT and LOAD_CONTENT_CACHE), feeds off, a minimal theme. Pelican
  has no second taxonomy (no topic pages) and no related content.

Articles dated after BUILD_NOW (the `--now` compare.py gives alwaght) are
scheduled in alwaght_ssg, so they are drafts in Hugo and Pelican: every tool
publishes the same articles.
"""

from __future__ import annotations

import argparse
import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

SECTIONS = ["news", "report", "analysis", "interview", "opinion"]
TOPICS = [f"topic-{i:02d}" for i in range(12)]
VOCABULARY = (  # noqa: SIM905 (a sentence reads better than a list of words)
    "the government said on tuesday that talks would continue after officials from both sides met in the "
    "capital to discuss water trade energy prices rail freight border crossings farmers workers union budget "
    "parliament minister council summit election campaign voters reform inflation bank rate port harbour "
    "storm flood drought river delta solar gas pipeline contract agreement commission report analysis"
).split()


@dataclass(frozen=True)
class Article:
    slug: str
    title: str
    date: datetime
    section: str
    tags: list[str]
    topics: list[str]
    paragraphs: list[str]
    headings: list[str]


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(VOCABULARY) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def make_articles(count: int, seed: int) -> list[Article]:
    rng = random.Random(seed)
    tags = [f"Tag {i:03d}" for i in range(300)]
    weights = [1 / (i + 1) ** 1.1 for i in range(300)]  # Zipf-like: the top tag is on about a third
    start = datetime(2023, 12, 1, 6, 0)
    articles = []
    for i in range(count):
        chosen: list[str] = []
        while len(chosen) < rng.randint(2, 6):
            tag = rng.choices(tags, weights)[0]
            if tag not in chosen:
                chosen.append(tag)
        paragraphs = [" ".join(_sentence(rng, rng.randint(12, 24)) for _ in range(4)) for _ in range(9)]
        articles.append(
            Article(
                slug=f"article-{i:05d}",
                title=_sentence(rng, rng.randint(6, 11))[:-1],
                date=start + timedelta(minutes=int(i * (3 * 365 * 24 * 60) / count)),
                section=SECTIONS[i % len(SECTIONS)],
                tags=chosen,
                topics=rng.sample(TOPICS, rng.choice([0, 0, 1, 1, 2])),
                paragraphs=paragraphs,
                headings=[_sentence(rng, 4)[:-1] for _ in range(3)],
            )
        )
    return articles


def body(article: Article) -> str:
    p = article.paragraphs
    return "\n\n".join(
        [
            p[0], p[1], f"## {article.headings[0]}", p[2], p[3],
            "- " + p[4][:120] + "\n- " + p[5][:120] + "\n- " + p[6][:120],
            f"## {article.headings[1]}", "> " + p[7][:200], p[5], p[6],
            f"## {article.headings[2]}", p[7], p[8],
        ]
    )  # fmt: skip


# The build's "now" in compare.py (alwaght's --now); later articles are unpublished everywhere.
BUILD_NOW = datetime(2026, 11, 26, 12, 0)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# --- alwaght_ssg -------------------------------------------------------------


def alwaght_article_path(root: Path, a: Article) -> Path:
    return root / "content" / "articles" / f"{a.date:%Y}" / f"{a.date:%m}" / f"{a.slug}.md"


def alwaght_article_text(a: Article) -> str:
    tags = ", ".join(f'"{t}"' for t in a.tags)
    topics = ", ".join(a.topics)
    return (
        f'---\ntitle: "{a.title}"\ndate: {a.date:%Y-%m-%d %H:%M}\nsection: {a.section}\n'
        f"tags: [{tags}]\ntopics: [{topics}]\n---\n{body(a)}\n"
    )


def write_alwaght(root: Path, articles: list[Article], *, lean: bool = False) -> None:
    (root / "content" / "topics").mkdir(parents=True)
    base_url = "/" if lean else "https://bench.example.org/"
    (root / "site.yaml").write_text(
        f"title: Benchmark Desk\nbase_url: {base_url}\ntimezone: UTC\n"
        "pagination:\n  per_page: 20\n" + ("search:\n  enabled: false\n" if lean else ""),
        encoding="utf-8",
    )
    for i, topic in enumerate(TOPICS):
        (root / "content" / "topics" / f"{topic}.md").write_text(
            f'---\ntitle: "Topic {i}"\nsummary: "What topic {i} is about."\norder: {i}\n---\nAbout topic {i}.\n',
            encoding="utf-8",
        )
    for a in articles:
        _write(alwaght_article_path(root, a), alwaght_article_text(a))


# --- Hugo --------------------------------------------------------------------

HUGO_CONFIG = """\
baseURL = "https://bench.example.org/"
title = "Benchmark Desk"
locale = "en"
timeZone = "UTC"
disableKinds = ["rss", "sitemap", "robotstxt"]

[pagination]
  pagerSize = 20
  disableAliases = true  # no page/1/ redirect pages: alwaght writes none either

[taxonomies]
  tag = "tags"
  topic = "topics"
  month = "months"

[permalinks.page]
{page_permalinks}
[permalinks.taxonomy]
  months = "/archive/"
[permalinks.term]
  months = "/archive/:slug/"

# alwaght's defaults: a shared topic scores 3, a shared tag 1, any match
# counts, tags on more than 20 % of the articles are not scored.
[related]
  includeNewer = true
  threshold = 0
  toLower = false
  [[related.indices]]
    name = "topics"
    weight = 3
  [[related.indices]]
    name = "tags"
    weight = 1
    cardinalityThreshold = 20
"""

HUGO_LAYOUTS = {
    "baseof.html": """\
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ block "title" . }}{{ .Title }} | {{ site.Title }}{{ end }}</title>
<link rel="stylesheet" href="{{ "style.css" | relURL }}"></head>
<body>
<header><a href="{{ "/" | relURL }}">{{ site.Title }}</a>
<nav>{{ range site.Sections }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ end }}</nav></header>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
""",
    "home.html": """\
{{ define "title" }}{{ site.Title }}{{ end }}
{{ define "main" }}<h1>Latest</h1>
{{ range first 10 site.RegularPages }}{{ partial "item.html" . }}{{ end }}
{{ end }}
""",
    "page.html": """\
{{ define "main" }}<article>
<p><a href="{{ .CurrentSection.RelPermalink }}">{{ .CurrentSection.Title }}</a></p>
<h1>{{ .Title }}</h1>
<time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Date.Format "Monday 2 January 2006" }}</time>
{{ .Content }}
<p>Tags: {{ range .GetTerms "tags" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>
{{ with .GetTerms "topics" }}<p>In focus:
{{ range . }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>{{ end }}
{{ with first 5 (site.RegularPages.Related .) }}<aside><h2>Related</h2><ul>
{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}
</ul></aside>{{ end }}
</article>{{ end }}
""",
    "list.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1>
{{ $pager := .Paginate .Pages }}
{{ if eq $pager.PageNumber 1 }}{{ .Content }}{{ end }}
{{ range $pager.Pages }}{{ partial "item.html" . }}{{ end }}
{{ partial "pager.html" $pager }}
{{ end }}
""",
    "taxonomy.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1><ul>
{{ range .Data.Terms.Alphabetical }}
<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> ({{ .Count }})</li>{{ end }}
</ul>{{ end }}
""",
    "404.html": """\
{{ define "main" }}<h1>Page not found</h1><p><a href="{{ "/" | relURL }}">Front page</a></p>{{ end }}
""",
    "_partials/item.html": """\
<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<time>{{ .Date.Format "2 January 2006" }}</time> <div>{{ .Summary }}</div></article>
""",
    "_partials/pager.html": """\
<nav>{{ with .Prev }}<a href="{{ .URL }}">Newer</a> {{ end }}page {{ .PageNumber }} of {{ .TotalPages }}\
{{ with .Next }} <a href="{{ .URL }}">Older</a>{{ end }}</nav>
""",
}

STYLESHEET = "body { max-width: 44rem; margin: auto; font-family: sans-serif; }\n"


def hugo_article_path(root: Path, a: Article) -> Path:
    return root / "content" / a.section / f"{a.slug}.md"


def hugo_article_text(a: Article) -> str:
    tags = ", ".join(f'"{t}"' for t in a.tags)
    topics = ", ".join(f'"{t}"' for t in a.topics)
    draft = "draft: true\n" if a.date > BUILD_NOW else ""
    return (
        f'---\ntitle: "{a.title}"\ndate: {a.date:%Y-%m-%dT%H:%M:%S}Z\nslug: {a.slug}\n{draft}'
        f'tags: [{tags}]\ntopics: [{topics}]\nmonths: ["{a.date:%Y-%m}"]\n---\n{body(a)}\n'
    )


def write_hugo(root: Path, articles: list[Article]) -> None:
    permalinks = "".join(f'  {s} = "/:section/:year/:month/:slug/"\n' for s in SECTIONS)
    _write(root / "hugo.toml", HUGO_CONFIG.format(page_permalinks=permalinks))
    for name, text in HUGO_LAYOUTS.items():
        _write(root / "layouts" / name, text)
    _write(root / "static" / "style.css", STYLESHEET)
    for section in SECTIONS:
        _write(root / "content" / section / "_index.md", f'---\ntitle: "{section.title()}"\n---\n')
    for i, topic in enumerate(TOPICS):
        _write(
            root / "content" / "topics" / topic / "_index.md",
            f'---\ntitle: "Topic {i}"\nsummary: "What topic {i} is about."\nweight: {i}\n---\nAbout topic {i}.\n',
        )
    for a in articles:
        _write(hugo_article_path(root, a), hugo_article_text(a))


# --- Pelican -----------------------------------------------------------------

PELICAN_CONFIG = """\
SITENAME = "Benchmark Desk"
SITEURL = ""
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
THEME = "theme"

DEFAULT_PAGINATION = 20
PAGINATED_TEMPLATES = {"tag": None, "category": None, "period_archives": None}
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)

ARTICLE_URL = "{category}/{date:%Y}/{date:%m}/{slug}/"
ARTICLE_SAVE_AS = ARTICLE_URL + "index.html"
CATEGORY_URL = "{slug}/"
CATEGORY_SAVE_AS = "{slug}/index.html"
TAG_URL = "tags/{slug}/"
TAG_SAVE_AS = "tags/{slug}/index.html"
TAGS_SAVE_AS = "tags/index.html"
CATEGORIES_SAVE_AS = "sections/index.html"
ARCHIVES_SAVE_AS = "archive/index.html"
MONTH_ARCHIVE_URL = "archive/{date:%Y}/{date:%m}/"
MONTH_ARCHIVE_SAVE_AS = "archive/{date:%Y}/{date:%m}/index.html"
DIRECT_TEMPLATES = ["index", "tags", "categories", "archives"]
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
DRAFT_SAVE_AS = ""

FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

# Rebuilds read parsed articles from the cache instead of running Markdown again.
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = "cache"
CHECK_MODIFIED_METHOD = "mtime"
DELETE_OUTPUT_DIRECTORY = False
"""

PELICAN_TEMPLATES = {
    "base.html": """\
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{{ SITENAME }}{% endblock %}</title>
<link rel="stylesheet" href="{{ SITEURL }}/theme/style.css"></head>
<body>
<header><a href="{{ SITEURL }}/">{{ SITENAME }}</a>
<nav>{% for cat, _ in categories %}<a href="{{ SITEURL }}/{{ cat.url }}">{{ cat }}</a> {% endfor %}</nav></header>
<main>{% block content %}{% endblock %}</main>
</body>
</html>
""",
    "item.html": """\
<article><h2><a href="{{ SITEURL }}/{{ article.url }}">{{ article.title }}</a></h2>
<time>{{ article.date.strftime("%-d %B %Y") }}</time> <div>{{ article.summary }}</div></article>
""",
    "pager.html": """\
<nav>{% if articles_page.has_previous() %}\
<a href="{{ SITEURL }}/{{ articles_previous_page.url }}">Newer</a> {% endif %}\
page {{ articles_page.number }} of {{ articles_paginator.num_pages }}\
{% if articles_page.has_next() %} <a href="{{ SITEURL }}/{{ articles_next_page.url }}">Older</a>{% endif %}</nav>
""",
    "list.html": """\
{% extends "base.html" %}
{% block title %}{{ heading }} | {{ SITENAME }}{% endblock %}
{% block content %}<h1>{{ heading }}</h1>
{% for article in articles_page.object_list %}{% include "item.html" %}{% endfor %}
{% include "pager.html" %}
{% endblock %}
""",
    "index.html": """\
{% extends "base.html" %}
{% block content %}<h1>Latest</h1>
{% for article in articles[:10] %}{% include "item.html" %}{% endfor %}
{% endblock %}
""",
    "article.html": """\
{% extends "base.html" %}
{% block title %}{{ article.title }} | {{ SITENAME }}{% endblock %}
{% block content %}<article>
<p><a href="{{ SITEURL }}/{{ article.category.url }}">{{ article.category }}</a></p>
<h1>{{ article.title }}</h1>
<time datetime="{{ article.date.isoformat() }}">{{ article.date.strftime("%A %-d %B %Y") }}</time>
{{ article.content }}
<p>Tags: {% for tag in article.tags %}<a href="{{ SITEURL }}/{{ tag.url }}">{{ tag }}</a> {% endfor %}</p>
</article>{% endblock %}
""",
    "tag.html": '{% set heading = tag %}{% extends "list.html" %}\n',
    "category.html": '{% set heading = category %}{% extends "list.html" %}\n',
    "period_archives.html": '{% set heading = period | join(" ") %}{% extends "list.html" %}\n',
    "tags.html": """\
{% extends "base.html" %}
{% block content %}<h1>Tags</h1><ul>
{% for tag, tagged in tags | sort %}
<li><a href="{{ SITEURL }}/{{ tag.url }}">{{ tag }}</a> ({{ tagged | length }})</li>{% endfor %}
</ul>{% endblock %}
""",
    "categories.html": """\
{% extends "base.html" %}
{% block content %}<h1>Sections</h1><ul>
{% for cat, filed in categories %}
<li><a href="{{ SITEURL }}/{{ cat.url }}">{{ cat }}</a> ({{ filed | length }})</li>{% endfor %}
</ul>{% endblock %}
""",
    "archives.html": """\
{% extends "base.html" %}
{% block content %}<h1>Archive</h1><ul>
{% for month in period_archives.month %}<li><a href="{{ SITEURL }}/{{ month.url }}">{{ month.period | join(" ") }}</a> \
({{ month.articles | length }})</li>{% endfor %}
</ul>{% endblock %}
""",
}


def pelican_article_path(root: Path, a: Article) -> Path:
    return root / "content" / f"{a.date:%Y}" / f"{a.date:%m}" / f"{a.slug}.md"


def pelican_article_text(a: Article) -> str:
    status = "Status: draft\n" if a.date > BUILD_NOW else ""
    return (
        f"Title: {a.title}\nDate: {a.date:%Y-%m-%d %H:%M}\nCategory: {a.section}\n"
        f"Tags: {', '.join(a.tags)}\nSlug: {a.slug}\n{status}\n{body(a)}\n"
    )


def write_pelican(root: Path, articles: list[Article]) -> None:
    _write(root / "pelicanconf.py", PELICAN_CONFIG)
    for name, text in PELICAN_TEMPLATES.items():
        _write(root / "theme" / "templates" / name, text)
    _write(root / "theme" / "static" / "style.css", STYLESHEET)
    for a in articles:
        _write(pelican_article_path(root, a), pelican_article_text(a))


@dataclass(frozen=True)
class Flavour:
    """How one tool's site is written, and where and how one article is."""

    write: Callable[[Path, list[Article]], None]
    article_path: Callable[[Path, Article], Path]
    article_text: Callable[[Article], str]


FLAVOURS = {
    "alwaght": Flavour(write_alwaght, alwaght_article_path, alwaght_article_text),
    "alwaght-lean": Flavour(
        lambda root, articles: write_alwaght(root, articles, lean=True), alwaght_article_path, alwaght_article_text
    ),
    "hugo": Flavour(write_hugo, hugo_article_path, hugo_article_text),
    "pelican": Flavour(write_pelican, pelican_article_path, pelican_article_text),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--hugo", action="store_true", help="also write OUT/hugo, the same corpus as a Hugo site")
    parser.add_argument("--pelican", action="store_true", help="also write OUT/pelican, as a Pelican site")
    args = parser.parse_args()
    if args.out.exists():
        shutil.rmtree(args.out)
    articles = make_articles(args.articles, args.seed)
    write_alwaght(args.out / "alwaght", articles)
    if args.hugo:
        write_hugo(args.out / "hugo", articles)
    if args.pelican:
        write_pelican(args.out / "pelican", articles)
    print(f"wrote {len(articles)} articles to {args.out}")


if __name__ == "__main__":
    main()
