"""Make the example newsroom's gallery media: 12 photos and 4 short films.

Run by hand from the repository root (the files it writes are committed):

    pip install pillow numpy imageio-ffmpeg
    python tools/make_example_media.py

Every picture is drawn procedurally (gradients, shapes, grain) from a fixed
seed, so no photograph of a real person or place is needed. Outputs:

- `static/images/gallery/*.jpg`: 12 photo-like scenes, 1600 x 1067 as shown.
  `harbour-at-dawn.jpg` carries camera EXIF with a GPS position, and
  `spice-market.jpg` and `rain-on-the-corniche.jpg` are stored rotated with an
  EXIF Orientation (6 and 3), as phones write them: the example site proves
  that the build turns them upright and publishes none of that metadata.
- `static/media/films/*.mp4`: 4 films, 640 x 360, 4 s, H.264 without sound;
  `static/images/gallery/film-*.jpg`: their posters, 1280 x 720.

imageio-ffmpeg (its bundled ffmpeg) is needed by this script only, not by the
build. Films are encoded without metadata (`-map_metadata -1`, bitexact).
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import ExifTags, Image, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
PHOTOS = ROOT / "static" / "images" / "gallery"
FILMS = ROOT / "static" / "media" / "films"

PHOTO_SIZE = (1600, 1067)
FILM_SIZE = (640, 360)
POSTER_SIZE = (1280, 720)
FPS = 24
SECONDS = 4
MAX_PHOTO_BYTES = 250_000
MAX_FILM_BYTES = 400_000

Colour = tuple[int, int, int]


class Canvas:
    """A picture drawn in coordinates relative to its size (0..1), twice over-sampled."""

    def __init__(self, size: tuple[int, int], seed: int, scale: int = 2) -> None:
        self.size = size
        self.W, self.H = size[0] * scale, size[1] * scale
        self.image = Image.new("RGB", (self.W, self.H))
        self.draw = ImageDraw.Draw(self.image, "RGBA")
        self.rng = np.random.default_rng(seed)

    def _xy(self, points: list[tuple[float, float]]) -> list[tuple[float, float]]:
        return [(x * self.W, y * self.H) for x, y in points]

    def gradient(self, y0: float, y1: float, top: Colour, bottom: Colour) -> None:
        a, b = int(y0 * self.H), max(int(y0 * self.H) + 1, int(y1 * self.H))
        t = np.linspace(0.0, 1.0, b - a)[:, None, None]
        band = (1 - t) * np.array(top, float) + t * np.array(bottom, float)
        band = np.broadcast_to(band, (b - a, self.W, 3)).astype(np.uint8)
        self.image.paste(Image.fromarray(np.ascontiguousarray(band)), (0, a))

    def poly(self, points: list[tuple[float, float]], fill: tuple[int, ...]) -> None:
        self.draw.polygon(self._xy(points), fill=fill)

    def rect(self, x0: float, y0: float, x1: float, y1: float, fill: tuple[int, ...]) -> None:
        self.draw.rectangle((x0 * self.W, y0 * self.H, x1 * self.W, y1 * self.H), fill=fill)

    def ellipse(self, cx: float, cy: float, rx: float, ry: float, fill: tuple[int, ...]) -> None:
        self.draw.ellipse(((cx - rx) * self.W, (cy - ry) * self.H, (cx + rx) * self.W, (cy + ry) * self.H), fill=fill)

    def line(self, points: list[tuple[float, float]], fill: tuple[int, ...], width: float) -> None:
        self.draw.line(self._xy(points), fill=fill, width=max(1, int(width * self.H)))

    def glow(self, cx: float, cy: float, radius: float, colour: Colour, strength: float = 1.0) -> None:
        """Light added around a point (a sun, a street lamp)."""
        r = radius * self.H * 3
        x0, x1 = max(0, int(cx * self.W - r)), min(self.W, int(cx * self.W + r))
        y0, y1 = max(0, int(cy * self.H - r)), min(self.H, int(cy * self.H + r))
        if x1 <= x0 or y1 <= y0:
            return
        region = np.asarray(self.image.crop((x0, y0, x1, y1)), float)
        yy, xx = np.mgrid[y0:y1, x0:x1]
        d2 = ((xx - cx * self.W) ** 2 + (yy - cy * self.H) ** 2) / (radius * self.H) ** 2
        light = strength * np.exp(-d2)[:, :, None] * np.array(colour, float)
        self.image.paste(Image.fromarray(np.clip(region + light, 0, 255).astype(np.uint8)), (x0, y0))

    def finish(self, grain: float = 3.0) -> Image.Image:
        small = self.image.resize(self.size, Image.Resampling.LANCZOS)
        pixels = np.asarray(small, float)
        noise = self.rng.normal(0.0, grain, pixels.shape[:2])[:, :, None]  # film grain, the same on each channel
        grainy = Image.fromarray(np.clip(pixels + noise, 0, 255).astype(np.uint8))
        return grainy.filter(ImageFilter.GaussianBlur(0.6))


def _dunes(c: Canvas, base: float, colours: list[tuple[int, ...]], t: float = 0.0) -> None:
    for i, colour in enumerate(colours):
        y = base + i * 0.08
        pts = [(x / 40, y + 0.04 * math.sin(x / 40 * 6 + i * 1.7 + t) + 0.02 * math.sin(x / 7 + i)) for x in range(41)]
        c.poly([(0, 1), *pts, (1, 1)], colour)


def harbour_at_dawn(c: Canvas, t: float = 0.0) -> None:
    c.gradient(0, 0.55, (92, 84, 140), (246, 168, 110))
    c.glow(0.68, 0.5, 0.05, (255, 200, 120), 1.2)
    c.ellipse(0.68, 0.5, 0.03, 0.045, (255, 226, 170))
    c.gradient(0.55, 1, (190, 130, 110), (38, 52, 82))
    for i in range(40):  # the sun's reflection, broken by waves
        y = 0.57 + i * 0.011
        w = 0.01 + 0.03 * c.rng.random()
        x = 0.68 + 0.02 * math.sin(i * 1.3 + t * 6.28)
        c.rect(x - w, y, x + w, y + 0.004, (255, 210, 150, 120))
    for x, h in ((0.08, 0.3), (0.2, 0.26), (0.32, 0.33)):  # quay cranes
        c.line([(x, 0.55), (x, 0.55 - h)], (30, 30, 40, 255), 0.008)
        c.line([(x - 0.04, 0.55 - h), (x + 0.1, 0.55 - h)], (30, 30, 40, 255), 0.006)
        c.line([(x + 0.08, 0.55 - h), (x + 0.08, 0.55 - h + 0.1)], (30, 30, 40, 255), 0.002)
    palette = [(150, 60, 50), (40, 90, 130), (170, 140, 60), (70, 110, 80), (120, 120, 130)]
    for row in range(4):
        for col in range(14):
            colour = palette[int(c.rng.integers(len(palette)))]
            x0, y0 = 0.02 + col * 0.028, 0.53 - row * 0.025
            c.rect(x0, y0, x0 + 0.027, y0 + 0.024, (*colour, 255))
    bob = 0.005 * math.sin(t * 6.28)
    c.poly([(0.45, 0.6 + bob), (0.92, 0.6 + bob), (0.88, 0.66 + bob), (0.48, 0.66 + bob)], (45, 40, 50, 255))
    c.rect(0.8, 0.54 + bob, 0.87, 0.6 + bob, (220, 220, 210, 255))


def city_skyline_at_dusk(c: Canvas, t: float = 0.0) -> None:
    c.gradient(0, 0.75, (30, 36, 86), (232, 130, 120))
    for i in range(26):
        x = i / 26 + 0.01 * c.rng.random()
        h = 0.15 + 0.45 * c.rng.random() ** 1.5
        w = 0.025 + 0.02 * c.rng.random()
        shade = int(20 + 30 * c.rng.random())
        c.rect(x, 0.8 - h, x + w, 0.8, (shade, shade, shade + 15, 255))
        for wy in np.arange(0.8 - h + 0.015, 0.79, 0.02):
            for wx in np.arange(x + 0.004, x + w - 0.004, 0.008):
                if c.rng.random() < 0.35:
                    c.rect(wx, wy, wx + 0.004, wy + 0.008, (255, 214, 130, 220))
    c.gradient(0.8, 1, (24, 24, 34), (10, 10, 16))


def desert_road(c: Canvas, t: float = 0.0) -> None:
    c.gradient(0, 0.6, (70, 130, 200), (200, 220, 235))
    for i in range(3):  # clouds drifting
        x = (0.15 + i * 0.33 + t * 0.3) % 1.2 - 0.1
        for k in range(5):
            c.ellipse(x + k * 0.03, 0.14 + i * 0.05 + 0.01 * math.sin(k), 0.05, 0.025, (250, 250, 250, 150))
    _dunes(c, 0.45, [(214, 170, 110, 255), (200, 150, 95, 255), (185, 135, 80, 255)], t * 0.2)
    c.poly([(0.47, 0.5), (0.53, 0.5), (0.85, 1), (0.15, 1)], (60, 58, 60, 255))
    for i in range(12):  # the centre line's dashes, wider as they come closer
        a, b = 0.5 + 0.5 * (i / 12) ** 2, 0.5 + 0.5 * ((i + 0.5) / 12) ** 2
        wa, wb = 0.04 * (a - 0.45), 0.04 * (b - 0.45)
        c.poly([(0.5 - wa, a), (0.5 + wa, a), (0.5 + wb, b), (0.5 - wb, b)], (240, 220, 120, 255))


def spice_market(c: Canvas, t: float = 0.0) -> None:
    c.gradient(0, 1, (120, 80, 50), (60, 40, 30))
    colours = [(190, 40, 40), (230, 160, 30), (40, 110, 160), (60, 140, 70), (200, 90, 30)]
    for i in range(5):  # striped awnings
        x0 = i * 0.2
        for s in range(6):
            colour = colours[i] if s % 2 == 0 else (235, 225, 200)
            c.poly([(x0 + s * 0.033, 0.1), (x0 + (s + 1) * 0.033, 0.1),
                    (x0 + (s + 1) * 0.036, 0.3), (x0 + s * 0.036, 0.3)], (*colour, 255))  # fmt: skip
    spices = [(200, 60, 20), (230, 180, 40), (120, 70, 30), (170, 30, 30), (220, 200, 150), (90, 110, 40)]
    for i in range(18):  # heaps of spice in bowls
        x = 0.05 + (i % 9) * 0.11
        y = 0.55 + (i // 9) * 0.2
        colour = spices[int(c.rng.integers(len(spices)))]
        c.ellipse(x, y + 0.04, 0.05, 0.03, (70, 50, 35, 255))
        c.poly([(x - 0.045, y + 0.04), (x, y - 0.04), (x + 0.045, y + 0.04)], (*colour, 255))
    for i in range(7):  # shoppers
        x = 0.1 + i * 0.13 + 0.03 * c.rng.random()
        shade = int(30 + 40 * c.rng.random())
        c.ellipse(x, 0.38, 0.02, 0.035, (shade, shade - 10, shade - 15, 255))
        c.poly([(x - 0.035, 0.5), (x + 0.035, 0.5), (x + 0.03, 0.42), (x - 0.03, 0.42)], (shade, 30, 40, 230))


def highland_terraces(c: Canvas, t: float = 0.0) -> None:
    c.gradient(0, 0.3, (150, 190, 220), (220, 230, 230))
    for i in range(14):
        y = 0.25 + i * 0.055
        g = 90 + int(80 * (i % 3) / 2) - i * 3
        pts = [(x / 30, y + 0.03 * math.sin(x / 30 * 4 + i * 0.6)) for x in range(31)]
        c.poly([(0, 1), *pts, (1, 1)], (60 + i * 4, g + 40, 50, 255))
        c.line(pts, (110, 90, 60, 200), 0.004)


def solar_field(c: Canvas, t: float = 0.0) -> None:
    c.gradient(0, 0.45, (90, 150, 215), (215, 230, 240))
    _dunes(c, 0.36, [(160, 150, 140, 255)])
    c.gradient(0.45, 1, (205, 180, 140), (180, 150, 110))
    for row in range(9):
        y = 0.48 + (row / 9) ** 1.4 * 0.5
        depth = 0.15 + row * 0.1
        for col in range(-2, int(10 / depth)):
            x = 0.5 + (col - 4 / depth) * 0.09 * depth
            w, h = 0.08 * depth, 0.03 * depth
            c.poly([(x, y), (x + w, y), (x + w * 1.1, y + h), (x - w * 0.1, y + h)], (30, 45, 90, 255))
            c.line([(x, y + h * 0.5), (x + w, y + h * 0.5)], (120, 140, 180, 160), 0.001)


def river_delta(c: Canvas, t: float = 0.0) -> None:
    c.gradient(0, 1, (90, 130, 70), (70, 110, 60))
    for _ in range(60):  # fields
        x, y = c.rng.random(), c.rng.random()
        g = int(c.rng.integers(20, 60))
        c.rect(x, y, x + 0.05 + 0.05 * c.rng.random(), y + 0.04, (90 + g, 120 + g, 60, 120))
    for k in range(5):  # channels fanning out towards the sea
        pts = []
        for i in range(60):
            y = i / 59
            x = 0.5 + (k - 2) * 0.12 * y + 0.05 * math.sin(y * 9 + k * 2)
            pts.append((x, y))
        c.line(pts, (60, 110, 150, 255), 0.012 + 0.004 * (k % 2))
    c.gradient(0.88, 1, (80, 130, 160), (50, 100, 140))


def freight_train(c: Canvas, t: float = 0.0) -> None:
    c.gradient(0, 0.5, (170, 200, 225), (235, 225, 205))
    _dunes(c, 0.42, [(140, 130, 110, 255)])
    c.gradient(0.5, 1, (150, 130, 100), (110, 90, 70))
    for rail in (0.48, 0.52):
        c.line([(rail, 1.0), (0.95, 0.55)], (80, 80, 85, 255), 0.004)
    for i in range(9):
        a = i / 9
        x0, y0 = 0.1 + a * 0.8, 0.92 - a * 0.37
        w, h = 0.09 * (1 - a * 0.6), 0.09 * (1 - a * 0.6)
        colour = [(160, 60, 40), (40, 80, 120), (90, 90, 95)][i % 3]
        c.rect(x0, y0 - h, x0 + w, y0, (*colour, 255))
        c.rect(x0, y0, x0 + w, y0 + h * 0.1, (30, 30, 30, 255))


def fishing_boats(c: Canvas, t: float = 0.0) -> None:
    c.gradient(0, 0.4, (120, 170, 210), (215, 230, 235))
    c.gradient(0.4, 0.7, (40, 120, 150), (80, 160, 170))
    c.gradient(0.7, 1, (225, 205, 160), (200, 180, 130))
    colours = [(200, 50, 40), (240, 200, 40), (40, 100, 180), (250, 250, 250), (60, 150, 80)]
    for i in range(6):
        x = 0.05 + i * 0.16
        y = 0.78 + 0.06 * (i % 2)
        colour = colours[i % len(colours)]
        c.poly([(x, y), (x + 0.13, y), (x + 0.11, y + 0.06), (x + 0.02, y + 0.06)], (*colour, 255))
        c.line([(x + 0.065, y), (x + 0.065, y - 0.12)], (90, 70, 50, 255), 0.004)
    for _ in range(30):
        y = 0.42 + c.rng.random() * 0.27
        x = c.rng.random()
        c.line([(x, y), (x + 0.05, y)], (230, 240, 240, 90), 0.002)


def parliament_square(c: Canvas, t: float = 0.0) -> None:
    c.gradient(0, 0.6, (110, 160, 210), (220, 225, 230))
    c.ellipse(0.5, 0.28, 0.09, 0.12, (200, 190, 170, 255))
    c.rect(0.41, 0.28, 0.59, 0.33, (190, 180, 160, 255))
    c.rect(0.2, 0.33, 0.8, 0.38, (210, 200, 180, 255))
    for i in range(12):
        x = 0.22 + i * 0.05
        c.rect(x, 0.38, x + 0.02, 0.6, (225, 215, 195, 255))
        c.rect(x + 0.02, 0.38, x + 0.05, 0.6, (150, 140, 125, 255))
    c.gradient(0.6, 1, (170, 160, 145), (120, 115, 105))
    c.rect(0.18, 0.6, 0.82, 0.64, (180, 170, 150, 255))
    c.line([(0.5, 0.16), (0.5, 0.08)], (80, 80, 80, 255), 0.004)
    c.rect(0.5, 0.08, 0.56, 0.115, (30, 120, 70, 255))


def rain_on_the_corniche(c: Canvas, t: float = 0.0) -> None:
    c.gradient(0, 1, (20, 24, 40), (40, 40, 55))
    for i in range(7):  # street lamps and their reflections
        x = 0.08 + i * 0.14
        c.line([(x, 0.62), (x, 0.25)], (50, 50, 60, 255), 0.005)
        c.glow(x, 0.25, 0.03, (255, 190, 110), 1.4)
        c.glow(x, 0.8, 0.02, (200, 150, 90), 0.6)
    c.gradient(0.62, 0.64, (70, 70, 80), (60, 60, 70))
    for _ in range(400):  # rain
        x, y = c.rng.random(), (c.rng.random() + t * 2) % 1.0
        c.line([(x, y), (x - 0.004, y + 0.03)], (180, 190, 210, 90), 0.0015)


def olive_grove(c: Canvas, t: float = 0.0) -> None:
    c.gradient(0, 0.45, (140, 180, 215), (230, 225, 210))
    _dunes(c, 0.36, [(150, 150, 120, 255), (120, 130, 80, 255)])
    c.gradient(0.55, 1, (150, 130, 80), (120, 100, 60))
    for row in range(5):
        y = 0.6 + row * 0.09
        size = 0.03 + row * 0.012
        for col in range(int(1 / (size * 2.5)) + 1):
            x = col * size * 2.5 + (row % 2) * size
            c.line([(x, y), (x, y - size)], (80, 60, 40, 255), size * 0.15)
            c.ellipse(x, y - size * 1.4, size * 0.9, size * 0.9, (90, 110, 70, 255))


def night_traffic(c: Canvas, t: float = 0.0) -> None:
    city_skyline_at_dusk(c, t)
    c.poly([(0, 0.82), (1, 0.82), (1, 1), (0, 1)], (25, 25, 30, 255))
    for lane, (colour, speed) in enumerate((((255, 240, 200), 1), ((230, 40, 40), -1))):
        for k in range(8):
            x = ((k / 8 + speed * t) % 1.0) * 1.2 - 0.1
            y = 0.87 + lane * 0.06
            c.line([(x, y), (x + 0.06, y)], (*colour, 200), 0.006)
            c.glow(x + 0.03, y, 0.01, colour, 0.5)


SCENES: dict[str, Callable[[Canvas, float], None]] = {
    "harbour-at-dawn": harbour_at_dawn,
    "city-skyline-at-dusk": city_skyline_at_dusk,
    "desert-road": desert_road,
    "spice-market": spice_market,
    "highland-terraces": highland_terraces,
    "solar-field": solar_field,
    "river-delta": river_delta,
    "freight-train": freight_train,
    "fishing-boats": fishing_boats,
    "parliament-square": parliament_square,
    "rain-on-the-corniche": rain_on_the_corniche,
    "olive-grove": olive_grove,
}

FILM_SCENES: dict[str, Callable[[Canvas, float], None]] = {
    "harbour-morning": harbour_at_dawn,
    "desert-clouds": desert_road,
    "night-traffic": night_traffic,
    "corniche-rain": rain_on_the_corniche,
}

ROTATED = {"spice-market": 6, "rain-on-the-corniche": 3}  # EXIF Orientation as a phone writes it
WITH_GPS = "harbour-at-dawn"


def _exif(name: str) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Meridian"
    exif[ExifTags.Base.Model] = "Field Camera 7"
    exif[ExifTags.Base.Software] = "make_example_media.py"
    exif[ExifTags.Base.Orientation] = ROTATED.get(name, 1)
    if name == WITH_GPS:
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
        gps[ExifTags.GPS.GPSLatitudeRef] = "N"
        gps[ExifTags.GPS.GPSLatitude] = (25.0, 17.0, 24.6)
        gps[ExifTags.GPS.GPSLongitudeRef] = "E"
        gps[ExifTags.GPS.GPSLongitude] = (51.0, 31.0, 58.2)
    return exif


def _stored(image: Image.Image, orientation: int) -> Image.Image:
    """The pixels a camera stores for a picture shown upright under `orientation`."""
    if orientation == 6:  # shown after a quarter turn clockwise
        return image.transpose(Image.Transpose.ROTATE_90)
    if orientation == 3:
        return image.transpose(Image.Transpose.ROTATE_180)
    return image


def _save_jpeg(image: Image.Image, path: Path, limit: int, exif: Image.Exif | None = None) -> None:
    for quality in (84, 80, 76, 72, 68, 64, 60):
        options: dict[str, object] = {"quality": quality, "optimize": True}
        if exif is not None:
            options["exif"] = exif
        image.save(path, "JPEG", **options)
        if path.stat().st_size <= limit:
            return
    raise SystemExit(f"{path}: still {path.stat().st_size} bytes at the lowest quality")


def make_photos() -> None:
    PHOTOS.mkdir(parents=True, exist_ok=True)
    for seed, (name, scene) in enumerate(SCENES.items(), start=1):
        canvas = Canvas(PHOTO_SIZE, seed)
        scene(canvas, 0.0)
        picture = _stored(canvas.finish(), ROTATED.get(name, 1))
        _save_jpeg(picture, PHOTOS / f"{name}.jpg", MAX_PHOTO_BYTES, _exif(name))
        print(f"{name}.jpg {(PHOTOS / f'{name}.jpg').stat().st_size} bytes")


def make_films() -> None:
    import imageio_ffmpeg  # type: ignore[import-untyped]  # needed by this script only

    FILMS.mkdir(parents=True, exist_ok=True)
    for seed, (name, scene) in enumerate(FILM_SCENES.items(), start=100):
        poster = Canvas(POSTER_SIZE, seed)
        scene(poster, 0.0)
        _save_jpeg(poster.finish(), PHOTOS / f"film-{name}.jpg", MAX_PHOTO_BYTES)
        path = FILMS / f"{name}.mp4"
        for crf in (26, 30, 34, 38):
            writer = imageio_ffmpeg.write_frames(
                str(path), FILM_SIZE, fps=FPS, codec="libx264", quality=None, pix_fmt_out="yuv420p", macro_block_size=8,
                output_params=["-crf", str(crf), "-preset", "slow", "-movflags", "+faststart", "-an",
                               "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact"],
            )  # fmt: skip
            writer.send(None)
            for frame in range(FPS * SECONDS):
                canvas = Canvas(FILM_SIZE, seed, scale=1)  # the same seed: only the motion changes
                scene(canvas, frame / (FPS * SECONDS))
                writer.send(np.ascontiguousarray(np.asarray(canvas.finish(grain=2.0))).tobytes())
            writer.close()
            if path.stat().st_size <= MAX_FILM_BYTES:
                break
        print(f"{name}.mp4 {path.stat().st_size} bytes, poster film-{name}.jpg")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("photos", "films"), help="make only these")
    args = parser.parse_args()
    if args.only != "films":
        make_photos()
    if args.only != "photos":
        make_films()


if __name__ == "__main__":
    main()
