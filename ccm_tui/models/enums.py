"""Enumerations of the CCM schema, spelled exactly as the spec spells them."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class AccessRoles(StrEnum):
    READER = "READER"
    WRITER = "WRITER"
    MANAGER = "MANAGER"

    @property
    def console_name(self) -> str:
        """The word the CCM web console uses for this role."""
        return _CONSOLE_ROLE_NAMES[self]


#: The one map of role words: API name -> the word of the CCM web console.
_CONSOLE_ROLE_NAMES = {
    AccessRoles.READER: "Viewer",
    AccessRoles.WRITER: "Editor",
    AccessRoles.MANAGER: "Administrator",
}
_CONSOLE_WORDS = {str(role): word for role, word in _CONSOLE_ROLE_NAMES.items()}


def console_role(role: object) -> str:
    """The web console's word for ``role`` ("MANAGER" -> "Administrator"); a role this
    console does not know is given back as the server sent it (never an invented word)."""
    text = str(getattr(role, "value", role))
    return _CONSOLE_WORDS.get(text, text)


def role_words(roles: Iterable[object] | None, style: str = "api", *, sep: str = " ",
               empty: str = "") -> str:
    """The one role formatter. ``style``: "api" (MANAGER), "console" (Administrator) or
    "both" (MANAGER (Administrator); an unknown role once, as sent). ``empty`` when none."""
    out = []
    for role in roles or ():
        api = str(getattr(role, "value", role))
        word = _CONSOLE_WORDS.get(api)
        if style == "console":
            out.append(word or api)
        elif style == "both":
            out.append(f"{api} ({word})" if word else api)
        else:
            out.append(api)
    return sep.join(out) or empty


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
