"""Raster images in the static folders -> published copies: upright, stripped, resized.

Input: the static files (output path -> source file), `ImageSettings`, the
cache folder. Output: `Images`: every static file to publish, with each JPEG,
PNG and WebP replaced by its processed copies (never published raw), and a
`Picture` per image for the templates (its size as shown, and the copies a
`srcset` offers).

Each image is decoded once, turned upright by its EXIF orientation, converted
to sRGB, stripped of every metadata block (EXIF with its GPS position, XMP,
the colour profile, comments: a published photo must not tell readers where
a source stood) and encoded again: in its own format at its own path, and at
each configured width smaller than itself as WebP and in its own format
(`/images/x/photo.jpg` -> `photo-480w.webp`, `photo-480w.jpg`, ...). Nothing is
upscaled. The copies are cached in `.cache/images/` under a digest of the
source bytes, the settings and the pipeline version, so a rebuild encodes
only what changed; the work is spread over the build's processes.

Images are untrusted input: the pixel count is read from the header before
any decoding, and a file over `MAX_PIXELS` is refused, as are damaged ones;
each is an error naming the file, never a traceback. GIF and SVG files are
published as they are; they get a `Picture` (their own file as the only
copy) when their size is cheap to read: a GIF's header, an SVG's
width/height in pixels or its viewBox.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import NamedTuple
from urllib.parse import quote

import PIL
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from .parallel import run
from .problems import Problems

MAX_PIXELS = 50_000_000
"""The largest image decoded. 50 megapixels (8660 x 5773) is more than a newsroom's
cameras make, and bounds the memory of one decoded image to about 200 MB. A file
that claims more in its header is refused before any of its pixels are decoded."""

# Pillow's own check in Image.open, a second line behind ours: it warns above the
# limit (turned into a refusal below) and refuses outright above twice the limit.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

PIPELINE_VERSION = 2  # bump whenever the bytes of a processed copy would change
FOLDER = "images"  # under the site's .cache/

_FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}
_EXTENSION = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif", "SVG": "image/svg+xml"}
WEBP = MIME["WEBP"]

_TOO_BIG = f"the image is larger than {MAX_PIXELS // 1_000_000} megapixels; resize it to at most {{widest}} pixels wide"
_NOT_AN_IMAGE = "cannot read the image: it is not a JPEG, PNG or WebP file; export it again in one of these formats"
_DAMAGED = "cannot read the image: the file is damaged or cut short; export it again from the original"
_ANIMATED = "animated images are not supported; publish a GIF or a video instead"
_MODE = "cannot publish a {mode} image (such as a 16-bit grayscale PNG); save it as an 8-bit RGB or grayscale image"
_UNREADABLE = "cannot read the file: {reason}"
_REPLACES = "its copy {name} would replace {other}; rename one of the two files"
_SAME_NAME = "its copy {name} would have the same name as a copy of {other}; rename one of the two files"

# What a decoder may raise on a malformed file; anything else is a bug of ours.
_DECODE_ERRORS = (OSError, ValueError, SyntaxError, EOFError, IndexError, KeyError, TypeError, ZeroDivisionError)


@dataclass(frozen=True)
class ImageSettings:
    widths: tuple[int, ...] = (480, 800, 1200, 1600)
    jpeg_quality: int = 82
    webp_quality: int = 80

    def __post_init__(self) -> None:
        if not self.sizes:
            raise ValueError("ImageSettings needs at least one positive width")  # site.yaml checks come first

    @property
    def sizes(self) -> tuple[int, ...]:
        return tuple(sorted({w for w in self.widths if w > 0}))

    def key(self) -> str:
        """Everything besides the source bytes that decides the bytes of the copies."""
        return f"{PIPELINE_VERSION}|{PIL.__version__}|{self.sizes}|{self.jpeg_quality}|{self.webp_quality}"


class Variant(NamedTuple):
    """One `srcset` candidate: a published copy of an image."""

    url: str
    width: int
    mime: str


@dataclass(frozen=True)
class Picture:
    """A published image as templates need it: `width`/`height` as shown (after EXIF
    rotation), and its copies no wider than the widest configured width, WebP first,
    then the original format, each by width."""

    url: str
    width: int
    height: int
    mime: str
    variants: tuple[Variant, ...]

    @property
    def src(self) -> str:
        """The `<img src>`: the widest copy in the original format."""
        own = [v for v in self.variants if v.mime == self.mime]
        return own[-1].url if own else self.url

    @property
    def formats(self) -> tuple[str, ...]:
        """The MIME types of the copies, in the order a `<picture>` offers them."""
        return tuple(dict.fromkeys(v.mime for v in self.variants))


def srcset(picture: Picture, mime: str, base_path: str = "") -> str:
    """`/images/a-480w.webp 480w, /images/a-800w.webp 800w`: the copies of one format.

    `base_path` is the site's (as `site_url` adds it); URLs are percent-encoded, since
    a space or a comma in a file name would split a srcset entry.
    """
    prefix = base_path.rstrip("/")
    return ", ".join(f"{quote(prefix + v.url)} {v.width}w" for v in picture.variants if v.mime == mime)


@dataclass(frozen=True)
class ImageStats:
    images: int = 0  # JPEG, PNG and WebP files published through the pipeline
    processed: int = 0  # of those, decoded and encoded in this build
    reused: int = 0  # of those, taken from the cache
    encodes: int = 0  # files encoded in this build


@dataclass(frozen=True)
class Images:
    """The static files of a build once images are processed.

    `paths` is every static output path; `files` maps each to the file to copy
    there (the source, or a processed copy in the cache). When nothing may be
    written (`check`), processed copies are planned in `paths` but not made.
    `pictures` maps site URLs (`/images/x/photo.jpg`) to their `Picture`.
    """

    paths: frozenset[PurePosixPath]
    files: Mapping[PurePosixPath, Path]
    pictures: Mapping[str, Picture]
    stats: ImageStats

    def picture(self, url: str) -> Picture | None:
        """The Picture of a site URL (`/images/x.jpg`, or `images/x.jpg`), or None."""
        return self.pictures.get("/" + url.lstrip("/"))


def is_raster(path: PurePosixPath | Path) -> bool:
    """Published through the pipeline: JPEG, PNG and WebP, whatever the case of the extension."""
    return path.suffix.lower() in _FORMATS


class _Copy(NamedTuple):
    suffix: str  # "" for the image at its own path, "-480w" for a resized copy
    own_format: bool  # False: WebP
    width: int
    height: int


class _Plan(NamedTuple):
    width: int
    height: int
    copies: tuple[_Copy, ...]


class _Job(NamedTuple):
    source: Path
    fmt: str
    key: str


class _Work(NamedTuple):
    jobs: tuple[_Job, ...]
    settings: ImageSettings
    store: Path
    write: bool


class _Outcome(NamedTuple):
    plan: _Plan | None
    error: str | None
    encodes: int


def process_images(
    static: Mapping[PurePosixPath, Path],
    root: Path,
    settings: ImageSettings,
    store: Path,
    problems: Problems,
    jobs: int = 1,
    write: bool = True,
    progress: Callable[[int], None] | None = None,
) -> Images:
    """Process every raster image among `static`, reusing what `store` already holds.

    `root` is the site folder (problems name files relative to it); `write=False`
    (for `check`) decodes new images to find damaged ones but encodes nothing and
    leaves `store` as it is.
    """
    files: dict[PurePosixPath, Path] = {}
    paths: set[PurePosixPath] = set()
    pictures: dict[str, Picture] = {}
    rasters: list[tuple[PurePosixPath, Path, str]] = []
    digests = _Digests(store)
    for rel, source in sorted(static.items()):
        if is_raster(rel):
            try:
                rasters.append((rel, source, _key(digests.digest(source), _format(rel), settings)))
            except OSError as exc:
                problems.error(_shown(source, root), 0, _UNREADABLE.format(reason=exc.strerror or exc))
            continue
        files[rel] = source
        paths.add(rel)
        picture = _other_picture(rel, source)
        if picture is not None:
            pictures[picture.url] = picture

    plans, failed, made = _plan_all(rasters, settings, store, write, jobs, progress)

    claimed = {rel: (_shown(static[rel], root), False) for rel in static}  # (whose, is a copy)
    for rel, source, key in rasters:
        shown = _shown(source, root)
        if key in failed:
            problems.error(shown, 0, failed[key])
            continue
        plan = plans[key]
        outputs = [(_output(rel, copy), copy) for copy in plan.copies]
        clashes = [(out, *claimed[out]) for out, copy in outputs if copy.suffix and out in claimed]
        if clashes:
            out, other, is_copy = clashes[0]
            problems.error(shown, 0, (_SAME_NAME if is_copy else _REPLACES).format(name=out.name, other=other))
            continue
        for out, copy in outputs:
            claimed[out] = (shown, bool(copy.suffix))
            paths.add(out)
            if write:
                files[out] = store / key[:2] / key / _cache_name(copy, _format(rel))
        picture = _picture(rel, plan, settings)
        pictures[picture.url] = picture

    if write:
        _prune(store, {key for _, _, key in rasters})
        digests.save()
    stats = ImageStats(
        images=len(rasters),
        processed=sum(o.plan is not None for o in made.values()),
        reused=sum(key in plans and key not in made for _, _, key in rasters),
        encodes=sum(o.encodes for o in made.values()),
    )
    return Images(frozenset(paths), MappingProxyType(files), MappingProxyType(pictures), stats)


def _plan_all(
    rasters: list[tuple[PurePosixPath, Path, str]],
    settings: ImageSettings,
    store: Path,
    write: bool,
    jobs: int,
    progress: Callable[[int], None] | None,
) -> tuple[dict[str, _Plan], dict[str, str], dict[str, _Outcome]]:
    """By key: the plan of each image (from the cache or made now), what is wrong with
    the images that cannot be published, and the outcome of those worked on now."""
    plans: dict[str, _Plan] = {}
    waiting: dict[str, _Job] = {}  # one job per distinct key: copies of one file are processed once
    for rel, source, key in rasters:
        if key in plans or key in waiting:
            continue
        plan = _cached(store, key)
        if plan is not None:
            plans[key] = plan
        else:
            waiting[key] = _Job(source, _format(rel), key)
    todo = tuple(waiting.values())
    if progress:
        progress(len(rasters) - len(todo))
    outcomes = run(_make, _Work(todo, settings, store, write), len(todo), jobs, progress, min_per_process=1)
    failed: dict[str, str] = {}
    for job, outcome in zip(todo, outcomes, strict=True):
        if outcome.plan is not None:
            plans[job.key] = outcome.plan
        else:
            failed[job.key] = outcome.error or _DAMAGED
    return plans, failed, {job.key: outcome for job, outcome in zip(todo, outcomes, strict=True)}


def _format(rel: PurePosixPath) -> str:
    return _FORMATS[rel.suffix.lower()]


def _shown(source: Path, root: Path) -> str:
    """A file as an editor knows it: relative to the site folder when it is in it."""
    try:
        return source.relative_to(root.resolve()).as_posix()
    except ValueError:
        return source.as_posix()


def _key(digest: str, fmt: str, settings: ImageSettings) -> str:
    return hashlib.blake2b(f"{digest}|{fmt}|{settings.key()}".encode(), digest_size=20).hexdigest()


class _Digests:
    """The digest of each source image, remembered with what its stat said (size, times,
    inode): a file whose stat is unchanged is not read again. Writing to a file always
    moves its ctime, which no tool can set back, so a changed image is never missed; a
    site of thousands of photos is not read whole on every rebuild of the dev server."""

    def __init__(self, store: Path) -> None:
        self._file = store / _SOURCES
        try:
            known = json.loads(self._file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            known = {}
        self._known: dict[str, list[object]] = known if isinstance(known, dict) else {}
        self._now: dict[str, list[object]] = {}

    def digest(self, source: Path) -> str:
        info = source.stat()
        stamp: list[object] = [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]
        known = self._known.get(str(source))
        if isinstance(known, list) and len(known) == 5 and known[:4] == stamp and isinstance(known[4], str):
            self._now[str(source)] = known
            return known[4]
        with source.open("rb") as f:  # stat first: a write during the read moves the ctime
            digest = hashlib.file_digest(f, lambda: hashlib.blake2b(digest_size=20)).hexdigest()
        self._now[str(source)] = [*stamp, digest]
        return digest

    def save(self) -> None:
        """Keep what was seen this build (only when it changed: a warm build writes nothing)."""
        if self._now == self._known:
            return
        try:
            self._file.parent.mkdir(parents=True, exist_ok=True)
            temporary = self._file.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps(self._now, sort_keys=True), encoding="utf-8")
            os.replace(temporary, self._file)
        except OSError:
            pass  # only a shortcut: the next build reads the images again


def _plan_copies(width: int, height: int, fmt: str, settings: ImageSettings) -> tuple[_Copy, ...]:
    """The image itself, then each configured width below its own, as WebP and in its
    own format; plus a full-width WebP when the image is no wider than the widest
    configured width (so the WebP srcset reaches as far as the original's)."""
    sizes = settings.sizes
    copies = [_Copy("", True, width, height)]
    for w in sizes:
        if w >= width:
            break
        h = max(1, round(height * w / width))
        copies.append(_Copy(f"-{w}w", True, w, h))
        if fmt != "WEBP":
            copies.append(_Copy(f"-{w}w", False, w, h))
    if fmt != "WEBP" and sizes and width <= sizes[-1]:
        copies.append(_Copy(f"-{width}w", False, width, height))
    return tuple(copies)


def _output(rel: PurePosixPath, copy: _Copy) -> PurePosixPath:
    if not copy.suffix:
        return rel
    return rel.with_name(rel.stem + copy.suffix + (rel.suffix if copy.own_format else ".webp"))


def _cache_name(copy: _Copy, fmt: str) -> str:
    return (copy.suffix.lstrip("-") or "full") + (_EXTENSION[fmt] if copy.own_format else ".webp")


def _picture(rel: PurePosixPath, plan: _Plan, settings: ImageSettings) -> Picture:
    fmt = _format(rel)
    widest = settings.sizes[-1] if settings.sizes else plan.width
    variants = [
        Variant("/" + _output(rel, c).as_posix(), c.width, MIME[fmt] if c.own_format else WEBP)
        for c in plan.copies
        if c.width <= widest
    ]
    variants.sort(key=lambda v: (v.mime != WEBP, v.width))
    return Picture("/" + rel.as_posix(), plan.width, plan.height, MIME[fmt], tuple(variants))


# The cache: one folder per key holding the copies and plan.json, made under a
# temporary name and renamed into place, so a folder that exists is complete.


def _cached(store: Path, key: str) -> _Plan | None:
    folder = store / key[:2] / key
    try:
        data = json.loads((folder / "plan.json").read_text(encoding="utf-8"))
        plan = _Plan(int(data["width"]), int(data["height"]), tuple(_Copy(*c) for c in data["copies"]))
        fmt = str(data["format"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if fmt not in _EXTENSION or not all((folder / _cache_name(c, fmt)).is_file() for c in plan.copies):
        return None
    return plan


_SOURCES = "sources.json"  # see _Digests


def _prune(store: Path, keep: set[str]) -> None:
    """Forget copies no image of the site needs any more (and leftovers of killed builds)."""
    if not store.is_dir():
        return
    for shard in store.iterdir():
        if shard.is_dir():
            for entry in shard.iterdir():
                if entry.name not in keep:
                    shutil.rmtree(entry, ignore_errors=True)
        elif shard.name.endswith(".tmp"):  # a digests file half-written by a killed build
            shard.unlink(missing_ok=True)


# The work on one image, in a worker process.


def _make(work: _Work, index: int) -> _Outcome:
    job = work.jobs[index]
    opened = _open_upright(job.source)
    if isinstance(opened, str):
        return _Outcome(None, opened.format(widest=work.settings.sizes[-1]), 0)
    with opened as image:
        if image.mode not in ("1", "L", "LA", "P", "PA", "RGB", "RGBA", "CMYK"):
            return _Outcome(None, _MODE.format(mode=image.mode), 0)
        image = _clean(image)
        plan = _Plan(image.width, image.height, _plan_copies(image.width, image.height, job.fmt, work.settings))
        if not work.write:
            return _Outcome(plan, None, 0)
        return _Outcome(plan, None, _encode(image, job, plan, work))


def _open_upright(source: Path) -> Image.Image | str:
    """The decoded image turned upright, or what is wrong with the file."""
    image: Image.Image | None = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(source, formats=("JPEG", "PNG", "WEBP"))
            if image.width * image.height > MAX_PIXELS:  # from the header: nothing is decoded yet
                image.close()
                return _TOO_BIG
            if getattr(image, "n_frames", 1) > 1 and image.format != "MPO":  # MPO: a camera JPEG's extra frames
                image.close()
                return _ANIMATED
            image.load()
            ImageOps.exif_transpose(image, in_place=True)
            return image
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        message = _TOO_BIG
    except UnidentifiedImageError:
        message = _NOT_AN_IMAGE
    except _DECODE_ERRORS:
        message = _DAMAGED
    if image is not None:
        image.close()
    return message


def _clean(image: Image.Image) -> Image.Image:
    """sRGB pixels and no metadata: only a palette's transparency survives."""
    icc = image.info.get("icc_profile")
    if image.mode == "CMYK" or (icc and image.mode in ("RGB", "RGBA")):
        image = _to_srgb(image, icc)
    image.info = {k: v for k, v in image.info.items() if k == "transparency"}
    return image


_SRGB = ImageCms.createProfile("sRGB")


def _to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    mode = "RGBA" if image.mode == "RGBA" else "RGB"
    if icc:
        try:
            profile = ImageCms.ImageCmsProfile(BytesIO(icc))
            if "srgb" not in ImageCms.getProfileDescription(profile).lower().replace(" ", ""):
                converted = ImageCms.profileToProfile(image, profile, _SRGB, outputMode=mode)
                if converted is not None:
                    return converted
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # an unreadable profile: the pixels are taken as sRGB, as browsers would
    return image if image.mode == mode else image.convert(mode)


def _encode(image: Image.Image, job: _Job, plan: _Plan, work: _Work) -> int:
    shard = work.store / job.key[:2]
    final = shard / job.key
    temporary = shard / f".{job.key}.{os.getpid()}"
    shutil.rmtree(temporary, ignore_errors=True)
    temporary.mkdir(parents=True)
    base = _resizable(image)
    sized: dict[int, Image.Image] = {}  # each width is resized once, then encoded in both formats
    for copy in plan.copies:
        if copy.suffix and copy.width < plan.width:
            if copy.width not in sized:
                sized[copy.width] = base.resize((copy.width, copy.height), Image.Resampling.LANCZOS, reducing_gap=3.0)
            resized = sized[copy.width]
        else:
            resized = image if copy.own_format else base
        fmt = job.fmt if copy.own_format else "WEBP"
        _save(resized, fmt, temporary / _cache_name(copy, job.fmt), work.settings, lossless=job.fmt == "PNG")
    plan_data = {"format": job.fmt, "width": plan.width, "height": plan.height, "copies": plan.copies}
    (temporary / "plan.json").write_text(json.dumps(plan_data), encoding="utf-8")
    if final.exists():  # left incomplete by a build that was killed, or made meanwhile by another
        shutil.rmtree(final, ignore_errors=True)
    try:
        os.rename(temporary, final)
    except OSError:
        shutil.rmtree(temporary, ignore_errors=True)
    return len(plan.copies)


def _resizable(image: Image.Image) -> Image.Image:
    """A mode that resizes smoothly: palettes and bilevel images become full colour or gray."""
    if image.mode in ("L", "LA", "RGB", "RGBA"):
        return image
    if image.mode == "1":
        return image.convert("L")
    return image.convert("RGBA" if image.has_transparency_data else "RGB")


def _save(image: Image.Image, fmt: str, path: Path, settings: ImageSettings, lossless: bool = False) -> None:
    """`lossless`: the source was a PNG (a chart, a map, a screenshot: sharp edges and text,
    which lossy WebP smears), so its WebP copies keep every pixel too."""
    if fmt == "JPEG":
        _for_jpeg(image).save(path, "JPEG", quality=settings.jpeg_quality, optimize=True, progressive=True)
    elif fmt == "PNG":
        _for_png(image).save(path, "PNG", optimize=True)
    elif lossless:
        _for_webp(image).save(path, "WEBP", lossless=True, quality=80, method=4)
    else:
        _for_webp(image).save(path, "WEBP", quality=settings.webp_quality, method=4)


def _for_jpeg(image: Image.Image) -> Image.Image:
    if image.mode in ("L", "RGB"):
        return image
    if image.has_transparency_data:  # JPEG has no alpha: flatten onto white, as a page would show it
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("L" if image.mode == "1" else "RGB")


def _for_png(image: Image.Image) -> Image.Image:
    if image.mode in ("1", "L", "LA", "P", "RGB", "RGBA"):
        return image
    return image.convert("RGBA" if image.has_transparency_data else "RGB")


def _for_webp(image: Image.Image) -> Image.Image:
    if image.mode in ("RGB", "RGBA"):
        return image
    return image.convert("RGBA" if image.has_transparency_data else "RGB")


# GIF and SVG: published as they are, measured when that is cheap.

_SVG_TAG = re.compile(rb"<svg\b[^>]*>", re.IGNORECASE)
_SVG_LENGTH = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(?:px)?\s*$")


def _other_picture(rel: PurePosixPath, source: Path) -> Picture | None:
    suffix = rel.suffix.lower()
    if suffix == ".gif":
        size, fmt = _gif_size(source), "GIF"
    elif suffix == ".svg":
        size, fmt = _svg_size(source), "SVG"
    else:
        return None
    if size is None:
        return None
    url = "/" + rel.as_posix()
    return Picture(url, size[0], size[1], MIME[fmt], (Variant(url, size[0], MIME[fmt]),))


def _gif_size(source: Path) -> tuple[int, int] | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # the header only: nothing is decoded
            with Image.open(source, formats=("GIF",)) as image:
                return image.size
    except (Image.DecompressionBombError, *_DECODE_ERRORS):
        return None


def _svg_size(source: Path) -> tuple[int, int] | None:
    """Width and height in pixels from the root element, else its viewBox; None if neither."""
    try:
        with source.open("rb") as f:
            head = f.read(64 * 1024)
    except OSError:
        return None
    tag = _SVG_TAG.search(head)
    if tag is None:
        return None
    text = tag.group(0).decode("utf-8", "replace")

    def attribute(name: str) -> str | None:
        found = re.search(rf"""\s{name}\s*=\s*["']([^"']*)["']""", text)
        return found.group(1) if found else None

    width, height = (_svg_length(attribute(n)) for n in ("width", "height"))
    if width and height:
        return width, height
    box = (attribute("viewBox") or "").replace(",", " ").split()
    try:
        w, h = round(float(box[2])), round(float(box[3]))
    except (IndexError, ValueError):
        return None
    return (w, h) if w > 0 and h > 0 else None


def _svg_length(value: str | None) -> int | None:
    match = _SVG_LENGTH.match(value or "")
    if match is None:
        return None
    return round(float(match.group(1))) or None
