"""Members of an account: the server's ``User`` (lenient) and the invite / update requests
(strict). Field names exactly as the spec spells them (definitions ``User``,
``InviteUserRequest``, ``UpdateUserRequest``, ``GetAllUsersResponse``)."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any

from pydantic import AfterValidator, Field, StrictStr, field_validator, model_validator

from ccm_tui.models.base import RequestModel, ResponseModel, enum_or_raw
from ccm_tui.models.enums import AccessRoles, UserAccountStatus

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


class User(ResponseModel):
    """A user as the server returns it (also ``GET /v1/user``). Only ``user_id`` is required;
    an unknown role or status from a newer server is kept as sent."""

    user_id: str
    user_email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    last_logged_in_at: int | None = None
    created_at: int | None = None
    email_verified: bool | None = None
    status: UserAccountStatus | str | None = None
    roles: list[AccessRoles | str] | None = None
    user_account_status: UserAccountStatus | str | None = None
    accepted_latest_terms_and_conditions: bool | None = None
    new_email: str | None = None

    @field_validator("roles", mode="before")
    @classmethod
    def _roles(cls, v: Any) -> Any:
        if isinstance(v, list):
            return [enum_or_raw(AccessRoles, r) for r in v]
        return v

    @field_validator("status", "user_account_status", mode="before")
    @classmethod
    def _status(cls, v: Any) -> Any:
        return enum_or_raw(UserAccountStatus, v) if isinstance(v, str) else v

    @property
    def display_name(self) -> str:
        full = " ".join(p for p in (self.first_name, self.last_name) if p)
        return full or self.user_email or self.user_id

    @property
    def role_names(self) -> list[str]:
        return [str(r) for r in self.roles or []]


class UserListResponse(ResponseModel):
    """``GetAllUsersResponse``: ``{items: [User], metadata?}``."""

    items: list[User] = Field(default_factory=list)
    metadata: dict[str, Any] | None = None
