"""New content and new sites: `alwaght-ssg new article` and `alwaght-ssg init`.

Input: the site folder (or a new folder), a title and options, the command's
now. Output: the files written; nothing is ever overwritten.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

from .config import load_config
from .problems import Problems, did_you_mean
from .urls import make_slug

STARTER = Path(__file__).resolve().parent / "starter"


class ScaffoldError(Exception):
    """The file or folder to create is already there, or cannot be made."""


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def new_article(
    root: Path, title: str, section: str | None, tags: str, now: datetime, problems: Problems
) -> Path | None:
    config = load_config(root, problems)
    if config is None:
        return None
    sections = [s.slug for s in config.sections]
    section = section or sections[0]
    if section not in sections:
        raise ScaffoldError(
            f"unknown section '{section}'{did_you_mean(section, sections)}; "
            f"declared in site.yaml: {', '.join(sections)}"
        )
    slug = make_slug(title, config.slug_mode)
    if not slug:
        raise ScaffoldError(f"the title {title!r} gives an empty URL slug; use letters or digits")
    local = now.astimezone(config.tz)
    path = root / "content" / "articles" / f"{local:%Y}" / f"{local:%m}" / f"{slug}.md"
    if path.exists():
        raise ScaffoldError(f"{path.relative_to(root).as_posix()} already exists; choose another title")
    tag_list = [t.strip() for t in tags.split(",") if t.strip()]
    lines = [
        "---",
        f"title: {_quoted(title)}",
        f"date: {local:%Y-%m-%d %H:%M}",
        f"section: {section}",
        "tags: [" + ", ".join(_quoted(t) for t in tag_list) + "]",
        "draft: true",
        "---",
        "",
        "Write the lead paragraph here.",
        "",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:
        handle.write("\n".join(lines))
    return path


def init_site(target: Path) -> Path:
    target = target.resolve()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ScaffoldError(f"{target} already exists and is not empty; choose a new folder")
    shutil.copytree(STARTER, target, dirs_exist_ok=True)
    (target / ".gitignore").write_text("public/\n.cache/\n", encoding="utf-8")
    return target
