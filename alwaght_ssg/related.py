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

import numpy as np

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
    n = len(articles)
    shown = {a.slug for a in articles}
    index = {a.slug: i for i, a in enumerate(articles)}
    weights, features = _features(articles, config)
    when = np.array([a.date.timestamp() for a in articles], dtype=np.float64)
    slug_rank = np.empty(n, dtype=np.int64)
    slug_rank[np.argsort(np.array([a.slug for a in articles], dtype=object), kind="stable")] = np.arange(n)

    result: dict[str, tuple[str, ...]] = {}
    for start in range(0, n, _ROWS):
        stop = min(start + _ROWS, n)
        scores = (features[start:stop] * weights) @ features.T if features.size else np.zeros((stop - start, n))
        for row, i in enumerate(range(start, stop)):
            article = articles[i]
            chosen = [s for s in explicit.get(article.slug, ()) if s in shown and s != article.slug]
            wanted = config.count - len(chosen)
            if wanted > 0:
                exclude = [i, *(index[s] for s in chosen)]
                chosen += [articles[j].slug for j in _best(scores[row], exclude, wanted, when, slug_rank, i, config)]
            result[article.slug] = tuple(dict.fromkeys(chosen))
    return result


# Rows of the score matrix computed at once: 256 x 10,000 float64 is 20 MB.
_ROWS = 256


def _features(articles: Sequence[RelatedInput], config: RelatedConfig) -> tuple[np.ndarray, np.ndarray]:
    """A 0/1 matrix (article x topic-or-informative-tag) and each column's weight."""
    topics = sorted({t for a in articles for t in a.topics})
    members: dict[str, int] = defaultdict(int)
    for article in articles:
        for tag in article.tags:
            members[tag] += 1
    cap = max(MIN_TAG_CAP, config.max_tag_share * len(articles))
    tags = sorted(tag for tag, count in members.items() if count <= cap)
    column = {("topic", t): c for c, t in enumerate(topics)}
    column.update({("tag", t): len(topics) + c for c, t in enumerate(tags)})
    features = np.zeros((len(articles), len(column)), dtype=np.float64)
    for i, article in enumerate(articles):
        for topic in article.topics:
            features[i, column[("topic", topic)]] = 1.0
        for tag in article.tags:
            c = column.get(("tag", tag))
            if c is not None:
                features[i, c] = 1.0
    weights = np.array([config.topic_weight] * len(topics) + [config.tag_weight] * len(tags), dtype=np.float64)
    return weights, features


def _best(
    scores: np.ndarray,
    exclude: list[int],
    wanted: int,
    when: np.ndarray,
    slug_rank: np.ndarray,
    i: int,
    config: RelatedConfig,
) -> list[int]:
    """The `wanted` best candidates: highest score, then closest in date, then slug."""
    scores = scores.copy()
    scores[exclude] = -np.inf
    candidates = np.flatnonzero((scores >= config.threshold) & (scores > 0))
    if candidates.size > wanted:
        # Only candidates scoring at least the wanted-th best can make the cut; sort just those.
        floor = np.partition(scores[candidates], candidates.size - wanted)[candidates.size - wanted]
        candidates = candidates[scores[candidates] >= floor]
    order = np.lexsort((slug_rank[candidates], np.abs(when[candidates] - when[i]), -scores[candidates]))
    return [int(j) for j in candidates[order[:wanted]]]
