"""Thumbnails of image attachments (Pillow), for the dossier's PDF and HTML page."""

from __future__ import annotations

import io

THUMBNAIL_PX = 240
"""The longer side of a thumbnail, in pixels (about 4 cm at 150 dpi)."""

IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


def thumbnail_png(data: bytes, *, size: int = THUMBNAIL_PX) -> bytes | None:
    """Return a PNG thumbnail of an image (RGB, longer side ``size``), or None if unreadable.

    Pillow's decompression-bomb guard stays on; the first frame of an animation is used.
    """
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.thumbnail((size, size))
            out = io.BytesIO()
            image.convert("RGB").save(out, format="PNG", optimize=False)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    return out.getvalue()
