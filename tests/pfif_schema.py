"""Validate a PFIF file against tests/data/pfif-1.4.xsd.

Two checks must agree that a file is valid: lxml's full XML Schema validator (lxml is a
development dependency), and a reading of the part of XML Schema the schema uses: the root
element, a choice of records, each record's sequence of fields (order, minOccurs, maxOccurs),
and the simple types of the values (patterns, enumerations, xs:boolean, xs:dateTime), whose
messages name the record and field.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # noqa: S405 - our own schema and our own output
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from lxml import etree  # type: ignore[import-untyped]

XS = "{http://www.w3.org/2001/XMLSchema}"
SCHEMA = Path(__file__).parent / "data" / "pfif-1.4.xsd"


@dataclass(frozen=True)
class Particle:
    name: str
    type: str
    min: int
    max: float


@dataclass(frozen=True)
class Simple:
    base: str
    patterns: tuple[str, ...]
    values: tuple[str, ...] | None


def _occurs(element: ET.Element) -> tuple[int, float]:
    high = element.get("maxOccurs", "1")
    return int(element.get("minOccurs", "1")), float("inf") if high == "unbounded" else int(high)


def _local(name: str) -> str:
    return name.split(":", 1)[1] if name.startswith("pfif:") else name


class Schema:
    def __init__(self, path: Path = SCHEMA) -> None:
        root = ET.parse(path).getroot()  # noqa: S314 - our own file
        self.namespace = root.get("targetNamespace", "")
        self.complex: dict[str, list[Particle]] = {}
        self.simple: dict[str, Simple] = {}
        for item in root.findall(f"{XS}complexType"):
            sequence = item.find(f"{XS}sequence")
            assert sequence is not None
            self.complex[item.get("name", "")] = [
                Particle(e.get("name", ""), _local(e.get("type", "")), *_occurs(e))
                for e in sequence.findall(f"{XS}element")
            ]
        for item in root.findall(f"{XS}simpleType"):
            restriction = item.find(f"{XS}restriction")
            assert restriction is not None
            enums = restriction.findall(f"{XS}enumeration")
            self.simple[item.get("name", "")] = Simple(
                restriction.get("base", ""),
                tuple(p.get("value", "") for p in restriction.findall(f"{XS}pattern")),
                tuple(e.get("value", "") for e in enums) if enums else None,
            )
        top = root.find(f"{XS}element")
        assert top is not None
        self.root_name = top.get("name", "")
        choice = top.find(f"{XS}complexType/{XS}choice")
        assert choice is not None
        self.records = {e.get("name", ""): _local(e.get("type", "")) for e in choice}

    def value_problem(self, type_name: str, text: str) -> str | None:
        if type_name == "xs:string":
            return None
        if type_name == "xs:boolean":
            return None if text in ("true", "false", "1", "0") else "not a boolean"
        simple = self.simple[type_name]
        if simple.values is not None and text not in simple.values:
            return f"{text!r} not among {simple.values}"
        for pattern in simple.patterns:
            if re.fullmatch(pattern, text) is None:
                return f"{text!r} does not match {pattern}"
        if simple.base == "xs:dateTime":
            try:
                datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                return f"{text!r} is not a dateTime"
        return None

    def record_problems(self, element: ET.Element, type_name: str, where: str) -> list[str]:
        problems: list[str] = []
        particles = self.complex[type_name]
        children = list(element)
        at = 0
        for particle in particles:
            count = 0
            while at < len(children) and children[at].tag == f"{{{self.namespace}}}{particle.name}":
                child = children[at]
                if particle.type in self.complex:
                    problems += self.record_problems(
                        child, particle.type, f"{where}/{particle.name}"
                    )
                elif len(child):
                    problems.append(f"{where}/{particle.name}: holds elements")
                else:
                    problem = self.value_problem(particle.type, child.text or "")
                    if problem:
                        problems.append(f"{where}/{particle.name}: {problem}")
                count += 1
                at += 1
            if count < particle.min:
                problems.append(f"{where}: {particle.name} missing")
            if count > particle.max:
                problems.append(f"{where}: {particle.name} {count} times")
        problems += [f"{where}: unexpected or out of order {c.tag}" for c in children[at:]]
        return problems

    def problems(self, data: bytes) -> list[str]:
        root = ET.fromstring(data)  # noqa: S314 - our own output
        if root.tag != f"{{{self.namespace}}}{self.root_name}":
            return [f"root is {root.tag}"]
        problems: list[str] = []
        for index, child in enumerate(root):
            kind = child.tag.removeprefix(f"{{{self.namespace}}}")
            if kind not in self.records:
                problems.append(f"record {index}: {child.tag} is not a record")
                continue
            problems += self.record_problems(child, self.records[kind], f"{kind}[{index}]")
        return problems


def schema_problems(data: bytes) -> list[str]:
    """Return what makes a PFIF file invalid under the schema (empty: valid)."""
    problems = Schema().problems(data)
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    if not schema.validate(etree.fromstring(data)):
        problems += [f"lxml: {e.message}" for e in schema.error_log]
    return problems
