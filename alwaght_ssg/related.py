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
    members, weight, features_of = _inverted_index(articles, config)
    when = np.array([a.date.timestamp() for a in articles], dtype=np.float64)
    slug_rank = np.empty(n, dtype=np.int64)
    slug_rank[np.argsort(np.array([a.slug for a in articles], dtype=object), kind="stable")] = np.arange(n)

    result: dict[str, tuple[str, ...]] = {}
    for i, article in enumerate(articles):
        chosen = [s for s in explicit.get(article.slug, ()) if s in shown and s != article.slug]
        wanted = config.count - len(chosen)
        if wanted > 0 and features_of[i]:
            # Score every article sharing a feature with this one, in one pass in C.
            idx = np.concatenate([members[f] for f in features_of[i]])
            w = np.concatenate([np.full(members[f].size, weight[f]) for f in features_of[i]])
            scores = np.bincount(idx, weights=w, minlength=n)
            exclude = [i, *(index[s] for s in chosen)]
            chosen += [articles[j].slug for j in _best(scores, exclude, wanted, when, slug_rank, i, config)]
        result[article.slug] = tuple(dict.fromkeys(chosen))
    return result


def _inverted_index(
    articles: Sequence[RelatedInput], config: RelatedConfig
) -> tuple[dict[tuple[str, str], np.ndarray], dict[tuple[str, str], float], list[list[tuple[str, str]]]]:
    """Articles of each topic and informative tag, each feature's weight, and each article's features."""
    lists: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, article in enumerate(articles):
        for topic in article.topics:
            lists[("topic", topic)].append(i)
        for tag in article.tags:
            lists[("tag", tag)].append(i)
    cap = max(MIN_TAG_CAP, config.max_tag_share * len(articles))
    members = {
        feature: np.array(rows, dtype=np.int64)
        for feature, rows in lists.items()
        if feature[0] == "topic" or len(rows) <= cap
    }
    weight = {f: config.topic_weight if f[0] == "topic" else config.tag_weight for f in members}
    features_of: list[list[tuple[str, str]]] = [
        [f for f in (*(("topic", t) for t in a.topics), *(("tag", t) for t in a.tags)) if f in members]
        for a in articles
    ]
    return members, weight, features_of


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
    scores[exclude] = 0
    candidates = np.flatnonzero((scores >= config.threshold) & (scores > 0))
    if candidates.size > wanted:
        # Only candidates scoring at least the wanted-th best can make the cut; sort just those.
        floor = np.partition(scores[candidates], candidates.size - wanted)[candidates.size - wanted]
        candidates = candidates[scores[candidates] >= floor]
    order = np.lexsort((slug_rank[candidates], np.abs(when[candidates] - when[i]), -scores[candidates]))
    return [int(j) for j in candidates[order[:wanted]]]
