"""Episode artwork: the user's file, else the article's lead image, else a generated cover.

Podcast apps want a square RGB JPEG or PNG between 1400 and 3000 pixels a side.
"""

from __future__ import annotations

import hashlib
import io
import logging
import textwrap
from pathlib import Path

from ..errors import OutputError
from ..read.reach import Reach

log = logging.getLogger(__name__)
MIN_SIDE = 1400
MAX_SIDE = 3000
MAX_IMAGE_BYTES = 10 * 1024 * 1024
PALETTE = [  # background, accent
    ((16, 42, 67), (255, 196, 0)),
    ((33, 33, 33), (0, 173, 181)),
    ((92, 26, 46), (255, 214, 165)),
    ((20, 70, 60), (240, 240, 200)),
    ((44, 62, 80), (231, 76, 60)),
    ((59, 30, 84), (180, 220, 255)),
]


def square(image: object) -> object:
    """Centre-crop to a square and scale into [MIN_SIDE, MAX_SIDE], RGB."""
    from PIL import Image

    assert isinstance(image, Image.Image)
    picture = image.convert("RGB")
    side = min(picture.size)
    left = (picture.width - side) // 2
    top = (picture.height - side) // 2
    picture = picture.crop((left, top, left + side, top + side))
    target = min(max(side, MIN_SIDE), MAX_SIDE)
    if target != side:
        picture = picture.resize((target, target), Image.Resampling.LANCZOS)
    return picture


def save_jpeg(image: object, path: Path) -> Path:
    from PIL import Image

    assert isinstance(image, Image.Image)
    image.save(path, "JPEG", quality=88, optimize=True)
    return path


def from_file(source: Path, path: Path) -> Path:
    """The user's --cover FILE, squared and saved as JPEG at PATH."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(source) as image:
            note_reshaped(source, image.size)
            return save_jpeg(square(image), path)
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError) as exc:
        raise OutputError(f"cannot use {source} as a cover: {exc}") from None


def note_reshaped(source: Path, size: tuple[int, int]) -> None:
    """Say when the user's artwork is not what podcast apps want as it is: cropped to its
    middle square, enlarged (blurred) or shrunk."""
    width, height = size
    side = min(width, height)
    changes = []
    if width != height:
        changes.append("cropped to its middle square")
    if side < MIN_SIDE:
        changes.append(f"enlarged to {MIN_SIDE} px, so it may look soft")
    elif side > MAX_SIDE:
        changes.append(f"reduced to {MAX_SIDE} px")
    if changes:
        log.warning(
            "%s is %d×%d: %s (podcast apps want square artwork of %d–%d px)",
            source,
            width,
            height,
            " and ".join(changes),
            MIN_SIDE,
            MAX_SIDE,
        )


def from_url(url: str, path: Path, reach: Reach, timeout_s: float = 30.0) -> Path | None:
    """Download the article's lead image (where REACH allows: it is named by the page); None
    (with a note in the log) when that fails."""
    from PIL import Image, UnidentifiedImageError

    from ..errors import NarrateError
    from ..read.fetch import get

    try:
        data, mime, _charset, _final = get(
            url, reach=reach, accept="image/*", max_bytes=MAX_IMAGE_BYTES, deadline=timeout_s
        )
        if mime and not mime.startswith("image/"):
            raise ValueError(f"not an image ({mime})")
        with Image.open(io.BytesIO(data)) as image:
            return save_jpeg(square(image), path)
    except (
        NarrateError,
        ValueError,
        OSError,
        UnidentifiedImageError,
        Image.DecompressionBombError,
    ) as exc:
        log.info("lead image %s not used (%s); generating a cover", url, exc)
        return None


def generate(
    title: str, site: str | None, date: str | None, path: Path, side: int = MIN_SIDE
) -> Path:
    """A plain typographic cover: the title large, the site and date below, an AI-voice note."""
    from PIL import Image, ImageDraw, ImageFont

    seed = int(hashlib.sha256((site or title).encode()).hexdigest(), 16)
    background, accent = PALETTE[seed % len(PALETTE)]
    image = Image.new("RGB", (side, side), background)
    draw = ImageDraw.Draw(image)
    margin = side // 12
    draw.rectangle((margin, margin, margin + side // 6, margin + side // 60), fill=accent)

    size = side // 11
    for _ in range(12):  # shrink until the title fits in the middle of the square
        font = ImageFont.load_default(size=size)
        width_chars = max(8, int((side - 2 * margin) / (size * 0.5)))
        lines = textwrap.wrap(title, width=width_chars)
        height = len(lines) * size * 1.2
        if height <= side * 0.55 and len(lines) <= 7:
            break
        size = int(size * 0.88)
    y = margin * 2
    for line in lines:
        draw.text((margin, y), line, font=font, fill=(255, 255, 255))
        y += int(size * 1.2)

    small = ImageFont.load_default(size=side // 28)
    footer = " · ".join(part for part in (site, date) if part)
    if footer:
        draw.text((margin, side - margin * 2), footer, font=small, fill=accent)
    draw.text(
        (margin, side - margin - side // 40),
        "Narrated with an AI voice",
        font=small,
        fill=(200, 200, 200),
    )
    return save_jpeg(image, path)


def make_cover(
    path: Path,
    *,
    title: str,
    site: str | None,
    date: str | None,
    cover_file: Path | None = None,
    image_url: str | None = None,
    fetch: bool = True,
    reach: Reach | None = None,
) -> Path:
    """Write the episode's cover to PATH, from the best source available; the page's image is
    fetched where REACH allows (default: public addresses only)."""
    if cover_file is not None:
        return from_file(cover_file, path)
    if image_url and fetch and image_url.startswith(("http://", "https://")):
        fetched = from_url(image_url, path, reach or Reach())
        if fetched:
            return fetched
    return generate(title, site, date, path)
