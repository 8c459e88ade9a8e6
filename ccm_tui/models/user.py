"""Members of an account: the invite / update requests (strict). Field names exactly as the
spec spells them (definitions ``InviteUserRequest``, ``UpdateUserRequest``). The server's
``User`` and ``GetAllUsersResponse`` are light records defined in models/session.py (the
login reads a User before pydantic is imported); they are re-exported here."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator, StrictStr, model_validator

from ccm_tui.models.base import RequestModel
from ccm_tui.models.enums import AccessRoles, UserAccountStatus
from ccm_tui.models.session import User, UserListResponse

__all__ = ["EMAIL_MAX_LENGTH", "PERSON_NAME_MAX_LENGTH", "ROLE_ORDER", "Email",
           "InviteUserRequest", "PersonName", "Roles", "UpdateUserRequest", "User",
           "UserListResponse", "check_email", "check_person_name", "check_roles"]

#: RFC 5321's limit on a forward path; longer addresses cannot be delivered.
EMAIL_MAX_LENGTH = 254
PERSON_NAME_MAX_LENGTH = 255
ROLE_ORDER = (AccessRoles.MANAGER, AccessRoles.WRITER, AccessRoles.READER)

_INVISIBLE = ("Cc", "Cf", "Zl", "Zp", "Cs", "Co")
# local@domain.tld: no blanks, one @, a dot in the domain, labels not empty.
_EMAIL = re.compile(r"^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$")


def check_email(value: str) -> str:
    email = value.strip()
    if not email:
        raise ValueError("must not be empty; type an email address like name@example.com")
    for ch in email:
        if unicodedata.category(ch) in _INVISIBLE:
            raise ValueError(
                f"must not contain control or invisible characters (found U+{ord(ch):04X}); "
                "expected an address like name@example.com"
            )
    if len(email) > EMAIL_MAX_LENGTH:
        raise ValueError(f"is {len(email)} characters long; at most {EMAIL_MAX_LENGTH} are allowed")
    if not _EMAIL.match(email):
        raise ValueError("is not an email address; expected name@example.com")
    return email


def check_person_name(value: str) -> str:
    name = value.strip()
    if not name:
        raise ValueError("must not be empty or only blanks; leave it out instead")
    for ch in name:
        if unicodedata.category(ch) in _INVISIBLE:
            raise ValueError(
                f"must not contain control or invisible characters (found U+{ord(ch):04X})"
            )
    if len(name) > PERSON_NAME_MAX_LENGTH:
        raise ValueError(
            f"is {len(name)} characters long; at most {PERSON_NAME_MAX_LENGTH} are allowed"
        )
    return name


def check_roles(value: list[AccessRoles]) -> list[AccessRoles]:
    if not value:
        raise ValueError("must name at least one role: READER, WRITER or MANAGER")
    seen = set(value)
    return [r for r in ROLE_ORDER if r in seen]  # one each, in the console's order


Email = Annotated[StrictStr, AfterValidator(check_email)]
PersonName = Annotated[StrictStr, AfterValidator(check_person_name)]
Roles = Annotated[list[AccessRoles], AfterValidator(check_roles)]


class InviteUserRequest(RequestModel):
    """Body of ``POST /v1/users/invite``."""

    user_email: Email
    roles: Roles
    first_name: PersonName | None = None
    last_name: PersonName | None = None


class UpdateUserRequest(RequestModel):
    """Body of ``PATCH /v1/users/{user-id}``: at least one member."""

    first_name: PersonName | None = None
    last_name: PersonName | None = None
    roles: Roles | None = None
    user_account_status: UserAccountStatus | None = None
    user_email: Email | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> UpdateUserRequest:
        if all(getattr(self, name) is None for name in type(self).model_fields):
            raise ValueError(
                "nothing to change: give roles, user_account_status, first_name, last_name "
                "or user_email"
            )
        return self
