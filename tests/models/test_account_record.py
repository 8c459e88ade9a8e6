"""An account read to be viewed is a light record (models/account_record.py), not the pydantic
Account: it must read every answer as the pydantic model reads it (the same values, the same
raw view, the same screen), refuse what it refuses naming the field and never the value, and
keep what it does not know."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from ccm_tui.emulator import DEMO_EMAIL, DEMO_PASSWORD
from ccm_tui.models import Account, AccountRecord
from ccm_tui.models.enums import AccessRoles, AccountStatus, UserAccountStatus
from ccm_tui.models.light import WrongShape, check_bool, check_int
from ccm_tui.widgets.account_view import account_json, field_groups

MARKER = "SECRET-VALUE-7c1f"
ID = "0f1e2d3c-4b5a-4697-8877-665544332211"


def pydantic_loc(data: Any) -> tuple[str | int, ...] | None:
    """The pydantic Account's first error location for ``data`` (None when it accepts)."""
    try:
        Account.model_validate(data)
    except ValidationError as exc:
        return tuple(exc.errors(include_url=False, include_input=False)[0]["loc"])
    return None


def shown(account: Any) -> str:
    """What the details view draws from an account: its grouped fields and its raw JSON."""
    groups = [(title, [(label, str(value)) for label, value in rows])
              for title, rows in field_groups(account)]
    return json.dumps(groups) + account_json(account)


def assert_read_alike(data: dict[str, Any]) -> AccountRecord:
    record = AccountRecord.model_validate(data)
    model = Account.model_validate(data)
    assert record.raw() == model.raw()
    for name in AccountRecord.FIELDS:
        if name not in ("node_enrollment", "totals"):
            assert getattr(record, name) == getattr(model, name), name
            assert type(getattr(record, name)) is type(getattr(model, name)), name
    assert (record.totals is None) == (model.totals is None)
    if record.totals is not None and model.totals is not None:
        assert record.totals.raw() == model.totals.raw()
    assert record.role_names == model.role_names
    assert shown(record) == shown(model)
    return record


# ----------------------------------------------------------------------- the emulator's answers

async def test_the_emulators_answers_read_as_the_pydantic_account_reads_them(
        asgi_transport, images, pki, oauth_body):
    """Every account the emulator returns (list items, one account with totals, an update's
    answer), with every kind of auth config, a logo, enrollment off, a deactivated one."""
    async with httpx.AsyncClient(transport=asgi_transport, base_url="http://ccm.test") as http:
        token = (await http.post("/v1/sys/auth", auth=(DEMO_EMAIL, DEMO_PASSWORD))).json()
        http.headers["Authorization"] = f"Bearer {token['access_token']}"
        http.headers["X-CSRF-Header"] = "true"
        tls = {"required": {"validate_hostname": True, "ca": {"pinned": [pki.ca_pem_b64]},
                            "client_cert": pki.client_cert_pem_b64,
                            "client_key": pki.client_key_pem_b64}}
        bodies = [
            {"name": "Plain"},
            {"name": "Zürich Ops ☃", "custom_logo": images.png_b64, "component": "CONFIDENTIAL_AI",
             "node_enrollment": {"attestation_enforcement_disabled_insecure": True},
             "auth_configs": [{"password": {"require_2fa": True, "administrators_only": True}},
                              {"oauth": oauth_body()},
                              {"oauth": oauth_body(idp_name="Pinned", tls=tls)},
                              {"cluster_auth_ref": {"target_id": "cluster-cfg-1"}}]},
        ]
        ids = []
        for body in bodies:
            resp = await http.post("/v1/accounts", json=body)
            assert resp.status_code in (200, 201), resp.text
            ids.append(resp.json()["acct_id"])
        patched = await http.patch(f"/v1/accounts/{ids[0]}", json={"enabled": False})
        answers = [patched.json()]
        answers += (await http.get("/v1/accounts", params={"limit": 100})).json()["items"]
        for acct_id in ids:
            answers.append((await http.get(f"/v1/accounts/{acct_id}",
                                           params={"with_totals": "true"})).json())
    assert len(answers) >= 5
    for answer in answers:
        assert_read_alike(answer)
    deactivated = AccountRecord.model_validate(answers[0])
    assert deactivated.account_status is AccountStatus.Deactivated
    full = AccountRecord.model_validate(answers[-1])
    assert full.totals is not None and full.totals.nodes == 0
    assert full.node_enrollment is not None
    assert full.node_enrollment.attestation_enforcement_disabled_insecure is True
    assert full.auth_configs is not None and len(full.auth_configs) == 4


# ----------------------------------------------------------------------- hostile answers

HOSTILE = [
    {"acct_id": ID, "roles": ["MANAGER", "OWNER"], "status": "SUSPENDED",
     "component": "NEW_KIND", "account_status": "Archived", "approval_state": "LATER"},
    {"acct_id": ID, "created_at": "1700000000", "totals": {"nodes": "3", "gpus": 2},
     "azure_cvm_pcr_priority": [1, "2", 3.0, True], "name": None, "custom_logo": None},
    {"acct_id": ID, "created_at": 1.7e9, "node_enrollment": {
        "attestation_enforcement_disabled_insecure": "yes", "extra": {"deep": [None, 1]}}},
    {"acct_id": ID, "auth_configs": [{"password": {}}, {"oauth": {"client_secret": MARKER}}]},
    {"acct_id": ID, "auth_configs": {"c1": {"oauth": {"tls": {"required": None}}}}},
    {"acct_id": ID, "features": {"a": None}, "shoe_size": 44, "gone": None,
     "nested": {"nan": float("nan"), "inf": [float("-inf")], "none": None}},
    {"acct_id": ID, "features": [1, "two", None], "x": float("inf")},
    {"acct_id": ID, "name": "\u202eevil\x1b[31m\ud800", "roles": []},
    {"acct_id": "", "created_at": " 12 ", "totals": {}, "node_enrollment": {}},
    {"acct_id": ID, "created_at": "12.000", "totals": None, "roles": None, "status": None},
]


@pytest.mark.parametrize("data", HOSTILE)
def test_odd_but_readable_answers_read_alike(data):
    assert_read_alike(data)


def test_unknown_fields_are_kept_for_the_raw_view():
    record = AccountRecord.model_validate(HOSTILE[5])
    assert record.shoe_size == 44
    assert record.raw() == {"acct_id": ID, "features": {"a": None}, "shoe_size": 44,
                            "nested": {"nan": None, "inf": [None], "none": None}}
    assert json.loads(json.dumps(record.raw(), allow_nan=False)) == record.raw()
    with pytest.raises(AttributeError):
        _ = record.no_such_field
    assert AccountRecord.model_validate(HOSTILE[0]).roles == [AccessRoles.MANAGER, "OWNER"]
    assert AccountRecord.model_validate(HOSTILE[0]).status == "SUSPENDED"
    assert AccountRecord.model_validate(
        {"acct_id": ID, "status": "PENDING"}).status is UserAccountStatus.PENDING


@pytest.mark.parametrize(
    ("data", "loc", "why"),
    [
        ({}, ("acct_id",), "Field required"),
        ({"acct_id": None}, ("acct_id",), "valid string"),
        ({"acct_id": 5}, ("acct_id",), "valid string"),
        ({"acct_id": ID, "name": ["x", MARKER]}, ("name",), "valid string"),
        ({"acct_id": ID, "created_at": MARKER}, ("created_at",), "valid integer"),
        ({"acct_id": ID, "created_at": "1e3"}, ("created_at",), "valid integer"),
        ({"acct_id": ID, "created_at": 1.5}, ("created_at",), "fractional part"),
        ({"acct_id": ID, "created_at": float("nan")}, ("created_at",), "finite number"),
        ({"acct_id": ID, "roles": MARKER}, ("roles",), "valid list"),
        ({"acct_id": ID, "roles": ["MANAGER", 5]}, ("roles", 1), "valid string"),
        ({"acct_id": ID, "status": 3}, ("status",), "valid string"),
        ({"acct_id": ID, "account_status": {"v": MARKER}}, ("account_status",), "valid string"),
        ({"acct_id": ID, "auth_configs": MARKER}, ("auth_configs",), "dictionary"),
        ({"acct_id": ID, "auth_configs": {"c1": MARKER}}, ("auth_configs", "c1"), "dictionary"),
        ({"acct_id": ID, "auth_configs": [None]}, ("auth_configs", "0"), "dictionary"),
        ({"acct_id": ID, "node_enrollment": [MARKER]}, ("node_enrollment",), "dictionary"),
        ({"acct_id": ID, "node_enrollment": {"attestation_enforcement_disabled_insecure":
                                              MARKER}},
         ("node_enrollment", "attestation_enforcement_disabled_insecure"), "boolean"),
        ({"acct_id": ID, "totals": {"nodes": [1]}}, ("totals", "nodes"), "valid integer"),
        ({"acct_id": ID, "azure_cvm_pcr_priority": [0, "x"]}, ("azure_cvm_pcr_priority", 1),
         "valid integer"),
        ({"acct_id": ID, "features": MARKER}, ("features",), "valid list"),
        ([MARKER], (), "dictionary"),
    ],
)
def test_a_wrong_shape_names_the_field_and_never_the_value(data, loc, why):
    with pytest.raises(WrongShape) as info:
        AccountRecord.model_validate(data)
    assert info.value.loc == loc
    assert why in info.value.msg
    text = str(info.value) + repr(info.value) + str(info.value.args)
    assert MARKER not in text
    refused_at = pydantic_loc(data)
    assert refused_at is not None and refused_at[:len(loc)] == loc  # pydantic refuses it too


# --------------------------------------------- the lax checks, value by value, against pydantic

INT_TEXTS = ["12", " 12 ", "\t12\n", "\xa012\u3000", "+12", "-0", "0012", "1_000", "1_000.0",
             "12.0", "-12.00", "99999999999999999999", "99999999999999999999.0", "1e3", "12.",
             ".0", "12.5", "1.0e2", "١٢", "٣.٠", "0x10", "1__0", "_1", "1_", "+_1", "inf",
             "nan", "", " ", "\x1c12", "12.000000000000000000001", "1" * 5000]
BOOL_TEXTS = ["yes", "YES", "On", "TRUE", "t", "1", "0", "y", "n", "off", " yes ", "no ",
              "true\n", "", "0.0", "2"]
OTHER = [True, 5.0, -0.0, 1e19, 9.2e18, 2**70, float("inf"), 0, 1, 2, 0.5, None, [], {}]


@pytest.mark.parametrize(("check", "pyd", "value"),
                         [(check_int, int, v) for v in INT_TEXTS + OTHER]
                         + [(check_bool, bool, v) for v in BOOL_TEXTS + OTHER])
def test_a_value_is_read_as_pydantic_reads_it(check, pyd, value):
    try:
        expected = TypeAdapter(pyd).validate_python(value)
    except ValidationError:
        expected = WrongShape
    try:
        got = check(value)
    except WrongShape:
        got = WrongShape
    assert got == expected and type(got) is type(expected)


# ------------------------------------------------------------ any JSON: the same decision

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
    st.sampled_from(["MANAGER", "READER", "ACTIVE", "Active", "Deactivated", "DEFAULT",
                     "APPROVED", "12", " 7 ", "1.0", "yes", "off", MARKER]),
)
json_values = st.recursive(
    scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                     st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=12,
)
ints = st.one_of(st.integers(min_value=-(2**64), max_value=2**64),
               st.floats(allow_nan=True, allow_infinity=True),
               st.sampled_from(INT_TEXTS), json_values)
bools = st.one_of(st.booleans(), st.sampled_from([*BOOL_TEXTS, 0, 1, 2, 0.0, 1.0]), json_values)
words = st.one_of(st.sampled_from(["MANAGER", "READER", "OWNER", "ACTIVE", "PENDING", "Active",
                                   "Deactivated", "DEFAULT", "CONFIDENTIAL_AI", "APPROVED"]),
                  json_values)
configs = st.one_of(st.dictionaries(st.text(max_size=6), st.one_of(
    st.dictionaries(st.text(max_size=8), json_values, max_size=3), json_values), max_size=3),
    st.lists(st.dictionaries(st.text(max_size=8), json_values, max_size=2), max_size=3),
    json_values)
#: Each field with values of about its type (often right, sometimes wrong) or any JSON.
FIELD_VALUES = {
    "name": st.one_of(st.text(max_size=10), json_values), "created_at": ints,
    "roles": st.one_of(st.lists(words, max_size=3), json_values), "custom_logo": json_values,
    "status": words, "auth_configs": configs,
    "node_enrollment": st.one_of(st.fixed_dictionaries(
        {}, optional={"attestation_enforcement_disabled_insecure": bools, "more": json_values}),
        json_values),
    "totals": st.one_of(st.fixed_dictionaries(
        {}, optional={"datasets": ints, "final_workflows": ints, "nodes": ints,
                      "gpus": json_values}), json_values),
    "component": words, "default_group_id": json_values, "marketplace_group_id": json_values,
    "account_status": words, "azure_cvm_pcr_priority": st.one_of(st.lists(ints, max_size=4),
                                                                 json_values),
    "features": json_values, "approval_state": words,
    "shoe_size": json_values, "nested": json_values,  # unknown fields
}
answers = st.fixed_dictionaries(
    {"acct_id": st.one_of(st.just(ID), st.just(ID), st.just(ID), json_values)},
    optional=FIELD_VALUES)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers)
def test_any_answer_is_accepted_or_refused_as_pydantic_decides(data):
    acct_id = data["acct_id"]
    refused_at = pydantic_loc(data)
    try:
        record = AccountRecord.model_validate(data)
    except WrongShape as exc:
        assert refused_at is not None, f"refused what pydantic takes: {exc}"
        # pydantic may name another wrong field first: the one named must be wrong for it too
        field = exc.loc[0]
        alone = {"acct_id": ID, field: data[field]} if field != "acct_id" else {"acct_id": acct_id}
        wrong_at = pydantic_loc(alone)
        assert wrong_at is not None and wrong_at[:len(exc.loc)] == exc.loc, (exc, wrong_at)
        return
    assert refused_at is None, f"took what pydantic refuses at {refused_at}"
    assert record.raw() == Account.model_validate(data).raw()


def test_totals_carried_over_from_a_pydantic_account_still_show():
    """The details keep the totals they had when an account without them replaces theirs (an
    edit's answer): a create's pydantic totals in a record must still give the raw view."""
    created = Account.model_validate({"acct_id": ID, "totals": {"nodes": 2, "gpus": None}})
    record = AccountRecord.model_validate({"acct_id": ID, "name": "after edit"})
    record.totals = created.totals  # type: ignore[assignment]
    assert record.raw() == {"acct_id": ID, "name": "after edit", "totals": {"nodes": 2}}
    assert "nodes" in account_json(record) and "2" in shown(record)
