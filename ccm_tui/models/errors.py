"""Turn pydantic validation errors into ``field path: message`` pairs for operators.

Paths use the spec's field names, ``.`` between members and ``[i]`` for list items or map
keys, e.g. ``auth_configs[0].oauth.tls.required.ca.pinned[0]``. Messages say what is wrong
and what is allowed; they never contain the value that was given (it may be a secret).
"""

from __future__ import annotations

import difflib
import types
import typing
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError


@dataclass(frozen=True)
class FieldError:
    field: str  # dotted path as the spec spells it, e.g. "auth_configs[0].oauth.client_id"
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


def _is_marker(part: str) -> bool:
    # pydantic inserts validator / union branch names into locations; operators never see them
    return (
        part.startswith("function-")
        or part in {"tagged-union", "union", "nullable"}
        or part.startswith("json-or-python")
        or part.startswith("lax-or-strict")
    )


def loc_to_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif _is_marker(part):
            continue
        else:
            path += f".{part}" if path else str(part)
    return path


def join_path(path: str, field: str) -> str:
    if not field:
        return path
    if field.startswith("[") or not path:
        return path + field
    return f"{path}.{field}"


_PYDANTIC_MESSAGES = {
    "missing": "is required",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "string_type": "must be a string",
    "int_type": "must be an integer",
    "int_parsing": "must be an integer",
    "int_from_float": "must be a whole number",
    "list_type": "must be a list",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "string_unicode": "must be valid text (UTF-8)",
    "enum": None,  # pydantic's message lists the allowed values: keep it
}


def _model_classes(annotation: Any) -> list[type[BaseModel]]:
    """Model classes reachable through Optional/list/dict/Annotated of an annotation."""
    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    out: list[type[BaseModel]] = []
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _model_classes(typing.get_args(annotation)[0])
    if origin is not None or isinstance(annotation, types.UnionType):
        for arg in typing.get_args(annotation):
            out.extend(_model_classes(arg))
    return out


def _model_at(root: type[BaseModel] | None, loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    """The model class that holds the last element of ``loc`` (for "unknown field" errors)."""
    current = root
    parts = [p for p in loc[:-1] if not (isinstance(p, str) and _is_marker(p))]
    for part in parts:
        if current is None:
            return None
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part)
        if field is None:
            # a dict key (e.g. mod_auth_configs id): stay on the value's model
            continue
        candidates = _model_classes(field.annotation)
        current = candidates[0] if candidates else None
    return current


def _find_model(title: str) -> type[BaseModel] | None:
    from ccm_tui.models.base import RequestModel, ResponseModel

    todo: list[type[BaseModel]] = [RequestModel, ResponseModel]
    while todo:
        cls = todo.pop()
        if cls.__name__ == title:
            return cls
        todo.extend(cls.__subclasses__())
    return None


def _unknown_field_message(model: type[BaseModel] | None, name: Any) -> str:
    if model is None:
        return "is not a known field here"
    allowed = list(model.model_fields)
    msg = f"is not a known field; allowed here: {', '.join(allowed)}"
    close = difflib.get_close_matches(str(name), allowed, n=1, cutoff=0.6)
    if close:
        msg += f" (did you mean {close[0]!r}?)"
    return msg


def field_errors(exc: ValidationError, model: type[BaseModel] | None = None) -> list[FieldError]:
    """One :class:`FieldError` per problem. ``model`` defaults to the one named in ``exc``."""
    out: list[FieldError] = []
    root = model
    for err in exc.errors(include_url=False, include_input=False):
        loc = tuple(err.get("loc", ()))
        path = loc_to_path(loc)
        ctx = err.get("ctx") or {}
        etype = err["type"]
        if etype == "extra_forbidden":
            if root is None:
                root = _find_model(exc.title)
            msg = _unknown_field_message(_model_at(root, loc), loc[-1] if loc else "")
        elif etype == "field_rule":
            path = join_path(path, str(ctx.get("field", "")))
            msg = str(ctx.get("message", err["msg"]))
        else:
            msg = _PYDANTIC_MESSAGES.get(etype) or str(err["msg"])
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        if not path and etype in {"model_type", "dict_type", "model_attributes_type"}:
            msg = "the request must be a JSON object"
        out.append(FieldError(path, msg))
    return out


def format_field_errors(errors: list[FieldError]) -> str:
    return "\n".join(str(e) for e in errors)
