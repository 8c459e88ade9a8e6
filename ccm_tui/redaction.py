"""The one list of secret field names, and masking of secret values in nested data.

Below every layer (standard library only): models, api, service, widgets, the log filter and
the config loader all import these names from here, so what counts as a secret cannot drift
between a view, a draft, a log line and an error message.
"""

from __future__ import annotations

import re
from typing import Any

MASK = "**********"
#: Field names whose values are secrets, compared lower-case: masked when shown or logged,
#: shielded in request models, dropped from drafts, refused in the config file.
SECRET_KEYS = frozenset(
    {"password", "passwd", "client_secret", "client_key", "access_token", "refresh_token",
     "id_token", "token", "secret", "private_key", "authorization"}
)
_PEM_PRIVATE = re.compile(
    r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----.*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----|\Z)",
    re.S,
)
# base64 of "-----BEGIN" (any alignment) marks a base64-encoded PEM block
_B64_PEM_HINTS = ("LS0tLS1CRUdJT", "0tLS0tQkVHSU4", "tLS0tLUJFR0lO")


def is_secret_key(key: object) -> bool:
    return isinstance(key, str) and key.strip().lower() in SECRET_KEYS


def _looks_private(text: str) -> bool:
    if "PRIVATE KEY-----" in text:
        return True
    if any(h in text for h in _B64_PEM_HINTS):
        import base64
        import binascii

        try:
            decoded = base64.b64decode(text.strip(), validate=False)
        except (binascii.Error, ValueError):
            return False
        return b"PRIVATE KEY-----" in decoded
    return False


def redact_text(text: str) -> str:
    if "PRIVATE KEY-----" in text:
        return _PEM_PRIVATE.sub(MASK, text)
    if _looks_private(text):
        return MASK
    return text


def redact(obj: Any) -> Any:
    """A deep copy of ``obj`` with secret values masked (keys listed in SECRET_KEYS, and any
    string holding a PEM private key, plain or base64)."""
    if isinstance(obj, dict):
        out: dict[Any, Any] = {}
        for key, value in obj.items():
            # A structural member named like a secret (the auth config "password": {...})
            # is not itself a secret: recurse into it instead of masking it whole.
            if is_secret_key(key) and value not in (None, "") and not isinstance(value, (dict, list)):
                out[key] = MASK
            elif is_secret_key(key) and isinstance(value, list):
                out[key] = [MASK if isinstance(v, (str, bytes, int, float)) and v != "" else redact(v)
                            for v in value]
            else:
                out[key] = redact(value)
        return out
    if isinstance(obj, (list, tuple)):
        items = [redact(v) for v in obj]
        return items if isinstance(obj, list) else tuple(items)
    if isinstance(obj, str):
        return redact_text(obj)
    return obj
