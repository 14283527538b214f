"""Seeded, realistic demo data for kintrace: fictional missing persons and their evidence."""

from kintrace.demo.generate import (
    DemoAuthorityRequest,
    DemoDataset,
    DemoPerson,
    DemoReport,
    DemoRequest,
    generate,
)

__all__ = [
    "DemoAuthorityRequest",
    "DemoDataset",
    "DemoPerson",
    "DemoReport",
    "DemoRequest",
    "generate",
]
