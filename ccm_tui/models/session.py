"""Session, user and membership models (server answers, lenient)."""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr, field_validator, model_validator

from ccm_tui.models.base import ResponseModel, enum_or_raw, shield_secrets
from ccm_tui.models.enums import AccessRoles, UserAccountStatus
from ccm_tui.models.user import User

__all__ = ["AuthResponse", "SessionInfo", "User", "UserAccountInfo"]


class SessionInfo(ResponseModel):
    subject_id: str | None = None
    session_expires_at: int | None = None
    session_token_expires_at: int | None = None
    selected_account_id: str | None = None


class AuthResponse(ResponseModel):
    access_token: SecretStr | None = None
    session_info: SessionInfo | None = None

    @model_validator(mode="before")
    @classmethod
    def _shield(cls, data: Any) -> Any:
        # a malformed answer must not put the token into ValidationError.errors()
        return shield_secrets(data)


class UserAccountInfo(ResponseModel):
    roles: list[AccessRoles | str] | None = None
    status: UserAccountStatus | str | None = None

    @field_validator("roles", mode="before")
    @classmethod
    def _roles(cls, v: Any) -> Any:
        if isinstance(v, list):
            return [enum_or_raw(AccessRoles, r) for r in v]
        return v
