"""Generate a benchmark corpus of N articles as an alwaght_ssg site (and, with
--hugo/--pelican, the equivalent Hugo and Pelican sites).

    python bench/corpus.py OUTDIR --articles 10000 [--seed 1]

The text is random words from a fixed vocabulary (about 770 words an
article, in sections with subheadings, a list and a quote); tags come from a
skewed pool of 300 (a few tags are on a large share of articles, as in a
real newsroom), topics from 12, dates spread over three years. The same
seed gives the same corpus.
"""

from __future__ import annotations

import argparse
import random
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

SECTIONS = ["news", "report", "analysis", "interview", "opinion"]
TOPICS = [f"topic-{i:02d}" for i in range(12)]
VOCABULARY = (
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


def write_alwaght(root: Path, articles: list[Article]) -> None:
    (root / "content" / "topics").mkdir(parents=True)
    (root / "site.yaml").write_text(
        "title: Benchmark Desk\nbase_url: https://bench.example.org/\ntimezone: UTC\n"
        "pagination:\n  per_page: 20\n",
        encoding="utf-8",
    )
    for i, topic in enumerate(TOPICS):
        (root / "content" / "topics" / f"{topic}.md").write_text(
            f'---\ntitle: "Topic {i}"\nsummary: "What topic {i} is about."\norder: {i}\n---\nAbout topic {i}.\n',
            encoding="utf-8",
        )
    for a in articles:
        folder = root / "content" / "articles" / f"{a.date:%Y}" / f"{a.date:%m}"
        folder.mkdir(parents=True, exist_ok=True)
        tags = ", ".join(f'"{t}"' for t in a.tags)
        topics = ", ".join(a.topics)
        (folder / f"{a.slug}.md").write_text(
            f'---\ntitle: "{a.title}"\ndate: {a.date:%Y-%m-%d %H:%M}\nsection: {a.section}\n'
            f"tags: [{tags}]\ntopics: [{topics}]\n---\n{body(a)}\n",
            encoding="utf-8",
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.out.exists():
        shutil.rmtree(args.out)
    articles = make_articles(args.articles, args.seed)
    write_alwaght(args.out / "alwaght", articles)
    print(f"wrote {len(articles)} articles to {args.out}")


if __name__ == "__main__":
    main()
