"""The image pipeline: upright, stripped, resized, cached, and safe with bad files.

Images are made with Pillow in tmp_path and published by the real pipeline
(and the real CLI for exit codes and messages); every published file is
opened again and inspected.
"""

from __future__ import annotations

import hashlib
import os
import resource
import struct
import zlib
from io import BytesIO
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from PIL import ExifTags, Image, ImageCms

from alwaght_ssg import images as images_module
from alwaght_ssg.images import (
    MAX_PIXELS,
    Images,
    ImageSettings,
    Picture,
    Variant,
    process_images,
    srcset,
)
from alwaght_ssg.pipeline import BuildOptions, Status, build
from alwaght_ssg.problems import Problems
from conftest import NOW, NOW_ISO, REPO, article, run_cli, write_site

RED, BLUE = (220, 20, 20), (20, 20, 220)
SECRET = "SecretCam 9000"  # the camera model a source's photo must not reveal


def _exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Model] = SECRET
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (25.0, 17.0, 24.0)
    return exif


def _two_tone(size: tuple[int, int]) -> Image.Image:
    """Top half red, bottom half blue: which way is up survives any resize."""
    image = Image.new("RGB", size, BLUE)
    image.paste(RED, (0, 0, size[0], size[1] // 2))
    return image


def _jpeg(path: Path, size: tuple[int, int] = (1000, 500), orientation: int = 1) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    _two_tone(size).save(path, "JPEG", quality=95, exif=_exif(orientation))
    return path


def _static(root: Path) -> dict[PurePosixPath, Path]:
    static = root / "static"
    return {PurePosixPath(p.relative_to(static).as_posix()): p for p in sorted(static.rglob("*")) if p.is_file()}


def _process(root: Path, jobs: int = 1, settings: ImageSettings | None = None) -> tuple[Images, Problems]:
    problems = Problems()
    images = process_images(
        _static(root), root, settings or ImageSettings(), root / ".cache" / "images", problems, jobs
    )
    return images, problems


def _published(images: Images) -> dict[str, Path]:
    return {str(rel): path for rel, path in images.files.items()}


def _close(a: tuple[int, ...], b: tuple[int, ...], tolerance: int = 40) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=False))


def test_exif_orientation_is_applied_to_the_image_and_every_copy(tmp_path: Path) -> None:
    upright = _two_tone((1000, 600))
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # as a phone stores it, with Orientation 6
    path = tmp_path / "static" / "images" / "phone.jpg"
    path.parent.mkdir(parents=True)
    stored.save(path, "JPEG", quality=95, exif=_exif(orientation=6))
    assert Image.open(path).size == (600, 1000)

    images, problems = _process(tmp_path)
    assert not list(problems)
    picture = images.picture("/images/phone.jpg")
    assert picture is not None and (picture.width, picture.height) == (1000, 600)
    files = _published(images)
    for name, size in (("phone.jpg", (1000, 600)), ("phone-480w.jpg", (480, 288)), ("phone-800w.webp", (800, 480))):
        with Image.open(files[f"images/{name}"]) as copy:
            assert copy.size == size, name
            rgb = copy.convert("RGB")
            assert _close(rgb.getpixel((size[0] // 2, size[1] // 4)), RED), name  # type: ignore[arg-type]
            assert _close(rgb.getpixel((size[0] // 2, 3 * size[1] // 4)), BLUE), name  # type: ignore[arg-type]
            assert ExifTags.Base.Orientation not in copy.getexif()


def _with_every_kind_of_metadata(root: Path) -> None:
    images = root / "static" / "images"
    images.mkdir(parents=True)
    xmp = f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description>{SECRET}</rdf:Description></x:xmpmeta>'.encode()
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    photo = _two_tone((900, 600))
    photo.save(images / "a.jpg", "JPEG", exif=_exif(), icc_profile=icc, comment=SECRET.encode(), xmp=xmp)
    from PIL.PngImagePlugin import PngInfo

    text = PngInfo()
    text.add_text("Author", SECRET)
    photo.save(images / "b.PNG", "PNG", exif=_exif(), pnginfo=text, icc_profile=icc)
    photo.save(images / "c.webp", "WEBP", exif=_exif(), xmp=xmp, icc_profile=icc)
    photo.convert("CMYK").save(images / "d.jpeg", "JPEG", exif=_exif())


MARKERS = (SECRET.encode(), b"Exif\x00\x00", b"ICC_PROFILE", b"iCCP", b"eXIf", b"tEXt", b"ns.adobe.com", b"xmpmeta")


def _assert_no_metadata(path: Path) -> None:
    data = path.read_bytes()
    for marker in MARKERS:
        assert marker not in data, (path.name, marker)
    with Image.open(path) as image:
        assert not image.getexif(), path.name
        assert not {"exif", "icc_profile", "xmp", "comment", "Author", "XML:com.adobe.xmp"} & set(image.info), (
            path.name,
            image.info.keys(),
        )


def test_no_exif_gps_xmp_icc_or_comment_is_published(tmp_path: Path) -> None:
    _with_every_kind_of_metadata(tmp_path)
    for source in (tmp_path / "static" / "images").iterdir():  # the test means something
        assert SECRET.encode() in source.read_bytes() or b"Exif" in source.read_bytes(), source.name
    images, problems = _process(tmp_path)
    assert not list(problems)
    files = _published(images)
    assert len(files) == 3 * 6 + 3  # JPEG, PNG, JPEG: itself, 480w and 800w in two formats, 900w WebP; WebP: 3
    for path in files.values():
        _assert_no_metadata(path)
    with Image.open(files["images/d.jpeg"]) as cmyk:
        assert cmyk.mode == "RGB"


def test_copies_at_each_smaller_width_as_webp_and_in_the_original_format(tmp_path: Path) -> None:
    _jpeg(tmp_path / "static" / "images" / "x" / "photo.jpg", (1000, 500))
    images, _ = _process(tmp_path)
    expected = {
        "images/x/photo.jpg": ("JPEG", (1000, 500)),
        "images/x/photo-480w.jpg": ("JPEG", (480, 240)),
        "images/x/photo-800w.jpg": ("JPEG", (800, 400)),
        "images/x/photo-480w.webp": ("WEBP", (480, 240)),
        "images/x/photo-800w.webp": ("WEBP", (800, 400)),
        "images/x/photo-1000w.webp": ("WEBP", (1000, 500)),
    }
    files = _published(images)
    assert set(files) == set(expected)
    assert images.paths == {PurePosixPath(p) for p in expected}
    for rel, (fmt, size) in expected.items():
        with Image.open(files[rel]) as copy:
            assert (copy.format, copy.size) == (fmt, size), rel
    picture = images.picture("images/x/photo.jpg")
    assert picture == Picture(
        "/images/x/photo.jpg",
        1000,
        500,
        "image/jpeg",
        (
            Variant("/images/x/photo-480w.webp", 480, "image/webp"),
            Variant("/images/x/photo-800w.webp", 800, "image/webp"),
            Variant("/images/x/photo-1000w.webp", 1000, "image/webp"),
            Variant("/images/x/photo-480w.jpg", 480, "image/jpeg"),
            Variant("/images/x/photo-800w.jpg", 800, "image/jpeg"),
            Variant("/images/x/photo.jpg", 1000, "image/jpeg"),
        ),
    )
    assert picture.formats == ("image/webp", "image/jpeg")
    assert picture.src == "/images/x/photo.jpg"
    assert srcset(picture, "image/webp", "/desk/") == (
        "/desk/images/x/photo-480w.webp 480w, /desk/images/x/photo-800w.webp 800w, "
        "/desk/images/x/photo-1000w.webp 1000w"
    )
    assert srcset(picture, "image/jpeg") == (
        "/images/x/photo-480w.jpg 480w, /images/x/photo-800w.jpg 800w, /images/x/photo.jpg 1000w"
    )


def test_the_webp_copies_of_a_png_keep_every_pixel(tmp_path: Path) -> None:
    chart = Image.new("RGB", (600, 400), (255, 255, 255))
    for x in range(0, 600, 7):  # thin lines and hard edges, as a chart or a map has
        chart.paste((200, 30, 30) if x % 2 else (20, 20, 20), (x, 0, x + 1, 400))
    (tmp_path / "static").mkdir()
    chart.save(tmp_path / "static" / "chart.png")
    _two_tone((600, 400)).save(tmp_path / "static" / "photo.jpg", quality=95)
    images, _ = _process(tmp_path)
    files = _published(images)
    with Image.open(files["chart-600w.webp"]) as copy:
        assert copy.convert("RGB").tobytes() == chart.tobytes()  # lossless
    with Image.open(files["photo-600w.webp"]) as copy, Image.open(tmp_path / "static" / "photo.jpg") as photo:
        assert copy.convert("RGB").tobytes() != photo.convert("RGB").tobytes()  # a photo's copies stay lossy


def test_small_images_are_never_upscaled(tmp_path: Path) -> None:
    path = tmp_path / "static" / "icon.png"
    path.parent.mkdir(parents=True)
    Image.new("RGBA", (300, 200), (10, 200, 10, 128)).save(path)
    images, _ = _process(tmp_path)
    files = _published(images)
    assert set(files) == {"icon.png", "icon-300w.webp"}
    for rel in files:
        with Image.open(files[rel]) as copy:
            assert copy.size == (300, 200) and copy.mode == "RGBA"


def test_an_image_wider_than_every_width_offers_copies_up_to_the_widest(tmp_path: Path) -> None:
    _jpeg(tmp_path / "static" / "wide.jpg", (2000, 1000))
    images, _ = _process(tmp_path, settings=ImageSettings(widths=(1200, 600)))
    picture = images.picture("/wide.jpg")
    assert picture is not None
    assert [(v.url, v.width) for v in picture.variants] == [
        ("/wide-600w.webp", 600),
        ("/wide-1200w.webp", 1200),
        ("/wide-600w.jpg", 600),
        ("/wide-1200w.jpg", 1200),
    ]
    assert picture.src == "/wide-1200w.jpg"
    assert "wide.jpg" in _published(images)  # the full-size original is still published at its path


def test_the_same_input_gives_the_same_bytes(tmp_path: Path) -> None:
    outputs = []
    for name, jobs in (("one", 1), ("two", 2)):
        root = tmp_path / name
        _with_every_kind_of_metadata(root)
        _jpeg(root / "static" / "images" / "e.jpg", orientation=8)
        images, _ = _process(root, jobs=jobs)
        outputs.append({rel: path.read_bytes() for rel, path in _published(images).items()})
    assert outputs[0] == outputs[1]


def _site_with_photos(root: Path, count: int = 3) -> Path:
    write_site(root, {"content/articles/a.md": article(body="Lead paragraph.")})
    for i in range(count):
        _jpeg(root / "static" / "images" / f"photo-{i}.jpg", (900 + i, 600), orientation=1 + i)
    return root


def _stat_tree(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.rglob("*")}


def test_a_warm_rebuild_encodes_nothing_and_rewrites_nothing(tmp_path: Path) -> None:
    site = _site_with_photos(tmp_path / "site")
    out = tmp_path / "public"
    options = BuildOptions(site=site, now=NOW, out=out, jobs=2)
    cold = build(options)
    assert cold.status is Status.BUILT, [p.format() for p in cold.problems]
    assert (cold.images.images, cold.images.processed, cold.images.reused) == (3, 3, 0)
    assert cold.images.encodes == 3 * 6  # each: itself, 480w and 800w in two formats, a full-width WebP
    published, cached = _stat_tree(out), _stat_tree(site / ".cache" / "images")

    warm = build(options)
    assert (warm.images.processed, warm.images.reused, warm.images.encodes) == (0, 3, 0)
    assert warm.written == 0
    assert _stat_tree(out) == published
    assert _stat_tree(site / ".cache" / "images") == cached

    _jpeg(site / "static" / "images" / "photo-1.jpg", (700, 500))
    edited = build(options)
    assert (edited.images.processed, edited.images.reused, edited.images.encodes) == (1, 2, 4)  # 700 wide: 480w
    with Image.open(out / "images" / "photo-1.jpg") as photo:
        assert photo.size == (700, 500)


def test_a_warm_rebuild_reads_only_images_written_since(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = _site_with_photos(tmp_path / "site")
    options = BuildOptions(site=site, now=NOW, out=tmp_path / "public", jobs=1)
    read: list[str] = []
    real = hashlib.file_digest

    def spy(file: Any, digest: Any) -> Any:
        read.append(Path(file.name).name)
        return real(file, digest)

    monkeypatch.setattr(images_module.hashlib, "file_digest", spy)
    assert build(options).status is Status.BUILT
    assert sorted(read) == ["photo-0.jpg", "photo-1.jpg", "photo-2.jpg"]
    read.clear()
    assert build(options).images.reused == 3
    assert read == []  # nothing read: each file's stat is as it was

    photo = site / "static" / "images" / "photo-1.jpg"
    before = photo.stat()
    photo.write_bytes(photo.read_bytes())  # written again: the same size ...
    os.utime(photo, ns=(before.st_atime_ns, before.st_mtime_ns))  # ... and the old modification time
    again = build(options)
    assert read == ["photo-1.jpg"]  # the write moved its ctime, which nothing sets back
    assert (again.images.processed, again.images.reused) == (0, 3)  # the same bytes: the same copies


def test_copies_made_again_after_the_cache_is_cleared_are_not_rewritten(tmp_path: Path) -> None:
    site = _site_with_photos(tmp_path / "site", count=1)
    out = tmp_path / "public"
    assert build(BuildOptions(site=site, now=NOW, out=out)).status is Status.BUILT
    published = _stat_tree(out / "images")
    clean = build(BuildOptions(site=site, now=NOW, out=out, clean=True))
    assert clean.images.processed == 1
    assert _stat_tree(out / "images") == published


def test_variants_are_link_targets(tmp_path: Path) -> None:
    site = _site_with_photos(tmp_path / "site", count=1)
    body = "See [the photo](/images/photo-0-480w.webp) and [this one](/images/photo-0-999w.webp)."
    (site / "content" / "articles" / "a.md").write_text(article(body=body), encoding="utf-8")
    result = run_cli("build", "--site", site, "--out", tmp_path / "public", "--now", NOW_ISO)
    assert result.returncode == 0, result.stderr
    assert "photo-0-480w.webp" not in result.stderr
    assert (
        "content/articles/a.md: warning: link to /images/photo-0-999w.webp leads to no page or file of the site"
        in result.stderr
    )


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "cut.jpg",
            lambda: _jpeg_bytes()[:3000],
            "cannot read the image: the file is damaged or cut short; export it again from the original",
        ),
        (
            "notes.png",
            lambda: b"these are notes, not a picture\n",
            "cannot read the image: it is not a JPEG, PNG or WebP file; export it again in one of these formats",
        ),
    ],
)
def test_a_bad_image_is_an_error_naming_it_and_the_previous_site_stays(
    tmp_path: Path, name: str, data: object, message: str
) -> None:
    site = _site_with_photos(tmp_path / "site", count=1)
    out = tmp_path / "public"
    assert run_cli("build", "--site", site, "--out", out, "--now", NOW_ISO).returncode == 0
    before = _tree(out)
    (site / "static" / "images" / name).write_bytes(data())  # type: ignore[operator]
    result = run_cli("build", "--site", site, "--out", out, "--now", NOW_ISO)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"static/images/{name}: error: {message}",
        "1 error in 1 file; nothing was written",
    ]
    assert "Traceback" not in result.stderr
    assert _tree(out) == before


def _jpeg_bytes() -> bytes:
    buffer = BytesIO()
    Image.effect_noise((800, 600), 60).convert("RGB").save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _png_header(width: int, height: int) -> bytes:
    """A PNG that claims a size in its header and holds no pixels at all."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


TOO_BIG = "the image is larger than 50 megapixels; resize it to at most 1600 pixels wide"


def test_a_decompression_bomb_is_refused_by_the_cli(tmp_path: Path) -> None:
    site = _site_with_photos(tmp_path / "site", count=0)
    (site / "static").mkdir()
    (site / "static" / "bomb.png").write_bytes(_png_header(100_000, 100_000))  # 10 gigapixels, 30 GB decoded
    result = run_cli("build", "--site", site, "--out", tmp_path / "public", "--now", NOW_ISO)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"static/bomb.png: error: {TOO_BIG}",
        "1 error in 1 file; nothing was written",
    ]


def test_a_huge_image_is_refused_from_its_header_before_decoding(tmp_path: Path) -> None:
    # Just over the limit, with no pixel data: decoding would fail as "damaged",
    # so this message shows the size was judged from the header alone.
    (tmp_path / "static").mkdir()
    side = int(MAX_PIXELS**0.5) + 10
    (tmp_path / "static" / "huge.png").write_bytes(_png_header(side, side))
    (tmp_path / "static" / "bomb.png").write_bytes(_png_header(60_000, 60_000))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    images, problems = _process(tmp_path)
    assert [p.format() for p in problems] == [
        f"static/bomb.png: error: {TOO_BIG}",
        f"static/huge.png: error: {TOO_BIG}",
    ]
    assert not images.files
    # ru_maxrss is in KiB: decoding either would need gigabytes.
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak < 100 * 1024


def test_animated_and_16_bit_images_are_errors(tmp_path: Path) -> None:
    (tmp_path / "static").mkdir()
    frames = [Image.new("RGB", (64, 64), colour) for colour in (RED, BLUE)]
    frames[0].save(tmp_path / "static" / "moving.png", save_all=True, append_images=frames[1:])
    Image.new("I;16", (64, 64), 1000).save(tmp_path / "static" / "deep.png")
    _, problems = _process(tmp_path)
    assert [p.format() for p in problems] == [
        "static/deep.png: error: cannot publish a I;16 image (such as a 16-bit grayscale PNG); "
        "save it as an 8-bit RGB or grayscale image",
        "static/moving.png: error: animated images are not supported; publish a GIF or a video instead",
    ]


def test_copies_that_would_share_a_name_are_an_error(tmp_path: Path) -> None:
    _jpeg(tmp_path / "static" / "a.jpg")
    _two_tone((1000, 500)).save(tmp_path / "static" / "a.png")
    _jpeg(tmp_path / "static" / "b.jpg")
    (tmp_path / "static" / "b-480w.webp").write_bytes(b"not processed: the name alone matters")
    _, problems = _process(tmp_path)
    assert [p.format() for p in problems] == [
        "static/a.png: error: its copy a-480w.webp would have the same name as a copy of static/a.jpg; "
        "rename one of the two files",
        "static/b-480w.webp: error: cannot read the image: it is not a JPEG, PNG or WebP file; "
        "export it again in one of these formats",
        "static/b.jpg: error: its copy b-480w.webp would replace static/b-480w.webp; rename one of the two files",
    ]


def test_svg_and_gif_are_published_as_they_are_with_their_size(tmp_path: Path) -> None:
    static = tmp_path / "static"
    static.mkdir()
    (static / "map.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1200 675"/>')
    (static / "logo.svg").write_text('<?xml version="1.0"?>\n<svg width="240px" height="60" viewBox="0 0 24 6"/>')
    (static / "fluid.svg").write_text('<svg width="100%" height="100%"/>')
    Image.new("P", (40, 30)).save(static / "dot.gif")
    images, problems = _process(tmp_path)
    assert not list(problems)
    assert set(_published(images)) == {"map.svg", "logo.svg", "fluid.svg", "dot.gif"}
    assert images.pictures["/map.svg"] == Picture(
        "/map.svg", 1200, 675, "image/svg+xml", (Variant("/map.svg", 1200, "image/svg+xml"),)
    )
    logo, gif = images.picture("/logo.svg"), images.picture("/dot.gif")
    assert logo is not None and (logo.width, logo.height) == (240, 60)
    assert gif is not None and (gif.width, gif.height, gif.mime) == (40, 30, "image/gif")
    assert images.picture("/fluid.svg") is None  # no size in pixels to give


def test_check_validates_images_and_writes_nothing(tmp_path: Path) -> None:
    site = _site_with_photos(tmp_path / "site", count=1)
    (site / "static" / "images" / "cut.jpg").write_bytes(_jpeg_bytes()[:3000])
    result = run_cli("check", "--site", site, "--now", NOW_ISO)
    assert result.returncode == 1
    assert "static/images/cut.jpg: error: cannot read the image: the file is damaged" in result.stderr
    assert not (site / ".cache" / "images").exists()


def test_the_example_site_publishes_no_metadata_and_turns_photos_upright(tmp_path: Path) -> None:
    gallery = REPO / "static" / "images" / "gallery"
    with Image.open(gallery / "harbour-at-dawn.jpg") as source:  # the example proves something
        assert source.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    with Image.open(gallery / "spice-market.jpg") as source:
        assert source.size == (1067, 1600) and source.getexif()[ExifTags.Base.Orientation] == 6
    out = tmp_path / "public"
    result = run_cli("build", "--site", REPO, "--out", out, "--now", NOW_ISO)
    assert result.returncode == 0, result.stderr
    rasters = [p for p in out.rglob("*") if p.suffix.lower() in (".jpg", ".jpeg", ".png", ".webp")]
    assert len(rasters) >= 16 * 8
    for path in rasters:
        _assert_no_metadata(path)
    with Image.open(out / "images" / "gallery" / "spice-market.jpg") as upright:
        assert upright.size == (1600, 1067)
    assert (out / "images" / "gallery" / "spice-market-480w.webp").is_file()
    assert (out / "media" / "films" / "harbour-morning.mp4").is_file()
