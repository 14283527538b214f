"""Typed identifiers, so that a PersonId is never passed where a CaseId belongs."""

from collections.abc import Sequence
from typing import NewType

PersonId = NewType("PersonId", int)
CaseId = NewType("CaseId", int)
ReportId = NewType("ReportId", int)
SourceId = NewType("SourceId", int)
InquirerId = NewType("InquirerId", int)
UserId = NewType("UserId", int)
RegionId = NewType("RegionId", int)
SampleCode = NewType("SampleCode", str)


def id_list(ids: int | Sequence[int]) -> list[int]:
    """One id, or several (a person and those merged into him), as a list.

    >>> id_list(7), id_list((7, 9))
    ([7], [7, 9])
    """
    return [ids] if isinstance(ids, int) else list(ids)
