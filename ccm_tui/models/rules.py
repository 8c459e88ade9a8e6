"""Local rules that CCM does not publish but an operator benefits from.

Every function raises ``ValueError`` (or a :func:`~ccm_tui.models.base.located` error that
points at one list item) with a message written for an operator; pydantic adds the field's
location, and :func:`ccm_tui.models.errors.field_errors` turns that into ``field: message``.

Name rules: trimmed of surrounding blanks, not empty, no control or invisible format
characters, at most :data:`NAME_MAX_LENGTH` characters (CCM publishes no limit).
"""

from __future__ import annotations

import unicodedata
import uuid
from typing import Any
from urllib.parse import urlsplit

from ccm_tui.models.base import located

#: CCM publishes no limit; 255 is the common database column size and long enough
#: for any name an operator would type. Documented in the README.
NAME_MAX_LENGTH = 255

PCR_COUNT = 23  # azure_cvm_pcr_priority is a permutation of 0..22
_PCR_ALLOWED = f"it must list each of 0..{PCR_COUNT - 1} exactly once"

_INVISIBLE = ("Cc", "Cf", "Zl", "Zp", "Cs", "Co")


def check_name(value: str) -> str:
    name = value.strip()
    if not name:
        raise ValueError("must not be empty or only blanks; type a name for the account")
    for pos, ch in enumerate(name, start=1):
        if unicodedata.category(ch) in _INVISIBLE:
            raise ValueError(
                f"must not contain control or invisible characters (found U+{ord(ch):04X} "
                f"at position {pos}); use letters, digits, spaces and punctuation"
            )
    if len(name) > NAME_MAX_LENGTH:
        raise ValueError(
            f"is {len(name)} characters long; at most {NAME_MAX_LENGTH} are allowed"
        )
    return name


def check_https_url(value: str) -> str:
    url = value.strip()
    if not url:
        raise ValueError("must not be empty; expected an https:// URL")
    if any(ch.isspace() or unicodedata.category(ch) == "Cc" for ch in url):
        raise ValueError(
            "must not contain spaces or control characters; expected https://host/path"
        )
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError as exc:
        raise ValueError(f"is not a valid URL ({exc}); expected https://host/path") from None
    if not parts.scheme or not parts.netloc:
        raise ValueError("is not an absolute URL; expected https://host/path")
    if parts.scheme.lower() != "https":
        raise ValueError(f"must use https://, not {parts.scheme}://; expected https://host/path")
    if parts.username is not None or parts.password is not None:
        raise ValueError("must not contain a user name or password; expected https://host/path")
    if not parts.hostname:
        raise ValueError("has no host; expected https://host/path")
    return url


def check_uuid(value: str) -> str:
    try:
        uuid.UUID(value)
    except ValueError:
        raise ValueError(
            "is not an id; expected a UUID like 3fa85f64-5717-4562-b3fc-2c963f66afa6"
        ) from None
    return value


def check_pcr_priority(value: list[Any]) -> list[int]:
    for i, item in enumerate(value):
        if isinstance(item, bool):
            raise located(f"[{i}]", f"is a boolean ({str(item).lower()}); {_PCR_ALLOWED}")
        if not isinstance(item, int):
            raise located(f"[{i}]", f"is not an integer; {_PCR_ALLOWED}")
    for i, item in enumerate(value):
        if not 0 <= item < PCR_COUNT:
            raise located(f"[{i}]", f"is {item}, outside 0..{PCR_COUNT - 1}; {_PCR_ALLOWED}")
    seen: dict[int, int] = {}
    for i, item in enumerate(value):
        if item in seen:
            raise located(f"[{i}]", f"repeats {item} (already at [{seen[item]}]); {_PCR_ALLOWED}")
        seen[item] = i
    missing = sorted(set(range(PCR_COUNT)) - set(value))
    if missing:
        raise ValueError(f"is missing {missing}; {_PCR_ALLOWED}")
    return value
