"""Light validated records for the server's answers on the login path, without pydantic.

Logging in, resuming a session and showing the accounts table read four small answers
(``AuthResponse``, ``SessionInfo``, ``User``, ``UserAccountInfo``). Building them with
pydantic meant importing it and building its schemas first: ~0.25 s and ~8 MB before the
first row. These classes check the same types the pydantic models checked (lax as pydantic's
lax mode is: ``"12"`` and ``12.0`` are the integer 12, ``"yes"`` is True), keep unknown fields
(``raw()``, the raw view), and refuse a wrong shape with :class:`WrongShape`, which names the
field and why — never the value, which may hold anything the server sent (a token).

A record class lists its fields once, in ``FIELDS`` (name -> check), with ``__slots__`` and
annotations of the same names for readers and mypy.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from enum import Enum
from typing import Any, ClassVar, TypeVar

from ccm_tui.secret import MASK, Secret, as_secret

__all__ = ["LightModel", "WrongShape", "enum_or_raw"]

Loc = tuple[str | int, ...]
Check = Callable[[Any], Any]
L = TypeVar("L", bound="LightModel")


class WrongShape(ValueError):
    """An answer that does not have the shape of its record: ``loc`` (the path of the field,
    as pydantic's errors have it) and ``msg`` (why, in pydantic's words). No input value."""

    def __init__(self, loc: Loc, msg: str) -> None:
        super().__init__(f"{'.'.join(str(p) for p in loc) or 'body'}: {msg}")
        self.loc = loc
        self.msg = msg

    def within(self, *outer: str | int) -> WrongShape:
        return WrongShape((*outer, *self.loc), self.msg)


def enum_or_raw(enum: type, value: Any) -> Any:
    """A response value as its enum member, or as sent when a newer server added a value:
    one unknown value must not make the whole answer unreadable."""
    try:
        return enum(value)
    except ValueError:
        return value


# ---------------------------------------------------------------------------- checks
# Each takes a value that is not None and gives it back converted, or raises WrongShape(()).

def check_str(v: Any) -> str:
    if isinstance(v, str):
        return v
    raise WrongShape((), "Input should be a valid string")


_I64 = 2**63


#: What pydantic strips around a number or an integer written as text (Unicode White_Space;
#: str.strip() would also strip U+001C-U+001F, which pydantic keeps and refuses).
_WS = ("\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
       "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
#: An integer as pydantic reads one from text: ASCII digits (single underscores between
#: them), a sign, and optionally a fraction of zeros ("12.0"); not "1e3", "12.", ".0", "١٢".
_INT_TEXT = re.compile(r"[+-]?[0-9]+(?:_[0-9]+)*(?:\.0+)?")


def check_int(v: Any) -> int:
    if isinstance(v, int):  # bool included, as pydantic's lax mode takes it
        return int(v)
    if isinstance(v, float):
        if not math.isfinite(v) or abs(v) >= _I64:
            raise WrongShape((), "Input should be a finite number" if not math.isfinite(v)
                             else "Unable to parse input string as an integer, exceeded "
                                  "maximum size")
        if not v.is_integer():
            raise WrongShape((), "Input should be a valid integer, got a number with a "
                                 "fractional part")
        return int(v)
    if isinstance(v, str):
        text = v.strip(_WS)
        if _INT_TEXT.fullmatch(text):
            try:
                return int(text.partition(".")[0])
            except ValueError:  # more digits than int() reads (sys.get_int_max_str_digits)
                raise WrongShape((), "Unable to parse input string as an integer, exceeded "
                                     "maximum size") from None
        raise WrongShape((), "Input should be a valid integer, unable to parse string as an "
                             "integer")
    raise WrongShape((), "Input should be a valid integer")


_TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE = frozenset({"0", "off", "f", "false", "n", "no"})


def check_bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, int | float) and v in (0, 1):
        return bool(v)
    if isinstance(v, str):
        word = v.lower()  # not stripped: pydantic refuses " yes "
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
        raise WrongShape((), "Input should be a valid boolean, unable to interpret input")
    if isinstance(v, int | float):
        raise WrongShape((), "Input should be a valid boolean, unable to interpret input")
    raise WrongShape((), "Input should be a valid boolean")


def check_secret(v: Any) -> Secret:
    if isinstance(v, str) or hasattr(v, "get_secret_value"):
        return as_secret(v)
    raise WrongShape((), "Input should be a valid string")


def check_dict(v: Any) -> dict[str, Any]:
    if isinstance(v, dict):
        return v
    raise WrongShape((), "Input should be a valid dictionary")


def list_of(item: Check) -> Check:
    def check(v: Any) -> list[Any]:
        if not isinstance(v, list):
            raise WrongShape((), "Input should be a valid list")
        out = []
        for i, x in enumerate(v):
            try:
                out.append(item(x))
            except WrongShape as exc:
                raise exc.within(i) from None
        return out

    return check


def enum_or_str(enum: type[Enum]) -> Check:
    """A string, as the enum's member when it is one (an unknown value kept as sent)."""

    def check(v: Any) -> Any:
        if isinstance(v, str):
            return enum_or_raw(enum, v)
        raise WrongShape((), "Input should be a valid string")

    return check


def record(cls: type[L]) -> Check:
    """A nested record: a JSON object (validated as ``cls``) or an instance of it."""

    def check(v: Any) -> L:
        if isinstance(v, cls):
            return v
        if isinstance(v, dict):
            return cls.model_validate(v)
        raise WrongShape((), f"Input should be a valid dictionary or instance of {cls.__name__}")

    return check


# ---------------------------------------------------------------------------- the base

_MISSING: Any = object()


class LightModel:
    """A record of a server answer: every field optional (None) unless in ``REQUIRED``;
    unknown fields kept in ``_extra`` (read as attributes too, like pydantic's extras)."""

    __slots__ = ("_extra",)
    FIELDS: ClassVar[dict[str, Check]] = {}
    REQUIRED: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, **data: Any) -> None:
        self._fill(data)

    @classmethod
    def model_validate(cls: type[L], data: Any) -> L:
        """``data`` (a parsed JSON object) as this record; WrongShape naming the field."""
        if isinstance(data, cls):
            return data
        if not isinstance(data, dict):
            raise WrongShape((), f"Input should be a valid dictionary or instance of "
                                 f"{cls.__name__}")
        self = cls.__new__(cls)
        self._fill(data)
        return self

    def _fill(self, data: dict[str, Any]) -> None:
        fields = self.FIELDS
        for name, check in fields.items():
            value = data.get(name, _MISSING)
            if value is _MISSING or value is None:
                if name in self.REQUIRED:
                    raise WrongShape((name,), "Field required" if value is _MISSING
                                     else "Input should be a valid string")
                value = None
            else:
                try:
                    value = check(value)
                except WrongShape as exc:
                    raise exc.within(name) from None
            object.__setattr__(self, name, value)
        extra = {k: v for k, v in data.items() if k not in fields}
        self._extra = extra or None

    def __getattr__(self, name: str) -> Any:
        # only reached when no field or method has the name: an unknown field, if sent
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            extra = self._extra
        except AttributeError:
            extra = None
        if extra and name in extra:
            return extra[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def _items(self) -> list[tuple[str, Any]]:
        extra = getattr(self, "_extra", None) or {}  # (a record half built: no error in repr)
        return [(n, getattr(self, n, None)) for n in self.FIELDS] + list(extra.items())

    def __repr__(self) -> str:
        body = ", ".join(f"{n}={v!r}" for n, v in self._items())
        return f"{type(self).__name__}({body})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._items() == other._items()

    __hash__ = None  # type: ignore[assignment]  # mutable, like the pydantic models were

    def model_copy(self: L, *, update: dict[str, Any] | None = None) -> L:
        """A copy with ``update`` applied as given (not validated, as pydantic's)."""
        copy = type(self).__new__(type(self))
        for name in self.FIELDS:
            object.__setattr__(copy, name, getattr(self, name))
        copy._extra = dict(self._extra) if self._extra else None
        for name, value in (update or {}).items():
            if name in self.FIELDS:
                object.__setattr__(copy, name, value)
            else:
                copy._extra = {**(copy._extra or {}), name: value}
        return copy

    def raw(self) -> dict[str, Any]:
        """Everything the server sent, unknown fields included (None left out, enums as
        their values, a secret masked) — what pydantic's ``model_dump(mode="json",
        exclude_none=True)`` gave."""
        return {n: _jsonable(v) for n, v in self._items() if v is not None}


def _jsonable(value: Any) -> Any:
    """``value`` as pydantic's ``model_dump(mode="json")`` gives it: enums as their values, a
    secret masked, a float that is not finite as None (JSON has no NaN), at any depth (inside
    an unknown field's objects too); a nested pydantic model dumped (exclude_none)."""
    if isinstance(value, str | int):  # (bool and the str enums too: an enum is handled below)
        return value.value if isinstance(value, Enum) else value
    if isinstance(value, LightModel):
        return value.raw()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Secret):
        return MASK
    dump = getattr(value, "model_dump", None)
    if dump is not None:  # a pydantic model put in a record's field (a details refresh)
        return dump(mode="json", exclude_none=True)
    return value
