"""Scam signals: money asked for information, card numbers, wallets, 'pay and we find him'."""

from __future__ import annotations

import pytest

from kintrace.chats.scam import is_scam, luhn_valid, scam_signals


@pytest.mark.parametrize(
    ("number", "valid"),
    [("4111111111111111", True), ("5500005555555559", True), ("4111111111111112", False),
     ("1234", False), ("", False), ("4111 1111", False)],
)  # fmt: skip
def test_luhn(number: str, valid: bool) -> None:
    assert luhn_valid(number) is valid


@pytest.mark.parametrize(
    ("text", "signals"),
    [
        ("Переведите 5000 на карту 4111 1111 1111 1111", ["card_number", "payment_request"]),
        ("карта 4111-1111-1111-1111", ["card_number"]),
        ("номер 4111 1111 1111 1112, звоните", []),  # fails Luhn: a phone, an order number
        ("USDT TRC20: TJRyWwFs9wTFGZg3JbrVriFbNfCug5tDeC", ["crypto_wallet", "payment_request"]),
        ("0x52908400098527886E0F7030069857D2E4169EE7", ["crypto_wallet"]),
        ("Есть информация, но за информацию надо заплатить", ["payment_request"]),
        ("Оплатіть 3000 грн і ми знайдемо вашого сина", ["payment_request", "pay_and_we_find"]),
        ("Заплатите, и мы найдём его в списках", ["payment_request", "pay_and_we_find"]),
        ("Внесём в списки на обмен за деньги", ["pay_and_we_find"]),
        ("Ищем Иванова Сергея, пропал 12.03.2023 под Бахмутом", []),
        ("показали на карту, где их видели", []),
    ],
)
def test_scam_signals(text: str, signals: list[str]) -> None:
    assert scam_signals(text) == signals
    assert is_scam(text) is bool(signals)
