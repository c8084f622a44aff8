"""yamlread: front matter splitting and the one bounded, duplicate-aware YAML reader."""

from __future__ import annotations

import itertools

import pytest

from alwaght_ssg.load import decode
from alwaght_ssg.problems import Problems, Severity
from alwaght_ssg.yamlread import MAX_DEPTH, MAX_YAML_CHARS, read_yaml, split_front_matter

# ---------------------------------------------------------------- split_front_matter


def test_split_basic_lines() -> None:
    problems = Problems()
    text = "---\ntitle: A\ndate: 2026-01-01\n---\n\nFirst paragraph.\n"
    split = split_front_matter(text, "a.md", problems)
    assert split is not None
    assert split.yaml_text == "title: A\ndate: 2026-01-01"
    assert split.yaml_line == 2
    assert split.body == "\nFirst paragraph."
    # The body starts on the line after the closing fence (line 4): line 5.
    assert split.body_line == 5
    assert len(problems) == 0


def test_split_crlf_line_ends() -> None:
    problems = Problems()
    text = "---\r\ntitle: A\r\ndate: 2026-01-01\r\n---\r\nBody line\r\nSecond\r\n"
    split = split_front_matter(text, "a.md", problems)
    assert split is not None
    assert "\r" not in split.yaml_text
    assert split.yaml_text == "title: A\ndate: 2026-01-01"
    assert split.body == "Body line\nSecond"
    assert split.body_line == 5
    assert len(problems) == 0


def test_split_dots_closer() -> None:
    problems = Problems()
    split = split_front_matter("---\ntitle: A\n...\nBody\n", "a.md", problems)
    assert split is not None
    assert split.yaml_text == "title: A"
    assert split.body == "Body"
    assert split.body_line == 4


def test_split_fence_with_trailing_spaces() -> None:
    problems = Problems()
    split = split_front_matter("--- \ntitle: A\n---   \nBody\n", "a.md", problems)
    assert split is not None
    assert split.yaml_text == "title: A"
    assert split.body == "Body"


def test_split_only_first_closing_fence_counts() -> None:
    problems = Problems()
    split = split_front_matter("---\ntitle: A\n---\nBody\n\n---\n\nMore\n", "a.md", problems)
    assert split is not None
    assert split.yaml_text == "title: A"
    assert split.body == "Body\n\n---\n\nMore"
    assert split.body_line == 4


def test_split_empty_front_matter() -> None:
    problems = Problems()
    split = split_front_matter("---\n---\nBody\n", "a.md", problems)
    assert split is not None
    assert split.yaml_text == ""
    assert split.body == "Body"
    assert split.body_line == 3


def test_split_after_caller_strips_bom() -> None:
    problems = Problems()
    raw = "\ufeff---\r\ntitle: A\r\n---\r\nBody\r\n".encode()
    text = decode(raw, "a.md", problems)
    assert text is not None and not text.startswith("\ufeff")
    split = split_front_matter(text, "a.md", problems)
    assert split is not None
    assert split.yaml_text == "title: A"
    assert split.body == "Body"
    assert split.body_line == 4
    assert len(problems) == 0


def test_split_missing_front_matter_is_error_at_line_1() -> None:
    problems = Problems()
    assert split_front_matter("title: A\n\nBody\n", "x/a.md", problems) is None
    [problem] = problems.errors
    assert (problem.path, problem.line) == ("x/a.md", 1)
    assert "no front matter" in problem.message


def test_split_empty_text_is_error() -> None:
    problems = Problems()
    assert split_front_matter("", "a.md", problems) is None
    assert len(problems.errors) == 1


def test_split_unclosed_front_matter() -> None:
    problems = Problems()
    assert split_front_matter("---\ntitle: A\n\nBody\n", "a.md", problems) is None
    [problem] = problems.errors
    assert problem.line == 1
    assert "never closed" in problem.message


# ---------------------------------------------------------------- read_yaml: values and lines


def test_read_yaml_values_and_top_level_lines() -> None:
    problems = Problems()
    doc = read_yaml("title: Desk\n\ntimezone: UTC\ncount: 3\n", "site.yaml", problems)
    assert doc is not None
    assert doc.data == {"title": "Desk", "timezone": "UTC", "count": 3}
    assert doc.line("title") == 1
    assert doc.line("timezone") == 3
    assert doc.line("count") == 4
    assert len(problems) == 0


def test_read_yaml_dotted_nested_lines() -> None:
    text = (
        "title: Desk\n"  # 1
        "related:\n"  # 2
        "  threshold: 2\n"  # 3
        "  count: 4\n"  # 4
        "sections:\n"  # 5
        "  - news\n"  # 6
        "  - slug: opinion\n"  # 7
        "    title: Opinion\n"  # 8
    )
    doc = read_yaml(text, "site.yaml", Problems())
    assert doc is not None
    assert doc.line("related") == 2
    assert doc.line("related.count") == 4
    assert doc.line("related.threshold") == 3
    assert doc.line("sections.0") == 6
    assert doc.line("sections.1.slug") == 7
    assert doc.line("sections.1.title") == 8


def test_read_yaml_first_slug_in_sequence_of_mappings() -> None:
    text = "sections:\n  - slug: news\n    title: News\n  - slug: opinion\n"
    doc = read_yaml(text, "site.yaml", Problems())
    assert doc is not None
    assert doc.line("sections.0.slug") == 2
    assert doc.line("sections.0.title") == 3
    assert doc.line("sections.1.slug") == 4


def test_read_yaml_lines_offset_by_first_line() -> None:
    doc = read_yaml("title: A\nrelated:\n  count: 2\n", "a.md", Problems(), first_line=2)
    assert doc is not None
    assert doc.first_line == 2
    assert doc.line("title") == 2
    assert doc.line("related.count") == 4


def test_read_yaml_unknown_path_falls_back_to_parent_then_first_line() -> None:
    doc = read_yaml("title: A\nrelated:\n  count: 2\n", "a.md", Problems(), first_line=2)
    assert doc is not None
    assert doc.line("related.nothing") == 3
    assert doc.line("related.count.deeper") == 4
    assert doc.line("missing") == 2
    assert doc.line("") == 2


# ---------------------------------------------------------------- read_yaml: duplicates


def test_duplicate_top_level_key_names_both_lines() -> None:
    problems = Problems()
    assert read_yaml("title: A\ndate: 2026-01-01\ntitle: B\n", "a.md", problems, first_line=2) is None
    [problem] = problems.errors
    assert problem.path == "a.md"
    assert problem.line == 4
    assert "duplicate key 'title'" in problem.message
    assert "line 2" in problem.message


def test_duplicate_nested_key_names_both_lines() -> None:
    problems = Problems()
    text = "title: A\nrelated:\n  count: 2\n  threshold: 1\n  count: 3\n"
    assert read_yaml(text, "site.yaml", problems) is None
    [problem] = problems.errors
    assert problem.line == 5
    assert "duplicate key 'count'" in problem.message
    assert "line 3" in problem.message


def test_duplicate_keys_inside_a_list_item() -> None:
    problems = Problems()
    text = "sections:\n  - slug: news\n    slug: opinion\n"
    assert read_yaml(text, "site.yaml", problems) is None
    [problem] = problems.errors
    assert problem.line == 3
    assert "'slug'" in problem.message and "line 2" in problem.message


def test_every_duplicate_is_reported() -> None:
    problems = Problems()
    assert read_yaml("a: 1\nb: 2\na: 3\nb: 4\n", "a.md", problems) is None
    assert sorted(p.line for p in problems.errors) == [3, 4]


def test_same_key_in_different_mappings_is_not_duplicate() -> None:
    problems = Problems()
    doc = read_yaml("home:\n  count: 1\nrelated:\n  count: 2\n", "site.yaml", problems)
    assert doc is not None
    assert doc.data == {"home": {"count": 1}, "related": {"count": 2}}
    assert len(problems) == 0


# ---------------------------------------------------------------- read_yaml: refusals


def test_alias_bomb_is_refused() -> None:
    lol = '["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'
    lines = [f"a: &a {lol}"]
    names = "abcdefghi"
    for prev, name in itertools.pairwise(names):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    problems = Problems()
    assert read_yaml("\n".join(lines) + "\n", "a.md", problems, first_line=2) is None
    [problem] = problems.errors
    assert problem.line == 2
    assert "alias" in problem.message


def test_a_few_aliases_are_fine() -> None:
    problems = Problems()
    doc = read_yaml("base: &b [x, y]\ncopy: *b\n", "a.md", problems)
    assert doc is not None
    assert doc.data == {"base": ["x", "y"], "copy": ["x", "y"]}
    assert len(problems) == 0


@pytest.mark.parametrize("depth", [MAX_DEPTH + 5, 5000])
def test_deep_nesting_is_refused(depth: int) -> None:
    problems = Problems()
    text = "a: " + "[" * depth + "]" * depth + "\n"
    assert read_yaml(text, "a.md", problems) is None
    [problem] = problems.errors
    assert "nested" in problem.message


def test_deep_block_mapping_nesting_is_refused() -> None:
    depth = MAX_DEPTH + 5
    text = "".join("  " * i + f"k{i}:\n" for i in range(depth)) + "  " * depth + "leaf\n"
    problems = Problems()
    assert read_yaml(text, "a.md", problems) is None
    [problem] = problems.errors
    assert "nested" in problem.message


def test_moderate_nesting_is_fine() -> None:
    problems = Problems()
    doc = read_yaml("a: " + "[" * 10 + "1" + "]" * 10 + "\n", "a.md", problems)
    assert doc is not None
    assert len(problems) == 0


def test_oversized_text_is_refused() -> None:
    problems = Problems()
    line = "key: value\n"
    text = line * (MAX_YAML_CHARS // len(line) + 1)
    assert len(text) > MAX_YAML_CHARS
    assert read_yaml(text, "a.md", problems, first_line=2) is None
    [problem] = problems.errors
    assert problem.line == 2
    assert "too large" in problem.message


def test_text_at_the_limit_is_read() -> None:
    problems = Problems()
    text = "key: " + "x" * (MAX_YAML_CHARS - len("key: "))
    assert len(text) == MAX_YAML_CHARS
    doc = read_yaml(text, "a.md", problems)
    assert doc is not None
    assert len(doc.data["key"]) == MAX_YAML_CHARS - 5


# ---------------------------------------------------------------- read_yaml: shape and syntax


def test_list_document_is_refused() -> None:
    problems = Problems()
    assert read_yaml("- a\n- b\n", "a.md", problems, first_line=2) is None
    [problem] = problems.errors
    assert problem.line == 2
    assert "found a list" in problem.message


def test_scalar_document_is_refused_at_its_line() -> None:
    problems = Problems()
    assert read_yaml("\n\njust words\n", "a.md", problems, first_line=2) is None
    [problem] = problems.errors
    assert problem.line == 4
    assert "found a single value" in problem.message


def test_invalid_yaml_line_offset_by_first_line() -> None:
    problems = Problems()
    assert read_yaml("title: A\ndate: 2026\nbad: x: y\n", "a.md", problems, first_line=2) is None
    [problem] = problems.errors
    assert problem.severity is Severity.ERROR
    assert problem.line == 4
    assert problem.message.startswith("invalid YAML:")


def test_invalid_yaml_same_text_without_offset() -> None:
    problems = Problems()
    assert read_yaml("title: A\ndate: 2026\nbad: x: y\n", "a.md", problems) is None
    assert [p.line for p in problems.errors] == [3]


def test_tab_indent_gets_a_hint() -> None:
    problems = Problems()
    assert read_yaml("related:\n\tcount: 2\n", "site.yaml", problems) is None
    [problem] = problems.errors
    assert problem.line == 2
    assert "spaces, not tabs" in problem.message


def test_control_character_is_invalid_yaml() -> None:
    problems = Problems()
    assert read_yaml("title: A\x07\n", "a.md", problems, first_line=2) is None
    [problem] = problems.errors
    assert problem.message.startswith("invalid YAML")


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_empty_document_is_empty_mapping(text: str) -> None:
    problems = Problems()
    doc = read_yaml(text, "a.md", problems, first_line=2)
    assert doc is not None
    assert doc.data == {}
    assert doc.lines == {}
    assert doc.first_line == 2
    assert len(problems) == 0


def test_keys_become_strings() -> None:
    doc = read_yaml("1: one\n", "a.md", Problems())
    assert doc is not None
    assert doc.data == {"1": "one"}
    assert doc.line("1") == 1
