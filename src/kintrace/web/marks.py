"""The gettext mark of a text that is translated where it is shown, not where it is written.

Kept apart from :mod:`kintrace.web.i18n` so that the lists of marked texts
(:mod:`kintrace.web.messages`) can be read by ``i18n`` without an import cycle.
"""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for a marked, untranslated text
    """Mark a text for the catalogues; it is translated where it is shown."""
    return message
