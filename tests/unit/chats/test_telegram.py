"""Reading Telegram Desktop exports: both shapes, text entities, service messages, bad files."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kintrace.chats.telegram import parse_export, plain_text, read_export
from kintrace.errors import SourceFormatError

EXPORT = Path(__file__).parent / "result.json"


def test_a_single_chat_export_gives_its_messages_without_the_service_ones() -> None:
    messages = read_export(EXPORT)
    assert [m.message_id for m in messages] == [2, 3, 4, 5, 6, 8, 9, 10, 11]
    second = messages[0]
    assert second.chat_name == "Ищем своих | Шукаємо своїх"
    assert second.posted_at == datetime(2024, 2, 1, 9, 15, 42)
    assert second.sender == "Мария К."
    assert second.text.startswith("Ищем Иванова Сергея Петровича, 1995 г.р.")
    assert messages[7].sender == ""  # a deleted account: from is null
    assert messages[7].text == "https://t.me/example"


def test_a_full_export_gives_the_messages_of_every_chat_with_its_id() -> None:
    chat = {
        "id": 77,
        "name": "Родные 93",
        "type": "public_supergroup",
        "messages": [
            {"id": 5, "type": "message", "date": "2023-05-01T10:00:00", "from": "A", "text": "x"}
        ],
    }
    left = {
        "id": 78,
        "name": "Старый чат",
        "messages": [
            {"id": 5, "type": "message", "date": "2023-05-02T10:00:00", "from": "B", "text": "y"}
        ],
    }
    data = {
        "about": "...",
        "chats": {"about": "...", "list": [chat]},
        "left_chats": {"list": [left]},
    }
    messages = parse_export(data)
    assert [(m.chat_id, m.message_id, m.chat_name, m.text) for m in messages] == [
        (77, 5, "Родные 93", "x"), (78, 5, "Старый чат", "y")
    ]  # fmt: skip


def test_text_entities_are_joined() -> None:
    parts = ["Ищем ", {"type": "bold", "text": "Иванова"}, {"type": "link", "text": " t.me/x"}]
    assert plain_text(parts) == "Ищем Иванова t.me/x"
    assert plain_text([{"type": "bold"}]) is None


def _write(tmp_path: Path, content: str | bytes) -> Path:
    path = tmp_path / "result.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"messages": [', "result.json: line 1, column 15: not JSON"),
        (b"\xff\xfe{}", "not UTF-8"),
        ("[1, 2]", "not a Telegram export (expected a JSON object)"),
        ('{"name": "x"}', "no 'messages' list and no 'chats.list'"),
        ('{"messages": {}}', "field 'messages': expected a list"),
        ('{"messages": [{"id": "7", "date": "2024-01-01T00:00:00", "text": ""}]}',
         "message #1: field 'id'"),
        ('{"messages": [{"id": 7, "date": "yesterday", "text": ""}]}',
         "message 7: field 'date'"),
        ('{"messages": [{"id": 7, "date": "2024-01-01T00:00:00", "text": 5}]}',
         "message 7: field 'text'"),
        ('{"messages": [{"id": 7, "date": "2024-01-01T00:00:00", "text": "", "from": 1}]}',
         "message 7: field 'from'"),
        ('{"messages": [3]}', "message #1: not an object"),
    ],
)  # fmt: skip
def test_a_bad_file_is_one_clear_error_naming_the_message_and_field(
    tmp_path: Path, content: str | bytes, message: str
) -> None:
    with pytest.raises(SourceFormatError) as caught:
        read_export(_write(tmp_path, content))
    assert message in " ".join([str(caught.value), *caught.value.problems])


def test_every_bad_message_is_named(tmp_path: Path) -> None:
    items = [{"id": i, "date": "bad", "text": ""} for i in range(1, 4)]
    with pytest.raises(SourceFormatError) as caught:
        parse_export({"messages": items})
    assert [p.split(": ")[1] for p in caught.value.problems] == [
        "message 1", "message 2", "message 3"
    ]  # fmt: skip


def test_the_same_id_twice_in_one_chat_is_an_error() -> None:
    item = {"id": 4, "date": "2024-01-01T00:00:00", "text": "a"}
    with pytest.raises(SourceFormatError, match="message 4: field 'id'"):
        parse_export({"messages": [item, item]})


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(SourceFormatError, match="no such file"):
        read_export(tmp_path / "nothing.json")


def test_a_byte_order_mark_is_allowed(tmp_path: Path) -> None:
    data = {"messages": [{"id": 1, "date": "2024-01-01T00:00:00", "text": "a"}]}
    path = _write(tmp_path, b"\xef\xbb\xbf" + json.dumps(data).encode())
    assert [m.message_id for m in read_export(path)] == [1]


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=20,
)
_message = st.fixed_dictionaries(
    {},
    optional={
        "id": st.integers(-3, 10**12) | _json,
        "type": st.sampled_from(["message", "service"]) | _json,
        "date": st.sampled_from(["2024-01-01T10:00:00", "2024-13-01T00:00:00", ""]) | _json,
        "from": st.none() | st.text(max_size=8) | _json,
        "text": st.text(max_size=20)
        | st.lists(st.text(max_size=5) | st.fixed_dictionaries({"type": st.text(max_size=4),
                                                                "text": st.text(max_size=5)}))
        | _json,
    },
)  # fmt: skip
_export = (
    _json
    | st.fixed_dictionaries({"messages": st.lists(_message | _json, max_size=5) | _json})
    | st.fixed_dictionaries(
        {"chats": st.fixed_dictionaries({"list": st.lists(
            st.fixed_dictionaries({"id": _json, "messages": st.lists(_message, max_size=3)}),
            max_size=3)}) | _json}
    )
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(_export)
def test_any_json_is_read_or_refused_with_a_clear_error(data: object) -> None:
    try:
        messages = parse_export(data)
    except SourceFormatError as error:
        assert str(error)
        return
    for message in messages:
        assert isinstance(message.message_id, int) and isinstance(message.text, str)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_are_read_or_refused_with_a_clear_error(raw: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "result.json"
        path.write_bytes(raw)
        try:
            read_export(path)
        except SourceFormatError as error:
            assert "result.json" in str(error)
