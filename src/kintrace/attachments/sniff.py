"""What an uploaded file is, told from its bytes; thumbnails of images. No database.

The client's content type and file name are never trusted: a file is what its first bytes
say it is. Accepted:

- images (JPEG, PNG, GIF, WebP): opened by Pillow, which must agree on the format and read
  the size; larger than :data:`MAX_PIXELS` is refused (a decompression bomb);
- PDF documents (``%PDF-``); office documents (DOCX, XLSX, PPTX, ODT, ODS: a ZIP whose
  members say which), plain UTF-8 text (a chat export);
- audio: MP3 (an ID3 tag or an MPEG frame header), Ogg (voice messages), WAV, FLAC, AMR,
  M4A; video: MP4, MOV, 3GP (an ISO ``ftyp`` box and its brand), WebM and Matroska.

Everything else is refused (:class:`UnsupportedFile`), not kept as
``application/octet-stream``: a file whose kind we cannot name cannot be shown safely, and a
relative who sends one is told at once which kinds are accepted (docs/attachments.md).
Magic numbers after the file signatures listed by Gary Kessler
(https://www.garykessler.net/library/file_sigs.html) and the ISO base media file format
(ISO/IEC 14496-12: the ``ftyp`` box and its major brand).
"""

from __future__ import annotations

import io
import warnings
import zipfile

from PIL import Image, ImageOps, UnidentifiedImageError

from kintrace.errors import InvalidInput

MAX_PIXELS = 60_000_000
"""The largest image accepted, in pixels (a 60-megapixel photo; Pillow warns at 89 M)."""

THUMBNAIL_SIZE = (320, 320)
"""The box a thumbnail fits in, in pixels."""

IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}

_FTYP_BRANDS = {
    b"qt  ": "video/quicktime",
    b"3gp": "video/3gpp",
    b"3g2": "video/3gpp2",
    b"M4A ": "audio/mp4",
    b"M4B ": "audio/mp4",
}

_OFFICE = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
_ODF = {
    b"application/vnd.oasis.opendocument.text",
    b"application/vnd.oasis.opendocument.spreadsheet",
}

ACCEPTED = "photos (JPEG, PNG, GIF, WebP), PDF, office documents, text, audio and video"


class UnsupportedFile(InvalidInput):
    """A file of a kind kintrace does not keep."""


def _image_type(data: bytes, filename: str) -> str | None:
    if not data.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF8", b"RIFF")):
        return None
    if data.startswith(b"RIFF") and data[8:12] != b"WEBP":
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                found = image.format or ""
                if width * height > MAX_PIXELS:
                    raise UnsupportedFile(f"{filename}: the image has too many pixels")
                image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise UnsupportedFile(f"{filename}: the image cannot be read") from error
    except Image.DecompressionBombWarning as error:
        raise UnsupportedFile(f"{filename}: the image has too many pixels") from error
    if found not in IMAGE_TYPES:
        raise UnsupportedFile(f"{filename}: the image cannot be read")
    return IMAGE_TYPES[found]


def _iso_media(data: bytes) -> str | None:
    if data[4:8] != b"ftyp":
        return None
    brand = data[8:12]
    for prefix, media_type in _FTYP_BRANDS.items():
        if brand.startswith(prefix):
            return media_type
    return "video/mp4"


def _zip_document(data: bytes) -> str | None:
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                kind = archive.read("mimetype").strip()
                return kind.decode() if kind in _ODF else None
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    if "[Content_Types].xml" in names:
        for folder, media_type in _OFFICE.items():
            if any(n.startswith(folder) for n in names):
                return media_type
    return None


def _mp3(data: bytes) -> bool:
    if data.startswith(b"ID3"):
        return True
    # an MPEG audio frame: 11 sync bits, a layer other than "reserved" (ISO/IEC 11172-3)
    return len(data) > 2 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0 and data[1] & 0x06 != 0


def _matroska(data: bytes) -> str | None:
    if not data.startswith(b"\x1a\x45\xdf\xa3"):
        return None
    return "video/webm" if b"webm" in data[:64] else "video/x-matroska"


def _signature(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"OggS"):
        return "audio/ogg"
    if data.startswith(b"fLaC"):
        return "audio/flac"
    if data.startswith(b"#!AMR"):
        return "audio/amr"
    if data.startswith(b"RIFF") and data[8:12] == b"WAVE":
        return "audio/wav"
    return _iso_media(data) or _matroska(data) or ("audio/mpeg" if _mp3(data) else None)


def _text(data: bytes) -> bool:
    try:
        text = data[:65536].decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < 65536 - 4:  # not a character cut at the end of the sample
            return False
        text = data[: error.start].decode("utf-8")
    return "\x00" not in text


def sniff(data: bytes, filename: str) -> str:
    """Return the media type of a file from its bytes; UnsupportedFile for any other kind.

    ``filename`` only names the file in the error.

    >>> sniff(b"%PDF-1.7 ...", "letter.pdf")
    'application/pdf'
    >>> sniff(b"\\x00\\x00\\x00\\x18ftypqt  \\x00", "clip.mov")
    'video/quicktime'
    >>> sniff("Он жив, в госпитале".encode(), "chat.txt")
    'text/plain'
    """
    if not data:
        raise UnsupportedFile(f"{filename}: the file is empty")
    found = _image_type(data, filename) or _signature(data) or _zip_document(data)
    if found:
        return found
    if _text(data):
        return "text/plain"
    raise UnsupportedFile(f"{filename}: this kind of file is not accepted ({ACCEPTED})")


def is_image(media_type: str) -> bool:
    """Say whether a media type is an image kintrace shows inline (and makes a thumbnail of)."""
    return media_type in IMAGE_TYPES.values()


def thumbnail(data: bytes) -> tuple[bytes, str]:
    """Make a small thumbnail of an image: upright (EXIF orientation applied), no metadata.

    Returns the bytes and their media type: JPEG, or PNG where the image has transparency.
    Nothing of the original's EXIF (camera, GPS position, time) is written into it.
    """
    with Image.open(io.BytesIO(data)) as original:
        original.seek(0)
        image = ImageOps.exif_transpose(original)
        image.thumbnail(THUMBNAIL_SIZE)
        transparent = image.mode in ("RGBA", "LA") or "transparency" in image.info
        out = io.BytesIO()
        if transparent:
            clean = image.convert("RGBA")
            clean.info = {}  # nothing of the original's metadata travels
            clean.save(out, format="PNG", optimize=True)
            return out.getvalue(), "image/png"
        clean = image.convert("RGB")
        clean.info = {}
        clean.save(out, format="JPEG", quality=80, optimize=True)
        return out.getvalue(), "image/jpeg"
