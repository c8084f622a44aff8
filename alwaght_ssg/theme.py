"""Where templates and static files come from: the site's own, then the default theme.

The default theme is `templates/` and `static/` at the root of this
repository; an installed package carries a copy under `alwaght_ssg/theme/`.
A site overrides any theme file by having one at the same path.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def default_theme() -> Path:
    """The folder holding the default theme's `templates/` and `static/`."""
    bundled = PACKAGE / "theme"
    if (bundled / "templates").is_dir():
        return bundled
    return PACKAGE.parent  # running from a checkout of the repository


def template_dirs(root: Path) -> list[Path]:
    return _distinct([root / "templates", default_theme() / "templates"])


def static_dirs(root: Path) -> list[Path]:
    """Theme first, then the site: later folders win when copied in order."""
    return _distinct([default_theme() / "static", root / "static"])


# In a checkout, the repository's static/ is both the default theme's and the example
# newsroom's: these top-level folders hold the newsroom's own photos and films, which
# the wheel leaves out of the theme, so other sites built from a checkout skip them too.
EXAMPLE_ONLY = frozenset({"images", "media"})


def static_exclusions(root: Path) -> dict[Path, frozenset[str]]:
    """Top-level entries of a static folder that are not this site's (see EXAMPLE_ONLY)."""
    theme = (default_theme() / "static").resolve()
    if theme == (root / "static").resolve():
        return {}
    return {theme: EXAMPLE_ONLY}


def _distinct(folders: list[Path]) -> list[Path]:
    seen: list[Path] = []
    for folder in folders:
        folder = folder.resolve()
        if folder.is_dir() and folder not in seen:
            seen.append(folder)
    return seen
