"""``loads(body)``: what ``json.loads(body)`` gives, through orjson when it is installed.

Parsing is most of what reading a large answer costs: a page of 1000 accounts (~600 KB) is
~12 ms for the standard library's parser and ~5 ms for orjson, on the machines the bench
runs on. The value must be the one ``json.loads`` gives, for any body a server may send, so
orjson is used only where it agrees:

- it refuses what the standard library accepts (NaN, Infinity, numbers beyond a double,
  lone surrogates, a BOM, UTF-16/32, nesting past 1024): then ``json.loads`` decides, which
  accepts or raises exactly as it always did;
- it reads integers outside 64 bits as floats where ``json.loads`` keeps them exact: a body
  with a run of 19 or more digits anywhere (~0.7 ms to look, in C) goes to ``json.loads``.
  (UUIDs and millisecond times have runs of at most 13.)

Without orjson (a platform with no wheel for it) everything goes to ``json.loads``.
"""

from __future__ import annotations

import json
from typing import Any

try:
    import orjson as _orjson
except ImportError:  # pragma: no cover - depends on the platform's wheels
    _orjson = None  # type: ignore[assignment]

#: Every digit but 0 mapped to 0: a run of 19 digits is then a run of 19 zeros.
_DIGITS = bytes.maketrans(b"123456789", b"000000000")
_LONG_RUN = b"0" * 19


def loads(body: bytes) -> Any:
    """``json.loads(body)``: the same value, or the same exception."""
    if _orjson is not None and _LONG_RUN not in body.translate(_DIGITS):
        try:
            return _orjson.loads(body)
        except _orjson.JSONDecodeError:
            pass  # refused: the standard library says what it makes of it
    return json.loads(body)
