"""Related content: the editors' list first, then computed neighbours (pure).

Input: the articles a build shows (slug, date, topic and tag slugs), each
article's explicit `related` slugs, and the weights from site.yaml. Output:
for every article, the slugs of its related articles, in order.

Score = topic_weight per shared topic + tag_weight per shared tag. Tags carried
by a large share of all articles say little about likeness and would make
every article a candidate of every other, so they are left out of the score
(the cardinality cut). Candidates below the threshold are dropped; ties go to
the article closest in date, then to the slug, so the result is deterministic.
Newer articles may appear: a news site links old stories to their follow-ups.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from .config import RelatedConfig

# Below this many articles per tag the cut never applies: small sites keep every signal.
MIN_TAG_CAP = 10


@dataclass(frozen=True)
class RelatedInput:
    slug: str
    date: datetime
    topics: tuple[str, ...]
    tags: tuple[str, ...]


def compute_related(
    articles: Sequence[RelatedInput],
    explicit: Mapping[str, tuple[str, ...]],
    config: RelatedConfig,
) -> dict[str, tuple[str, ...]]:
    shown = {a.slug for a in articles}
    by_topic: dict[str, list[int]] = defaultdict(list)
    by_tag: dict[str, list[int]] = defaultdict(list)
    for i, article in enumerate(articles):
        for topic in article.topics:
            by_topic[topic].append(i)
        for tag in article.tags:
            by_tag[tag].append(i)
    cap = max(MIN_TAG_CAP, config.max_tag_share * len(articles))
    informative = {tag: members for tag, members in by_tag.items() if len(members) <= cap}

    result: dict[str, tuple[str, ...]] = {}
    for i, article in enumerate(articles):
        chosen = [s for s in explicit.get(article.slug, ()) if s in shown and s != article.slug]
        wanted = config.count - len(chosen)
        if wanted > 0:
            chosen += _neighbours(i, articles, by_topic, informative, config, set(chosen))[:wanted]
        result[article.slug] = tuple(dict.fromkeys(chosen))
    return result


def _neighbours(
    i: int,
    articles: Sequence[RelatedInput],
    by_topic: Mapping[str, list[int]],
    by_tag: Mapping[str, list[int]],
    config: RelatedConfig,
    exclude: set[str],
) -> list[str]:
    article = articles[i]
    scores: dict[int, float] = defaultdict(float)
    for topic in article.topics:
        for j in by_topic[topic]:
            scores[j] += config.topic_weight
    for tag in article.tags:
        for j in by_tag.get(tag, ()):
            scores[j] += config.tag_weight
    scores.pop(i, None)
    when = article.date.timestamp()
    ranked = sorted(
        (j for j, score in scores.items() if score >= config.threshold and articles[j].slug not in exclude),
        key=lambda j: (-scores[j], abs(articles[j].date.timestamp() - when), articles[j].slug),
    )
    return [articles[j].slug for j in ranked]
