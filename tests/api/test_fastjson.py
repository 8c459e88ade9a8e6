"""fastjson.loads gives what json.loads gives — the same values of the same types, or the
same exception — for hostile bodies as for ordinary ones (orjson is used only where the two
agree). A fast parser that read a 20-digit id as a float, or accepted what the standard
library refuses, would change what the console shows."""

from __future__ import annotations

import json
import math
import random

import pytest

from ccm_tui.api import fastjson


def typed(value: object) -> object:
    """``value`` with every type spelled out (1 and 1.0 and True differ; NaN equals NaN)."""
    if isinstance(value, dict):
        return ("dict", [(typed(k), typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [typed(v) for v in value])
    if isinstance(value, float) and math.isnan(value):
        return ("float", "nan")
    return (type(value).__name__, value)


def outcome(parse, body: bytes) -> object:
    try:
        return ("ok", typed(parse(body)))
    except RecursionError:
        return ("raises", "RecursionError")
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError both are
        return ("raises", type(exc).__name__)


EDGES = [
    b"1e400", b"-1e400", b"NaN", b"[Infinity, -Infinity]",
    b"18446744073709551615", b"18446744073709551616", b"-9223372036854775808",
    b"-9223372036854775809", b"123456789012345678901234567890", b'{"created_at": 1e30}',
    b'{"n": 12345678901234567890}', b'{"id": "1234567890123456789012"}',
    b'{"a":1,"a":2}', b'"\\ud800"', b'"\\udfff x"', b'"\\ud83d\\ude00"', b'"\xed\xa0\x80"',
    b"\xef\xbb\xbf{}", '{"u16": 1}'.encode("utf-16"), b'"\xff"', b"[1,]", b"{'a': 1}",
    b'{"a":"\x01"}', b'"\\u0000"', b"-0", b"-0.0", b"1E2", b"1.0000000000000000000000001",
    b"5e-324", b"2.2250738585072014e-308", b"1.7976931348623157e308", b"  {}  ", b"",
    b"[" * 3000 + b"]" * 3000, b"[" * 900 + b"]" * 900, b"01", b".5", b"1.", b"true",
    b'{"items": [{"acct_id": "a", "name": "\\u001b[31m[b]x[/b]"}]}', b"nul", b"[1 2]",
]


@pytest.mark.parametrize("body", EDGES, ids=range(len(EDGES)))
def test_edge_cases_read_as_the_standard_library_reads_them(body):
    assert outcome(fastjson.loads, body) == outcome(json.loads, body)


def _random_value(rng: random.Random, depth: int = 0) -> object:
    kind = rng.randrange(9 if depth < 4 else 6)
    if kind == 0:
        return rng.choice([0, 1, -1, 2**63 - 1, 2**63, 2**64 - 1, 2**64, -(2**63), -(2**63) - 1,
                           10**25, -(10**30), rng.randrange(-(10**22), 10**22)])
    if kind == 1:
        return rng.choice([0.0, -0.0, 0.1, 1e-320, 1e308, rng.uniform(-1e20, 1e20),
                           rng.random(), float(rng.randrange(10**18))])
    if kind == 2:
        alphabet = "aé😀\u0000\u001b\"\\/[]{}\ud800\udc00 \t\n0123456789"
        return "".join(rng.choice(alphabet) for _ in range(rng.randrange(12)))
    if kind == 3:
        return rng.choice([True, False, None])
    if kind in (4, 5):
        return "".join(rng.choice("0123456789") for _ in range(rng.randrange(1, 30)))
    if kind in (6, 7):
        return {_random_value(rng, 5) if rng.random() < 0.1 else f"k{rng.randrange(5)}":
                _random_value(rng, depth + 1) for _ in range(rng.randrange(5))}
    return [_random_value(rng, depth + 1) for _ in range(rng.randrange(5))]


def test_random_documents_read_alike():
    rng = random.Random(20261201)
    checked = 0
    for _ in range(3000):
        doc = {"items": [_random_value(rng) for _ in range(rng.randrange(1, 6))]}
        try:
            text = json.dumps(doc, ensure_ascii=rng.random() < 0.5, allow_nan=True)
        except TypeError:  # a dict key that is not a string
            continue
        for body in (text.encode("utf-8", "surrogatepass"),
                     text.replace("0", "1").encode("utf-8", "surrogatepass"),
                     text.encode("utf-8", "surrogatepass")[: rng.randrange(1, len(text) + 1)]):
            assert outcome(fastjson.loads, body) == outcome(json.loads, body), body[:200]
            checked += 1
    assert checked > 6000


def test_an_ordinary_page_goes_through_the_fast_parser(monkeypatch):
    """The fast path is taken for a page of accounts (ids, names, millisecond times), and
    the slow one for a body with a long digit run."""
    if fastjson._orjson is None:  # pragma: no cover - orjson is a dependency
        pytest.fail("orjson is not installed")
    calls = []
    real = fastjson._orjson.loads
    monkeypatch.setattr(fastjson._orjson, "loads", lambda b: calls.append(b) or real(b))
    page = json.dumps({"items": [{"acct_id": "2f1c9a4e-3b7d-4c1e-9f0a-5d6e7f8a9b0c",
                                  "name": f"account {i}", "created_at": 1764547200000 + i}
                                 for i in range(100)]}).encode()
    assert fastjson.loads(page) == json.loads(page) and len(calls) == 1
    assert fastjson.loads(b'{"n": 1234567890123456789}') == {"n": 1234567890123456789}
    assert len(calls) == 1
