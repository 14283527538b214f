"""Typed identifiers, so that a PersonId is never passed where a CaseId belongs."""

from typing import NewType

PersonId = NewType("PersonId", int)
CaseId = NewType("CaseId", int)
ReportId = NewType("ReportId", int)
SourceId = NewType("SourceId", int)
InquirerId = NewType("InquirerId", int)
UserId = NewType("UserId", int)
RegionId = NewType("RegionId", int)
SampleCode = NewType("SampleCode", str)
