"""A small site whose built pages are compared byte for byte with tests/golden/expected.

After an intended change to templates or output, refresh the expected pages:

    UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from conftest import NOW_ISO, REPO, run_cli

GOLDEN = REPO / "tests" / "golden"


def _pages(folder: Path) -> dict[str, bytes]:
    """Generated pages only: the theme's static files change for reasons of their own."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.suffix in (".html", ".xml", ".txt")
    }


def test_golden_site_output_is_unchanged(tmp_path: Path) -> None:
    out = tmp_path / "public"
    result = run_cli("build", "--site", GOLDEN / "site", "--out", out, "--now", NOW_ISO)
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr, result.stderr
    actual = _pages(out)
    expected_dir = GOLDEN / "expected"
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.rmtree(expected_dir, ignore_errors=True)
        for rel, data in actual.items():
            target = expected_dir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    expected = _pages(expected_dir)
    assert sorted(actual) == sorted(expected)
    for rel in expected:
        assert actual[rel] == expected[rel], f"{rel} differs from tests/golden/expected/{rel}"
