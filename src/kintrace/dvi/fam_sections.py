"""The ``[DVI]`` section of a Familias ``.fam`` file as a tree of headings and ``Key= value``.

Familias writes its DVI data as headings whose number of brackets is their depth
(``[[Unidentified persons]]``, ``[[[Person 1 ]]]``, ...) and ``Key= value`` lines belonging to
the heading above them. :func:`parse_sections` turns those lines into a tree of
:class:`Section` (each keeps its line number); :class:`SectionReader` reads it with errors that
name the file, the line and what was expected. What the sections mean is
:mod:`kintrace.dvi.familias`'s business.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from kintrace.errors import SourceFormatError

_HEADING = re.compile(r"^(\[+)([^\[\]]*)(\]+)$")
FREE_TEXT = frozenset({"Notes"})
"""Sections whose lines are free text (skipped, not read as ``Key= value``)."""


@dataclass
class Section:
    """One heading: its title, depth (brackets), line, ``(key, value, line)`` entries, children."""

    title: str
    depth: int
    line: int
    entries: list[tuple[str, str, int]] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)


def expected(source: str, line: int, what: str, found: str) -> SourceFormatError:
    """Return the error ``source:line: expected WHAT, found 'FOUND'``."""
    return SourceFormatError(f"{source}:{line}: expected {what}, found {found!r}")


def parse_sections(lines: Sequence[str], start: int, source: str) -> Section:
    """Read the section whose one-bracket heading is ``lines[start]`` into a tree.

    The section ends at the next one-bracket heading or at the end of the lines; blank lines
    are skipped. Lines are expected stripped.

    >>> root = parse_sections(["[DVI]", "[[A]]", "n= 1", "[[[B 1 ]]]", "Name= x y", "[C]"], 0, "f")
    >>> [(c.title, c.entries) for c in root.children], root.children[0].children[0].entries
    ([('A', [('n', '1', 3)])], [('Name', 'x y', 5)])
    """
    root = Section(lines[start].strip("[]").strip(), 1, start + 1)
    stack = [root]
    for n in range(start + 1, len(lines)):
        raw = lines[n]
        if not raw:
            continue
        heading = _HEADING.match(raw)
        if heading:
            depth = len(heading.group(1))
            if len(heading.group(3)) != depth:
                raise expected(source, n + 1, "a heading with as many ']' as '['", raw)
            if depth == 1:
                break
            if depth > stack[-1].depth + 1:
                raise expected(
                    source, n + 1, f"a heading of at most {stack[-1].depth + 1} brackets", raw
                )
            while stack[-1].depth >= depth:
                stack.pop()
            section = Section(heading.group(2).strip(), depth, n + 1)
            stack[-1].children.append(section)
            stack.append(section)
            continue
        key, eq, value = raw.partition("=")
        if not eq:
            if any(s.title in FREE_TEXT for s in stack):
                continue
            raise expected(source, n + 1, "'Key= value' or a bracketed heading", raw)
        stack[-1].entries.append((key.strip(), value.strip().strip('"'), n + 1))
    return root


class SectionReader:
    """Reads a section tree: children by title, entries in order, counts of subsections."""

    def __init__(self, source: str) -> None:
        self.source = source

    def child(self, section: Section, title: str) -> Section:
        """Return the first child section of this title (any case)."""
        for c in section.children:
            if c.title.lower() == title.lower():
                return c
        found = ", ".join(f"[{c.title}]" for c in section.children) or "none"
        raise SourceFormatError(
            f"{self.source}:{section.line}: expected a [{title}] section inside "
            f"[{section.title}], found {found}"
        )

    def value(self, section: Section, key: str, index: int = 0) -> tuple[str, int]:
        """Return the value and line of the section's ``index``-th entry, which must be ``key``."""
        if index < len(section.entries) and section.entries[index][0] == key:
            return section.entries[index][1], section.entries[index][2]
        if index < len(section.entries):
            k, v, line = section.entries[index]
            raise expected(self.source, line, f"{key}= ...", f"{k}= {v}")
        raise SourceFormatError(
            f"{self.source}:{section.line}: [{section.title}]: expected {key}= ..., "
            "found the end of the section"
        )

    def integer(self, section: Section, key: str, index: int = 0) -> tuple[int, int]:
        """Return the whole number and line of the ``index``-th entry, which must be ``key``."""
        text, line = self.value(section, key, index)
        try:
            return int(text), line
        except ValueError:
            raise expected(self.source, line, f"{key}= a whole number", f"{key}= {text}") from None

    def count(self, section: Section, key: str, what: str) -> int:
        """Read ``key= n`` (the first entry) and check that ``n`` subsections follow."""
        n, line = self.integer(section, key)
        if n != len(section.children):
            raise SourceFormatError(
                f"{self.source}:{line}: {key}= {n}, but {len(section.children)} {what} "
                f"section(s) follow in [{section.title}]"
            )
        return n

    def no_more(self, section: Section, used: int, what: str) -> None:
        """Raise when the section has entries after the first ``used`` ones."""
        if len(section.entries) > used:
            key, value, line = section.entries[used]
            raise expected(self.source, line, what, f"{key}= {value}")
