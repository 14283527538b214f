"""The attachments store: files kept once by SHA-256, outside the web root."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from kintrace.errors import InvalidInput, NotFound

ALLOWED_MEDIA_TYPES: dict[bytes, str] = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
    b"RIFF": "image/webp",  # checked further below
    b"PK\x03\x04": "application/zip",  # xlsx/docx are zip containers
}


def sniff_media_type(data: bytes, filename: str) -> str:
    """Tell a file's media type from its first bytes; refuse what we do not accept.

    Text (UTF-8) is accepted as ``text/plain``; MP4 video by its ``ftyp`` box.
    """
    if data[4:8] == b"ftyp":
        return "video/mp4"
    for magic, media_type in ALLOWED_MEDIA_TYPES.items():
        if data.startswith(magic):
            if magic == b"RIFF" and data[8:12] != b"WEBP":
                break
            return media_type
    try:
        data[:65536].decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "text/plain"
    raise InvalidInput(
        f"{filename}: this kind of file is not accepted "
        "(PDF, images, MP4 video, text or office files)"
    )


class FileStore:
    """Files under ``root/ab/cdef...`` named by their SHA-256."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_of(self, sha256: str) -> Path:
        """Return where the file with this hash lives."""
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise NotFound(f"no attachment {sha256!r}")
        return self.root / sha256[:2] / sha256[2:]

    def put(self, data: bytes) -> str:
        """Store bytes (once) and return their SHA-256; the write is atomic."""
        digest = hashlib.sha256(data).hexdigest()
        target = self.path_of(digest)
        if target.exists():
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
        return digest

    def adopt(self, source: Path, sha256: str) -> bool:
        """Move a file already checked to have this hash into the store; say whether it is new.

        A file the store holds already is left as it is (and ``source`` removed).
        """
        target = self.path_of(sha256)
        if target.exists():
            source.unlink()
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(source, target)
        except OSError:  # another file system: copy through a temporary file, atomically
            self.put(source.read_bytes())
            source.unlink()
        return True

    def get(self, sha256: str) -> bytes:
        """Return a stored file's bytes."""
        path = self.path_of(sha256)
        if not path.is_file():
            raise NotFound(f"no attachment {sha256}")
        return path.read_bytes()

    def verify(self, sha256: str) -> bool:
        """Say whether the stored file still has the hash it is named by."""
        return hashlib.sha256(self.get(sha256)).hexdigest() == sha256
