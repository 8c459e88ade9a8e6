"""Session, user and membership answers (lenient records, no pydantic: see models/light.py).

These are what logging in, resuming and showing the accounts table read, so they are built
without pydantic; the one definition of each shape (the members' screens and CLI use the
same ``User``)."""

from __future__ import annotations

from typing import Any, ClassVar

from ccm_tui.models.enums import AccessRoles, UserAccountStatus
from ccm_tui.models.light import (
    Check,
    LightModel,
    WrongShape,
    check_bool,
    check_dict,
    check_int,
    check_secret,
    check_str,
    enum_or_str,
    list_of,
    record,
)
from ccm_tui.secret import Secret

__all__ = ["AuthResponse", "SessionInfo", "User", "UserAccountInfo", "UserListResponse"]

_roles = list_of(enum_or_str(AccessRoles))
_status = enum_or_str(UserAccountStatus)


class SessionInfo(LightModel):
    __slots__ = ("subject_id", "session_expires_at", "session_token_expires_at",
                 "selected_account_id")
    FIELDS: ClassVar[dict[str, Check]] = {
        "subject_id": check_str,
        "session_expires_at": check_int,
        "session_token_expires_at": check_int,
        "selected_account_id": check_str,
    }
    subject_id: str | None
    session_expires_at: int | None
    session_token_expires_at: int | None
    selected_account_id: str | None


class AuthResponse(LightModel):
    """``POST /v1/sys/auth``: the token (a Secret: masked in repr, str, raw and errors)."""

    __slots__ = ("access_token", "session_info")
    FIELDS: ClassVar[dict[str, Check]] = {
        "access_token": check_secret,
        "session_info": record(SessionInfo),
    }
    access_token: Secret | None
    session_info: SessionInfo | None


class UserAccountInfo(LightModel):
    """One account of ``GET /v1/users/{id}/accounts``: the user's roles and status there."""

    __slots__ = ("roles", "status")
    FIELDS: ClassVar[dict[str, Check]] = {"roles": _roles, "status": check_str}
    roles: list[AccessRoles | str] | None
    status: UserAccountStatus | str | None


class User(LightModel):
    """A user as the server returns it (``GET /v1/user``, the members of an account). Only
    ``user_id`` is required; an unknown role or status from a newer server is kept as sent."""

    __slots__ = ("user_id", "user_email", "first_name", "last_name", "last_logged_in_at",
                 "created_at", "email_verified", "status", "roles", "user_account_status",
                 "accepted_latest_terms_and_conditions", "new_email")
    FIELDS: ClassVar[dict[str, Check]] = {
        "user_id": check_str,
        "user_email": check_str,
        "first_name": check_str,
        "last_name": check_str,
        "last_logged_in_at": check_int,
        "created_at": check_int,
        "email_verified": check_bool,
        "status": _status,
        "roles": _roles,
        "user_account_status": _status,
        "accepted_latest_terms_and_conditions": check_bool,
        "new_email": check_str,
    }
    REQUIRED = frozenset({"user_id"})
    user_id: str
    user_email: str | None
    first_name: str | None
    last_name: str | None
    last_logged_in_at: int | None
    created_at: int | None
    email_verified: bool | None
    status: UserAccountStatus | str | None
    roles: list[AccessRoles | str] | None
    user_account_status: UserAccountStatus | str | None
    accepted_latest_terms_and_conditions: bool | None
    new_email: str | None

    @property
    def display_name(self) -> str:
        full = " ".join(p for p in (self.first_name, self.last_name) if p)
        return full or self.user_email or self.user_id

    @property
    def role_names(self) -> list[str]:
        return [str(r) for r in self.roles or []]


class UserListResponse(LightModel):
    """``GetAllUsersResponse``: ``{items: [User], metadata?}``."""

    __slots__ = ("items", "metadata")
    FIELDS: ClassVar[dict[str, Check]] = {"items": list_of(record(User)),
                                          "metadata": check_dict}
    items: list[User]
    metadata: dict[str, Any] | None

    def _fill(self, data: dict[str, Any]) -> None:
        if "items" in data and data["items"] is None:
            raise WrongShape(("items",), "Input should be a valid list")
        super()._fill(data)
        if self.items is None:
            self.items = []  # left out: no members on this page
