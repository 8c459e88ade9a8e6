"""The login path's answers (models/session.py) are light records, not pydantic models: they
must check what the pydantic models checked, keep what they do not know, and never show a
secret (ccm_tui.secret.Secret)."""

from __future__ import annotations

import json
import logging

import pytest
from pydantic import SecretStr

from ccm_tui.models import AuthResponse, SessionInfo, User, UserAccountInfo, UserListResponse
from ccm_tui.models.enums import AccessRoles, UserAccountStatus
from ccm_tui.models.light import WrongShape
from ccm_tui.secret import Secret, as_secret

TOKEN = "eyJhbGciOi.TOKEN-never-shown.sig"


@pytest.mark.parametrize(
    ("cls", "data", "loc", "why"),
    [
        (User, {}, ("user_id",), "Field required"),
        (User, {"user_id": 5}, ("user_id",), "valid string"),
        (User, {"user_id": None}, ("user_id",), "valid string"),
        (User, {"user_id": "u", "created_at": 1.5}, ("created_at",), "fractional part"),
        (User, {"user_id": "u", "created_at": "soon"}, ("created_at",), "valid integer"),
        (User, {"user_id": "u", "created_at": [1]}, ("created_at",), "valid integer"),
        (User, {"user_id": "u", "email_verified": "perhaps"}, ("email_verified",), "boolean"),
        (User, {"user_id": "u", "email_verified": 2}, ("email_verified",), "boolean"),
        (User, {"user_id": "u", "roles": "MANAGER"}, ("roles",), "valid list"),
        (User, {"user_id": "u", "roles": ["MANAGER", 5]}, ("roles", 1), "valid string"),
        (User, {"user_id": "u", "status": 3}, ("status",), "valid string"),
        (SessionInfo, {"session_expires_at": "abc"}, ("session_expires_at",), "valid integer"),
        (SessionInfo, {"subject_id": {"a": 1}}, ("subject_id",), "valid string"),
        (AuthResponse, {"access_token": 5}, ("access_token",), "valid string"),
        (AuthResponse, {"access_token": TOKEN, "session_info": "bad"}, ("session_info",),
         "dictionary"),
        (AuthResponse, {"access_token": TOKEN, "session_info": {"session_token_expires_at": "x"}},
         ("session_info", "session_token_expires_at"), "valid integer"),
        (UserAccountInfo, {"roles": {"MANAGER": True}}, ("roles",), "valid list"),
        (UserListResponse, {"items": [{"user_id": "u1"}, {"first_name": "Ann"}]},
         ("items", 1, "user_id"), "Field required"),
        (UserListResponse, {"items": None}, ("items",), "valid list"),
        (UserListResponse, {"items": [], "metadata": [1]}, ("metadata",), "dictionary"),
        (User, ["not", "an", "object"], (), "dictionary"),
    ],
)
def test_a_wrong_shape_names_the_field_and_never_the_value(cls, data, loc, why):
    with pytest.raises(WrongShape) as info:
        cls.model_validate(data)
    assert info.value.loc == loc
    assert why in info.value.msg
    text = str(info.value) + repr(info.value) + str(info.value.args)
    assert TOKEN not in text and "soon" not in text and "perhaps" not in text


def test_values_are_read_as_the_pydantic_models_read_them():
    user = User.model_validate({
        "user_id": "u", "created_at": "12", "last_logged_in_at": 1700000000.0,
        "email_verified": "yes", "accepted_latest_terms_and_conditions": 0,
        "roles": ["MANAGER", "AUDITOR"], "status": "ACTIVE", "user_account_status": "SUSPENDED",
    })
    assert (user.created_at, user.last_logged_in_at) == (12, 1700000000)
    assert user.email_verified is True and user.accepted_latest_terms_and_conditions is False
    assert user.roles == [AccessRoles.MANAGER, "AUDITOR"]  # an unknown role kept as sent
    assert isinstance(user.roles[0], AccessRoles)
    assert user.status is UserAccountStatus.ACTIVE and user.user_account_status == "SUSPENDED"
    assert user.role_names == ["MANAGER", "AUDITOR"]
    assert User(user_id="u3", first_name="Ada", last_name="L").display_name == "Ada L"
    assert User(user_id="u4", user_email="x@example.com").display_name == "x@example.com"
    assert User(user_id="u5", roles=["READER"]).roles == [AccessRoles.READER]


def test_unknown_fields_are_kept_for_the_raw_view():
    user = User.model_validate({"user_id": "u", "shoe_size": 44, "gone": None,
                                "nested": {"a": None}, "roles": ["WRITER"], "first_name": None})
    assert user.shoe_size == 44
    assert user.raw() == {"user_id": "u", "roles": ["WRITER"], "shoe_size": 44,
                          "nested": {"a": None}}
    assert json.loads(json.dumps(user.raw())) == user.raw()
    with pytest.raises(AttributeError):
        _ = user.no_such_field


def test_records_compare_and_copy_like_the_models():
    a = SessionInfo.model_validate({"subject_id": "s", "session_token_expires_at": 5})
    assert a == SessionInfo(subject_id="s", session_token_expires_at=5)
    b = a.model_copy(update={"selected_account_id": "acct-1"})
    assert b.selected_account_id == "acct-1" and a.selected_account_id is None
    assert b.subject_id == "s" and b != a
    assert "selected_account_id='acct-1'" in repr(b)


def test_the_token_never_shows():
    resp = AuthResponse.model_validate({"access_token": TOKEN, "session_info": {}})
    assert isinstance(resp.access_token, Secret)
    assert resp.access_token.get_secret_value() == TOKEN
    shown = (repr(resp) + str(resp) + f"{resp.access_token}" + f"{resp.access_token!r:>40}"
             + json.dumps(resp.raw()) + "%s %r" % (resp.access_token, resp.access_token))
    assert TOKEN not in shown and "**********" in shown


def test_a_secret_is_equal_by_value_and_takes_either_kind():
    assert Secret("a") == Secret("a") and Secret("a") != Secret("b")
    assert Secret("a") == SecretStr("a")  # a token from a request model still compares
    assert Secret("a") != "a"  # never probed by its bare text
    assert as_secret(SecretStr("t")).get_secret_value() == "t"
    assert as_secret("t") == Secret("t")
    held = Secret("t")
    assert as_secret(held) is held
    assert len(Secret("abc")) == 3 and str(Secret("")) == ""
    with pytest.raises(TypeError):
        Secret(5)  # type: ignore[arg-type]


def test_a_secret_in_a_log_line_is_masked(caplog):
    log = logging.getLogger("ccm_tui.test")
    with caplog.at_level(logging.DEBUG, logger="ccm_tui.test"):
        log.info("token %s / %r / %s", Secret(TOKEN), Secret(TOKEN), {"t": Secret(TOKEN)})
        log.info("answer %s", AuthResponse.model_validate({"access_token": TOKEN}))
    assert TOKEN not in caplog.text and "**********" in caplog.text
