"""The one YAML reader: front matter and site.yaml, safe and bounded.

Input: text (and where it sits in its file). Output: a `YamlDoc` holding the
top-level mapping and the line of every top-level key, or problems. PyYAML's
safe loader is used (its C version where libyaml is present); on top of it we
detect duplicate keys (PyYAML silently keeps the last), refuse documents that
expand past a node budget (alias bombs) and refuse oversized text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from .problems import Problems

try:  # libyaml is several times faster; the pure-Python loader behaves the same
    _Composer: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Composer = yaml.SafeLoader

MAX_YAML_CHARS = 256 * 1024
MAX_NODES = 20_000
MAX_DEPTH = 50
KEY_LINE_DEPTH = 4  # deep enough for every setting; deeper values point at their parent

FRONT_MATTER_FENCE = "---"


@dataclass(frozen=True)
class YamlDoc:
    data: dict[str, Any]
    lines: dict[str, int]
    first_line: int

    def line(self, key: str) -> int:
        """The line of `key` (a dotted path), else of its nearest parent, else 1st."""
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key.rpartition(".")[0]
        return self.first_line


@dataclass(frozen=True)
class Split:
    """A Markdown file cut into its front matter and body, with line numbers."""

    yaml_text: str
    yaml_line: int
    body: str
    body_line: int


def split_front_matter(text: str, path: str, problems: Problems) -> Split | None:
    """Cut `---`-fenced front matter off the top of a Markdown text."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != FRONT_MATTER_FENCE:
        problems.error(
            path,
            1,
            "no front matter: start the file with a line '---', then 'title:' and 'date:' lines, then a closing '---'",
        )
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in (FRONT_MATTER_FENCE, "..."):
            return Split(
                yaml_text="\n".join(lines[1:index]),
                yaml_line=2,
                body="\n".join(lines[index + 1 :]),
                body_line=index + 2,
            )
    problems.error(path, 1, "front matter is never closed: add a line '---' after the last key")
    return None


def read_yaml(text: str, path: str, problems: Problems, first_line: int = 1) -> YamlDoc | None:
    """Parse one YAML mapping; report every problem against `path`."""
    if len(text) > MAX_YAML_CHARS:
        problems.error(
            path,
            first_line,
            f"YAML block is too large ({len(text):,} characters); the limit is {MAX_YAML_CHARS:,}",
        )
        return None
    try:
        node = yaml.compose(text, Loader=_Composer)
    except yaml.MarkedYAMLError as exc:
        line, message = _explain(exc, text)
        problems.error(path, first_line + line, f"invalid YAML: {message}")
        return None
    except yaml.YAMLError as exc:  # reader errors (control characters) carry no mark
        problems.error(path, first_line, f"invalid YAML: {exc}")
        return None
    except RecursionError:
        problems.error(path, first_line, "YAML is nested too deeply; flatten the lists and mappings")
        return None
    if node is None:
        return YamlDoc({}, {}, first_line)
    if not isinstance(node, yaml.MappingNode):
        problems.error(
            path,
            first_line + node.start_mark.line,
            "expected 'key: value' lines, found a "
            + ("list" if isinstance(node, yaml.SequenceNode) else "single value"),
        )
        return None
    refused, duplicates, lines = _inspect(node, first_line)
    if refused:
        problems.error(path, first_line, refused)
        return None
    for line, message in duplicates:
        problems.error(path, line, message)
    if duplicates:
        return None
    try:
        data = yaml.SafeLoader("").construct_document(node)
    except yaml.MarkedYAMLError as exc:
        line, message = _explain(exc, text)
        problems.error(path, first_line + line, f"invalid YAML: {message}")
        return None
    except RecursionError:
        problems.error(path, first_line, "YAML is nested too deeply; flatten the lists and mappings")
        return None
    clean = {str(k): v for k, v in data.items()}
    return YamlDoc(clean, lines, first_line)


def _explain(exc: yaml.MarkedYAMLError, text: str) -> tuple[int, str]:
    """The line (0-based, within `text`) and an editor's wording of a parser error."""
    problem = exc.problem or str(exc)
    mark = exc.problem_mark or exc.context_mark
    line = mark.line if mark else 0
    if exc.context and "quoted scalar" in exc.context and exc.context_mark:
        return exc.context_mark.line, "the quoted value on this line is never closed; add the closing quote mark"
    lines = text.splitlines()
    at_tab = mark is not None and line < len(lines) and lines[line][mark.column : mark.column + 1] == "\t"
    if at_tab or "'\\t'" in problem or "tab character" in problem:
        return line, "found a tab character; indent YAML with spaces, not tabs"
    if exc.context:
        return line, f"{problem} ({exc.context})"
    return line, problem


def _inspect(root: yaml.MappingNode, first_line: int) -> tuple[str | None, list[tuple[int, str]], dict[str, int]]:
    """One walk over the node tree: why it is refused (past the node budget, which
    counts alias expansions, or nested too deep), its duplicate keys, and the line
    of each key as a dotted path (`related.count`, `sections.0.slug`)."""
    seen = 0
    visited: set[int] = set()
    duplicates: list[tuple[int, str]] = []
    lines: dict[str, int] = {}
    stack: list[tuple[yaml.Node, int, str]] = [(root, 0, "")]
    while stack:
        node, depth, prefix = stack.pop()
        seen += 1
        if seen > MAX_NODES:
            refusal = (
                f"YAML expands to more than {MAX_NODES:,} values (repeated aliases?); write the values out plainly"
            )
            return refusal, [], {}
        if depth > MAX_DEPTH:
            return f"YAML is nested more than {MAX_DEPTH} levels deep; flatten the lists and mappings", [], {}
        first_visit = id(node) not in visited
        visited.add(id(node))
        if isinstance(node, yaml.MappingNode):
            first: dict[str, int] = {}
            for key, value in node.value:
                name = ""
                if isinstance(key, yaml.ScalarNode):
                    line = first_line + key.start_mark.line
                    if first_visit and key.value in first:
                        duplicates.append(
                            (line, f"duplicate key '{key.value}' (first at line {first[key.value]}); keep one of them")
                        )
                    first.setdefault(key.value, line)
                    if first_visit and depth <= KEY_LINE_DEPTH:
                        name = f"{prefix}{key.value}"
                        lines.setdefault(name, line)
                stack.append((key, depth + 1, ""))
                stack.append((value, depth + 1, name + "." if name else ""))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                name = ""
                if first_visit and prefix and depth <= KEY_LINE_DEPTH:
                    name = f"{prefix}{index}"
                    lines.setdefault(name, first_line + item.start_mark.line)
                stack.append((item, depth + 1, name + "." if name else ""))
    duplicates.sort()
    return None, duplicates, lines
