"""Images per second on a cold build, and re-encodes on a warm rebuild (should be 0).

    python bench/images.py [--images N] [--size 1600x1067] [--jobs J] [--keep]

Writes a small site (one article) whose static/images/ holds N generated
photo-like JPEGs (gradients, shapes and grain from a fixed seed, each with
EXIF), then builds it twice in this process with the real pipeline: cold (no
cache, no previous output) and warm (nothing changed). Prints the images
stage's time, images per second, and the encode counts the pipeline reports.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from PIL import ExifTags, Image, ImageDraw

from alwaght_ssg.parallel import default_jobs
from alwaght_ssg.pipeline import BuildOptions, BuildResult, Status, build

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def _photo(size: tuple[int, int], seed: int) -> Image.Image:
    rng = np.random.default_rng(seed)
    w, h = size
    top, bottom = rng.integers(0, 256, 3), rng.integers(0, 256, 3)
    t = np.linspace(0.0, 1.0, h)[:, None, None]
    sky = np.broadcast_to((1 - t) * top + t * bottom, (h, w, 3))
    image = Image.fromarray(sky.astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x, y = int(rng.integers(0, w)), int(rng.integers(h // 3, h))
        rw, rh = int(rng.integers(w // 40, w // 6)), int(rng.integers(h // 20, h // 3))
        draw.rectangle((x, y - rh, x + rw, y), fill=tuple(int(c) for c in rng.integers(0, 256, 3)))
    grain = rng.normal(0.0, 4.0, (h, w))[:, :, None]
    return Image.fromarray(np.clip(np.asarray(image, float) + grain, 0, 255).astype(np.uint8))


def make_site(folder: Path, count: int, size: tuple[int, int]) -> Path:
    marker = folder / f".made-{count}-{size[0]}x{size[1]}"
    if marker.exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "content" / "articles").mkdir(parents=True)
    (folder / "site.yaml").write_text("title: Image Desk\nbase_url: https://images.example.org/\ntimezone: UTC\n")
    (folder / "content" / "articles" / "a.md").write_text('---\ntitle: "Pictures"\ndate: 2026-11-20\n---\n\nText.\n')
    images = folder / "static" / "images" / "bench"
    images.mkdir(parents=True)
    for i in range(count):
        exif = Image.Exif()
        exif[ExifTags.Base.Model] = "Bench Camera"
        exif[ExifTags.Base.Orientation] = 1 + i % 8
        _photo(size, i).save(images / f"photo-{i:04d}.jpg", "JPEG", quality=88, exif=exif)
    marker.write_text("")
    return folder


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the forked workers)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _run(site: Path, out: Path, jobs: int) -> tuple[BuildResult, float, float]:
    start, cpu = time.perf_counter(), _cpu()
    result = build(BuildOptions(site=site, now=NOW, out=out, jobs=jobs, search_index=False))
    elapsed, cpu = time.perf_counter() - start, _cpu() - cpu
    if result.status is not Status.BUILT:
        sys.exit("\n".join(p.format() for p in result.problems))
    return result, elapsed, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=100)
    parser.add_argument("--size", default="1600x1067", help="width x height of the generated photos")
    parser.add_argument("--jobs", type=int, default=default_jobs())
    parser.add_argument("--keep", action="store_true", help="keep the generated site for the next run")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.lower().split("x"))
    work = Path(f"/tmp/alwaght-bench-images-{args.images}-{width}x{height}")
    site = make_site(work / "site", args.images, (width, height))
    out = work / "public"
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(site / ".cache", ignore_errors=True)
    try:
        cold, cold_total, cold_cpu = _run(site, out, args.jobs)
        warm, warm_total, _ = _run(site, out, args.jobs)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    stage = cold.timings["images"]
    print(f"{args.images} JPEGs of {width}x{height}, {args.jobs} processes, load average {os.getloadavg()[0]:.2f}")
    print(
        f"cold: images stage {stage:.2f} s, {args.images / stage:.1f} images/s "
        f"({cold.images.encodes} files encoded; whole build {cold_total:.2f} s, "
        f"{cold_cpu:.1f} CPU s = {cold_cpu / args.images:.2f} CPU s per image)"
    )
    print(
        f"warm: images stage {warm.timings['images'] * 1000:.0f} ms, {warm.images.processed} images processed, "
        f"{warm.images.encodes} re-encodes, {warm.written} files written (whole build {warm_total:.2f} s)"
    )


if __name__ == "__main__":
    main()
