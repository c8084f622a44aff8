"""related.compute_related: editors' list first, then scored neighbours, deterministically."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alwaght_ssg.config import RelatedConfig
from alwaght_ssg.related import MIN_TAG_CAP, RelatedInput, compute_related

DAY0 = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
DEFAULT = RelatedConfig()


def art(slug: str, day: int = 0, topics: tuple[str, ...] = (), tags: tuple[str, ...] = ()) -> RelatedInput:
    return RelatedInput(slug, DAY0 + timedelta(days=day), topics, tags)


def test_computed_by_score_highest_first() -> None:
    articles = [
        art("a", 0, topics=("t",), tags=("x", "y")),
        art("one-tag", 1, tags=("x",)),
        art("two-tags", 50, tags=("x", "y")),
        art("topic-and-tag", 60, topics=("t",), tags=("x",)),
        art("unrelated", 0, tags=("z",)),
    ]
    result = compute_related(articles, {}, DEFAULT)
    assert result["a"] == ("topic-and-tag", "two-tags", "one-tag")


def test_topic_weight_beats_tag_weight() -> None:
    articles = [
        art("a", 0, topics=("t",), tags=("x", "y")),
        art("shares-two-tags", 1, tags=("x", "y")),  # 2 * 1.0
        art("shares-topic", 30, topics=("t",)),  # 3.0
    ]
    assert compute_related(articles, {}, DEFAULT)["a"] == ("shares-topic", "shares-two-tags")


def test_weights_come_from_config() -> None:
    articles = [
        art("a", 0, topics=("t",), tags=("x",)),
        art("shares-tag", 1, tags=("x",)),
        art("shares-topic", 1, topics=("t",)),
    ]
    config = RelatedConfig(topic_weight=1.0, tag_weight=5.0)
    assert compute_related(articles, {}, config)["a"] == ("shares-tag", "shares-topic")


def test_tie_goes_to_closest_date() -> None:
    articles = [
        art("a", 10, tags=("x",)),
        art("far", 3, tags=("x",)),
        art("near-after", 12, tags=("x",)),
        art("nearest-before", 9, tags=("x",)),
    ]
    assert compute_related(articles, {}, DEFAULT)["a"] == ("nearest-before", "near-after", "far")


def test_tie_in_score_and_distance_goes_to_slug() -> None:
    articles = [
        art("a", 10, tags=("x",)),
        art("zebra", 8, tags=("x",)),
        art("alpha", 12, tags=("x",)),
        art("mango", 8, tags=("x",)),
    ]
    assert compute_related(articles, {}, DEFAULT)["a"] == ("alpha", "mango", "zebra")


def test_self_never_included() -> None:
    articles = [art("a", 0, topics=("t",), tags=("x",)), art("b", 1, topics=("t",), tags=("x",))]
    result = compute_related(articles, {"a": ("a", "b")}, DEFAULT)
    assert result["a"] == ("b",)
    assert result["b"] == ("a",)


def test_threshold_drops_weak_candidates() -> None:
    articles = [
        art("a", 0, topics=("t",), tags=("x", "y")),
        art("one-tag", 1, tags=("x",)),
        art("two-tags", 2, tags=("x", "y")),
        art("topic", 3, topics=("t",)),
    ]
    config = RelatedConfig(threshold=2.0)
    assert compute_related(articles, {}, config)["a"] == ("topic", "two-tags")
    config = RelatedConfig(threshold=3.0)
    assert compute_related(articles, {}, config)["a"] == ("topic",)


def test_score_exactly_at_threshold_counts() -> None:
    articles = [art("a", 0, tags=("x",)), art("b", 1, tags=("x",))]
    assert compute_related(articles, {}, RelatedConfig(threshold=1.0))["a"] == ("b",)


def test_no_shared_terms_gives_empty_tuple() -> None:
    articles = [art("a", 0, tags=("x",)), art("b", 1, tags=("y",))]
    assert compute_related(articles, {}, DEFAULT) == {"a": (), "b": ()}


def test_count_is_respected() -> None:
    articles = [art("a", 0, tags=("x",))] + [art(f"b{i:02d}", i + 1, tags=("x",)) for i in range(8)]
    result = compute_related(articles, {}, RelatedConfig(count=3))
    assert result["a"] == ("b00", "b01", "b02")


def test_explicit_first_in_their_order_then_computed() -> None:
    articles = [
        art("a", 0, topics=("t",)),
        art("best-match", 1, topics=("t",)),
        art("editors-pick-1", 100),
        art("editors-pick-2", 200),
    ]
    explicit = {"a": ("editors-pick-2", "editors-pick-1")}
    result = compute_related(articles, explicit, DEFAULT)
    assert result["a"] == ("editors-pick-2", "editors-pick-1", "best-match")


def test_explicit_fills_count_before_computed() -> None:
    articles = [art("a", 0, topics=("t",)), art("match", 1, topics=("t",)), art("p1", 5), art("p2", 6)]
    result = compute_related(articles, {"a": ("p1", "p2")}, RelatedConfig(count=2))
    assert result["a"] == ("p1", "p2")


def test_explicit_filtered_to_shown_articles() -> None:
    articles = [art("a", 0), art("shown", 3)]
    result = compute_related(articles, {"a": ("hidden-draft", "shown", "missing")}, DEFAULT)
    assert result["a"] == ("shown",)


def test_explicit_not_repeated_by_computed() -> None:
    articles = [art("a", 0, topics=("t",)), art("b", 1, topics=("t",)), art("c", 2, topics=("t",))]
    result = compute_related(articles, {"a": ("c",)}, DEFAULT)
    assert result["a"] == ("c", "b")


def test_explicit_duplicates_collapse() -> None:
    articles = [art("a", 0), art("b", 1)]
    assert compute_related(articles, {"a": ("b", "b")}, DEFAULT)["a"] == ("b",)


def test_explicit_is_not_symmetric() -> None:
    articles = [art("a", 0), art("b", 1)]
    result = compute_related(articles, {"a": ("b",)}, DEFAULT)
    assert result["a"] == ("b",)
    assert result["b"] == ()


def test_newer_articles_may_appear() -> None:
    articles = [art("old-story", 0, topics=("t",)), art("follow-up", 90, topics=("t",))]
    result = compute_related(articles, {}, DEFAULT)
    assert result["old-story"] == ("follow-up",)
    assert result["follow-up"] == ("old-story",)


def test_cardinality_cut_ignores_tag_on_most_articles() -> None:
    # 12 articles, 11 carry "news": more than MIN_TAG_CAP and more than 20 % of them.
    articles = [art(f"a{i:02d}", i, tags=("news",)) for i in range(11)] + [art("other", 50, tags=("misc",))]
    assert len(articles) > MIN_TAG_CAP
    result = compute_related(articles, {}, DEFAULT)
    assert all(result[a.slug] == () for a in articles)


def test_cardinality_cut_keeps_informative_tags() -> None:
    articles = [art(f"a{i:02d}", i, tags=("news",)) for i in range(11)]
    articles[0] = art("a00", 0, tags=("news", "rare"))
    articles[5] = art("a05", 5, tags=("news", "rare"))
    result = compute_related(articles, {}, DEFAULT)
    assert result["a00"] == ("a05",)
    assert result["a01"] == ()


def test_small_sites_keep_common_tags() -> None:
    # A tag on exactly MIN_TAG_CAP articles is never cut, however large its share.
    articles = [art(f"a{i:02d}", i, tags=("news",)) for i in range(MIN_TAG_CAP)] + [art("x", 99)]
    result = compute_related(articles, {}, RelatedConfig(count=20))
    assert result["a00"] == tuple(f"a{i:02d}" for i in range(1, MIN_TAG_CAP))
    assert result["x"] == ()


def test_share_above_cap_on_large_site_keeps_tag() -> None:
    # 100 articles, max_tag_share 0.2: a tag on 20 of them is kept, on 21 it is cut.
    kept = [art(f"k{i:03d}", i, tags=("kept",)) for i in range(20)]
    cut = [art(f"c{i:03d}", i, tags=("cut",)) for i in range(21)]
    rest = [art(f"r{i:03d}", i) for i in range(59)]
    articles = kept + cut + rest
    assert len(articles) == 100
    result = compute_related(articles, {}, DEFAULT)
    assert len(result["k000"]) == DEFAULT.count
    assert result["c000"] == ()


def test_topics_are_never_cut() -> None:
    articles = [art(f"a{i:02d}", i, topics=("t",)) for i in range(30)]
    result = compute_related(articles, {}, DEFAULT)
    assert result["a00"] == ("a01", "a02", "a03", "a04", "a05")


def test_every_article_gets_an_entry() -> None:
    articles = [art("a", 0), art("b", 1), art("c", 2)]
    assert set(compute_related(articles, {}, DEFAULT)) == {"a", "b", "c"}


def test_deterministic_regardless_of_explicit_dict_order() -> None:
    articles = [
        art("a", 0, topics=("t",), tags=("x",)),
        art("b", 1, topics=("t",)),
        art("c", 2, tags=("x",)),
        art("d", 3, topics=("t",), tags=("x",)),
        art("e", 4),
    ]
    forward = {"a": ("e", "c"), "b": ("d",), "e": ("a",)}
    backward = dict(reversed(list(forward.items())))
    assert list(forward) != list(backward)
    first = compute_related(articles, forward, DEFAULT)
    second = compute_related(articles, backward, DEFAULT)
    assert first == second
    assert first["a"] == ("e", "c", "d", "b")


def test_deterministic_regardless_of_article_order() -> None:
    articles = [
        art("a", 10, tags=("x",)),
        art("zebra", 8, tags=("x",)),
        art("alpha", 12, tags=("x",)),
        art("mango", 8, tags=("x",)),
        art("kiwi", 15, topics=("t",), tags=("x",)),
    ]
    first = compute_related(articles, {}, DEFAULT)
    second = compute_related(list(reversed(articles)), {}, DEFAULT)
    assert first == second
