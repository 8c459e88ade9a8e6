"""Read account requests from a JSON, JSON-lines or TOML file, strictly.

Shapes accepted (the spec's AccountRequest field names; base64 for custom_logo, pinned CAs,
client certificates and keys; no convenience keys):

- one AccountRequest: a JSON object, or a TOML document whose keys are AccountRequest fields;
- a batch: a JSON array of objects, JSON lines (one object per line), or TOML ``[[accounts]]``.

Nothing here touches the network. Problems raise InputError with ``file:line`` for syntax
errors and ``field.path: message`` for validation errors (all of them, not just the first).
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any


from ccm_tui.cli.input_error import InputError  # noqa: E402 - re-exported (its old home)


@dataclass(frozen=True)
class AccountFile:
    source: str  # the file name as given, for messages
    entries: list[dict[str, Any]]
    is_batch: bool
    lines: tuple[int, ...] = ()  # JSON lines: the line of each entry, for messages


def read_request_text(path: str) -> tuple[str, str]:
    """The file's text: its size is checked before reading, and at most the limit + 1 byte
    is read (also from stdin), so a huge file costs no memory."""
    from ccm_tui.files import (
        ACCOUNT_FILE_MAX_BYTES,
        read_limited,
        read_user_file,
        too_big_message,
    )

    if path == "-":
        stream = getattr(sys.stdin, "buffer", None)
        if stream is not None:
            data = read_limited(stream, ACCOUNT_FILE_MAX_BYTES)
        else:  # a text-only stdin (tests, embedding): characters, at most limit + 1 of them
            data = sys.stdin.read(ACCOUNT_FILE_MAX_BYTES + 1).encode("utf-8", "surrogateescape")
        if len(data) > ACCOUNT_FILE_MAX_BYTES:
            raise InputError(
                [f"--from: <stdin> {too_big_message(None, ACCOUNT_FILE_MAX_BYTES)}"]
            )
        name = "<stdin>"
    else:
        def refuse(reason: str, message: str) -> InputError:
            return InputError([f"--from: {message}"])

        _, data = read_user_file(path, "a JSON or TOML", refuse, limit=ACCOUNT_FILE_MAX_BYTES)
        name = path
    try:
        return name, data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError([f"--from: {name} is not UTF-8 text"]) from None


def _load_toml(name: str, text: str) -> AccountFile:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        text_msg = str(exc)
        m = re.search(r"\s*\(at line (\d+), column (\d+)\)", text_msg)
        if m:
            where = f"{name}:{m.group(1)}:{m.group(2)}"
            text_msg = text_msg[: m.start()] + text_msg[m.end():]
        else:
            where = name
        raise InputError([f"{where}: invalid TOML: {text_msg}"]) from None
    if "accounts" in data:
        extra = sorted(k for k in data if k != "accounts")
        if extra:
            raise InputError([f"{name}: {extra[0]}: is not allowed beside [[accounts]]; "
                              "put every field inside an [[accounts]] table"])
        items = data["accounts"]
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise InputError([f"{name}: accounts: must be an array of tables ([[accounts]])"])
        return AccountFile(name, items, True)
    return AccountFile(name, [data], False)


def _json_error(name: str, exc: json.JSONDecodeError, line_offset: int = 0) -> InputError:
    return InputError([f"{name}:{exc.lineno + line_offset}:{exc.colno}: invalid JSON: {exc.msg}"])


def _load_json_lines(name: str, text: str) -> AccountFile:
    entries: list[Any] = []
    numbers: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entries.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise _json_error(name, exc, number - 1) from None
        numbers.append(number)
    return AccountFile(name, entries, True, tuple(numbers))


def _load_json(name: str, text: str) -> AccountFile:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":  # several documents: JSON lines
            return _load_json_lines(name, text)
        raise _json_error(name, exc) from None
    if isinstance(data, list):
        return AccountFile(name, data, True)
    return AccountFile(name, [data], False)


def load_account_file(path: str) -> AccountFile:
    """Parse the file into raw entries (no model validation yet)."""
    name, text = read_request_text(path)
    suffix = Path(path).suffix.lower()
    if suffix == ".toml":
        parsed = _load_toml(name, text)
    elif suffix in {".jsonl", ".ndjson"}:
        parsed = _load_json_lines(name, text)
    else:
        parsed = _load_json(name, text)
    if not parsed.entries:
        raise InputError([f"{name}: holds no accounts"])
    return parsed


def build_requests(parsed: AccountFile, *, logo_b64: str | None = None) -> list[Any]:
    """Validate every entry as an AccountRequest. Raises InputError listing every problem."""
    from ccm_tui.service.account_form import validate_request

    requests = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    def where(index: int) -> str:
        """'many.jsonl:3' for JSON lines (the line an operator opens), else the file."""
        if index < len(parsed.lines):
            return f"{parsed.source}:{parsed.lines[index]}"
        return parsed.source

    def entry_name(index: int) -> str:
        if index < len(parsed.lines):
            return f"line {parsed.lines[index]}"
        return f"accounts[{index}]"

    for index, entry in enumerate(parsed.entries):
        prefix = f"accounts[{index}]." if parsed.is_batch and not parsed.lines else ""
        if not isinstance(entry, dict):
            what = entry_name(index) if parsed.is_batch else "the file"
            if parsed.lines:
                problems.append(f"{where(index)}: must be an object (AccountRequest)")
            else:
                problems.append(f"{parsed.source}: {what}: must be an object (AccountRequest)")
            continue
        if logo_b64 is not None:
            entry = {**entry, "custom_logo": logo_b64}
        req, errors = validate_request(entry)
        if req is None:
            for err in errors:
                field = f"{prefix}{err.field}" if err.field else prefix.rstrip(".") or "(body)"
                problems.append(f"{where(index)}: {field}: {err.message}")
            continue
        key = req.name.strip()
        if key in seen:
            problems.append(
                f"{where(index)}: {prefix}name: {req.name!r} appears more than once in this "
                f"file (also {entry_name(seen[key])}); account names must be unique"
            )
            continue
        seen[key] = index
        requests.append(req)
    if problems:
        raise InputError(problems)
    return requests
