"""Models of the CCM schema and the local validation rules. No I/O here.

The login path's answers (models/session.py: AuthResponse, SessionInfo, User,
UserAccountInfo, UserListResponse) and an account read to be viewed (models/account_record.py:
AccountRecord) are light records without pydantic (models/light.py); a create's answer,
the CLI's listing and every request model are pydantic.

The names below are exported lazily (PEP 562): ``from ccm_tui.models import Account`` loads
only the module that defines it. Building every pydantic model at import cost ~5 MB and
~100 ms that the accounts table never needs (the request models are for the wizard and
the CLI's create)."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_WHERE = {
    "Account": "account",
    "AccountListResponse": "account",
    "AccountRequest": "account",
    "AccountUpdateRequest": "account",
    "NodeEnrollment": "account",
    "ObjectCounts": "account",
    "AccountRecord": "account_record",
    "AuthConfigOauth": "auth",
    "AuthConfigPassword": "auth",
    "AuthConfigRef": "auth",
    "AuthenticationConfig": "auth",
    "CaConfig": "auth",
    "TlsConfig": "auth",
    "TlsConfigRequired": "auth",
    "AccessRoles": "enums",
    "AccountComponent": "enums",
    "AccountStatus": "enums",
    "ApprovalState": "enums",
    "CaSet": "enums",
    "UserAccountStatus": "enums",
    "FieldError": "errors",
    "field_errors": "errors",
    "AuthResponse": "session",
    "SessionInfo": "session",
    "InviteUserRequest": "user",
    "UpdateUserRequest": "user",
    "User": "session",
    "UserListResponse": "session",
    "UserAccountInfo": "session",
    "FieldWarning": "warnings",
    "account_request_warnings": "warnings",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # next time a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))


if TYPE_CHECKING:
    from ccm_tui.models.account import (
        Account,
        AccountListResponse,
        AccountRequest,
        AccountUpdateRequest,
        NodeEnrollment,
        ObjectCounts,
    )
    from ccm_tui.models.account_record import AccountRecord
    from ccm_tui.models.auth import (
        AuthConfigOauth,
        AuthConfigPassword,
        AuthConfigRef,
        AuthenticationConfig,
        CaConfig,
        TlsConfig,
        TlsConfigRequired,
    )
    from ccm_tui.models.enums import (
        AccessRoles,
        AccountComponent,
        AccountStatus,
        ApprovalState,
        CaSet,
        UserAccountStatus,
    )
    from ccm_tui.models.errors import FieldError, field_errors
    from ccm_tui.models.session import (
        AuthResponse,
        SessionInfo,
        User,
        UserAccountInfo,
        UserListResponse,
    )
    from ccm_tui.models.user import InviteUserRequest, UpdateUserRequest
    from ccm_tui.models.warnings import FieldWarning, account_request_warnings
