"""Members: strict invite/update requests (fields named, nothing sent unless valid) and the
lenient User answer (unknown roles/statuses/fields kept)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from ccm_tui.models import InviteUserRequest, UpdateUserRequest, User, UserListResponse, field_errors


def _fields(exc: ValidationError) -> dict[str, str]:
    return {e.field: e.message for e in field_errors(exc)}


def test_invite_body_is_exactly_the_spec_fields():
    req = InviteUserRequest(user_email=" new.person@example.com ", roles=["READER", "WRITER"],
                            first_name="New", last_name="Person")
    assert req.wire_body() == {"user_email": "new.person@example.com", "roles": ["WRITER", "READER"],
                               "first_name": "New", "last_name": "Person"}
    assert InviteUserRequest(user_email="a@b.example", roles=["MANAGER"]).wire_body() == {
        "user_email": "a@b.example", "roles": ["MANAGER"]}


@pytest.mark.parametrize("email", ["", "   ", "no-at-sign", "two@@example.com", "a@nodot",
                                   "sp ace@example.com", "a@example.com\u202e", "x" * 250 + "@e.com"])
def test_invite_refuses_what_is_not_an_address(email):
    with pytest.raises(ValidationError) as info:
        InviteUserRequest(user_email=email, roles=["READER"])
    assert list(_fields(info.value)) == ["user_email"]


@pytest.mark.parametrize("roles,why", [([], "at least one role"), (["OWNER"], "READER"),
                                       ("WRITER", "list")])
def test_invite_roles_must_be_a_non_empty_list_of_known_roles(roles, why):
    with pytest.raises(ValidationError) as info:
        InviteUserRequest(user_email="a@example.com", roles=roles)
    fields = _fields(info.value)
    assert any(f.startswith("roles") for f in fields)
    assert why in " ".join(fields.values())


def test_invite_refuses_unknown_members_and_blank_names():
    with pytest.raises(ValidationError) as info:
        InviteUserRequest(user_email="a@example.com", roles=["READER"], role="READER")
    assert "role" in _fields(info.value)
    with pytest.raises(ValidationError) as info:
        InviteUserRequest(user_email="a@example.com", roles=["READER"], first_name="  ")
    assert "first_name" in _fields(info.value)


def test_update_needs_something_to_change_and_checks_each_member():
    with pytest.raises(ValidationError) as info:
        UpdateUserRequest()
    assert "nothing to change" in str(info.value)
    with pytest.raises(ValidationError) as info:
        UpdateUserRequest(user_account_status="GONE")
    assert "user_account_status" in _fields(info.value)
    with pytest.raises(ValidationError) as info:
        UpdateUserRequest(roles=[])
    assert "roles" in _fields(info.value)
    assert UpdateUserRequest(user_account_status="DISABLED").wire_body() == {
        "user_account_status": "DISABLED"}
    assert UpdateUserRequest(roles=["MANAGER", "READER"]).wire_body() == {"roles": ["MANAGER", "READER"]}


def test_user_answer_is_lenient_and_keeps_what_it_does_not_know():
    page = UserListResponse.model_validate({"items": [
        {"user_id": "u1", "user_email": "a@example.com", "roles": ["WRITER", "AUDITOR"],
         "user_account_status": "SUSPENDED", "status": "ACTIVE", "shoe_size": 44},
        {"user_id": "u2"},
    ], "metadata": {"total_count": 2}})
    first, second = page.items
    assert first.role_names == ["WRITER", "AUDITOR"]
    assert first.user_account_status == "SUSPENDED"
    assert first.raw()["shoe_size"] == 44
    assert second.display_name == "u2"
    assert User(user_id="u3", first_name="Ada", last_name="L").display_name == "Ada L"
