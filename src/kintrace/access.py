"""Who may see and do what. Pure: the services apply it to every query and change.

- ``relative``: only the persons of their own tracing requests.
- ``operator``: the persons of their region's desk.
- ``analyst``, ``reviewer``, ``administrator``: every person.
- ``dna_lab``: sample codes only, never names or persons.
- ``public``: aggregate figures only.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kintrace.errors import Forbidden


class Role(StrEnum):
    """A role a user has (one per user)."""

    RELATIVE = "relative"
    OPERATOR = "operator"
    ANALYST = "analyst"
    DNA_LAB = "dna_lab"
    REVIEWER = "reviewer"
    ADMINISTRATOR = "administrator"
    PUBLIC = "public"


ROLE_DESCRIPTIONS: dict[Role, str] = {
    Role.RELATIVE: "files tracing requests, adds what they learn, follows their own cases",
    Role.OPERATOR: "regional desk: takes requests, records reports, works the region's list",
    Role.ANALYST: "imports lists, reviews matches and status changes",
    Role.DNA_LAB: "records profiles under codes only, runs kinship matching",
    Role.REVIEWER: "confirms or rejects proposed identifications and status changes",
    Role.ADMINISTRATOR: "users, roles, regions, sources, settings",
    Role.PUBLIC: "aggregate figures only",
}

SEES_ALL_PERSONS = frozenset({Role.ANALYST, Role.REVIEWER, Role.ADMINISTRATOR})
MAY_RECORD_REPORTS = frozenset({Role.OPERATOR, Role.ANALYST, Role.ADMINISTRATOR, Role.RELATIVE})
MAY_RECORD_OFFICIAL = frozenset({Role.OPERATOR, Role.ANALYST, Role.ADMINISTRATOR})
"""Who records official statuses and requests to authorities, and their answers."""
MAY_GRADE_SOURCES = frozenset({Role.ANALYST, Role.ADMINISTRATOR})
"""Who may change a source's reliability."""


@dataclass(frozen=True, slots=True)
class Viewer:
    """The signed-in user as the services see them."""

    user_id: int | None
    role: Role
    region_id: int | None = None
    display_name: str = ""

    @property
    def sees_persons(self) -> bool:
        """Say whether this role may see persons at all."""
        return self.role not in {Role.DNA_LAB, Role.PUBLIC}

    def require(self, allowed: frozenset[Role], what: str) -> None:
        """Raise Forbidden unless the viewer's role is one of ``allowed``."""
        if self.role not in allowed:
            raise Forbidden(f"a {self.role.value} may not {what}")


SYSTEM = Viewer(user_id=None, role=Role.ADMINISTRATOR, display_name="system")
"""The viewer of CLI commands run by the machine's operator."""
