"""Base classes: strict request models, lenient response models, secret handling."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, SecretStr, SerializationInfo
from pydantic_core import PydanticCustomError

REVEAL = {"reveal_secrets": True}


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
        extra="forbid", frozen=False, validate_assignment=False, hide_input_in_errors=True
    )

    def wire_body(self) -> dict[str, Any]:
        """The JSON body to send, secrets revealed. Call only when building a request."""
        return self.model_dump(mode="json", exclude_none=True, context=REVEAL)

    def masked_body(self) -> dict[str, Any]:
        """The same body with every secret masked, for review screens and logs."""
        return self.model_dump(mode="json", exclude_none=True)


class ResponseModel(BaseModel):
    """What we receive: unknown fields kept (for the raw view), nothing required but ids."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, hide_input_in_errors=True)
