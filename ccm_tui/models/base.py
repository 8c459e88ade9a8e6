"""Base classes: strict request models, lenient response models, secret handling."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, SecretStr, SerializationInfo, model_validator
from pydantic_core import PydanticCustomError

from ccm_tui.redaction import SECRET_KEYS

REVEAL = {"reveal_secrets": True}

#: Members that always hold secrets, at any depth of a request: the one list of secret names.
SECRET_MEMBERS = SECRET_KEYS
#: Unknown members whose name looks secret (typos like "client_secert", "clientSecret").
_SECRET_LOOKING = re.compile(r"secret|secert|key|passw|token|private|credential", re.IGNORECASE)
_known_names: frozenset[str] | None = None


def _request_field_names() -> frozenset[str]:
    global _known_names
    if _known_names is None:
        names: set[str] = set()
        todo: list[type] = [RequestModel]
        while todo:
            cls = todo.pop()
            names.update(getattr(cls, "model_fields", {}))
            todo.extend(cls.__subclasses__())
        _known_names = frozenset(names - SECRET_MEMBERS)
    return _known_names


def _is_secret_member(key: Any) -> bool:
    if not isinstance(key, str):
        return False
    if key in SECRET_MEMBERS:
        return True
    return bool(_SECRET_LOOKING.search(key)) and key not in _request_field_names()


def shield_secrets(data: Any) -> Any:
    """A copy of ``data`` with every string under a secret-looking member as SecretStr."""
    if isinstance(data, dict):
        return {
            k: SecretStr(v) if isinstance(v, str) and _is_secret_member(k) else shield_secrets(v)
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [shield_secrets(v) for v in data]
    return data


def located(field: str, message: str) -> PydanticCustomError:
    """An error for a model validator that belongs to one of the model's fields.

    ``field`` is relative to the model (``"client_key"``, ``"pinned"``, ``"[3]"``);
    :func:`ccm_tui.models.errors.field_errors` appends it to the error's location.
    """
    return PydanticCustomError("field_rule", "{message}", {"message": message, "field": field})


def reveal_if_asked(value: SecretStr | None, info: SerializationInfo) -> str | None:
    """Serialise a secret masked unless the caller passed ``context=REVEAL``."""
    if value is None:
        return None
    if info.context and info.context.get("reveal_secrets"):
        return value.get_secret_value()
    return "**********"


class RequestModel(BaseModel):
    """What we send: unknown keys refused, no silent type coercion of primitives."""

    # hide_input_in_errors: str(ValidationError) must never echo a secret the operator typed.
    model_config = ConfigDict(
        extra="forbid", frozen=False, validate_assignment=False, hide_input_in_errors=True,
        defer_build=True,
    )

    @model_validator(mode="before")
    @classmethod
    def _shield_secrets(cls, data: Any) -> Any:
        # Before any check: no error (not even ValidationError.errors()/.json(), whose
        # "input" holds the raw dict of the level that failed) can then carry a secret.
        return shield_secrets(data)

    def wire_body(self) -> dict[str, Any]:
        """The JSON body to send, secrets revealed. Call only when building a request."""
        return self.model_dump(mode="json", exclude_none=True, context=REVEAL)

    def masked_body(self) -> dict[str, Any]:
        """The same body with every secret masked, for review screens and logs."""
        return self.model_dump(mode="json", exclude_none=True)


class ResponseModel(BaseModel):
    """What we receive: unknown fields kept (for the raw view), nothing required but ids."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, hide_input_in_errors=True,
                              defer_build=True)

    def raw(self) -> dict[str, Any]:
        """Everything the server sent, unknown fields included."""
        return self.model_dump(mode="json", exclude_none=True)
