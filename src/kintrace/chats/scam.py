"""Known scam patterns of relatives' chat groups. Pure.

Families of the missing are a target: a stranger writes that he "has information" about the
son, or "will find him" or "get him on the exchange list", for money sent first to a card or
a crypto wallet (the authorities that handle prisoners of war and the Red Cross say that
they never charge families for information or for a place on an exchange list). A message
that asks for money is flagged here and never counts as evidence: an analyst may only
reject it.

Signals (each has a name, shown to the analyst):

- ``card_number``: 16 digits (spaces or hyphens allowed between groups of four) that pass
  the Luhn check (ISO/IEC 7812-1, annex B), as every payment card number does;
- ``crypto_wallet``: a Bitcoin address (base58 ``1``/``3`` or bech32 ``bc1``), an Ethereum
  address (``0x`` + 40 hex digits) or a TRON address (``T`` + 33 base58 characters);
- ``payment_request``: words asking for money — «переведите», «оплатите», «предоплата»,
  «за информацию», «скиньте», «переведіть», «оплатіть», «за інформацію», «вознаграждение»,
  «винагорода»...;
- ``pay_and_we_find``: a promise to find a man or put him on a list for money («заплатите и
  мы найдём», «за деньги внесём в списки на обмен», «допоможемо за винагороду»).
"""

from __future__ import annotations

import re

_CARD = re.compile(r"(?<![\d])(\d{4})[ -]?(\d{4})[ -]?(\d{4})[ -]?(\d{4})(?![\d])")
_WALLETS = re.compile(
    r"\b(?:bc1[02-9ac-hj-np-z]{25,59}|[13][1-9A-HJ-NP-Za-km-z]{25,34}|0x[0-9a-fA-F]{40}"
    r"|T[1-9A-HJ-NP-Za-km-z]{33})\b"
)
_PAYMENT = re.compile(
    r"переведите|перевести\s+деньги|оплатите|предоплат|передоплат|за\s+информаци|"
    r"за\s+інформаці|скиньте|скиньте\s+на\s+карт|на\s+картку|вознагражд|винагород|"
    r"переведіть|оплатіть|заплатите|заплатіть|сколько\s+стоит\s+информац|платн\w+\s+информац|"
    r"usdt|биткоин|біткоїн|криптовалют",
    re.IGNORECASE,
)
_PAY_AND_FIND = re.compile(
    r"(?:заплат|оплат|переве|за\s+деньги|за\s+гроші|за\s+плату|за\s+вознагражд|за\s+винагород)"
    r"[^.!?\n]{0,80}(?:найд[её]м|найдем|знайдемо|вытащим|витягнемо|внес[её]м\s+в\s+списки|"
    r"внесемо\s+до\s+списк|включим\s+в\s+обмен|на\s+обмін|на\s+обмен)"
    r"|(?:найд[её]м|знайдемо|вытащим|внес[её]м\s+в\s+списки)[^.!?\n]{0,80}"
    r"(?:заплат|оплат|за\s+деньги|за\s+гроші|за\s+вознагражд|за\s+винагород|предоплат)",
    re.IGNORECASE,
)


def luhn_valid(digits: str) -> bool:
    """Tell whether a string of digits passes the Luhn check (ISO/IEC 7812-1).

    >>> luhn_valid("4111111111111111"), luhn_valid("4111111111111112")
    (True, False)
    """
    if not digits.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def scam_signals(text: str) -> list[str]:
    """Return the names of the scam signals a message shows, in a fixed order (none: ``[]``).

    >>> scam_signals("Есть информация о сыне. Переведите 5000 на карту 4111 1111 1111 1111")
    ['card_number', 'payment_request']
    >>> scam_signals("Ищем Иванова Сергея, пропал под Бахмутом 12.03.2023")
    []
    """
    found: list[str] = []
    if any(luhn_valid("".join(m.groups())) for m in _CARD.finditer(text)):
        found.append("card_number")
    if _WALLETS.search(text):
        found.append("crypto_wallet")
    if _PAYMENT.search(text):
        found.append("payment_request")
    if _PAY_AND_FIND.search(text):
        found.append("pay_and_we_find")
    return found


def is_scam(text: str) -> bool:
    """Tell whether a message shows any scam signal (it then never counts as evidence)."""
    return bool(scam_signals(text))
