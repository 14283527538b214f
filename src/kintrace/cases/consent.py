"""What a relative agreed to share, and with whom: the pure rules. No I/O.

A relative (an *inquirer*) chooses the scopes of :class:`~kintrace.cases.model.ConsentScope`
with which their request, their contacts and the reports they gave may be shared: other
relatives of the same person, the authorities, the Red Cross, the DNA laboratory. The choice
can change at any time; each change is kept (``consent_changes``, see
:mod:`kintrace.cases.consent_service`), and the newest one is in force.

:func:`consented_view` is the one rule every export to a partner applies (``kintrace
export --partner``, the API's ``?partner=``, the PFIF export): an item a relative gave goes
to a partner only if that relative's consent in force names the partner's scope; items no
relative gave (a list's row, an authority's letter, a desk's own finding) are not theirs to
withhold. The person's own details go when no relative asked for him (he is known from lists
and authorities) or when at least one of the relatives who asked consented: a person whose
every asking relative said no is left out, since that he is sought is their information.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from kintrace.cases.model import ConsentScope
from kintrace.errors import InvalidInput

PARTNER_SCOPES = (ConsentScope.AUTHORITIES, ConsentScope.RED_CROSS, ConsentScope.DNA_LABORATORY)
"""The scopes that are partners outside kintrace (other relatives are inside it)."""

T = TypeVar("T")


def parse_scopes(text: str) -> frozenset[ConsentScope]:
    """Read stored scopes (comma-separated); an unknown word is an error, not a silent no.

    >>> sorted(parse_scopes("red_cross,authorities"))
    [<ConsentScope.AUTHORITIES: 'authorities'>, <ConsentScope.RED_CROSS: 'red_cross'>]
    >>> parse_scopes("")
    frozenset()
    """
    scopes = set()
    for word in filter(None, (w.strip() for w in text.split(","))):
        try:
            scopes.add(ConsentScope(word))
        except ValueError as error:
            raise InvalidInput(f"field 'consent': {word[:40]!r} is not a consent scope") from error
    return frozenset(scopes)


def format_scopes(scopes: Iterable[ConsentScope]) -> str:
    """Write scopes as stored: sorted, comma-separated.

    >>> format_scopes({ConsentScope.RED_CROSS, ConsentScope.AUTHORITIES})
    'authorities,red_cross'
    """
    return ",".join(sorted(s.value for s in scopes))


@dataclass(frozen=True, slots=True)
class ConsentedView(Generic[T]):
    """What of one person's case may go to a partner.

    ``person``: whether his own details may go; ``items``: the requests or reports that may
    go, in the order given; ``withheld``: how many were left out (a count, so that a partner
    can be told that something was withheld without being told what).
    """

    person: bool
    items: tuple[T, ...]
    withheld: int


def consented_view(
    items: Iterable[T],
    *,
    given_by: Callable[[T], int | None],
    consents: Mapping[int, frozenset[ConsentScope]],
    scope: ConsentScope,
) -> ConsentedView[T]:
    """Keep of one person's ``items`` what may be shared within ``scope``.

    ``given_by(item)`` is the inquirer (the relative) who gave the item, or None when no
    relative gave it; ``consents`` the consent in force of every inquirer of the person
    (:func:`kintrace.cases.consent_service.consents_of`). An item a relative gave is kept
    only if that relative's consent names ``scope``; an inquirer missing from ``consents``
    counts as having agreed to nothing.

    >>> consents = {1: frozenset({ConsentScope.RED_CROSS}), 2: frozenset()}
    >>> view = consented_view(
    ...     [("call", 1), ("letter", None), ("message", 2)],
    ...     given_by=lambda item: item[1],
    ...     consents=consents,
    ...     scope=ConsentScope.RED_CROSS,
    ... )
    >>> view.person, [name for name, _ in view.items], view.withheld
    (True, ['call', 'letter'], 1)
    >>> consented_view([], given_by=lambda i: i, consents={2: frozenset()},
    ...                scope=ConsentScope.AUTHORITIES).person
    False
    """
    kept: list[T] = []
    withheld = 0
    for item in items:
        inquirer = given_by(item)
        if inquirer is None or scope in consents.get(inquirer, frozenset()):
            kept.append(item)
        else:
            withheld += 1
    person = not consents or any(scope in s for s in consents.values())
    return ConsentedView(person, tuple(kept), withheld)
