"""The same inputs and the same now give byte-identical output, whatever the hash seed."""

from __future__ import annotations

from pathlib import Path

from conftest import NOW_ISO, REPO, run_cli


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_builds_under_different_hash_seeds_are_identical(tmp_path: Path) -> None:
    trees = []
    for seed in ("1", "4242"):
        out = tmp_path / f"out-{seed}"
        result = run_cli("build", "--site", REPO, "--out", out, "--now", NOW_ISO, env={"PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stderr
        trees.append(_tree(out))
    first, second = trees
    assert len(first) > 100
    assert sorted(first) == sorted(second)
    different = [rel for rel in first if first[rel] != second[rel]]
    assert not different, different[:10]


def test_source_date_epoch_is_the_build_now(tmp_path: Path) -> None:
    """SOURCE_DATE_EPOCH 2026-11-26T12:00Z gives the same bytes as --now with that instant."""
    by_flag, by_env = tmp_path / "flag", tmp_path / "env"
    assert run_cli("build", "--site", REPO, "--out", by_flag, "--now", NOW_ISO).returncode == 0
    result = run_cli("build", "--site", REPO, "--out", by_env, env={"SOURCE_DATE_EPOCH": "1795694400"})
    assert result.returncode == 0, result.stderr
    assert _tree(by_flag) == _tree(by_env)
