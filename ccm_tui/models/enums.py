"""Enumerations of the CCM schema, spelled exactly as the spec spells them."""

from __future__ import annotations

from enum import StrEnum


class AccessRoles(StrEnum):
    READER = "READER"
    WRITER = "WRITER"
    MANAGER = "MANAGER"

    @property
    def console_name(self) -> str:
        """The word the CCM web console uses for this role."""
        return _CONSOLE_ROLE_NAMES[self]


_CONSOLE_ROLE_NAMES = {
    AccessRoles.READER: "Viewer",
    AccessRoles.WRITER: "Editor",
    AccessRoles.MANAGER: "Administrator",
}


class UserAccountStatus(StrEnum):
    ACTIVE = "ACTIVE"
    PENDING = "PENDING"
    DISABLED = "DISABLED"


class AccountStatus(StrEnum):
    # Mixed case on the wire, as the spec has it.
    Active = "Active"
    Deactivated = "Deactivated"


class AccountComponent(StrEnum):
    DEFAULT = "DEFAULT"
    CONFIDENTIAL_AI = "CONFIDENTIAL_AI"


class CaSet(StrEnum):
    GLOBAL_ROOTS = "GLOBAL_ROOTS"


class ApprovalState(StrEnum):
    """Sent by older servers only."""

    PENDING_CONFIRMATION = "PENDING_CONFIRMATION"
    APPROVED = "APPROVED"
    DISAPPROVED = "DISAPPROVED"
