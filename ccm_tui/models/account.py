"""Accounts: the create and update requests (strict) and the server's answers (lenient)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, Field, StrictBool, StrictStr, ValidationInfo, field_validator

from ccm_tui.models.auth import AuthenticationConfig
from ccm_tui.models.base import RequestModel, ResponseModel
from ccm_tui.models.light import enum_or_raw
from ccm_tui.models.enums import (
    AccessRoles,
    AccountComponent,
    AccountStatus,
    ApprovalState,
    UserAccountStatus,
)
from ccm_tui.models.logo import check_logo_b64
from ccm_tui.models.rules import check_name, check_pcr_priority, check_uuid

AccountName = Annotated[StrictStr, AfterValidator(check_name)]
Uuid = Annotated[StrictStr, AfterValidator(check_uuid)]
LogoB64 = Annotated[StrictStr, AfterValidator(check_logo_b64)]
PcrPriority = Annotated[list[Any], AfterValidator(check_pcr_priority)]


def _check_logo_or_empty(value: str) -> str:
    # On PATCH an empty custom_logo removes the logo (the spec offers no other way).
    return value if value == "" else check_logo_b64(value)


UpdateLogoB64 = Annotated[StrictStr, AfterValidator(_check_logo_or_empty)]


class NodeEnrollment(RequestModel):
    # True turns node attestation OFF: the safe default is False.
    attestation_enforcement_disabled_insecure: StrictBool = False


class AccountRequest(RequestModel):
    """Body of ``POST /v1/accounts``."""

    name: AccountName
    custom_logo: LogoB64 | None = None
    auth_configs: list[AuthenticationConfig] | None = None
    node_enrollment: NodeEnrollment | None = None
    component: AccountComponent | None = None


class AccountUpdateRequest(RequestModel):
    """Body of ``PATCH /v1/accounts/{id}``: every member optional; ``custom_logo: ""``
    removes the logo."""

    name: AccountName | None = None
    custom_logo: UpdateLogoB64 | None = None
    add_auth_configs: list[AuthenticationConfig] | None = None
    mod_auth_configs: dict[str, AuthenticationConfig] | None = None
    del_auth_configs: list[Uuid] | None = None
    enabled: StrictBool | None = None
    default_group_id: Uuid | None = None
    marketplace_group_id: Uuid | None = None
    account_status: AccountStatus | None = None
    azure_cvm_pcr_priority: PcrPriority | None = None


class ObjectCounts(ResponseModel):
    datasets: int | None = None
    final_workflows: int | None = None
    nodes: int | None = None


class NodeEnrollmentInfo(ResponseModel):
    attestation_enforcement_disabled_insecure: bool | None = None


_ENUM_OF: dict[str | None, type] = {
    "status": UserAccountStatus,
    "component": AccountComponent,
    "account_status": AccountStatus,
    "approval_state": ApprovalState,
}


class Account(ResponseModel):
    """An account as the server returns it. Everything but ``acct_id`` is optional."""

    acct_id: str
    name: str | None = None
    created_at: int | None = None
    roles: list[AccessRoles | str] | None = None
    custom_logo: str | None = None
    status: UserAccountStatus | str | None = None
    auth_configs: dict[str, dict[str, Any]] | None = None
    node_enrollment: NodeEnrollmentInfo | None = None
    totals: ObjectCounts | None = None
    component: AccountComponent | str | None = None
    default_group_id: str | None = None
    marketplace_group_id: str | None = None
    account_status: AccountStatus | str | None = None
    azure_cvm_pcr_priority: list[int] | None = None
    # Older servers:
    features: list[Any] | dict[str, Any] | None = None
    approval_state: ApprovalState | str | None = None

    @field_validator("roles", mode="before")
    @classmethod
    def _roles(cls, v: Any) -> Any:
        if isinstance(v, list):
            return [enum_or_raw(AccessRoles, r) for r in v]
        return v

    @field_validator("auth_configs", mode="before")
    @classmethod
    def _auth_configs(cls, v: Any) -> Any:
        # The spec sends a map id -> config; accept a list (create-shaped) as "0", "1", ...
        if isinstance(v, list):
            return {str(i): c for i, c in enumerate(v)}
        return v

    @field_validator("status", "component", "account_status", "approval_state", mode="before")
    @classmethod
    def _known_value(cls, v: Any, info: ValidationInfo) -> Any:
        return enum_or_raw(_ENUM_OF[info.field_name], v) if isinstance(v, str) else v

    @property
    def role_names(self) -> list[str]:
        return [str(r) for r in self.roles or []]


class AccountListResponse(ResponseModel):
    items: list[Account] = Field(default_factory=list)
