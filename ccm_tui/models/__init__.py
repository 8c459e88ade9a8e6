"""Pydantic models of the CCM schema and the local validation rules. No I/O here."""

from ccm_tui.models.account import (
    Account,
    AccountListResponse,
    AccountRequest,
    AccountUpdateRequest,
    NodeEnrollment,
    ObjectCounts,
)
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
from ccm_tui.models.session import AuthResponse, SessionInfo, User, UserAccountInfo
from ccm_tui.models.warnings import FieldWarning, account_request_warnings

__all__ = [
    "AccessRoles",
    "Account",
    "AccountComponent",
    "AccountListResponse",
    "AccountRequest",
    "AccountStatus",
    "AccountUpdateRequest",
    "ApprovalState",
    "AuthConfigOauth",
    "AuthConfigPassword",
    "AuthConfigRef",
    "AuthResponse",
    "AuthenticationConfig",
    "CaConfig",
    "CaSet",
    "FieldError",
    "FieldWarning",
    "NodeEnrollment",
    "ObjectCounts",
    "SessionInfo",
    "TlsConfig",
    "TlsConfigRequired",
    "User",
    "UserAccountInfo",
    "UserAccountStatus",
    "account_request_warnings",
    "field_errors",
]
