"""An account as the server returns it, as a light record (models/light.py): no pydantic.

What viewing reads — the account opened from the table (``account_from_page``), the details
screen's fresh read (``service.accounts.get_account``), an update's answer — is this record.
Its fields, their names and how lax their checks are, the unknown fields kept and ``raw()``
are those of the pydantic ``models.account.Account`` (tests/models/test_account_record.py
compares the two on the emulator's answers and hostile ones), so the details view, the
lifecycle dialogs and the editor read either. The pydantic Account is still what a create
answers (the wizard) and what the CLI's listing builds; the request models stay pydantic.

Opening an account this way imports no pydantic (~9 MB and ~0.1 s the first time).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from ccm_tui.models.enums import AccessRoles, AccountComponent, AccountStatus, ApprovalState
from ccm_tui.models.enums import UserAccountStatus
from ccm_tui.models.light import (
    Check,
    LightModel,
    WrongShape,
    check_bool,
    check_int,
    check_str,
    enum_or_str,
    list_of,
    record,
)

if TYPE_CHECKING:
    from typing import TypeAlias

    from ccm_tui.models.account import Account

__all__ = ["AccountRecord", "AnyAccount", "NodeEnrollmentRecord", "ObjectCountsRecord"]


def _auth_configs(v: Any) -> dict[str, dict[str, Any]]:
    # The spec sends a map id -> config; a list (create-shaped) is read as "0", "1", ...
    if isinstance(v, list):
        v = {str(i): c for i, c in enumerate(v)}
    if not isinstance(v, dict):
        raise WrongShape((), "Input should be a valid dictionary")
    out = {}
    for key, config in v.items():
        if not isinstance(config, dict):
            raise WrongShape((key,), "Input should be a valid dictionary")
        out[key] = dict(config)
    return out


def _features(v: Any) -> list[Any] | dict[str, Any]:
    if isinstance(v, list | dict):
        return v
    raise WrongShape((), "Input should be a valid list or dictionary")


class ObjectCountsRecord(LightModel):
    """``totals`` (``GET /v1/accounts/{id}?with_totals=true``)."""

    __slots__ = ("datasets", "final_workflows", "nodes")
    FIELDS: ClassVar[dict[str, Check]] = {
        "datasets": check_int, "final_workflows": check_int, "nodes": check_int,
    }
    datasets: int | None
    final_workflows: int | None
    nodes: int | None


class NodeEnrollmentRecord(LightModel):
    __slots__ = ("attestation_enforcement_disabled_insecure",)
    FIELDS: ClassVar[dict[str, Check]] = {
        "attestation_enforcement_disabled_insecure": check_bool,
    }
    attestation_enforcement_disabled_insecure: bool | None


class AccountRecord(LightModel):
    """An account as the server returns it. Everything but ``acct_id`` is optional; an
    unknown role, status or component from a newer server is kept as sent."""

    __slots__ = ("acct_id", "name", "created_at", "roles", "custom_logo", "status",
                 "auth_configs", "node_enrollment", "totals", "component", "default_group_id",
                 "marketplace_group_id", "account_status", "azure_cvm_pcr_priority",
                 "features", "approval_state")
    FIELDS: ClassVar[dict[str, Check]] = {  # in the pydantic Account's order (raw())
        "acct_id": check_str,
        "name": check_str,
        "created_at": check_int,
        "roles": list_of(enum_or_str(AccessRoles)),
        "custom_logo": check_str,
        "status": enum_or_str(UserAccountStatus),
        "auth_configs": _auth_configs,
        "node_enrollment": record(NodeEnrollmentRecord),
        "totals": record(ObjectCountsRecord),
        "component": enum_or_str(AccountComponent),
        "default_group_id": check_str,
        "marketplace_group_id": check_str,
        "account_status": enum_or_str(AccountStatus),
        "azure_cvm_pcr_priority": list_of(check_int),
        "features": _features,
        "approval_state": enum_or_str(ApprovalState),
    }
    REQUIRED = frozenset({"acct_id"})
    acct_id: str
    name: str | None
    created_at: int | None
    roles: list[AccessRoles | str] | None
    custom_logo: str | None
    status: UserAccountStatus | str | None
    auth_configs: dict[str, dict[str, Any]] | None
    node_enrollment: NodeEnrollmentRecord | None
    totals: ObjectCountsRecord | None
    component: AccountComponent | str | None
    default_group_id: str | None
    marketplace_group_id: str | None
    account_status: AccountStatus | str | None
    azure_cvm_pcr_priority: list[int] | None
    features: list[Any] | dict[str, Any] | None
    approval_state: ApprovalState | str | None

    @property
    def role_names(self) -> list[str]:
        return [str(r) for r in self.roles or []]


if TYPE_CHECKING:
    #: An account read from the server: the light record (what viewing reads) or the
    #: pydantic model (a create's answer, the CLI's listing). The same attributes and raw().
    AnyAccount: TypeAlias = Account | AccountRecord
