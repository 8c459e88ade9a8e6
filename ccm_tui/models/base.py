"""Base classes: strict request models, lenient response models, secret handling."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, SecretStr, SerializationInfo

REVEAL = {"reveal_secrets": True}


def reveal_if_asked(value: SecretStr | None, info: SerializationInfo) -> str | None:
    """Serialise a secret masked unless the caller passed ``context=REVEAL``."""
    if value is None:
        return None
    if info.context and info.context.get("reveal_secrets"):
        return value.get_secret_value()
    return "**********"


class RequestModel(BaseModel):
    """What we send: unknown keys refused, no silent type coercion of primitives."""

    model_config = ConfigDict(extra="forbid", frozen=False, validate_assignment=False)

    def wire_body(self) -> dict[str, Any]:
        """The JSON body to send, secrets revealed. Call only when building a request."""
        return self.model_dump(mode="json", exclude_none=True, context=REVEAL)

    def masked_body(self) -> dict[str, Any]:
        """The same body with every secret masked, for review screens and logs."""
        return self.model_dump(mode="json", exclude_none=True)


class ResponseModel(BaseModel):
    """What we receive: unknown fields kept (for the raw view), nothing required but ids."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)
