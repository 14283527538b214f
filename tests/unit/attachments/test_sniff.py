"""What an upload is, from its bytes; thumbnails upright and without metadata."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from kintrace.attachments.sniff import UnsupportedFile, sniff, thumbnail


def _jpeg_with_exif(orientation: int) -> bytes:
    image = Image.new("RGB", (40, 20), (250, 0, 0))
    image.paste((0, 0, 250), (0, 0, 20, 20))  # left half blue
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {2: (55.0, 45.0, 0.0), 4: (37.0, 37.0, 0.0)}  # GPS latitude, longitude
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def _image(fmt: str, mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (8, 8)).save(out, format=fmt)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (_image("PNG"), "image/png"),
        (_image("JPEG"), "image/jpeg"),
        (_image("GIF", "P"), "image/gif"),
        (_image("WEBP"), "image/webp"),
        (b"%PDF-1.4\n...", "application/pdf"),
        (b"ID3\x03\x00" + bytes(20), "audio/mpeg"),
        (b"\xff\xfb\x90\x00" + bytes(20), "audio/mpeg"),
        (b"OggS\x00\x02" + bytes(20), "audio/ogg"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(16), "audio/wav"),
        (b"\x00\x00\x00\x20ftypisom" + bytes(16), "video/mp4"),
        (b"\x00\x00\x00\x20ftypM4A " + bytes(16), "audio/mp4"),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01webm" + bytes(8), "video/webm"),
        ("Он жив, в госпитале".encode(), "text/plain"),
    ],
)
def test_the_kind_comes_from_the_bytes(data: bytes, expected: str) -> None:
    assert sniff(data, "whatever.exe") == expected


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"MZ\x90\x00\x03\x00\x00\x00" + bytes(50),  # a Windows program
        b"\x89PNG\r\n\x1a\n" + bytes(64),  # a PNG header with nothing readable after it
        b"PK\x03\x04" + bytes(40),  # a ZIP that is no office document
        b"<svg" + b"\x00" * 10,
    ],
)
def test_what_cannot_be_named_is_refused(data: bytes) -> None:
    with pytest.raises(UnsupportedFile):
        sniff(data, "photo.jpg")


def test_a_thumbnail_is_upright_small_and_carries_no_metadata() -> None:
    original = _jpeg_with_exif(orientation=6)  # "rotate 90° clockwise to view"
    with Image.open(io.BytesIO(original)) as check:
        assert check.getexif()[0x8825]  # the original has a GPS block
    data, media_type = thumbnail(original)
    assert media_type == "image/jpeg"
    with Image.open(io.BytesIO(data)) as small:
        assert small.size == (20, 40)  # turned upright: taller than wide
        assert len(small.getexif()) == 0
        assert "exif" not in small.info and "icc_profile" not in small.info
        top = small.getpixel((10, 5))
        assert isinstance(top, tuple) and top[2] > 200 > top[0]  # the blue half is on top
    assert b"PhoneMaker" not in data and b"GPS" not in data


def test_a_large_photo_becomes_a_small_thumbnail_and_transparency_stays() -> None:
    out = io.BytesIO()
    Image.new("RGBA", (2000, 1000), (0, 0, 0, 0)).save(out, format="PNG")
    data, media_type = thumbnail(out.getvalue())
    assert media_type == "image/png"
    with Image.open(io.BytesIO(data)) as small:
        assert max(small.size) <= 320 and small.mode == "RGBA"
