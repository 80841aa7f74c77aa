"""Pictures and sounds shown with a question (XLSForm ``image``, ``audio``, ``media::image``
columns), prepared once at upload and known by a content-addressed name.

A picture is decoded with Pillow, shrunk to at most :data:`MAX_SIDE` pixels a side and saved as
WebP, so a phone downloads a few tens of kilobytes whatever the camera gave; its name carries
its SHA-256, its size (for the page's ``width``/``height``, so nothing jumps as it loads lazily)
and its format: ``<sha256>-640x480.webp``. A sound is kept as uploaded: ``<sha256>.mp3``. The
definition holds only names, so a changed picture makes a new version.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MAX_SIDE = 800
MAX_PIXELS = 40_000_000  # a larger picture is refused before it is decoded (a pixel bomb)
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp")
AUDIO_TYPES = {".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".ogg": "audio/ogg",
               ".oga": "audio/ogg", ".wav": "audio/wav"}
NAME_RE = re.compile(r"^(?P<digest>[0-9a-f]{64})(?:-(?P<width>\d{1,4})x(?P<height>\d{1,4}))?"
                     r"(?P<suffix>\.webp|\.mp3|\.m4a|\.ogg|\.oga|\.wav)$")
CONTENT_TYPES = {".webp": "image/webp", **AUDIO_TYPES}
KINDS = ("image", "audio")


@dataclass(frozen=True)
class MediaFile:
    name: str  # content-addressed, see the module docstring
    content_type: str
    data: bytes


class MediaError(ValueError):
    """The file cannot be shown (not a picture or sound we read)."""


def prepare(medium: str, filename: str, data: bytes) -> MediaFile:
    """The stored form of an uploaded picture (``medium`` image) or sound (audio). A file
    that already is a stored one (its name is its content's SHA-256, as in the ZIP a version
    downloads as) is kept as it is, so that uploading that ZIP again gives the same names and
    the same content hash."""
    stored = already_prepared(medium, filename, data)
    if stored is not None:
        return stored
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if medium == "image":
        if suffix not in IMAGE_SUFFIXES:
            raise MediaError(filename)
        return prepare_image(data)
    if suffix not in AUDIO_TYPES:
        raise MediaError(filename)
    digest = hashlib.sha256(data).hexdigest()
    return MediaFile(f"{digest}{suffix}", AUDIO_TYPES[suffix], data)


def already_prepared(medium: str, filename: str, data: bytes) -> MediaFile | None:
    """The file as stored when it is one of ours: named by its SHA-256 and, for a picture, a
    WebP of the size its name says, within :data:`MAX_SIDE`. None otherwise."""
    match = NAME_RE.match(filename)
    if match is None or hashlib.sha256(data).hexdigest() != match["digest"]:
        return None
    is_image = match["suffix"] == ".webp"
    if is_image != (medium == "image"):
        return None
    if is_image:
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(io.BytesIO(data)) as image:
                if image.format != "WEBP" or image.size != size_of(filename) or \
                        max(image.size) > MAX_SIDE:
                    return None
        except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
            return None
    return MediaFile(filename, CONTENT_TYPES[match["suffix"]], data)


def names_in(data: Mapping[str, Any]) -> set[str]:
    """The stored names of the pictures and sounds a definition's data shows."""
    found: set[str] = set()
    for section in data.get("sections") or []:
        for entry in (section.get("items") or []) if isinstance(section, Mapping) else []:
            for kind in KINDS:
                value = entry.get(kind) if isinstance(entry, Mapping) else None
                if isinstance(value, Mapping):
                    found |= {str(name) for name in value.values() if NAME_RE.match(str(name))}
    return found


def prepare_image(data: bytes) -> MediaFile:
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise MediaError("too many pixels")
            image.seek(0)  # an animated GIF shows its first frame
            picture = ImageOps.exif_transpose(image)
            picture.thumbnail((MAX_SIDE, MAX_SIDE))
            picture = picture.convert("RGBA" if "A" in picture.getbands() or
                                      picture.mode == "P" else "RGB")
            out = io.BytesIO()
            picture.save(out, "WEBP", quality=75, method=4)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError,
            SyntaxError) as error:
        raise MediaError(str(error)) from None
    encoded = out.getvalue()
    digest = hashlib.sha256(encoded).hexdigest()
    return MediaFile(f"{digest}-{picture.width}x{picture.height}.webp", "image/webp", encoded)


def size_of(name: str) -> tuple[int, int] | None:
    """(width, height) of a picture's stored name."""
    match = NAME_RE.match(name)
    if not match or not match["width"]:
        return None
    return int(match["width"]), int(match["height"])


def content_type(name: str) -> str | None:
    match = NAME_RE.match(name)
    return CONTENT_TYPES[match["suffix"]] if match else None
