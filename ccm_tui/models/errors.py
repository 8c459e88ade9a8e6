"""Turn pydantic validation errors into ``field path: message`` pairs for operators."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import ValidationError


@dataclass(frozen=True)
class FieldError:
    field: str  # dotted path as the spec spells it, e.g. "auth_configs[0].oauth.client_id"
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


def loc_to_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part.startswith("function-") or part in {"tagged-union", "union"}:
            continue
        else:
            path += f".{part}" if path else str(part)
    return path


_PYDANTIC_MESSAGES = {
    "missing": "is required",
    "extra_forbidden": "is not a known field here",
    "bool_type": "must be true or false",
    "string_type": "must be a string",
    "int_type": "must be an integer",
    "list_type": "must be a list",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "enum": None,  # pydantic's message lists the allowed values: keep it
}


def field_errors(exc: ValidationError) -> list[FieldError]:
    out: list[FieldError] = []
    for err in exc.errors(include_url=False, include_input=False):
        path = loc_to_path(tuple(err.get("loc", ())))
        msg = _PYDANTIC_MESSAGES.get(err["type"]) or str(err["msg"])
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        out.append(FieldError(path, msg))
    return out


def format_field_errors(errors: list[FieldError]) -> str:
    return "\n".join(str(e) for e in errors)
