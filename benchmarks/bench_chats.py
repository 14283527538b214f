"""Benchmark: read a Telegram export and find the soldiers its messages mention (prints figures).

Run: ``uv run python benchmarks/bench_chats.py [MESSAGES] [--seed N]`` (default 20,000). A
seeded synthetic chat (Russian and Ukrainian messages in the shapes of relatives' groups:
searches with a name, birth year, unit, date and place, news of a fate, thanks, scams, text
entities, service messages) is written as ``result.json``; the benchmark times reading it
(:func:`kintrace.chats.telegram.read_export`) and extracting every mention
(:func:`kintrace.chats.extract.extract_mentions`) plus the scam signals, and prints messages
per second, mentions found and the peak resident memory. The database side (storing and
linking the mentions) is the list import's and is measured by ``bench_lists.py``.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import tempfile
import time
from pathlib import Path

from kintrace.chats.extract import extract_mentions
from kintrace.chats.names import analyzers
from kintrace.chats.scam import scam_signals
from kintrace.chats.telegram import read_export

SURNAMES = [
    ("Иванова", "Сергея", "Петровича"),
    ("Коваленко", "Андрея", "Викторовича"),
    ("Смирнова", "Дениса", "Олеговича"),
    ("Мельника", "Павла", "Юрьевича"),
    ("Гайдая", "Игоря", "Николаевича"),
    ("Кузнецова", "Алексея", "Ивановича"),
]
UKRAINIAN = [
    ("Петренка", "Олександра", "Івановича"),
    ("Шевченка", "Тараса", "Григоровича"),
    ("Бондаренка", "Василя", "Миколайовича"),
    ("Ковальчука", "Андрія", "Петровича"),
]
PLACES = ["под Бахмутом", "в районе Авдеевки", "под Угледаром", "в районе Работино", "у с. Крынки"]
PLACES_UK = ["біля Бахмута", "в районі Авдіївки", "біля Вугледара", "під Кліщіївкою"]
MONTHS = ["января", "февраля", "марта", "апреля", "мая", "июня"]
MONTHS_UK = ["січня", "лютого", "березня", "квітня", "травня", "червня"]
OTHER = ["Всем добрый вечер, держитесь!", "Спасибо всем за поддержку", "Новостей пока нет",
         "Дякую всім, тримаймося", "Кто-нибудь знает, когда будет обмен?"]  # fmt: skip


def message(rng: random.Random, index: int) -> dict[str, object]:
    """Return one synthetic message of a relatives' group."""
    roll = rng.random()
    date = f"2024-{rng.randint(1, 6):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:00:00"
    if roll < 0.05:
        return {"id": index, "type": "service", "date": date, "action": "join_group_by_link",
                "text": ""}  # fmt: skip
    if roll < 0.35:
        s, g, p = rng.choice(SURNAMES)
        text: object = [
            "Ищем ", {"type": "bold", "text": f"{s} {g} {p}"},
            f", {rng.randint(1970, 2004)} г.р., в/ч {rng.randint(10000, 99999)}, пропал "
            f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {rng.choice(PLACES)}.",
        ]  # fmt: skip
    elif roll < 0.55:
        s, g, p = rng.choice(UKRAINIAN)
        text = (
            f"Шукаємо {s} {g} {p} {rng.randint(1970, 2004)} р.н., {rng.randint(10, 155)} ОМБр, "
            f"зник безвісти {rng.randint(1, 28)} {rng.choice(MONTHS_UK)} {rng.choice(PLACES_UK)}"
        )
    elif roll < 0.65:
        s, g, _ = rng.choice(SURNAMES)
        text = f"{s} {g} видели на видео, в плену. Храни его Бог"
    elif roll < 0.68:
        text = (
            "Есть информация о вашем сыне, он в плену. Переведите 5000 на карту 4111 1111 1111 1111"
        )
    else:
        text = rng.choice(OTHER)
    return {"id": index, "type": "message", "date": date, "from": f"user {index % 500}",
            "text": text}  # fmt: skip


def main() -> None:
    """Write the synthetic export, read it and extract every mention; print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("messages", nargs="?", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    data = {"name": "Ищем своих", "type": "private_supergroup", "id": 1,
            "messages": [message(rng, i) for i in range(1, args.messages + 1)]}  # fmt: skip
    started = time.perf_counter()
    analyzers()
    loaded = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "result.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        size = path.stat().st_size
        started = time.perf_counter()
        messages = read_export(path)
        read = time.perf_counter() - started
    started = time.perf_counter()
    mentions = scams = 0
    for m in messages:
        mentions += len(extract_mentions(m.text, posted=m.posted_at))
        scams += bool(scam_signals(m.text))
    extracted = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"messages: {len(messages):,} read ({size / 2**20:.1f} MiB file)")
    print(f"dictionaries loaded: {loaded:.2f} s")
    print(f"read and checked: {read:.2f} s ({len(messages) / read:,.0f} messages/s)")
    print(f"mentions found: {mentions:,}; scam messages: {scams:,}")
    print(f"extraction: {extracted:.2f} s ({len(messages) / extracted:,.0f} messages/s)")
    print(f"peak memory: {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
