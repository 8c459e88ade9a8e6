"""Local rules that CCM does not publish but an operator benefits from.

Every function raises ``ValueError`` with a message written for an operator; pydantic
adds the field's location, and :func:`ccm_tui.models.errors.field_errors` turns that
into ``field: message`` pairs.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

#: CCM publishes no limit; 255 is the common database column size and long enough
#: for any name an operator would type. Documented in the README.
NAME_MAX_LENGTH = 255

PCR_COUNT = 23  # azure_cvm_pcr_priority is a permutation of 0..22


def check_name(value: str) -> str:
    name = value.strip()
    if not name:
        raise ValueError("must not be empty or only blanks")
    for ch in name:
        if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp"):
            raise ValueError(
                f"must not contain control characters (found U+{ord(ch):04X})"
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
        raise ValueError("must not contain spaces or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port  # raises on a bad port
    except ValueError as exc:
        raise ValueError(f"is not a valid URL ({exc})") from None
    del port
    if not parts.scheme:
        raise ValueError("is not an absolute URL; expected https://host/path")
    if parts.scheme.lower() != "https":
        raise ValueError(f"must use https://, not {parts.scheme}://")
    if not parts.hostname:
        raise ValueError("has no host; expected https://host/path")
    return url


def check_pcr_priority(value: list[int]) -> list[int]:
    for item in value:
        if isinstance(item, bool) or not isinstance(item, int):
            raise ValueError(f"must hold integers only; got {item!r}")
    out_of_range = sorted({v for v in value if not 0 <= v < PCR_COUNT})
    if out_of_range:
        raise ValueError(
            f"holds {out_of_range}, outside 0..{PCR_COUNT - 1}"
        )
    seen: set[int] = set()
    dupes = sorted({v for v in value if v in seen or seen.add(v)})
    if dupes:
        raise ValueError(f"repeats {dupes}; each of 0..{PCR_COUNT - 1} must appear once")
    missing = sorted(set(range(PCR_COUNT)) - set(value))
    if missing:
        raise ValueError(
            f"is missing {missing}; it must list each of 0..{PCR_COUNT - 1} exactly once"
        )
    return value
