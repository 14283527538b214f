"""What every dossier carries to be verified: its number, the instance, when, the content hash.

The stamp is printed in the footer of every page and written, in ASCII, into the PDF's
``/Subject`` (the document information dictionary, which fpdf2 writes uncompressed), so that
it can be read back from a file's bytes without a PDF parser, also from a file that was
changed elsewhere. The SHA-256 of the PDF bytes themselves cannot be inside the PDF: it is
kept in the dossier's record (``dossiers.sha256``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

PREFIX = "kintrace-dossier"

_SUBJECT = re.compile(
    rb"/Subject \(" + PREFIX.encode() + rb" (?P<code>D-[A-Z0-9]{4,14}); "
    rb"instance (?P<instance>[0-9a-f-]{8,36}); "
    rb"made (?P<made>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)Z; "
    rb"content-sha256 (?P<content>[0-9a-f]{64})\)"
)


@dataclass(frozen=True, slots=True)
class Stamp:
    """A dossier's number, the instance that made it, when (UTC) and its content hash."""

    code: str
    instance_id: str
    made_at: datetime
    content_sha256: str

    def subject(self) -> str:
        """Return the PDF ``/Subject`` text (ASCII) that :func:`read_stamp` reads back.

        >>> s = Stamp("D-AB12CD34", "3f2a", datetime(2026, 3, 4, 5, 6, 7), "0" * 64)
        >>> s.subject()[:70]
        'kintrace-dossier D-AB12CD34; instance 3f2a; made 2026-03-04T05:06:07Z;'
        """
        return (
            f"{PREFIX} {self.code}; instance {self.instance_id}; "
            f"made {self.made_at.isoformat(timespec='seconds')}Z; "
            f"content-sha256 {self.content_sha256}"
        )


def read_stamp(data: bytes) -> Stamp | None:
    """Find a dossier's stamp in a PDF's bytes (the last one, as a PDF update would add it).

    Returns None when the bytes hold none: not a kintrace dossier, or its metadata destroyed.

    >>> s = Stamp("D-AB12CD34", "3f2a0c1d", datetime(2026, 3, 4, 5, 6, 7), "ab" * 32)
    >>> read_stamp(b"%PDF-1.3 ... /Subject (" + s.subject().encode() + b") ...") == s
    True
    >>> read_stamp(b"%PDF-1.3 nothing here") is None
    True
    """
    found = list(_SUBJECT.finditer(data))
    if not found:
        return None
    last = found[-1]
    return Stamp(
        code=last["code"].decode(),
        instance_id=last["instance"].decode(),
        made_at=datetime.fromisoformat(last["made"].decode()),
        content_sha256=last["content"].decode(),
    )
