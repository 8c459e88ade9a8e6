"""Schema-level validation of request bodies, as CCM does it (not our stricter client rules).

The shapes mirror the published spec's definitions (AccountRequest, AccountUpdateRequest,
AuthenticationConfig, TlsConfig, CaConfig, ...). On top of the schema, CCM's tagged unions
(AuthenticationConfig, TlsConfig, CaConfig) must set exactly one member, ``custom_logo`` must be
standard base64 of at most 128 KiB, ``azure_cvm_pcr_priority`` must hold exactly 0..22 (the
spec's own description) and a name must pass the client's own name rule
(:func:`ccm_tui.models.rules.check_name`: not blank, no control or invisible characters, at
most 255 characters), so the emulator is never looser than the client it tests. Unknown fields are ignored, as serde does
by default. Every failure names the field: "invalid value for field `component`: ...".
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from ccm_tui.emulator.ids import is_uuid

LOGO_MAX_BYTES = 131072


class ValidationFailed(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _obj(props: dict[str, Any], required: tuple[str, ...] = ()) -> tuple:
    return ("obj", props, required)


def _one_of(props: dict[str, Any]) -> tuple:
    return ("one_of", props)


STR = ("str",)
BOOL = ("bool",)
UUID = ("uuid",)
B64 = ("b64",)
EMPTY_OBJ = ("any_obj",)

CA_CONFIG = _one_of({"ca_set": ("enum", ("GLOBAL_ROOTS",)), "pinned": ("list", B64)})
TLS_REQUIRED = _obj(
    {"validate_hostname": BOOL, "client_key": B64, "client_cert": B64, "ca": CA_CONFIG},
    ("validate_hostname", "ca"),
)
TLS_CONFIG = _one_of({"disabled": EMPTY_OBJ, "opportunistic": EMPTY_OBJ, "required": TLS_REQUIRED})
AUTH_PASSWORD = _obj({"require_2fa": BOOL, "administrators_only": BOOL}, ("require_2fa", "administrators_only"))
AUTH_OAUTH = _obj(
    {
        "idp_name": STR, "idp_icon_url": STR, "idp_authorization_endpoint": STR,
        "idp_token_endpoint": STR, "idp_requires_basic_auth": BOOL, "idp_userinfo_endpoint": STR,
        "tls": TLS_CONFIG, "client_id": STR, "client_secret": STR,
    },
    ("idp_name", "idp_icon_url", "idp_authorization_endpoint", "idp_token_endpoint",
     "idp_requires_basic_auth", "tls", "client_id", "client_secret"),
)
AUTH_REF = _obj({"target_id": STR}, ("target_id",))
AUTH_CONFIG = _one_of({"password": AUTH_PASSWORD, "oauth": AUTH_OAUTH, "cluster_auth_ref": AUTH_REF})
NODE_ENROLLMENT = _obj({"attestation_enforcement_disabled_insecure": BOOL},
                       ("attestation_enforcement_disabled_insecure",))
COMPONENT = ("enum", ("DEFAULT", "CONFIDENTIAL_AI"))
ACCOUNT_STATUS = ("enum", ("Active", "Deactivated"))
NAME = ("name",)
LOGO = ("logo",)
PCR = ("pcr",)

ACCOUNT_REQUEST = _obj(
    {"name": NAME, "custom_logo": LOGO, "auth_configs": ("list", AUTH_CONFIG),
     "node_enrollment": NODE_ENROLLMENT, "component": COMPONENT},
    ("name",),
)
ACCOUNT_UPDATE_REQUEST = _obj(
    {"name": NAME, "custom_logo": LOGO, "add_auth_configs": ("list", AUTH_CONFIG),
     "mod_auth_configs": ("map", AUTH_CONFIG), "del_auth_configs": ("list", UUID),
     "enabled": BOOL, "default_group_id": UUID, "marketplace_group_id": UUID,
     "account_status": ACCOUNT_STATUS, "azure_cvm_pcr_priority": PCR},
)
AUTH_DISCOVER_REQUEST = _obj({"user_email": STR})

_EXPECTED = {
    "str": "a string", "bool": "true or false", "uuid": "a UUID (e.g. 4f6c1a1e-...)",
    "b64": "standard base64", "any_obj": "an object", "obj": "an object", "one_of": "an object",
    "list": "a list", "map": "an object", "name": "a non-empty string",
}


def _fail(path: str, expected: str) -> ValidationFailed:
    return ValidationFailed(path, f"invalid value for field `{path}`: expected {expected}")


def _b64_bytes(value: Any, path: str, what: str = "standard base64") -> bytes:
    if not isinstance(value, str):
        raise _fail(path, what)
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise _fail(path, what) from None


def check(value: Any, shape: tuple, path: str) -> None:
    kind = shape[0]
    if kind == "str":
        if not isinstance(value, str):
            raise _fail(path, _EXPECTED[kind])
    elif kind == "name":
        if not isinstance(value, str):
            raise _fail(path, "a string")
        if not value.strip():
            raise ValidationFailed(path, f"invalid value for field `{path}`: must not be empty")
        from ccm_tui.models.rules import check_name  # lazy: it brings pydantic along

        try:
            check_name(value)
        except ValueError as exc:
            raise ValidationFailed(path, f"invalid value for field `{path}`: {exc}") from None
    elif kind == "bool":
        if not isinstance(value, bool):
            raise _fail(path, _EXPECTED[kind])
    elif kind == "uuid":
        if not is_uuid(value):
            raise _fail(path, _EXPECTED[kind])
    elif kind == "b64":
        _b64_bytes(value, path)
    elif kind == "logo":
        data = _b64_bytes(value, path, "standard base64 of a .png, .jpg or .svg image")
        if len(data) > LOGO_MAX_BYTES:
            raise ValidationFailed(
                path, f"invalid value for field `{path}`: the logo is {len(data)} bytes, at most "
                f"{LOGO_MAX_BYTES} bytes (128 KiB) are allowed")
    elif kind == "enum":
        if value not in shape[1]:
            raise _fail(path, "one of " + ", ".join(shape[1]))
    elif kind == "pcr":
        if (not isinstance(value, list) or any(type(v) is not int for v in value)
                or sorted(value) != list(range(23))):
            raise _fail(path, "an ordered list of exactly the integers 0 through 22")
    elif kind == "any_obj":
        if not isinstance(value, dict):
            raise _fail(path, _EXPECTED[kind])
    elif kind == "list":
        if not isinstance(value, list):
            raise _fail(path, _EXPECTED[kind])
        for i, item in enumerate(value):
            check(item, shape[1], f"{path}[{i}]")
    elif kind == "map":
        if not isinstance(value, dict):
            raise _fail(path, _EXPECTED[kind])
        for key, item in value.items():
            check(item, shape[1], f"{path}.{key}")
    elif kind == "obj":
        _check_obj(value, shape[1], shape[2], path)
    elif kind == "one_of":
        _check_obj(value, shape[1], (), path)
        present = [k for k in shape[1] if k in value]
        if len(present) != 1:
            raise ValidationFailed(
                path, f"invalid value for field `{path}`: set exactly one of "
                f"{', '.join(shape[1])} (found {len(present)})")
    else:  # pragma: no cover - a typo in the shapes above
        raise AssertionError(kind)


def _check_obj(value: Any, props: dict[str, Any], required: tuple[str, ...], path: str) -> None:
    if not isinstance(value, dict):
        raise _fail(path or "body", "an object")
    prefix = f"{path}." if path else ""
    for name in required:
        if name not in value:
            raise ValidationFailed(prefix + name, f"missing field `{prefix}{name}`")
    for name, shape in props.items():
        if name in value:
            if value[name] is None and name not in required:
                continue  # JSON null for an optional member means "not given"
            check(value[name], shape, prefix + name)


def validate_body(body: Any, shape: tuple) -> dict[str, Any]:
    """Validate a parsed JSON body; returns it (a dict) or raises ValidationFailed."""
    if not isinstance(body, dict):
        raise ValidationFailed("body", "the request body must be a JSON object")
    check(body, shape, "")
    return body
