"""A secret string that never shows itself: the session token and the login password.

The stdlib stand-in for ``pydantic.SecretStr`` on the path from launch to the accounts table
(pydantic and its schemas cost ~0.25 s and ~8 MB there). It keeps SecretStr's interface —
``get_secret_value()``, a masked ``repr``/``str``, equality by value — so either kind can be
passed wherever a token or password goes: :func:`as_secret` turns a ``str``, a ``Secret``
or a ``SecretStr`` (the request models still use it) into a ``Secret``.
"""

from __future__ import annotations

from typing import Protocol

# What a secret looks like in a repr, a str, an f-string, a log line or a masked body: the
# one mask of the product (ccm_tui/redaction.py, standard library only).
from ccm_tui.redaction import MASK

__all__ = ["MASK", "Secret", "SecretLike", "as_secret", "as_secret_or_none"]


class SecretLike(Protocol):
    """Anything that holds a secret the way SecretStr does (Secret, pydantic's SecretStr)."""

    def get_secret_value(self) -> str: ...


class Secret:
    """A string kept out of ``repr``, ``str`` and ``format``."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError(f"a secret must be a string, not {type(value).__name__}")
        self._value = value

    def get_secret_value(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"Secret('{MASK}')" if self._value else "Secret('')"

    def __str__(self) -> str:
        return MASK if self._value else ""

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __len__(self) -> int:
        return len(self._value)

    def __eq__(self, other: object) -> bool:
        # equal to a Secret or a SecretStr holding the same text (never to the bare text:
        # `secret == "hunter2"` would be an easy way to probe it)
        get = getattr(other, "get_secret_value", None)
        if get is None or isinstance(other, str):
            return NotImplemented
        return bool(self._value == get())

    def __hash__(self) -> int:
        return hash(self._value)


def as_secret(value: str | SecretLike) -> Secret:
    """``value`` as a Secret: a plain string, a Secret (returned as is) or a SecretStr."""
    if isinstance(value, Secret):
        return value
    if isinstance(value, str):
        return Secret(value)
    return Secret(value.get_secret_value())


def as_secret_or_none(value: str | SecretLike | None) -> Secret | None:
    return None if value is None else as_secret(value)
